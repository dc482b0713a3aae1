//! Every raw import of the SDK, each in an `extern` block of its own next to its safe wrapper.
//! This is the only module of the SDK that declares or calls foreign functions.
//!
//! On `wasm32` the imports are resolved by the controller (module `env`). On every other
//! target the same symbols are defined by the in-process simulated controller in
//! [`crate::sim`], so the code below, pointer and length handling included, is the code the
//! native unit tests exercise.
//!
//! Every wrapper turns the raw `i32` result code into `Result<_, Error>`: no import is
//! declared as returning a Rust enum, because a code this crate does not know would then be
//! undefined behaviour.
//!
//! cbindgen copies the doc comments of the imports into `c-sdk/include/intrinsics.h`: they are
//! written as C documentation (C names, no rustdoc links).

use core::ffi::{c_char, c_int};

use crate::abi::wasm_log_level;
use crate::error::{check, Error};

/// A slice length as the ABI's `int`; slices too long for it are refused, never truncated.
fn len(len: usize) -> Result<c_int, Error> {
    c_int::try_from(len).map_err(|_| Error::Generic)
}

#[cfg_attr(all(target_arch = "wasm32", not(test)), link(wasm_import_module = "env"))]
extern "C" {
    /// Log a message at the specified level, including information about the file and line
    /// the message was logged from.
    ///
    /// `level` is a `wasm_log_level`. `file` and `message` are UTF-8 (invalid sequences are
    /// replaced) and need no terminating NUL. The host keeps at most
    /// `WASM_PLC_MAX_LOG_MESSAGE_LEN` (4096) bytes of a message, cut on a UTF-8 character
    /// boundary, with no mark; the SDKs' own formatting buffers (256 bytes) end a message
    /// they cut with "...[truncated]". The host also keeps a bounded number of messages per
    /// scan; past that budget it drops the message and returns `WASM_GENERIC_ERROR`.
    pub fn wasm_log(
        level: c_int,
        file: *const c_char,
        file_len: c_int,
        line: c_int,
        message: *const c_char,
        message_len: c_int,
    ) -> c_int;
}

/// Sends one log record to the controller.
pub(crate) fn log(level: wasm_log_level, file: &str, line: u32, message: &[u8]) -> Result<(), Error> {
    let (file_len, message_len) = (len(file.len())?, len(message.len())?);
    let line = c_int::try_from(line).unwrap_or(c_int::MAX);
    // SAFETY: both pointers come from live slices and go with their own lengths; the host
    // only reads them during the call.
    check(unsafe {
        wasm_log(level as c_int, file.as_ptr().cast(), file_len, line, message.as_ptr().cast(), message_len)
    })
}

#[cfg_attr(all(target_arch = "wasm32", not(test)), link(wasm_import_module = "env"))]
extern "C" {
    /// Read `buffer_len` bytes of the input image, starting at byte `address`.
    ///
    /// Inputs are frozen for the duration of a scan: every read within one `poll()` sees the
    /// same values. Returns `WASM_ADDRESS_OUT_OF_BOUNDS` when the range is outside the input
    /// image, `WASM_GENERIC_ERROR` when the buffer is outside the program's memory.
    pub fn wasm_read_input(address: u32, buffer: *mut c_char, buffer_len: c_int) -> c_int;
}

/// Copies `buf.len()` bytes of the input image, starting at byte `address`, into `buf`.
pub fn read_input(address: u32, buf: &mut [u8]) -> Result<(), Error> {
    let buf_len = len(buf.len())?;
    // SAFETY: the pointer and length describe `buf`, which is exclusively borrowed for the
    // call; the host writes at most `buf_len` bytes.
    check(unsafe { wasm_read_input(address, buf.as_mut_ptr().cast(), buf_len) })
}

#[cfg_attr(all(target_arch = "wasm32", not(test)), link(wasm_import_module = "env"))]
extern "C" {
    /// Write `data_len` bytes to the output image, starting at byte `address`.
    ///
    /// Writes are staged and published when `poll()` returns; a poll that faults publishes
    /// nothing. Returns `WASM_ADDRESS_OUT_OF_BOUNDS` when the range is outside the output
    /// image, `WASM_GENERIC_ERROR` when the data is outside the program's memory.
    pub fn wasm_write_output(address: u32, data: *const c_char, data_len: c_int) -> c_int;
}

/// Writes `data` to the output image, starting at byte `address`; published when the scan ends.
pub fn write_output(address: u32, data: &[u8]) -> Result<(), Error> {
    let data_len = len(data.len())?;
    // SAFETY: the pointer and length describe `data`; the host only reads it during the call.
    check(unsafe { wasm_write_output(address, data.as_ptr().cast(), data_len) })
}

#[cfg_attr(all(target_arch = "wasm32", not(test)), link(wasm_import_module = "env"))]
extern "C" {
    /// Read back `buffer_len` bytes of the output image, starting at byte `address`, as this
    /// program would publish it now: the last published values with this scan's writes on
    /// top. Lets a program change one bit without clobbering the rest of its byte.
    ///
    /// Added in ABI v1 (not in the original ten). Same result codes as `wasm_read_input`.
    pub fn wasm_read_output(address: u32, buffer: *mut c_char, buffer_len: c_int) -> c_int;
}

/// Copies `buf.len()` bytes of the output image as it stands now (last published values
/// plus this scan's writes), starting at byte `address`, into `buf`.
pub fn read_output(address: u32, buf: &mut [u8]) -> Result<(), Error> {
    let buf_len = len(buf.len())?;
    // SAFETY: as for `read_input`: `buf` is exclusively borrowed and `buf_len` is its length.
    check(unsafe { wasm_read_output(address, buf.as_mut_ptr().cast(), buf_len) })
}

#[cfg_attr(all(target_arch = "wasm32", not(test)), link(wasm_import_module = "env"))]
extern "C" {
    /// Get a measurement of a monotonically nondecreasing clock.
    ///
    /// The absolute numbers don't necessarily mean anything, the difference between two
    /// measurements can be used to tell how much time has passed. The clock does not move
    /// during a scan. Returns `WASM_GENERIC_ERROR` when a pointer is outside the program's
    /// memory.
    pub fn wasm_current_time(secs: *mut u64, nanos: *mut u32) -> c_int;
}

/// The controller's monotonic clock, as (seconds, nanoseconds).
pub(crate) fn current_time() -> Result<(u64, u32), Error> {
    let (mut secs, mut nanos) = (0u64, 0u32);
    // SAFETY: both pointers point to live, aligned locals the host may write during the call.
    check(unsafe { wasm_current_time(&mut secs, &mut nanos) })?;
    Ok((secs, nanos))
}

#[cfg_attr(all(target_arch = "wasm32", not(test)), link(wasm_import_module = "env"))]
extern "C" {
    /// Read a globally defined boolean variable.
    ///
    /// Reading an unknown variable or trying to access a variable using the wrong type will
    /// result in an error (`WASM_UNKNOWN_VARIABLE`, `WASM_BAD_VARIABLE_TYPE`). A name that
    /// is not UTF-8 or lies outside the program's memory gives `WASM_GENERIC_ERROR`.
    pub fn wasm_variable_read_boolean(name: *const c_char, name_len: c_int, value: *mut bool) -> c_int;
}

pub(crate) fn variable_read_bool(name: &str) -> Result<bool, Error> {
    let name_len = len(name.len())?;
    // Received as a byte: a host writing 2 into a Rust `bool` would be undefined behaviour.
    let mut raw = 0u8;
    // SAFETY: `name` is a live str of `name_len` bytes; `raw` is a live byte the host may
    // write during the call and that is only ever read back as a `u8`.
    check(unsafe { wasm_variable_read_boolean(name.as_ptr().cast(), name_len, (&mut raw as *mut u8).cast()) })?;
    Ok(raw != 0)
}

#[cfg_attr(all(target_arch = "wasm32", not(test)), link(wasm_import_module = "env"))]
extern "C" {
    /// Read a globally defined floating-point variable. Errors as for
    /// `wasm_variable_read_boolean`.
    pub fn wasm_variable_read_double(name: *const c_char, name_len: c_int, value: *mut f64) -> c_int;
}

pub(crate) fn variable_read_f64(name: &str) -> Result<f64, Error> {
    let name_len = len(name.len())?;
    let mut value = 0f64;
    // SAFETY: `name` is a live str of `name_len` bytes; `value` is a live, aligned f64.
    check(unsafe { wasm_variable_read_double(name.as_ptr().cast(), name_len, &mut value) })?;
    Ok(value)
}

#[cfg_attr(all(target_arch = "wasm32", not(test)), link(wasm_import_module = "env"))]
extern "C" {
    /// Read a globally defined integer variable. Errors as for `wasm_variable_read_boolean`.
    pub fn wasm_variable_read_int(name: *const c_char, name_len: c_int, value: *mut i32) -> c_int;
}

pub(crate) fn variable_read_i32(name: &str) -> Result<i32, Error> {
    let name_len = len(name.len())?;
    let mut value = 0i32;
    // SAFETY: `name` is a live str of `name_len` bytes; `value` is a live, aligned i32.
    check(unsafe { wasm_variable_read_int(name.as_ptr().cast(), name_len, &mut value) })?;
    Ok(value)
}

#[cfg_attr(all(target_arch = "wasm32", not(test)), link(wasm_import_module = "env"))]
extern "C" {
    /// Write to a globally defined boolean variable, creating it on first write.
    ///
    /// This fails with `WASM_BAD_VARIABLE_TYPE` if the variable already exists and has a
    /// different type. The write becomes visible to other programs when this poll completes.
    pub fn wasm_variable_write_boolean(name: *const c_char, name_len: c_int, value: bool) -> c_int;
}

pub(crate) fn variable_write_bool(name: &str, value: bool) -> Result<(), Error> {
    let name_len = len(name.len())?;
    // SAFETY: `name` is a live str of `name_len` bytes, only read during the call.
    check(unsafe { wasm_variable_write_boolean(name.as_ptr().cast(), name_len, value) })
}

#[cfg_attr(all(target_arch = "wasm32", not(test)), link(wasm_import_module = "env"))]
extern "C" {
    /// Write to a globally defined floating-point variable. Errors as for
    /// `wasm_variable_write_boolean`.
    pub fn wasm_variable_write_double(name: *const c_char, name_len: c_int, value: f64) -> c_int;
}

pub(crate) fn variable_write_f64(name: &str, value: f64) -> Result<(), Error> {
    let name_len = len(name.len())?;
    // SAFETY: `name` is a live str of `name_len` bytes, only read during the call.
    check(unsafe { wasm_variable_write_double(name.as_ptr().cast(), name_len, value) })
}

#[cfg_attr(all(target_arch = "wasm32", not(test)), link(wasm_import_module = "env"))]
extern "C" {
    /// Write to a globally defined integer variable. Errors as for
    /// `wasm_variable_write_boolean`.
    pub fn wasm_variable_write_int(name: *const c_char, name_len: c_int, value: i32) -> c_int;
}

pub(crate) fn variable_write_i32(name: &str, value: i32) -> Result<(), Error> {
    let name_len = len(name.len())?;
    // SAFETY: `name` is a live str of `name_len` bytes, only read during the call.
    check(unsafe { wasm_variable_write_int(name.as_ptr().cast(), name_len, value) })
}

#[cfg_attr(all(target_arch = "wasm32", not(test)), link(wasm_import_module = "env"))]
extern "C" {
    /// Tell the controller that this scan ended in an error: the program could not do all
    /// of its work this scan. It is not a fault: the poll goes on, and what it staged is
    /// published when it completes.
    ///
    /// `code` is the error: the `wasm_result_t` an intrinsic returned, or a non-zero code of
    /// the program's own. The host counts every call in the program's statistics and logs
    /// nothing; call it once per scan that failed, and log the error when it changes (the
    /// Rust SDK's program attribute and plc.h's PLC_PROGRAM_TRY do both). Returns
    /// `WASM_SUCCESS`, or `WASM_GENERIC_ERROR`, counting nothing, when `code` is 0.
    ///
    /// An addition to ABI v1 (not in the original ten).
    pub fn wasm_report_error(code: c_int) -> c_int;
}

/// Tells the controller that this scan ended in `error`; it counts it (it is not a fault).
pub(crate) fn report_error(error: Error) -> Result<(), Error> {
    // SAFETY: no pointer crosses; every code is a valid argument.
    check(unsafe { wasm_report_error(error.code()) })
}

#[cfg_attr(all(target_arch = "wasm32", not(test)), link(wasm_import_module = "env"))]
extern "C" {
    /// Record one field of the program's state: its `name` (UTF-8, dotted for a field of a
    /// field: "alarm.et", at most `WASM_PLC_MAX_STATE_NAME_LEN` bytes), its `type` (a canonical
    /// type string: "u32", "[i16; 4]", "Ton/1", at most `WASM_PLC_MAX_STATE_TYPE_LEN` bytes)
    /// and its `data_len` bytes, little-endian. The host copies all three.
    ///
    /// Only valid inside the program's `plc_state_save` export, which the host calls when a
    /// new version replaces the program; elsewhere it returns `WASM_GENERIC_ERROR`, as it does
    /// for a pointer outside the program's memory, a name or type too long or not UTF-8, a name
    /// already recorded, or a state over the host's limit (bytes or records).
    ///
    /// An addition to ABI v1 (not in the original ten).
    pub fn wasm_state_write(
        name: *const c_char,
        name_len: c_int,
        r#type: *const c_char,
        type_len: c_int,
        data: *const c_char,
        data_len: c_int,
    ) -> c_int;
}

/// Records one field of the state (only inside `plc_state_save`).
pub(crate) fn state_write(name: &[u8], ty: &[u8], data: &[u8]) -> Result<(), Error> {
    let (name_len, type_len, data_len) = (len(name.len())?, len(ty.len())?, len(data.len())?);
    // SAFETY: the three pointers come from live slices and go with their own lengths; the
    // host only reads them during the call.
    check(unsafe { wasm_state_write(name.as_ptr().cast(), name_len, ty.as_ptr().cast(), type_len, data.as_ptr().cast(), data_len) })
}

#[cfg_attr(all(target_arch = "wasm32", not(test)), link(wasm_import_module = "env"))]
extern "C" {
    /// Read back one field of the state the version before this one saved: copies its bytes
    /// into `buffer` when a record of that `name` exists with exactly this `type` and
    /// `buffer_len` bytes. `WASM_UNKNOWN_VARIABLE` when there is no record of that name (a new
    /// field: it keeps its initial value), `WASM_BAD_VARIABLE_TYPE` when its type or length
    /// differs (the field keeps its initial value), and nothing is copied.
    ///
    /// Only valid inside the program's `plc_state_load` export, which the host calls on a new
    /// version before its first poll; elsewhere it returns `WASM_GENERIC_ERROR`, as it does
    /// for a pointer outside the program's memory or a name or type too long or not UTF-8.
    ///
    /// An addition to ABI v1 (not in the original ten).
    pub fn wasm_state_read(
        name: *const c_char,
        name_len: c_int,
        r#type: *const c_char,
        type_len: c_int,
        buffer: *mut c_char,
        buffer_len: c_int,
    ) -> c_int;
}

/// Reads one field of the saved state into `buffer` (only inside `plc_state_load`).
pub(crate) fn state_read(name: &[u8], ty: &[u8], buffer: &mut [u8]) -> Result<(), Error> {
    let (name_len, type_len, buffer_len) = (len(name.len())?, len(ty.len())?, len(buffer.len())?);
    // SAFETY: `name` and `ty` are live slices only read during the call; `buffer` is
    // exclusively borrowed and the host writes at most `buffer_len` bytes into it.
    check(unsafe {
        wasm_state_read(name.as_ptr().cast(), name_len, ty.as_ptr().cast(), type_len, buffer.as_mut_ptr().cast(), buffer_len)
    })
}
