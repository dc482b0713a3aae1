//! # plc-host: the reference wasm-plc controller
//!
//! Loads PLC programs (wasm modules), checks them against the ABI of [`plc_abi`], and
//! polls them once per scan cycle, each in its own sandbox: a trap, an endless loop or a
//! memory bomb faults that program only, and the host and every other program keep running.
//!
//! ```
//! use plc_host::{InMemoryEnvironment, Limits, Program};
//!
//! let wasm = br#"(module
//!     (import "env" "wasm_write_output" (func $write (param i32 i32 i32) (result i32)))
//!     (memory (export "memory") 1)
//!     (data (i32.const 0) "\2a")
//!     (func (export "poll") (drop (call $write (i32.const 0) (i32.const 0) (i32.const 1)))))"#;
//! let mut program = Program::new("answer", wasm, Limits::default()).unwrap();
//! let mut env = InMemoryEnvironment::new(0, 1);
//! program.poll(&mut env).unwrap();
//! assert_eq!(env.outputs, [42]);
//! ```
//!
//! ## What is where
//! - [`Program`] and [`Compiled`]: one program, compiled and checked ([`validate`]), polled as a
//!   transaction; its [`Limits`] (CPU budget, memory, log budget, fault and outputs policies,
//!   compiler) and its [`Fault`]s.
//! - [`Environment`]: the seam to the IO backend, the clock and the variable table;
//!   [`InMemoryEnvironment`] for tests and the CLI.
//! - [`Controller`]: the whole controller: programs scanned in order against one environment,
//!   and every operator action (add, replace, remove, stop, start, restart, a change from the
//!   folder watcher) honoured between two scans; [`Snapshot`]s of it. [`remote`]: the seam
//!   through which other threads send it commands and read its snapshots without ever
//!   blocking a scan. [`forces`]: inputs, outputs and variables pinned by an operator.
//!   [`scheduler`]: the fixed cycle and its statistics; [`watch`]: online
//!   change from a folder.
//! - [`recipe`]: behaviour recipes, pass by pass.
//! - [`retain`]: retained variables, kept in a store across restarts; [`realtime`]: the scan
//!   thread's real-time settings (SCHED_FIFO, locked memory, a pinned CPU) and its sleep.
#![deny(missing_docs)]
#![deny(unsafe_code)]

mod command;
mod compiled;
mod controller;
mod engine;
mod environment;
mod fault;
mod image;
pub mod forces;
mod instance;
mod intrinsics;
mod lend;
mod limits;
mod metering;
mod prefetch;
mod program;
pub mod realtime;
pub mod recipe;
pub mod remote;
pub mod retain;
pub mod scheduler;
mod snapshot;
pub mod state;
mod stats;
mod supervisor;
mod transaction;
mod tunables;
mod validate;
pub mod watch;

pub use compiled::{Compiled, LoadError};
pub use controller::{Applied, ControlError, Controller};
pub use engine::compile_threads;
pub use environment::{EnvError, Environment, InMemoryEnvironment, LogRecord, Value, VariableLimits, VariableRoom, KEPT_LOG_RECORDS};
pub use fault::{Fault, FaultKind};
pub use intrinsics::program_location;
pub use forces::{Force, ForceTarget, Image, IoValue};
pub use limits::{Compiler, FaultPolicy, Limits, OutputsOnFault};
pub use program::Program;
pub use snapshot::{ProgramSnapshot, Snapshot};
pub use state::Swap;
pub use stats::ProgramStats;
pub use supervisor::Status;
pub use validate::{validate, Problem};
