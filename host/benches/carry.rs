//! Online change with state (results: docs/benchmarks.md, "State across a new version").
//!
//! `carry/<program>/<warm|cold>`: between two scans, swap in a new version that was compiled
//! and instantiated beforehand (off the scan thread, as the watcher and the service do), then
//! run its first scan: warm, the old instance saves its state and the new one loads it before
//! its first poll; cold, neither. Programs: the tank fill of host/tests/guests/state-v1
//! (4 fields, 71 bytes), a WAT program with one record of 60,000 bytes, and one with 1000
//! records of 4 bytes.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use plc_host::{Compiled, Compiler, Controller, InMemoryEnvironment, Limits, Program, Swap};

mod support;

use support::guest;

/// `records` records named f0000, f0001, ... of `bytes` bytes each, saved and loaded in a loop.
fn records(records: u32, bytes: u32) -> Vec<u8> {
    let names: String = (0..records).map(|i| format!("f{i:04}")).collect();
    let wat = format!(
        r#"(module
        (import "env" "wasm_state_write" (func $w (param i32 i32 i32 i32 i32 i32) (result i32)))
        (import "env" "wasm_state_read" (func $r (param i32 i32 i32 i32 i32 i32) (result i32)))
        (memory (export "memory") 2)
        (data (i32.const 0) "[u8; {bytes}]")
        (data (i32.const 64) "{names}")
        (func (export "plc_state_save") (local $i i32)
            (loop $l
                (drop (call $w (i32.add (i32.const 64) (i32.mul (local.get $i) (i32.const 5))) (i32.const 5)
                    (i32.const 0) (i32.const {type_len}) (i32.const 65536) (i32.const {bytes})))
                (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const {records})))))
        (func (export "plc_state_load") (local $i i32)
            (loop $l
                (drop (call $r (i32.add (i32.const 64) (i32.mul (local.get $i) (i32.const 5))) (i32.const 5)
                    (i32.const 0) (i32.const {type_len}) (i32.const 65536) (i32.const {bytes})))
                (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const {records})))))
        (func (export "poll")))"#,
        type_len = format!("[u8; {bytes}]").len()
    );
    wasmer::wat2wasm(wat.as_bytes()).unwrap().into_owned()
}

fn carry(c: &mut Criterion) {
    let limits = Limits { compiler: Compiler::Singlepass, state_bytes: 128 * 1024, ..Limits::default() };
    let programs = [("tank", guest("guest-state-v1")), ("one_60000_byte_record", records(1, 60_000)), ("1000_records", records(1000, 4))];
    let mut group = c.benchmark_group("carry");
    for (name, wasm) in &programs {
        let compiled = || Compiled::new(*name, wasm, limits.clone()).unwrap();
        let mut controller = Controller::new(InMemoryEnvironment::new(1, 6));
        controller.add(compiled().instantiate().unwrap()).unwrap();
        assert!(controller.scan().is_empty());
        for swap in [Swap::Warm, Swap::Cold] {
            let label = if swap == Swap::Warm { "warm" } else { "cold" };
            group.bench_function(format!("{name}/{label}"), |b| {
                b.iter_batched(
                    || compiled().instantiate().unwrap(),
                    |program: Program| {
                        controller.replace_with(program, swap);
                        assert!(controller.scan().is_empty());
                    },
                    BatchSize::SmallInput,
                )
            });
            if swap == Swap::Warm {
                assert!(controller.program(name).unwrap().carried().is_some_and(|c| c.new.is_empty() && c.dropped.is_empty()), "{name}: carried");
            }
        }
    }
    group.finish();
}

criterion_group!(benches, carry);
criterion_main!(benches);
