//! What a point of CPU budget buys, in time, for each kind of work (results:
//! docs/benchmarks.md): a poll runs an endless loop until its budget of 10,000,000 points is
//! spent, and the time per point is compared across
//!
//! - `arithmetic`: a plain loop of integer instructions (the reference: about one point each);
//! - `memory.fill` / `memory.copy` of 1 MiB per instruction (charged 1 point per 16 bytes);
//! - `table.fill` / `table.copy` of 65,536 elements per instruction (1 point per element);
//! - `read_input 4 B` / `read_input 64 KiB`: intrinsic calls (50 points each, and 1 point per
//!   16 bytes copied) against a 64 KiB input image.
//!
//! The budget bounds a poll's time only if no kind of work takes much longer per point than
//! the reference.

use criterion::{criterion_group, criterion_main, Criterion};
use plc_host::{FaultKind, InMemoryEnvironment, Limits, Program};

const BUDGET: u64 = 10_000_000;

fn endless(body: &str) -> String {
    format!(
        r#"(module (import "env" "wasm_read_input" (func $in (param i32 i32 i32) (result i32)))
            (memory (export "memory") 32 32) (table $t 65536 funcref) (table $u 65536 funcref)
            (global $g (mut i32) (i32.const 0))
            (func (export "poll") (loop $l {body} (br $l))))"#
    )
}

fn budget(c: &mut Criterion) {
    let mut group = c.benchmark_group("budget");
    group.sample_size(20);
    let kinds = [
        ("arithmetic", "(global.set $g (i32.xor (i32.add (global.get $g) (i32.const 7)) (i32.const 3)))"),
        ("memory.fill", "(memory.fill (i32.const 0) (global.get $g) (i32.const 1048576))"),
        ("memory.copy", "(memory.copy (i32.const 0) (i32.const 1048576) (i32.const 1048576))"),
        ("table.fill", "(table.fill $t (i32.const 0) (ref.null func) (i32.const 65536))"),
        ("table.copy", "(table.copy $t $u (i32.const 0) (i32.const 0) (i32.const 65536))"),
        ("read_input 4 B", "(drop (call $in (i32.const 0) (i32.const 0) (i32.const 4)))"),
        ("read_input 64 KiB", "(drop (call $in (i32.const 0) (i32.const 0) (i32.const 65536)))"),
    ];
    for (name, body) in kinds {
        let limits = Limits { cpu_budget: BUDGET, ..Limits::default() };
        let wasm = endless(body);
        let mut program = Program::new(name, wasm.as_bytes(), limits.clone()).unwrap();
        let mut env = InMemoryEnvironment::new(65_536, 0);
        // Time per point, in ns: criterion's time per iteration divided by the budget.
        group.bench_function(name, |b| {
            b.iter(|| {
                let fault = program.poll(&mut env).unwrap_err();
                assert_eq!(fault.kind, FaultKind::CpuBudget);
                program.restart().unwrap();
            })
        });
    }
    group.finish();
}

criterion_group!(benches, budget);
criterion_main!(benches);
