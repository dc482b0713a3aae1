//! The fuzz test of issue #9: random valid modules (and hand-shaped calls of every intrinsic),
//! each loaded and polled under small limits beside two healthy programs. Properties: the
//! host never panics, no poll (nor instantiation) takes longer than its budget allows, the
//! host's memory stays bounded, and the healthy programs scan every cycle.
//!
//! Cases run in worker processes of this binary (`fuzz --worker`), so that a case that
//! aborts the process, hangs or eats memory is recorded rather than ending the run; see
//! [`supervise`]. Modes, by environment variable:
//! - none: [`CASES`] cases of seed [`SEED`], then every module in `tests/fuzz-regressions`.
//! - `PLC_FUZZ_MINUTES=N`: cases of a time-based seed for N minutes (`cargo xtask fuzz`).
//! - `PLC_FUZZ_SEED=S PLC_FUZZ_CASE=N`: case N of seed S alone, to reproduce a failure;
//!   `PLC_FUZZ_SEED=S PLC_FUZZ_CASES=N`: cases 0..N of seed S.
//! - `PLC_FUZZ_OUT=dir`: each failing module goes there as `<seed>-<case>.wasm` (or `.wat`)
//!   with a `.txt` saying why; with `PLC_FUZZ_CASE` that case's module, failing or not.

mod case;
mod generate;
mod supervise;
mod worker;
#[path = "../support/mod.rs"]
mod support;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant, SystemTime};

use supervise::{Cases, Failure};

/// The seed of the fixed run.
const SEED: u64 = 0x5eed_0009;
/// Cases of the fixed run: about 15 s in release on 2 cores under a load of 4.
const CASES: u64 = 5000;

/// A module that breaks a property on purpose (it sets `healthy0`'s counter to 1000): the case
/// check must fail it, or it could be passing anything.
const CANARY: &str = r#"(module
    (import "env" "wasm_variable_write_int" (func $var (param i32 i32 i32) (result i32)))
    (memory (export "memory") 1)
    (data (i32.const 0) "healthy0")
    (func (export "poll") (drop (call $var (i32.const 0) (i32.const 8) (i32.const 1000)))))"#;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--worker") {
        worker::run();
        return ExitCode::SUCCESS;
    }
    // `cargo test <filter>` hands its filter on: run only when it could mean this test.
    let filters: Vec<_> = args.iter().filter(|a| !a.starts_with('-')).collect();
    if !filters.is_empty() && !filters.iter().any(|f| "fuzz regressions".contains(f.as_str())) {
        return ExitCode::SUCCESS;
    }
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let number = |name: &str| var(name).map(|v| v.parse::<u64>().unwrap_or_else(|_| panic!("{name} must be a number, not {v}")));
    let out = var("PLC_FUZZ_OUT").map(PathBuf::from);

    let (cases, deadline) = match (number("PLC_FUZZ_MINUTES"), number("PLC_FUZZ_SEED"), number("PLC_FUZZ_CASE")) {
        (Some(minutes), _, _) => {
            let seed = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map_or(1, |d| d.as_secs());
            (Cases::Generated { seed, first: 0, end: u64::MAX }, Some(Instant::now() + Duration::from_secs(minutes * 60)))
        }
        (None, seed, Some(case)) => (Cases::Generated { seed: seed.unwrap_or(SEED), first: case, end: case + 1 }, None),
        (None, seed, None) => (Cases::Generated { seed: seed.unwrap_or(SEED), first: 0, end: number("PLC_FUZZ_CASES").unwrap_or(CASES) }, None),
    };
    match case::run(CANARY.as_bytes(), &mut case::Neighbours::new()) {
        Err(reason) if reason.contains("healthy0 counted") => {}
        other => panic!("the case check passed the canary module that breaks healthy0: {:?}", other.err()),
    }
    let Cases::Generated { seed, first, .. } = cases else { unreachable!("generated cases first") };
    if let (Some(out), Some(_)) = (&out, number("PLC_FUZZ_CASE")) {
        // One case to look at: its module goes out whether it fails or not.
        let module = generate::module(seed, first);
        let path = out.join(format!("{seed}-{first}.{}", module.extension()));
        std::fs::create_dir_all(out).and_then(|()| std::fs::write(&path, &module.bytes)).expect("the case's module written");
        println!("fuzz: case {first} of seed {seed} is {}", path.display());
    }
    let mut runs = vec![(format!("seed {seed}"), cases)];
    // The fixed run ends with the regressions; a run of minutes or of one case does not.
    if deadline.is_none() && number("PLC_FUZZ_CASE").is_none() {
        runs.push(("regressions".into(), Cases::Files(regressions())));
    }
    let mut failed = 0;
    for (name, cases) in runs {
        let started = Instant::now();
        let report = supervise::run(&cases, deadline);
        for failure in &report.failures {
            println!("FAILED {}: {}", failure.case, failure.reason);
            match out.as_ref().map(|out| write_out(out, failure)) {
                Some(Ok(path)) => println!("  written to {}", path.display()),
                Some(Err(e)) => println!("  not written: {e}"),
                None => println!("  reproduce: {}", failure.reproduce()),
            }
        }
        let summary = report.summary(&name, started.elapsed());
        println!("{summary}");
        if let Some(out) = out.as_ref().filter(|_| deadline.is_some()) {
            let _ = std::fs::create_dir_all(out).and_then(|()| std::fs::write(out.join("summary.txt"), summary.lines().next().unwrap_or_default()));
        }
        failed += report.failures.len();
    }
    if failed == 0 { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}

/// Every module of `tests/fuzz-regressions`, sorted.
fn regressions() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-regressions");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .map(|d| d.filter_map(|e| Some(e.ok()?.path())).collect())
        .unwrap_or_default();
    files.retain(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("wasm" | "wat")));
    files.sort();
    files
}

/// Writes a failing module and its reason to `out`; returns the module's path.
fn write_out(out: &Path, failure: &Failure) -> std::io::Result<PathBuf> {
    let module = &failure.module;
    std::fs::create_dir_all(out)?;
    let path = out.join(format!("{}.{}", failure.file_stem(), module.extension()));
    std::fs::write(&path, &module.bytes)?;
    let text = format!(
        "{}\ngenerator: {}\nreason: {}\nreproduce: {}\n",
        failure.case,
        module.generator,
        failure.reason,
        failure.reproduce()
    );
    std::fs::write(path.with_extension("txt"), text)?;
    Ok(path)
}
