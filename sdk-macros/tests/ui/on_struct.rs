use plc_sdk::prelude::*;

#[plc_program]
struct Program;

fn main() {}
