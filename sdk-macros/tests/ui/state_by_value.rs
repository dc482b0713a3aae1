use plc_sdk::prelude::*;

#[plc_program]
fn program(state: u32) {
    let _ = state;
}

fn main() {}
