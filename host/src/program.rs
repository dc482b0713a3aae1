//! A loaded PLC program: compiled, checked, instantiated, polled, faulted and restarted.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::fmt;
use std::time::{Duration, Instant};

use plc_sdk::abi;
use wasmer::{Engine, Extern, FunctionEnv, Global, Instance, InstantiationError, Module, Store, TypedFunction, Value};

use crate::environment::Environment;
use crate::fault::{Fault, FaultKind};
use crate::intrinsics::{self, GuestState, OwnedOutputs};
use crate::engine::{compile, engine};
use crate::limits::{FaultPolicy, Limits, OutputsOnFault};
use crate::metering::{POINTS_EXHAUSTED, REMAINING_POINTS};
use crate::validate::{validate, Problem};

/// Where a program stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Polled every scan.
    Running,
    /// Stopped by a fault; see [`Program::last_fault`].
    Faulted,
    /// Stopped on purpose ([`Program::stop`]).
    Stopped,
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Status::Running => "running",
            Status::Faulted => "faulted",
            Status::Stopped => "stopped",
        })
    }
}

/// Why a module could not become a program.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoadError {
    /// Not WebAssembly (or WAT) that compiles.
    Compile(String),
    /// A valid module, but not a valid program for this host.
    Invalid(Vec<Problem>),
    /// Its start function, its `plc_abi_version` or its memory failed at instantiation.
    Instantiate(Fault),
}

impl LoadError {
    /// One line per problem.
    pub fn lines(&self) -> Vec<String> {
        match self {
            LoadError::Compile(e) => vec![e.clone()],
            LoadError::Invalid(problems) => problems.iter().map(ToString::to_string).collect(),
            LoadError::Instantiate(fault) => vec![format!("cannot be instantiated: {fault}")],
        }
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.lines().join("; "))
    }
}

impl std::error::Error for LoadError {}

/// The CPU budget of one instance.
struct Meter {
    remaining: Global,
    exhausted: Global,
}

impl Meter {
    fn of(instance: &Instance) -> Result<Meter, Fault> {
        let global = |name: &str| {
            instance.exports.get_global(name).cloned().map_err(|e| Fault::new(FaultKind::Instantiation, format!("metering: {e}")))
        };
        Ok(Meter { remaining: global(REMAINING_POINTS)?, exhausted: global(POINTS_EXHAUSTED)? })
    }

    fn refill(&self, store: &mut Store, points: u64) -> Result<(), Fault> {
        let points = Value::I64(i64::try_from(points).unwrap_or(i64::MAX));
        self.remaining
            .set(store, points)
            .and_then(|()| self.exhausted.set(store, Value::I32(0)))
            .map_err(|e| Fault::new(FaultKind::Instantiation, format!("metering: {e}")))
    }

    fn exhausted(&self, store: &mut Store) -> bool {
        matches!(self.exhausted.get(store), Value::I32(flag) if flag > 0)
    }
}

/// A running instance and what the host needs to call it.
struct Live {
    store: Store,
    env: FunctionEnv<GuestState>,
    meter: Meter,
    poll: TypedFunction<(), ()>,
    /// `_initialize` and `init` (those exported), until the first poll has called them.
    init: Vec<(&'static str, TypedFunction<(), ()>)>,
}

/// A PLC program: one wasm module, its own engine (metering serves one module), its limits and
/// at most one live instance.
pub struct Program {
    name: Arc<str>,
    engine: Engine,
    module: Module,
    limits: Limits,
    memory_exceeded: Arc<AtomicBool>,
    live: Option<Live>,
    status: Status,
    polls: u64,
    faults: u64,
    last_fault: Option<Fault>,
    /// Faults since the last good poll, and polls still to sit out before a restart.
    faults_in_a_row: u32,
    backoff: u32,
    owned: OwnedOutputs,
    last_poll: Duration,
    max_poll: Duration,
}

impl fmt::Debug for Program {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Program")
            .field("name", &self.name)
            .field("status", &self.status)
            .field("polls", &self.polls)
            .field("faults", &self.faults)
            .finish_non_exhaustive()
    }
}

/// A program compiled and checked, not yet instantiated. Unlike a [`Program`] it can cross
/// threads: compile on one (milliseconds), instantiate on the scan thread (microseconds).
pub struct Compiled {
    name: Arc<str>,
    engine: Engine,
    module: Module,
    limits: Limits,
    memory_exceeded: Arc<AtomicBool>,
}

impl Compiled {
    /// Compiles `wasm` (binary, or text for fixtures) and checks it against the ABI and the limits.
    pub fn new(name: impl Into<String>, wasm: &[u8], limits: Limits) -> Result<Compiled, LoadError> {
        let memory_exceeded = Arc::new(AtomicBool::new(false));
        let engine = engine(&limits, memory_exceeded.clone());
        let module = compile(&engine, wasm, &limits)?;
        let problems = validate(&module, &limits);
        if !problems.is_empty() {
            return Err(LoadError::Invalid(problems));
        }
        Ok(Compiled { name: Arc::from(name.into()), engine, module, limits, memory_exceeded })
    }

    /// The program's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Instantiates it once, so that a trapping start function is caught now.
    pub fn instantiate(self) -> Result<Program, LoadError> {
        let Compiled { name, engine, module, limits, memory_exceeded } = self;
        let mut program = Program {
            name,
            engine,
            module,
            limits,
            memory_exceeded,
            live: None,
            status: Status::Running,
            polls: 0,
            faults: 0,
            last_fault: None,
            faults_in_a_row: 0,
            backoff: 0,
            owned: OwnedOutputs::default(),
            last_poll: Duration::ZERO,
            max_poll: Duration::ZERO,
        };
        program.live = Some(program.instantiate().map_err(LoadError::Instantiate)?);
        Ok(program)
    }
}

impl Program {
    /// Compiles `wasm` (binary, or text for fixtures), checks it against the ABI and the
    /// limits, and instantiates it once so that a trapping start function is caught now.
    pub fn new(name: impl Into<String>, wasm: &[u8], limits: Limits) -> Result<Program, LoadError> {
        Compiled::new(name, wasm, limits)?.instantiate()
    }

    /// The program's name: the target of its log messages.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Where it stands.
    pub fn status(&self) -> Status {
        self.status
    }

    /// Its limits.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Completed polls.
    pub fn polls(&self) -> u64 {
        self.polls
    }

    /// Faults so far.
    pub fn faults(&self) -> u64 {
        self.faults
    }

    /// The last fault, if any.
    pub fn last_fault(&self) -> Option<&Fault> {
        self.last_fault.as_ref()
    }

    /// How long the last poll took (wall time, `init` included).
    pub fn last_poll_time(&self) -> Duration {
        self.last_poll
    }

    /// The longest poll so far.
    pub fn max_poll_time(&self) -> Duration {
        self.max_poll
    }

    /// Stops polling it until [`restart`](Self::restart).
    pub fn stop(&mut self) {
        self.status = Status::Stopped;
        self.live = None;
    }

    /// Runs it again from a fresh instance, as loaded, with no backoff.
    pub fn restart(&mut self) -> Result<(), Fault> {
        self.live = None;
        let live = self.instantiate()?;
        self.live = Some(live);
        self.status = Status::Running;
        self.backoff = 0;
        self.faults_in_a_row = 0;
        Ok(())
    }

    /// Runs one poll against `env`: reads the clock, calls `_initialize` and `init` first on a new
    /// instance (those it exports), then
    /// `poll`, and publishes the staged outputs and variables only if nothing faulted.
    ///
    /// A program that is not [`Status::Running`] is skipped (`Ok`). On a fault the instance is
    /// discarded, the fault is returned and the policies apply: the outputs hold or go to zero
    /// ([`OutputsOnFault`]); [`FaultPolicy::Stop`] leaves the program [`Status::Faulted`],
    /// [`FaultPolicy::Restart`] polls a fresh instance after its backoff (skipped polls count
    /// as `Ok`).
    pub fn poll(&mut self, env: &mut Box<dyn Environment>) -> Result<(), Fault> {
        if self.status != Status::Running {
            return Ok(());
        }
        if self.backoff > 0 {
            self.backoff -= 1;
            return Ok(());
        }
        let started = Instant::now();
        if self.live.is_none() {
            match self.instantiate() {
                Ok(live) => self.live = Some(live),
                Err(fault) => {
                    self.record(&fault, &mut **env);
                    return Err(fault);
                }
            }
        }
        let Some(live) = self.live.as_mut() else { return Ok(()) };
        let outcome = live.run(env, &self.limits, &self.memory_exceeded, &mut self.owned);
        self.last_poll = started.elapsed();
        self.max_poll = self.max_poll.max(self.last_poll);
        match outcome {
            Ok(()) => {
                self.polls += 1;
                self.faults_in_a_row = 0;
                Ok(())
            }
            Err(fault) => {
                // A trap leaves the guest's shadow stack unwound: never reuse the instance.
                self.live = None;
                self.record(&fault, &mut **env);
                Err(fault)
            }
        }
    }

    /// Puts the program's outputs in their safe state: to zero under
    /// [`OutputsOnFault::Zero`], unchanged under [`OutputsOnFault::Hold`].
    pub fn safe_outputs(&self, env: &mut dyn Environment) {
        if self.limits.outputs_on_fault == OutputsOnFault::Zero {
            self.owned.zero(env);
        }
    }

    /// Counts a fault, applies the outputs policy to `env` and the fault policy to the program.
    fn record(&mut self, fault: &Fault, env: &mut dyn Environment) {
        log::error!(target: &*self.name, "fault: {fault}");
        self.faults += 1;
        self.faults_in_a_row = self.faults_in_a_row.saturating_add(1);
        self.last_fault = Some(fault.clone());
        self.safe_outputs(env);
        self.status = match self.limits.on_fault {
            FaultPolicy::Stop => Status::Faulted,
            FaultPolicy::Restart => {
                let exponent = (self.faults_in_a_row - 1).min(31);
                self.backoff = ((1u64 << exponent) - 1).min(u64::from(self.limits.restart_backoff_max)) as u32;
                Status::Running
            }
        };
    }

    fn instantiate(&self) -> Result<Live, Fault> {
        self.memory_exceeded.store(false, Ordering::Relaxed);
        let mut store = Store::new(self.engine.clone());
        let env = FunctionEnv::new(&mut store, GuestState::new(self.name.clone(), self.limits.log_messages_per_poll));
        let imports = intrinsics::imports(&mut store, &env);
        let instance = match Instance::new(&mut store, &self.module, &imports) {
            Ok(instance) => instance,
            Err(InstantiationError::Start(error)) => {
                return Err(self.classify(error, None, "the start function"));
            }
            Err(e) => return Err(Fault::new(FaultKind::Instantiation, e.to_string())),
        };
        let memory = instance.exports.get_memory(abi::MEMORY_EXPORT).ok().cloned().or_else(|| {
            instance.exports.iter().find_map(|(_, export)| match export {
                Extern::Memory(memory) => Some(memory.clone()),
                _ => None,
            })
        });
        env.as_mut(&mut store).memory = memory;
        let poll = instance
            .exports
            .get_typed_function::<(), ()>(&store, abi::POLL_EXPORT)
            .map_err(|e| Fault::new(FaultKind::Instantiation, e.to_string()))?;
        let init = [abi::REACTOR_INIT_EXPORT, abi::INIT_EXPORT]
            .into_iter()
            .filter_map(|name| Some((name, instance.exports.get_typed_function::<(), ()>(&store, name).ok()?)))
            .collect();
        let meter = Meter::of(&instance)?;
        if let Ok(version) = instance.exports.get_typed_function::<(), i32>(&store, abi::ABI_VERSION_EXPORT) {
            // No refill: the start function, `plc_abi_version`, `_initialize` and `init` of an
            // instance share the one budget it started with.
            match version.call(&mut store) {
                Ok(abi::ABI_VERSION) => {}
                Ok(other) => {
                    return Err(Fault::new(
                        FaultKind::Instantiation,
                        format!("the program speaks ABI version {other}, this host speaks version {}", abi::ABI_VERSION),
                    ))
                }
                Err(error) => {
                    let exhausted = meter.exhausted(&mut store);
                    return Err(self.classify(error, Some(exhausted), "plc_abi_version"));
                }
            }
        }
        Ok(Live { store, env, meter, poll, init })
    }

    /// A fault from a runtime error; `exhausted` tells whether the budget ran out, if known.
    fn classify(&self, error: wasmer::RuntimeError, exhausted: Option<bool>, during: &str) -> Fault {
        let grew = self.memory_exceeded.load(Ordering::Relaxed);
        let mut fault = classify(error, exhausted.unwrap_or(false), grew, &self.limits, during);
        // Without an instance the budget cannot be read, and running out of it traps as
        // `unreachable` does: say both.
        if exhausted.is_none() && fault.kind == FaultKind::Trap(wasmer::sys::vm::TrapCode::UnreachableCodeReached) {
            fault.message.push_str(&format!(" (or it used all of its {} instructions)", self.limits.cpu_budget));
        }
        fault
    }
}

fn classify(error: wasmer::RuntimeError, exhausted: bool, grew: bool, limits: &Limits, during: &str) -> Fault {
    let mut fault = if exhausted {
        Fault::from_runtime(error, Some(FaultKind::CpuBudget))
    } else if grew {
        Fault::from_runtime(error, Some(FaultKind::MemoryLimit))
    } else {
        Fault::from_runtime(error, None)
    };
    match fault.kind {
        FaultKind::CpuBudget if during == abi::POLL_EXPORT => {
            fault.message = format!("{during} used all of its {} instructions (an endless loop?)", limits.cpu_budget)
        }
        FaultKind::CpuBudget => {
            fault.message = format!(
                "{during} used the last of the {} instructions a new instance has for its start function, {}, {} and {} together (an endless loop?)",
                limits.cpu_budget,
                abi::ABI_VERSION_EXPORT,
                abi::REACTOR_INIT_EXPORT,
                abi::INIT_EXPORT
            )
        }
        FaultKind::MemoryLimit => fault.message = memory_message(limits, during),
        _ => fault.message = format!("in {during}: {}", fault.message),
    }
    fault
}

fn memory_message(limits: &Limits, during: &str) -> String {
    format!("{during} tried to grow memory past the limit of {} KiB", limits.memory_pages().bytes().0 / 1024)
}

impl Live {
    fn run(&mut self, env: &mut Box<dyn Environment>, limits: &Limits, memory_exceeded: &AtomicBool, owned: &mut OwnedOutputs) -> Result<(), Fault> {
        let state = self.env.as_mut(&mut self.store);
        std::mem::swap(&mut state.env, env);
        state.begin();
        memory_exceeded.store(false, Ordering::Relaxed);

        let mut outcome = Ok(());
        for (name, init) in std::mem::take(&mut self.init) {
            if outcome.is_ok() {
                // What the start function and `plc_abi_version` left of the instance's first budget.
                outcome = self.call(&init, limits, memory_exceeded, name);
            }
        }
        if outcome.is_ok() {
            let poll = self.poll.clone();
            outcome = self.meter.refill(&mut self.store, limits.cpu_budget);
            if outcome.is_ok() {
                outcome = self.call(&poll, limits, memory_exceeded, abi::POLL_EXPORT);
            }
        }

        let state = self.env.as_mut(&mut self.store);
        match outcome {
            Ok(()) => state.commit(owned),
            Err(_) => state.discard(),
        }
        let dropped = state.logs_dropped();
        std::mem::swap(&mut state.env, env);
        if dropped > 0 {
            log::warn!(
                target: &*state.program,
                "dropped {dropped} log messages: more than {} in one scan",
                limits.log_messages_per_poll
            );
        }
        outcome
    }

    /// Calls `f` on what is left of the budget.
    fn call(&mut self, f: &TypedFunction<(), ()>, limits: &Limits, memory_exceeded: &AtomicBool, during: &str) -> Result<(), Fault> {
        let result = f.call(&mut self.store);
        let grew = memory_exceeded.load(Ordering::Relaxed);
        match result {
            Ok(()) if grew => Err(Fault::new(FaultKind::MemoryLimit, memory_message(limits, during))),
            Ok(()) => Ok(()),
            Err(error) => {
                let exhausted = self.meter.exhausted(&mut self.store);
                Err(classify(error, exhausted, grew, limits, during))
            }
        }
    }
}
