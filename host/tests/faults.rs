//! Bad programs beside a good one: each fault stops only its own program, publishes nothing,
//! and the good program keeps scanning with its outputs and variables every cycle.

mod support;

use plc_host::{FaultKind, FaultPolicy, Limits, LoadError, OutputsOnFault, Program, Status, Value};
use support::*;
use wasmer::sys::vm::TrapCode;

fn test_limits() -> Limits {
    Limits { cpu_budget: 2_000_000, memory_bytes: 1 << 20, ..Limits::default() }
}

/// Loads `faulty`, scans it before the healthy program `scans` times, and returns its first fault.
fn run_beside_healthy(faulty_wasm: &[u8], mode: u8, scans: u8) -> plc_host::Fault {
    let mut faulty = Program::new("faulty", faulty_wasm, test_limits()).unwrap();
    let mut healthy = load("healthy", healthy(4).as_bytes());
    let mut env = env(1, 8);
    env.inputs[0] = mode;
    let mut first_fault = None;
    for scan in 1..=scans {
        if let Err(fault) = faulty.poll(&mut env) {
            assert!(first_fault.is_none(), "a stopped program faulted again");
            first_fault = Some(fault);
        }
        healthy.poll(&mut env).unwrap();
        let m = &env;
        assert_eq!(m.outputs[4], scan, "the healthy program scanned");
        assert_eq!(m.variables.get("healthy4"), Some(&Value::Int(scan.into())));
    }
    let m = &env;
    assert_eq!(m.outputs[0], 0, "a faulted poll publishes no output");
    assert_eq!(m.variables.get("faults.scans"), None, "a faulted poll publishes no variable");
    assert_eq!(faulty.status(), Status::Faulted);
    assert_eq!((faulty.polls(), faulty.faults()), (0, 1));
    first_fault.expect("the program faulted")
}

#[test]
fn a_panic_is_logged_and_faults_only_its_program() {
    let fault = run_beside_healthy(&rust_guest("guest-faults"), 1, 5);
    assert_eq!(fault.kind, FaultKind::Trap(TrapCode::UnreachableCodeReached), "{fault}");
    assert!(!fault.backtrace.is_empty(), "wasmer gives a guest backtrace: {fault}");
}

/// With the `panic-fmt` feature of plc-sdk, a panic's formatted message is logged in full.
#[test]
fn the_panic_message_reaches_the_log_with_file_and_line() {
    let wasm = rust_guest_with("guest-faults", "plc-sdk/panic-fmt");
    let mut program = Program::new("faulty", &wasm, test_limits()).unwrap();
    let mut env = env(1, 1);
    env.inputs[0] = 1;
    program.poll(&mut env).unwrap_err();
    let record = env.logs.back().cloned().expect("the panic was logged");
    assert_eq!(record.level, log::Level::Error);
    assert_eq!(record.message, "panicked: boom at scan 1");
    assert!(record.file.ends_with("lib.rs"), "{}", record.file);
    assert!(record.line > 0);
}

/// Without the `panic-fmt` feature a plain-string panic is logged whole, and one with
/// arguments says where it happened and how to see its message.
#[test]
fn a_panic_without_formatting_still_says_what_and_where() {
    let mut program = Program::new("copy", &rust_guest("guest-result"), test_limits()).unwrap();
    let mut env = env(1, 2);
    env.inputs[0] = 255; // `panic!("asked to fault")`
    program.poll(&mut env).unwrap_err();
    let record = env.logs.back().cloned().expect("the panic was logged");
    assert_eq!(record.message, "panicked: asked to fault");
    assert!(record.file.ends_with("lib.rs") && record.line > 0, "{record:?}");

    let mut program = Program::new("faulty", &rust_guest("guest-faults"), test_limits()).unwrap();
    let mut env = support::env(1, 1);
    env.inputs[0] = 1; // `panic!("boom at scan {}", scans)`
    program.poll(&mut env).unwrap_err();
    let record = env.logs.back().cloned().expect("the panic was logged");
    assert_eq!(record.message, "panicked (the message has arguments: build plc-sdk with the `panic-fmt` feature to see it)");
    assert!(record.file.ends_with("lib.rs") && record.line > 0, "{record:?}");
}

#[test]
fn unreachable_faults() {
    let fault = run_beside_healthy(&rust_guest("guest-faults"), 2, 3);
    assert_eq!(fault.kind, FaultKind::Trap(TrapCode::UnreachableCodeReached));
}

#[test]
fn an_endless_loop_exhausts_the_cpu_budget() {
    let fault = run_beside_healthy(&rust_guest("guest-faults"), 3, 3);
    assert_eq!(fault.kind, FaultKind::CpuBudget, "{fault}");
    assert!(fault.to_string().contains("2000000 instructions"), "{fault}");
}

#[test]
fn a_shadow_stack_overflow_faults() {
    let fault = run_beside_healthy(&rust_guest("guest-faults"), 4, 3);
    // The shadow stack (in linear memory) or the wasm stack, whichever runs out first.
    assert!(
        matches!(fault.kind, FaultKind::Trap(TrapCode::HeapAccessOutOfBounds | TrapCode::StackOverflow)),
        "{fault}"
    );
}

#[test]
fn a_memory_bomb_hits_the_memory_limit() {
    let fault = run_beside_healthy(&rust_guest("guest-faults"), 5, 3);
    assert_eq!(fault.kind, FaultKind::MemoryLimit, "{fault}");
    assert!(fault.to_string().contains("1024 KiB"), "{fault}");
}

#[test]
fn an_out_of_bounds_load_faults() {
    let fault = run_beside_healthy(&rust_guest("guest-faults"), 6, 3);
    assert_eq!(fault.kind, FaultKind::Trap(TrapCode::HeapAccessOutOfBounds), "{fault}");
}

fn poll_module(body: &str) -> String {
    format!(r#"(module (memory (export "memory") 1) (func $f {body}) (func (export "poll") (call $f)))"#)
}

#[test]
fn wasm_stack_overflow_faults() {
    let fault = run_beside_healthy(poll_module("(call $f)").as_bytes(), 0, 3);
    assert_eq!(fault.kind, FaultKind::Trap(TrapCode::StackOverflow), "{fault}");
}

#[test]
fn division_by_zero_faults() {
    let wasm = poll_module("(drop (i32.div_s (i32.const 1) (i32.const 0)))");
    let fault = run_beside_healthy(wasm.as_bytes(), 0, 3);
    assert_eq!(fault.kind, FaultKind::Trap(TrapCode::IntegerDivisionByZero), "{fault}");
}

#[test]
fn a_memory_bomb_without_a_declared_maximum_hits_the_limit() {
    let wasm = r#"(module (memory (export "memory") 1)
        (func (export "poll") (loop $l (br_if $l (i32.ne (memory.grow (i32.const 1)) (i32.const -1))))))"#;
    let fault = run_beside_healthy(wasm.as_bytes(), 0, 3);
    assert_eq!(fault.kind, FaultKind::MemoryLimit, "{fault}");
}

#[test]
fn a_trapping_start_function_is_refused_at_load() {
    let wasm = r#"(module (memory (export "memory") 1) (func $s unreachable) (start $s) (func (export "poll")))"#;
    match Program::new("start", wasm.as_bytes(), test_limits()) {
        Err(LoadError::Instantiate(fault)) => {
            assert_eq!(fault.kind, FaultKind::Trap(TrapCode::UnreachableCodeReached));
            assert!(fault.message.contains("start function"), "{fault}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn an_endless_start_function_is_refused_at_load() {
    let wasm = r#"(module (memory (export "memory") 1) (func $s (loop $l (br $l))) (start $s) (func (export "poll")))"#;
    match Program::new("start", wasm.as_bytes(), test_limits()) {
        // wasmer gives no instance to read the budget from: the fault says both possibilities.
        Err(LoadError::Instantiate(fault)) => assert!(fault.message.contains("2000000 instructions"), "{fault}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_trap_in_init_faults_before_the_first_poll() {
    let wasm = r#"(module (memory (export "memory") 1)
        (func (export "init") unreachable) (func (export "poll")))"#;
    let fault = run_beside_healthy(wasm.as_bytes(), 0, 3);
    assert!(fault.message.contains("init"), "{fault}");
}

#[test]
fn restart_policy_runs_a_fresh_instance_after_each_fault() {
    let limits = Limits { on_fault: FaultPolicy::Restart, restart_backoff_max: 0, ..test_limits() };
    let mut program = Program::new("faulty", &rust_guest("guest-faults"), limits).unwrap();
    let mut env = env(1, 1);
    env.inputs[0] = 1; // panic on every scan
    // Far more panics than the 16-byte shadow-stack leak per trap would survive in one instance.
    for n in 1..=5000u64 {
        let fault = program.poll(&mut env).unwrap_err();
        assert_eq!(fault.kind, FaultKind::Trap(TrapCode::UnreachableCodeReached), "fault {n}: {fault}");
        assert_eq!(program.status(), Status::Running);
    }
    assert_eq!(program.faults(), 5000);
    env.inputs[0] = 0;
    program.poll(&mut env).unwrap();
    // A fresh instance: the program's own state started again from Default.
    assert_eq!(env.outputs[0], 1);
    assert_eq!(program.polls(), 1);
}

#[test]
fn a_stopped_program_restarts_on_request() {
    let mut program = Program::new("faulty", &rust_guest("guest-faults"), test_limits()).unwrap();
    let mut env = env(1, 1);
    env.inputs[0] = 2;
    program.poll(&mut env).unwrap_err();
    assert_eq!(program.status(), Status::Faulted);
    program.poll(&mut env).unwrap(); // skipped
    assert_eq!(program.faults(), 1);
    env.inputs[0] = 0;
    program.restart().unwrap();
    program.poll(&mut env).unwrap();
    assert_eq!((program.status(), env.outputs[0]), (Status::Running, 1));
}

#[test]
fn restarts_back_off_while_the_faults_go_on() {
    let limits = Limits { on_fault: FaultPolicy::Restart, restart_backoff_max: 8, ..test_limits() };
    let mut program = Program::new("faulty", &rust_guest("guest-faults"), limits).unwrap();
    let mut env = env(1, 1);
    env.inputs[0] = 1;
    let faulted: Vec<bool> = (0..30).map(|_| program.poll(&mut env).is_err()).collect();
    // Sat out after each fault: 0, 1, 3, 7, then 8, 8, ... polls.
    let at: Vec<usize> = faulted.iter().enumerate().filter(|(_, f)| **f).map(|(i, _)| i).collect();
    assert_eq!(at, [0, 1, 3, 7, 15, 24]);
    env.inputs[0] = 0;
    // 3 polls of the last backoff (8, from poll 25) are still to sit out: then 6 good ones.
    (0..9).for_each(|_| program.poll(&mut env).unwrap());
    assert_eq!(program.polls(), 6);
    env.inputs[0] = 1;
    program.poll(&mut env).unwrap_err();
    program.poll(&mut env).unwrap_err();
    assert_eq!(program.faults(), 8, "a good poll resets the backoff");
}

#[test]
fn outputs_go_to_zero_on_a_fault_when_asked() {
    for (policy, expected) in [(OutputsOnFault::Hold, 3), (OutputsOnFault::Zero, 0)] {
        let limits = Limits { outputs_on_fault: policy, ..test_limits() };
        let mut program = Program::new("faulty", &rust_guest("guest-faults"), limits).unwrap();
        let mut env = env(1, 2);
        env.outputs[1] = 0xaa; // not the program's: never touched
        for _ in 0..3 {
            program.poll(&mut env).unwrap();
        }
        assert_eq!(env.outputs, [3, 0xaa]);
        env.inputs[0] = 2;
        program.poll(&mut env).unwrap_err();
        assert_eq!(env.outputs, [expected, 0xaa], "{policy}");
    }
}

/// The same guards under the other compiler: the budget, traps and the memory limit.
#[test]
fn singlepass_programs_fault_the_same_way() {
    let limits = Limits { compiler: plc_host::Compiler::Singlepass, ..test_limits() };
    for (mode, kind) in [
        (1, FaultKind::Trap(TrapCode::UnreachableCodeReached)),
        (3, FaultKind::CpuBudget),
        (5, FaultKind::MemoryLimit),
        (6, FaultKind::Trap(TrapCode::HeapAccessOutOfBounds)),
    ] {
        let mut program = Program::new("faulty", &rust_guest("guest-faults"), limits.clone()).unwrap();
        let mut env = env(1, 1);
        program.poll(&mut env).unwrap();
        assert_eq!(env.outputs[0], 1);
        env.inputs[0] = mode;
        assert_eq!(program.poll(&mut env).unwrap_err().kind, kind, "mode {mode}");
    }
}
