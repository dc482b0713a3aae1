use plc_sdk::prelude::*;

#[plc_program(cold_start, cold_start)]
fn program() {}

fn main() {}
