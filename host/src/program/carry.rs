//! A program's state across a new version: the old instance saves it, the new one takes it
//! over before its first poll; and the state shown as records.

use plc_abi as abi;

use super::Program;
use crate::environment::Environment;
use crate::fault::Fault;
use crate::state::{Carried, Records, StateError};

impl Program {
    /// Its state now, as records: its `plc_state_save` run between two scans, on a budget of
    /// its own. A fault there faults the program as a poll's would (its outputs hold).
    pub fn state(&mut self) -> Result<Records, StateError> {
        let live = self.live.as_mut().ok_or(StateError::NotRunning)?;
        match live.save(&self.compiled) {
            Err(StateError::Fault(fault)) => {
                self.fault_outside_poll(&fault);
                Err(StateError::Fault(fault))
            }
            other => other,
        }
    }

    /// The state its module starts with, measured at load (`None` when it exports no
    /// `plc_state_save`).
    pub fn initial_state(&self) -> Option<&Records> {
        self.compiled.initial_state.as_ref()
    }

    /// What this version took over of its predecessor's state at its first poll, if it
    /// replaced one that saved its state.
    pub fn carried(&self) -> Option<&Carried> {
        self.carried.as_ref()
    }

    fn fault_outside_poll(&mut self, fault: &Fault) {
        self.live = None;
        log::error!(target: self.name(), "fault: {fault}");
        self.stats.faults += 1;
        let limits = self.compiled.limits();
        self.supervisor.faulted(fault, limits.on_fault, limits.restart_backoff_max);
    }

    /// Online change: this new version takes over the state of `old`, the version it
    /// replaces, between two scans: `old` saves it now, this one loads it before its first
    /// poll. Otherwise it starts cold, and says why when either version has state.
    pub(crate) fn take_over(&mut self, old: &mut Program) {
        let name = self.name().to_owned();
        let Some(live) = self.live.as_mut() else { return };
        let cold = |why: &str| log::info!(target: &name, "online change: the new version starts cold: {why}");
        // A version replaced before its first poll passes on the state it was handed.
        if let Some(records) = old.live.as_mut().and_then(|l| l.take_pending()) {
            if live.loads_state() {
                live.take_over(records);
            } else {
                cold(&format!("it does not export {} (the running version's state is dropped)", abi::STATE_LOAD_EXPORT));
            }
            return;
        }
        let saves = old.live.as_ref().map(|l| l.saves_state());
        match (saves, live.loads_state()) {
            (Some(true), true) => match old.live.as_mut().map(|l| l.save(&old.compiled)) {
                Some(Ok(records)) => {
                    log::debug!(target: &name, "online change: state saved: {records}");
                    live.take_over(records);
                }
                Some(Err(e)) => {
                    // A trap leaves the old instance unusable; it is dropped with its program.
                    old.live = None;
                    log::warn!(target: &name, "online change: the new version starts cold: the running version's {e}");
                }
                None => {}
            },
            (Some(true), false) => cold(&format!("it does not export {} (the running version's state is dropped)", abi::STATE_LOAD_EXPORT)),
            (Some(false), true) => cold(&format!("the running version does not export {}", abi::STATE_SAVE_EXPORT)),
            (None, true) => cold("the running version is not running (stopped or faulted)"),
            (_, false) => {}
        }
    }

    /// After a poll of a new instance that was handed state: logs what carried over, or, when
    /// `plc_state_load` faulted, logs it and polls a fresh instance instead (a cold start).
    pub(crate) fn after_load(&mut self, env: &mut dyn Environment, outcome: Result<(), Fault>) -> Result<(), Fault> {
        match self.live.as_mut().and_then(|live| live.carry.outcome.take()) {
            Some(Ok(carried)) => {
                carried.log(self.name());
                self.carried = Some(carried);
                outcome
            }
            Some(Err(fault)) => {
                log::warn!(target: self.name(), "online change: the new version starts cold: its {} faulted: {fault}", abi::STATE_LOAD_EXPORT);
                self.live = None;
                self.run_live(env)
            }
            None => outcome,
        }
    }
}
