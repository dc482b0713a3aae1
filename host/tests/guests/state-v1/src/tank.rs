// The tank fill of versions 1 and 2, which differ only in `VERSION`, the text of their log.
// Inputs: %IX0.0 the low level switch, %IX0.1 the high one. Outputs: %QX0.0 the pump,
// latched on at the low switch and off at the high one; %QX0.1 the alarm, the pump on for
// 800 ms; %QB1 the pump's starts; %QW2 the alarm timer's elapsed time in ms.

static IMAGE: ProcessImage<1, 6> = ProcessImage::new();
const LOW: InputBit = IMAGE.input_bit(0, 0);
const HIGH: InputBit = IMAGE.input_bit(0, 1);
const PUMP: OutputBit = IMAGE.output_bit(0, 0);
const ALARM: OutputBit = IMAGE.output_bit(0, 1);
const STARTS: Output<u8> = IMAGE.output(1);
const ALARM_ET: Output<u16> = IMAGE.output(2);

/// What a new version takes over: a latch, a running timer, an edge and a counter.
#[derive(Default, State)]
pub struct Tank {
    pump: Sr,
    alarm: Ton,
    started: RTrig,
    starts: Ctu,
}

#[plc_program(image = IMAGE)]
fn tank(t: &mut Tank) {
    let (low, high) = (LOW.is_high(), HIGH.is_high());
    let on = t.pump.call(low && !high, high);
    if t.started.call(on) {
        info!("pump started ({})", VERSION);
    }
    t.starts.call(on, false, i32::MAX);
    let alarm = t.alarm.call(on, Duration::from_millis(800));
    PUMP.set(on);
    ALARM.set(alarm);
    STARTS.set(t.starts.cv() as u8);
    ALARM_ET.set(t.alarm.et().as_millis() as u16);
}
