//! Online change: programs swapped while the controller scans; variables survive, a bad file
//! leaves the running version in place.

use std::time::Duration;

#[path = "../../tests/support/mod.rs"]
mod support;

use plc_host::scheduler::Scheduler;
use plc_host::watch::{Change, Watcher};
use plc_host::{Compiled, Controller, InMemoryEnvironment, Limits, Value};

/// Version `v` of a program: output byte 0 = v, and the variable `count` counts its scans
/// (across versions: the variable lives in the host).
fn version(v: u8) -> Vec<u8> {
    let wat = format!(
        r#"(module
            (import "env" "wasm_variable_read_int" (func $get (param i32 i32 i32) (result i32)))
            (import "env" "wasm_variable_write_int" (func $set (param i32 i32 i32) (result i32)))
            (import "env" "wasm_write_output" (func $out (param i32 i32 i32) (result i32)))
            (memory (export "memory") 1)
            (data (i32.const 0) "count")
            (data (i32.const 16) "\{v:02x}")
            (func (export "poll")
                (drop (call $get (i32.const 0) (i32.const 5) (i32.const 8)))
                (drop (call $set (i32.const 0) (i32.const 5) (i32.add (i32.load (i32.const 8)) (i32.const 1))))
                (drop (call $out (i32.const 0) (i32.const 16) (i32.const 1)))))"#
    );
    wasmer::wat2wasm(wat.as_bytes()).unwrap().into_owned()
}

fn outputs(controller: &Controller) -> Vec<u8> {
    controller.env().outputs.clone()
}

fn count(controller: &Controller) -> Option<Value> {
    controller.env().variables.get("count").copied()
}

/// Versions compiled on another thread are swapped in between scans of a 1 ms cycle, 1000
/// times: every scan polls the program, the count in the variable is never lost, and each new
/// version runs from the scan after its swap.
#[test]
fn a_thousand_swaps_during_a_one_millisecond_cycle() {
    const SWAPS: u32 = 1000;
    // Singlepass compiles in a tenth of Cranelift's time: the test takes seconds less.
    let limits = Limits { compiler: plc_host::Compiler::Singlepass, ..Limits::default() };
    let (tx, rx) = std::sync::mpsc::sync_channel::<Compiled>(4);
    let compile_limits = limits.clone();
    let compiler = std::thread::spawn(move || {
        for v in 1..=SWAPS {
            let compiled = Compiled::new("swapped", &version((v % 250) as u8 + 1), compile_limits.clone()).unwrap();
            if tx.send(compiled).is_err() {
                return;
            }
        }
    });
    let mut controller = Controller::new(InMemoryEnvironment::new(0, 1));
    controller.add(Compiled::new("swapped", &version(0), limits).unwrap().instantiate().unwrap()).unwrap();
    let mut scheduler = Scheduler::new(Duration::from_millis(1));
    let mut swaps = 0;
    while swaps < SWAPS {
        let swapped = rx.try_recv().ok().map(|compiled| {
            controller.replace(compiled.instantiate().unwrap());
            swaps += 1;
        });
        scheduler.wait();
        assert!(controller.scan().is_empty());
        scheduler.done();
        assert_eq!(controller.programs().len(), 1);
        assert_eq!(count(&controller), Some(Value::Int(controller.scans() as i32)), "a scan was missed or a variable lost");
        if swapped.is_some() {
            assert_eq!(outputs(&controller), [(swaps % 250) as u8 + 1], "the new version runs at the next scan");
        }
    }
    compiler.join().unwrap();
    assert!(controller.scans() >= u64::from(SWAPS));
}

fn wait_for(watcher: &Watcher) -> Change {
    watcher.next_change(Duration::from_secs(10)).expect("the watcher reports a change")
}

#[test]
fn the_watcher_loads_replaces_rejects_and_removes() {
    let dir = std::env::temp_dir().join(format!("plc-watch-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("motor.wasm");
    std::fs::write(&file, version(1)).unwrap();
    std::fs::write(dir.join("notes.txt"), "not a program").unwrap();
    let watcher = Watcher::spawn(&dir, Limits::default(), Duration::from_millis(5));
    let mut controller = Controller::new(InMemoryEnvironment::new(0, 1));

    let Change::Load(compiled) = wait_for(&watcher) else { panic!("expected a load") };
    assert_eq!(compiled.name(), "motor");
    controller.replace(compiled.instantiate().unwrap());
    controller.scan();
    assert_eq!(outputs(&controller), [1]);

    std::fs::write(&file, version(2)).unwrap();
    let Change::Load(compiled) = wait_for(&watcher) else { panic!("expected a reload") };
    controller.replace(compiled.instantiate().unwrap());
    controller.scan();
    assert_eq!((outputs(&controller), count(&controller)), (vec![2], Some(Value::Int(2))));

    // Half a module: refused, and version 2 keeps running.
    std::fs::write(&file, &version(3)[..40]).unwrap();
    match wait_for(&watcher) {
        Change::Rejected { name, reason } => assert!(name == "motor" && reason.contains("not a valid WebAssembly module"), "{reason}"),
        _ => panic!("expected a rejection"),
    }
    controller.scan();
    assert_eq!(outputs(&controller), [2]);

    std::fs::remove_file(&file).unwrap();
    let Change::Removed { name } = wait_for(&watcher) else { panic!("expected a removal") };
    assert!(controller.remove(&name));
    assert!(controller.programs().is_empty());
    drop(watcher);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn plc_host_run_watch_swaps_programs_while_scanning() {
    let dir = std::env::temp_dir().join(format!("plc-watch-cli-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("motor.wasm"), version(1)).unwrap();
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_plc-host"))
        .args(["run", "--watch", dir.to_str().unwrap(), "--cycle", "10ms", "--cycles", "250", "--outputs", "1", "--json"])
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(700));
    std::fs::write(dir.join("motor.wasm"), version(2)).unwrap();
    std::fs::write(dir.join("broken.wasm"), b"\0asm\x01\0\0\0\x05").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["outputs"], serde_json::json!([2]), "{summary}");
    let programs = summary["programs"].as_array().unwrap();
    assert_eq!(programs.len(), 1);
    assert_eq!(programs[0]["name"], "motor");
    // Both versions counted in the same variable: scans since the first load, none lost.
    let scans = summary["variables"]["count"].as_i64().unwrap();
    assert!(scans > 150 && scans <= 250, "{summary}");
    assert_eq!(summary["rejected"][0]["name"], "broken");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `plc-host run --watch` swaps a new version of a program with state warm: the latched pump
/// and its count carry over, the start is not logged again; with `--cold-swap` the new
/// version starts from its initial state and logs its own start.
#[test]
fn plc_host_run_watch_carries_the_state_unless_asked_for_a_cold_swap() {
    for (flag, cold) in [(None, false), (Some("--cold-swap"), true)] {
        let dir = support::TempDir::new(&format!("watch-state-{cold}"));
        std::fs::write(dir.join("tank.wasm"), support::rust_guest("guest-state-v1")).unwrap();
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_plc-host"));
        cmd.args(["run", "--watch", dir.0.to_str().unwrap(), "--cycle", "5ms", "--cycles", "300", "--inputs", "01", "--outputs", "6", "--json"])
            .args(flag)
            .env("RUST_LOG", "info")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        let child = cmd.spawn().unwrap();
        std::thread::sleep(Duration::from_millis(500));
        std::fs::write(dir.join("tank.part"), support::rust_guest("guest-state-v2")).unwrap();
        std::fs::rename(dir.join("tank.part"), dir.join("tank.wasm")).unwrap();
        let out = support::wait_within(child, Duration::from_secs(30));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{stderr}");
        assert!(stderr.contains("online change: tank loaded"), "{stderr}");
        assert!(stderr.contains("pump started (v1)"), "{stderr}");
        assert_eq!(stderr.contains("pump started (v2)"), cold, "{stderr}");
        assert_eq!(stderr.contains("state taken over: 4 fields kept"), !cold, "{stderr}");
        assert_eq!(stderr.contains("the new version starts cold, as asked"), cold, "{stderr}");
        let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(summary["outputs"][0].as_u64().unwrap() & 1, 1, "the pump runs: {summary}");
        assert_eq!(summary["outputs"][1], 1, "one start counted: {summary}");
    }
}
