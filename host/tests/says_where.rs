//! A fault says where: the trap's backtrace names the program's functions (from the module's
//! `name` section, which the Rust test guest and `plc-cc` keep), and the log line the program
//! wrote before it trapped carries its source file and line, in Rust and C. A variable error
//! says which variable, the type it holds and the type asked for, once per change.

mod support;

use plc_host::{Fault, FaultKind, LogRecord, Program, Value};
use support::*;
use wasmer::sys::vm::TrapCode;

/// The 1-based line of the first line of `source` (under the repository) containing `marker`.
fn line_of(source: &str, marker: &str) -> u32 {
    let text = std::fs::read_to_string(root().join(source)).unwrap();
    text.lines().position(|l| l.contains(marker)).unwrap_or_else(|| panic!("{marker} in {source}")) as u32 + 1
}

/// Polls `wasm` once with input byte 0 = `input`: its fault and its last log record.
fn fault_of(wasm: &[u8], input: u8) -> (Fault, LogRecord) {
    let mut program = Program::new("faulty", wasm, plc_host::Limits::default()).unwrap();
    let mut env = env(1, 1);
    env.inputs[0] = input;
    let fault = program.poll(&mut env).unwrap_err();
    (fault, env.logs.back().cloned().expect("the program logged before it trapped"))
}

#[test]
fn a_rust_panic_names_its_function_and_its_line() {
    let (fault, record) = fault_of(&rust_guest("guest-faults"), 1);
    assert_eq!(fault.kind, FaultKind::Trap(TrapCode::UnreachableCodeReached), "{fault}");
    // Demangled, innermost first: the panic handler, then the function that panicked.
    let boom = fault.backtrace.iter().position(|f| f.starts_with("guest_faults.wasm!guest_faults::boom+0x"));
    let poll = fault.backtrace.iter().position(|f| f.starts_with("guest_faults.wasm!poll+0x"));
    assert!(matches!((boom, poll), (Some(b), Some(p)) if b < p), "{fault}");
    assert!(fault.to_string().contains("(at guest_faults.wasm!"), "{fault}");
    let source = "host/tests/guests/faults/src/lib.rs";
    assert_eq!((record.file.as_str(), record.line), (source, line_of(source, "panic!(\"boom")), "{record:?}");
    // Without plc-sdk's `panic-fmt` (the default) a message with arguments is not formatted:
    // the file and line say where.
    assert!(record.message.starts_with("panicked (the message has arguments"), "{record:?}");
}

#[test]
fn a_c_trap_names_its_function_and_its_line() {
    let (fault, record) = fault_of(&c_test_guest("fault"), 201);
    assert_eq!(fault.kind, FaultKind::Trap(TrapCode::UnreachableCodeReached), "{fault}");
    assert!(fault.backtrace.first().is_some_and(|f| f.contains("!overflow+0x")), "{fault}");
    assert!(fault.backtrace.iter().any(|f| f.contains("!tank+0x")), "{fault}");
    let source = "host/tests/c/fault.c";
    assert!(record.file.ends_with(source), "{record:?}");
    assert_eq!((record.line, record.message.as_str()), (line_of(source, "FAULT LINE"), "tank overflows at level 201"));
}

/// The innermost frame of the trap of a WAT program whose `poll` calls a function that traps.
fn innermost(inner: &str) -> String {
    let wat = format!(r#"(module (memory (export "memory") 1) (func {inner} unreachable) (func (export "poll") call 0))"#);
    let mut program = Program::new("faulty", wat.as_bytes(), plc_host::Limits::default()).unwrap();
    let fault = program.poll(&mut env(0, 0)).unwrap_err();
    fault.backtrace.first().cloned().unwrap_or_else(|| panic!("a backtrace: {fault}"))
}

#[test]
fn a_frame_is_named_where_the_module_names_it_and_numbered_where_not() {
    // A WAT `$name` goes into the name section; a function without one has only its index.
    assert!(innermost("$inner").contains("!inner+0x"));
    assert!(innermost("").contains("!func[0]+0x"));
}

#[test]
fn a_variable_error_names_the_variable_and_both_types_once_per_change() {
    let mut program = Program::new("speedy", &c_test_guest("variable_errors"), plc_host::Limits::default()).unwrap();
    let mut env = env(1, 1);
    env.variables.insert("speed".into(), Value::Int(7));
    let said = || {
        let log = host_log().into_iter().filter(|l| l.starts_with("WARN speedy: ") || l.starts_with("INFO speedy: "));
        log.map(|l| l.split_once(": ").unwrap().1.to_owned()).collect::<Vec<_>>()
    };
    let mut scan = |program: &mut Program, mode: u8, scans: usize| {
        env.inputs[0] = mode;
        for _ in 0..scans {
            program.poll(&mut env).unwrap();
        }
        env.outputs[0]
    };
    let _ = host_log();
    let (bad_type, unknown) = (plc_abi::wasm_result_t::WASM_BAD_VARIABLE_TYPE as u8, plc_abi::wasm_result_t::WASM_UNKNOWN_VARIABLE as u8);
    assert_eq!(scan(&mut program, 0, 5), bad_type);
    let double = "variable `speed` holds an int; the program read it as a double (WASM_BAD_VARIABLE_TYPE)";
    assert_eq!(said(), [double], "once, not every scan");
    assert_eq!(scan(&mut program, 1, 3), bad_type);
    let bool_ = "variable `speed` holds an int; the program read it as a bool (WASM_BAD_VARIABLE_TYPE)";
    assert_eq!(said(), [double, bool_], "again when the error changes");
    assert_eq!(scan(&mut program, 2, 2), 0);
    assert_eq!(scan(&mut program, 1, 2), bad_type);
    assert_eq!(said(), [double, bool_, bool_], "again after it succeeded in between");
    assert_eq!(scan(&mut program, 3, 2), bad_type);
    assert_eq!(scan(&mut program, 4, 1), unknown);
    assert_eq!(said().len(), 4, "an unknown variable is said only when the next read finds it unknown too");
    assert_eq!(scan(&mut program, 4, 3), unknown);
    let said = said();
    assert_eq!(
        &said[3..],
        [
            "variable `speed` holds an int; the program wrote it as a bool (WASM_BAD_VARIABLE_TYPE)",
            "no variable `nope`; the program read it as an int (WASM_UNKNOWN_VARIABLE)"
        ]
    );
    assert_eq!(env.variables.get("speed"), Some(&Value::Int(7)), "no write went through");
}
