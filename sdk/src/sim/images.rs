//! The simulator's process image, clock and error count: `wasm_read_input`,
//! `wasm_read_output`, `wasm_write_output`, `wasm_current_time`, `wasm_report_error`.

use core::ffi::{c_char, c_int};

use super::args::{bytes, bytes_mut, range, GENERIC, OK, OUT_OF_BOUNDS};
use super::with;
use crate::ffi::ImageRange;

/// The simulator's `wasm_read_input`.
///
/// # Safety
/// `buffer` valid for writes of `buffer_len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_read_input(address: u32, buffer: *mut c_char, buffer_len: c_int) -> c_int {
    // SAFETY: the caller passes a buffer valid for its length.
    let Some(buffer) = (unsafe { bytes_mut(buffer, buffer_len) }) else { return GENERIC };
    with(|c| match range(address, buffer.len(), c.inputs.len()) {
        Some(r) => {
            buffer.copy_from_slice(&c.inputs[r]);
            OK
        }
        None => OUT_OF_BOUNDS,
    })
}

/// The simulator's `wasm_read_output`.
///
/// # Safety
/// `buffer` valid for writes of `buffer_len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_read_output(address: u32, buffer: *mut c_char, buffer_len: c_int) -> c_int {
    // SAFETY: the caller passes a buffer valid for its length.
    let Some(buffer) = (unsafe { bytes_mut(buffer, buffer_len) }) else { return GENERIC };
    with(|c| match range(address, buffer.len(), c.outputs.len()) {
        Some(r) => {
            buffer.copy_from_slice(&c.outputs[r.clone()]);
            // The bytes the program's own image covers, as they stand in it.
            if let Some(image) = c.image {
                let covered = covered(image, &r, c.outputs.len());
                image.read(r.start, &mut buffer[..covered]);
            }
            OK
        }
        None => OUT_OF_BOUNDS,
    })
}

/// How many bytes from the start of `r` the program's image covers (of the `outputs` the
/// controller has).
fn covered(image: ImageRange, r: &core::ops::Range<usize>, outputs: usize) -> usize {
    image.len().min(outputs).saturating_sub(r.start).min(r.len())
}

/// The simulator's `wasm_write_output`.
///
/// # Safety
/// `data` valid for reads of `data_len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_write_output(address: u32, data: *const c_char, data_len: c_int) -> c_int {
    // SAFETY: the caller passes data valid for its length.
    let Some(data) = (unsafe { bytes(data, data_len) }) else { return GENERIC };
    with(|c| match range(address, data.len(), c.outputs.len()) {
        Some(r) => {
            // The bytes the program's own image covers are written there, as on the
            // controller: they are published by what changed when the scan ends.
            let covered = c.image.map_or(0, |image| covered(image, &r, c.outputs.len()));
            if let Some(image) = c.image {
                image.write(r.start, &data[..covered]);
            }
            c.outputs[r.start + covered..r.end].copy_from_slice(&data[covered..]);
            OK
        }
        None => OUT_OF_BOUNDS,
    })
}

/// The simulator's `wasm_current_time`.
///
/// # Safety
/// `secs` and `nanos` valid for writes, or null.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_current_time(secs: *mut u64, nanos: *mut u32) -> c_int {
    if secs.is_null() || nanos.is_null() {
        return GENERIC;
    }
    let now = with(|c| c.time);
    // SAFETY: both pointers are non-null and valid for writes, as the caller guarantees.
    unsafe {
        secs.write_unaligned(now.as_secs());
        nanos.write_unaligned(now.subsec_nanos());
    }
    OK
}

/// The simulator's `wasm_report_error`: counts the error (see [`Simulator::errors`]).
#[unsafe(no_mangle)]
pub extern "C" fn wasm_report_error(code: c_int) -> c_int {
    if code == OK {
        return GENERIC;
    }
    with(|c| c.errors += 1);
    OK
}
