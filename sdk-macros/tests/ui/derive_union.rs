use plc_sdk::prelude::*;

#[derive(State)]
union Bits {
    word: u32,
    bytes: [u8; 4],
}

fn main() {}
