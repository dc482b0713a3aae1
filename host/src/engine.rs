//! Turning a module into machine code: one engine per module (its CPU meter serves one
//! module), identical modules compiled once and shared, each program's store made with
//! tunables of its own (its limits, its memory flag); compiled on a bounded pool of threads.
//!
//! Why not one engine for every module: measured (docs/benchmarks.md), a shared engine scans
//! distinct modules no faster than an engine each (each module's code is its own mapping
//! either way), and an engine frees the code of a module only when the engine itself goes.
//! What is shared is the module: copies of one program run one copy of its code.

use std::fmt;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex, OnceLock};

use sha2::{Digest, Sha256};
use wasmer::sys::{CompilerConfig, Cranelift, EngineBuilder, NativeEngineExt, Singlepass};
use wasmer::{Engine, Module};

use crate::limits::{Compiler, Limits};
use crate::tunables::LimitingTunables;
use crate::metering::Metering;
use crate::compiled::LoadError;
use crate::validate::binary_problems;

/// The modules kept for reuse, most recently used first: a program loaded again (many copies
/// of one program, a file saved twice) is not compiled again.
const KEPT_MODULES: usize = 64;

/// A module compiled lately: what it was compiled from and with, and its engine.
struct Kept {
    sha256: [u8; 32],
    compiler: Compiler,
    /// The budget an instance starts with is compiled into the module.
    cpu_budget: u64,
    engine: Engine,
    module: Module,
}

fn kept() -> std::sync::MutexGuard<'static, Vec<Kept>> {
    static KEPT: OnceLock<Mutex<Vec<Kept>>> = OnceLock::new();
    KEPT.get_or_init(Mutex::default).lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A new engine for one module: its compiler with the CPU meter.
fn module_engine(limits: &Limits) -> Engine {
    let metering = Metering::new(limits.cpu_budget);
    let mut engine: Engine = match limits.compiler {
        Compiler::Cranelift => {
            let mut compiler = Cranelift::default();
            compiler.push_middleware(metering);
            EngineBuilder::new(compiler).into()
        }
        Compiler::Singlepass => {
            let mut compiler = Singlepass::default();
            compiler.push_middleware(metering);
            EngineBuilder::new(compiler).into()
        }
    };
    // The memory style is compiled into the module: the same tunables as its stores'.
    engine.set_tunables(LimitingTunables::new(limits.memory_pages(), limits.table_elements, limits.stack_bytes, Arc::default()));
    engine
}

/// The engine a program's stores are made from: its module's engine, with tunables of its own
/// that cap its memory and tables and raise `memory_exceeded`.
pub(crate) fn program_engine(module_engine: &Engine, limits: &Limits, memory_exceeded: Arc<AtomicBool>) -> Engine {
    let mut engine = module_engine.clone();
    engine.set_tunables(LimitingTunables::new(limits.memory_pages(), limits.table_elements, limits.stack_bytes, memory_exceeded));
    engine
}

/// The threads the compilers may use: one core fewer than the machine has (at least one), so
/// that compiling a new program never takes every core from the scan thread.
pub fn compile_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get().saturating_sub(1).max(1))
}

/// The pool compilers run their parallel work on (wasmer's compilers use rayon); `None` if
/// it could not be built, and compiling then runs on the calling thread's pool.
fn pool() -> Option<&'static rayon::ThreadPool> {
    static POOL: OnceLock<Option<rayon::ThreadPool>> = OnceLock::new();
    POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(compile_threads())
            .thread_name(|i| format!("plc-compile-{i}"))
            .build()
            .map_err(|e| log::warn!("no compiler pool, compiling on the global one: {e}"))
            .ok()
    })
    .as_ref()
}

/// Compiles a binary module, or WAT text (for fixtures), refusing one over the size limit
/// before any work, and checks what only the binary shows; errors fit on one line. Returns the
/// module and the engine it was compiled on; a module of the same bytes compiled lately with
/// the same compiler and budget is reused.
pub(crate) fn compile(wasm: &[u8], limits: &Limits) -> Result<(Engine, Module), LoadError> {
    if wasm.len() as u64 > limits.module_bytes {
        return Err(LoadError::Compile(format!(
            "the module is {} bytes, over this host's limit of {} bytes",
            wasm.len(),
            limits.module_bytes
        )));
    }
    let one_line = |e: &dyn fmt::Display| e.to_string().lines().next().unwrap_or_default().trim().to_owned();
    if wasm.is_empty() {
        return Err(LoadError::Compile("not a WebAssembly module: the file is empty".into()));
    }
    if !wasm.starts_with(b"\0asm") {
        let Ok(text) = std::str::from_utf8(wasm) else {
            return Err(LoadError::Compile("not a WebAssembly module: the file does not start with \"\\0asm\"".into()));
        };
        let binary = wasmer::wat2wasm(text.as_bytes())
            .map_err(|e| LoadError::Compile(format!("neither a WebAssembly binary nor valid WAT text: {}", one_line(&e))))?;
        return compile(&binary, limits);
    }
    let problems = binary_problems(wasm, limits);
    if !problems.is_empty() {
        return Err(LoadError::Invalid(problems));
    }
    let sha256: [u8; 32] = Sha256::digest(wasm).into();
    let same = |k: &Kept| k.sha256 == sha256 && k.compiler == limits.compiler && k.cpu_budget == limits.cpu_budget;
    {
        let mut kept = kept();
        if let Some(at) = kept.iter().position(same) {
            let entry = kept.remove(at);
            let found = (entry.engine.clone(), entry.module.clone());
            kept.insert(0, entry);
            return Ok(found);
        }
    }
    let engine = module_engine(limits);
    let build = || Module::new(&engine, wasm);
    let module = match pool() {
        Some(pool) => pool.install(build),
        None => build(),
    };
    let module = module.map_err(|e| LoadError::Compile(format!("not a valid WebAssembly module: {}", one_line(&e))))?;
    let mut kept = kept();
    kept.retain(|k| !same(k));
    kept.insert(0, Kept { sha256, compiler: limits.compiler, cpu_budget: limits.cpu_budget, engine: engine.clone(), module: module.clone() });
    kept.truncate(KEPT_MODULES);
    Ok((engine, module))
}

#[cfg(test)]
mod tests;
