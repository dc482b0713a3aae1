//! A program misuses the state intrinsics and exports as an attacker or a bug would: calls
//! outside a save or a load, wild pointers, huge lengths, names too long or saved twice, a
//! save or a load that traps or loops. Each gets a result code or a cold start, never a panic,
//! and the program scans on.

mod support;

use plc_host::state::StateError;
use plc_host::{Controller, FaultKind, InMemoryEnvironment, Limits, Program, Status};
use support::*;

const IMPORTS: &str = r#"
    (import "env" "wasm_state_write" (func $w (param i32 i32 i32 i32 i32 i32) (result i32)))
    (import "env" "wasm_state_read" (func $r (param i32 i32 i32 i32 i32 i32) (result i32)))
    (import "env" "wasm_write_output" (func $out (param i32 i32 i32) (result i32)))
    (memory (export "memory") 1)
    (data (i32.const 0) "countu32u16other")
    (data (i32.const 16) "\2a\00\00\00")
    (data (i32.const 200) "x\ff")"#;

/// Saves `count` (u32, 42) once, and tries every wrong call on the way, keeping the codes at
/// 100..109; `poll` adds the codes of calls outside a save or load (110, 111) and publishes
/// 100..112 and the loaded value (bytes 300..304) as outputs 0..16.
fn hostile() -> String {
    format!(
        r#"(module {IMPORTS}
        (func (export "plc_state_save")
            (i32.store8 (i32.const 100) (call $w (i32.const 0) (i32.const 5) (i32.const 5) (i32.const 3) (i32.const 16) (i32.const 4)))
            (i32.store8 (i32.const 101) (call $w (i32.const 0) (i32.const 5) (i32.const 5) (i32.const 3) (i32.const 16) (i32.const 4)))
            (i32.store8 (i32.const 102) (call $w (i32.const 0) (i32.const 256) (i32.const 5) (i32.const 3) (i32.const 16) (i32.const 4)))
            (i32.store8 (i32.const 103) (call $w (i32.const 5) (i32.const 5) (i32.const 5) (i32.const 3) (i32.const 16) (i32.const -1)))
            (i32.store8 (i32.const 104) (call $w (i32.const 5) (i32.const 5) (i32.const 5) (i32.const 3) (i32.const -16) (i32.const 100)))
            (i32.store8 (i32.const 105) (call $w (i32.const 5) (i32.const 5) (i32.const 5) (i32.const 3) (i32.const 16) (i32.const 0x7fffffff)))
            (i32.store8 (i32.const 106) (call $w (i32.const 0) (i32.const 0) (i32.const 5) (i32.const 3) (i32.const 16) (i32.const 4)))
            (i32.store8 (i32.const 107) (call $w (i32.const 200) (i32.const 2) (i32.const 5) (i32.const 3) (i32.const 16) (i32.const 4)))
            (i32.store8 (i32.const 108) (call $r (i32.const 0) (i32.const 5) (i32.const 5) (i32.const 3) (i32.const 300) (i32.const 4)))
            (i32.store8 (i32.const 109) (call $w (i32.const 5) (i32.const 5) (i32.const 0) (i32.const 65) (i32.const 16) (i32.const 4))))
        (func (export "plc_state_load")
            (i32.store8 (i32.const 120) (call $r (i32.const -8) (i32.const 5) (i32.const 5) (i32.const 3) (i32.const 300) (i32.const 4)))
            (i32.store8 (i32.const 121) (call $r (i32.const 0) (i32.const 5) (i32.const 5) (i32.const 3) (i32.const -2) (i32.const 4)))
            (i32.store8 (i32.const 122) (call $r (i32.const 0) (i32.const 5) (i32.const 5) (i32.const 3) (i32.const 300) (i32.const 4)))
            (i32.store8 (i32.const 123) (call $r (i32.const 0) (i32.const 5) (i32.const 8) (i32.const 3) (i32.const 304) (i32.const 2)))
            (i32.store8 (i32.const 124) (call $r (i32.const 0) (i32.const 5) (i32.const 5) (i32.const 3) (i32.const 304) (i32.const 8)))
            (i32.store8 (i32.const 125) (call $r (i32.const 11) (i32.const 5) (i32.const 5) (i32.const 3) (i32.const 304) (i32.const 4)))
            (i32.store8 (i32.const 126) (call $w (i32.const 0) (i32.const 5) (i32.const 5) (i32.const 3) (i32.const 16) (i32.const 4))))
        (func (export "poll")
            (i32.store8 (i32.const 110) (call $w (i32.const 0) (i32.const 5) (i32.const 5) (i32.const 3) (i32.const 16) (i32.const 4)))
            (i32.store8 (i32.const 111) (call $r (i32.const 0) (i32.const 5) (i32.const 5) (i32.const 3) (i32.const 300) (i32.const 4)))
            (drop (call $out (i32.const 0) (i32.const 100) (i32.const 12)))
            (drop (call $out (i32.const 12) (i32.const 120) (i32.const 7)))
            (drop (call $out (i32.const 19) (i32.const 300) (i32.const 4)))))"#
    )
}

#[test]
fn misused_state_intrinsics_get_result_codes() {
    let wat = hostile();
    let mut program = load("hostile", wat.as_bytes());
    let measured = program.initial_state().unwrap();
    let records: Vec<_> = measured.iter().map(|r| (r.name, r.type_name, r.bytes.to_vec())).collect();
    assert_eq!(records, [("count", "u32", vec![42, 0, 0, 0])], "only the good record, once");

    let mut env = env(0, 23);
    program.poll(&mut env).unwrap();
    assert_eq!(env.outputs[10..12], [1, 1], "outside a save or a load: WASM_GENERIC_ERROR");
    // Asked between scans, the save runs on the live instance, which scans on.
    let state = program.state().unwrap();
    assert_eq!(state.len(), 1);
    program.poll(&mut env).unwrap();
    // ok, twice, name > 255, negative, wild, huge, empty name, not UTF-8, a read, type > 64
    assert_eq!(env.outputs[..10], [0, 1, 1, 1, 1, 1, 1, 1, 1, 1]);

    // The same module as its own new version: the load's codes.
    let mut controller = Controller::new(InMemoryEnvironment::new(0, 23));
    controller.add(load("hostile", wat.as_bytes())).unwrap();
    assert!(controller.scan().is_empty());
    controller.replace(load("hostile", wat.as_bytes()));
    assert!(controller.scan().is_empty());
    let outputs = &controller.env().outputs;
    // wild name, wild buffer, ok, another type, another length, no such name, a write
    assert_eq!(outputs[12..19], [1, 1, 0, 4, 4, 3, 1]);
    assert_eq!(outputs[19..23], [42, 0, 0, 0], "the value crossed");
    let carried = controller.program("hostile").unwrap().carried().unwrap();
    assert_eq!(carried.kept, 1);
    assert_eq!(carried.new.iter().map(|f| f.name.as_str()).collect::<Vec<_>>(), ["other"]);
    assert!(carried.dropped.is_empty());
}

/// A save and a load that trap or loop once the program has run a scan (a fresh instance,
/// as measured at load, saves fine): `$flag` is set by `poll`.
fn faulty(save_body: &str, load_body: &str) -> String {
    format!(
        r#"(module {IMPORTS}
        (global $flag (mut i32) (i32.const 0))
        (func (export "plc_state_save")
            (if (global.get $flag) (then {save_body}))
            (drop (call $w (i32.const 0) (i32.const 5) (i32.const 5) (i32.const 3) (i32.const 16) (i32.const 4))))
        (func (export "plc_state_load")
            (drop (call $r (i32.const 0) (i32.const 5) (i32.const 5) (i32.const 3) (i32.const 16) (i32.const 4)))
            {load_body})
        (func (export "poll")
            (global.set $flag (i32.const 1))
            (i32.store (i32.const 16) (i32.add (i32.load (i32.const 16)) (i32.const 1)))
            (drop (call $out (i32.const 0) (i32.const 16) (i32.const 4)))))"#
    )
}

/// Runs `old` for 3 scans, swaps in `new`, and returns the count the new version shows
/// after one scan (42 + 3 + 1 when the state carried over, 42 + 1 after a cold start).
fn count_after_swap(old: &str, new: &str) -> (u32, Controller<InMemoryEnvironment>) {
    let limits = Limits { cpu_budget: 1_000_000, ..Limits::default() };
    let mut controller = Controller::new(InMemoryEnvironment::new(0, 4));
    controller.add(Program::new("faulty", old.as_bytes(), limits.clone()).unwrap()).unwrap();
    for _ in 0..3 {
        assert!(controller.scan().is_empty());
    }
    controller.replace(Program::new("faulty", new.as_bytes(), limits).unwrap());
    let faults = controller.scan();
    assert!(faults.is_empty(), "a fault in a save or a load is a cold start, not a fault: {faults:?}");
    let count = u32::from_le_bytes(controller.env().outputs[..4].try_into().unwrap());
    (count, controller)
}

#[test]
fn a_save_or_load_that_traps_or_loops_means_a_cold_start() {
    let good = faulty("", "");
    assert_eq!(count_after_swap(&good, &good).0, 46, "the count carried over");
    for (what, save, load) in [
        ("a trapping save", "(unreachable)", ""),
        ("an endless save", "(loop $l (br $l))", ""),
        ("a trapping load", "", "(unreachable)"),
        ("an endless load", "", "(loop $l (br $l))"),
    ] {
        let (count, controller) = count_after_swap(&faulty(save, ""), &faulty("", load));
        assert_eq!(count, 43, "{what}: a cold start");
        let program = controller.program("faulty").unwrap();
        assert_eq!((program.status(), program.faults()), (Status::Running, 0), "{what}");
        assert!(program.carried().is_none(), "{what}");
    }
}

#[test]
fn a_faulting_save_asked_for_its_state_faults_the_program() {
    let mut program = load("view", faulty("(unreachable)", "").as_bytes());
    assert!(matches!(program.state(), Ok(records) if records.len() == 1), "a fresh instance saves fine");
    program.poll(&mut env(0, 4)).unwrap();
    match program.state() {
        Err(StateError::Fault(fault)) => assert!(matches!(fault.kind, FaultKind::Trap(_)), "{fault}"),
        other => panic!("{other:?}"),
    }
    assert_eq!((program.status(), program.faults()), (Status::Faulted, 1));
    assert_eq!(program.state(), Err(StateError::NotRunning));
    let mut stateless = load("stateless", healthy(0).as_bytes());
    assert_eq!(stateless.state(), Err(StateError::NotExported));
    assert!(stateless.initial_state().is_none());
}

#[test]
fn state_exports_of_the_wrong_type_are_refused_at_load() {
    let wat = r#"(module (memory (export "memory") 1) (func (export "poll"))
        (func (export "plc_state_save") (param i32)) (func (export "plc_state_load") (result i32) (i32.const 0)))"#;
    let problems = Program::new("typed", wat.as_bytes(), Limits::default()).unwrap_err().to_string();
    assert!(problems.contains("export `plc_state_save` must be a function taking no parameters and returning nothing"), "{problems}");
    assert!(problems.contains("export `plc_state_load` must be a function"), "{problems}");
}

#[test]
fn a_huge_record_is_refused_before_it_is_copied_and_the_module_with_it() {
    let wat = r#"(module
        (import "env" "wasm_state_write" (func $w (param i32 i32 i32 i32 i32 i32) (result i32)))
        (memory (export "memory") 2) (data (i32.const 0) "bigu8") (func (export "poll"))
        (func (export "plc_state_save") (drop (call $w (i32.const 0) (i32.const 3) (i32.const 3) (i32.const 2) (i32.const 16) (i32.const 100000)))))"#;
    let problems = Program::new("big", wat.as_bytes(), Limits::default()).unwrap_err().to_string();
    assert!(problems.contains("its state cannot be carried to a new version: the state is over the limit of 65536 bytes (`state_bytes`)"), "{problems}");
    let raised = Limits { state_bytes: 200_000, ..Limits::default() };
    let program = Program::new("big", wat.as_bytes(), raised).unwrap();
    assert_eq!(program.initial_state().unwrap().size(), 100_005);
}
