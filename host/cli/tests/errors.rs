//! A Rust program that says what went wrong with `?` (host/tests/guests/result), built to
//! wasm32 and run in the host: every scan that returns `Err` is counted in
//! `Program::errors()`, the error is logged once while it persists, and it is not a fault.

#[path = "../../tests/support/mod.rs"]
mod support;

use plc_host::{FaultPolicy, Limits, Program, Status};
use support::*;

/// (level, file, line, message) of every message logged so far.
fn logs(env: &mut plc_host::InMemoryEnvironment) -> Vec<(log::Level, String, u32, String)> {
    env.logs.iter().map(|r| (r.level, r.file.clone(), r.line, r.message.clone())).collect()
}

/// The line of the program's function in the guest's source: where its errors are logged from.
fn program_line() -> u32 {
    let source = std::fs::read_to_string(root().join("host/tests/guests/result/src/lib.rs")).unwrap();
    source.lines().position(|l| l.starts_with("fn copy(")).unwrap() as u32 + 1
}

#[test]
fn an_err_is_counted_every_scan_and_logged_once_while_it_persists() {
    let mut program = load("result", &rust_guest("guest-result"));
    let mut env = env(4, 2);
    env.inputs = vec![2, 0, 42, 0];
    program.poll(&mut env).unwrap();
    assert_eq!((env.outputs.clone(), program.errors()), (vec![42, 1], 0));

    env.inputs[0] = 9; // no input byte 9: `Err(AddressOutOfBounds)`
    for _ in 0..3 {
        program.poll(&mut env).unwrap();
    }
    assert_eq!(program.errors(), 3);
    assert_eq!((program.status(), program.faults(), program.polls()), (Status::Running, 0, 4), "an error is not a fault");
    assert_eq!(env.outputs, [42, 4], "what the scans wrote before the error is published");
    let logged = logs(&mut env);
    assert_eq!(logged.len(), 1, "{logged:?}");
    let (level, file, line, message) = &logged[0];
    assert_eq!((*level, *line, message.as_str()), (log::Level::Warn, program_line(), "scan ended in an error: IO address out of bounds"));
    assert!(file.ends_with("host/tests/guests/result/src/lib.rs"), "{file}");

    env.inputs[0] = 3; // works again: nothing logged, nothing counted
    program.poll(&mut env).unwrap();
    assert_eq!((logs(&mut env).len(), program.errors()), (1, 3));
    env.inputs[0] = 9; // fails again: logged again
    program.poll(&mut env).unwrap();
    program.poll(&mut env).unwrap();
    assert_eq!((logs(&mut env).len(), program.errors()), (2, 5));
}

#[test]
fn the_count_survives_faults_and_restarts() {
    let limits = Limits { on_fault: FaultPolicy::Restart, restart_backoff_max: 0, ..Limits::default() };
    let mut program = Program::new("result", &rust_guest("guest-result"), limits).unwrap();
    let mut env = env(1, 2);
    env.inputs[0] = 9;
    program.poll(&mut env).unwrap();
    program.poll(&mut env).unwrap();
    env.inputs[0] = 255; // a panic: a fault, and a fresh instance next scan
    program.poll(&mut env).unwrap_err();
    assert_eq!((program.errors(), program.faults()), (2, 1));
    env.inputs[0] = 9;
    program.poll(&mut env).unwrap();
    assert_eq!(program.errors(), 3);
    program.restart().unwrap();
    program.poll(&mut env).unwrap();
    assert_eq!(program.errors(), 4);
    // Each new instance starts with no previous outcome: its first error is logged.
    let warnings = env.logs.iter().filter(|r| r.level == log::Level::Warn).count();
    assert_eq!(warnings, 3);
}

#[test]
fn the_json_summary_of_a_run_counts_the_errors() {
    let wasm = std::env::temp_dir().join(format!("plc-errors-{}.wasm", std::process::id()));
    std::fs::write(&wasm, rust_guest("guest-result")).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_plc-host"))
        .arg("run")
        .arg(&wasm)
        .args(["--cycles", "4", "--cycle", "1ms", "--inputs", "09", "--outputs", "2", "--json"])
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    let _ = std::fs::remove_file(&wasm);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let program = &summary["programs"][0];
    assert_eq!((&program["errors"], &program["faults"], &program["status"]), (&serde_json::json!(4), &serde_json::json!(0), &serde_json::json!("running")));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.matches("scan ended in an error: IO address out of bounds").count(), 1, "{stderr}");
}
