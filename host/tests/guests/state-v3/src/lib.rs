//! Version 3 of the tank fill: the count of starts is gone, a run time is new; the latch, the
//! alarm timer and the edge keep their names and types. %QW4: the run time in scans.
#![no_std]
use plc_sdk::prelude::*;

#[derive(Default, State)]
pub struct Tank {
    pump: Sr,
    alarm: Ton,
    started: RTrig,
    run_scans: u16,
}

#[plc_program]
fn tank(t: &mut Tank) {
    let low = InputBit::new(0, 0).get().unwrap_or(false);
    let high = InputBit::new(0, 1).get().unwrap_or(false);
    let on = t.pump.call(low && !high, high);
    if t.started.call(on) {
        info!("pump started (v3)");
    }
    if on {
        t.run_scans = t.run_scans.saturating_add(1);
    }
    let alarm = t.alarm.call(on, Duration::from_millis(800));
    let _ = OutputBit::new(0, 0).set(on);
    let _ = OutputBit::new(0, 1).set(alarm);
    let _ = Output::<u16>::new(2).set(t.alarm.et().as_millis() as u16);
    let _ = Output::<u16>::new(4).set(t.run_scans);
}
