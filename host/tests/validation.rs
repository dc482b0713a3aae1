//! Modules that are not programs for this host are refused before they run, each problem named.

mod support;

use plc_host::{Limits, LoadError, Program};

fn problems(wasm: &str) -> Vec<String> {
    match Program::new("bad", wasm.as_bytes(), Limits::default()) {
        Err(LoadError::Invalid(problems)) => problems.iter().map(ToString::to_string).collect(),
        other => panic!("expected validation problems, got {other:?}"),
    }
}

const MEMORY_AND_POLL: &str = r#"(memory (export "memory") 1) (func (export "poll"))"#;

#[test]
fn an_unknown_import_is_named() {
    let p = problems(&format!(r#"(module (import "env" "launch_missiles" (func (param i32))) {MEMORY_AND_POLL})"#));
    assert_eq!(p, ["import env.launch_missiles is not an intrinsic of this host"]);
}

#[test]
fn an_intrinsic_from_another_module_is_refused() {
    let p = problems(&format!(r#"(module (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32))) {MEMORY_AND_POLL})"#));
    assert_eq!(p, ["import wasi_snapshot_preview1.fd_write is not an intrinsic of this host"]);
}

#[test]
fn a_wrong_intrinsic_signature_is_named() {
    let p = problems(&format!(r#"(module (import "env" "wasm_log" (func (param i32 i32) (result i32))) {MEMORY_AND_POLL})"#));
    assert_eq!(
        p,
        ["import env.wasm_log has the signature (i32, i32) -> i32, but the intrinsic's is (i32, i32, i32, i32, i32, i32) -> i32"]
    );
}

#[test]
fn an_imported_memory_is_refused() {
    let p = problems(r#"(module (import "env" "memory" (memory 1)) (func (export "poll")))"#);
    assert!(p[0].contains("must export its own memory"), "{p:?}");
    assert!(p[1].contains("exports no memory"), "{p:?}");
}

#[test]
fn a_missing_poll_is_named() {
    let p = problems(r#"(module (memory (export "memory") 1))"#);
    assert_eq!(p, ["missing export `poll`: the function the controller calls every scan"]);
}

#[test]
fn a_poll_with_parameters_is_refused() {
    let p = problems(r#"(module (memory (export "memory") 1) (func (export "poll") (param i32)))"#);
    assert_eq!(p, ["poll must take no parameters and return nothing, but it is (i32)"]);
    let p = problems(r#"(module (memory (export "memory") 1) (func (export "poll") (result i32) i32.const 0))"#);
    assert_eq!(p, ["poll must take no parameters and return nothing, but it is () -> i32"]);
}

#[test]
fn a_poll_that_is_not_a_function_is_refused() {
    let p = problems(r#"(module (memory (export "memory") 1) (global (export "poll") i32 (i32.const 0)))"#);
    assert_eq!(p, ["export `poll` must be a function"]);
}

#[test]
fn bad_optional_exports_are_refused() {
    let p = problems(&format!(
        r#"(module {MEMORY_AND_POLL} (func (export "init") (param i32)) (func (export "plc_abi_version")))"#
    ));
    assert_eq!(p.len(), 2, "{p:?}");
    assert!(p[0].starts_with("export `init`"), "{p:?}");
    assert!(p[1].starts_with("export `plc_abi_version`"), "{p:?}");
}

#[test]
fn a_program_of_another_abi_version_is_refused() {
    let wasm = format!(r#"(module {MEMORY_AND_POLL} (func (export "plc_abi_version") (result i32) i32.const 2))"#);
    match Program::new("v2", wasm.as_bytes(), Limits::default()) {
        Err(LoadError::Instantiate(fault)) => assert!(fault.message.contains("ABI version 2"), "{fault}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn no_exported_memory_is_refused() {
    let p = problems(r#"(module (memory 1) (func (export "poll")))"#);
    assert_eq!(p, ["the module exports no memory: intrinsics exchange data through the program's exported memory"]);
}

#[test]
fn a_memory_minimum_over_the_limit_is_refused() {
    let limits = Limits { memory_bytes: 4 << 16, ..Limits::default() };
    match Program::new("big", br#"(module (memory (export "memory") 5) (func (export "poll")))"#, limits) {
        Err(LoadError::Invalid(p)) => {
            assert_eq!(p[0].to_string(), "the memory's minimum of 5 pages (320 KiB) exceeds this host's limit of 4 pages (256 KiB)")
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn garbage_is_refused_with_a_compile_error() {
    for bytes in [&b""[..], b"\0asm", b"\0asm\x01\0\0\0\x01\xff", b"\x7fELF\x02\x01\x01", &[0xff; 64]] {
        match Program::new("garbage", bytes, Limits::default()) {
            Err(LoadError::Compile(message)) => assert!(!message.is_empty()),
            other => panic!("{bytes:?}: {other:?}"),
        }
    }
}

#[test]
fn every_problem_is_reported_at_once() {
    let p = problems(r#"(module (import "env" "nope" (func)) (memory 1))"#);
    assert_eq!(p.len(), 3, "{p:?}");
}

#[test]
fn the_hosts_metering_export_names_are_reserved() {
    let wat = r#"(module (memory (export "memory") 1) (func (export "poll"))
        (global (export "plc_meter_remaining_points") (mut i64) (i64.const 0)))"#;
    match Program::new("sneaky", wat.as_bytes(), Limits::default()) {
        Err(LoadError::Invalid(p)) => assert!(p[0].to_string().contains("reserved for the host"), "{p:?}"),
        other => panic!("{other:?}"),
    }
}
