//! {{project-name}}: a motor with start and stop buttons and a run-on timer.
//!
//! `%IX0.0` start (rising edge), `%IX0.1` stop; `%QX0.0` motor, `%QX0.1` fan, which runs with
//! the motor and 2 s longer. Counts starts in the variable `starts`.
#![no_std]
use plc_sdk::prelude::*;

const START: InputBit = InputBit::new(0, 0);
const STOP: InputBit = InputBit::new(0, 1);
const MOTOR: OutputBit = OutputBit::new(0, 0);
const FAN: OutputBit = OutputBit::new(0, 1);
static STARTS: Variable<i32> = Variable::new("starts");

/// The program's state: its function blocks. `State`: a new version of the program (online
/// change) takes it over, field by field, so a running motor keeps running.
#[derive(Default, State)]
pub struct Motor {
    start: RTrig,
    running: Rs,
    fan: Tof,
}

/// One scan. An input that cannot be read counts as its safe value (stop: pressed); a write
/// that fails ends the scan with its error (`?`), which the controller counts and the SDK logs
/// once while it lasts.
#[plc_program]
fn motor(m: &mut Motor) -> Result<(), Error> {
    let start = m.start.call(START.get().unwrap_or(false));
    let running = m.running.call(start, STOP.get().unwrap_or(true));
    let fan = m.fan.call(running, Duration::from_secs(2));
    MOTOR.set(running)?;
    FAN.set(fan)?;
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
    fn without_outputs_every_scan_is_an_error_logged_once() {
        let mut sim = Simulator::with_image_sizes(1, 0); // no output byte 0
        for _ in 0..3 {
            sim.scan(poll);
        }
        assert_eq!(sim.errors(), 3);
        let logs = sim.take_logs();
        assert_eq!(logs.len(), 1);
        assert_eq!(logs[0].message, "scan ended in an error: IO address out of bounds");
    }
}
