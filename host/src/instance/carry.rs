//! An instance's side of online change: its `plc_state_save` and `plc_state_load` exports,
//! each called on a CPU budget of its own, and the records waiting for its first poll.

use std::sync::atomic::Ordering;

use plc_abi as abi;
use wasmer::{FunctionEnv, Instance, Store, TypedFunction};

use super::{call, Live, Meter};
use crate::compiled::Compiled;
use crate::fault::Fault;
use crate::intrinsics::GuestState;
use crate::state::{Carried, Carry, Records, StateError};

/// The state exports of an instance, and what crosses through them.
pub(crate) struct Exports {
    save: Option<TypedFunction<(), ()>>,
    load: Option<TypedFunction<(), ()>>,
    /// The records its predecessor saved, for `plc_state_load` before its first poll.
    pending: Option<Records>,
    /// What the load took over, or its fault; taken by the program after the first poll.
    pub(crate) outcome: Option<Result<Carried, Fault>>,
}

impl Exports {
    pub(crate) fn of(instance: &Instance, store: &Store) -> Exports {
        let export = |name| instance.exports.get_typed_function::<(), ()>(store, name).ok();
        Exports { save: export(abi::STATE_SAVE_EXPORT), load: export(abi::STATE_LOAD_EXPORT), pending: None, outcome: None }
    }
}

impl Live {
    /// Whether it exports `plc_state_save`.
    pub(crate) fn saves_state(&self) -> bool {
        self.carry.save.is_some()
    }

    /// Whether it exports `plc_state_load`.
    pub(crate) fn loads_state(&self) -> bool {
        self.carry.load.is_some()
    }

    /// Calls `plc_state_save` on a full budget and returns the records it wrote. A fault
    /// leaves the instance unusable (a trap does not unwind a Rust guest's stack pointer).
    pub(crate) fn save(&mut self, compiled: &Compiled) -> Result<Records, StateError> {
        let Live { store, state, meter, carry, .. } = self;
        let save = carry.save.as_ref().ok_or(StateError::NotExported)?;
        let limits = compiled.limits.clone();
        meter.refill(limits.cpu_budget);
        compiled.memory_exceeded.store(false, Ordering::Relaxed);
        state.as_mut(store).carry = Carry::Saving { records: Records::default(), refused: None, limits };
        let result = call(store, meter, save, compiled, abi::STATE_SAVE_EXPORT);
        let carried = std::mem::take(&mut state.as_mut(store).carry);
        result.map_err(StateError::Fault)?;
        carried.finish_save().map_err(StateError::Refused)
    }

    /// The records handed to it that its first poll has not loaded yet: a version replaced
    /// before it ever ran passes its predecessor's state on.
    pub(crate) fn take_pending(&mut self) -> Option<Records> {
        self.carry.pending.take()
    }

    /// Hands it the records its predecessor saved: `plc_state_load` reads them before its
    /// first poll (after `_initialize` and `init`).
    pub(crate) fn take_over(&mut self, records: Records) {
        self.carry.pending = Some(records);
    }
}

/// Inside the first poll, after the initialisers: `plc_state_load` on a full budget, if
/// records wait for it. Its outcome is kept for the program; a fault ends the poll.
pub(super) fn load_pending(store: &mut Store, state: &FunctionEnv<GuestState>, meter: &Meter, carry: &mut Exports, compiled: &Compiled) -> Result<(), Fault> {
    let (Some(records), Some(load)) = (carry.pending.take(), carry.load.as_ref()) else { return Ok(()) };
    let limits = compiled.limits.clone();
    meter.refill(limits.cpu_budget);
    let read = vec![false; records.len()];
    state.as_mut(store).carry = Carry::Loading { records, read, carried: Carried::default(), limits };
    let result = call(store, meter, load, compiled, abi::STATE_LOAD_EXPORT);
    let carried = std::mem::take(&mut state.as_mut(store).carry).finish_load();
    carry.outcome = Some(result.clone().map(|()| carried));
    result
}
