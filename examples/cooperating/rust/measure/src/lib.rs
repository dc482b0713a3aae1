//! The measuring half of `cooperating`: reads the temperature (`%IW0`, signed, 0.1 °C) and
//! publishes it as the variable `temperature` (°C), with `overheat` set above 80 °C and
//! cleared below 70 °C (hysteresis). Logs "overheat" when it sets it.
#![no_std]
use plc_sdk::prelude::*;

static IMAGE: ProcessImage<2, 0> = ProcessImage::new();
const SENSOR: Input<i16> = IMAGE.input(0);
static TEMPERATURE: Variable<f64> = Variable::new("temperature");
static OVERHEAT: Variable<bool> = Variable::new("overheat");

#[plc_program(image = IMAGE)]
fn measure(overheat: &mut bool) -> Result<(), Error> {
    let celsius = f64::from(SENSOR.get()) / 10.0;
    let was = *overheat;
    *overheat = if was { celsius >= 70.0 } else { celsius > 80.0 };
    if *overheat && !was {
        warn!("overheat");
    }
    TEMPERATURE.set(celsius)?;
    OVERHEAT.set(*overheat)
}
