use plc_sdk::prelude::*;

#[plc_program]
fn program<T: Default>(state: &mut T) {
    let _ = state;
}

fn main() {}
