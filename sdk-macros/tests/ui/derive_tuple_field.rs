use plc_sdk::prelude::*;

#[derive(State)]
struct Holder {
    range: (u16, u16),
}

fn main() {}
