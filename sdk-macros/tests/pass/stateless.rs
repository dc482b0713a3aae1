use plc_sdk::prelude::*;

#[plc_program]
fn blink() {
    let _ = io::set_output_bit(0, 0, true);
}

fn main() {
    let mut sim = plc_sdk::sim::Simulator::new();
    sim.scan(poll);
    assert!(sim.output_bit(0, 0));
}
