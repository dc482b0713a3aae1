//! A program compiled and checked, not yet instantiated: its module and the engine its stores
//! are made from.

use std::fmt;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use sha2::{Digest, Sha256};
use wasmer::{Engine, Module};

use crate::engine::{compile, program_engine};
use crate::fault::Fault;
use crate::limits::Limits;
use crate::program::Program;
use crate::retain::Declared;
use crate::validate::{validate, Problem};

/// Why a module could not become a program.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum LoadError {
    /// Not WebAssembly (or WAT) that compiles, or over the size limit.
    Compile(String),
    /// A valid module, but not a valid program for this host.
    Invalid(Vec<Problem>),
    /// Its start function, its `plc_abi_version` or its memory failed at instantiation.
    Instantiate(Fault),
}

impl LoadError {
    /// One line per problem.
    pub fn lines(&self) -> Vec<String> {
        match self {
            LoadError::Compile(e) => vec![e.clone()],
            LoadError::Invalid(problems) => problems.iter().map(ToString::to_string).collect(),
            LoadError::Instantiate(fault) => vec![format!("cannot be instantiated: {fault}")],
        }
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.lines().join("; "))
    }
}

impl std::error::Error for LoadError {}

/// A program compiled and checked, not yet instantiated. Unlike a [`Program`] it can cross
/// threads: compile on one (milliseconds), instantiate on the scan thread (microseconds).
pub struct Compiled {
    pub(crate) name: Arc<str>,
    /// The engine the module was compiled on, with this program's tunables: its stores'.
    pub(crate) engine: Engine,
    pub(crate) module: Module,
    pub(crate) limits: Limits,
    /// Raised by the tunables when the program tried to grow its memory past the limit.
    pub(crate) memory_exceeded: Arc<AtomicBool>,
    /// The retained variables it declares.
    pub(crate) retained: Vec<Declared>,
    /// The SHA-256 of the module's bytes.
    pub(crate) sha256: [u8; 32],
    /// Its state on a fresh instance, measured at load, if it exports `plc_state_save`.
    pub(crate) initial_state: Option<crate::state::Records>,
}

impl fmt::Debug for Compiled {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Compiled").field("name", &self.name).finish_non_exhaustive()
    }
}

impl Compiled {
    /// Compiles `wasm` (binary, or text for fixtures) and checks it against the ABI and the limits.
    pub fn new(name: impl Into<String>, wasm: &[u8], limits: Limits) -> Result<Compiled, LoadError> {
        let (engine, module) = compile(wasm, &limits)?;
        let memory_exceeded = Arc::new(AtomicBool::new(false));
        let engine = program_engine(&engine, &limits, memory_exceeded.clone());
        let mut problems = validate(&module, &limits);
        let retained = crate::retain::declared(wasm).unwrap_or_else(|problem| {
            problems.push(problem);
            Vec::new()
        });
        if !problems.is_empty() {
            return Err(LoadError::Invalid(problems));
        }
        let sha256 = Sha256::digest(wasm).into();
        let mut compiled = Compiled { name: Arc::from(name.into()), engine, module, limits, memory_exceeded, retained, sha256, initial_state: None };
        compiled.initial_state = crate::state::measure(&compiled)?;
        Ok(compiled)
    }

    /// Its state on a fresh instance, measured at load (`None` when it exports no
    /// `plc_state_save`): what a new version of it would carry over, at most.
    pub fn initial_state(&self) -> Option<&crate::state::Records> {
        self.initial_state.as_ref()
    }

    /// The SHA-256 of the module's bytes, as given to [`new`](Self::new).
    pub fn sha256(&self) -> &[u8; 32] {
        &self.sha256
    }

    /// The program's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Its limits.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// The retained variables it declares (its `plc.retained` custom section).
    pub fn retained(&self) -> &[Declared] {
        &self.retained
    }

    /// Instantiates it once, so that a trapping start function is caught now.
    pub fn instantiate(self) -> Result<Program, LoadError> {
        Program::from_compiled(self).map_err(LoadError::Instantiate)
    }
}
