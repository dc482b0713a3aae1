use plc_sdk::prelude::*;

#[plc_program]
fn first() {}

#[plc_program]
fn second() {}

fn main() {}
