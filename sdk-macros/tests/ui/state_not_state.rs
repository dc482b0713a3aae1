use plc_sdk::prelude::*;

#[derive(Default)]
struct Motor {
    speed: u32,
}

#[plc_program]
fn program(motor: &mut Motor) {
    motor.speed += 1;
}

fn main() {}
