//! Where the data a poll touches first lies, taken every [`HOT_POLLS`] polls: only addresses,
//! for [`Live::prefetch`](super::Live::prefetch) to ask the caches for while the program
//! before runs, and in the warm-up before a scan
//! ([`Controller::warm_up`](crate::Controller::warm_up)).

use std::any::Any;

use wasmer::sys::vm::{StoreObject, VMFunction, VMFunctionEnvironment};
use wasmer::sys::NativeEngineExt;
use wasmer::{AsStoreMut, FunctionEnv, Store};

use crate::image::MemoryImage;
use crate::intrinsics::GuestState;
use crate::tunables::GuestMemory;

use super::Meter;

/// How many polls a [`Hot`] is kept before it is taken again: the buffers move only when they
/// grow and the memory when it grows, and a stale address only makes a prefetch useless.
pub(super) const HOT_POLLS: u32 = 64;

/// The bytes of a `VMContext` before and after its memory's definition that a poll touches:
/// the imported functions and the functions' references before it, the globals after it.
const VMCTX_BEFORE: usize = 512;
const VMCTX_AFTER: usize = 256;

/// The functions of a store whose objects a poll reads: the few a program imports, `poll`
/// and the other exports.
const FUNCTIONS: usize = 8;

/// At most this many lines: the tunables, two per function, six buffers of the transaction,
/// four of the image, the meter.
const LINES: usize = 1 + 2 * FUNCTIONS + 6 + 4 + 1;

/// Ranges and lines a poll reads first, in the order it reads them; kept inline, in the
/// program's own struct, which the scan prefetches first.
#[derive(Debug, Default)]
pub(super) struct Hot {
    /// The store's objects; its functions and functions' environments; the host functions'
    /// state; the instance's `VMContext` around its memory's definition.
    ranges: [(usize, usize); 5],
    /// One line each: the tunables a call reads its stack size from, each function's
    /// reference and host data, the buffers of the transaction and the image, the image in
    /// the guest's memory, the meter's points.
    lines: Lines,
}

/// Up to [`LINES`] addresses.
#[derive(Debug, Default)]
struct Lines {
    at: [usize; LINES],
    len: usize,
}

impl Lines {
    fn push(&mut self, address: usize) {
        if let Some(slot) = self.at.get_mut(self.len) {
            *slot = address;
            self.len += 1;
        }
    }

    fn extend(&mut self, addresses: impl IntoIterator<Item = usize>) {
        addresses.into_iter().for_each(|a| self.push(a));
    }

    fn as_slice(&self) -> &[usize] {
        &self.at[..self.len]
    }
}

impl Hot {
    /// The addresses of one instance's hot data, now.
    pub(super) fn take(store: &mut Store, state: &FunctionEnv<GuestState>, memory: &GuestMemory, image: Option<&MemoryImage>, meter: &Meter) -> Hot {
        let mut lines = Lines::default();
        lines.push(store.engine().tunables() as *const _ as *const () as usize);
        let objects = store.objects_mut();
        let store_objects = (objects as *mut _ as usize, std::mem::size_of_val(objects));
        let objects = objects.as_sys();
        let functions = VMFunction::list(objects);
        let environments = VMFunctionEnvironment::list(objects);
        for function in functions.iter().take(FUNCTIONS) {
            lines.push(function.anyfunc.as_ptr().as_ptr() as usize);
            lines.push(&*function.host_data as *const dyn Any as *const () as usize);
        }
        let ranges_of = |len: usize, size: usize, at: usize| (at, len.min(FUNCTIONS) * size);
        let functions = ranges_of(functions.len(), std::mem::size_of::<VMFunction>(), functions.as_ptr() as usize);
        let environments = ranges_of(environments.len(), std::mem::size_of::<VMFunctionEnvironment>(), environments.as_ptr() as usize);
        let guest = state.as_ref(store);
        let tx = &guest.tx;
        lines.extend([
            tx.outputs.bytes.as_ptr() as usize,
            tx.outputs.mask_address(),
            tx.scratch.as_ptr() as usize,
            tx.handles.address(),
            tx.handles.first_name_address(),
            tx.variables.address(),
        ]);
        let (base, definition) = memory.addresses();
        if let Some(image) = image {
            lines.extend(image.addresses(base));
        }
        lines.push(meter.remaining.address());
        let vmctx = definition.saturating_sub(VMCTX_BEFORE);
        let state = (guest as *const GuestState as usize, std::mem::size_of::<GuestState>());
        Hot { ranges: [store_objects, functions, environments, state, (vmctx, VMCTX_BEFORE + VMCTX_AFTER)], lines }
    }

    /// Asks the caches for all of it.
    pub(super) fn prefetch(&self) {
        for &(at, bytes) in &self.ranges {
            crate::prefetch::range(at, bytes);
        }
        for &line in self.lines.as_slice() {
            crate::prefetch::line(line);
        }
    }
}
