use plc_sdk::prelude::*;

static IMAGE: ProcessImage<1, 1> = ProcessImage::new();
const BUTTON: InputBit = IMAGE.input_bit(0, 0);
const LAMP: OutputBit = IMAGE.output_bit(0, 2);

#[plc_program(image = IMAGE)]
fn lamp() {
    LAMP.set(BUTTON.is_high());
}

fn main() {
    let mut sim = plc_sdk::sim::Simulator::new();
    sim.set_inputs(&[1]);
    sim.scan(poll);
    assert_eq!(sim.outputs()[0], 0b100);
}
