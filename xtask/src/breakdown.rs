//! `cargo xtask scan-bench --perf`: where the time of a scan goes, from `perf record` of a run
//! of `plc-host run`, its samples' functions sorted into the parts of a scan.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

/// The parts of a scan, in the order they are tried, each with the patterns of the functions
/// that belong to it (the first that matches wins).
const PARTS: &[(&str, &[&str])] = &[
    ("clock reads (and their arithmetic)", &["clock_gettime", "Timespec", "Instant>::", "SystemTime>::checked"]),
    ("scheduler and run loop", &["scheduler::", "sleep_until", "__udivti3", "run::run", "forces::", "record_cycle", "Controller"]),
    ("budget refill", &["Global::set", "Meter::refill"]),
    ("staging and commit", &["transaction::", "malloc", "_int_free", "cfree", "__memmove", "__memset", "__memcpy", "__memcmp", "rust_dealloc", "rdl_dealloc"]),
    ("host functions (intrinsics)", &["func_wrapper", "intrinsics::", "MemoryView", "LinearMemory", "type_id", "InMemoryEnvironment", "MemoryBuffer", "WasmSlice", "WasmPtr", "hashbrown", "hash_one", "Hasher", "from_utf8"]),
    ("wasmer's call into the program (trampolines, trap handler, stack switch)", &["corosensei", "trap", "call_sys", "TypedFunction", "invocation_result", "StorePtr", "LocalKey", "stack_call", "stack_init", "wasmer"]),
    ("the poll's bookkeeping (Program, Live::run, the lent environment)", &["plc_host::program", "plc_host::instance", "lend::", "supervisor", "stats", "FnOnce::call_once"]),
];

/// The share of the samples of each part, largest first; the program's own code (no symbol)
/// and the kernel apart.
fn parts(report: &str) -> Vec<(String, f64)> {
    let mut shares: BTreeMap<String, f64> = BTreeMap::new();
    for line in report.lines() {
        let mut words = line.split_whitespace();
        let (Some(percent), Some(kind)) = (words.next().and_then(|p| p.strip_suffix('%')), words.next()) else { continue };
        let (Ok(percent), symbol) = (percent.parse::<f64>(), words.collect::<Vec<_>>().join(" ")) else { continue };
        let part = if kind == "[k]" {
            "the kernel"
        } else if symbol.starts_with("0x") {
            "the program's own code (compiled wasm, no symbols)"
        } else {
            PARTS.iter().find(|(_, patterns)| patterns.iter().any(|p| symbol.contains(p))).map_or("other", |(name, _)| name)
        };
        *shares.entry(part.to_owned()).or_default() += percent;
    }
    let mut shares: Vec<_> = shares.into_iter().collect();
    shares.sort_by(|a, b| b.1.total_cmp(&a.1));
    shares
}

/// Records `host` running `args` under `perf` and prints the parts of `per_scan_ns`.
pub fn breakdown(host: &Path, args: &[String], per_scan_ns: f64, dir: &Path) -> Result<(), String> {
    let data = dir.join("perf.data");
    let data = data.to_str().ok_or("a UTF-8 path")?;
    let recorded = Command::new("perf")
        .args(["record", "-q", "-F", "5000", "-o", data, "--"])
        .arg(host)
        .args(args)
        .output()
        .map_err(|e| format!("perf (apt-get install linux-perf): {e}"))?;
    if !recorded.status.success() {
        return Err(format!("perf record failed: {}", String::from_utf8_lossy(&recorded.stderr)));
    }
    let report = Command::new("perf")
        .args(["report", "-i", data, "--no-children", "--sort", "sym", "--stdio"])
        .output()
        .map_err(|e| format!("perf report: {e}"))?;
    println!("\nwhere a minimal scan's {per_scan_ns:.0} ns go (perf samples of the same run, by function):\n");
    println!("| part | share | per scan |");
    println!("|---|---:|---:|");
    for (part, share) in parts(&String::from_utf8_lossy(&report.stdout)) {
        println!("| {part} | {share:.1} % | {:.0} ns |", share * per_scan_ns / 100.0);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lines as `perf report --no-children --sort sym --stdio` prints them, each in its part.
    #[test]
    fn samples_are_sorted_into_the_parts_of_a_scan() {
        let report = "# header\n\
            \x20   20.00%  [.] __vdso_clock_gettime\n\
            \x20   10.00%  [.] wasmer::backend::sys::entities::global::Global::set\n\
            \x20    5.00%  [.] 0x00007fd53373a230\n\
            \x20    2.50%  [k] finish_task_switch.isra.0\n\
            \x20    2.50%  [.] plc_host::scheduler::next_deadline\n\
            \x20    1.00%  [.] something_else\n";
        let shares = parts(report);
        let share = |part: &str| shares.iter().find(|(p, _)| p.starts_with(part)).map(|(_, s)| *s);
        assert_eq!(share("clock reads"), Some(20.0));
        assert_eq!(share("budget refill"), Some(10.0));
        assert_eq!(share("the program's own code"), Some(5.0));
        assert_eq!(share("the kernel"), Some(2.5));
        assert_eq!(share("scheduler"), Some(2.5));
        assert_eq!(share("other"), Some(1.0));
        assert_eq!(shares[0].0, "clock reads (and their arithmetic)", "largest first");
    }
}
