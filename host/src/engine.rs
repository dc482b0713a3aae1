//! Turning a module into machine code: one engine per compiler and CPU budget, shared by the
//! programs compiled with them, each program's store with its own tunables (its limits, its
//! memory flag); identical modules compiled once; compiled on a bounded pool of threads.
//!
//! The CPU meter is a compiler middleware that keeps the global indexes of the module it is
//! compiling ([`Metering`]), so an engine compiles one module at a time: the lock of its
//! [`Shared`] is held for the length of each compile, and compiling goes through
//! [`compile`] only.

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

/// Compiled modules an engine keeps for reuse, most recently used first: a program loaded again
/// (a restart of the host's folder, many copies of one program) is not compiled again.
const KEPT_MODULES: usize = 64;

/// An engine shared by the programs of one compiler and CPU budget (the budget an instance
/// starts with is compiled into the module), and the modules it compiled lately.
struct Shared {
    compiler: Compiler,
    cpu_budget: u64,
    engine: Engine,
    /// Held for the length of each compile (the meter serves one module at a time); the
    /// modules compiled lately, by the SHA-256 of their bytes, most recent first.
    compiling: Mutex<Vec<([u8; 32], Module)>>,
}

/// The engine for these limits' compiler and budget, made on first use.
fn shared(limits: &Limits) -> Arc<Shared> {
    static ENGINES: OnceLock<Mutex<Vec<Arc<Shared>>>> = OnceLock::new();
    let mut engines = ENGINES.get_or_init(Mutex::default).lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(shared) = engines.iter().find(|e| e.compiler == limits.compiler && e.cpu_budget == limits.cpu_budget) {
        return shared.clone();
    }
    let metering = Metering::new(limits.cpu_budget);
    let engine: Engine = match limits.compiler {
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
    let shared = Arc::new(Shared { compiler: limits.compiler, cpu_budget: limits.cpu_budget, engine, compiling: Mutex::default() });
    engines.push(shared.clone());
    shared
}

/// The engine a program's stores are made from: the shared engine of its module, with
/// tunables of its own that cap its memory and tables and raise `memory_exceeded`.
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
/// engine it was compiled on with the module; a module of the same bytes compiled lately on
/// that engine is reused.
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
    let shared = shared(limits);
    let sha256: [u8; 32] = Sha256::digest(wasm).into();
    // Held until the module is compiled: the meter serves one module at a time.
    let mut kept = shared.compiling.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(at) = kept.iter().position(|(sha, _)| *sha == sha256) {
        let entry = kept.remove(at);
        let module = entry.1.clone();
        kept.insert(0, entry);
        return Ok((shared.engine.clone(), module));
    }
    let build = || Module::new(&shared.engine, wasm);
    let module = match pool() {
        Some(pool) => pool.install(build),
        None => build(),
    };
    let module = module.map_err(|e| LoadError::Compile(format!("not a valid WebAssembly module: {}", one_line(&e))))?;
    kept.insert(0, (sha256, module.clone()));
    kept.truncate(KEPT_MODULES);
    Ok((shared.engine.clone(), module))
}

#[cfg(test)]
mod tests;
