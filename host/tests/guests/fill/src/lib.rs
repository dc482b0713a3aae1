//! The program the SDK was specified with (also the crate-level guide of plc-sdk and the
//! README's): the fill valve `%QX0.0` opens 500 ms after start `%IX0.0` while the level
//! `%IW2` is below the variable `setpoint`; fills are counted, and from the tenth on logged.
#![no_std]
use plc_sdk::prelude::*;

static SETPOINT: Variable<f64> = Variable::new("setpoint");

/// The program's state: its function blocks.
#[derive(Default, State)]
pub struct Fill {
    delay: Ton,
    edge: RTrig,
    count: Ctu,
}

#[plc_program]
fn fill(s: &mut Fill) {
    let level = Input::<u16>::new(2).get().unwrap();
    let start = InputBit::new(0, 0).get().unwrap();
    let open = s.delay.call(start, Duration::from_millis(500)) && (level as f64) < SETPOINT.get().unwrap_or(100.0);
    OutputBit::new(0, 0).set(open).unwrap();
    if s.count.call(s.edge.call(open), false, 10) {
        info!("filled {} times", s.count.cv());
    }
}
