use plc_sdk::prelude::*;

#[plc_program]
fn program() -> bool {
    true
}

fn main() {}
