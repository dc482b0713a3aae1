//! Traffic light: cars have green until a pedestrian presses the button (`%IX0.0`, edge
//! triggered) and at least 3 s of green have passed; then yellow 1 s, red with "walk" 4 s,
//! red-yellow 1 s, and green again. Lamps in `%QB0`: bit 0 car red, 1 car yellow, 2 car green,
//! 3 walk, 4 don't walk.
#![no_std]
use plc_sdk::prelude::*;

static IMAGE: ProcessImage<1, 1> = ProcessImage::new();
const BUTTON: InputBit = IMAGE.input_bit(0, 0);
const LAMPS: Output<u8> = IMAGE.output(0);
const CAR_RED: u8 = 1;
const CAR_YELLOW: u8 = 2;
const CAR_GREEN: u8 = 4;
const WALK: u8 = 8;
const DONT_WALK: u8 = 16;

/// The light's phases, in order.
#[derive(Default, Clone, Copy, PartialEq, Eq, Debug)]
pub enum Phase {
    /// Cars green, pedestrians wait.
    #[default]
    Green,
    /// Cars yellow.
    Yellow,
    /// Cars red, pedestrians walk.
    Walk,
    /// Cars red and yellow: green is next.
    RedYellow,
}

impl Phase {
    /// How long the phase lasts (at least, for green), and what follows it.
    fn timing(self) -> (Duration, Phase) {
        match self {
            Phase::Green => (Duration::from_secs(3), Phase::Yellow),
            Phase::Yellow => (Duration::from_secs(1), Phase::Walk),
            Phase::Walk => (Duration::from_secs(4), Phase::RedYellow),
            Phase::RedYellow => (Duration::from_secs(1), Phase::Green),
        }
    }

    fn lamps(self) -> u8 {
        match self {
            Phase::Green => CAR_GREEN | DONT_WALK,
            Phase::Yellow => CAR_YELLOW | DONT_WALK,
            Phase::Walk => CAR_RED | WALK,
            Phase::RedYellow => CAR_RED | CAR_YELLOW | DONT_WALK,
        }
    }
}

/// The phase crosses to a new version of the program as one byte, under a type string of its
/// own: change the "/1" when the phases change meaning, and a new version starts from Green.
impl plc_sdk::state::Record for Phase {
    type Encoded = [u8; 1];
    fn type_name(out: &mut plc_sdk::state::TypeName) {
        out.push_str("Phase/1");
    }
    fn encode(&self) -> [u8; 1] {
        [*self as u8]
    }
    fn decode(bytes: &[u8; 1]) -> Self {
        match bytes[0] {
            1 => Phase::Yellow,
            2 => Phase::Walk,
            3 => Phase::RedYellow,
            _ => Phase::Green,
        }
    }
}

/// The program's state: the phase, its timer, the button's edge and a pending request; a new
/// version of the program takes it over.
#[derive(Default, State)]
pub struct Light {
    phase: Phase,
    timer: Ton,
    button: RTrig,
    request: bool,
}

#[plc_program(image = IMAGE)]
fn traffic_light(s: &mut Light) {
    if s.button.call(BUTTON.is_high()) {
        s.request = true;
    }
    let (time, next) = s.phase.timing();
    if s.timer.call(true, time) && (s.phase != Phase::Green || s.request) {
        s.phase = next;
        s.timer = Ton::default();
        s.timer.call(true, Duration::ZERO); // the next phase starts timing now
        if next == Phase::Walk {
            s.request = false;
            info!("walk");
        }
    }
    LAMPS.set(s.phase.lamps());
}

#[cfg(test)]
mod tests {
    use super::*;
    use plc_sdk::sim::Simulator;

    #[test]
    fn without_a_request_the_cars_keep_green() {
        let mut sim = Simulator::new();
        sim.run(poll, Duration::from_secs(1), 10);
        assert_eq!(sim.outputs()[0], CAR_GREEN | DONT_WALK);
    }

    #[test]
    fn a_request_gives_walk_after_yellow() {
        let mut sim = Simulator::new();
        sim.run(poll, Duration::from_secs(1), 4); // t = 0..3 s
        sim.set_input_bit(0, 0, true);
        sim.scan(poll); // t = 4 s: request, minimum green over
        assert_eq!(sim.outputs()[0], CAR_YELLOW | DONT_WALK);
        sim.advance(Duration::from_secs(1));
        sim.scan(poll);
        assert_eq!(sim.outputs()[0], CAR_RED | WALK);
        assert_eq!(sim.take_logs()[0].message, "walk");
    }
}
