//! The `plc-host` command line: exit codes, messages, the JSON summary, recipes, and no panic
//! on any input.

#[path = "../../tests/support/mod.rs"]
mod support;

use std::path::PathBuf;
use std::process::{Command, Output};

use support::*;

fn plc_host(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_plc-host")).args(args).env("RUST_LOG", "warn").output().expect("plc-host runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Writes `bytes` to a file of its own for this test, in cargo's folder for test files (not the
/// system's temporary folder, which the runs would fill), emptied at its first use in each run.
fn file(name: &str, bytes: &[u8]) -> PathBuf {
    static DIR: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    let dir = DIR.get_or_init(|| {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("cli-test");
        let _ = std::fs::remove_dir_all(&dir);
        dir
    });
    std::fs::create_dir_all(dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn s(p: &std::path::Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn check_accepts_programs_and_names_each_problem() {
    let good = file("good.wasm", &rust_guest("guest-abi-all"));
    let out = plc_host(&["check", s(&good)]);
    assert!(out.status.success(), "{}", text(&out.stdout));

    let bad = file("bad.wasm", br#"(module (import "env" "launch_missiles" (func)) (memory (export "memory") 1))"#);
    let out = plc_host(&["check", s(&good), s(&bad)]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    let lines: Vec<_> = stdout.lines().filter(|l| l.contains("bad.wasm")).collect();
    assert_eq!(lines.len(), 2, "{stdout}");
    assert!(lines[0].ends_with("import env.launch_missiles is not an intrinsic of this host"), "{stdout}");
    assert!(lines[1].contains("missing export `poll`"), "{stdout}");
}

#[test]
fn no_input_makes_it_panic() {
    let wasm = rust_guest("guest-abi-all");
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut random = |n: usize| {
        (0..n)
            .map(|_| {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                seed as u8
            })
            .collect::<Vec<u8>>()
    };
    let mut files = vec![
        file("empty.wasm", b""),
        file("truncated.wasm", &wasm[..wasm.len() / 2]),
        file("header-only.wasm", b"\0asm\x01\0\0\0"),
        file("text.wasm", b"hello"),
    ];
    for i in 0..8 {
        let mut bytes = random(200);
        if i % 2 == 0 {
            bytes[..8].copy_from_slice(b"\0asm\x01\0\0\0");
        }
        files.push(file(&format!("random{i}.wasm"), &bytes));
    }
    // A valid module with one byte flipped, at several places: it may still be valid, so
    // only "no panic" is asked of these.
    let mut maybe_valid = Vec::new();
    for at in [10, wasm.len() / 3, wasm.len() - 5] {
        let mut flipped = wasm.clone();
        flipped[at] ^= 0xff;
        maybe_valid.push(file(&format!("flipped{at}.wasm"), &flipped));
    }
    let good = file("good-for-recipes.wasm", &wasm);
    let missing = "/nonexistent/program.wasm".to_string();
    let mut runs: Vec<Vec<String>> = Vec::new();
    for f in &files {
        runs.push(vec!["check".into(), s(f).into()]);
        runs.push(vec!["run".into(), s(f).into(), "--cycles".into(), "1".into()]);
        runs.push(vec!["test".into(), s(f).into(), s(f).into()]);
    }
    runs.push(vec!["check".into(), missing.clone()]);
    runs.push(vec!["run".into(), missing.clone(), "--cycles".into(), "1".into()]);
    for recipe in [&b""[..], b"{", b"[]", b"{\"passes\": 3}", b"{\"passes\": [{\"elapsed\": \"soon\", \"expected_outputs\": []}]}", b"{\"passes\": [{}]}"] {
        let r = file("recipe.json", recipe);
        runs.push(vec!["test".into(), s(&good).into(), s(&r).into()]);
    }
    for flags in [
        &["run"][..],
        &["run", "x.wasm", "--cycle", "fast"],
        &["run", "x.wasm", "--inputs", "0g"],
        &["run", "x.wasm", "--inputs", "012"],
        &["run", "x.wasm", "--on-fault", "explode"],
        &["run", "x.wasm", "--cycles", "-1"],
        &["run", "x.wasm", "--outputs", "999999999999"],
        &["run", "--config", "/nonexistent/plc.toml"],
        &["check"],
        &["test", "x.wasm"],
        &["frobnicate"],
        &[],
    ] {
        runs.push(flags.iter().map(|s| s.to_string()).collect());
    }
    for f in &maybe_valid {
        runs.push(vec!["check".into(), s(f).into()]);
        runs.push(vec!["run".into(), s(f).into(), "--cycles".into(), "1".into()]);
    }
    for args in &runs {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = plc_host(&args);
        let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
        let may_pass = maybe_valid.iter().any(|f| args.contains(&s(f)));
        let allowed: &[i32] = if may_pass { &[0, 1, 2] } else { &[1, 2] };
        assert!(out.status.code().is_some_and(|c| allowed.contains(&c)), "{args:?} exited {:?}\n{stdout}\n{stderr}", out.status);
        assert!(!stderr.contains("panicked"), "{args:?} panicked:\n{stderr}");
        assert!(!(stdout.trim().is_empty() && stderr.trim().is_empty()), "{args:?} said nothing");
    }
}

#[test]
fn run_prints_the_json_summary() {
    let abi_all = file("abi_all.wasm", &rust_guest("guest-abi-all"));
    let faults = file("faults.wasm", &rust_guest("guest-faults"));
    let out = plc_host(&["run", s(&abi_all), s(&faults), "--cycles", "4", "--cycle", "1ms", "--inputs", "0203", "--outputs", "3", "--json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).expect("stdout is JSON");
    assert_eq!(summary["cycles"], 4);
    assert_eq!(summary["inputs"], serde_json::json!([2, 3]));
    // The faults guest panics (mode 2 = unreachable) and publishes nothing; abi-all runs on.
    assert_eq!(summary["outputs"], serde_json::json!([2, 3, 0]));
    assert_eq!(summary["variables"], serde_json::json!({"count": 4, "ratio": 2.0, "flag": false}));
    let programs = summary["programs"].as_array().unwrap();
    assert_eq!(programs[0]["name"], "abi_all");
    assert_eq!(programs[0]["status"], "running");
    assert_eq!(programs[0]["fault"], serde_json::Value::Null);
    assert_eq!(programs[0]["polls"], 4);
    assert_eq!(programs[1]["name"], "faults");
    assert_eq!(programs[1]["status"], "faulted");
    assert!(programs[1]["fault"].as_str().unwrap().contains("unreachable"));
    assert_eq!((programs[1]["polls"].as_u64(), programs[1]["faults"].as_u64()), (Some(0), Some(1)));
}

#[test]
fn run_with_restart_keeps_restarting() {
    let faults = file("faults-restart.wasm", &rust_guest("guest-faults"));
    let out = plc_host(&["run", s(&faults), "--cycles", "5", "--cycle", "1ms", "--inputs", "01", "--on-fault", "restart", "--json"]);
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["programs"][0]["status"], "running");
    // Restarts back off: faults at scans 1, 2 and 4 of 5.
    assert_eq!(summary["programs"][0]["faults"], 3);
    let stats = &summary["stats"];
    assert_eq!(stats["cycles"], 5);
    for key in ["overruns", "last_us", "min_us", "max_us", "avg_us", "jitter_us"] {
        assert!(stats[key].is_u64(), "stats.{key} in {stats}");
    }
}

#[test]
fn test_passes_a_good_recipe_and_names_the_failing_pass() {
    let program = file("abi_all_recipe.wasm", &rust_guest("guest-abi-all"));
    let good = file(
        "good.json",
        br#"{"passes": [
            {"elapsed": "0ms", "inputs": [1, 2], "expected_outputs": [1, 2, 1], "expected_log_messages": ["scan 1 at 0 ms"],
             "expected_variables": {"count": 1, "ratio": 0.5, "flag": true}},
            {"elapsed": "20ms", "inputs": [5, 6], "expected_outputs": [5, 6, 0], "expected_log_messages": ["scan 2"],
             "variables": {"ratio": 10.0}, "expected_variables": {"ratio": 10.5}}
        ]}"#,
    );
    let out = plc_host(&["test", s(&program), s(&good)]);
    assert!(out.status.success(), "{}{}", text(&out.stdout), text(&out.stderr));

    let bad = file(
        "bad.json",
        br#"{"passes": [
            {"elapsed": "0ms", "inputs": [1, 2], "expected_outputs": [1, 2, 1], "expected_log_messages": ["scan 1"]},
            {"elapsed": "1s", "inputs": [1, 2], "expected_outputs": [1, 2, 1]}
        ]}"#,
    );
    let out = plc_host(&["test", s(&program), s(&bad)]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("pass 2 (elapsed 1s): outputs are [1, 2, 0], expected [1, 2, 1]"), "{stdout}");

    let logs = file("logs.json", br#"{"passes": [{"elapsed": "0ms", "inputs": [0, 0], "expected_outputs": [0, 0, 1]}]}"#);
    let stdout = text(&plc_host(&["test", s(&program), s(&logs)]).stdout);
    assert!(stdout.contains("pass 1 (elapsed 0s): unexpected log messages [\"scan 1 at 0 ms\"]"), "{stdout}");
}

#[test]
fn run_reads_a_config_file_and_flags_override_it() {
    let dir = std::env::temp_dir().join(format!("plc-config-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("faults.wasm"), rust_guest("guest-faults")).unwrap();
    let config = dir.join("plc.toml");
    std::fs::write(
        &config,
        "cycle = \"1ms\"\ncycles = 6\nprograms = [\"faults.wasm\"]\ninputs = \"03\"\noutputs = 2\n\n\
         [limits]\ncpu_budget = 200000\non_fault = \"restart\"\noutputs_on_fault = \"zero\"\nrestart_backoff_max = 0\n",
    )
    .unwrap();
    let out = plc_host(&["run", "--config", s(&config), "--json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["cycles"], 6);
    assert_eq!(summary["outputs"], serde_json::json!([0, 0]));
    let program = &summary["programs"][0];
    assert_eq!((program["name"].as_str(), program["faults"].as_u64()), (Some("faults"), Some(6)), "{summary}");
    assert!(program["fault"].as_str().unwrap().contains("200000 instructions"), "{summary}");

    // Flags win over the file: a healthy mode, 2 scans; at the end the outputs go to their safe
    // state (zero, by the file's policy).
    let out = plc_host(&["run", "--config", s(&config), "--cycles", "2", "--inputs", "00", "--json"]);
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["cycles"], 2);
    assert_eq!(summary["variables"]["faults.scans"], 2, "{summary}");
    assert_eq!(summary["outputs"], serde_json::json!([0, 0]), "{summary}");

    std::fs::write(&config, "cycle = \"1ms\"\ntypo = 1\n").unwrap();
    let out = plc_host(&["run", "--config", s(&config)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("unknown field `typo`"), "{}", text(&out.stderr));

    // A policy is read as one of its names, and only those.
    std::fs::write(&config, "programs = [\"faults.wasm\"]\n[limits]\non_fault = \"sometimes\"\n").unwrap();
    let out = plc_host(&["run", "--config", s(&config)]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("unknown variant `sometimes`, expected `stop` or `restart`"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The variable table's bounds come from `[limits]`: a program creating a variable every scan
/// gets as many as the table takes.
#[test]
fn the_config_bounds_the_variable_table_and_the_module_size() {
    let dir = std::env::temp_dir().join(format!("plc-config-limits-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let creator = r#"(module
        (import "env" "wasm_variable_write_int" (func $set (param i32 i32 i32) (result i32)))
        (memory (export "memory") 1)
        (data (i32.const 0) "v")
        (global $n (mut i32) (i32.const 0))
        (func (export "poll")
            (i32.store8 (i32.const 1) (i32.add (i32.const 65) (global.get $n)))
            (global.set $n (i32.add (global.get $n) (i32.const 1)))
            (drop (call $set (i32.const 0) (i32.const 2) (i32.const 1)))))"#;
    std::fs::write(dir.join("creator.wasm"), wasmer::wat2wasm(creator.as_bytes()).unwrap()).unwrap();
    let config = dir.join("plc.toml");
    std::fs::write(&config, "cycle = \"1ms\"\ncycles = 10\nprograms = [\"creator.wasm\"]\n[limits]\nvariables = 3\n").unwrap();
    let out = plc_host(&["run", "--config", s(&config), "--json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["variables"], serde_json::json!({"vA": 1, "vB": 1, "vC": 1}), "{summary}");

    std::fs::write(&config, "cycles = 1\nprograms = [\"creator.wasm\"]\n[limits]\nmodule_bytes = 16\n").unwrap();
    let out = plc_host(&["run", "--config", s(&config)]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("over this host's limit of 16 bytes"), "{}", text(&out.stderr));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn sigterm_ends_the_run_after_the_scan_with_the_summary_and_safe_outputs() {
    let program = file("blinky-term.wasm", &rust_guest("example-blinky"));
    let child = Command::new(env!("CARGO_BIN_EXE_plc-host"))
        .args(["run", s(&program), "--cycle", "5ms", "--inputs", "01", "--outputs", "1", "--outputs-on-fault", "zero", "--json"])
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(400));
    let killed = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(killed.success());
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{:?}", out.status);
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).expect("the summary is printed");
    assert!(summary["cycles"].as_u64().unwrap() > 10, "{summary}");
    assert_eq!(summary["outputs"], serde_json::json!([0]), "the lamp is off: its safe state");
}
