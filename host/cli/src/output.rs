//! Printing that survives a closed stdout or stderr: `plc-host run --json | head -c 10` must
//! not crash the controller (Rust's `println!` panics when the reader has gone).

use std::fmt::Display;
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};

/// Set once a write to stdout failed: nothing more is printed there.
static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);

/// Prints a line on stdout; once stdout is closed (or fails), the output ends there, said
/// once in the log, and the run goes on.
pub fn line(text: impl Display) {
    if STDOUT_CLOSED.load(Ordering::Relaxed) {
        return;
    }
    if let Err(e) = writeln!(std::io::stdout().lock(), "{text}") {
        STDOUT_CLOSED.store(true, Ordering::Relaxed);
        log::info!("stdout is closed ({e}): nothing more is printed there");
    }
}

/// Prints a line on stderr, if it can.
pub fn error(text: impl Display) {
    let _ = writeln!(std::io::stderr().lock(), "{text}");
}
