use plc_sdk::prelude::*;

#[derive(Default, State)]
struct Empty;

#[derive(Default, State)]
struct Alarm {
    delay: Ton,
    r#type: u8,
}

#[derive(Default, State)]
struct Generic<T> {
    value: T,
}

#[derive(Default, State)]
struct Plant {
    empty: Empty,
    alarm: Alarm,
    flags: [[bool; 2]; 3],
    started: Option<Instant>,
    wide: Generic<u64>,
    #[state(skip)]
    #[allow(dead_code)]
    name: &'static str,
}

#[plc_program]
fn program(p: &mut Plant) {
    p.alarm.r#type = 3;
    p.wide.value += 1;
    p.started.get_or_insert_with(Instant::now);
}

fn main() {
    let mut sim = plc_sdk::sim::Simulator::new();
    sim.scan(poll);
    let swap = sim.swap(plc_state_save, plc_state_load);
    let names: Vec<_> = swap.records.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["alarm.delay", "alarm.type", "flags", "started", "wide.value"]);
}
