//! `cargo xtask scan-bench`: the scan in the real `plc-host run`, with both compilers, in one
//! run: N copies of a small program (`host/benches/guests/tiny`) on a fixed cycle, the same
//! back to back, and the minimal scan (`host/benches/guests/minimal`) as the wall time of
//! back-to-back scans. Each run's results are checked, not only timed.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::{cargo, root, run};

/// The settings, from `--programs 1000 --cycles 200 --cycle 5ms --scans 1000000`.
struct Settings {
    programs: usize,
    cycles: u64,
    cycle: String,
    scans: u64,
}

const USAGE: &str = "--programs 1000 --cycles 200 --cycle 5ms --scans 1000000";

fn settings(args: &[&str]) -> Result<Settings, String> {
    let mut s = Settings { programs: 1000, cycles: 200, cycle: "5ms".into(), scans: 1_000_000 };
    for pair in args.chunks(2) {
        let [flag, value] = pair else { return Err(format!("`{}` needs a value: {USAGE}", pair[0])) };
        let number = |v: &str| v.parse::<u64>().map_err(|e| format!("{flag} {v}: {e}"));
        match *flag {
            "--programs" => s.programs = number(value)?.clamp(1, 100_000) as usize,
            "--cycles" => s.cycles = number(value)?.max(1),
            "--cycle" => s.cycle = (*value).to_owned(),
            "--scans" => s.scans = number(value)?.max(10),
            other => return Err(format!("unknown flag {other}: {USAGE}")),
        }
    }
    Ok(s)
}

const COMPILERS: [&str; 2] = ["cranelift", "singlepass"];

/// Runs `plc-host run` with `args`; its JSON summary and the wall time of the whole process.
fn plc_host(host: &Path, args: &[String]) -> Result<(Value, Duration), String> {
    let started = Instant::now();
    let out = Command::new(host).args(args).output().map_err(|e| format!("{}: {e}", host.display()))?;
    let wall = started.elapsed();
    if !out.status.success() {
        return Err(format!("plc-host {} failed: {}", args.join(" "), String::from_utf8_lossy(&out.stderr)));
    }
    let json = serde_json::from_slice(&out.stdout).map_err(|e| format!("plc-host's summary: {e}"))?;
    Ok((json, wall))
}

/// Each program ran every scan without a fault.
fn check_programs(summary: &Value, polls: u64) -> Result<(), String> {
    let programs = summary["programs"].as_array().ok_or("no programs in the summary")?;
    match programs.iter().find(|p| p["status"] != "running" || p["faults"] != 0 || p["polls"] != polls) {
        Some(p) => Err(format!("a program did not run every scan: {p}")),
        None => Ok(()),
    }
}

fn us(summary: &Value, key: &str) -> f64 {
    summary["stats"][key].as_f64().unwrap_or(f64::NAN)
}

/// The many-programs runs of one compiler: the scan on the cycle, and back to back.
fn many(host: &Path, files: &[String], s: &Settings, compiler: &str) -> Result<(), String> {
    for cycle in [s.cycle.as_str(), "1ns"] {
        let mut args: Vec<String> = ["run", "--cycle", cycle, "--json", "--inputs", "01", "--compiler", compiler].map(String::from).into();
        args.extend(["--cycles".into(), s.cycles.to_string()]);
        args.extend(files.iter().cloned());
        let (summary, _) = plc_host(host, &args)?;
        check_programs(&summary, s.cycles)?;
        let expected = s.cycles * s.programs as u64;
        if summary["variables"]["count"] != expected || summary["outputs"][0] != 1 {
            return Err(format!("wrong results: count {} (expected {expected}), outputs {}", summary["variables"]["count"], summary["outputs"]));
        }
        let avg = us(&summary, "avg_us");
        println!(
            "| {compiler} | {cycle} | {:.0} | {avg:.0} | {:.0} | {:.0} ns | {} |",
            us(&summary, "min_us"),
            us(&summary, "max_us"),
            avg * 1000.0 / s.programs as f64,
            summary["stats"]["overruns"]
        );
    }
    Ok(())
}

/// The minimal scan of one compiler: the wall time of `scans` back-to-back scans less that
/// of a tenth of them (the start-up and the end cancel), per scan.
fn minimal(host: &Path, wasm: &Path, s: &Settings, compiler: &str) -> Result<f64, String> {
    let mut walls = Vec::new();
    for scans in [s.scans / 10, s.scans] {
        let args: Vec<String> = ["run", "--cycle", "1ns", "--json", "--inputs", "03", "--outputs", "5", "--compiler", compiler]
            .map(String::from)
            .into_iter()
            .chain(["--cycles".into(), scans.to_string(), wasm.display().to_string()])
            .collect();
        let (summary, wall) = plc_host(host, &args)?;
        check_programs(&summary, scans)?;
        let count = (scans as u32).to_le_bytes();
        let expected: Vec<Value> = [1, count[0], count[1], count[2], count[3]].into_iter().map(Value::from).collect();
        if summary["outputs"].as_array() != Some(&expected) {
            return Err(format!("wrong outputs after {scans} scans: {} (expected {expected:?})", summary["outputs"]));
        }
        walls.push(wall);
    }
    let per_scan = walls[1].saturating_sub(walls[0]).as_secs_f64() / (s.scans - s.scans / 10) as f64;
    Ok(per_scan * 1e9)
}

/// Builds plc-host and the two guests, then runs and prints both measurements.
pub fn scan_bench(args: &[&str]) -> Result<(), String> {
    let s = settings(args)?;
    let cargo = cargo();
    run(&cargo, &["build", "--quiet", "--release", "--package", "plc-host-cli"])?;
    let guests = root().join("target/guests");
    let guests_dir = guests.to_str().ok_or("a UTF-8 path")?;
    run(
        &cargo,
        &["build", "--quiet", "--profile", "wasm", "--target", "wasm32-unknown-unknown", "-p", "bench-tiny", "-p", "bench-minimal", "--target-dir", guests_dir],
    )?;
    let built = guests.join("wasm32-unknown-unknown/wasm");
    let host = root().join("target/release/plc-host");
    let dir = std::env::temp_dir().join(format!("wasm-plc-scan-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let result = (|| {
        let tiny = std::fs::read(built.join("bench_tiny.wasm")).map_err(|e| e.to_string())?;
        let files: Vec<PathBuf> = (0..s.programs).map(|i| dir.join(format!("tiny_{i:05}.wasm"))).collect();
        for file in &files {
            std::fs::write(file, &tiny).map_err(|e| e.to_string())?;
        }
        let files: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
        println!("\n{} copies of bench-tiny ({} bytes), {} scans each:\n", s.programs, tiny.len(), s.cycles);
        println!("| compiler | cycle | min (µs) | mean scan (µs) | max (µs) | mean per program | overruns |");
        println!("|---|---|---:|---:|---:|---:|---:|");
        for compiler in COMPILERS {
            many(&host, &files, &s, compiler)?;
        }
        let minimal_wasm = built.join("bench_minimal.wasm");
        println!("\nthe minimal scan (bench-minimal), wall time of {} back-to-back scans less {}, per scan:\n", s.scans, s.scans / 10);
        println!("| compiler | per scan |");
        println!("|---|---:|");
        for compiler in COMPILERS {
            println!("| {compiler} | {:.1} ns |", minimal(&host, &minimal_wasm, &s, compiler)?);
        }
        Ok(())
    })();
    let _ = std::fs::remove_dir_all(&dir);
    result
}
