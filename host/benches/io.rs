//! IO inside a poll: 10,000 accesses per poll through the process image's handles, through
//! plain memory of the same size (the baseline), and through the fallible functions (one
//! intrinsic call each), in one run. Prints each poll's time, the time of an empty poll of the
//! same module, and the ratios of the accesses alone (the empty poll taken off).
//!
//! Then variables: 1000 reads per poll of an `int` variable by name and by handle, and 1000
//! writes by handle, against 1000 calls of the IO intrinsic `wasm_read_input` (4 bytes).
//!
//! `cargo bench -p plc-host --bench io` (results: docs/benchmarks.md).

#[path = "../tests/support/mod.rs"]
mod support;

use std::time::{Duration, Instant};

use plc_host::{InMemoryEnvironment, Limits, Program, Value};

/// (mode, what) as `guest-io-bench` numbers them; 99 does nothing.
const MODES: [(i32, &str); 13] = [
    (99, "empty poll"),
    (0, "bit read: plain memory"),
    (1, "bit read: image InputBit::is_high"),
    (2, "bit read: io::input_bit (intrinsic)"),
    (3, "bit write: plain memory"),
    (4, "bit write: image OutputBit::toggle"),
    (5, "bit write: io::set_output_bit (intrinsic)"),
    (6, "u16 read: plain memory"),
    (7, "u16 read: image Input<u16>::get"),
    (8, "u16 read: io::input::<u16> (intrinsic)"),
    (9, "u16 write: plain memory"),
    (10, "u16 write: image Output<u16>::set"),
    (11, "u16 write: io::set_output::<u16> (intrinsic)"),
];

/// The median time of one poll in `mode`, over 7 rounds of 200 polls.
fn poll_time(wasm: &[u8], mode: i32) -> Duration {
    let mut env = InMemoryEnvironment::new(32, 32);
    env.variables.insert("bench.mode".into(), Value::Int(mode));
    median_poll(wasm, env)
}

/// The median time of one poll of `wasm` against `env`, over 7 rounds of 200 polls.
fn median_poll(wasm: &[u8], mut env: InMemoryEnvironment) -> Duration {
    let limits = Limits { cpu_budget: 100_000_000, ..Limits::default() };
    let mut program = Program::new("io", wasm, limits).unwrap();
    for _ in 0..50 {
        program.poll(&mut env).unwrap();
    }
    let mut rounds: Vec<Duration> = (0..7)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..200 {
                program.poll(&mut env).unwrap();
            }
            start.elapsed() / 200
        })
        .collect();
    rounds.sort();
    rounds[3]
}

/// A module whose `poll` resolves the handle of "counter" (at 0) into 32, then runs `call`
/// 1000 times.
fn calls(imports: &str, call: &str) -> String {
    format!(
        r#"(module
            (import "env" "wasm_variable_handle" (func $handle (param i32 i32 i32) (result i32)))
            {imports}
            (memory (export "memory") 1)
            (data (i32.const 0) "counter")
            (func (export "poll") (local $i i32)
                (drop (call $handle (i32.const 0) (i32.const 7) (i32.const 32)))
                (loop $l
                    (drop {call})
                    (local.set $i (i32.add (local.get $i) (i32.const 1)))
                    (br_if $l (i32.lt_u (local.get $i) (i32.const 1000))))))"#
    )
}

fn variables() {
    let cases = [
        ("1000 x wasm_read_input, 4 bytes (IO)", calls(r#"(import "env" "wasm_read_input" (func $f (param i32 i32 i32) (result i32)))"#, "(call $f (i32.const 0) (i32.const 64) (i32.const 4))")),
        ("1000 x wasm_variable_read_int by name", calls(r#"(import "env" "wasm_variable_read_int" (func $f (param i32 i32 i32) (result i32)))"#, "(call $f (i32.const 0) (i32.const 7) (i32.const 64))")),
        ("1000 x wasm_handle_read_int", calls(r#"(import "env" "wasm_handle_read_int" (func $f (param i32 i32) (result i32)))"#, "(call $f (i32.load (i32.const 32)) (i32.const 64))")),
        ("1000 x wasm_handle_write_int", calls(r#"(import "env" "wasm_handle_write_int" (func $f (param i32 i32) (result i32)))"#, "(call $f (i32.load (i32.const 32)) (local.get $i))")),
    ];
    let mut io = Duration::ZERO;
    println!();
    println!("{:<46} {:>12} {:>14} {:>10}", "variables", "poll", "per call", "vs IO");
    for (what, wat) in cases {
        let mut env = InMemoryEnvironment::new(16, 16);
        env.variables.insert("counter".into(), Value::Int(7));
        let time = median_poll(wat.as_bytes(), env);
        if io.is_zero() {
            io = time;
        }
        println!("{what:<46} {:>10.2}us {:>12.1}ns {:>9.2}x", time.as_secs_f64() * 1e6, time.as_secs_f64() * 1e9 / 1000.0, time.as_secs_f64() / io.as_secs_f64());
    }
}

fn main() {
    // `cargo test --benches` runs this with `--bench` absent: keep that quick.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let wasm = support::rust_guest("guest-io-bench");
    let times: Vec<(i32, &str, Duration)> = MODES.iter().map(|&(mode, what)| (mode, what, poll_time(&wasm, mode))).collect();
    let empty = times[0].2;
    println!("{:<46} {:>12} {:>14} {:>10}", "10,000 accesses per poll", "poll", "per access", "vs plain");
    let mut plain = Duration::ZERO;
    for &(mode, what, time) in &times {
        let net = time.saturating_sub(empty);
        if mode == 99 {
            println!("{what:<46} {:>10.2}us", time.as_secs_f64() * 1e6);
            continue;
        }
        if what.ends_with("plain memory") {
            plain = net;
        }
        let ratio = net.as_secs_f64() / plain.as_secs_f64().max(1e-12);
        println!("{what:<46} {:>10.2}us {:>12.3}ns {:>9.2}x", time.as_secs_f64() * 1e6, net.as_secs_f64() * 1e9 / 10_000.0, ratio);
    }
    variables();
}
