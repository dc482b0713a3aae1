//! Compiling: the pool, every module metered in its own globals, identical modules compiled
//! once and each program held to its own limits.

use super::*;
use crate::compiled::Compiled;
use crate::environment::InMemoryEnvironment;
use crate::fault::FaultKind;
use crate::program::Program;

/// Compiling leaves a core to the scan thread: the pool has one thread fewer than the
/// machine has cores (one on a single core), and the compilers' parallel work runs on it.
#[test]
fn compiling_runs_on_a_pool_that_leaves_a_core_free() {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    assert_eq!(compile_threads(), cores.saturating_sub(1).max(1));
    let pool = pool().expect("the pool is built");
    assert_eq!(pool.current_num_threads(), compile_threads());
    let name = pool.install(|| std::thread::current().name().map(str::to_owned));
    assert!(name.is_some_and(|n| n.starts_with("plc-compile-")), "installed work runs on the pool");
}

/// A module with `globals` globals of its own before the meter's, whose poll adds global 0
/// to itself `spins` times (forever for `None`) and writes it to output byte `out`.
fn counter(globals: usize, spins: Option<u32>, out: u32) -> String {
    let own: String = (0..globals).map(|i| format!("(global (mut i32) (i32.const {}))", i + 1)).collect();
    let spins = spins.map_or("(br $again)".to_owned(), |n| format!("(br_if $again (i32.lt_u (local.get $i) (i32.const {n})))"));
    format!(
        r#"(module
            (import "env" "wasm_write_output" (func $write (param i32 i32 i32) (result i32)))
            (memory (export "memory") 1)
            {own}
            (func (export "poll") (local $i i32)
                (loop $again
                    (global.set 0 (i32.add (global.get 0) (global.get 0)))
                    (local.set $i (i32.add (local.get $i) (i32.const 1)))
                    {spins})
                (i32.store8 (i32.const 0) (global.get 0))
                (drop (call $write (i32.const {out}) (i32.const 0) (i32.const 1)))))"#
    )
}

/// Modules with 1 to 8 globals of their own, compiled from two threads at once: each meter
/// counts in its own module's globals, so every budget holds and every count is right.
#[test]
fn every_module_is_metered_in_its_own_globals() {
    let limits = Limits { cpu_budget: 100_000, ..Limits::default() };
    let compile_all = |first: usize| {
        let limits = limits.clone();
        std::thread::spawn(move || {
            (first..first + 4)
                .map(|globals| {
                    let counting = Compiled::new("counts", counter(globals, Some(3), globals as u32).as_bytes(), limits.clone());
                    let endless = Compiled::new("loops", counter(globals, None, 0).as_bytes(), limits.clone());
                    (globals, counting.unwrap(), endless.unwrap())
                })
                .collect::<Vec<_>>()
        })
    };
    let (a, b) = (compile_all(1), compile_all(5));
    let mut env = InMemoryEnvironment::new(0, 9);
    for (globals, counting, endless) in a.join().unwrap().into_iter().chain(b.join().unwrap()) {
        let (mut counting, mut endless) = (counting.instantiate().unwrap(), endless.instantiate().unwrap());
        counting.poll(&mut env).unwrap();
        assert_eq!(env.outputs[globals], 8, "global 0 doubled 3 times, with {globals} globals");
        let fault = endless.poll(&mut env).unwrap_err();
        assert_eq!(fault.kind, FaultKind::CpuBudget, "with {globals} globals: {fault}");
    }
}

/// Identical bytes with the same compiler and budget share one compiled module; each program
/// still gets its own memory limit from its own tunables.
#[test]
fn identical_modules_are_compiled_once_and_keep_their_own_limits() {
    let grows = r#"(module (memory (export "memory") 1)
        (func (export "poll") (if (i32.lt_s (memory.grow (i32.const 1)) (i32.const 0)) (then (unreachable)))))"#;
    let small = Limits { memory_bytes: 1 << 16, ..Limits::default() };
    let large = Limits { memory_bytes: 1 << 20, ..Limits::default() };
    let compiled = |limits: &Limits| compile(grows.as_bytes(), limits).unwrap().1;
    assert!(compiled(&small) == compiled(&large), "one module for the same bytes, compiler and budget");
    let other_budget = Limits { cpu_budget: 1234, ..small.clone() };
    assert!(compiled(&small) != compiled(&other_budget), "the budget is compiled in");
    let other_compiler = Limits { compiler: Compiler::Singlepass, ..small.clone() };
    assert!(compiled(&small) != compiled(&other_compiler));
    let other_bytes = grows.replace("(i32.const 1)", "(i32.const 2)");
    assert!(compile(other_bytes.as_bytes(), &small).unwrap().1 != compiled(&small));
    let mut env = InMemoryEnvironment::new(0, 0);
    let mut capped = Program::new("capped", grows.as_bytes(), small).unwrap();
    let mut roomy = Program::new("roomy", grows.as_bytes(), large).unwrap();
    assert_eq!(capped.poll(&mut env).unwrap_err().kind, FaultKind::MemoryLimit);
    assert_eq!(roomy.poll(&mut env), Ok(()), "the other program's limit and flag are its own");
    assert_eq!(roomy.poll(&mut env), Ok(()));
}
