//! The controller: programs scanned in order against one environment, and every operator
//! action on them, honoured between two scans.

use std::time::{Duration, Instant};

use crate::compiled::Compiled;
use crate::environment::{Environment, InMemoryEnvironment};
use crate::fault::Fault;
use crate::forces::Forces;
use crate::program::Program;
use crate::scheduler::CycleStats;
use crate::snapshot::{ProgramSnapshot, Snapshot};
use crate::state::Swap;
use crate::supervisor::Status;
use crate::watch::Change;

/// Why an operator action on a program was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ControlError {
    /// No program of that name.
    UnknownProgram(String),
    /// A program of that name is already loaded (names are the key of online change).
    DuplicateName(String),
    /// The new instance could not be made ready; the program stays as it was.
    Instantiation(String),
    /// No variable of that name.
    UnknownVariable(String),
    /// A value of another type than the variable's (the reason, on one line).
    BadType(String),
    /// A place outside the process image (the reason, on one line).
    AddressOutOfBounds(String),
    /// Nothing is forced at that place (named in IEC notation, or a variable's name).
    NotForced(String),
    /// The variable of that name is forced: a write would be overridden; release it first.
    Forced(String),
    /// The running version is not the one the request named (the reason, on one line).
    VersionMismatch(String),
    /// The environment cannot do it (the reason, on one line).
    Unsupported(String),
}

impl std::fmt::Display for ControlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ControlError::UnknownProgram(name) => write!(f, "no program named `{name}`"),
            ControlError::DuplicateName(name) => write!(f, "a program named `{name}` is already loaded"),
            ControlError::Instantiation(reason) => write!(f, "cannot be instantiated: {reason}"),
            ControlError::UnknownVariable(name) => write!(f, "no variable named `{name}`"),
            ControlError::NotForced(place) => write!(f, "{place} is not forced"),
            ControlError::Forced(name) => write!(f, "`{name}` is forced: release it first"),
            ControlError::BadType(reason)
            | ControlError::AddressOutOfBounds(reason)
            | ControlError::VersionMismatch(reason)
            | ControlError::Unsupported(reason) => f.write_str(reason),
        }
    }
}

impl std::error::Error for ControlError {}

/// What applying a [`Change`] from the folder watcher did.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Applied {
    /// The program was added or swapped in.
    Loaded(String),
    /// The new version was refused; `running` says whether a version of it still runs (one
    /// that is loaded but faulted or stopped does not).
    Rejected {
        /// The program's name.
        name: String,
        /// Why, on one line.
        reason: String,
        /// Whether an older version runs on.
        running: bool,
    },
    /// The program was removed (`false`: there was none of that name).
    Removed(String, bool),
}

/// Programs polled in order, once per scan, against one shared environment `E`.
pub struct Controller<E: Environment = InMemoryEnvironment> {
    programs: Vec<Program>,
    env: E,
    scans: u64,
    cycle: CycleStats,
    forces: Forces,
    /// How [`apply`](Self::apply) swaps in a new version from the folder watcher.
    swap: Swap,
}

impl<E: Environment> Controller<E> {
    /// A controller with no programs yet.
    pub fn new(env: E) -> Self {
        Controller { programs: Vec::new(), env, scans: 0, cycle: CycleStats::default(), forces: Forces::default(), swap: Swap::Warm }
    }

    /// Adds a program, polled after those added before it; refused when a program of the same
    /// name is loaded.
    pub fn add(&mut self, program: Program) -> Result<(), ControlError> {
        if self.program(program.name()).is_some() {
            return Err(ControlError::DuplicateName(program.name().to_owned()));
        }
        self.programs.push(program);
        Ok(())
    }

    /// Swaps in a program for the one of the same name (keeping its place in the scan order),
    /// or adds it. Variables live in the environment, so they survive the swap; the program's
    /// own state carries over too ([`Swap::Warm`]), field by field, when both versions export
    /// it (see [`state`](crate::state)).
    pub fn replace(&mut self, program: Program) {
        self.replace_with(program, Swap::Warm);
    }

    /// [`replace`](Self::replace), starting the new version from its initial state: the
    /// running version's state is dropped ([`Swap::Cold`]).
    pub fn replace_cold(&mut self, program: Program) {
        self.replace_with(program, Swap::Cold);
    }

    /// [`replace`](Self::replace) with the state carried over or not, as `swap` says.
    pub fn replace_with(&mut self, mut program: Program, swap: Swap) {
        match self.programs.iter_mut().find(|p| p.name() == program.name()) {
            Some(slot) => {
                match swap {
                    Swap::Warm => program.take_over(slot),
                    Swap::Cold => log::info!(target: program.name(), "online change: the new version starts cold, as asked"),
                }
                *slot = program;
            }
            None => self.programs.push(program),
        }
    }

    /// How [`apply`](Self::apply) swaps in a new version from the folder watcher: warm (the
    /// default) or cold (`plc-host run --cold-swap`).
    pub fn set_swap(&mut self, swap: Swap) {
        self.swap = swap;
    }

    /// Removes the program of that name; false if there was none.
    pub fn remove(&mut self, name: &str) -> bool {
        let before = self.programs.len();
        self.programs.retain(|p| p.name() != name);
        self.programs.len() != before
    }

    /// Stops the program of that name (its outputs hold) until it is started again.
    pub fn stop(&mut self, name: &str) -> Result<(), ControlError> {
        self.program_mut(name)?.stop();
        Ok(())
    }

    /// Starts a stopped or faulted program from a fresh instance; a running one runs on.
    pub fn start(&mut self, name: &str) -> Result<(), ControlError> {
        let program = self.program_mut(name)?;
        if program.status() == Status::Running {
            return Ok(());
        }
        program.restart().map_err(|fault| ControlError::Instantiation(fault.to_string()))
    }

    /// Restarts the program of that name from a fresh instance, as loaded.
    pub fn restart(&mut self, name: &str) -> Result<(), ControlError> {
        self.program_mut(name)?.restart().map_err(|fault| ControlError::Instantiation(fault.to_string()))
    }

    /// Applies a change from the folder watcher: instantiates and swaps in a new version,
    /// reports a refused one (the running version stays), removes a deleted one. Logs what it
    /// did.
    pub fn apply(&mut self, change: Change) -> Applied {
        let (name, reason) = match change {
            Change::Load(compiled) => match self.load(compiled) {
                Ok(name) => {
                    log::info!("online change: {name} loaded");
                    return Applied::Loaded(name);
                }
                Err(rejected) => rejected,
            },
            Change::Rejected { name, reason } => (name, reason),
            Change::Removed { name } => {
                let removed = self.remove(&name);
                if removed {
                    log::info!("online change: {name} removed");
                }
                return Applied::Removed(name, removed);
            }
        };
        let status = self.program(&name).map(Program::status);
        match status {
            Some(Status::Running) => log::warn!("online change: {name} rejected, the running version stays: {reason}"),
            Some(status) => log::warn!("online change: {name} rejected, the loaded version stays {status}: {reason}"),
            None => log::warn!("online change: {name} rejected, no version of it is loaded: {reason}"),
        }
        Applied::Rejected { name, reason, running: status == Some(Status::Running) }
    }

    /// Instantiates `compiled` and swaps it in: its name, or its name and why not.
    fn load(&mut self, compiled: Compiled) -> Result<String, (String, String)> {
        let name = compiled.name().to_owned();
        match compiled.instantiate() {
            Ok(program) => {
                self.replace_with(program, self.swap);
                Ok(name)
            }
            Err(e) => Err((name, e.to_string())),
        }
    }

    /// One scan: applies the [forces](crate::forces), polls every running program in order,
    /// and applies the forced outputs and variables again. Returns the faults of this scan,
    /// by program index; the other programs were polled regardless.
    pub fn scan(&mut self) -> Vec<(usize, Fault)> {
        self.scan_from(Instant::now()).0
    }

    /// [`scan`](Self::scan) that began at `started` (the scheduler's wake-up,
    /// [`Scheduler::woke`](crate::scheduler::Scheduler::woke)). The clock is read once after
    /// each program, which ends one poll's time and starts the next one's. Returns the faults
    /// and when the last program ended ([`Scheduler::done_at`](crate::scheduler::Scheduler::done_at)).
    pub fn scan_from(&mut self, started: Instant) -> (Vec<(usize, Fault)>, Instant) {
        self.scans += 1;
        let env = &mut self.env;
        self.forces.before_scan(env);
        let mut clock = started;
        let mut faults = Vec::new();
        // The misses of a program's first lines overlap with the work of the program before
        // it (`Program::prefetch`): after the scan thread slept, they come from memory.
        if let Some(second) = self.programs.get(1) {
            crate::prefetch::value(second);
        }
        for i in 0..self.programs.len() {
            // Two programs ahead: the program itself; the next one: what it points to.
            if let Some(after) = self.programs.get(i + 2) {
                crate::prefetch::value(after);
            }
            if let Some(next) = self.programs.get(i + 1) {
                next.prefetch();
            }
            let (outcome, ended) = self.programs[i].poll_from(env, clock);
            clock = ended;
            if let Err(fault) = outcome {
                faults.push((i, fault));
            }
        }
        self.forces.after_scan(env);
        (faults, clock)
    }

    /// Asks the caches for what each program's next poll touches first, in scan order, and
    /// stops at `until` whatever it has done: the warm-up before a scan
    /// ([`Scheduler::wait_warming`](crate::scheduler::Scheduler::wait_warming)). Returns
    /// whether it got through every program. It only prefetches: it reads no program's memory
    /// and changes nothing.
    pub fn warm_up(&self, until: Instant) -> bool {
        /// Programs whose own structs are asked for ahead of their lines.
        const AHEAD: usize = 8;
        /// Programs between two looks at the clock.
        const CHECK_EVERY: usize = 32;
        for program in self.programs.iter().take(AHEAD) {
            crate::prefetch::value(program);
        }
        for (i, program) in self.programs.iter().enumerate() {
            if let Some(ahead) = self.programs.get(i + AHEAD) {
                crate::prefetch::value(ahead);
            }
            program.prefetch();
            if i % CHECK_EVERY == CHECK_EVERY - 1 && Instant::now() >= until {
                return false;
            }
        }
        true
    }

    /// Ends the run: every program whose outputs policy is
    /// [`OutputsOnFault::Zero`](crate::OutputsOnFault::Zero) puts its outputs in that safe
    /// state; the others hold theirs.
    pub fn shutdown(&mut self) {
        for program in &self.programs {
            program.safe_outputs(&mut self.env);
        }
    }

    /// Completed scans.
    pub fn scans(&self) -> u64 {
        self.scans
    }

    /// The programs, in scan order.
    pub fn programs(&self) -> &[Program] {
        &self.programs
    }

    /// The program of that name.
    pub fn program(&self, name: &str) -> Option<&Program> {
        self.programs.iter().find(|p| p.name() == name)
    }

    pub(crate) fn forces_table(&self) -> &Forces {
        &self.forces
    }

    pub(crate) fn forces_and_env(&mut self) -> (&mut Forces, &mut dyn Environment) {
        (&mut self.forces, &mut self.env)
    }

    fn program_mut(&mut self, name: &str) -> Result<&mut Program, ControlError> {
        self.programs.iter_mut().find(|p| p.name() == name).ok_or_else(|| ControlError::UnknownProgram(name.to_owned()))
    }

    /// The state of the program of that name now, as records ([`Program::state`]), between
    /// two scans.
    pub fn state(&mut self, name: &str) -> Result<crate::state::Records, ControlError> {
        self.program_mut(name)?.state().map_err(|e| ControlError::Unsupported(format!("`{name}` has no state to show: {e}")))
    }

    /// Takes the scheduler's statistics, for the snapshots: call it after each scan.
    pub fn record_cycle(&mut self, stats: &CycleStats) {
        self.cycle = *stats;
    }

    /// The environment.
    pub fn env(&self) -> &E {
        &self.env
    }

    /// The environment, to change between scans (inputs, the clock).
    pub fn env_mut(&mut self) -> &mut E {
        &mut self.env
    }

    /// What an observer sees now: the programs, the images and the variables.
    pub fn snapshot(&self, elapsed: Duration) -> Snapshot {
        let image = |len: usize, read: &dyn Fn(&mut [u8]) -> bool| {
            let mut bytes = vec![0; len];
            if read(&mut bytes) { bytes } else { Vec::new() }
        };
        let env = &self.env;
        let mut variables = Vec::new();
        env.for_each_variable(&mut |name, value| variables.push((name.to_owned(), value)));
        Snapshot {
            scans: self.scans,
            elapsed,
            programs: self.programs.iter().map(ProgramSnapshot::of).collect(),
            inputs: image(env.input_len(), &|b| env.read_input(0, b).is_ok()),
            outputs: image(env.output_len(), &|b| env.read_output(0, b).is_ok()),
            variables,
            forces: self.forces.list(),
            cycle: self.cycle,
        }
    }
}
