//! Prefetching: a scan asks for the next program's data while the current one runs, so that
//! its cache misses overlap instead of following one another. The one module of the host with
//! `unsafe` that touches no memory.
#![allow(unsafe_code)]

/// A cache line.
pub(crate) const LINE: usize = 64;

/// Asks the CPU to bring the line holding `address` into its caches. Any address will do: a
/// prefetch reads nothing and never faults.
#[inline(always)]
pub(crate) fn line(address: usize) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: `prefetcht0` dereferences nothing and never faults, whatever the address; SSE,
    // which it needs, is part of every x86_64.
    unsafe {
        core::arch::x86_64::_mm_prefetch::<{ core::arch::x86_64::_MM_HINT_T0 }>(address as *const i8);
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = address;
}

/// [`line`] for every line of the `bytes` bytes from `address` on.
#[inline]
pub(crate) fn range(address: usize, bytes: usize) {
    let first = address & !(LINE - 1);
    let mut at = first;
    while at < address.saturating_add(bytes) {
        line(at);
        at += LINE;
    }
}

/// [`range`] over a value.
#[inline]
pub(crate) fn value<T>(value: &T) {
    range(value as *const T as usize, std::mem::size_of::<T>());
}
