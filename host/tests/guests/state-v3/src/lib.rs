//! Version 3 of the tank fill: the count of starts is gone, a run time is new; the latch, the
//! alarm timer and the edge keep their names and types. %QW4: the run time in scans.
#![no_std]
use plc_sdk::prelude::*;

static IMAGE: ProcessImage<1, 6> = ProcessImage::new();
const LOW: InputBit = IMAGE.input_bit(0, 0);
const HIGH: InputBit = IMAGE.input_bit(0, 1);
const PUMP: OutputBit = IMAGE.output_bit(0, 0);
const ALARM: OutputBit = IMAGE.output_bit(0, 1);
const ALARM_ET: Output<u16> = IMAGE.output(2);
const RUN_SCANS: Output<u16> = IMAGE.output(4);

#[derive(Default, State)]
pub struct Tank {
    pump: Sr,
    alarm: Ton,
    started: RTrig,
    run_scans: u16,
}

#[plc_program(image = IMAGE)]
fn tank(t: &mut Tank) {
    let (low, high) = (LOW.is_high(), HIGH.is_high());
    let on = t.pump.call(low && !high, high);
    if t.started.call(on) {
        info!("pump started (v3)");
    }
    if on {
        t.run_scans = t.run_scans.saturating_add(1);
    }
    let alarm = t.alarm.call(on, Duration::from_millis(800));
    PUMP.set(on);
    ALARM.set(alarm);
    ALARM_ET.set(t.alarm.et().as_millis() as u16);
    RUN_SCANS.set(t.run_scans);
}
