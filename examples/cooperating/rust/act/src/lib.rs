//! The acting half of `cooperating`: knows no sensor, only the variables `measure` publishes.
//! Fan `%QX0.0` runs while `overheat`; heater `%QX0.1` runs below 20 °C. Counts fan starts in
//! the variable `fan.starts`.
#![no_std]
use plc_sdk::prelude::*;

static IMAGE: ProcessImage<0, 1> = ProcessImage::new();
const FAN: OutputBit = IMAGE.output_bit(0, 0);
const HEATER: OutputBit = IMAGE.output_bit(0, 1);
static TEMPERATURE: Variable<f64> = Variable::new("temperature");
static OVERHEAT: Variable<bool> = Variable::new("overheat");
static FAN_STARTS: Variable<i32> = Variable::new("fan.starts");

/// The program's state: the fan's start edge.
#[derive(Default, State)]
pub struct Act {
    fan_start: RTrig,
}

#[plc_program(image = IMAGE)]
fn act(s: &mut Act) -> Result<(), Error> {
    // Until `measure` has published, run nothing.
    let overheat = OVERHEAT.get().unwrap_or(false);
    let cold = TEMPERATURE.get().is_ok_and(|t| t < 20.0);
    if s.fan_start.call(overheat) {
        FAN_STARTS.set(FAN_STARTS.get().unwrap_or(0) + 1)?;
    }
    FAN.set(overheat);
    HEATER.set(cold);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use plc_sdk::sim::Simulator;

    #[test]
    fn it_follows_the_variables() {
        let mut sim = Simulator::new();
        sim.set_variable("temperature", 15.0);
        sim.set_variable("overheat", false);
        sim.scan(poll);
        assert_eq!(sim.outputs()[0], 0b10);
        sim.set_variable("temperature", 85.0);
        sim.set_variable("overheat", true);
        sim.scan(poll);
        assert_eq!(sim.outputs()[0], 0b01);
        assert_eq!(sim.variable("fan.starts"), Some(plc_sdk::sim::Value::Int(1)));
    }
}
