use plc_sdk::prelude::*;

struct Valve;

#[derive(State)]
struct Holder {
    level: u16,
    valve: Valve,
}

fn main() {}
