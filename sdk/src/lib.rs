//! # plc-sdk: the standard library of wasm-plc programs
//!
//! A PLC program is a small `#![no_std]` crate, built for `wasm32-unknown-unknown`, that the
//! controller polls once per scan cycle. It reaches the machine only through the controller's
//! intrinsics, wrapped here in safe Rust: no `unsafe` in your program.
//!
//! ```
//! use plc_sdk::prelude::*;
//!
//! static IMAGE: ProcessImage<4, 1> = ProcessImage::new(); // 4 input bytes, 1 output byte
//! const START: InputBit = IMAGE.input_bit(0, 0);          // %IX0.0
//! const LEVEL: Input<u16> = IMAGE.input(2);               // %IW2
//! const VALVE: OutputBit = IMAGE.output_bit(0, 0);        // %QX0.0
//! static SETPOINT: Variable<f64> = Variable::new("setpoint");
//!
//! #[derive(Default, State)] // State: a new version takes the blocks over
//! struct Fill { delay: Ton, edge: RTrig, count: Ctu }
//!
//! #[plc_program(image = IMAGE)]
//! fn fill(s: &mut Fill) {
//!     let open = s.delay.call(START.is_high(), Duration::from_millis(500))
//!         && f64::from(LEVEL.get()) < SETPOINT.get().unwrap_or(100.0);
//!     VALVE.set(open);
//!     if s.count.call(s.edge.call(open), false, 10) {
//!         info!("filled {} times", s.count.cv());
//!     }
//! }
//!
//! // The same program, tested natively against the simulated controller:
//! let mut sim = plc_sdk::sim::Simulator::new();
//! sim.set_inputs(&[1, 0, 40, 0]); // start pressed, level 40
//! sim.scan(poll);
//! assert!(!sim.output_bit(0, 0)); // the 500 ms delay has not run out yet
//! sim.advance(Duration::from_millis(500));
//! sim.scan(poll);
//! assert!(sim.output_bit(0, 0));
//! ```
//!
//! The inputs and outputs the program knows when it is built are handles into its
//! [`ProcessImage`](image::ProcessImage): plain memory, checked at compile time, that cannot
//! fail. Addresses known only at run time go through [`io`], and return a `Result`.
//!
//! The function returns nothing, or `Result<(), Error>`: an `Err` ends the scan without
//! faulting, is logged once while it persists, and is counted by the controller (see
//! [`macro@plc_program`]).
//!
//! In a program crate, put `#![no_std]` at the top of `lib.rs` and build with
//! `cargo build --release --target wasm32-unknown-unknown` (crate type `cdylib`).
//!
//! ## What is where
//! - [`image`]: the process image in the program's memory, with handles checked at compile
//!   time: bits ([`InputBit`](image::InputBit), [`OutputBit`](image::OutputBit)) and
//!   little-endian values ([`Input`](image::Input), [`Output`](image::Output)).
//! - [`io`]: inputs and outputs by a byte address known only at run time (fallible).
//! - [`variables`]: typed global variables shared by all programs; [`retain!`] declares one
//!   the controller keeps across restarts ([`mod@retain`]).
//! - [`time`]: the controller's monotonic clock.
//! - [`logging`]: [`log!`], [`error!`], [`warn!`], [`info!`], [`debug!`], [`trace!`].
//! - The IEC 61131-3 function blocks: [`timers`] (TON, TOF, TP), [`triggers`] (R_TRIG,
//!   F_TRIG), [`counters`] (CTU, CTD, CTUD), [`bistables`] (SR, RS).
//! - [`mod@state`]: the program's state carried to a new version ([`State`](trait@state::State),
//!   `#[derive(State)]`).
//! - [`macro@plc_program`]: turns a function into the program's exported `poll`.
//! - [`sim`] (not on wasm32): the simulated controller for native unit tests.
//! - [`abi`] and [`ffi`]: the contract with the controller, defined once.
//!
//! On wasm32 a panic logs its message at error level and traps; the controller then faults the
//! program. Turn off the default `panic-handler` feature to bring your own.
#![cfg_attr(not(test), no_std)]
#![deny(missing_docs)]

/// The ABI: result codes, log levels, export names and the intrinsics' signature table (the
/// `plc-abi` crate, which the host shares).
pub use plc_abi as abi;

// The derive's paths (`::plc_sdk::state::State`) in the SDK's own tests.
#[cfg(test)]
extern crate self as plc_sdk;
pub mod bistables;
pub mod counters;
pub mod error;
pub mod ffi;
pub mod image;
pub mod io;
pub mod logging;
pub mod retain;
pub mod state;
pub mod time;
pub mod timers;
pub mod triggers;
pub mod variables;

#[cfg(all(target_arch = "wasm32", not(test), feature = "panic-handler"))]
mod panic;

#[cfg(any(not(target_arch = "wasm32"), test))]
pub mod sim;

mod program;

/// Support for the code `#[plc_program]` generates. Not a public API.
#[doc(hidden)]
pub mod __private {
    pub use crate::ffi::ImageDescriptor;
    pub use crate::program::{ProgramState, ScanOutcome, ABI_VERSION};
    #[cfg(not(all(target_arch = "wasm32", not(test))))]
    pub use crate::sim::with_image;
}

pub use error::Error;
pub use plc_sdk_macros::{plc_program, State};

/// Everything a program usually needs: `use plc_sdk::prelude::*;`.
pub mod prelude {
    pub use crate::bistables::{Rs, Sr};
    pub use crate::counters::{Ctd, Ctu, Ctud};
    pub use crate::error::Error;
    pub use crate::image::{Input, InputBit, Output, OutputBit, ProcessImage};
    pub use crate::io::{self, read_input, read_output, write_output};
    pub use crate::logging::Level;
    pub use crate::state::State;
    pub use crate::time::{Duration, Instant};
    pub use crate::timers::{Tof, Ton, Tp};
    pub use crate::triggers::{FTrig, RTrig};
    pub use crate::variables::Variable;
    pub use crate::{debug, error, info, log, trace, warn};
    pub use plc_sdk_macros::{plc_program, State};
}
