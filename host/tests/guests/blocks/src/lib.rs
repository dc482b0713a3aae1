//! Every IEC 61131-3 function block of the SDK, driven from input byte 0 and reported in the
//! outputs, so that the Rust blocks and the C blocks of plc.h (twin: host/tests/c/blocks.c)
//! are checked against the same timing table, host/tests/recipes/blocks.json.
//!
//! Inputs `%IB0`: bit 0 IN (timers, PT = 100 ms), 1 CLK (triggers; CU/CD of the counters),
//! 2 R (counter reset, bistable reset), 3 LD, 4 S (bistable set), 5 CD (CTUD down).
//! Outputs: `%QB0` bits TON.Q, TOF.Q, TP.Q, R_TRIG.Q, F_TRIG.Q, SR.Q1, RS.Q1; `%QB1` bits
//! CTU.Q, CTD.Q, CTUD.QU, CTUD.QD; `%QW2`, `%QW4`, `%QW6` the ET of TON, TOF, TP in ms;
//! `%QB8..10` CV of CTU, CTD, CTUD (PV = 2).
#![no_std]
use plc_sdk::prelude::*;

/// One of each block.
#[derive(Default, State)]
pub struct Blocks {
    ton: Ton,
    tof: Tof,
    tp: Tp,
    r_trig: RTrig,
    f_trig: FTrig,
    ctu: Ctu,
    ctd: Ctd,
    ctud: Ctud,
    sr: Sr,
    rs: Rs,
}

#[plc_program]
fn blocks(b: &mut Blocks) {
    let bits = Input::<u8>::new(0).get().unwrap_or(0);
    let bit = |n: u8| bits & (1 << n) != 0;
    let (input, clk, reset, load, set, cd) = (bit(0), bit(1), bit(2), bit(3), bit(4), bit(5));
    let pt = Duration::from_millis(100);
    let flags = [
        b.ton.call(input, pt),
        b.tof.call(input, pt),
        b.tp.call(input, pt),
        b.r_trig.call(clk),
        b.f_trig.call(clk),
        b.sr.call(set, reset),
        b.rs.call(set, reset),
    ];
    let counters = [b.ctu.call(clk, reset, 2), b.ctd.call(clk, load, 2), b.ctud.call(clk, cd, reset, load, 2), b.ctud.qd()];
    let pack = |flags: &[bool]| flags.iter().enumerate().fold(0u8, |acc, (i, &f)| acc | (u8::from(f) << i));
    let ms = |d: Duration| d.as_millis() as u16;
    let _ = Output::<u8>::new(0).set(pack(&flags));
    let _ = Output::<u8>::new(1).set(pack(&counters));
    let _ = Output::<u16>::new(2).set(ms(b.ton.et()));
    let _ = Output::<u16>::new(4).set(ms(b.tof.et()));
    let _ = Output::<u16>::new(6).set(ms(b.tp.et()));
    let _ = Output::<i8>::new(8).set(b.ctu.cv() as i8);
    let _ = Output::<i8>::new(9).set(b.ctd.cv() as i8);
    let _ = Output::<i8>::new(10).set(b.ctud.cv() as i8);
}
