use plc_sdk::prelude::*;

#[plc_program(cycle = 10)]
fn program() {}

fn main() {}
