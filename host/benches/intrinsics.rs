//! What the host's safety costs, as ratios measured in one run (results: docs/benchmarks.md).
//!
//! - `poll/*`: one empty `poll` through `Program` (staging, metering, environment hand-over)
//!   against a bare wasmer typed call of the same module without metering.
//! - `call/<intrinsic>/*`: 1000 calls of an intrinsic from inside one poll, through our host
//!   function (`program`), against a bare wasmer import of the same signature that does nothing
//!   (`bare_wasmer`), against one that only does the guest-memory access every safe wasmer host
//!   function must do (`bare_wasmer_memory`: a bounds-checked memory view, 4 to 12 bytes copied),
//!   against the native Rust call doing the intrinsic's work on the same environment (`native`).
//! - `log/*`: 100 messages per poll, logged by a guest through the whole host path, against
//!   native Rust code building the same records for the same sink.

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use plc_host::{Environment, InMemoryEnvironment, Limits, LogRecord, Program, Value};
use wasmer::{imports, Function, FunctionEnv, FunctionEnvMut, Instance, Memory, Module, Store, TypedFunction};

const CALLS: u64 = 1000;

/// A module whose `poll` calls `name` (a function of signature `params -> i32`) `CALLS` times
/// with `args`. Memory holds the name "counter" at 0 and scratch space at 64.
fn calls_module(name: &str, params: &str, args: &str) -> String {
    format!(
        r#"(module
            (import "env" "{name}" (func $f (param {params}) (result i32)))
            (memory (export "memory") 1)
            (data (i32.const 0) "counter")
            (func (export "poll") (local $i i32)
                (loop $l
                    (drop (call $f {args}))
                    (local.set $i (i32.add (local.get $i) (i32.const 1)))
                    (br_if $l (i32.lt_u (local.get $i) (i32.const {CALLS}))))))"#
    )
}

fn environment() -> InMemoryEnvironment {
    let mut env = InMemoryEnvironment::new(16, 16);
    env.variables.insert("counter".into(), Value::Int(7));
    env
}

/// A bare wasmer instance of `wat` without imports (default engine, no metering, no checks);
/// returns its typed `poll`.
fn bare(wat: &str, store: &mut Store) -> TypedFunction<(), ()> {
    let module = Module::new(&*store, wat).unwrap();
    let instance = Instance::new(&mut *store, &module, &imports! {}).unwrap();
    instance.exports.get_typed_function(&*store, "poll").unwrap()
}

/// A bare wasmer instance of `wat` whose import `name` is a typed host function (wasmer's
/// fastest) of 3 or 2 x i32 -> i32 that returns 0 at once.
fn bare_typed(wat: &str, name: &str, params: usize, store: &mut Store) -> TypedFunction<(), ()> {
    let module = Module::new(&*store, wat).unwrap();
    let f = if params == 3 {
        Function::new_typed(&mut *store, |a: i32, b: i32, c: i32| -> i32 {
            black_box((a, b, c));
            0
        })
    } else {
        Function::new_typed(&mut *store, |a: i32, b: i32| -> i32 {
            black_box((a, b));
            0
        })
    };
    let instance = Instance::new(&mut *store, &module, &imports! { "env" => { name => f } }).unwrap();
    instance.exports.get_typed_function(&*store, "poll").unwrap()
}

/// A bare wasmer instance whose import `name` does the memory access a safe host function
/// must: a view of the guest memory, and a bounds-checked copy of `bytes` bytes out of it at
/// its second argument (or, for two arguments, into it at the first).
fn bare_memory(wat: &str, name: &str, params: usize, store: &mut Store) -> TypedFunction<(), ()> {
    let module = Module::new(&*store, wat).unwrap();
    let env = FunctionEnv::new(&mut *store, None::<Memory>);
    fn copy(mut env: FunctionEnvMut<Option<Memory>>, at: i32, write: bool, len: usize) -> i32 {
        let (memory, store) = env.data_and_store_mut();
        let Some(memory) = memory.clone() else { return 1 };
        let view = memory.view(&store);
        let mut buf = [0u8; 12];
        let done = if write { view.write(at as u32 as u64, &buf[..len]) } else { view.read(at as u32 as u64, &mut buf[..len]) };
        i32::from(done.is_err())
    }
    let f = if params == 3 {
        Function::new_typed_with_env(&mut *store, &env, |env: FunctionEnvMut<Option<Memory>>, _a: i32, b: i32, _c: i32| copy(env, b, false, 4))
    } else {
        Function::new_typed_with_env(&mut *store, &env, |env: FunctionEnvMut<Option<Memory>>, a: i32, _b: i32| copy(env, a, true, 12))
    };
    let instance = Instance::new(&mut *store, &module, &imports! { "env" => { name => f } }).unwrap();
    *env.as_mut(&mut *store) = Some(instance.exports.get_memory("memory").unwrap().clone());
    instance.exports.get_typed_function(&*store, "poll").unwrap()
}

fn empty_poll(c: &mut Criterion) {
    let wat = r#"(module (memory (export "memory") 1) (func (export "poll")))"#;
    let mut group = c.benchmark_group("poll");
    let mut program = Program::new("empty", wat.as_bytes(), Limits::default()).unwrap();
    let mut env = environment();
    group.bench_function("program", |b| b.iter(|| program.poll(&mut env).unwrap()));
    let mut store = Store::default();
    let poll = bare(wat, &mut store);
    group.bench_function("bare_wasmer", |b| b.iter(|| poll.call(&mut store).unwrap()));
    group.finish();
}

fn intrinsic_calls(c: &mut Criterion) {
    // (intrinsic, wasm params, call arguments, the native Rust work on the environment)
    type Native = fn(&mut InMemoryEnvironment, &mut [u8; 64]);
    let cases: [(&str, &str, &str, Native); 6] = [
        ("wasm_read_input", "i32 i32 i32", "(i32.const 0) (i32.const 64) (i32.const 4)", |env, buf| {
            env.read_input(0, &mut buf[..4]).unwrap()
        }),
        ("wasm_write_output", "i32 i32 i32", "(i32.const 0) (i32.const 64) (i32.const 4)", |env, buf| {
            env.write_output(0, &buf[..4]).unwrap()
        }),
        ("wasm_read_output", "i32 i32 i32", "(i32.const 0) (i32.const 64) (i32.const 4)", |env, buf| {
            env.read_output(0, &mut buf[..4]).unwrap()
        }),
        ("wasm_current_time", "i32 i32", "(i32.const 64) (i32.const 72)", |env, buf| {
            let t = env.elapsed().unwrap();
            buf[..8].copy_from_slice(&t.as_secs().to_le_bytes());
            buf[8..12].copy_from_slice(&t.subsec_nanos().to_le_bytes());
        }),
        ("wasm_variable_read_int", "i32 i32 i32", "(i32.const 0) (i32.const 7) (i32.const 64)", |env, buf| {
            let raw = black_box(*b"counter");
            if let Value::Int(v) = env.get_variable(std::str::from_utf8(&raw).unwrap()).unwrap() {
                buf[..4].copy_from_slice(&v.to_le_bytes());
            }
        }),
        ("wasm_variable_write_int", "i32 i32 i32", "(i32.const 0) (i32.const 7) (i32.const 5)", |env, _| {
            let raw = black_box(*b"counter");
            env.set_variable(std::str::from_utf8(&raw).unwrap(), Value::Int(5)).unwrap()
        }),
    ];
    for (name, params, args, native) in cases {
        let wat = calls_module(name, params, args);
        let mut group = c.benchmark_group(format!("call/{name}"));
        group.throughput(Throughput::Elements(CALLS));
        let mut program = Program::new(name, wat.as_bytes(), Limits::default()).unwrap();
        let mut env = environment();
        group.bench_function("program", |b| b.iter(|| program.poll(&mut env).unwrap()));
        let mut store = Store::default();
        let poll = bare_typed(&wat, name, params.split(' ').count(), &mut store);
        group.bench_function("bare_wasmer", |b| b.iter(|| poll.call(&mut store).unwrap()));
        let mut store = Store::default();
        let poll = bare_memory(&wat, name, params.split(' ').count(), &mut store);
        group.bench_function("bare_wasmer_memory", |b| b.iter(|| poll.call(&mut store).unwrap()));
        let mut native_env = InMemoryEnvironment::new(16, 16);
        native_env.variables.insert("counter".into(), Value::Int(7));
        let mut buf = [0u8; 64];
        group.bench_function("native", |b| {
            b.iter(|| {
                for _ in 0..CALLS {
                    native(black_box(&mut native_env), black_box(&mut buf));
                }
            })
        });
        group.finish();
    }
}

fn log_throughput(c: &mut Criterion) {
    const MESSAGES: u64 = 100;
    let wat = format!(
        r#"(module
            (import "env" "wasm_log" (func $log (param i32 i32 i32 i32 i32 i32) (result i32)))
            (memory (export "memory") 1)
            (data (i32.const 0) "main.c")
            (data (i32.const 16) "Polling")
            (func (export "poll") (local $i i32)
                (loop $l
                    (drop (call $log (i32.const 2) (i32.const 0) (i32.const 6) (i32.const 42) (i32.const 16) (i32.const 7)))
                    (local.set $i (i32.add (local.get $i) (i32.const 1)))
                    (br_if $l (i32.lt_u (local.get $i) (i32.const {MESSAGES}))))))"#
    );
    let mut group = c.benchmark_group("log");
    group.throughput(Throughput::Elements(MESSAGES));
    let limits = Limits { log_messages_per_poll: MESSAGES as u32, ..Limits::default() };
    let mut program = Program::new("logger", wat.as_bytes(), limits).unwrap();
    let mut env = environment();
    group.bench_function("program", |b| {
        b.iter(|| {
            program.poll(&mut env).unwrap();
        })
    });
    let mut native_env = InMemoryEnvironment::new(0, 0);
    let program_name: std::sync::Arc<str> = "logger".into();
    group.bench_function("native", |b| {
        b.iter(|| {
            for _ in 0..MESSAGES {
                let message = black_box("Polling").to_string();
                let record = LogRecord {
                    program: program_name.clone(),
                    level: log::Level::Info,
                    file: black_box("main.c").to_owned(),
                    line: 42,
                    message,
                };
                log::logger().log(
                    &log::Record::builder()
                        .target(&record.program)
                        .level(record.level)
                        .args(format_args!("{}", record.message))
                        .build(),
                );
                native_env.log(record);
            }
        })
    });
    group.finish();
}

fn config() -> Criterion {
    Criterion::default().warm_up_time(Duration::from_millis(500)).measurement_time(Duration::from_secs(2)).sample_size(30)
}

criterion_group! { name = benches; config = config(); targets = empty_poll, intrinsic_calls, log_throughput }
criterion_main!(benches);
