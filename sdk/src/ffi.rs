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
    /// they cut with `...[truncated]`. The host also keeps a bounded number of messages per
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
    /// Resolve a variable name to a handle, written to `handle`: the typed `wasm_handle_read_*`
    /// and `wasm_handle_write_*` then reach the variable without a name. A handle is valid for
    /// the life of the program's instance (a restarted or replaced program resolves again); the
    /// variable need not exist yet, and the same name gives the same handle.
    ///
    /// Returns `WASM_GENERIC_ERROR` for a name as `wasm_variable_read_boolean` refuses it or a
    /// `handle` outside the program's memory, `WASM_VARIABLE_TABLE_FULL` when the instance
    /// holds 4096 handles already. An addition to ABI v1.
    pub fn wasm_variable_handle(name: *const c_char, name_len: c_int, handle: *mut u32) -> c_int;
}

/// The handle of the variable `name`.
pub(crate) fn variable_handle(name: &str) -> Result<u32, Error> {
    let name_len = len(name.len())?;
    let mut handle = 0u32;
    // SAFETY: `name` is a live str of `name_len` bytes; `handle` a live, aligned u32.
    check(unsafe { wasm_variable_handle(name.as_ptr().cast(), name_len, &mut handle) })?;
    Ok(handle)
}

#[cfg_attr(all(target_arch = "wasm32", not(test)), link(wasm_import_module = "env"))]
extern "C" {
    /// Read a boolean variable by its handle (`wasm_variable_handle`). Codes as for
    /// `wasm_variable_read_boolean`; `WASM_GENERIC_ERROR` for a handle this instance was not
    /// given. An addition to ABI v1.
    pub fn wasm_handle_read_boolean(handle: u32, value: *mut bool) -> c_int;
    /// Read a floating-point variable by its handle. As `wasm_handle_read_boolean`.
    pub fn wasm_handle_read_double(handle: u32, value: *mut f64) -> c_int;
    /// Read an integer variable by its handle. As `wasm_handle_read_boolean`.
    pub fn wasm_handle_read_int(handle: u32, value: *mut i32) -> c_int;
}

pub(crate) fn handle_read_bool(handle: u32) -> Result<bool, Error> {
    // Received as a byte, as in `variable_read_bool`.
    let mut raw = 0u8;
    // SAFETY: `raw` is a live byte the host may write during the call, read back as a `u8`.
    check(unsafe { wasm_handle_read_boolean(handle, (&mut raw as *mut u8).cast()) })?;
    Ok(raw != 0)
}

pub(crate) fn handle_read_f64(handle: u32) -> Result<f64, Error> {
    let mut value = 0f64;
    // SAFETY: `value` is a live, aligned f64 the host may write during the call.
    check(unsafe { wasm_handle_read_double(handle, &mut value) })?;
    Ok(value)
}

pub(crate) fn handle_read_i32(handle: u32) -> Result<i32, Error> {
    let mut value = 0i32;
    // SAFETY: `value` is a live, aligned i32 the host may write during the call.
    check(unsafe { wasm_handle_read_int(handle, &mut value) })?;
    Ok(value)
}

#[cfg_attr(all(target_arch = "wasm32", not(test)), link(wasm_import_module = "env"))]
extern "C" {
    /// Write a boolean variable by its handle, creating it on first write. Codes as for
    /// `wasm_variable_write_boolean`; `WASM_GENERIC_ERROR` for a handle this instance was not
    /// given. An addition to ABI v1.
    pub fn wasm_handle_write_boolean(handle: u32, value: bool) -> c_int;
    /// Write a floating-point variable by its handle. As `wasm_handle_write_boolean`.
    pub fn wasm_handle_write_double(handle: u32, value: f64) -> c_int;
    /// Write an integer variable by its handle. As `wasm_handle_write_boolean`.
    pub fn wasm_handle_write_int(handle: u32, value: i32) -> c_int;
}

pub(crate) fn handle_write_bool(handle: u32, value: bool) -> Result<(), Error> {
    // SAFETY: no pointer crosses; every handle is a valid argument (the host checks it).
    check(unsafe { wasm_handle_write_boolean(handle, value) })
}

pub(crate) fn handle_write_f64(handle: u32, value: f64) -> Result<(), Error> {
    // SAFETY: as for `handle_write_bool`.
    check(unsafe { wasm_handle_write_double(handle, value) })
}

pub(crate) fn handle_write_i32(handle: u32, value: i32) -> Result<(), Error> {
    // SAFETY: as for `handle_write_bool`.
    check(unsafe { wasm_handle_write_int(handle, value) })
}

/// Bytes of the program's process image in its own memory: the host (or the simulator) writes
/// them before each poll and reads the outputs back after it. Held in a
/// [`ProcessImage`](crate::image::ProcessImage).
pub struct ImageBytes<const N: usize>(core::cell::UnsafeCell<[u8; N]>);

// SAFETY: on wasm32 a program has one thread (`program.rs` refuses the `atomics` feature); in
// native tests the simulator runs every scan of an image under one process-wide lock, and the
// bytes are only reached through `ImageAddress`es, during a scan.
unsafe impl<const N: usize> Sync for ImageBytes<N> {}

impl<const N: usize> ImageBytes<N> {
    /// `N` zero bytes.
    pub(crate) const fn new() -> Self {
        ImageBytes(core::cell::UnsafeCell::new([0; N]))
    }

    /// The address of bytes `index..index + width`.
    ///
    /// # Panics
    /// When they do not lie inside the `N` bytes: at compile time in a `const`.
    pub(crate) const fn at(&'static self, index: usize, width: usize) -> ImageAddress {
        assert!(index < N && width <= N - index, "the address lies outside the process image the program declared");
        ImageAddress(self.0.get().cast::<u8>().wrapping_add(index))
    }

    /// The address of the first byte (for the descriptor the host reads).
    pub(crate) const fn first(&'static self) -> *const u8 {
        self.0.get().cast::<u8>().cast_const()
    }
}

/// The address of bytes of a `'static` [`ImageBytes`], inside it by construction
/// ([`ImageBytes::at`] checks the width the handle will access). Only raw pointers reach the
/// image: no Rust reference to it is ever held, so the host's writes between polls and the
/// intrinsics' writes during one are never hidden from the program.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ImageAddress(*mut u8);

// SAFETY: as for `ImageBytes`: one thread on wasm32, one lock around scans natively.
unsafe impl Send for ImageAddress {}
// SAFETY: as above.
unsafe impl Sync for ImageAddress {}

impl ImageAddress {
    /// Reads `N` bytes (`N` at most the width the address was made for).
    #[inline(always)]
    pub(crate) fn load<const W: usize>(self, len: usize) -> [u8; W] {
        let mut bytes = [0u8; W];
        debug_assert!(len <= W);
        // SAFETY: `ImageBytes::at` checked that `len` (the handle's width, at most `W`) bytes
        // from here lie inside a live `'static` image; wasm32 and the simulator's lock rule
        // out a concurrent write; the image is plain bytes, any value is valid.
        unsafe { core::ptr::copy_nonoverlapping(self.0.cast_const(), bytes.as_mut_ptr(), len.min(W)) };
        bytes
    }

    /// Writes the first `len` bytes of `bytes` (at most the width the address was made for).
    #[inline(always)]
    pub(crate) fn store<const W: usize>(self, bytes: [u8; W], len: usize) {
        // SAFETY: as for `load`: inside the image, no concurrent access, plain bytes.
        unsafe { core::ptr::copy_nonoverlapping(bytes.as_ptr(), self.0, len.min(W)) };
    }
}

/// The descriptor a program exports as `plc_image` (`wasm_process_image_t` with the
/// addresses as pointers, which a `static` can hold; on wasm32 it has the same layout).
#[repr(C)]
#[derive(Debug)]
pub struct ImageDescriptor {
    inputs: *const u8,
    inputs_len: u32,
    outputs: *const u8,
    outputs_len: u32,
}

// SAFETY: the descriptor is immutable; the pointers in it are only read by the host (and by
// the simulator, under its lock).
unsafe impl Sync for ImageDescriptor {}

#[cfg(target_arch = "wasm32")]
const _: () = assert!(core::mem::size_of::<ImageDescriptor>() == crate::abi::wasm_process_image_t::SIZE);

impl ImageDescriptor {
    pub(crate) const fn new<const I: usize, const O: usize>(inputs: &'static ImageBytes<I>, outputs: &'static ImageBytes<O>) -> Self {
        assert!(I <= u32::MAX as usize && O <= u32::MAX as usize, "a process image has at most 4 GiB");
        ImageDescriptor { inputs: inputs.first(), inputs_len: I as u32, outputs: outputs.first(), outputs_len: O as u32 }
    }

    /// The program's input bytes, for the simulator.
    #[cfg(not(all(target_arch = "wasm32", not(test))))]
    pub(crate) fn inputs(&self) -> ImageRange {
        ImageRange(self.inputs.cast_mut(), self.inputs_len as usize)
    }

    /// The program's output bytes, for the simulator.
    #[cfg(not(all(target_arch = "wasm32", not(test))))]
    pub(crate) fn outputs(&self) -> ImageRange {
        ImageRange(self.outputs.cast_mut(), self.outputs_len as usize)
    }
}

/// A whole image of a descriptor, as the simulator copies it.
#[cfg(not(all(target_arch = "wasm32", not(test))))]
#[derive(Debug, Clone, Copy)]
pub(crate) struct ImageRange(*mut u8, usize);

#[cfg(not(all(target_arch = "wasm32", not(test))))]
impl ImageRange {
    /// Its length.
    pub(crate) fn len(self) -> usize {
        self.1
    }

    /// Copies `from` into its first bytes (at most its length).
    pub(crate) fn write(self, at: usize, from: &[u8]) {
        let len = from.len().min(self.1.saturating_sub(at));
        // SAFETY: the range is a descriptor's image (`'static`, of that length) and
        // `at + len` stays inside it; the simulator holds its lock while it copies.
        unsafe { core::ptr::copy_nonoverlapping(from.as_ptr(), self.0.add(at), len) };
    }

    /// Copies its bytes from `at` into `to` (at most what is left of it).
    pub(crate) fn read(self, at: usize, to: &mut [u8]) {
        let len = to.len().min(self.1.saturating_sub(at));
        // SAFETY: as for `write`.
        unsafe { core::ptr::copy_nonoverlapping(self.0.add(at).cast_const(), to.as_mut_ptr(), len) };
    }
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
