//! The simulator's variables, by name and by handle.

extern crate std;

use core::ffi::{c_char, c_int};
use std::string::String;
use std::vec::Vec;

use super::args::{name, BAD_TYPE, GENERIC, OK, UNKNOWN};
use super::{with, Value};

fn read_variable(name: &str, pick: impl FnOnce(Value) -> Option<()>) -> c_int {
    match with(|c| c.variables.get(name).copied()) {
        None => UNKNOWN,
        Some(v) => pick(v).map_or(BAD_TYPE, |()| OK),
    }
}

fn write_variable(name: &str, value: Value) -> c_int {
    with(|c| match c.variables.get_mut(name) {
        Some(old) if core::mem::discriminant(old) != core::mem::discriminant(&value) => BAD_TYPE,
        Some(old) => {
            *old = value;
            OK
        }
        None => {
            c.variables.insert(name.into(), value);
            OK
        }
    })
}

/// Reads the variable `$name` into `$value` (non-null, valid for writes) if it holds a `$variant`.
macro_rules! read_into {
    ($name:expr, $variant:ident, $value:ident) => {
        read_variable($name, |v| match v {
            Value::$variant(x) => {
                // SAFETY: `value` is non-null and valid for writes, as the caller guarantees.
                unsafe { $value.write_unaligned(x) };
                Some(())
            }
            _ => None,
        })
    };
}

macro_rules! read_intrinsic {
    ($fn:ident, $t:ty, $variant:ident, $doc:literal) => {
        #[doc = $doc]
        ///
        /// # Safety
        /// `name` valid for `name_len` bytes, `value` valid for writes or null.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $fn(name: *const c_char, name_len: c_int, value: *mut $t) -> c_int {
            // SAFETY: the caller passes a name valid for its length.
            let name = match unsafe { self::name(name, name_len) } {
                Ok(name) if !value.is_null() => name,
                Ok(_) => return GENERIC,
                Err(code) => return code,
            };
            read_into!(name, $variant, value)
        }
    };
}

macro_rules! write_intrinsic {
    ($fn:ident, $t:ty, $variant:ident, $doc:literal) => {
        #[doc = $doc]
        ///
        /// # Safety
        /// `name` valid for `name_len` bytes.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $fn(name: *const c_char, name_len: c_int, value: $t) -> c_int {
            // SAFETY: the caller passes a name valid for its length.
            match unsafe { self::name(name, name_len) } {
                Ok(name) => write_variable(name, Value::$variant(value)),
                Err(code) => code,
            }
        }
    };
}

read_intrinsic!(wasm_variable_read_boolean, bool, Bool, "The simulator's `wasm_variable_read_boolean`.");
read_intrinsic!(wasm_variable_read_double, f64, Double, "The simulator's `wasm_variable_read_double`.");
read_intrinsic!(wasm_variable_read_int, i32, Int, "The simulator's `wasm_variable_read_int`.");
write_intrinsic!(wasm_variable_write_boolean, bool, Bool, "The simulator's `wasm_variable_write_boolean`.");
write_intrinsic!(wasm_variable_write_double, f64, Double, "The simulator's `wasm_variable_write_double`.");
write_intrinsic!(wasm_variable_write_int, i32, Int, "The simulator's `wasm_variable_write_int`.");

/// The names resolved to handles, for the whole process: a `Variable` is a `static`, so the
/// handle it keeps must mean the same name on every test's thread.
static HANDLES: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());

fn handle_name(handle: u32) -> Option<String> {
    HANDLES.lock().unwrap_or_else(|p| p.into_inner()).get(handle as usize).cloned()
}

/// The simulator's `wasm_variable_handle`.
///
/// # Safety
/// `name` valid for `name_len` bytes, `handle` valid for writes or null.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_variable_handle(name: *const c_char, name_len: c_int, handle: *mut u32) -> c_int {
    // SAFETY: the caller passes a name valid for its length.
    let name = match unsafe { self::name(name, name_len) } {
        Ok(name) if !handle.is_null() => name,
        Ok(_) => return GENERIC,
        Err(code) => return code,
    };
    let mut names = HANDLES.lock().unwrap_or_else(|p| p.into_inner());
    let index = names.iter().position(|n| n == name).unwrap_or_else(|| {
        names.push(name.into());
        names.len() - 1
    });
    // SAFETY: `handle` is non-null and valid for writes, as the caller guarantees.
    unsafe { handle.write_unaligned(index as u32) };
    OK
}

macro_rules! handle_read_intrinsic {
    ($fn:ident, $t:ty, $variant:ident, $doc:literal) => {
        #[doc = $doc]
        ///
        /// # Safety
        /// `value` valid for writes or null.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $fn(handle: u32, value: *mut $t) -> c_int {
            let Some(name) = handle_name(handle).filter(|_| !value.is_null()) else { return GENERIC };
            read_into!(&name, $variant, value)
        }
    };
}

macro_rules! handle_write_intrinsic {
    ($fn:ident, $t:ty, $variant:ident, $doc:literal) => {
        #[doc = $doc]
        #[unsafe(no_mangle)]
        pub extern "C" fn $fn(handle: u32, value: $t) -> c_int {
            match handle_name(handle) {
                Some(name) => write_variable(&name, Value::$variant(value)),
                None => GENERIC,
            }
        }
    };
}

handle_read_intrinsic!(wasm_handle_read_boolean, bool, Bool, "The simulator's `wasm_handle_read_boolean`.");
handle_read_intrinsic!(wasm_handle_read_double, f64, Double, "The simulator's `wasm_handle_read_double`.");
handle_read_intrinsic!(wasm_handle_read_int, i32, Int, "The simulator's `wasm_handle_read_int`.");
handle_write_intrinsic!(wasm_handle_write_boolean, bool, Bool, "The simulator's `wasm_handle_write_boolean`.");
handle_write_intrinsic!(wasm_handle_write_double, f64, Double, "The simulator's `wasm_handle_write_double`.");
handle_write_intrinsic!(wasm_handle_write_int, i32, Int, "The simulator's `wasm_handle_write_int`.");
