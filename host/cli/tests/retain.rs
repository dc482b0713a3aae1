//! `plc-host run` with retained variables: they survive a restart, a replaced program and a
//! `kill -9`; `--cold` starts from the defaults; a corrupt store and a changed type each give a
//! cold start with a message, the old file kept aside.

#[path = "../../tests/support/mod.rs"]
mod support;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use support::*;

const LIMIT: Duration = Duration::from_secs(60);

struct Run {
    json: serde_json::Value,
    stderr: String,
}

fn write(dir: &TempDir, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// `plc-host run PROGRAM --retain STORE --json ...`: the summary and the log.
fn run(program: &Path, store: &Path, extra: &[&str]) -> Run {
    let out = output_within(
        Command::new(env!("CARGO_BIN_EXE_plc-host"))
            .arg("run")
            .arg(program)
            .arg("--retain")
            .arg(store)
            .args(["--cycle", "1ms", "--outputs", "4", "--json"])
            .args(extra)
            .env("RUST_LOG", "warn"),
        LIMIT,
    );
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{stderr}");
    Run { json: serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {stderr}")), stderr }
}

fn count(run: &Run) -> &serde_json::Value {
    &run.json["variables"]["count"]
}

#[test]
fn a_retained_variable_survives_a_restart_and_a_replaced_program_and_cold_starts_from_nothing() {
    let dir = TempDir::new("cli-retain-restart");
    let store = dir.join("plc.redb");
    let v1 = write(&dir, "counter.wasm", &retained_counter(1, false));
    let first = run(&v1, &store, &["--cycles", "5"]);
    assert_eq!(*count(&first), 5);
    assert_eq!(first.json["retain"]["restored"], serde_json::json!([]));
    let again = run(&v1, &store, &["--cycles", "5"]);
    assert_eq!(*count(&again), 10, "restored, then 5 more");
    assert_eq!(again.json["retain"]["warm"], true);
    assert_eq!(again.json["retain"]["restored"], serde_json::json!(["count"]));
    assert!(again.json["retain"]["saves"].as_u64().unwrap() >= 1);

    // Another program (a new version) that declares the same variable carries on from it.
    let v2 = write(&dir, "counter_v2.wasm", &retained_counter(100, false));
    let replaced = run(&v2, &store, &["--cycles", "2"]);
    assert_eq!(*count(&replaced), 210);

    let cold = run(&v2, &store, &["--cycles", "1", "--cold"]);
    assert_eq!(*count(&cold), 100, "from the default");
    assert_eq!(cold.json["retain"]["warm"], false);
    assert_eq!(*count(&run(&v2, &store, &["--cycles", "1"])), 200, "the cold run's value was saved");

    // Named in the config only: a variable no program declares, restored all the same.
    let config = write(&dir, "plc.toml", "retain = \"named.redb\"\nretained = [\"count\"]\nretain_interval = \"5ms\"\n");
    let plain = write(&dir, "plain.wasm", &healthy(0));
    let store = dir.join("named.redb");
    for expected in [3, 6] {
        let out = run(&plain, &store, &["--cycles", "3", "--config", config.to_str().unwrap(), "--retained", "healthy0"]);
        assert_eq!(out.json["variables"]["healthy0"], expected);
    }
}

#[test]
fn a_retained_variable_survives_kill_9() {
    let dir = TempDir::new("cli-retain-kill");
    let store = dir.join("plc.redb");
    let program = write(&dir, "counter.wasm", &retained_counter(1, false));
    let started = std::time::Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_plc-host"))
        .arg("run")
        .arg(&program)
        .arg("--retain")
        .arg(&store)
        .args(["--cycle", "1ms", "--outputs", "4", "--retain-interval", "10ms"])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let pid = child.id().to_string();
    // Each scan prints its outputs (the count, little-endian) through a writer thread that may
    // lag behind. Kill it once a line shows a count past 300 (about 30 save intervals).
    let value = |line: &str| {
        let hex: Vec<u8> = line.rsplit("outputs ").next()?.split(' ').map(|b| u8::from_str_radix(b, 16).ok()).collect::<Option<_>>()?;
        Some(i32::from_le_bytes(hex.try_into().ok()?))
    };
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut last = 0;
        for line in lines.by_ref().map_while(Result::ok) {
            last = value(&line).unwrap_or(last);
            let _ = tx.send(last);
        }
    });
    loop {
        match rx.recv_timeout(LIMIT) {
            Ok(count) if count > 300 => break,
            Ok(_) => {}
            Err(_) => {
                let _ = Command::new("kill").args(["-KILL", &pid]).status();
                panic!("plc-host {pid} stopped counting");
            }
        }
    }
    assert!(Command::new("kill").args(["-KILL", &pid]).status().unwrap().success());
    let status = child.wait().unwrap();
    assert_eq!(std::os::unix::process::ExitStatusExt::signal(&status), Some(9));
    // A 1 ms schedule never runs ahead of the clock: at most one scan per millisecond lived.
    let most = i64::try_from(started.elapsed().as_millis()).unwrap() + 1;
    let last = rx.iter().last().unwrap_or(0);

    let after = run(&program, &store, &["--cycles", "1"]);
    assert_eq!(after.json["retain"]["warm"], true, "{}", after.stderr);
    let restored = count(&after).as_i64().unwrap() - 1;
    assert!((1..=most).contains(&restored), "restored {restored}; the killed run printed {last} and scanned at most {most} times");
}

#[test]
fn a_corrupt_store_or_a_changed_type_starts_cold_with_a_message_and_keeps_the_file() {
    let dir = TempDir::new("cli-retain-bad");
    let store = dir.join("plc.redb");
    let program = write(&dir, "counter.wasm", &retained_counter(1, false));
    std::fs::write(&store, vec![0x42; 4096]).unwrap();
    let corrupt = run(&program, &store, &["--cycles", "3"]);
    assert_eq!(*count(&corrupt), 3, "cold");
    let aside = PathBuf::from(corrupt.json["retain"]["set_aside"].as_str().unwrap());
    assert_eq!(std::fs::read(&aside).unwrap(), vec![0x42; 4096], "kept as it was");
    let message = format!("retain store {} cannot be read", store.display());
    assert!(corrupt.stderr.contains(&message) && corrupt.stderr.contains("starting cold"), "{}", corrupt.stderr);
    assert!(corrupt.json["retain"]["messages"][0].as_str().unwrap().contains(&message));
    assert_eq!(*count(&run(&program, &store, &["--cycles", "3"])), 6, "the new store works");

    let doubled = write(&dir, "doubled.wasm", &retained_counter(1, true));
    let changed = run(&doubled, &store, &["--cycles", "2"]);
    assert_eq!(*count(&changed), 2.0, "cold, and an f64 now");
    assert!(changed.stderr.contains("retained variable `count` is stored as i32, but program `doubled` declares it f64"), "{}", changed.stderr);
    let aside = PathBuf::from(changed.json["retain"]["set_aside"].as_str().unwrap());
    assert!(aside.exists() && store.exists());
}
