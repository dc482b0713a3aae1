use plc_sdk::prelude::*;

#[plc_program]
fn program() -> Result<u8, Error> {
    Ok(1)
}

fn main() {}
