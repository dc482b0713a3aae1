//! Every intrinsic against hostile and ordinary arguments: the right result code, never a trap,
//! never a host panic; and the process image and variable semantics of a poll.

mod support;

use std::time::Duration;

use plc_host::{InMemoryEnvironment, Limits, Program, Status, Value};
use plc_abi::{self as abi, wasm_result_t::*};
use support::*;

const WILD: &str = "i32.const 0xFFFFFFF0";

/// A program whose poll stores the result of `call` (an intrinsic call in WAT) in output byte 0.
/// Memory: the name "x" at 100, "\ff\fe" at 110, 300 bytes of 'a' at 200.
fn probe(call: &str) -> Program {
    let imports: String = abi::INTRINSICS
        .iter()
        .map(|i| {
            let params = i.params.iter().map(|p| if *p == abi::ValType::F64 { "f64" } else { "i32" }).collect::<Vec<_>>().join(" ");
            format!(r#"(import "env" "{0}" (func ${0} (param {params}) (result i32)))"#, i.name)
        })
        .collect();
    let wat = format!(
        r#"(module {imports}
            (memory (export "memory") 1)
            (data (i32.const 100) "x")
            (data (i32.const 110) "\ff\fe")
            (data (i32.const 200) "{long}")
            (func (export "poll")
                (i32.store8 (i32.const 0) ({call}))
                (drop (call $wasm_write_output (i32.const 0) (i32.const 0) (i32.const 1)))))"#,
        long = "a".repeat(300)
    );
    Program::new("probe", wat.as_bytes(), Limits::default()).unwrap_or_else(|e| panic!("{call}: {e}"))
}

/// Polls a probe once against `env` and returns the code it stored.
fn code_of(call: &str, env: &mut InMemoryEnvironment) -> i32 {
    let mut program = probe(call);
    program.poll(env).unwrap_or_else(|f| panic!("{call} trapped: {f}"));
    assert_eq!(program.status(), Status::Running);
    i32::from(env.outputs[0])
}

fn fresh() -> InMemoryEnvironment {
    let mut env = env(4, 4);
    env.variables.insert("x".into(), Value::Int(5));
    env
}

/// Calls of every intrinsic with a pointer outside the program's memory, and with a negative
/// length: each gets WASM_GENERIC_ERROR back and the program keeps running.
#[test]
fn wild_pointers_and_negative_lengths_get_generic_error_from_every_intrinsic() {
    let calls: &[(&str, &[&str])] = &[
        ("wasm_log", &[
            "call $wasm_log (i32.const 2) ({WILD}) (i32.const 4) (i32.const 1) (i32.const 100) (i32.const 1)",
            "call $wasm_log (i32.const 2) (i32.const 100) (i32.const 1) (i32.const 1) ({WILD}) (i32.const 4)",
            "call $wasm_log (i32.const 2) (i32.const 100) (i32.const -1) (i32.const 1) (i32.const 100) (i32.const 1)",
            "call $wasm_log (i32.const 2) (i32.const 100) (i32.const 1) (i32.const 1) (i32.const 100) (i32.const -5)",
        ]),
        ("wasm_read_input", &["call $wasm_read_input (i32.const 0) ({WILD}) (i32.const 4)", "call $wasm_read_input (i32.const 0) (i32.const 8) (i32.const -1)"]),
        ("wasm_write_output", &["call $wasm_write_output (i32.const 0) ({WILD}) (i32.const 4)", "call $wasm_write_output (i32.const 0) (i32.const 8) (i32.const -1)"]),
        ("wasm_read_output", &["call $wasm_read_output (i32.const 0) ({WILD}) (i32.const 4)", "call $wasm_read_output (i32.const 0) (i32.const 8) (i32.const -1)"]),
        ("wasm_current_time", &["call $wasm_current_time ({WILD}) (i32.const 8)", "call $wasm_current_time (i32.const 8) ({WILD})", "call $wasm_current_time (i32.const 65532) (i32.const 8)"]),
        ("wasm_variable_read_boolean", &["call $wasm_variable_read_boolean ({WILD}) (i32.const 1) (i32.const 8)", "call $wasm_variable_read_boolean (i32.const 100) (i32.const -1) (i32.const 8)"]),
        ("wasm_variable_read_double", &["call $wasm_variable_read_double ({WILD}) (i32.const 1) (i32.const 8)", "call $wasm_variable_read_double (i32.const 100) (i32.const -1) (i32.const 8)"]),
        ("wasm_variable_read_int", &[
            "call $wasm_variable_read_int ({WILD}) (i32.const 1) (i32.const 8)",
            "call $wasm_variable_read_int (i32.const 100) (i32.const -1) (i32.const 8)",
            "call $wasm_variable_read_int (i32.const 100) (i32.const 1) ({WILD})",
        ]),
        ("wasm_variable_write_boolean", &["call $wasm_variable_write_boolean ({WILD}) (i32.const 1) (i32.const 1)", "call $wasm_variable_write_boolean (i32.const 100) (i32.const -1) (i32.const 1)"]),
        ("wasm_variable_write_double", &["call $wasm_variable_write_double ({WILD}) (i32.const 1) (f64.const 1)", "call $wasm_variable_write_double (i32.const 100) (i32.const -1) (f64.const 1)"]),
        ("wasm_variable_write_int", &["call $wasm_variable_write_int ({WILD}) (i32.const 1) (i32.const 1)", "call $wasm_variable_write_int (i32.const 100) (i32.const -1) (i32.const 1)"]),
        // No pointer to get wrong: reporting "error" 0, which is success, is the bad argument.
        ("wasm_report_error", &["call $wasm_report_error (i32.const 0)"]),
        ("wasm_variable_handle", &[
            "call $wasm_variable_handle ({WILD}) (i32.const 1) (i32.const 8)",
            "call $wasm_variable_handle (i32.const 100) (i32.const -1) (i32.const 8)",
            "call $wasm_variable_handle (i32.const 110) (i32.const 2) (i32.const 8)",
            "call $wasm_variable_handle (i32.const 100) (i32.const 1) ({WILD})",
        ]),
        // A handle this instance was never given.
        ("wasm_handle_read_boolean", &["call $wasm_handle_read_boolean (i32.const 0) (i32.const 8)", "call $wasm_handle_read_boolean ({WILD}) (i32.const 8)"]),
        ("wasm_handle_read_double", &["call $wasm_handle_read_double (i32.const 7) (i32.const 8)"]),
        ("wasm_handle_read_int", &["call $wasm_handle_read_int (i32.const -1) (i32.const 8)"]),
        ("wasm_handle_write_boolean", &["call $wasm_handle_write_boolean (i32.const 0) (i32.const 1)"]),
        ("wasm_handle_write_double", &["call $wasm_handle_write_double (i32.const 1) (f64.const 1)"]),
        ("wasm_handle_write_int", &["call $wasm_handle_write_int (i32.const 2) (i32.const 1)"]),
        // Outside plc_state_save and plc_state_load, and with wild pointers or negative lengths
        // (host/tests/state_hostile.rs has them inside a save and a load).
        ("wasm_state_write", &[
            "call $wasm_state_write ({WILD}) (i32.const 1) (i32.const 100) (i32.const 1) (i32.const 100) (i32.const 1)",
            "call $wasm_state_write (i32.const 100) (i32.const 1) (i32.const 100) (i32.const -1) (i32.const 100) (i32.const 1)",
            "call $wasm_state_write (i32.const 100) (i32.const 1) (i32.const 100) (i32.const 1) ({WILD}) (i32.const 4)",
            "call $wasm_state_write (i32.const 100) (i32.const 1) (i32.const 100) (i32.const 1) (i32.const 100) (i32.const 1)",
        ]),
        ("wasm_state_read", &[
            "call $wasm_state_read ({WILD}) (i32.const 1) (i32.const 100) (i32.const 1) (i32.const 100) (i32.const 1)",
            "call $wasm_state_read (i32.const 100) (i32.const 1) (i32.const 100) (i32.const 1) ({WILD}) (i32.const 4)",
            "call $wasm_state_read (i32.const 100) (i32.const 1) (i32.const 100) (i32.const 1) (i32.const 100) (i32.const -3)",
            "call $wasm_state_read (i32.const 100) (i32.const 1) (i32.const 100) (i32.const 1) (i32.const 100) (i32.const 1)",
        ]),
    ];
    for intrinsic in abi::INTRINSICS {
        assert!(calls.iter().any(|(n, _)| *n == intrinsic.name), "add wild-pointer calls for {}", intrinsic.name);
    }
    for (_, variants) in calls {
        for call in *variants {
            let call = call.replace("{WILD}", WILD);
            let mut env = fresh();
            assert_eq!(code_of(&call, &mut env), WASM_GENERIC_ERROR as i32, "{call}");
            assert_eq!(env.variables.len(), 1, "{call} created a variable");
        }
    }
}

/// A handle reaches the variable its name does, with the same type checks; the same name gives
/// the same handle; a handle's read with a wild value pointer gets WASM_GENERIC_ERROR.
#[test]
fn a_variable_handle_reads_and_writes_what_its_name_does() {
    // Handle of "x" (at 100) into 8, again into 12; read x by handle into 16; write int 9 by
    // handle; read it as a double (bad type) into 24; output 0..4 = codes, 4 = same handle?
    let wat = r#"(module
        (import "env" "wasm_variable_handle" (func $handle (param i32 i32 i32) (result i32)))
        (import "env" "wasm_handle_read_int" (func $read (param i32 i32) (result i32)))
        (import "env" "wasm_handle_write_int" (func $write (param i32 i32) (result i32)))
        (import "env" "wasm_handle_read_double" (func $read_d (param i32 i32) (result i32)))
        (import "env" "wasm_write_output" (func $out (param i32 i32 i32) (result i32)))
        (memory (export "memory") 1)
        (data (i32.const 100) "x")
        (func (export "poll")
            (i32.store8 (i32.const 0) (call $handle (i32.const 100) (i32.const 1) (i32.const 8)))
            (drop (call $handle (i32.const 100) (i32.const 1) (i32.const 12)))
            (i32.store8 (i32.const 1) (call $read (i32.load (i32.const 8)) (i32.const 16)))
            (i32.store8 (i32.const 2) (call $write (i32.load (i32.const 8)) (i32.add (i32.load (i32.const 16)) (i32.const 4))))
            (i32.store8 (i32.const 3) (call $read_d (i32.load (i32.const 8)) (i32.const 24)))
            (i32.store8 (i32.const 4) (i32.eq (i32.load (i32.const 8)) (i32.load (i32.const 12))))
            (drop (call $out (i32.const 0) (i32.const 0) (i32.const 5)))))"#;
    let mut program = load("handles", wat.as_bytes());
    let mut world = env(0, 5);
    world.variables.insert("x".into(), Value::Int(5));
    program.poll(&mut world).unwrap();
    assert_eq!(world.outputs, [0, 0, 0, WASM_BAD_VARIABLE_TYPE as u8, 1]);
    assert_eq!(world.variables["x"], Value::Int(9));
}

#[test]
fn addresses_outside_the_process_image_are_out_of_bounds() {
    for call in [
        "call $wasm_read_input (i32.const 3) (i32.const 8) (i32.const 2)",
        "call $wasm_read_input (i32.const -1) (i32.const 8) (i32.const 1)",
        "call $wasm_write_output (i32.const 4) (i32.const 8) (i32.const 1)",
        "call $wasm_read_output (i32.const 2) (i32.const 8) (i32.const 4)",
    ] {
        assert_eq!(code_of(call, &mut fresh()), WASM_ADDRESS_OUT_OF_BOUNDS as i32, "{call}");
    }
}

#[test]
fn variables_answer_unknown_and_bad_type() {
    let unknown = "call $wasm_variable_read_int (i32.const 200) (i32.const 3) (i32.const 8)";
    assert_eq!(code_of(unknown, &mut fresh()), WASM_UNKNOWN_VARIABLE as i32);
    for call in [
        "call $wasm_variable_read_boolean (i32.const 100) (i32.const 1) (i32.const 8)",
        "call $wasm_variable_read_double (i32.const 100) (i32.const 1) (i32.const 8)",
        "call $wasm_variable_write_double (i32.const 100) (i32.const 1) (f64.const 2.5)",
        "call $wasm_variable_write_boolean (i32.const 100) (i32.const 1) (i32.const 1)",
    ] {
        let mut env = fresh();
        assert_eq!(code_of(call, &mut env), WASM_BAD_VARIABLE_TYPE as i32, "{call}");
        assert_eq!(env.variables["x"], Value::Int(5), "{call} changed the variable");
    }
    let ok = "call $wasm_variable_write_int (i32.const 100) (i32.const 1) (i32.const 9)";
    let mut env = fresh();
    assert_eq!(code_of(ok, &mut env), WASM_SUCCESS as i32);
    assert_eq!(env.variables["x"], Value::Int(9));
}

#[test]
fn names_that_are_not_utf8_or_too_long_get_generic_error() {
    for call in [
        "call $wasm_variable_write_int (i32.const 110) (i32.const 2) (i32.const 1)",
        "call $wasm_variable_read_int (i32.const 110) (i32.const 2) (i32.const 8)",
        "call $wasm_variable_write_int (i32.const 200) (i32.const 256) (i32.const 1)",
    ] {
        assert_eq!(code_of(call, &mut fresh()), WASM_GENERIC_ERROR as i32, "{call}");
    }
    let longest = "call $wasm_variable_write_int (i32.const 200) (i32.const 255) (i32.const 1)";
    assert_eq!(code_of(longest, &mut fresh()), WASM_SUCCESS as i32);
}

#[test]
fn logs_replace_invalid_utf8_and_refuse_unknown_levels() {
    let mut env = fresh();
    let call = "call $wasm_log (i32.const 1) (i32.const 100) (i32.const 1) (i32.const 7) (i32.const 110) (i32.const 2)";
    assert_eq!(code_of(call, &mut env), WASM_SUCCESS as i32);
    let record = env.logs[0].clone();
    assert_eq!((record.level, record.file.as_str(), record.line, record.message.as_str()), (log::Level::Warn, "x", 7, "\u{fffd}\u{fffd}"));
    let bad_level = "call $wasm_log (i32.const 5) (i32.const 100) (i32.const 1) (i32.const 7) (i32.const 100) (i32.const 1)";
    assert_eq!(code_of(bad_level, &mut fresh()), WASM_GENERIC_ERROR as i32);
}

#[test]
fn a_log_flood_is_cut_at_the_budget() {
    let wat = r#"(module
        (import "env" "wasm_log" (func $log (param i32 i32 i32 i32 i32 i32) (result i32)))
        (memory (export "memory") 1)
        (data (i32.const 0) "flood")
        (func (export "poll") (local $i i32)
            (loop $l
                (drop (call $log (i32.const 2) (i32.const 0) (i32.const 5) (i32.const 1) (i32.const 0) (i32.const 5)))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br_if $l (i32.lt_u (local.get $i) (i32.const 100000))))))"#;
    // 100,000 calls of 150 points each: a budget for all of them.
    let limits = Limits { log_messages_per_poll: 10, cpu_budget: 100_000_000, ..Limits::default() };
    let mut program = Program::new("flood", wat.as_bytes(), limits).unwrap();
    let mut env = env(0, 0);
    for _ in 0..3 {
        program.poll(&mut env).unwrap();
    }
    assert_eq!(env.logs.len(), 30);
}

#[test]
fn the_clock_is_written_as_seconds_and_nanoseconds() {
    let wat = r#"(module
        (import "env" "wasm_current_time" (func $t (param i32 i32) (result i32)))
        (import "env" "wasm_write_output" (func $o (param i32 i32 i32) (result i32)))
        (memory (export "memory") 1)
        (func (export "poll")
            (drop (call $t (i32.const 8) (i32.const 16)))
            (drop (call $o (i32.const 0) (i32.const 8) (i32.const 12)))))"#;
    let mut program = load("clock", wat.as_bytes());
    let mut env = env(0, 12);
    env.elapsed = Duration::new(0x0102, 0x0304);
    program.poll(&mut env).unwrap();
    assert_eq!(env.outputs, [2, 1, 0, 0, 0, 0, 0, 0, 4, 3, 0, 0]);
}

/// Two instances of one Rust program, each owning one bit of output byte 0.
#[test]
fn setting_a_bit_never_clobbers_the_other_bits_of_its_byte() {
    let env = two_instances_own_a_bit_each(&rust_guest("guest-bits"), 1, |_| {});
    assert_eq!(env.variables["bits.next"], Value::Int(2));
}

#[test]
fn writes_are_published_when_the_poll_completes_in_order() {
    // Writes 1,2 at 0..2, then 9 at 1, then reads back 0..2 into output 2..4.
    let wat = r#"(module
        (import "env" "wasm_write_output" (func $w (param i32 i32 i32) (result i32)))
        (import "env" "wasm_read_output" (func $r (param i32 i32 i32) (result i32)))
        (memory (export "memory") 1)
        (data (i32.const 0) "\01\02\09")
        (func (export "poll")
            (drop (call $w (i32.const 0) (i32.const 0) (i32.const 2)))
            (drop (call $w (i32.const 1) (i32.const 2) (i32.const 1)))
            (drop (call $r (i32.const 0) (i32.const 16) (i32.const 2)))
            (drop (call $w (i32.const 2) (i32.const 16) (i32.const 2)))))"#;
    let mut program = load("order", wat.as_bytes());
    let mut env = env(0, 4);
    program.poll(&mut env).unwrap();
    assert_eq!(env.outputs, [1, 9, 1, 9]);
}

#[test]
fn variables_written_in_a_poll_are_seen_by_the_next_program() {
    let writer = r#"(module
        (import "env" "wasm_variable_write_double" (func $w (param i32 i32 f64) (result i32)))
        (memory (export "memory") 1) (data (i32.const 0) "speed")
        (func (export "poll") (drop (call $w (i32.const 0) (i32.const 5) (f64.const 2.5)))))"#;
    let reader = r#"(module
        (import "env" "wasm_variable_read_double" (func $r (param i32 i32 i32) (result i32)))
        (import "env" "wasm_write_output" (func $o (param i32 i32 i32) (result i32)))
        (memory (export "memory") 1) (data (i32.const 0) "speed")
        (func (export "poll")
            (drop (call $r (i32.const 0) (i32.const 5) (i32.const 8)))
            (i32.store8 (i32.const 16) (i32.trunc_f64_s (f64.mul (f64.load (i32.const 8)) (f64.const 10))))
            (drop (call $o (i32.const 0) (i32.const 16) (i32.const 1)))))"#;
    let (mut w, mut r) = (load("w", writer.as_bytes()), load("r", reader.as_bytes()));
    let mut env = env(0, 1);
    w.poll(&mut env).unwrap();
    r.poll(&mut env).unwrap();
    assert_eq!(env.outputs[0], 25);
}

/// `wasm_report_error` counts one error per call with a non-zero code, in `Program::errors`;
/// the program keeps running and its poll publishes as usual.
#[test]
fn reported_errors_are_counted_and_are_not_faults() {
    for (code, counted) in [(WASM_ADDRESS_OUT_OF_BOUNDS as i32, 1), (-3, 1), (1000, 1), (WASM_SUCCESS as i32, 0)] {
        let call = format!("call $wasm_report_error (i32.const {code})");
        let mut program = probe(&call);
        let mut env = fresh();
        for _ in 0..3 {
            program.poll(&mut env).unwrap();
        }
        let expected = if counted == 1 { WASM_SUCCESS } else { WASM_GENERIC_ERROR } as u8;
        assert_eq!(env.outputs[0], expected, "{call}: the poll published its output");
        assert_eq!((program.errors(), program.faults(), program.status()), (3 * counted, 0, Status::Running), "{call}");
        assert!(env.logs.is_empty(), "{call}: the host logs nothing of it");
    }
}

/// An instance holds at most 4096 variable handles: past them `wasm_variable_handle` returns
/// WASM_VARIABLE_TABLE_FULL, and a name it holds still resolves. 5000 distinct three-letter
/// names are asked for in one poll.
#[test]
fn variable_handles_are_bounded_per_instance() {
    let wat = r#"(module
        (import "env" "wasm_variable_handle" (func $handle (param i32 i32 i32) (result i32)))
        (import "env" "wasm_write_output" (func $out (param i32 i32 i32) (result i32)))
        (memory (export "memory") 1)
        (func (export "poll") (local $i i32) (local $code i32)
            (loop $l
                ;; the name: three letters 'a' + i % 26, i / 26 % 26, i / 676 % 26, at 100
                (i32.store8 (i32.const 100) (i32.add (i32.const 97) (i32.rem_u (local.get $i) (i32.const 26))))
                (i32.store8 (i32.const 101) (i32.add (i32.const 97) (i32.rem_u (i32.div_u (local.get $i) (i32.const 26)) (i32.const 26))))
                (i32.store8 (i32.const 102) (i32.add (i32.const 97) (i32.rem_u (i32.div_u (local.get $i) (i32.const 676)) (i32.const 26))))
                (local.set $code (call $handle (i32.const 100) (i32.const 3) (i32.const 8)))
                ;; count the successes (at 0, u16) and the refusals (at 2, u16)
                (if (i32.eqz (local.get $code))
                    (then (i32.store16 (i32.const 0) (i32.add (i32.load16_u (i32.const 0)) (i32.const 1))))
                    (else (if (i32.eq (local.get $code) (i32.const 5))
                        (then (i32.store16 (i32.const 2) (i32.add (i32.load16_u (i32.const 2)) (i32.const 1)))))))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br_if $l (i32.lt_u (local.get $i) (i32.const 5000))))
            ;; "aaa", the first name, still resolves to handle 0
            (i32.store16 (i32.const 100) (i32.const 0x6161))
            (i32.store8 (i32.const 102) (i32.const 0x61))
            (i32.store8 (i32.const 4) (call $handle (i32.const 100) (i32.const 3) (i32.const 8)))
            (i32.store8 (i32.const 5) (i32.load (i32.const 8)))
            (drop (call $out (i32.const 0) (i32.const 0) (i32.const 6)))))"#;
    let mut program = load("handles", wat.as_bytes());
    let mut world = env(0, 6);
    program.poll(&mut world).unwrap();
    let (ok, full) = (u16::from_le_bytes([world.outputs[0], world.outputs[1]]), u16::from_le_bytes([world.outputs[2], world.outputs[3]]));
    assert_eq!((ok, full), (4096, 5000 - 4096));
    assert_eq!((world.outputs[4], world.outputs[5]), (0, 0));
}
