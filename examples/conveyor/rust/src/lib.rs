//! Conveyor: a photo eye (`%IX0.0`, on while a part blocks it) counts parts into batches of 3
//! (`CTU` on its rising edges); a full batch stops the motor. A part blocking the eye for 2 s
//! is a jam (`TON`), latched (`SR`) until the reset button (`%IX0.1`, rising edge) clears it
//! and the count. Outputs: `%QX0.0` motor, `%QX0.1` jam alarm, `%QX0.2` batch complete,
//! `%QB1` the count.
#![no_std]
use plc_sdk::prelude::*;

static IMAGE: ProcessImage<1, 2> = ProcessImage::new();
const EYE: InputBit = IMAGE.input_bit(0, 0);
const RESET: InputBit = IMAGE.input_bit(0, 1);
const MOTOR: OutputBit = IMAGE.output_bit(0, 0);
const JAM: OutputBit = IMAGE.output_bit(0, 1);
const BATCH_DONE: OutputBit = IMAGE.output_bit(0, 2);
const COUNT: Output<u8> = IMAGE.output(1);
const BATCH: i32 = 3;

/// The program's state: its function blocks.
#[derive(Default, State)]
pub struct Conveyor {
    reset: RTrig,
    blocked: Ton,
    jam: Sr,
    jam_edge: RTrig,
    parts: Ctu,
}

#[plc_program(image = IMAGE)]
fn conveyor(s: &mut Conveyor) {
    let eye = EYE.is_high();
    let reset = s.reset.call(RESET.is_high());
    if reset {
        info!("reset");
    }
    let blocked = s.blocked.call(eye, Duration::from_secs(2));
    let jammed = s.jam.call(blocked, reset);
    if s.jam_edge.call(jammed) {
        error!("jam");
    }
    let done = s.parts.call(eye, reset, BATCH);
    MOTOR.set(!jammed && !done);
    JAM.set(jammed);
    BATCH_DONE.set(done);
    COUNT.set(s.parts.cv().clamp(0, 255) as u8);
}

#[cfg(test)]
mod tests {
    use super::*;
    use plc_sdk::sim::Simulator;

    #[test]
    fn a_part_held_in_front_of_the_eye_is_a_jam() {
        let mut sim = Simulator::new();
        sim.set_input_bit(0, 0, true);
        sim.run(poll, Duration::from_millis(500), 5); // 0 .. 2 s
        assert!(sim.output_bit(0, 1) && !sim.output_bit(0, 0));
        assert_eq!(sim.take_logs().last().map(|l| l.message.clone()).as_deref(), Some("jam"));
    }
}
