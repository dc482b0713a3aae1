//! One case: a module loaded (the library's `check`) and polled a few times under small limits
//! beside two healthy programs, and the properties checked after every scan.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::{Duration, Instant};

use plc_host::{Compiled, Compiler, FaultPolicy, InMemoryEnvironment, Limits, OutputsOnFault, Program, Value};

use crate::generate::Rng;
use crate::support::healthy;

/// Scans per case.
const SCANS: u32 = 4;
/// The CPU budget of a fuzzed program, in points.
pub const CPU_BUDGET: u64 = 200_000;

/// The longest a poll (or an instantiation) with `budget` points may take: generous, about
/// 250 ns a point where the host runs about 1 ns, plus 5 ms for a busy machine.
pub fn time_bound(budget: u64) -> Duration {
    Duration::from_millis(5) + Duration::from_nanos(budget * 225)
}

/// How a case went that kept every property.
pub enum Passed {
    /// `check` refused the module (the first line says why).
    Refused(String),
    /// It loaded and was polled: this many polls faulted, and the slowest poll (or the
    /// instantiation) took this long.
    Polled { faults: u32, slowest: Duration },
}

/// The two healthy programs every case runs beside: `healthy0` before, `healthy1` after it.
pub struct Neighbours([Program; 2]);

impl Neighbours {
    /// Compiles them (once per worker).
    pub fn new() -> Neighbours {
        let load = |i| Program::new(format!("healthy{i}"), healthy(i).as_bytes(), Limits::default()).expect("a healthy program loads");
        Neighbours([load(0), load(1)])
    }
}

/// FNV-1a: the choices of a case come from its module's bytes, so that a module written out
/// replays exactly as it ran.
fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3))
}

/// Runs one case; `Err` names the property it broke. A panic anywhere in the host is caught
/// and is such an error.
pub fn run(wasm: &[u8], neighbours: &mut Neighbours) -> Result<Passed, String> {
    match catch_unwind(AssertUnwindSafe(|| polls(wasm, neighbours))) {
        Ok(result) => result,
        Err(panic) => {
            let text = panic.downcast_ref::<String>().cloned().or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()));
            Err(format!("the host panicked: {}", text.unwrap_or_default()))
        }
    }
}

/// The limits, images and policies of a case, drawn from its module's bytes.
fn setup(wasm: &[u8]) -> (Limits, InMemoryEnvironment) {
    let mut rng = Rng::new(fnv(wasm), 0);
    #[allow(clippy::needless_update)] // limits the host adds later take their defaults
    let limits = Limits {
        cpu_budget: CPU_BUDGET,
        memory_bytes: 1 << 20,
        log_messages_per_poll: 8,
        on_fault: rng.pick(&[FaultPolicy::Stop, FaultPolicy::Restart]),
        restart_backoff_max: 0,
        outputs_on_fault: rng.pick(&[OutputsOnFault::Hold, OutputsOnFault::Zero]),
        compiler: rng.pick(&[Compiler::Cranelift, Compiler::Singlepass]),
        tables: rng.pick(&[1, 4, 4]),
        table_elements: rng.pick(&[1024, 65_536]),
        module_bytes: 1 << 20,
        ..Limits::default()
    };
    // Images from none to the 1 MiB the CLI allows; the healthy programs use bytes 0 and 1.
    let size = |rng: &mut Rng| rng.pick(&[0, 2, 16, 4096, 65536, 1 << 20]);
    let mut env = InMemoryEnvironment::new(size(&mut rng), size(&mut rng).max(2));
    env.inputs.iter_mut().for_each(|b| *b = rng.next() as u8);
    (limits, env)
}

/// Loads `wasm` and polls it [`SCANS`] times between the neighbours.
fn polls(wasm: &[u8], neighbours: &mut Neighbours) -> Result<Passed, String> {
    let (limits, mut env) = setup(wasm);
    let bound = time_bound(limits.cpu_budget);
    let compiled = match Compiled::new("fuzzed", wasm, limits) {
        Ok(compiled) => compiled,
        Err(e) => return Ok(Passed::Refused(e.lines().remove(0))),
    };
    let started = Instant::now();
    let loaded = compiled.instantiate();
    // The first instantiation runs the start function and `plc_abi_version`, on the scan thread.
    let mut slowest = started.elapsed();
    if slowest > bound {
        return Err(format!("instantiating took {slowest:?}, over the {bound:?} a budget of {CPU_BUDGET} points allows"));
    }
    let mut program = match loaded {
        Ok(program) => program,
        Err(e) => return Ok(Passed::Refused(e.lines().remove(0))),
    };
    for neighbour in &mut neighbours.0 {
        neighbour.restart().map_err(|f| format!("a healthy program did not restart: {f}"))?;
    }
    let mut faults = 0;
    for scan in 1..=SCANS {
        let [before, after] = &mut neighbours.0;
        before.poll(&mut env).map_err(|f| format!("scan {scan}: healthy0 faulted: {f}"))?;
        let started = Instant::now();
        let polled = program.poll(&mut env);
        let took = started.elapsed();
        slowest = slowest.max(took);
        if took > bound {
            let how = match &polled {
                Ok(()) => "it returned".to_owned(),
                Err(f) => format!("{:?}: {}, a backtrace of {} frames", f.kind, f.message, f.backtrace.len()),
            };
            return Err(format!("scan {scan}: the poll took {took:?}, over the {bound:?} a budget of {CPU_BUDGET} points allows ({how})"));
        }
        faults += u32::from(polled.is_err());
        after.poll(&mut env).map_err(|f| format!("scan {scan}: healthy1 faulted: {f}"))?;
        for i in 0..2 {
            let counted = env.variables.get(&format!("healthy{i}"));
            if counted != Some(&Value::Int(scan as i32)) {
                return Err(format!("scan {scan}: healthy{i} counted {counted:?} scans"));
            }
        }
    }
    Ok(Passed::Polled { faults, slowest })
}

/// A figure of this process from /proc/self/status, in bytes (e.g. "VmHWM", the peak resident).
pub fn status_bytes(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let line = status.lines().find(|l| l.starts_with(field) && l[field.len()..].starts_with(':'));
    line.and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok()).unwrap_or(0) * 1024
}
