//! Checks a compiled module against the ABI before it is instantiated, naming each problem.

use std::fmt;

use plc_abi::{self as abi, ValType};
use wasmer::{ExternType, FunctionType, Module, Type};

use crate::limits::Limits;
use crate::metering::RESERVED_PREFIX;

/// One reason a module is not a valid program for this host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem(pub String);

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn abi_type(ty: &ValType) -> Type {
    match ty {
        ValType::I32 => Type::I32,
        ValType::F64 => Type::F64,
    }
}

/// The wasm function type of an intrinsic.
pub(crate) fn intrinsic_type(intrinsic: &abi::Intrinsic) -> FunctionType {
    FunctionType::new(
        intrinsic.params.iter().map(abi_type).collect::<Vec<_>>(),
        intrinsic.results.iter().map(abi_type).collect::<Vec<_>>(),
    )
}

fn show(ty: &FunctionType) -> String {
    let list = |types: &[Type]| types.iter().map(|t| t.to_string().to_lowercase()).collect::<Vec<_>>().join(", ");
    match ty.results() {
        [] => format!("({})", list(ty.params())),
        results => format!("({}) -> {}", list(ty.params()), list(results)),
    }
}

/// Every problem of `module` as a program for this host with these limits; empty when valid.
pub fn validate(module: &Module, limits: &Limits) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut problem = |text: String| problems.push(Problem(text));

    for import in module.imports() {
        let (m, n) = (import.module(), import.name());
        match import.ty() {
            ExternType::Memory(_) => problem(format!(
                "import {m}.{n} is a memory: a program must export its own memory, not import one"
            )),
            ExternType::Function(ty) => match abi::intrinsic(n).filter(|_| m == abi::IMPORT_MODULE) {
                None => problem(format!("import {m}.{n} is not an intrinsic of this host")),
                Some(intrinsic) => {
                    let expected = intrinsic_type(intrinsic);
                    if *ty != expected {
                        problem(format!(
                            "import {m}.{n} has the signature {}, but the intrinsic's is {}",
                            show(ty),
                            show(&expected)
                        ));
                    }
                }
            },
            _ => problem(format!("import {m}.{n} is not an intrinsic of this host (only functions can be imported)")),
        }
    }

    let function_export = |name: &str| {
        module.exports().find(|e| e.name() == name).map(|e| match e.ty() {
            ExternType::Function(ty) => Some(ty.clone()),
            _ => None,
        })
    };
    match function_export(abi::POLL_EXPORT) {
        None => problem(format!("missing export `{}`: the function the controller calls every scan", abi::POLL_EXPORT)),
        Some(None) => problem(format!("export `{}` must be a function", abi::POLL_EXPORT)),
        Some(Some(ty)) if !ty.params().is_empty() || !ty.results().is_empty() => {
            problem(format!("{} must take no parameters and return nothing, but it is {}", abi::POLL_EXPORT, show(&ty)))
        }
        Some(Some(_)) => {}
    }
    for init in [abi::REACTOR_INIT_EXPORT, abi::INIT_EXPORT, abi::STATE_SAVE_EXPORT, abi::STATE_LOAD_EXPORT] {
        match function_export(init) {
            Some(Some(ty)) if ty.params().is_empty() && ty.results().is_empty() => {}
            Some(_) => problem(format!("export `{init}` must be a function taking no parameters and returning nothing")),
            None => {}
        }
    }
    match function_export(abi::ABI_VERSION_EXPORT) {
        Some(Some(ty)) if ty.params().is_empty() && ty.results() == [Type::I32] => {}
        Some(_) => problem(format!("export `{}` must be a function taking no parameters and returning i32", abi::ABI_VERSION_EXPORT)),
        None => {}
    }

    match module.exports().find(|e| e.name() == abi::PROCESS_IMAGE_EXPORT).map(|e| e.ty().clone()) {
        Some(ExternType::Global(ty)) if ty.ty == Type::I32 && ty.mutability == wasmer::Mutability::Const => {}
        Some(_) => problem(format!(
            "export `{}` must be an immutable i32 global (a data symbol: the address of the process image's descriptor)",
            abi::PROCESS_IMAGE_EXPORT
        )),
        None => {}
    }

    let memories: Vec<_> = module
        .exports()
        .filter_map(|e| match e.ty() {
            ExternType::Memory(ty) => Some(*ty),
            _ => None,
        })
        .collect();
    let declared = module.info().memories.len();
    if declared > 1 {
        problem(format!("the module declares {declared} memories: a program has exactly one"));
    }
    match memories.first() {
        None => problem("the module exports no memory: intrinsics exchange data through the program's exported memory".into()),
        Some(memory) if memory.shared => problem(
            "the memory is shared: this host runs each program on one thread and refuses shared memories (and with them `memory.atomic.wait`)".into(),
        ),
        Some(memory) if memory.minimum > limits.memory_pages() => problem(format!(
            "the memory's minimum of {} pages ({} KiB) exceeds this host's limit of {} pages ({} KiB)",
            memory.minimum.0,
            memory.minimum.bytes().0 / 1024,
            limits.memory_pages().0,
            limits.memory_pages().bytes().0 / 1024
        )),
        Some(_) => {}
    }
    problems
}

/// Problems read from the module's binary, which the compiled module no longer shows as written:
/// its own export names (the host adds exports named `plc_meter_*` for the CPU budget, so a
/// module may not bring its own) and its tables, counted and sized against the limits.
pub(crate) fn binary_problems(binary: &[u8], limits: &Limits) -> Vec<Problem> {
    use wasmer::wasmparser::{Parser, Payload};
    let mut problems = Vec::new();
    let mut tables = 0u64;
    for payload in Parser::new(0).parse_all(binary) {
        match payload {
            Ok(Payload::ExportSection(exports)) => {
                for export in exports.into_iter().flatten() {
                    if export.name.starts_with(RESERVED_PREFIX) {
                        problems.push(Problem(format!(
                            "export `{}`: names starting with `{RESERVED_PREFIX}` are reserved for the host",
                            export.name
                        )));
                    }
                }
            }
            Ok(Payload::TableSection(section)) => {
                for table in section.into_iter().flatten() {
                    tables += 1;
                    if table.ty.initial > u64::from(limits.table_elements) {
                        problems.push(Problem(format!(
                            "table {} starts with {} elements, over this host's limit of {}",
                            tables - 1,
                            table.ty.initial,
                            limits.table_elements
                        )));
                    }
                }
            }
            _ => {}
        }
    }
    if tables > u64::from(limits.tables) {
        problems.push(Problem(format!("the module declares {tables} tables, over this host's limit of {}", limits.tables)));
    }
    problems
}
