use plc_sdk::prelude::*;

// Without state, with the error type imported from the prelude.
#[plc_program]
fn check() -> Result<(), Error> {
    io::set_output_bit(0, 0, true)
}

fn main() {
    let mut sim = plc_sdk::sim::Simulator::with_image_sizes(0, 0);
    sim.scan(poll);
    assert_eq!(sim.errors(), 1);
}
