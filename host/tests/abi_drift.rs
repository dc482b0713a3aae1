//! The ABI drift test: a Rust guest and a C guest that each call every intrinsic import exactly
//! the ABI's list, with the ABI's signatures, and the host runs both the same way.

mod support;

use plc_host::Value;
use plc_abi::{self as abi, ValType};
use support::*;
use wasmer::{Engine, ExternType, FunctionType, Module, Type};

/// (module, name, params, results) of every import of a module.
fn imports(wasm: &[u8]) -> Vec<(String, String, String)> {
    let module = Module::new(&Engine::default(), wasm).unwrap();
    let mut list: Vec<_> = module
        .imports()
        .map(|i| match i.ty() {
            ExternType::Function(f) => (i.module().to_owned(), i.name().to_owned(), f.to_string()),
            other => panic!("{} imports a non-function {other:?}", i.name()),
        })
        .collect();
    list.sort();
    list
}

fn abi_imports() -> Vec<(String, String, String)> {
    let ty = |t: &ValType| match t {
        ValType::I32 => Type::I32,
        ValType::F64 => Type::F64,
    };
    let mut list: Vec<_> = abi::INTRINSICS
        .iter()
        .map(|i| {
            let f = FunctionType::new(i.params.iter().map(ty).collect::<Vec<_>>(), i.results.iter().map(ty).collect::<Vec<_>>());
            (abi::IMPORT_MODULE.to_owned(), i.name.to_owned(), f.to_string())
        })
        .collect();
    list.sort();
    list
}

#[test]
fn the_rust_guest_imports_exactly_the_abi() {
    assert_eq!(imports(&rust_guest("guest-abi-all")), abi_imports());
}

#[test]
fn the_c_guest_imports_exactly_the_abi() {
    assert_eq!(imports(&c_test_guest("abi_all")), abi_imports());
}

#[test]
fn the_seed_example_imports_only_wasm_log() {
    let wasm = c_test_guest("seed_log");
    let names: Vec<_> = imports(&wasm).into_iter().map(|(m, n, ..)| format!("{m}.{n}")).collect();
    assert_eq!(names, ["env.wasm_log"]);
    let mut program = load("seed_log", &wasm);
    let mut env = env(0, 0);
    program.poll(&mut env).unwrap();
    let logs = &env.logs;
    assert_eq!(logs.len(), 1);
    assert_eq!(logs[0].message, "Polling");
    assert!(logs[0].file.ends_with("seed_log.c"), "{}", logs[0].file);
    assert_eq!(logs[0].line, 6);
}

/// Runs each twin for three scans, 10 ms apart, with the inputs 7, 9 and an output image of
/// `outputs` bytes; hands each program and its environment to `check`, and asserts that both
/// leave the same outputs and variables behind.
fn run_twins(outputs: usize, check: impl Fn(&str, &plc_host::Program, &plc_host::InMemoryEnvironment)) {
    let mut worlds = Vec::new();
    for (name, wasm) in [("rust", rust_guest("guest-abi-all")), ("c", c_test_guest("abi_all"))] {
        let mut program = load(name, &wasm);
        let mut env = env(2, outputs);
        env.inputs = vec![7, 9];
        for scan in 0..3u64 {
            env.elapsed = std::time::Duration::from_millis(10 * scan);
            program.poll(&mut env).unwrap_or_else(|f| panic!("{name}: {f}"));
        }
        let m = &env;
        check(name, &program, m);
        worlds.push((m.outputs.clone(), m.variables.clone()));
    }
    assert_eq!(worlds[0], worlds[1]);
}

/// The twins run three scans each in the host and leave the same world behind.
#[test]
fn the_host_runs_both_twins_alike() {
    run_twins(3, |name, program, m| {
        assert_eq!(m.outputs, [7, 9, 1], "{name}");
        assert_eq!(m.variables.get("count"), Some(&Value::Int(3)), "{name}");
        assert_eq!(m.variables.get("ratio"), Some(&Value::Double(1.5)), "{name}");
        assert_eq!(m.variables.get("flag"), Some(&Value::Bool(true)), "{name}");
        assert_eq!(m.logs.len(), 3, "{name}");
        assert_eq!(program.errors(), 0, "{name}");
    });
}

/// With an output image too small for their write, both twins end every scan in
/// `WASM_ADDRESS_OUT_OF_BOUNDS`: reported each scan (`wasm_report_error`, counted by the host),
/// logged once, not a fault.
#[test]
fn both_twins_report_an_error_alike() {
    run_twins(1, |name, program, m| {
        assert_eq!((program.errors(), program.faults(), program.polls()), (3, 0, 3), "{name}");
        let logs: Vec<_> = m.logs.iter().map(|r| (r.level, r.message.as_str())).collect();
        assert_eq!(logs, [(log::Level::Warn, "scan ended in an error: IO address out of bounds")], "{name}");
        assert_eq!(m.outputs, [0], "{name}");
        assert_eq!(m.variables.get("count"), Some(&Value::Int(3)), "{name}: the scans' variables were published");
    });
}

/// The host calls a WASI reactor's `_initialize`, then `init`, then `poll`.
#[test]
fn initialisers_run_once_in_order_before_the_first_poll() {
    let wat = r#"(module
        (import "env" "wasm_write_output" (func $out (param i32 i32 i32) (result i32)))
        (memory (export "memory") 1)
        (func (export "_initialize") (i32.store8 (i32.const 0) (i32.const 1)))
        (func (export "init") (i32.store8 (i32.const 0) (i32.mul (i32.load8_u (i32.const 0)) (i32.const 10))))
        (func (export "poll")
            (i32.store8 (i32.const 0) (i32.add (i32.load8_u (i32.const 0)) (i32.const 1)))
            (drop (call $out (i32.const 0) (i32.const 0) (i32.const 1)))))"#;
    let mut program = load("inits", wat.as_bytes());
    let mut env = env(0, 1);
    program.poll(&mut env).unwrap();
    assert_eq!(env.outputs, [11]); // (1 * 10) + 1: _initialize, init, poll
    program.poll(&mut env).unwrap();
    assert_eq!(env.outputs, [12], "the initialisers ran once");
}

#[test]
fn wasi_libc_in_reactor_mode_runs_without_its_io() {
    let wasm = wasi_reactor_guest("wasi_reactor");
    let names: Vec<_> = imports(&wasm).into_iter().map(|(m, n, _)| format!("{m}.{n}")).collect();
    assert_eq!(names, ["env.wasm_write_output"]);
    let mut program = load("wasi", &wasm);
    let mut env = env(0, 3);
    program.poll(&mut env).unwrap();
    assert_eq!(env.outputs, *b"clp");

    let stdio = wasi_reactor_guest("wasi_stdio");
    match plc_host::Program::new("stdio", &stdio, plc_host::Limits::default()) {
        Err(plc_host::LoadError::Invalid(problems)) => {
            assert!(problems.iter().any(|p| p.0 == "import wasi_snapshot_preview1.fd_write is not an intrinsic of this host"), "{problems:?}")
        }
        other => panic!("{other:?}"),
    }
}

/// Both twins declare `count` retained, in the ABI's custom section, through their SDK's
/// macro; the host reads the same declaration from each.
#[test]
fn both_twins_declare_the_same_retained_variable() {
    use plc_host::retain::{declared, Declared, Kind};
    for (name, wasm) in [("rust", rust_guest("guest-abi-all")), ("c", c_test_guest("abi_all"))] {
        let module = Module::new(&Engine::default(), &wasm).unwrap();
        assert_eq!(module.custom_sections(abi::RETAINED_SECTION).count(), 1, "{name}: one section, merged by the linker");
        assert_eq!(declared(&wasm).unwrap(), [Declared { name: "count".into(), kind: Kind::Int }], "{name}");
        assert_eq!(load(name, &wasm).retained(), [Declared { name: "count".into(), kind: Kind::Int }], "{name}");
    }
}

/// Both twins save the same state, record for record, and each takes its own over as a new
/// version: the scans count on.
#[test]
fn both_twins_carry_the_same_state() {
    let mut saved = Vec::new();
    for (name, wasm) in [("rust", rust_guest("guest-abi-all")), ("c", c_test_guest("abi_all"))] {
        let mut controller = plc_host::Controller::new(env(2, 3));
        controller.env_mut().inputs = vec![7, 9];
        controller.add(load(name, &wasm)).unwrap();
        for _ in 0..3 {
            assert!(controller.scan().is_empty(), "{name}");
        }
        controller.replace(load(name, &wasm));
        assert!(controller.scan().is_empty(), "{name}");
        let carried = controller.program(name).unwrap().carried().cloned().unwrap();
        assert_eq!((carried.kept, carried.new.len(), carried.dropped.len()), (2, 0, 0), "{name}");
        let records: Vec<_> = controller.state(name).unwrap().iter().map(|r| (r.name.to_owned(), r.type_name.to_owned(), r.bytes.to_vec())).collect();
        saved.push(records);
    }
    assert_eq!(saved[0], [("scans".into(), "u32".into(), vec![4, 0, 0, 0]), ("levels".into(), "[u16; 2]".into(), vec![7, 0, 9, 0])]);
    assert_eq!(saved[0], saved[1]);
}

/// The process image's descriptor as each SDK lays it out: `plc_image` is an immutable i32
/// global whose value is the address of a `wasm_process_image_t` of `plc_abi` (16 bytes), with
/// the declared lengths and two ranges inside the memory that do not overlap.
fn descriptor_of(wasm: &[u8]) -> abi::wasm_process_image_t {
    use wasmer::{Extern, Function, Imports, Instance, Mutability, Store, Value as WasmValue};
    let mut store = Store::default();
    let module = Module::new(&store, wasm).unwrap();
    let export = module.exports().find(|e| e.name() == abi::PROCESS_IMAGE_EXPORT).expect("plc_image is exported");
    match export.ty() {
        ExternType::Global(g) => assert_eq!((g.ty, g.mutability), (Type::I32, Mutability::Const)),
        other => panic!("plc_image is {other:?}"),
    }
    // Instantiated without a host: every import answers zeros (nothing is called).
    let mut imports = Imports::new();
    for import in module.imports() {
        if let ExternType::Function(ty) = import.ty() {
            let results: Vec<_> = ty.results().iter().map(|_| WasmValue::I32(0)).collect();
            let f = Function::new(&mut store, ty, move |_| Ok(results.clone()));
            imports.define(import.module(), import.name(), Extern::Function(f));
        }
    }
    let instance = Instance::new(&mut store, &module, &imports).unwrap();
    let WasmValue::I32(at) = instance.exports.get_global(abi::PROCESS_IMAGE_EXPORT).unwrap().get(&mut store) else { panic!() };
    let memory = instance.exports.get_memory(abi::MEMORY_EXPORT).unwrap();
    let mut raw = [0u8; abi::wasm_process_image_t::SIZE];
    memory.view(&store).read(at as u32 as u64, &mut raw).unwrap();
    let d = abi::wasm_process_image_t::from_le_bytes(raw);
    let size = memory.view(&store).data_size();
    let (i, o) = (u64::from(d.inputs)..u64::from(d.inputs + d.inputs_len), u64::from(d.outputs)..u64::from(d.outputs + d.outputs_len));
    assert!(i.end <= size && o.end <= size, "{d:?} in {size} bytes");
    assert!(i.end <= o.start || o.end <= i.start, "the ranges overlap: {d:?}");
    d
}

#[test]
fn the_rust_and_c_sdks_lay_out_the_process_image_of_the_abi() {
    let rust = descriptor_of(&rust_guest("guest-blocks"));
    let c = descriptor_of(&c_test_guest("blocks"));
    assert_eq!((rust.inputs_len, rust.outputs_len), (1, 11));
    assert_eq!((c.inputs_len, c.outputs_len), (1, 11));
}
