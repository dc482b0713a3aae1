use plc_sdk::prelude::*;

// Not `State`: fine for a program that starts cold in every new version.
#[derive(Default)]
struct Scratch {
    scans: i32,
}

#[plc_program(cold_start)]
fn program(s: &mut Scratch) {
    s.scans += 1;
    let _ = io::set_output::<i32>(0, s.scans);
}

fn main() {
    let mut sim = plc_sdk::sim::Simulator::new();
    sim.scan(poll);
    sim.scan(poll);
    assert_eq!(sim.outputs()[..4], 2i32.to_le_bytes());
}
