//! The error every fallible call of the SDK returns, named after the ABI's result codes.

use core::fmt;

use crate::abi::wasm_result_t;

/// Why a call to the controller failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Error {
    /// `WASM_GENERIC_ERROR`: an unspecified error (a bad pointer or name, a log budget spent).
    Generic,
    /// `WASM_ADDRESS_OUT_OF_BOUNDS`: an input or output address outside the process image.
    AddressOutOfBounds,
    /// `WASM_UNKNOWN_VARIABLE`: no variable of that name exists yet.
    UnknownVariable,
    /// `WASM_BAD_VARIABLE_TYPE`: the variable exists with another type.
    BadVariableType,
    /// `WASM_VARIABLE_TABLE_FULL`: a new variable does not fit in the controller's table.
    VariableTableFull,
    /// A code this version of the SDK does not know, from a newer controller.
    Unknown(i32),
}

impl Error {
    /// The ABI result code for this error.
    pub const fn code(self) -> i32 {
        match self {
            Error::Generic => wasm_result_t::WASM_GENERIC_ERROR as i32,
            Error::AddressOutOfBounds => wasm_result_t::WASM_ADDRESS_OUT_OF_BOUNDS as i32,
            Error::UnknownVariable => wasm_result_t::WASM_UNKNOWN_VARIABLE as i32,
            Error::BadVariableType => wasm_result_t::WASM_BAD_VARIABLE_TYPE as i32,
            Error::VariableTableFull => wasm_result_t::WASM_VARIABLE_TABLE_FULL as i32,
            Error::Unknown(code) => code,
        }
    }

    /// What went wrong, in words, for an operator. For [`Error::Unknown`] this is
    /// "unknown result code", without the code, which [`Display`](fmt::Display) adds.
    pub const fn message(self) -> &'static str {
        match self {
            Error::Generic => "the controller reported an error",
            Error::AddressOutOfBounds => "IO address out of bounds",
            Error::UnknownVariable => "unknown variable",
            Error::BadVariableType => "variable has another type",
            Error::VariableTableFull => "the variable table is full",
            Error::Unknown(_) => "unknown result code",
        }
    }
}

/// Turns a raw result code into a `Result`.
pub(crate) fn check(code: i32) -> Result<(), Error> {
    match wasm_result_t::from_code(code) {
        Some(wasm_result_t::WASM_SUCCESS) => Ok(()),
        Some(wasm_result_t::WASM_GENERIC_ERROR) => Err(Error::Generic),
        Some(wasm_result_t::WASM_ADDRESS_OUT_OF_BOUNDS) => Err(Error::AddressOutOfBounds),
        Some(wasm_result_t::WASM_UNKNOWN_VARIABLE) => Err(Error::UnknownVariable),
        Some(wasm_result_t::WASM_BAD_VARIABLE_TYPE) => Err(Error::BadVariableType),
        Some(wasm_result_t::WASM_VARIABLE_TABLE_FULL) => Err(Error::VariableTableFull),
        // A code of a newer `plc-abi` than this SDK was written for counts as unknown too.
        Some(_) | None => Err(Error::Unknown(code)),
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Unknown(code) => write!(f, "{} {code}", self.message()),
            _ => f.write_str(self.message()),
        }
    }
}

impl core::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn every_code_round_trips() {
        for result in wasm_result_t::ALL {
            match check(result.code()) {
                Ok(()) => assert_eq!(result, wasm_result_t::WASM_SUCCESS),
                Err(e) => assert_eq!(e.code(), result.code()),
            }
        }
        assert_eq!(check(77), Err(Error::Unknown(77)));
        assert_eq!(Error::Unknown(77).code(), 77);
    }
}
