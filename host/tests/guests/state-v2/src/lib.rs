//! Version 2 of the tank fill: only its log text differs from version 1.
#![no_std]
use plc_sdk::prelude::*;

const VERSION: &str = "v2";

include!("../../state-v1/src/tank.rs");
