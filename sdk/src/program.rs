//! What `#[plc_program]` expands to relies on: the program's state between scans.
//! Not a public API: use the attribute.

pub use crate::abi::ABI_VERSION;

use crate::abi::wasm_log_level;
use crate::error::Error;
use crate::ffi;
use crate::state::{Loader, Saver, State};

/// The state of a `#[plc_program] fn name(state: &mut S)`, created with `Default` on the first
/// scan and kept between scans.
///
/// On the controller (wasm32) it lives in the program's memory; in native tests it lives in
/// the simulated controller of the test's thread, so a new [`crate::sim::Simulator`] starts
/// every test from `Default`.
pub struct ProgramState<S: Default + 'static> {
    #[cfg(all(target_arch = "wasm32", not(test)))]
    cell: wasm::Cell<S>,
    #[cfg(not(all(target_arch = "wasm32", not(test))))]
    _state: core::marker::PhantomData<fn(S)>,
}

impl<S: Default + 'static> ProgramState<S> {
    /// An empty slot; usable in a `static`.
    pub const fn new() -> Self {
        ProgramState {
            #[cfg(all(target_arch = "wasm32", not(test)))]
            cell: wasm::Cell::new(),
            #[cfg(not(all(target_arch = "wasm32", not(test))))]
            _state: core::marker::PhantomData,
        }
    }

    /// Runs one scan of `program` on the state and returns what it returned (`None` for a
    /// scan re-entered from inside itself, which the ABI makes impossible).
    pub fn scan<R>(&self, program: impl FnOnce(&mut S) -> R) -> Option<R> {
        #[cfg(all(target_arch = "wasm32", not(test)))]
        return self.cell.with(program);
        #[cfg(not(all(target_arch = "wasm32", not(test))))]
        return crate::sim::with_state(program);
    }

    /// Saves the state (`save`, created with `Default` if no scan ran yet), or loads what the
    /// version before saved into a `Default` state: the program's `plc_state_save` and
    /// `plc_state_load` exports. The controller calls the first on the running version when a
    /// new one replaces it, the second on the new version before its first scan.
    pub fn carry(&self, save: bool)
    where
        S: State,
    {
        let _ = self.scan(|state| if save { state.save(&mut Saver::new()) } else { state.load(&mut Loader::new()) });
    }
}

impl<S: Default + 'static> Default for ProgramState<S> {
    fn default() -> Self {
        Self::new()
    }
}

/// What a `#[plc_program]` returning `Result<(), Error>` does with each scan's outcome: an
/// `Err` is reported to the controller every scan (`wasm_report_error`: counted in the
/// program's statistics, not a fault), and logged at warning level, from the program's file
/// and line, when it differs from the previous scan's outcome (after an `Ok` or another error).
pub struct ScanOutcome {
    /// The previous scan's error, if it had one.
    #[cfg(all(target_arch = "wasm32", not(test)))]
    last: wasm::Cell<Option<Error>>,
}

impl ScanOutcome {
    /// No scan yet; usable in a `static`.
    pub const fn new() -> Self {
        ScanOutcome {
            #[cfg(all(target_arch = "wasm32", not(test)))]
            last: wasm::Cell::new(),
        }
    }

    /// Reports one scan's `outcome`, for the program defined at `file` and `line`.
    pub fn report(&self, outcome: Result<(), Error>, file: &'static str, line: u32) {
        let now = outcome.err();
        #[cfg(all(target_arch = "wasm32", not(test)))]
        let before = self.last.with(|last| core::mem::replace(last, now)).flatten();
        // In native tests the simulated controller of the test's thread keeps it.
        #[cfg(not(all(target_arch = "wasm32", not(test))))]
        let before = crate::sim::replace_outcome((file, line), now);
        if let Some(error) = now {
            if before != now {
                log_scan_error(error, file, line);
            }
            let _ = ffi::report_error(error);
        }
    }
}

impl Default for ScanOutcome {
    fn default() -> Self {
        Self::new()
    }
}

/// How a scan's error is logged: this, then the error (plc.h's `PLC_PROGRAM_TRY` logs the same).
const SCAN_ERROR_PREFIX: &str = "scan ended in an error: ";

/// Logs "scan ended in an error: <what>" at warning level. Built without `core::fmt` and
/// without a possible panic (no indexing), so that a program returning `Result` links no
/// formatting code for it: all of this costs a program under 1 KB, `core::fmt` about 7 KB.
fn log_scan_error(error: Error, file: &str, line: u32) {
    // An unknown code follows its words: " -2147483648" at most, its digits from the end.
    let mut number = [b' '; 12];
    let mut start = number.len();
    if let Error::Unknown(code) = error {
        let mut rest = code.unsigned_abs();
        for digit in number.iter_mut().skip(2).rev() {
            *digit = b'0' + (rest % 10) as u8;
            rest /= 10;
            start -= 1;
            if rest == 0 {
                break;
            }
        }
        if code < 0 {
            start -= 1;
            if let Some(sign) = number.get_mut(start) {
                *sign = b'-';
            }
        }
        start -= 1; // the space before the number
    }
    let mut text = [0u8; 64];
    let mut len = 0;
    for part in [SCAN_ERROR_PREFIX.as_bytes(), error.message().as_bytes(), number.get(start..).unwrap_or_default()] {
        if let Some(slot) = text.get_mut(len..len + part.len()) {
            slot.copy_from_slice(part);
            len += part.len();
        }
    }
    let _ = ffi::log(wasm_log_level::LOG_WARN, file, line, text.get(..len).unwrap_or_default());
}

#[cfg(all(target_arch = "wasm32", not(test)))]
mod wasm {
    use core::cell::{Cell as Flag, UnsafeCell};

    #[cfg(target_feature = "atomics")]
    compile_error!("plc-sdk programs are single-threaded: build without the `atomics` target feature");

    pub struct Cell<S> {
        busy: Flag<bool>,
        value: UnsafeCell<Option<S>>,
    }

    // SAFETY: without the `atomics` target feature (refused above) a wasm32 module has exactly
    // one thread, so the cell is never reached from two threads.
    unsafe impl<S> Sync for Cell<S> {}

    impl<S: Default> Cell<S> {
        pub const fn new() -> Self {
            Cell { busy: Flag::new(false), value: UnsafeCell::new(None) }
        }

        pub fn with<R>(&self, f: impl FnOnce(&mut S) -> R) -> Option<R> {
            // A poll re-entered from inside itself (impossible through the ABI) does nothing.
            if self.busy.replace(true) {
                return None;
            }
            // SAFETY: one thread, and the `busy` flag rules out a second borrow while this
            // one lives, so this is the only reference to the value.
            let value = unsafe { &mut *self.value.get() };
            let result = f(value.get_or_insert_with(S::default));
            self.busy.set(false);
            Some(result)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::Simulator;

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn an_error_is_logged_when_it_differs_from_the_previous_scan_and_counted_every_scan() {
        let mut sim = Simulator::new();
        let outcome = ScanOutcome::new();
        let scans = [
            Ok(()),
            Err(Error::AddressOutOfBounds), // logged
            Err(Error::AddressOutOfBounds),
            Err(Error::Unknown(-77)), // another error: logged
            Err(Error::Unknown(-77)),
            Ok(()),
            Err(Error::Unknown(-77)), // again after an Ok: logged
        ];
        for scan in scans {
            outcome.report(scan, "prog.rs", 7);
        }
        assert_eq!(sim.errors(), 5);
        let logs: std::vec::Vec<_> = sim.take_logs().into_iter().map(|r| (r.level, r.file, r.line, r.message)).collect();
        let warn = |m: &str| (crate::logging::Level::Warn, "prog.rs".into(), 7, m.into());
        assert_eq!(
            logs,
            [
                warn("scan ended in an error: IO address out of bounds"),
                warn("scan ended in an error: unknown result code -77"),
                warn("scan ended in an error: unknown result code -77"),
            ]
        );
    }

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn every_error_fits_the_message_whole() {
        let mut sim = Simulator::new();
        for (n, error) in [Error::Generic, Error::VariableTableFull, Error::Unknown(i32::MIN), Error::Unknown(6), Error::Unknown(i32::MAX)].into_iter().enumerate() {
            ScanOutcome::new().report(Err(error), "p.rs", n as u32);
        }
        let messages: std::vec::Vec<_> = sim.take_logs().into_iter().map(|r| r.message).collect();
        assert_eq!(
            messages,
            [
                "scan ended in an error: the controller reported an error",
                "scan ended in an error: the variable table is full",
                "scan ended in an error: unknown result code -2147483648",
                "scan ended in an error: unknown result code 6",
                "scan ended in an error: unknown result code 2147483647",
            ]
        );
        assert_eq!(std::format!("{}", Error::Unknown(i32::MIN)), "unknown result code -2147483648");
    }
}
