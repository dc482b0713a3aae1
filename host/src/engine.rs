//! Turning a module into machine code: one engine per program (its meter serves one module),
//! with the program's limits in its tunables, compiled on a bounded pool of threads.

use std::fmt;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, OnceLock};

use wasmer::sys::{CompilerConfig, Cranelift, EngineBuilder, NativeEngineExt, Singlepass};
use wasmer::{Engine, Module};

use crate::limits::{Compiler, Limits};
use crate::tunables::LimitingTunables;
use crate::metering::Metering;
use crate::compiled::LoadError;
use crate::validate::binary_problems;

/// An engine for one program: its compiler with the CPU meter, and tunables that cap its
/// memory and tables.
pub(crate) fn engine(limits: &Limits, memory_exceeded: Arc<AtomicBool>) -> Engine {
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
/// before any work, and checks what only the binary shows; errors fit on one line.
pub(crate) fn compile(engine: &Engine, wasm: &[u8], limits: &Limits) -> Result<Module, LoadError> {
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
        return compile(engine, &binary, limits);
    }
    let problems = binary_problems(wasm, limits);
    if !problems.is_empty() {
        return Err(LoadError::Invalid(problems));
    }
    let build = || Module::new(engine, wasm);
    let module = match pool() {
        Some(pool) => pool.install(build),
        None => build(),
    };
    module.map_err(|e| LoadError::Compile(format!("not a valid WebAssembly module: {}", one_line(&e))))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Compiling leaves a core to the scan thread: the pool has one thread fewer than the
    /// machine has cores (one on a single core), and the compilers' parallel work runs on it.
    #[test]
    fn compiling_runs_on_a_pool_that_leaves_a_core_free() {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        assert_eq!(compile_threads(), cores.saturating_sub(1).max(1));
        let pool = pool().expect("the pool is built");
        assert_eq!(pool.current_num_threads(), compile_threads());
        let name = pool.install(|| std::thread::current().name().map(str::to_owned));
        assert!(name.is_some_and(|n| n.starts_with("plc-compile-")), "installed work runs on the pool");
    }
}
