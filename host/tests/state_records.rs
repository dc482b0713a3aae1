//! The records a program's state crosses in: C arrays and struct members under their type
//! strings, a type PLC_STATE cannot carry, a field whose type changed.

mod support;
#[path = "support/host_logs.rs"]
mod host_logs;

use std::time::Duration;

use host_logs::host_logs;
use plc_host::{Controller, InMemoryEnvironment};
use support::*;

/// PLC_STATE writes arrays, a struct's members and the scalar kinds under their canonical type
/// strings, and a new instance takes every one of them over.
#[test]
fn c_arrays_and_members_cross_under_their_type_strings() {
    let wasm = c_guest(&[&root().join("host/tests/c/state_arrays.c")]);
    let mut controller = Controller::new(InMemoryEnvironment::new(0, 4));
    controller.add(load("arrays", &wasm)).unwrap();
    for ms in 0..5u64 {
        controller.env_mut().elapsed = Duration::from_millis(10 * ms);
        assert!(controller.scan().is_empty());
    }
    let before = controller.state("arrays").unwrap();
    let types: Vec<_> = before.iter().map(|r| (r.name, r.type_name, r.bytes.len())).collect();
    assert_eq!(
        types,
        [
            ("scans", "u8", 1),
            ("levels", "[u16; 4]", 8),
            ("flags", "[bool; 3]", 3),
            ("timers", "[Ton/1; 2]", 36),
            ("tank.total", "i64", 8),
            ("tank.ratio", "f64", 8),
            ("tank.counter", "Ctud/1", 10),
            ("gain", "f32", 4),
        ]
    );
    assert_eq!(before.get("levels").unwrap().bytes, [5, 0, 4, 0, 3, 0, 2, 0]);
    assert_eq!(before.get("gain").unwrap().bytes, 48f32.to_le_bytes());
    controller.replace(load("arrays", &wasm));
    controller.env_mut().elapsed = Duration::from_millis(50);
    assert!(controller.scan().is_empty());
    assert_eq!(controller.program("arrays").unwrap().carried().unwrap().kept, 8);
    assert_eq!(controller.env().outputs, [6, 3, 0, 1], "scans, levels[3], flags (each toggled twice: 1 had they started again), the 30 ms timer done");
    let after = controller.state("arrays").unwrap();
    assert_eq!(after.get("tank.total").unwrap().bytes, 6_000_000_000_000i64.to_le_bytes());
    assert_eq!(after.get("gain").unwrap().bytes, 96f32.to_le_bytes());
}

/// A static of a type PLC_STATE cannot carry does not compile, with `_Generic`'s reason.
#[test]
fn a_c_static_of_another_type_is_a_compile_error() {
    let dir = TempDir::new("state-c-type");
    let source = dir.join("long.c");
    std::fs::write(&source, "#include \"plc.h\"\nstatic long count;\nPLC_STATE(count)\nPLC_PROGRAM(p) { count++; }\n").unwrap();
    let out = std::process::Command::new(root().join("c-sdk/bin/plc-cc")).arg("-o").arg(dir.join("long.wasm")).arg(&source).output().unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("controlling expression type 'long' not compatible with any generic association type"), "{stderr}");
}

/// A field whose type changed starts from its initial value, logged once with both types.
#[test]
fn a_retyped_field_starts_from_its_initial_value() {
    // `count` as `ty` (`len` bytes at 16, starting at 7) and `keep` (u8 at 32); poll adds 1 to
    // both and shows them as output bytes 0 and 1.
    let version = |ty: &str, len: u32| {
        let wat = format!(
            r#"(module
            (import "env" "wasm_state_write" (func $w (param i32 i32 i32 i32 i32 i32) (result i32)))
            (import "env" "wasm_state_read" (func $r (param i32 i32 i32 i32 i32 i32) (result i32)))
            (import "env" "wasm_write_output" (func $out (param i32 i32 i32) (result i32)))
            (memory (export "memory") 1)
            (data (i32.const 0) "count{ty}") (data (i32.const 16) "\07") (data (i32.const 40) "keepu8")
            (func (export "plc_state_save")
                (drop (call $w (i32.const 0) (i32.const 5) (i32.const 5) (i32.const 3) (i32.const 16) (i32.const {len})))
                (drop (call $w (i32.const 40) (i32.const 4) (i32.const 44) (i32.const 2) (i32.const 32) (i32.const 1))))
            (func (export "plc_state_load")
                (drop (call $r (i32.const 0) (i32.const 5) (i32.const 5) (i32.const 3) (i32.const 16) (i32.const {len})))
                (drop (call $r (i32.const 40) (i32.const 4) (i32.const 44) (i32.const 2) (i32.const 32) (i32.const 1))))
            (func (export "poll")
                (i32.store8 (i32.const 16) (i32.add (i32.load8_u (i32.const 16)) (i32.const 1)))
                (i32.store8 (i32.const 32) (i32.add (i32.load8_u (i32.const 32)) (i32.const 1)))
                (i32.store8 (i32.const 33) (i32.load8_u (i32.const 32)))
                (drop (call $out (i32.const 0) (i32.const 16) (i32.const 1)))
                (drop (call $out (i32.const 1) (i32.const 33) (i32.const 1)))))"#
        );
        load("retyped", wat.as_bytes())
    };
    host_logs("retyped");
    let mut controller = Controller::new(InMemoryEnvironment::new(0, 2));
    controller.add(version("u32", 4)).unwrap();
    for _ in 0..3 {
        assert!(controller.scan().is_empty());
    }
    assert_eq!(controller.env().outputs, [10, 3]);
    controller.replace(version("u16", 2));
    assert!(controller.scan().is_empty());
    assert_eq!(controller.env().outputs, [8, 4], "count started again from 7, keep went on");
    let carried = controller.program("retyped").unwrap().carried().unwrap();
    let retyped: Vec<_> = carried.retyped.iter().map(|r| (r.name.as_str(), r.was.as_str(), r.now.as_str())).collect();
    assert_eq!((carried.kept, retyped), (1, vec![("count", "u32", "u16")]));
    assert!(carried.new.is_empty() && carried.dropped.is_empty());
    let logs = host_logs("retyped");
    let line = "online change: state field `count` changed type from u32 to u16: it starts from its initial value";
    assert_eq!(logs.iter().filter(|l| l.as_str() == line).count(), 1, "{logs:#?}");
}
