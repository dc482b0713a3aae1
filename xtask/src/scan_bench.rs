//! `cargo xtask scan-bench`: the scan in the real `plc-host run`, with both compilers, in one
//! run: N copies of a small program (`host/benches/guests/tiny`), and N distinct programs (the
//! same with a custom section of its own each), on a fixed cycle and back to back; and the
//! minimal scan (`host/benches/guests/minimal`) as the wall time of back-to-back scans. Each
//! run's results are checked, not only timed.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::breakdown::breakdown;
use crate::{cargo, root, run};

/// The settings, from `--programs 1000 --cycles 200 --cycle 5ms --scans 1000000 --baseline PATH`.
struct Settings {
    programs: usize,
    cycles: u64,
    cycle: String,
    scans: u64,
    /// Another `plc-host` binary (an older build) measured in turn with this one, in the same run.
    baseline: Option<PathBuf>,
    /// Also record this build's minimal scan with `perf` and print where its time goes.
    perf: bool,
    /// How often each measurement is taken, in turn with the others: the median is reported.
    repeat: usize,
    /// The real-time settings for every run (`--priority 80 --cpu 1`): the scan thread ahead
    /// of whatever else the machine runs, for steadier numbers on a busy machine.
    realtime: bool,
    /// Instead of the rest, measure how the caches decay between scans: 100 copies with the
    /// scan thread spinning (never sleeping) between scans 0, 1, 2 and 5 ms apart.
    decay: bool,
}

/// The programs and the gaps of `--decay`.
const DECAY_PROGRAMS: usize = 100;
const DECAY_GAPS: [&str; 4] = ["1ns", "1ms", "2ms", "5ms"];

const USAGE: &str = "--programs 1000 --cycles 200 --cycle 5ms --scans 1000000 --repeat 3 [--baseline PATH] [--perf] [--realtime] [--decay]";

fn settings(args: &[&str]) -> Result<Settings, String> {
    let (perf, realtime, decay) = (args.contains(&"--perf"), args.contains(&"--realtime"), args.contains(&"--decay"));
    let args: Vec<&str> = args.iter().copied().filter(|a| !["--perf", "--realtime", "--decay"].contains(a)).collect();
    let mut s = Settings { programs: 1000, cycles: 200, cycle: "5ms".into(), scans: 1_000_000, baseline: None, perf, realtime, repeat: 3, decay };
    for pair in args.chunks(2) {
        let [flag, value] = pair else { return Err(format!("`{}` needs a value: {USAGE}", pair[0])) };
        let number = |v: &str| v.parse::<u64>().map_err(|e| format!("{flag} {v}: {e}"));
        match *flag {
            "--programs" => s.programs = number(value)?.clamp(1, 100_000) as usize,
            "--cycles" => s.cycles = number(value)?.max(1),
            "--cycle" => s.cycle = (*value).to_owned(),
            "--scans" => s.scans = number(value)?.max(10),
            "--baseline" => s.baseline = Some(PathBuf::from(value)),
            "--repeat" => s.repeat = number(value)?.clamp(1, 100) as usize,
            other => return Err(format!("unknown flag {other}: {USAGE}")),
        }
    }
    Ok(s)
}

const COMPILERS: [&str; 2] = ["cranelift", "singlepass"];

/// Runs `plc-host run` with `args`; its JSON summary and the wall time of the whole process.
fn plc_host(host: &Path, args: &[String], s: &Settings) -> Result<(Value, Duration), String> {
    let realtime: &[&str] = if s.realtime { &["--priority", "80", "--cpu", "1"] } else { &[] };
    let started = Instant::now();
    let out = Command::new(host).args(args).args(realtime).output().map_err(|e| format!("{}: {e}", host.display()))?;
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

/// One run of the many programs on `cycle` (`5ms spinning`: `--spin` the whole cycle, the scan
/// thread never sleeps; `5ms no warm-up`: `--no-warm-up`): its mean scan time, its overruns,
/// and its mean warm-up before a scan (`NaN` from a host without one).
fn many(host: &Path, files: &[String], s: &Settings, compiler: &str, cycle: &str) -> Result<(f64, u64, f64), String> {
    let (cycle, cold) = cycle.strip_suffix(" no warm-up").map_or((cycle, false), |c| (c, true));
    let (cycle, spin) = cycle.strip_suffix(" spinning").map_or((cycle, None), |c| (c, Some(c)));
    let mut args: Vec<String> = ["run", "--cycle", cycle, "--json", "--inputs", "01", "--compiler", compiler].map(String::from).into();
    args.extend(spin.map(|spin| ["--spin".to_owned(), spin.to_owned()]).into_iter().flatten());
    args.extend(cold.then(|| "--no-warm-up".to_owned()));
    args.extend(["--cycles".into(), s.cycles.to_string()]);
    args.extend(files.iter().cloned());
    let (summary, _) = plc_host(host, &args, s)?;
    check_programs(&summary, s.cycles)?;
    let expected = s.cycles * s.programs as u64;
    if summary["variables"]["count"] != expected || summary["outputs"][0] != 1 {
        return Err(format!("wrong results: count {} (expected {expected}), outputs {}", summary["variables"]["count"], summary["outputs"]));
    }
    let stats = &summary["stats"];
    let warm_up = match stats["warm_ups"].as_u64() {
        Some(n) if n > 0 => stats["warm_up_avg_us"].as_f64().unwrap_or(f64::NAN),
        _ => f64::NAN,
    };
    Ok((stats["avg_us"].as_f64().unwrap_or(f64::NAN), stats["overruns"].as_u64().unwrap_or(0), warm_up))
}

/// `--decay`: the mean scan of [`DECAY_PROGRAMS`] copies with the scan thread spinning between
/// scans [`DECAY_GAPS`] apart, each host and gap in turn, `s.repeat` times (Cranelift): what the
/// same scan costs when the caches had that long to lose its lines, though no other thread of
/// this process ran on its core.
fn decay(hosts: &[(&str, &Path)], copies: &[String], s: &Settings) -> Result<(), String> {
    let files = &copies[..DECAY_PROGRAMS.min(copies.len())];
    let few = Settings { programs: files.len(), cycle: String::new(), baseline: None, ..*s };
    let runs: Vec<(&str, &Path, &str)> = hosts.iter().flat_map(|&(label, host)| DECAY_GAPS.map(|gap| (label, host, gap))).collect();
    let mut means = vec![Vec::new(); runs.len()];
    for _ in 0..s.repeat {
        for (i, &(_, host, gap)) in runs.iter().enumerate() {
            means[i].push(many(host, files, &few, "cranelift", &format!("{gap} spinning"))?.0);
        }
    }
    println!("\n{} copies, the scan thread spinning between scans (Cranelift), {} runs each:\n", files.len(), s.repeat);
    println!("| plc-host | scans apart | mean scan, median (µs) | per program |");
    println!("|---|---|---:|---:|");
    for (i, &(label, _, gap)) in runs.iter().enumerate() {
        let mid = median(means[i].clone());
        println!("| {label} | {gap} | {mid:.0} | {:.0} ns |", mid * 1000.0 / files.len() as f64);
    }
    Ok(())
}

/// Writes `n` programs `{kind}_00000.wasm`... into `dir`; their paths.
fn write_programs(dir: &Path, kind: &str, n: usize, bytes: impl Fn(usize) -> Vec<u8>) -> Result<Vec<String>, String> {
    (0..n)
        .map(|i| {
            let file = dir.join(format!("{kind}_{i:05}.wasm"));
            std::fs::write(&file, bytes(i)).map_err(|e| e.to_string())?;
            Ok(file.display().to_string())
        })
        .collect()
}

/// The module with a custom section `plc.bench.copy` holding `index`: the same program in
/// other bytes (its own hash), which the host compiles apart.
fn with_custom_section(wasm: &[u8], index: usize) -> Vec<u8> {
    let name = b"plc.bench.copy";
    let payload = (index as u32).to_le_bytes();
    let mut out = wasm.to_vec();
    // Section 0 (custom), its size, the name's length and the name (sizes below 128: one byte each).
    out.extend([0, (1 + name.len() + payload.len()) as u8, name.len() as u8]);
    out.extend(name);
    out.extend(payload);
    out
}

/// The median.
fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(f64::NAN)
}

/// The arguments of `plc-host run` for `scans` minimal scans back to back.
fn minimal_args(wasm: &Path, compiler: &str, scans: u64) -> Vec<String> {
    ["run", "--cycle", "1ns", "--json", "--inputs", "03", "--outputs", "5", "--compiler", compiler]
        .map(String::from)
        .into_iter()
        .chain(["--cycles".into(), scans.to_string(), wasm.display().to_string()])
        .collect()
}

/// The minimal scan of one compiler: the wall time of `scans` back-to-back scans less that
/// of a tenth of them (the start-up and the end cancel), per scan.
fn minimal(host: &Path, wasm: &Path, s: &Settings, compiler: &str) -> Result<f64, String> {
    let mut walls = Vec::new();
    for scans in [s.scans / 10, s.scans] {
        let (summary, wall) = plc_host(host, &minimal_args(wasm, compiler, scans), s)?;
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
        let copies = write_programs(&dir, "copy", s.programs, |_| tiny.clone())?;
        let distinct = write_programs(&dir, "distinct", s.programs, |i| with_custom_section(&tiny, i))?;
        let hosts: Vec<(&str, &Path)> = s.baseline.iter().map(|b| ("baseline", b.as_path())).chain([("this build", host.as_path())]).collect();
        if s.decay {
            return decay(&hosts, &copies, &s);
        }
        let spinning = format!("{} spinning", s.cycle);
        let cold = format!("{} no warm-up", s.cycle);
        let mut configs = Vec::new();
        for compiler in COMPILERS {
            for &(label, host) in &hosts {
                // The baseline compiled every program apart: copies and distinct ones alike.
                let kinds: &[(&str, &[String])] = if label == "baseline" { &[("copies", &copies)] } else { &[("copies", &copies), ("distinct", &distinct)] };
                for &(kind, files) in kinds {
                    // Without the warm-up, and spinning (the scan thread never sleeping), for
                    // this build's copies only.
                    let cycles: &[&str] = if label == "baseline" || kind == "distinct" { &[&s.cycle, "1ns"] } else { &[&s.cycle, &cold, &spinning, "1ns"] };
                    configs.extend(cycles.iter().map(|&cycle| (compiler, label, host, kind, files, cycle)));
                }
            }
        }
        let mut means = vec![Vec::new(); configs.len()];
        let mut warm_ups = vec![Vec::new(); configs.len()];
        let mut overruns = vec![0; means.len()];
        for _ in 0..s.repeat {
            for (i, &(compiler, _, host, _, files, cycle)) in configs.iter().enumerate() {
                let (mean, overran, warm_up) = many(host, files, &s, compiler, cycle)?;
                means[i].push(mean);
                warm_ups[i].push(warm_up);
                overruns[i] += overran;
            }
        }
        println!("\n{} programs of bench-tiny ({} bytes): copies, or distinct (each with a custom section of its own, so compiled apart), {} scans a run, {} runs of each in turn:\n", s.programs, tiny.len(), s.cycles, s.repeat);
        println!("| plc-host | compiler | programs | cycle | mean scan, median of the runs (µs) | the runs' means (µs) | per program | overruns | warm-up before a scan, median (µs) |");
        println!("|---|---|---|---|---:|---|---:|---:|---:|");
        for (i, &(compiler, label, _, kind, _, cycle)) in configs.iter().enumerate() {
            let mid = median(means[i].clone());
            let all: Vec<String> = means[i].iter().map(|m| format!("{m:.0}")).collect();
            let warm_up = median(warm_ups[i].clone());
            let warm_up = if warm_up.is_nan() { "–".to_owned() } else { format!("{warm_up:.0}") };
            println!("| {label} | {compiler} | {kind} | {cycle} | {mid:.0} | {} | {:.0} ns | {} | {warm_up} |", all.join(", "), mid * 1000.0 / s.programs as f64, overruns[i]);
        }
        let minimal_wasm = built.join("bench_minimal.wasm");
        let pairs: Vec<_> = COMPILERS.iter().flat_map(|&c| hosts.iter().map(move |&(label, host)| (c, label, host))).collect();
        let mut per_scan = vec![Vec::new(); pairs.len()];
        for _ in 0..s.repeat {
            for (i, &(compiler, _, host)) in pairs.iter().enumerate() {
                per_scan[i].push(minimal(host, &minimal_wasm, &s, compiler)?);
            }
        }
        println!("\nthe minimal scan (bench-minimal), wall time of {} back-to-back scans less {}, per scan, {} runs each:\n", s.scans, s.scans / 10, s.repeat);
        println!("| plc-host | compiler | per scan, median | the runs (ns) |");
        println!("|---|---|---:|---|");
        let mut ours = f64::NAN;
        for (i, &(compiler, label, _)) in pairs.iter().enumerate() {
            let mid = median(per_scan[i].clone());
            let all: Vec<String> = per_scan[i].iter().map(|m| format!("{m:.0}")).collect();
            println!("| {label} | {compiler} | {mid:.0} ns | {} |", all.join(", "));
            if label == "this build" && compiler == "cranelift" {
                ours = mid;
            }
        }
        if s.perf {
            breakdown(&host, &minimal_args(&minimal_wasm, "cranelift", s.scans), ours, &dir)?;
        }
        Ok(())
    })();
    let _ = std::fs::remove_dir_all(&dir);
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The distinct copy is the module with one custom section more: its bytes differ, its
    /// content does not.
    #[test]
    fn a_distinct_copy_appends_a_custom_section_with_its_index() {
        let module = b"\0asm\x01\0\0\0".to_vec();
        let copy = with_custom_section(&module, 258);
        let name = b"plc.bench.copy";
        assert_eq!(&copy[..8], &module[..]);
        assert_eq!(copy[8], 0, "a custom section");
        assert_eq!(usize::from(copy[9]), copy.len() - 10, "its size is the rest");
        assert_eq!(usize::from(copy[10]), name.len());
        assert_eq!(&copy[11..11 + name.len()], name);
        assert_eq!(copy[copy.len() - 4..], 258u32.to_le_bytes());
        assert_ne!(with_custom_section(&module, 1), with_custom_section(&module, 2));
    }

    #[test]
    fn the_median_is_the_middle_run() {
        assert_eq!(median(vec![3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(vec![5.0]), 5.0);
        assert!(median(Vec::new()).is_nan());
    }
}
