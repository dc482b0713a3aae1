//! The watched folder is not trusted: FIFOs, devices, folders, links out of it and files over
//! the size limit are refused with their reason, and none of them stops the watcher or the
//! run. The programs in the folder at the start are loaded before the first scan.

#[path = "../../tests/support/mod.rs"]
mod support;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output};
use std::time::Duration;

use plc_host::watch::{Change, Watcher};
use plc_host::Limits;
use support::{healthy, output_within, TempDir};

fn plc_host_run(dir: &Path, flags: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_plc-host"));
    cmd.args(["run", "--watch", dir.to_str().unwrap(), "--json"]).args(flags).env("RUST_LOG", "warn");
    output_within(&mut cmd, Duration::from_secs(20))
}

fn summary(out: &Output) -> serde_json::Value {
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("stdout is the JSON summary")
}

fn mkfifo(path: &Path) {
    assert!(Command::new("mkfifo").arg(path).status().unwrap().success());
}

/// Each change ready now, by name: `Ok(())` loaded, `Err(reason)` rejected; each name once.
fn ready(watcher: &Watcher) -> BTreeMap<String, Result<(), String>> {
    let mut ready = BTreeMap::new();
    for change in watcher.changes() {
        let (name, outcome) = match change {
            Change::Load(compiled) => (compiled.name().to_owned(), Ok(())),
            Change::Rejected { name, reason } => (name, Err(reason)),
            Change::Removed { name } => panic!("{name} removed"),
        };
        assert!(ready.insert(name.clone(), outcome).is_none(), "{name} reported twice");
    }
    ready
}

/// Before: the watcher thread waited forever to open the FIFO, and the run never ended (its
/// exit joins the thread).
#[test]
fn a_fifo_beside_a_good_program_is_refused_and_the_run_ends_on_time() {
    let dir = TempDir::new("watch-fifo");
    std::fs::write(dir.join("good.wasm"), healthy(0)).unwrap();
    mkfifo(&dir.join("x.wasm"));
    let summary = summary(&plc_host_run(&dir.0, &["--cycle", "5ms", "--cycles", "20", "--outputs", "1"]));
    assert_eq!(summary["cycles"], 20);
    let programs = summary["programs"].as_array().unwrap();
    assert_eq!((programs.len(), &programs[0]["name"], &programs[0]["polls"]), (1, &"good".into(), &20.into()), "{summary}");
    assert_eq!(summary["outputs"], serde_json::json!([20]), "{summary}");
    assert_eq!(summary["rejected"], serde_json::json!([{"name": "x", "reason": "not a regular file (a FIFO)"}]));
}

/// Before: the watcher needed two looks of 10 ms, so a one-scan run ran without them.
#[test]
fn programs_in_the_folder_are_loaded_before_the_first_scan() {
    let dir = TempDir::new("watch-initial");
    std::fs::write(dir.join("first.wasm"), healthy(0)).unwrap();
    std::fs::write(dir.join("second.wasm"), healthy(1)).unwrap();
    let summary = summary(&plc_host_run(&dir.0, &["--cycles", "1", "--outputs", "2"]));
    let polls: BTreeMap<_, _> =
        summary["programs"].as_array().unwrap().iter().map(|p| (p["name"].as_str().unwrap(), p["polls"].as_u64().unwrap())).collect();
    assert_eq!(polls, BTreeMap::from([("first", 1), ("second", 1)]), "{summary}");
    assert_eq!(summary["outputs"], serde_json::json!([1, 1]), "{summary}");
}

#[test]
fn links_devices_folders_and_fifos_are_refused_with_their_reasons() {
    let dir = TempDir::new("watch-links");
    let elsewhere = TempDir::new("watch-links-elsewhere");
    std::fs::write(dir.join("good.wasm"), healthy(0)).unwrap();
    std::fs::write(elsewhere.join("stray.wasm"), healthy(1)).unwrap();
    std::os::unix::fs::symlink("good.wasm", dir.join("alias.wasm")).unwrap();
    std::os::unix::fs::symlink(elsewhere.join("stray.wasm"), dir.join("outside.wasm")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", dir.join("zero.wasm")).unwrap();
    std::fs::create_dir(dir.join("folder.wasm")).unwrap();
    mkfifo(&dir.join("fifo.wasm"));

    let watcher = Watcher::spawn(&dir.0, Limits::default(), Duration::from_millis(5));
    // All of it is there when spawn returns: the first looks are done.
    let stray = elsewhere.join("stray.wasm").canonicalize().unwrap();
    let expected = BTreeMap::from([
        ("alias".to_owned(), Ok(())),
        ("fifo".to_owned(), Err("not a regular file (a FIFO)".to_owned())),
        ("folder".to_owned(), Err("not a regular file (a folder)".to_owned())),
        ("good".to_owned(), Ok(())),
        ("outside".to_owned(), Err(format!("a link to {}, outside the watched folder", stray.display()))),
        ("zero".to_owned(), Err("not a regular file (a character device)".to_owned())),
    ]);
    assert_eq!(ready(&watcher), expected);
    assert_eq!(watcher.stopped(), None);

    // The watcher goes on: a program written now is loaded.
    std::fs::write(dir.join("later.wasm"), healthy(2)).unwrap();
    match watcher.next_change(Duration::from_secs(10)) {
        Some(Change::Load(compiled)) => assert_eq!(compiled.name(), "later"),
        _ => panic!("expected `later` to load"),
    }
}

#[test]
fn a_file_over_the_size_limit_is_refused() {
    let dir = TempDir::new("watch-size");
    let wat = healthy(0);
    std::fs::write(dir.join("fits.wasm"), &wat).unwrap();
    std::fs::write(dir.join("big.wasm"), format!("{wat} ")).unwrap();
    let limit = wat.len() as u64;
    let watcher = Watcher::spawn(&dir.0, Limits { module_bytes: limit, ..Limits::default() }, Duration::from_millis(5));
    let reason = format!("the file is {} bytes, over this host's limit of {limit} bytes for a module", limit + 1);
    assert_eq!(ready(&watcher), BTreeMap::from([("big".to_owned(), Err(reason)), ("fits".to_owned(), Ok(()))]));
}
