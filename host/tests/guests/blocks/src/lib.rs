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

static IMAGE: ProcessImage<1, 11> = ProcessImage::new();
const INPUTS: Input<u8> = IMAGE.input(0);
const FLAGS: Output<u8> = IMAGE.output(0);
const COUNTERS: Output<u8> = IMAGE.output(1);
const ET: [Output<u16>; 3] = [IMAGE.output(2), IMAGE.output(4), IMAGE.output(6)];
const CV: [Output<i8>; 3] = [IMAGE.output(8), IMAGE.output(9), IMAGE.output(10)];

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

#[plc_program(image = IMAGE)]
fn blocks(b: &mut Blocks) {
    let bits = INPUTS.get();
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
    FLAGS.set(pack(&flags));
    COUNTERS.set(pack(&counters));
    for (out, et) in ET.iter().zip([b.ton.et(), b.tof.et(), b.tp.et()]) {
        out.set(ms(et));
    }
    for (out, cv) in CV.iter().zip([b.ctu.cv(), b.ctd.cv(), b.ctud.cv()]) {
        out.set(cv as i8);
    }
}
