//! A loaded PLC program: its compiled module, at most one live instance, its supervisor and
//! its statistics; polled as a transaction, faulted and restarted.

use std::fmt;
use std::time::{Duration, Instant};

use crate::compiled::{Compiled, LoadError};
use crate::environment::Environment;
use crate::fault::Fault;
use crate::instance::Live;
use crate::limits::{Limits, OutputsOnFault};
use crate::stats::ProgramStats;
use crate::supervisor::{Status, Supervisor};
use crate::transaction::OwnedOutputs;

mod carry;

/// A PLC program: one wasm module (shared with the programs of the same bytes, compiler and
/// budget; its store made with tunables of its own), its limits, at most one live instance,
/// and what the controller knows of it.
pub struct Program {
    compiled: Compiled,
    live: Option<Live>,
    supervisor: Supervisor,
    stats: ProgramStats,
    /// The output bits it changed: what goes to 0 on a fault under [`OutputsOnFault::Zero`].
    owned: OwnedOutputs,
    /// What it took over of its predecessor's state.
    carried: Option<crate::state::Carried>,
}

impl fmt::Debug for Program {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Program")
            .field("name", &self.name())
            .field("status", &self.status())
            .field("stats", &self.stats)
            .finish_non_exhaustive()
    }
}

impl Program {
    /// Compiles `wasm` (binary, or text for fixtures), checks it against the ABI and the
    /// limits, and instantiates it once so that a trapping start function is caught now.
    pub fn new(name: impl Into<String>, wasm: &[u8], limits: Limits) -> Result<Program, LoadError> {
        Compiled::new(name, wasm, limits)?.instantiate()
    }

    /// The program from a compiled module, with its first instance.
    pub(crate) fn from_compiled(compiled: Compiled) -> Result<Program, Fault> {
        let live = Live::new(&compiled)?;
        Ok(Program {
            compiled,
            live: Some(live),
            supervisor: Supervisor::new(),
            stats: ProgramStats::default(),
            owned: OwnedOutputs::default(),
            carried: None,
        })
    }

    /// Asks the caches for what its next poll will touch first ([`crate::prefetch`]), beyond
    /// the program itself.
    pub(crate) fn prefetch(&self) {
        crate::prefetch::line(std::sync::Arc::as_ptr(&self.compiled.memory_exceeded) as usize);
        if let Some(live) = &self.live {
            live.prefetch();
        }
    }

    /// The program's name: the target of its log messages.
    pub fn name(&self) -> &str {
        self.compiled.name()
    }

    /// Where it stands.
    pub fn status(&self) -> Status {
        self.supervisor.status
    }

    /// Its limits.
    pub fn limits(&self) -> &Limits {
        self.compiled.limits()
    }

    /// The retained variables it declares (its `plc.retained` custom section).
    pub fn retained(&self) -> &[crate::retain::Declared] {
        self.compiled.retained()
    }

    /// The SHA-256 of its module's bytes.
    pub fn sha256(&self) -> &[u8; 32] {
        self.compiled.sha256()
    }

    /// Its statistics.
    pub fn stats(&self) -> &ProgramStats {
        &self.stats
    }

    /// Completed polls.
    pub fn polls(&self) -> u64 {
        self.stats.polls
    }

    /// Faults so far.
    pub fn faults(&self) -> u64 {
        self.stats.faults
    }

    /// Errors the program reported so far ([`ProgramStats::errors`]).
    pub fn errors(&self) -> u64 {
        self.stats.errors
    }

    /// The last fault, if any.
    pub fn last_fault(&self) -> Option<&Fault> {
        self.supervisor.last_fault.as_ref()
    }

    /// How long the last poll took (wall time, `init` included).
    pub fn last_poll_time(&self) -> Duration {
        self.stats.last_poll
    }

    /// The longest poll so far.
    pub fn max_poll_time(&self) -> Duration {
        self.stats.max_poll
    }

    /// Stops polling it until [`restart`](Self::restart); its instance is dropped.
    pub fn stop(&mut self) {
        self.supervisor.stopped();
        self.live = None;
    }

    /// Runs it again from a fresh instance, as loaded, with no backoff.
    pub fn restart(&mut self) -> Result<(), Fault> {
        self.live = None;
        self.live = Some(Live::new(&self.compiled)?);
        self.supervisor.started();
        Ok(())
    }

    /// Runs one poll against `env`: reads the clock, calls `_initialize` and `init` first on a new
    /// instance (those it exports), then `poll`, and publishes the staged outputs and variables
    /// only if nothing faulted.
    ///
    /// A program that is not [`Status::Running`] is skipped (`Ok`). On a fault the instance is
    /// discarded, the fault is returned and the policies apply: the outputs hold or go to zero
    /// ([`OutputsOnFault`]); [`FaultPolicy::Stop`](crate::FaultPolicy::Stop) leaves the program
    /// [`Status::Faulted`], [`FaultPolicy::Restart`](crate::FaultPolicy::Restart) polls a fresh
    /// instance after its backoff (skipped polls count as `Ok`).
    pub fn poll(&mut self, env: &mut impl Environment) -> Result<(), Fault> {
        self.poll_dyn(env)
    }

    /// [`poll`](Self::poll) for an environment behind a `dyn`.
    pub fn poll_dyn(&mut self, env: &mut dyn Environment) -> Result<(), Fault> {
        self.poll_from(env, Instant::now()).0
    }

    /// [`poll`](Self::poll) that began at `started`, the clock read just before it: the end of
    /// the poll before it in a scan. Returns the outcome and when the poll ended (`started`
    /// when it was skipped), so that a scan reads the clock once per program.
    pub(crate) fn poll_from(&mut self, env: &mut dyn Environment, started: Instant) -> (Result<(), Fault>, Instant) {
        if !self.supervisor.ready() {
            return (Ok(()), started);
        }
        let outcome = self.run_live(env);
        let outcome = self.after_load(env, outcome);
        let ended = Instant::now();
        self.stats.polled(ended.saturating_duration_since(started));
        let outcome = match outcome {
            Ok(()) => {
                self.stats.polls += 1;
                self.supervisor.succeeded();
                Ok(())
            }
            Err(fault) => {
                // A trap leaves the guest's shadow stack unwound: never reuse the instance.
                self.live = None;
                log::error!(target: self.name(), "fault: {fault}");
                self.stats.faults += 1;
                self.safe_outputs(env);
                let limits = self.compiled.limits();
                self.supervisor.faulted(&fault, limits.on_fault, limits.restart_backoff_max);
                Err(fault)
            }
        };
        (outcome, ended)
    }

    /// One poll of the live instance, or of a fresh one.
    fn run_live(&mut self, env: &mut dyn Environment) -> Result<(), Fault> {
        match &mut self.live {
            Some(live) => live.run(env, &self.compiled, &mut self.owned, &mut self.stats.errors),
            None => Live::new(&self.compiled)
                .and_then(|live| self.live.insert(live).run(env, &self.compiled, &mut self.owned, &mut self.stats.errors)),
        }
    }

    /// Puts the program's outputs in their safe state: the bits it changed go to zero under
    /// [`OutputsOnFault::Zero`], everything stays under [`OutputsOnFault::Hold`].
    pub fn safe_outputs(&self, env: &mut dyn Environment) {
        if self.limits().outputs_on_fault == OutputsOnFault::Zero {
            self.owned.zero(env);
        }
    }
}
