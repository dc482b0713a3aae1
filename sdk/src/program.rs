//! What `#[plc_program]` expands to relies on: the program's state between scans.
//! Not a public API: use the attribute.

pub use crate::abi::ABI_VERSION;

/// The state of a `#[plc_program] fn name(state: &mut S)`, created with `Default` on the first
/// scan and kept between scans.
///
/// On the controller (wasm32) it lives in the program's memory; in native tests it lives in
/// the simulated controller of the test's thread, so a new [`crate::sim::Simulator`] starts
/// every test from `Default`.
pub struct ProgramState<S: Default + 'static> {
    #[cfg(all(target_arch = "wasm32", not(test)))]
    cell: wasm::Cell<S>,
    #[cfg(not(all(target_arch = "wasm32", not(test))))]
    _state: core::marker::PhantomData<fn(S)>,
}

impl<S: Default + 'static> ProgramState<S> {
    /// An empty slot; usable in a `static`.
    pub const fn new() -> Self {
        ProgramState {
            #[cfg(all(target_arch = "wasm32", not(test)))]
            cell: wasm::Cell::new(),
            #[cfg(not(all(target_arch = "wasm32", not(test))))]
            _state: core::marker::PhantomData,
        }
    }

    /// Runs one scan of `program` on the state.
    pub fn scan(&self, program: impl FnOnce(&mut S)) {
        #[cfg(all(target_arch = "wasm32", not(test)))]
        self.cell.with(program);
        #[cfg(not(all(target_arch = "wasm32", not(test))))]
        crate::sim::with_state(program);
    }
}

impl<S: Default + 'static> Default for ProgramState<S> {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(all(target_arch = "wasm32", not(test)))]
mod wasm {
    use core::cell::{Cell as Flag, UnsafeCell};

    #[cfg(target_feature = "atomics")]
    compile_error!("plc-sdk programs are single-threaded: build without the `atomics` target feature");

    pub struct Cell<S> {
        busy: Flag<bool>,
        value: UnsafeCell<Option<S>>,
    }

    // SAFETY: without the `atomics` target feature (refused above) a wasm32 module has exactly
    // one thread, so the cell is never reached from two threads.
    unsafe impl<S> Sync for Cell<S> {}

    impl<S: Default> Cell<S> {
        pub const fn new() -> Self {
            Cell { busy: Flag::new(false), value: UnsafeCell::new(None) }
        }

        pub fn with(&self, f: impl FnOnce(&mut S)) {
            // A poll re-entered from inside itself (impossible through the ABI) does nothing.
            if self.busy.replace(true) {
                return;
            }
            // SAFETY: one thread, and the `busy` flag rules out a second borrow while this
            // one lives, so this is the only reference to the value.
            let value = unsafe { &mut *self.value.get() };
            f(value.get_or_insert_with(S::default));
            self.busy.set(false);
        }
    }
}
