//! Hostile flags, config values and pipes: a number out of range is one line and exit 2, a
//! FIFO or device named as a program is refused at once, and a closed stdout ends the output,
//! not the run.

#[path = "../../tests/support/mod.rs"]
mod support;

use std::process::{Command, Output, Stdio};
use std::time::Duration;

use support::{healthy, output_within, wait_within, TempDir};

fn plc_host(args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_plc-host"));
    cmd.args(args).env("RUST_LOG", "warn");
    cmd
}

fn run(args: &[&str]) -> Output {
    output_within(&mut plc_host(args), Duration::from_secs(20))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn numbers_out_of_range_are_one_line_and_exit_2() {
    let dir = TempDir::new("hostile-flags");
    let program = dir.join("p.wasm");
    std::fs::write(&program, healthy(0)).unwrap();
    let p = program.to_str().unwrap();
    let config = |name: &str, text: &str| {
        let path = dir.join(name);
        std::fs::write(&path, format!("programs = [\"p.wasm\"]\n{text}\n")).unwrap();
        path.to_str().unwrap().to_owned()
    };
    let (huge, no_scans) = (config("huge.toml", "cycle = \"18446744073709551615s\""), config("zero.toml", "cycles = 0"));
    let (outputs, budget) = (config("outputs.toml", "outputs = 1048577"), config("budget.toml", "[limits]\ncpu_budget = 0"));
    let (memory, inputs) = (config("memory.toml", "[limits]\nmemory_limit = 1"), config("inputs.toml", &format!("inputs = \"{}\"", "00".repeat((1 << 20) + 1))));
    let cases: &[(&[&str], &str)] = &[
        (&["run", p, "--cycle", "18446744073709551615s"], "error: cycle `18446744073709551615s` is out of range (1ns to 1h)"),
        (&["run", p, "--cycle", "0s"], "error: cycle `0s` is out of range (1ns to 1h)"),
        (&["run", p, "--cycle", "61min"], "error: cycle `61min` is out of range (1ns to 1h)"),
        (&["run", p, "--cycle", "99999999999999999999999s"], "error: cycle `99999999999999999999999s`: number is too large"),
        (&["run", p, "--cycles", "0"], "error: cycles 0: a run has at least 1 scan"),
        (&["run", p, "--outputs", "1048577"], "error: outputs 1048577 is out of range (0 to 1048576 bytes)"),
        (&["run", p, "--cpu-budget", "0"], "error: cpu budget 0 is out of range (1 to 10000000000 instructions)"),
        (&["run", p, "--cpu-budget", "18446744073709551615"], "error: cpu budget 18446744073709551615 is out of range (1 to 10000000000 instructions)"),
        (&["run", p, "--memory-limit", "65535"], "error: memory limit 65535 is out of range (65536 to 4294967296 bytes)"),
        (&["run", p, "--memory-limit", "18446744073709551615"], "error: memory limit 18446744073709551615 is out of range (65536 to 4294967296 bytes)"),
        (&["check", p, "--cpu-budget", "0"], "error: cpu budget 0 is out of range (1 to 10000000000 instructions)"),
        (&["test", p, p, "--memory-limit", "0"], "error: memory limit 0 is out of range (65536 to 4294967296 bytes)"),
        (&["run", "--config", &huge], "error: cycle `18446744073709551615s` is out of range (1ns to 1h)"),
        (&["run", "--config", &no_scans], "error: cycles 0: a run has at least 1 scan"),
        (&["run", "--config", &outputs], "error: outputs 1048577 is out of range (0 to 1048576 bytes)"),
        (&["run", "--config", &budget], "error: cpu budget 0 is out of range (1 to 10000000000 instructions)"),
        (&["run", "--config", &memory], "error: memory limit 1 is out of range (65536 to 4294967296 bytes)"),
        (&["run", "--config", &inputs], "error: inputs 1048577 is out of range (0 to 1048576 bytes)"),
    ];
    for (args, message) in cases {
        let out = run(args);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.starts_with(message) && stderr.ends_with('\n') && stderr.lines().count() == 1, "{args:?}: {stderr}");
        assert!(out.stdout.is_empty(), "{args:?}");
    }
    // The ends of the ranges are accepted.
    for flags in [&["--cycle", "1us", "--cycles", "3"][..], &["--cycle", "1h", "--cycles", "1", "--cpu-budget", "10000000000", "--memory-limit", "65536"]] {
        let out = run(&[&["run", p, "--json"][..], flags].concat());
        assert!(out.status.success(), "{flags:?}: {}", text(&out.stderr));
        let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(summary["programs"][0]["polls"], summary["cycles"], "{flags:?}: {summary}");
    }
}

/// Before: `println!` panicked on the broken pipe.
#[test]
fn a_closed_stdout_ends_the_output_not_the_run() {
    let dir = TempDir::new("hostile-pipe");
    let program = dir.join("p.wasm");
    std::fs::write(&program, healthy(0)).unwrap();
    // With --json the one write comes at the end; without, every scan changes the outputs
    // and prints a line.
    for json in [true, false] {
        let mut cmd = plc_host(&["run", program.to_str().unwrap(), "--cycle", "2ms", "--cycles", "20", "--outputs", "1"]);
        cmd.args(json.then_some("--json")).env("RUST_LOG", "info").stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = cmd.spawn().unwrap();
        drop(child.stdout.take()); // the reader is gone before the first write
        let out = wait_within(child, Duration::from_secs(20));
        let stderr = text(&out.stderr);
        assert!(out.status.success(), "json {json}: {:?}\n{stderr}", out.status);
        assert!(!stderr.contains("panicked"), "json {json}: {stderr}");
        assert_eq!(stderr.matches("stdout is closed").count(), 1, "json {json}: said once\n{stderr}");
        assert!(stderr.contains("run ended after 20 scans"), "json {json}: the run went on to the end\n{stderr}");
    }
}

/// Before: `check` waited forever for a writer to the FIFO.
#[test]
fn a_fifo_or_a_device_named_as_a_program_is_refused_at_once() {
    let dir = TempDir::new("hostile-fifo");
    let fifo = dir.join("fifo.wasm");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let fifo = fifo.to_str().unwrap();
    let out = run(&["check", fifo, "/dev/zero"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(text(&out.stdout), format!("{fifo}: not a regular file (a FIFO)\n/dev/zero: not a regular file (a character device)\n"));
    let out = run(&["run", "/dev/zero", "--cycles", "1"]);
    assert_eq!((out.status.code(), text(&out.stderr)), (Some(1), "/dev/zero: not a regular file (a character device)\n".into()));
}
