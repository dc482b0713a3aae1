use plc_sdk::prelude::*;

const IMAGE: ProcessImage<1, 1> = ProcessImage::new();

#[plc_program(image = IMAGE)]
fn program() {}

fn main() {}
