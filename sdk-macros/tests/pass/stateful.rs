use plc_sdk::prelude::*;

#[derive(Default, State)]
struct Count {
    scans: i32,
    edge: RTrig,
}

// A program may be called `poll` itself.
#[plc_program]
fn poll(count: &mut Count) {
    count.scans += 1;
    count.edge.call(true);
    let _ = io::set_output::<i32>(0, count.scans);
}

fn main() {
    let mut sim = plc_sdk::sim::Simulator::new();
    for _ in 0..3 {
        sim.scan(poll);
    }
    assert_eq!(sim.outputs()[..4], 3i32.to_le_bytes());
    // A new version takes the state over: the count goes on.
    let swap = sim.swap(plc_state_save, plc_state_load);
    assert_eq!(swap.records.len(), 2);
    sim.scan(poll);
    assert_eq!(sim.outputs()[..4], 4i32.to_le_bytes());
}
