//! The controller's scan and online change (results: docs/benchmarks.md).
//!
//! - `scan/N`: one scan of N small programs (each reads back, increments and writes one output
//!   byte and one variable), for N = 1, 10, 100, 1000.
//! - `compile/<compiler>/<program>`: compiling and checking a real program, per compiler.
//! - `swap/<compiler>`: from the bytes of a new version to its first poll (compile, check,
//!   instantiate, swap, scan): the swap latency, less the folder watcher's polling interval.
//! - `swap_from_file/<compiler>`: from a new version written into a watched folder to its first
//!   poll, through the `Watcher` (polling every 10 ms, a file taken once settled).

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use plc_host::watch::{Change, Watcher};
use plc_host::{Compiled, Compiler, Controller, InMemoryEnvironment, Limits};

fn small_program(i: u32) -> String {
    format!(
        r#"(module
            (import "env" "wasm_read_output" (func $read (param i32 i32 i32) (result i32)))
            (import "env" "wasm_write_output" (func $write (param i32 i32 i32) (result i32)))
            (import "env" "wasm_variable_write_int" (func $var (param i32 i32 i32) (result i32)))
            (memory (export "memory") 1)
            (data (i32.const 16) "counter{i}")
            (func (export "poll")
                (drop (call $read (i32.const {i}) (i32.const 0) (i32.const 1)))
                (i32.store8 (i32.const 0) (i32.add (i32.load8_u (i32.const 0)) (i32.const 1)))
                (drop (call $write (i32.const {i}) (i32.const 0) (i32.const 1)))
                (drop (call $var (i32.const 16) (i32.const {len}) (i32.load8_u (i32.const 0))))))"#,
        len = format!("counter{i}").len()
    )
}

fn scan(c: &mut Criterion) {
    let mut group = c.benchmark_group("scan");
    for n in [1u32, 10, 100, 1000] {
        let mut controller = Controller::new(InMemoryEnvironment::new(0, n as usize));
        let limits = Limits { compiler: Compiler::Singlepass, ..Limits::default() };
        for i in 0..n {
            let compiled = Compiled::new(format!("p{i}"), small_program(i).as_bytes(), limits.clone()).unwrap();
            controller.add(compiled.instantiate().unwrap()).unwrap();
        }
        group.bench_with_input(BenchmarkId::from_parameter(n), &n, |b, _| b.iter(|| assert!(controller.scan().is_empty())));
    }
    group.finish();
}

mod support;

/// Real programs: the examples, built as the tests build them.
fn example(package: &str) -> Vec<u8> {
    support::guest(package)
}

fn compile(c: &mut Criterion) {
    let programs = [("blinky", example("example-blinky")), ("tank-level", example("example-tank-level"))];
    let mut group = c.benchmark_group("compile");
    for compiler in [Compiler::Cranelift, Compiler::Singlepass] {
        let limits = Limits { compiler, ..Limits::default() };
        for (name, wasm) in &programs {
            group.bench_function(format!("{compiler}/{name}"), |b| {
                b.iter(|| black_box(Compiled::new("p", wasm, limits.clone()).unwrap()))
            });
        }
    }
    group.finish();

    let mut group = c.benchmark_group("swap");
    let wasm = &programs[1].1;
    for compiler in [Compiler::Cranelift, Compiler::Singlepass] {
        let limits = Limits { compiler, ..Limits::default() };
        let mut controller = Controller::new(InMemoryEnvironment::new(2, 2));
        controller.add(Compiled::new("tank", wasm, limits.clone()).unwrap().instantiate().unwrap()).unwrap();
        group.bench_function(compiler.to_string(), |b| {
            b.iter(|| {
                let program = Compiled::new("tank", wasm, limits.clone()).unwrap().instantiate().unwrap();
                controller.replace(program);
                assert!(controller.scan().is_empty());
            })
        });
    }
    group.finish();

    let mut group = c.benchmark_group("swap_from_file");
    group.sample_size(10);
    for compiler in [Compiler::Cranelift, Compiler::Singlepass] {
        let limits = Limits { compiler, ..Limits::default() };
        let dir = std::env::temp_dir().join(format!("plc-bench-watch-{}-{compiler}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let watcher = Watcher::spawn(&dir, limits.clone(), Duration::from_millis(10));
        let mut controller = Controller::new(InMemoryEnvironment::new(2, 2));
        // Two versions that differ in one byte of a custom section, written in turn.
        let versions = [wasm.clone(), with_custom_section(wasm)];
        let mut turn = 0;
        group.bench_function(compiler.to_string(), |b| {
            b.iter(|| {
                turn += 1;
                std::fs::write(dir.join("tank.wasm"), &versions[turn % 2]).unwrap();
                loop {
                    match watcher.next_change(Duration::from_secs(10)) {
                        Some(Change::Load(compiled)) => {
                            controller.replace(compiled.instantiate().unwrap());
                            break;
                        }
                        Some(_) => continue,
                        None => panic!("no change seen"),
                    }
                }
                assert!(controller.scan().is_empty());
            })
        });
        drop(watcher);
        std::fs::remove_dir_all(&dir).unwrap();
    }
    group.finish();
}

/// The module with an extra (empty) custom section: the same program, other bytes.
fn with_custom_section(wasm: &[u8]) -> Vec<u8> {
    let mut out = wasm.to_vec();
    out.extend_from_slice(&[0, 2, 1, b'x']); // section 0, size 2: name length 1, "x"
    out
}

fn config() -> Criterion {
    Criterion::default().warm_up_time(Duration::from_millis(500)).measurement_time(Duration::from_secs(3)).sample_size(20)
}

criterion_group! { name = benches; config = config(); targets = scan, compile }
criterion_main!(benches);
