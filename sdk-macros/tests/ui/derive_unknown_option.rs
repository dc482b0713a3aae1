use plc_sdk::prelude::*;

#[derive(State)]
struct Holder {
    #[state(rename = "old")]
    level: u16,
}

fn main() {}
