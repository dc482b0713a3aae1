use plc_sdk::prelude::*;

static IMAGE: ProcessImage<2, 1> = ProcessImage::new();
const LEVEL: Input<u16> = IMAGE.input(1); // %IW1 needs bytes 1 and 2: the image has two

#[plc_program(image = IMAGE)]
fn program() {
    let _ = LEVEL.get();
}

fn main() {}
