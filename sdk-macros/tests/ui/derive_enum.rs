use plc_sdk::prelude::*;

#[derive(State)]
enum Mode {
    Auto,
    Manual,
}

fn main() {}
