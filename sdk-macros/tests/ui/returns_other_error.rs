use plc_sdk::prelude::*;

mod my {
    pub struct Error;
}

// Shaped right, but not `plc_sdk::Error`: the compiler points at the return type.
#[plc_program]
fn program() -> Result<(), my::Error> {
    Ok(())
}

fn main() {}
