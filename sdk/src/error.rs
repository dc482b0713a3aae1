//! The error every fallible call of the SDK returns, named after the ABI's result codes.

use core::fmt;

use crate::abi::wasm_result_t;

/// Why a call to the controller failed.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
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

/// Written without `core::fmt`'s machinery (no `write!`): an `unwrap()` of a `Result` with
/// this error links this impl, and a program should not pay kilobytes of formatting for it.
impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self {
            Error::Generic => "Generic",
            Error::AddressOutOfBounds => "AddressOutOfBounds",
            Error::UnknownVariable => "UnknownVariable",
            Error::BadVariableType => "BadVariableType",
            Error::VariableTableFull => "VariableTableFull",
            Error::Unknown(code) => {
                f.write_str("Unknown(")?;
                write_decimal(f, *code)?;
                return f.write_str(")");
            }
        };
        f.write_str(name)
    }
}

/// `value` in decimal, digit by digit.
fn write_decimal(f: &mut fmt::Formatter<'_>, value: i32) -> fmt::Result {
    use fmt::Write;
    if value < 0 {
        f.write_char('-')?;
    }
    let magnitude = value.unsigned_abs();
    let mut divisor = 1_000_000_000u32;
    while divisor > 1 && magnitude / divisor == 0 {
        divisor /= 10;
    }
    while divisor > 0 {
        f.write_char(char::from(b'0' + (magnitude / divisor % 10) as u8))?;
        divisor /= 10;
    }
    Ok(())
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

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn debug_is_the_variant() {
        extern crate std;
        use std::format;
        assert_eq!(format!("{:?}", Error::BadVariableType), "BadVariableType");
        for code in [0, 7, 10, -1, 1_000_000_000, i32::MIN, i32::MAX] {
            assert_eq!(format!("{:?}", Error::Unknown(code)), format!("Unknown({code})"));
        }
    }
}
