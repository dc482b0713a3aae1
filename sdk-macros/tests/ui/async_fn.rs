use plc_sdk::prelude::*;

#[plc_program]
async fn program() {}

fn main() {}
