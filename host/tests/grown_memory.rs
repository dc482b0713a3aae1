//! A program's memory is bounds-checked by the compiled code and reserved up to its maximum (not
//! a fixed reservation of gigabytes), and it grows in place. The intrinsics, the process image
//! and the bounds checks of both compilers see the pages it grew by, and no more.

mod support;

use plc_host::{Compiler, FaultKind, Limits, Program};
use support::*;
use wasmer::sys::vm::TrapCode;

/// Grows its memory from 1 page to 5 at the first poll (`memory.grow` 4), then every poll reads input byte 0 into the
/// last page with `wasm_read_input`, writes it plus one from there to output 0 with
/// `wasm_write_output`, puts the result code of a read just past the end in output 1, and the
/// process image (its descriptor in page 0) moves output byte 2 from the last page too. Input
/// byte 1 = 1 makes it load the first byte past the end.
const GROWING: &str = r#"(module
  (import "env" "wasm_read_input" (func $read (param i32 i32 i32) (result i32)))
  (import "env" "wasm_write_output" (func $write (param i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  ;; The descriptor: 2 input bytes at 327600, 3 output bytes at 327610 (both in page 5).
  (data (i32.const 16) "\b0\ff\04\00\02\00\00\00\ba\ff\04\00\03\00\00\00")
  (global (export "plc_image") i32 (i32.const 16))
  (global $grown (mut i32) (i32.const 0))
  (func (export "poll")
    (if (i32.eqz (global.get $grown))
      (then
        (if (i32.ne (memory.grow (i32.const 4)) (i32.const 1)) (then unreachable))
        (global.set $grown (i32.const 1))))
    (drop (call $read (i32.const 0) (i32.const 327000) (i32.const 1)))
    (i32.store8 (i32.const 327001) (i32.add (i32.load8_u (i32.const 327000)) (i32.const 1)))
    (drop (call $write (i32.const 0) (i32.const 327001) (i32.const 1)))
    (i32.store8 (i32.const 327002) (call $read (i32.const 0) (i32.const 327680) (i32.const 1)))
    (drop (call $write (i32.const 1) (i32.const 327002) (i32.const 1)))
    ;; The image: output byte 2 = input byte 0 times two.
    (i32.store8 (i32.const 327612) (i32.shl (i32.load8_u (i32.const 327600)) (i32.const 1)))
    ;; The last byte of the grown memory is in bounds; the next one is not.
    (drop (i32.load8_u (i32.const 327679)))
    (if (i32.load8_u (i32.const 327601)) (then (drop (i32.load8_u (i32.const 327680)))))))"#;

#[test]
fn a_grown_memory_is_reached_to_its_new_end_by_both_compilers() {
    for compiler in [Compiler::Cranelift, Compiler::Singlepass] {
        // The image descriptor lies in page 0, its ranges in page 5: the first poll's image
        // check sees a memory of one page and faults, so the image is checked from poll 2 on.
        let limits = Limits { compiler, memory_bytes: 8 << 16, ..Limits::default() };
        let mut program = Program::new("growing", GROWING.as_bytes(), limits.clone()).unwrap();
        let mut env = env(2, 3);
        let first = program.poll(&mut env).expect_err("the image lies past the memory of one page");
        assert_eq!(first.kind, FaultKind::ProcessImage, "{compiler:?}: {first}");

        // A program whose image lies in page 0 and grows like the other one.
        let low = GROWING.replace(r"\b0\ff\04\00", r"\00\01\00\00").replace(r"\ba\ff\04\00", r"\10\01\00\00");
        let low = low.replace("(i32.const 327600)", "(i32.const 256)").replace("(i32.const 327601)", "(i32.const 257)");
        let low = low.replace("(i32.const 327612)", "(i32.const 274)");
        let mut program = Program::new("growing", low.as_bytes(), limits.clone()).unwrap();
        for input in [41u8, 7, 200] {
            env.inputs = vec![input, 0];
            program.poll(&mut env).unwrap_or_else(|f| panic!("{compiler:?}: {f}"));
            assert_eq!(env.outputs[0], input.wrapping_add(1), "{compiler:?}: an intrinsic read and wrote the grown page");
            assert_ne!(env.outputs[1], 0, "{compiler:?}: a read past the new end is refused");
            assert_eq!(env.outputs[2], input.wrapping_shl(1), "{compiler:?}: the image moved output 2");
        }
        env.inputs[1] = 1;
        let fault = program.poll(&mut env).expect_err("a load past the grown memory");
        assert_eq!(fault.kind, FaultKind::Trap(TrapCode::HeapAccessOutOfBounds), "{compiler:?}: {fault}");
    }
}

#[test]
fn growing_past_the_limit_is_refused_by_both_compilers() {
    let wasm = r#"(module
      (import "env" "wasm_write_output" (func $write (param i32 i32 i32) (result i32)))
      (memory (export "memory") 1)
      (func (export "poll")
        (i32.store8 (i32.const 0) (i32.eq (memory.grow (i32.const 1000)) (i32.const -1)))
        (drop (call $write (i32.const 0) (i32.const 0) (i32.const 1)))))"#;
    for compiler in [Compiler::Cranelift, Compiler::Singlepass] {
        let limits = Limits { compiler, memory_bytes: 8 << 16, ..Limits::default() };
        let mut program = Program::new("bomb", wasm.as_bytes(), limits).unwrap();
        let mut env = env(0, 1);
        let fault = program.poll(&mut env).expect_err("growing past the limit faults the poll");
        assert_eq!(fault.kind, FaultKind::MemoryLimit, "{compiler:?}: {fault}");
        assert_eq!(env.outputs[0], 0, "{compiler:?}: the faulted poll published nothing");
    }
}

/// Loads and stores whose address and constant offset add up past 4 GiB, or end one byte past
/// the memory, trap under both compilers' bounds checks: the sum does not wrap.
#[test]
fn accesses_past_the_end_trap_however_the_address_is_made() {
    let cases = [
        "(drop (i32.load offset=4294967295 (i32.const 1)))",
        "(drop (i32.load8_u offset=4294967295 (i32.const 4294967295)))",
        "(drop (i64.load offset=65529 (i32.const 0)))",
        "(i32.store offset=65533 (i32.const 0) (i32.const 7))",
        "(drop (i32.load (i32.const -1)))",
    ];
    for compiler in [Compiler::Cranelift, Compiler::Singlepass] {
        for access in cases {
            let wasm = format!(r#"(module (memory (export "memory") 1 1) (func (export "poll") (drop (i64.load offset=65528 (i32.const 0))) {access}))"#);
            let limits = Limits { compiler, ..Limits::default() };
            let mut program = Program::new("edge", wasm.as_bytes(), limits).unwrap();
            let fault = program.poll(&mut env(0, 0)).expect_err(access);
            assert_eq!(fault.kind, FaultKind::Trap(TrapCode::HeapAccessOutOfBounds), "{compiler:?} {access}: {fault}");
        }
    }
}
