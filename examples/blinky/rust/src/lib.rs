//! Blinky: output `%QX0.0` blinks with a half period of 10 ms times input byte 0 (`%IB0`);
//! 0 stops it, dark.
#![no_std]
use plc_sdk::prelude::*;

static IMAGE: ProcessImage<0, 1> = ProcessImage::new();
const LAMP: OutputBit = IMAGE.output_bit(0, 0);

/// The program's state: whether the lamp is lit, and since when. Not carried to a new version
/// (`cold_start`): blinky is the minimal program (it fits in 2 KiB), and a new version simply
/// starts its blink again; the other examples carry their state (`#[derive(Default, State)]`).
#[derive(Default)]
pub struct Blinky {
    lit: bool,
    since: Option<Instant>,
}

#[plc_program(image = IMAGE, cold_start)]
fn blinky(s: &mut Blinky) {
    // Read the natural way, by address and with one `unwrap()`: a controller whose input
    // image has no byte 0 faults the program, and the panic costs no formatting code.
    let speed: u8 = io::input(0).unwrap();
    let half_period = Duration::from_millis(10 * u64::from(speed));
    let now = Instant::now();
    if half_period.is_zero() {
        *s = Blinky::default();
    } else {
        match s.since {
            None => *s = Blinky { lit: true, since: Some(now) },
            Some(since) if now - since >= half_period => *s = Blinky { lit: !s.lit, since: Some(now) },
            Some(_) => {}
        }
    }
    LAMP.set(s.lit);
}

#[cfg(test)]
mod tests {
    use super::*;
    use plc_sdk::sim::Simulator;

    #[test]
    fn blinks_at_the_speed_of_the_input() {
        let mut sim = Simulator::new();
        sim.set_inputs(&[10]); // 100 ms on, 100 ms off
        let mut lamp = [false; 6];
        for lit in &mut lamp {
            sim.scan(poll);
            *lit = sim.output_bit(0, 0);
            sim.advance(Duration::from_millis(50));
        }
        assert_eq!(lamp, [true, true, false, false, true, true]);
    }

    #[test]
    fn zero_turns_it_off() {
        let mut sim = Simulator::new();
        sim.set_inputs(&[1]);
        sim.scan(poll);
        assert!(sim.output_bit(0, 0));
        sim.set_inputs(&[0]);
        sim.scan(poll);
        assert!(!sim.output_bit(0, 0));
    }
}
