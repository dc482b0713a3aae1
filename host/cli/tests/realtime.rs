//! `plc-host run` with the real-time settings: each is applied and reported in `--json`, or
//! named in a warning where the system refuses it (never a failure to start); the wake-up
//! lateness comes with its percentiles.

#[path = "../../tests/support/mod.rs"]
mod support;

use std::process::Command;
use std::time::Duration;

use support::*;

fn run(args: &[&str]) -> (serde_json::Value, String) {
    static RUNS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let dir = TempDir::new(&format!("cli-realtime-{}", RUNS.fetch_add(1, std::sync::atomic::Ordering::Relaxed)));
    let program = dir.join("counter.wasm");
    std::fs::write(&program, retained_counter(1, false)).unwrap();
    let out = output_within(
        Command::new(env!("CARGO_BIN_EXE_plc-host"))
            .arg("run")
            .arg(&program)
            .args(["--cycle", "1ms", "--cycles", "200", "--json"])
            .args(args)
            .current_dir(&dir.0)
            .env("RUST_LOG", "warn"),
        Duration::from_secs(60),
    );
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{stderr}");
    (serde_json::from_slice(&out.stdout).unwrap(), stderr)
}

#[test]
fn each_setting_is_applied_and_reported_or_named_in_a_warning() {
    let flags = run(&["--priority", "80", "--lock-memory", "--cpu", "0", "--spin", "30us"]);
    let dir = TempDir::new("cli-realtime-config");
    let config = dir.join("plc.toml");
    std::fs::write(&config, "[realtime]\npriority = 80\nlock_memory = true\ncpu = 0\nspin = \"30us\"\n").unwrap();
    let file = run(&["--config", config.to_str().unwrap()]);
    for (json, stderr) in [flags, file] {
        let realtime = &json["realtime"];
        assert_eq!(realtime["spin_us"], 30);
        for (setting, value) in [("priority", "80"), ("lock_memory", "true"), ("cpu", "0")] {
            let report = &realtime[setting];
            assert_eq!(report["value"], value, "{realtime}");
            let warning = format!("realtime: {setting} {value}: not applied");
            match report["applied"].as_bool() {
                Some(true) => assert!(!stderr.contains(&warning), "{stderr}"),
                Some(false) => assert!(stderr.contains(&warning), "a warning names it: {stderr}"),
                None => panic!("{realtime}"),
            }
        }
        // Root (as in CI) may do all three.
        if std::fs::read_to_string("/proc/self/status").unwrap().lines().any(|l| l.starts_with("Uid:") && l.split_whitespace().nth(1) == Some("0")) {
            assert_eq!(realtime["priority"]["detail"], "SCHED_FIFO", "{realtime}");
            assert_eq!(realtime["cpu"]["applied"], true, "{realtime}");
            assert_eq!(realtime["lock_memory"]["applied"], true, "{realtime}");
        }
        assert_eq!(json["cycles"], 200);
        let lateness = &json["stats"]["lateness_us"];
        let at = |q: &str| lateness[q].as_u64().unwrap_or_else(|| panic!("{lateness}"));
        assert!(at("p50") <= at("p99") && at("p99") <= at("p999") && at("p999") <= at("max"), "{lateness}");
        assert_eq!(at("max"), json["stats"]["jitter_us"].as_u64().unwrap());
    }
    let (json, _) = run(&[]);
    assert_eq!(json["realtime"], serde_json::json!({"spin_us": 0, "warm_up": true}), "all off by default but the warm-up");
}

/// The warm-up of the caches before each scan: on by default and counted in the summary; off
/// with `--no-warm-up` or `warm_up = false`.
#[test]
fn the_warm_up_is_on_by_default_and_can_be_turned_off() {
    let (on, _) = run(&[]);
    let warm_ups = on["stats"]["warm_ups"].as_u64().unwrap_or_else(|| panic!("{}", on["stats"]));
    assert!((1..=200).contains(&warm_ups), "a 1 ms cycle has room for a warm-up: {}", on["stats"]);
    assert!(on["stats"]["warm_up_avg_us"].as_u64().unwrap() < 1000, "a warm-up never takes a cycle: {}", on["stats"]);
    let dir = TempDir::new("cli-realtime-warm-up");
    let config = dir.join("plc.toml");
    std::fs::write(&config, "[realtime]\nwarm_up = false\n").unwrap();
    for args in [&["--no-warm-up"][..], &["--config", config.to_str().unwrap()]] {
        let (off, _) = run(args);
        assert_eq!(off["realtime"]["warm_up"], false, "{args:?}");
        assert_eq!((&off["stats"]["warm_ups"], &off["stats"]["warm_up_avg_us"]), (&0.into(), &0.into()), "{args:?}");
        assert_eq!(off["cycles"], 200);
    }
}

#[test]
fn a_refused_setting_is_a_warning_and_the_run_goes_on() {
    // CPU 1000 does not exist here: refused by the system, named, and the run completes.
    let (json, stderr) = run(&["--cpu", "1000"]);
    assert_eq!(json["realtime"]["cpu"]["applied"], false);
    assert!(stderr.contains("realtime: cpu 1000: not applied"), "{stderr}");
    assert_eq!(json["cycles"], 200);
}

#[test]
fn settings_out_of_range_are_refused_with_one_line() {
    for (args, message) in [
        (&["--priority", "0"][..], "error: priority 0 is out of range (1 to 99)"),
        (&["--cpu", "5000"], "error: cpu 5000 is out of range (0 to 1023)"),
        (&["--spin", "2ms"], "error: spin 2ms is longer than the cycle (1ms)"),
        (&["--retain-interval", "0s"], "error: retain_interval 0s is out of range (1ms to 1h)"),
    ] {
        let out = output_within(
            Command::new(env!("CARGO_BIN_EXE_plc-host")).args(["run", "x.wasm", "--cycle", "1ms"]).args(args),
            Duration::from_secs(30),
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!((out.status.code(), stderr.trim_end()), (Some(2), message), "{args:?}");
    }
}
