// The tank fill of versions 1 and 2, which differ only in `VERSION`, the text of their log.
// Inputs: %IX0.0 the low level switch, %IX0.1 the high one. Outputs: %QX0.0 the pump,
// latched on at the low switch and off at the high one; %QX0.1 the alarm, the pump on for
// 800 ms; %QB1 the pump's starts; %QW2 the alarm timer's elapsed time in ms.

/// What a new version takes over: a latch, a running timer, an edge and a counter.
#[derive(Default, State)]
pub struct Tank {
    pump: Sr,
    alarm: Ton,
    started: RTrig,
    starts: Ctu,
}

#[plc_program]
fn tank(t: &mut Tank) {
    let low = InputBit::new(0, 0).get().unwrap_or(false);
    let high = InputBit::new(0, 1).get().unwrap_or(false);
    let on = t.pump.call(low && !high, high);
    if t.started.call(on) {
        info!("pump started ({})", VERSION);
    }
    t.starts.call(on, false, i32::MAX);
    let alarm = t.alarm.call(on, Duration::from_millis(800));
    let _ = OutputBit::new(0, 0).set(on);
    let _ = OutputBit::new(0, 1).set(alarm);
    let _ = Output::<u8>::new(1).set(t.starts.cv() as u8);
    let _ = Output::<u16>::new(2).set(t.alarm.et().as_millis() as u16);
}
