use plc_sdk::prelude::*;

#[plc_program]
fn program(state: &mut u32, speed: f64) {
    let _ = (state, speed);
}

fn main() {}
