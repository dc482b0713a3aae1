//! The program the SDK was specified with (also the crate-level guide of plc-sdk and the
//! README's): the fill valve `%QX0.0` opens 500 ms after start `%IX0.0` while the level
//! `%IW2` is below the variable `setpoint`; fills are counted, and from the tenth on logged.
#![no_std]
use plc_sdk::prelude::*;

static SETPOINT: Variable<f64> = Variable::new("setpoint");
static IMAGE: ProcessImage<4, 1> = ProcessImage::new();
const START: InputBit = IMAGE.input_bit(0, 0);
const LEVEL: Input<u16> = IMAGE.input(2);
const VALVE: OutputBit = IMAGE.output_bit(0, 0);

/// The program's state: its function blocks.
#[derive(Default, State)]
pub struct Fill {
    delay: Ton,
    edge: RTrig,
    count: Ctu,
}

#[plc_program(image = IMAGE)]
fn fill(s: &mut Fill) {
    let open = s.delay.call(START.is_high(), Duration::from_millis(500)) && f64::from(LEVEL.get()) < SETPOINT.get().unwrap_or(100.0);
    VALVE.set(open);
    if s.count.call(s.edge.call(open), false, 10) {
        info!("filled {} times", s.count.cv());
    }
}
