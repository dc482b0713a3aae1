//! Version 1 of the tank fill whose state carries over (host/tests/state.rs; twin of
//! host/tests/c/state_tank.c).
#![no_std]
use plc_sdk::prelude::*;

const VERSION: &str = "v1";

include!("tank.rs");
