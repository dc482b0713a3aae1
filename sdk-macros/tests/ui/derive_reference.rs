use plc_sdk::prelude::*;

#[derive(State)]
struct Holder<'a> {
    level: u16,
    name: &'a str,
}

fn main() {}
