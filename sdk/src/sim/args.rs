//! What every simulated intrinsic shares: the result codes, and the guest's pointers and
//! lengths as slices, checked as the host checks them.

use core::ffi::{c_char, c_int};

use crate::abi::wasm_result_t;

pub(super) const OK: c_int = wasm_result_t::WASM_SUCCESS as c_int;
pub(super) const GENERIC: c_int = wasm_result_t::WASM_GENERIC_ERROR as c_int;
pub(super) const OUT_OF_BOUNDS: c_int = wasm_result_t::WASM_ADDRESS_OUT_OF_BOUNDS as c_int;
pub(super) const UNKNOWN: c_int = wasm_result_t::WASM_UNKNOWN_VARIABLE as c_int;
pub(super) const BAD_TYPE: c_int = wasm_result_t::WASM_BAD_VARIABLE_TYPE as c_int;

/// # Safety
/// `ptr` must be valid for reads of `len` bytes when `len > 0`.
pub(super) unsafe fn bytes<'a>(ptr: *const c_char, len: c_int) -> Option<&'a [u8]> {
    match usize::try_from(len) {
        Ok(0) => Some(&[]),
        // SAFETY: the caller guarantees `ptr` is valid for `len` bytes.
        Ok(len) if !ptr.is_null() => Some(unsafe { core::slice::from_raw_parts(ptr.cast(), len) }),
        _ => None,
    }
}

/// # Safety
/// `ptr` must be valid for writes of `len` bytes when `len > 0`.
pub(super) unsafe fn bytes_mut<'a>(ptr: *mut c_char, len: c_int) -> Option<&'a mut [u8]> {
    match usize::try_from(len) {
        Ok(0) => Some(&mut []),
        // SAFETY: the caller guarantees `ptr` is valid for `len` bytes.
        Ok(len) if !ptr.is_null() => Some(unsafe { core::slice::from_raw_parts_mut(ptr.cast(), len) }),
        _ => None,
    }
}

pub(super) fn range(address: u32, len: usize, image: usize) -> Option<core::ops::Range<usize>> {
    let start = usize::try_from(address).ok()?;
    let end = start.checked_add(len)?;
    (end <= image).then_some(start..end)
}

/// # Safety
/// As for [`bytes`].
pub(super) unsafe fn name<'a>(ptr: *const c_char, len: c_int) -> Result<&'a str, c_int> {
    // SAFETY: forwarded from the caller.
    let raw = unsafe { bytes(ptr, len) }.ok_or(GENERIC)?;
    core::str::from_utf8(raw).map_err(|_| GENERIC)
}
