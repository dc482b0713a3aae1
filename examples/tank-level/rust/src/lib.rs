//! Tank level: a PID controller drives the inlet valve (`%QW0`, 0..1000 = 0..100.0 %) from the
//! level sensor (`%IW0`, 0..1000 = 0..100.0 %). The setpoint and the gains are global variables
//! (`setpoint` in %, `kp`, `ki` per second, `kd` seconds), so an operator or another program
//! can tune it while it runs; the valve opening is published as the variable `tank.valve`.
//! The integral only accumulates while the valve is not saturated (anti-windup).
#![no_std]
use plc_sdk::prelude::*;

static IMAGE: ProcessImage<2, 2> = ProcessImage::new();
const LEVEL: Input<u16> = IMAGE.input(0);
const VALVE: Output<u16> = IMAGE.output(0);
static SETPOINT: Variable<f64> = Variable::new("setpoint");
static KP: Variable<f64> = Variable::new("kp");
static KI: Variable<f64> = Variable::new("ki");
static KD: Variable<f64> = Variable::new("kd");
static VALVE_PERCENT: Variable<f64> = Variable::new("tank.valve");

/// A PID controller with anti-windup; its state between scans.
#[derive(Default, State)]
pub struct Pid {
    integral: f64,
    last_error: f64,
    last_time: Option<Instant>,
}

impl Pid {
    /// One step: the controller output in %, clamped to 0..100.
    pub fn step(&mut self, error: f64, now: Instant, kp: f64, ki: f64, kd: f64) -> f64 {
        let dt = self.last_time.map_or(0.0, |t| (now - t).as_nanos() as f64 / 1e9);
        let derivative = if dt > 0.0 { (error - self.last_error) / dt } else { 0.0 };
        let integral = self.integral + error * dt;
        let output = kp * error + ki * integral + kd * derivative;
        self.last_error = error;
        self.last_time = Some(now);
        if output > 100.0 {
            100.0
        } else if output < 0.0 {
            0.0
        } else {
            self.integral = integral;
            output
        }
    }
}

#[plc_program(image = IMAGE)]
fn tank_level(pid: &mut Pid) -> Result<(), Error> {
    let level = f64::from(LEVEL.get()) / 10.0;
    let error = SETPOINT.get().unwrap_or(50.0) - level;
    let (kp, ki, kd) = (KP.get().unwrap_or(2.0), KI.get().unwrap_or(0.5), KD.get().unwrap_or(0.0));
    let valve = pid.step(error, Instant::now(), kp, ki, kd);
    VALVE.set((valve * 10.0 + 0.5) as u16);
    VALVE_PERCENT.set(valve)
}

#[cfg(test)]
mod tests {
    use super::*;
    use plc_sdk::sim::Simulator;

    #[test]
    fn the_integral_closes_a_steady_error() {
        let mut sim = Simulator::new();
        sim.set_inputs(&300u16.to_le_bytes()); // 30 %, setpoint 50 %
        sim.scan(poll);
        let first = u16::from_le_bytes([sim.outputs()[0], sim.outputs()[1]]);
        sim.advance(Duration::from_secs(1));
        sim.scan(poll);
        let second = u16::from_le_bytes([sim.outputs()[0], sim.outputs()[1]]);
        assert_eq!((first, second), (400, 500));
    }

    #[test]
    fn a_saturated_valve_does_not_wind_up() {
        let mut sim = Simulator::new();
        sim.set_inputs(&0u16.to_le_bytes());
        sim.run(poll, Duration::from_secs(1), 20); // far below the setpoint: valve at 100 %
        assert_eq!(sim.variable("tank.valve"), Some(plc_sdk::sim::Value::Double(100.0)));
        sim.set_inputs(&500u16.to_le_bytes()); // at the setpoint: no integral left over
        sim.scan(poll);
        assert_eq!(sim.variable("tank.valve"), Some(plc_sdk::sim::Value::Double(0.0)));
    }
}
