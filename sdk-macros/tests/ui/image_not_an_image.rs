use plc_sdk::prelude::*;

static IMAGE: [u8; 4] = [0; 4];

#[plc_program(image = IMAGE)]
fn program() {}

fn main() {}
