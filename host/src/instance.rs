//! A live instance of a program: its store, its CPU meter, its exports, and one poll run as a
//! transaction against the environment lent to it.

use std::sync::atomic::Ordering;

use plc_abi as abi;
use wasmer::{ExportIndex, Extern, FunctionEnv, Instance, InstantiationError, Module, Store, TypedFunction, Value};

use crate::compiled::Compiled;
use crate::environment::Environment;
use crate::fault::{classify, memory_message, Fault, FaultKind};
use crate::image::MemoryImage;
use crate::intrinsics::{self, GuestState};
use crate::lend::Lent;
use crate::limits::Limits;
use crate::metering::{POINTS_EXHAUSTED, REMAINING_POINTS};
use crate::transaction::OwnedOutputs;
use crate::tunables::{instantiate_capturing, GuestGlobal, GuestMemory, Made};

mod carry;
mod hot;

use hot::{Hot, HOT_POLLS};

/// The CPU budget of one instance: the meter's two globals, reached through their definitions.
pub(crate) struct Meter {
    remaining: GuestGlobal,
    exhausted: GuestGlobal,
}

impl Meter {
    /// The meter's globals of `instance`, among those it `made`. Each is checked against
    /// wasmer's own view of the exported global: a value set through it is read through the
    /// definition.
    fn of(instance: &Instance, module: &Module, made: &Made, store: &mut Store) -> Result<Meter, Fault> {
        let fault = |e: String| Fault::new(FaultKind::Instantiation, format!("metering: {e}"));
        let info = module.info();
        let mut global = |name: &str, probe: Value| {
            let Some(&ExportIndex::Global(index)) = info.exports.get(name) else { return Err(fault(format!("no global `{name}`"))) };
            let ours = (index.as_u32() as usize)
                .checked_sub(info.num_imported_globals)
                .and_then(|defined| made.global(defined))
                .ok_or_else(|| fault(format!("`{name}` was not made by this host")))?;
            let theirs = instance.exports.get_global(name).map_err(|e| fault(e.to_string()))?;
            let before = theirs.get(store);
            theirs.set(store, probe.clone()).map_err(|e| fault(e.to_string()))?;
            let seen = match probe {
                Value::I64(_) => Value::I64(ours.i64()),
                _ => Value::I32(ours.i32()),
            };
            theirs.set(store, before).map_err(|e| fault(e.to_string()))?;
            match seen == probe {
                true => Ok(ours),
                false => Err(fault(format!("`{name}` is not where this host looks for it"))),
            }
        };
        let remaining = global(REMAINING_POINTS, Value::I64(0x5a5a_0123_4567_89ab))?;
        let exhausted = global(POINTS_EXHAUSTED, Value::I32(0x0123_4567))?;
        Ok(Meter { remaining, exhausted })
    }

    /// A full budget for the next call. The exhausted flag needs no reset: it is raised only
    /// just before the trap that ends a poll, and a trapped instance is never polled again.
    fn refill(&self, points: u64) {
        self.remaining.set_i64(i64::try_from(points).unwrap_or(i64::MAX));
    }

    fn exhausted(&self) -> bool {
        self.exhausted.i32() > 0
    }

    /// The same globals, for the host functions' state.
    fn share(&self) -> Meter {
        Meter { remaining: self.remaining.share(), exhausted: self.exhausted.share() }
    }

    /// Charges `points` to what is left: `false` (with the flag raised) if less was left.
    pub(crate) fn charge(&self, points: u64) -> bool {
        let left = self.remaining.i64();
        let points = i64::try_from(points).unwrap_or(i64::MAX);
        if left < points {
            self.exhausted.set_i32(1);
            return false;
        }
        self.remaining.set_i64(left - points);
        true
    }
}

/// A running instance and what the host needs to call it.
pub(crate) struct Live {
    store: Store,
    state: FunctionEnv<GuestState>,
    meter: Meter,
    poll: TypedFunction<(), ()>,
    /// `_initialize` and `init` (those exported), until the first poll has called them.
    init: Vec<(&'static str, TypedFunction<(), ()>)>,
    /// The program's memory.
    memory: GuestMemory,
    /// Its copy of the process image, if it exports `plc_image`.
    image: Option<MemoryImage>,
    /// `plc_state_save`, `plc_state_load` and the state waiting for the first poll.
    pub(crate) carry: carry::Exports,
    /// Where the data its next poll touches first lies, for [`Live::prefetch`].
    hot: Hot,
    /// Polls since `hot` was taken.
    polls_since_hot: u32,
}

impl Live {
    /// A new instance of `compiled`: its start function and `plc_abi_version` run now, on the
    /// budget the instance starts with (which `_initialize` and `init` share at its first poll).
    #[allow(clippy::result_large_err, reason = "wasmer's `InstantiationError`, matched at once")]
    pub(crate) fn new(compiled: &Compiled) -> Result<Live, Fault> {
        let Compiled { name, engine, module, limits, memory_exceeded, .. } = compiled;
        memory_exceeded.store(false, Ordering::Relaxed);
        let mut store = Store::new(engine.clone());
        let state = FunctionEnv::new(&mut store, GuestState::new(name.clone(), limits.log_messages_per_poll));
        let imports = intrinsics::imports(&mut store, &state, module);
        let grew = || memory_exceeded.load(Ordering::Relaxed);
        let (instance, made) = match instantiate_capturing(|| Instance::new(&mut store, module, &imports)) {
            Ok(both) => both,
            Err(InstantiationError::Start(error)) => return Err(classify(error, None, grew(), limits, "the start function")),
            Err(e) => return Err(Fault::new(FaultKind::Instantiation, e.to_string())),
        };
        // The one memory of a program (`validate`), which it exports: the same as the host reaches.
        let exported = instance.exports.iter().find_map(|(_, export)| match export {
            Extern::Memory(memory) => Some(memory.view(&store).data_ptr() as usize),
            _ => None,
        });
        let memory = match made.memory.as_ref().map(GuestMemory::share) {
            Some(memory) if Some(memory.addresses().0) == exported => memory,
            _ => return Err(Fault::new(FaultKind::Instantiation, "the program's exported memory is not the one memory it defines")),
        };
        let descriptor = instance.exports.get_global(abi::PROCESS_IMAGE_EXPORT).ok().map(|g| g.get(&mut store));
        let image = match descriptor {
            None => None,
            Some(Value::I32(at)) => Some(MemoryImage::new(at as u32)),
            Some(_) => return Err(Fault::new(FaultKind::ProcessImage, format!("`{}` must be an i32 global", abi::PROCESS_IMAGE_EXPORT))),
        };
        state.as_mut(&mut store).memory = Some(memory.share());
        let poll = instance
            .exports
            .get_typed_function::<(), ()>(&store, abi::POLL_EXPORT)
            .map_err(|e| Fault::new(FaultKind::Instantiation, e.to_string()))?;
        let init = [abi::REACTOR_INIT_EXPORT, abi::INIT_EXPORT]
            .into_iter()
            .filter_map(|name| Some((name, instance.exports.get_typed_function::<(), ()>(&store, name).ok()?)))
            .collect();
        let carry = carry::Exports::of(&instance, &store);
        let meter = Meter::of(&instance, module, &made, &mut store)?;
        state.as_mut(&mut store).meter = Some(meter.share());
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
                    let exhausted = meter.exhausted();
                    return Err(classify(error, Some(exhausted), grew(), limits, abi::ABI_VERSION_EXPORT));
                }
            }
        }
        let mut live = Live { store, state, meter, poll, init, memory, image, carry, hot: Hot::default(), polls_since_hot: HOT_POLLS };
        live.note_hot();
        // Again after the first poll, which gives the transaction its buffers.
        live.polls_since_hot = HOT_POLLS - 1;
        Ok(live)
    }

    /// Asks the caches for what the next poll touches first.
    pub(crate) fn prefetch(&self) {
        self.hot.prefetch();
    }

    /// Takes the addresses [`Live::prefetch`] asks for.
    fn note_hot(&mut self) {
        self.polls_since_hot = 0;
        self.hot = Hot::take(&mut self.store, &self.state, &self.memory, self.image.as_ref(), &self.meter);
    }

    /// One poll: `_initialize` and `init` first on a new instance, then `poll` on a full
    /// budget, all with `env` lent; what the poll staged is published if nothing faulted
    /// (adding the output bits it changed to `owned`), dropped otherwise.
    /// The errors the program reported during the poll are added to `errors`.
    pub(crate) fn run(&mut self, env: &mut dyn Environment, compiled: &Compiled, owned: &mut OwnedOutputs, errors: &mut u64) -> Result<(), Fault> {
        let limits = &compiled.limits;
        compiled.memory_exceeded.store(false, Ordering::Relaxed);
        let Live { store, state, meter, poll, init, memory, image, carry, .. } = self;
        // The host functions' state, looked up in the store once before the calls and once after.
        let guest = state.as_mut(store);
        guest.tx.begin(env);
        if let Some(image) = image {
            // The program's own image: the inputs and the published outputs, copied in.
            guest.tx.image = Some(image.copy_in(memory, env, &compiled.name)?);
        }
        let calls = |store: &mut Store| {
            for (name, init) in std::mem::take(init) {
                // On what the start function and `plc_abi_version` left of the first budget.
                call(store, meter, &init, compiled, name)?;
            }
            // Online change: the state the version before saved, on a budget of its own.
            carry::load_pending(store, state, meter, carry, compiled)?;
            meter.refill(limits.cpu_budget);
            call(store, meter, poll, compiled, abi::POLL_EXPORT)
        };
        let outcome = Lent::during(store, |store| &mut state.as_mut(store).lent, env, calls);

        let tx = &mut state.as_mut(store).tx;
        // The output bits the program changed in its image, staged with its other writes.
        let outcome = match (outcome, image) {
            (Ok(()), Some(image)) => image.stage_changes(memory, &mut tx.outputs),
            (outcome, _) => outcome,
        };
        match outcome {
            Ok(()) => tx.commit(env, owned),
            Err(_) => tx.discard(env),
        }
        *errors += std::mem::take(&mut tx.errors);
        let dropped = tx.logs_dropped;
        if dropped > 0 {
            log::warn!(target: &*tx.program, "dropped {dropped} log messages: more than {} in one scan", limits.log_messages_per_poll);
        }
        self.polls_since_hot += 1;
        if self.polls_since_hot >= HOT_POLLS {
            self.note_hot();
        }
        outcome
    }
}

/// Calls `f` on what is left of the budget, and names the fault if it has one.
fn call(store: &mut Store, meter: &Meter, f: &TypedFunction<(), ()>, compiled: &Compiled, during: &str) -> Result<(), Fault> {
    let result = f.call(store);
    let limits: &Limits = &compiled.limits;
    let grew = compiled.memory_exceeded.load(Ordering::Relaxed);
    match result {
        Ok(()) if grew => Err(Fault::new(FaultKind::MemoryLimit, memory_message(limits, during))),
        Ok(()) => Ok(()),
        Err(error) => {
            let exhausted = meter.exhausted();
            Err(classify(error, Some(exhausted), grew, limits, during))
        }
    }
}
