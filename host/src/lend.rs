//! The environment lent to a program's store for the length of one poll.
//!
//! The host functions run inside wasmer's store, which keeps their state for the life of the
//! instance; the environment belongs to the caller of [`Program::poll`](crate::Program::poll)
//! and is shared by every program. So the poll lends it: the state holds a pointer to it while
//! the poll's calls run, and the host functions reach it through [`Lent::get`]. One of the
//! modules of the host with `unsafe`, with `tunables.rs` and `prefetch.rs`.
#![allow(unsafe_code)]

use std::ptr::NonNull;

use crate::environment::Environment;

/// An environment lent for the calls of one poll, or none.
#[derive(Debug, Default)]
pub(crate) struct Lent(Option<NonNull<dyn Environment>>);

// SAFETY: the pointer is only dereferenced in `get`, by host functions, which wasmer runs on
// the thread that called into the instance, while `lend`'s caller holds the `&mut` it came from.
unsafe impl Send for Lent {}

impl Lent {
    /// Runs `calls` (the poll's calls into the instance, whose host functions reach `env`
    /// through [`get`](Self::get)) with `env` lent; `slot` gives the `Lent` of the instance's
    /// state out of what `calls` is handed.
    pub(crate) fn during<S, R>(
        store: &mut S,
        slot: impl Fn(&mut S) -> &mut Lent,
        env: &mut (dyn Environment + 'static),
        calls: impl FnOnce(&mut S) -> R,
    ) -> R {
        /// Takes the pointer back even if `calls` unwinds.
        struct Return<'a, S, F: Fn(&mut S) -> &mut Lent>(&'a mut S, F);
        impl<S, F: Fn(&mut S) -> &mut Lent> Drop for Return<'_, S, F> {
            fn drop(&mut self) {
                (self.1)(self.0).0 = None;
            }
        }
        slot(store).0 = Some(NonNull::from(env));
        let guard = Return(store, slot);
        calls(&mut *guard.0)
    }

    /// The lent environment, while a poll runs.
    pub(crate) fn get(&mut self) -> Option<&mut dyn Environment> {
        // SAFETY: set only by `during` from a `&mut` that outlives the calls it makes, and reset
        // before `during` returns or unwinds: while it is set, the environment is borrowed
        // for these calls and nothing else touches it. `&mut self` keeps the borrow unique.
        self.0.map(|pointer| unsafe { &mut *pointer.as_ptr() })
    }
}
