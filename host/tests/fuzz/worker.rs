//! The worker side of [`supervise`](crate::supervise): a process of this binary that runs
//! cases one after the other and says how each went on stdout.

use std::io::Write;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::case::{self, Neighbours, Passed};
use crate::supervise::Cases;

/// The data segment a worker may have: an allocation past it fails (and aborts the worker)
/// instead of taking the machine's memory.
const DATA_LIMIT: u64 = 2 << 30;
/// How far the peak resident memory of a worker may rise over its start.
const MEMORY_GROWTH: u64 = 512 << 20;

/// The worker: runs the cases of `PLC_FUZZ_JOB` from its first, until one fails, the cases
/// end or `PLC_FUZZ_DEADLINE_MS` passes.
pub fn run() {
    let job = std::env::var("PLC_FUZZ_JOB").expect("PLC_FUZZ_JOB");
    let words: Vec<&str> = job.split(' ').collect();
    let number = |i: usize| words[i].parse::<u64>().expect("a number in PLC_FUZZ_JOB");
    let (cases, first) = match words[0] {
        "files" => (Cases::Files(std::env::var("PLC_FUZZ_FILES").unwrap_or_default().lines().map(PathBuf::from).collect()), number(1)),
        _ => (Cases::Generated { seed: number(0), first: number(1), end: number(2) }, number(1)),
    };
    let deadline = std::env::var("PLC_FUZZ_DEADLINE_MS").ok().and_then(|ms| ms.parse().ok()).map(|ms| Instant::now() + Duration::from_millis(ms));
    limit_data(DATA_LIMIT);
    let mut neighbours = Neighbours::new();
    let baseline = case::status_bytes("VmRSS");
    let mut out = std::io::stdout().lock();
    for index in first..cases.end() {
        if deadline.is_some_and(|d| Instant::now() >= d) {
            return;
        }
        let (module, _) = cases.module(index);
        let _ = writeln!(out, "@fuzz start {index}");
        let _ = out.flush();
        let mut outcome = case::run(&module.bytes, &mut neighbours);
        let peak = case::status_bytes("VmHWM");
        if outcome.is_ok() && peak > baseline + MEMORY_GROWTH {
            outcome = Err(format!("the host's peak resident memory rose to {} MiB, {} MiB over its start", peak >> 20, (peak - baseline) >> 20));
        }
        let line = match outcome {
            Ok(Passed::Refused(why)) => format!("pass {index} 0 refused {}", why.replace('\n', " ")),
            Ok(Passed::Polled { faults, slowest }) => {
                format!("pass {index} {} {}", slowest.as_micros(), if faults > 0 { "faulted" } else { "clean" })
            }
            Err(reason) => format!("fail {index} 0 {}", reason.replace('\n', " ")),
        };
        let _ = writeln!(out, "@fuzz {line}");
        let _ = out.flush();
        if line.starts_with("fail") {
            return;
        }
    }
}

/// Sets this process's data limit (RLIMIT_DATA): a runaway allocation then fails here instead
/// of driving the machine out of memory. wasm memories are reserved inaccessible and count
/// only as far as they are made accessible.
fn limit_data(bytes: u64) {
    let limit = libc::rlimit { rlim_cur: bytes, rlim_max: bytes };
    // SAFETY: setrlimit reads the struct it is given and nothing else.
    let set = unsafe { libc::setrlimit(libc::RLIMIT_DATA, &limit) };
    assert_eq!(set, 0, "setrlimit(RLIMIT_DATA) failed");
}
