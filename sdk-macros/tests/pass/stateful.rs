use plc_sdk::prelude::*;

#[derive(Default)]
struct Count {
    scans: i32,
}

// A program may be called `poll` itself.
#[plc_program]
fn poll(count: &mut Count) {
    count.scans += 1;
    let _ = io::set_output::<i32>(0, count.scans);
}

fn main() {
    let mut sim = plc_sdk::sim::Simulator::new();
    for _ in 0..3 {
        sim.scan(poll);
    }
    assert_eq!(sim.outputs()[..4], 3i32.to_le_bytes());
}
