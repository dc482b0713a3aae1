use plc_sdk::prelude::*;

struct Motor;

#[plc_program]
fn program(motor: &mut Motor) {
    let _ = motor;
}

fn main() {}
