//! What went wrong with a variable access, said in the host's log once per change: the first
//! time a variable gets an error (an unknown variable: the second read in a row), and again
//! when its error changes, not on every scan while it persists; a successful access forgets
//! it.

use std::collections::HashMap;

use plc_abi::wasm_result_t;

use super::escape_controls;
use crate::environment::EnvError;

/// The most variables whose last error is kept; past that, errors of further variables are
/// not logged (once said), so that a program cannot grow the host's memory with names.
const MAX_KEPT: usize = 256;

/// The key of an access whose name could not be read, or whose handle was not given. It
/// starts with a NUL, which no SDK puts in a name; a variable of this very name would only
/// share its last error with these.
const BAD_NAME: &str = "\u{0}(no name)";

/// Why a variable access failed.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum VariableError {
    /// The name is outside the program's memory, longer than the ABI allows, or not UTF-8.
    BadName,
    /// A handle this instance was not given.
    BadHandle,
    /// The environment refused it (no such variable, a full table, ...); read or written as
    /// `asked`.
    Env { error: EnvError, asked: &'static str, write: bool },
    /// The variable holds a `holds`; the program read or wrote it as an `asked`.
    BadType { holds: &'static str, asked: &'static str, write: bool },
    /// The address the value is read from or written to is outside the program's memory.
    BadValueAddress,
    /// The poll staged more writes than the host takes in one scan.
    TooManyWrites(usize),
}

impl VariableError {
    /// The result code the program gets.
    pub(crate) fn code(&self) -> i32 {
        match self {
            VariableError::Env { error, .. } => error.code(),
            VariableError::BadType { .. } => wasm_result_t::WASM_BAD_VARIABLE_TYPE as i32,
            VariableError::BadName | VariableError::BadHandle | VariableError::BadValueAddress | VariableError::TooManyWrites(_) => {
                wasm_result_t::WASM_GENERIC_ERROR as i32
            }
        }
    }

    /// The log line for variable `name`, ending in the code's name.
    fn describe(&self, name: &str) -> String {
        let name = escape_controls(name);
        let did = |write: bool, ty: &str| format!("the program {} it as {}", if write { "wrote" } else { "read" }, a(ty));
        let what = match self {
            VariableError::BadName => "a variable name outside the program's memory, over 255 bytes or not UTF-8".to_owned(),
            VariableError::BadHandle => "a variable handle this instance was not given".to_owned(),
            VariableError::Env { error: EnvError::UnknownVariable, asked, write } => format!("no variable `{name}`; {}", did(*write, asked)),
            VariableError::Env { error, asked, write } => format!("variable `{name}`: {error}; {}", did(*write, asked)),
            VariableError::BadType { holds, asked, write } => format!("variable `{name}` holds {}; {}", a(holds), did(*write, asked)),
            VariableError::BadValueAddress => format!("variable `{name}`: the value's address is outside the program's memory"),
            VariableError::TooManyWrites(most) => format!("variable `{name}`: more than {most} variable writes in one scan"),
        };
        let code = wasm_result_t::from_code(self.code()).map_or_else(|| self.code().to_string(), |c| format!("{c:?}"));
        format!("{what} ({code})")
    }
}

/// A type's name with its article: `an int`, `a double`.
fn a(ty: &str) -> String {
    let article = if ty.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" };
    format!("{article} {ty}")
}

/// The last error of each variable that has one, and whether the host's log said it.
#[derive(Debug, Default)]
pub(crate) struct VariableErrors {
    told: HashMap<String, (VariableError, bool)>,
    told_too_many: bool,
}

impl VariableErrors {
    /// Notes the outcome of an access to `name` (`None`: the name could not be read) by
    /// `program` and returns its result code; logs an error that variable did not have last.
    /// An unknown variable is said the second time in a row it is read: a program often reads
    /// a variable before its first write (a counter's first scan, or a variable another program
    /// writes later in the scan), and then the read after works.
    pub(crate) fn note(&mut self, program: &str, name: Option<&str>, outcome: Result<(), VariableError>) -> i32 {
        let name = name.unwrap_or(BAD_NAME);
        let error = match outcome {
            Ok(()) => {
                if !self.told.is_empty() {
                    self.told.remove(name);
                }
                return wasm_result_t::WASM_SUCCESS as i32;
            }
            Err(error) => error,
        };
        let code = error.code();
        // A full table is said once per instance where it is found (`Transaction::make_room`).
        if matches!(error, VariableError::Env { error: EnvError::VariableTableFull, .. }) {
            return code;
        }
        let unknown = matches!(error, VariableError::Env { error: EnvError::UnknownVariable, .. });
        match self.told.get_mut(name) {
            // The same error again: said already, or (an unknown variable) said now.
            Some((last, said)) if *last == error => {
                if std::mem::replace(said, true) {
                    return code;
                }
                log::info!(target: program, "{}", error.describe(name));
            }
            kept => {
                if kept.is_none() && self.told.len() >= MAX_KEPT {
                    if !std::mem::replace(&mut self.told_too_many, true) {
                        log::warn!(target: program, "errors of more than {MAX_KEPT} variables: those of further variables are not logged");
                    }
                    return code;
                }
                if !unknown {
                    log::warn!(target: program, "{}", error.describe(name));
                }
                self.told.insert(name.to_owned(), (error, !unknown));
            }
        }
        code
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bad_type(asked: &'static str) -> Result<(), VariableError> {
        Err(VariableError::BadType { holds: "int", asked, write: false })
    }

    #[test]
    fn an_error_is_kept_until_it_changes_or_the_access_succeeds() {
        let mut errors = VariableErrors::default();
        assert_eq!(errors.note("p", Some("speed"), bad_type("double")), wasm_result_t::WASM_BAD_VARIABLE_TYPE as i32);
        assert_eq!(errors.told.get("speed"), Some(&(bad_type("double").unwrap_err(), true)));
        errors.note("p", Some("speed"), bad_type("bool"));
        assert_eq!(errors.told.get("speed"), Some(&(bad_type("bool").unwrap_err(), true)), "a new error replaces the old");
        assert_eq!(errors.note("p", Some("speed"), Ok(())), 0);
        assert!(errors.told.is_empty(), "a success forgets it");
    }

    #[test]
    fn an_unknown_variable_is_said_the_second_time_in_a_row() {
        let mut errors = VariableErrors::default();
        let unknown = || Err(VariableError::Env { error: EnvError::UnknownVariable, asked: "int", write: false });
        errors.note("p", Some("count"), unknown());
        assert_eq!(errors.told.get("count").map(|e| e.1), Some(false), "not said yet");
        errors.note("p", Some("count"), Ok(()));
        assert!(errors.told.is_empty(), "written in between: never said");
        errors.note("p", Some("count"), unknown());
        errors.note("p", Some("count"), unknown());
        assert_eq!(errors.told.get("count").map(|e| e.1), Some(true), "said");
    }

    #[test]
    fn the_kept_errors_are_bounded() {
        let mut errors = VariableErrors::default();
        for i in 0..MAX_KEPT + 10 {
            errors.note("p", Some(&format!("v{i}")), bad_type("double"));
        }
        assert_eq!(errors.told.len(), MAX_KEPT);
        assert!(errors.told_too_many);
    }

    #[test]
    fn each_error_says_the_variable_and_the_types() {
        let e = VariableError::BadType { holds: "int", asked: "double", write: true };
        assert_eq!(e.describe("speed\n"), "variable `speed\\n` holds an int; the program wrote it as a double (WASM_BAD_VARIABLE_TYPE)");
        let e = VariableError::Env { error: EnvError::UnknownVariable, asked: "bool", write: false };
        assert_eq!(e.describe("run"), "no variable `run`; the program read it as a bool (WASM_UNKNOWN_VARIABLE)");
    }
}
