//! A program's memory reserved for its maximum and grown in place ([`ReservedMemory`]).

use std::cell::UnsafeCell;
use std::ptr::NonNull;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use wasmer::sys::vm::{LinearMemory, MemoryError, MemoryStyle, Mmap, MmapType, VMMemoryDefinition};
use wasmer::{MemoryType, Pages};

/// The guard after a memory's reservation: an access at most this far past its end faults
/// without a bounds check of its own (the compiled code relies on it for constant offsets).
pub(super) const GUARD_BYTES: usize = 0x1_0000;

/// A small memory (its minimum at most this) is reserved first for its minimum and
/// [`SPARE_BYTES`] more: many small memories then lie close together and share their page
/// tables. One that grows past that moves once, to a reservation of its maximum.
const COMPACT_UP_TO: usize = 1 << 20;
/// The room a small memory has to grow in before it moves.
const SPARE_BYTES: usize = 2 << 16;

/// A program's memory: its address space reserved for its maximum (which the tunables cap at
/// the limit) and a guard, and made accessible page by page as it grows, so that one
/// `memory.grow` costs one `mprotect` whatever the program does. (A memory that moved to a
/// mapping of its new size on every grow, as wasmer's own dynamic memories do, copied itself
/// on every page it grew by: 1.3 s for a loop growing one page at a time to 16 MiB.) A small
/// memory is reserved smaller first ([`COMPACT_UP_TO`]) and moves at most once, copying at
/// most 1.125 MiB. A refused `memory.grow` raises the flag.
#[derive(Debug)]
pub(super) struct ReservedMemory {
    mmap: Mmap,
    size: Pages,
    maximum: Pages,
    /// Its definition, which the compiled code reads: in the `VMContext` of the instance that
    /// defines the memory, or in `owned`.
    definition: NonNull<VMMemoryDefinition>,
    /// The definition of a memory made by the host rather than by an instance.
    owned: Option<Box<UnsafeCell<VMMemoryDefinition>>>,
    exceeded: Arc<AtomicBool>,
}

// SAFETY: the definition is plain data of the instance that owns this memory and moves with
// it, inside one store; programs' memories are never shared (`validate`).
unsafe impl Send for ReservedMemory {}
// SAFETY: as for `Send`: nothing in it is reached from two threads at once.
unsafe impl Sync for ReservedMemory {}

impl ReservedMemory {
    /// Reserves a memory of type `ty` (its maximum set) and writes its definition.
    ///
    /// # Safety
    /// `definition` must point to a valid, owned `VMMemoryDefinition` that outlives the memory
    /// (the `VMContext` of the instance it is made for).
    pub(super) unsafe fn new(ty: &MemoryType, definition: NonNull<VMMemoryDefinition>, exceeded: Arc<AtomicBool>) -> Result<Self, MemoryError> {
        let maximum = ty.maximum.unwrap_or(Pages::max_value());
        let reserved = maximum.bytes().0.checked_add(GUARD_BYTES).ok_or(MemoryError::MaximumMemoryTooLarge {
            max_requested: maximum,
            max_allowed: Pages::max_value(),
        })?;
        let accessible = ty.minimum.bytes().0;
        let first = match accessible <= COMPACT_UP_TO {
            true => (accessible + SPARE_BYTES).min(maximum.bytes().0) + GUARD_BYTES,
            false => reserved,
        };
        let mut mmap = Mmap::accessible_reserved(accessible, first, None, MmapType::Private).map_err(MemoryError::Region)?;
        let base = mmap.as_mut_ptr();
        // SAFETY: the caller's guarantee: `definition` is valid for writes.
        unsafe { definition.as_ptr().write(VMMemoryDefinition { base, current_length: accessible }) };
        Ok(ReservedMemory { mmap, size: ty.minimum, maximum, definition, owned: None, exceeded })
    }

    /// Reserves a memory of type `ty` that holds its own definition (one the host makes).
    pub(super) fn owning(ty: &MemoryType, exceeded: Arc<AtomicBool>) -> Result<Self, MemoryError> {
        let owned = Box::new(UnsafeCell::new(VMMemoryDefinition { base: std::ptr::null_mut(), current_length: 0 }));
        let definition = NonNull::new(owned.get()).ok_or_else(|| MemoryError::Generic("no memory definition".into()))?;
        // SAFETY: the definition is in a box the memory keeps: it lives as long as the memory.
        let mut memory = unsafe { Self::new(ty, definition, exceeded) }?;
        memory.owned = Some(owned);
        Ok(memory)
    }

    fn refuse(&self, delta: Pages) -> MemoryError {
        self.exceeded.store(true, Ordering::Relaxed);
        MemoryError::CouldNotGrow { current: self.size, attempted_delta: delta }
    }
}

impl LinearMemory for ReservedMemory {
    fn ty(&self) -> MemoryType {
        MemoryType { minimum: self.size, maximum: Some(self.maximum), shared: false }
    }

    fn size(&self) -> Pages {
        self.size
    }

    fn style(&self) -> MemoryStyle {
        MemoryStyle::Dynamic { offset_guard_size: GUARD_BYTES as u64 }
    }

    fn grow(&mut self, delta: Pages) -> Result<Pages, MemoryError> {
        let previous = self.size;
        if delta.0 == 0 {
            return Ok(previous);
        }
        let Some(size) = previous.checked_add(delta).filter(|size| *size <= self.maximum) else { return Err(self.refuse(delta)) };
        let (before, after) = (previous.bytes().0, size.bytes().0);
        if after <= self.mmap.len() - GUARD_BYTES {
            if self.mmap.make_accessible(before, after - before).is_err() {
                return Err(self.refuse(delta));
            }
        } else {
            // A small memory outgrew its first reservation: once, to one of its maximum.
            let Ok(mut moved) = Mmap::accessible_reserved(after, self.maximum.bytes().0 + GUARD_BYTES, None, MmapType::Private) else {
                return Err(self.refuse(delta));
            };
            // SAFETY: the first `before` bytes of both mappings are accessible, and the two
            // mappings are distinct.
            unsafe { std::ptr::copy_nonoverlapping(self.mmap.as_ptr(), moved.as_mut_ptr(), before) };
            self.mmap = moved;
        }
        self.size = size;
        let base = self.mmap.as_mut_ptr();
        // SAFETY: the definition outlives the memory (`new`), and no wasm runs while the
        // memory grows but the `memory.grow` that asked for it, which reads it after.
        unsafe { self.definition.as_ptr().write(VMMemoryDefinition { base, current_length: after }) };
        Ok(previous)
    }

    fn vmmemory(&self) -> NonNull<VMMemoryDefinition> {
        self.definition
    }

    fn try_clone(&self) -> Result<Box<dyn LinearMemory + Send + Sync + 'static>, MemoryError> {
        Err(MemoryError::MemoryNotShared)
    }

    fn copy(&self) -> Result<Box<dyn LinearMemory + Send + Sync + 'static>, MemoryError> {
        Err(MemoryError::Generic("a program's memory is not copied".into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tunables::guest::OutOfBounds;
    use crate::tunables::GuestMemory;

    /// A small memory grows page by page to its maximum: its base moves once, when it outgrows
    /// its first reservation (its minimum and two pages), and never again; what it held moves
    /// with it, each new page is there to write, and a page more is refused with the flag
    /// raised.
    #[test]
    fn a_reserved_memory_grows_in_place_to_its_maximum_and_no_further() {
        let mut definition = Box::new(VMMemoryDefinition { base: std::ptr::null_mut(), current_length: 0 });
        let exceeded = Arc::new(AtomicBool::new(false));
        let ty = MemoryType { minimum: Pages(1), maximum: Some(Pages(64)), shared: false };
        // SAFETY: the definition is a box that outlives the memory.
        let mut memory = unsafe { ReservedMemory::new(&ty, NonNull::from(&mut *definition), exceeded.clone()) }.unwrap();
        let first = definition.base;
        assert_eq!(definition.current_length, 1 << 16);
        let mut bases = vec![first];
        for page in 1..64u32 {
            assert_eq!(memory.grow(Pages(1)).unwrap(), Pages(page));
            assert_eq!(definition.current_length, (page as usize + 1) << 16);
            if bases.last() != Some(&definition.base) {
                bases.push(definition.base);
            }
            let guest = GuestMemory { definition: NonNull::from(&mut *definition) };
            for earlier in 1..=page {
                let mut held = [0];
                guest.read(u64::from(earlier - 1) << 16, &mut held).unwrap();
                assert_eq!(held, [if earlier == 1 { 0 } else { (earlier - 1) as u8 }], "page {earlier} kept after growing to {page}");
            }
            guest.write(u64::from(page) << 16, &[page as u8]).unwrap();
            let mut back = [0];
            guest.read(u64::from(page) << 16, &mut back).unwrap();
            assert_eq!(back, [page as u8]);
            assert_eq!(guest.read(guest.data_size(), &mut back), Err(OutOfBounds), "past the end");
        }
        assert_eq!(bases.len(), 2, "moved once, at page 4: {bases:?}");
        assert_eq!(memory.grow(Pages(0)).unwrap(), Pages(64));
        assert!(!exceeded.load(Ordering::Relaxed));
        assert!(memory.grow(Pages(1)).is_err(), "past the maximum");
        assert!(exceeded.load(Ordering::Relaxed));
        assert_eq!((memory.size(), definition.current_length), (Pages(64), 64 << 16));
    }

    /// A memory the host makes holds its own definition and grows in the same way.
    #[test]
    fn a_memory_the_host_makes_holds_its_definition() {
        let exceeded = Arc::new(AtomicBool::new(false));
        let ty = MemoryType { minimum: Pages(2), maximum: Some(Pages(8)), shared: false };
        let mut memory = ReservedMemory::owning(&ty, exceeded.clone()).unwrap();
        assert_eq!(memory.grow(Pages(6)).unwrap(), Pages(2));
        let guest = GuestMemory { definition: memory.vmmemory() };
        assert_eq!(guest.data_size(), 8 << 16);
        guest.write((8 << 16) - 1, &[7]).unwrap();
        assert!(memory.grow(Pages(1)).is_err() && exceeded.load(Ordering::Relaxed), "past the maximum");
    }
}
