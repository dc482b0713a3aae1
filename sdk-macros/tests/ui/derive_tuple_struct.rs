use plc_sdk::prelude::*;

#[derive(State)]
struct Pair(u32, u32);

fn main() {}
