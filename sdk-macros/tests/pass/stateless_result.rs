use plc_sdk::prelude::*;

// Without state, with the error type imported from the prelude.
#[plc_program]
fn check() -> Result<(), Error> {
    OutputBit::new(0, 0).set(true)
}

fn main() {
    let mut sim = plc_sdk::sim::Simulator::with_image_sizes(0, 0);
    sim.scan(poll);
    assert_eq!(sim.errors(), 1);
}
