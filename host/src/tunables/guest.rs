//! The memory and the globals of an instance, reached through wasmer's own definitions of them
//! in its `VMContext`: what a `MemoryView` or `Global::get` does, without the store's lookups.

use std::ptr::NonNull;

use wasmer::sys::vm::{VMGlobalDefinition, VMMemoryDefinition};

/// A program's linear memory, reached through its definition in the instance's `VMContext`
/// (where wasmer keeps its base and length, and `memory.grow` changes them): what a
/// `MemoryView` does, without the store's lookups and boxes on every access.
///
/// It lives with the store that owns the instance (in the `Live` instance and in the state of
/// its host functions) and is used only while that store is borrowed: by the host between the
/// instance's calls, or by a host function during one, on the thread that runs it.
#[derive(Debug)]
pub(crate) struct GuestMemory {
    pub(super) definition: NonNull<VMMemoryDefinition>,
}

// SAFETY: the definition is plain data of the instance, which moves between threads with the
// store that owns it; a `GuestMemory` is used only while that store is borrowed (above).
unsafe impl Send for GuestMemory {}

/// An access outside the memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct OutOfBounds;

impl std::fmt::Display for OutOfBounds {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("outside the program's memory")
    }
}

impl GuestMemory {
    /// The same memory, for the host functions' state.
    pub(crate) fn share(&self) -> GuestMemory {
        GuestMemory { definition: self.definition }
    }

    fn definition(&self) -> VMMemoryDefinition {
        // SAFETY: the definition lies in the `VMContext` of the instance this memory belongs
        // to, which lives as long as the store that owns both, and no wasm runs while the host
        // reads it (the store is borrowed; a host function runs with the guest suspended).
        let VMMemoryDefinition { base, current_length } = unsafe { self.definition.as_ptr().read() };
        VMMemoryDefinition { base, current_length }
    }

    /// Its size in bytes.
    pub(crate) fn data_size(&self) -> u64 {
        self.definition().current_length as u64
    }

    /// Where its bytes begin and where its definition lies: addresses to prefetch.
    pub(crate) fn addresses(&self) -> (usize, usize) {
        (self.definition().base as usize, self.definition.as_ptr() as usize)
    }

    /// The start of `offset..offset + len` in the memory, if it lies inside.
    fn at(&self, offset: u64, len: usize) -> Result<*mut u8, OutOfBounds> {
        let VMMemoryDefinition { base, current_length } = self.definition();
        let end = offset.checked_add(len as u64).ok_or(OutOfBounds)?;
        if end > current_length as u64 {
            return Err(OutOfBounds);
        }
        // SAFETY: `offset + len <= current_length`: inside the memory's accessible bytes.
        Ok(unsafe { base.add(offset as usize) })
    }

    /// Copies `buf.len()` bytes from `offset` into `buf`.
    pub(crate) fn read(&self, offset: u64, buf: &mut [u8]) -> Result<(), OutOfBounds> {
        let from = self.at(offset, buf.len())?;
        // SAFETY: `from..from + len` lies in the memory (`at`), which no Rust reference
        // covers (wasmer's own views copy through raw pointers too), and not in `buf`.
        unsafe { std::ptr::copy_nonoverlapping(from, buf.as_mut_ptr(), buf.len()) };
        Ok(())
    }

    /// Copies `data` into the memory at `offset`.
    pub(crate) fn write(&self, offset: u64, data: &[u8]) -> Result<(), OutOfBounds> {
        let to = self.at(offset, data.len())?;
        // SAFETY: as in `read`, the other way.
        unsafe { std::ptr::copy_nonoverlapping(data.as_ptr(), to, data.len()) };
        Ok(())
    }
}


/// A global of an instance, reached through its definition in the instance's `VMContext`,
/// where the compiled code reads and writes it. Used as [`GuestMemory`] is: only while the
/// store that owns the instance is borrowed.
#[derive(Debug)]
pub(crate) struct GuestGlobal {
    pub(super) definition: NonNull<VMGlobalDefinition>,
}

// SAFETY: as for `GuestMemory`.
unsafe impl Send for GuestGlobal {}

impl GuestGlobal {
    /// The same global, for the host functions' state.
    pub(crate) fn share(&self) -> GuestGlobal {
        GuestGlobal { definition: self.definition }
    }

    /// Its value as an `i64` (the low 8 bytes of its definition).
    pub(crate) fn i64(&self) -> i64 {
        // SAFETY: the definition lies in the instance's `VMContext` (`GuestMemory::definition`
        // says why it is there to read), and every bit pattern is an `i64`.
        unsafe { (*self.definition.as_ptr()).val.i64 }
    }

    /// Sets it as an `i64`.
    pub(crate) fn set_i64(&self, value: i64) {
        // SAFETY: as in `i64`; no wasm runs while the host writes it, and the compiled code
        // reads it from here at its next use.
        unsafe { (*self.definition.as_ptr()).val.i64 = value }
    }

    /// Its value as an `i32` (the low 4 bytes of its definition).
    pub(crate) fn i32(&self) -> i32 {
        // SAFETY: as in `i64`.
        unsafe { (*self.definition.as_ptr()).val.i32 }
    }

    /// Sets it as an `i32`.
    pub(crate) fn set_i32(&self, value: i32) {
        // SAFETY: as in `set_i64`.
        unsafe { (*self.definition.as_ptr()).val.i32 = value }
    }

    /// Its address, to prefetch.
    pub(crate) fn address(&self) -> usize {
        self.definition.as_ptr() as usize
    }
}
