use plc_sdk::prelude::*;

#[plc_program]
fn program() -> Result<(), String> {
    Ok(())
}

fn main() {}
