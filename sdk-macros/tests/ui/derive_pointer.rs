use plc_sdk::prelude::*;

#[derive(State)]
struct Holder {
    buffer: *mut u8,
}

fn main() {}
