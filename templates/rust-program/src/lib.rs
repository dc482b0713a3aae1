//! {{project-name}}: a motor with start and stop buttons and a run-on timer.
//!
//! `%IX0.0` start (rising edge), `%IX0.1` stop; `%QX0.0` motor, `%QX0.1` fan, which runs with
//! the motor and 2 s longer. Counts starts in the variable `starts`.
#![no_std]
use plc_sdk::prelude::*;

/// The program's copy of the process image: one byte of inputs, one of outputs. A handle
/// outside it does not build.
static IMAGE: ProcessImage<1, 1> = ProcessImage::new();
const START: InputBit = IMAGE.input_bit(0, 0);
const STOP: InputBit = IMAGE.input_bit(0, 1);
const MOTOR: OutputBit = IMAGE.output_bit(0, 0);
const FAN: OutputBit = IMAGE.output_bit(0, 1);
static STARTS: Variable<i32> = Variable::new("starts");

/// The program's state: its function blocks. `State`: a new version of the program (online
/// change) takes it over, field by field, so a running motor keeps running.
#[derive(Default, State)]
pub struct Motor {
    start: RTrig,
    running: Rs,
    fan: Tof,
}

/// One scan. The image's handles cannot fail; a variable write that fails ends the scan with
/// its error (`?`), which the controller counts and the SDK logs once while it lasts.
#[plc_program(image = IMAGE)]
fn motor(m: &mut Motor) -> Result<(), Error> {
    let start = m.start.call(START.is_high());
    let running = m.running.call(start, STOP.is_high());
    let fan = m.fan.call(running, Duration::from_secs(2));
    MOTOR.set(running);
    FAN.set(fan);
    if start && running {
        info!("motor started");
        STARTS.set(STARTS.get().unwrap_or(0) + 1)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use plc_sdk::sim::{Simulator, Value};

    #[test]
    fn start_runs_the_motor_and_stop_stops_it_with_fan_run_on() {
        let mut sim = Simulator::new();
        sim.set_inputs(&[0b01]); // start pressed
        sim.scan(poll);
        assert!(sim.output_bit(0, 0) && sim.output_bit(0, 1));
        assert_eq!(sim.variable("starts"), Some(Value::Int(1)));
        assert_eq!(sim.take_logs()[0].message, "motor started");

        sim.set_inputs(&[0b10]); // stop pressed
        sim.advance(Duration::from_secs(1));
        sim.scan(poll);
        assert!(!sim.output_bit(0, 0) && sim.output_bit(0, 1), "the fan runs on");
        sim.advance(Duration::from_secs(2));
        sim.scan(poll);
        assert!(!sim.output_bit(0, 1));
        assert_eq!(sim.errors(), 0);
    }

    #[test]
    fn a_new_version_takes_the_running_motor_over() {
        let mut sim = Simulator::new();
        sim.set_inputs(&[0b01]); // start pressed
        sim.scan(poll);
        let swap = sim.swap(plc_state_save, plc_state_load); // as the controller does
        assert!(swap.new.is_empty() && swap.dropped.is_empty(), "{swap:?}");
        sim.set_inputs(&[0b00]);
        sim.scan(poll);
        assert!(sim.output_bit(0, 0), "the motor still runs");
        assert_eq!(sim.variable("starts"), Some(Value::Int(1)), "and did not start again");
    }

    #[test]
    fn a_failed_count_is_an_error_not_a_fault() {
        let mut sim = Simulator::new();
        sim.set_variable("starts", true); // another program made `starts` a bool
        sim.set_inputs(&[0b01]);
        sim.scan(poll);
        assert!(sim.output_bit(0, 0), "the scan's writes stand");
        assert_eq!(sim.errors(), 1);
        let logs = sim.take_logs();
        assert_eq!(logs.last().map(|l| l.message.as_str()), Some("scan ended in an error: variable has another type"));
    }
}
