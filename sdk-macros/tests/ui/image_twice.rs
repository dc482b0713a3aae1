use plc_sdk::prelude::*;

static IMAGE: ProcessImage<1, 1> = ProcessImage::new();

#[plc_program(image = IMAGE, image = IMAGE)]
fn program() {}

fn main() {}
