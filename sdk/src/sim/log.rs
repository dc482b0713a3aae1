//! The simulator's `wasm_log`: records kept for [`Simulator::take_logs`](super::Simulator::take_logs).

extern crate std;

use core::ffi::{c_char, c_int};
use std::string::String;

use super::args::{bytes, GENERIC, OK};
use super::{with, LogRecord};
use crate::abi::wasm_log_level;
use crate::logging::Level;

/// The simulator's `wasm_log`.
///
/// # Safety
/// `file` and `message` valid for their lengths.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_log(level: c_int, file: *const c_char, file_len: c_int, line: c_int, message: *const c_char, message_len: c_int) -> c_int {
    // SAFETY: the caller passes pointers valid for the lengths that go with them.
    let (Some(file), Some(message)) = (unsafe { bytes(file, file_len) }, unsafe { bytes(message, message_len) }) else {
        return GENERIC;
    };
    let level = match wasm_log_level::from_code(level) {
        Some(wasm_log_level::LOG_ERROR) => Level::Error,
        Some(wasm_log_level::LOG_WARN) => Level::Warn,
        Some(wasm_log_level::LOG_INFO) => Level::Info,
        Some(wasm_log_level::LOG_DEBUG) => Level::Debug,
        Some(wasm_log_level::LOG_TRACE) => Level::Trace,
        None => return GENERIC,
    };
    let record = LogRecord {
        level,
        file: String::from_utf8_lossy(file).into_owned(),
        line: u32::try_from(line).unwrap_or(0),
        message: String::from_utf8_lossy(message).into_owned(),
    };
    with(|c| c.logs.push(record));
    OK
}
