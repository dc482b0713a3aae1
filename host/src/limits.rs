//! What one program may use: CPU per poll, memory, log messages per poll; and what happens
//! when it faults.

use std::fmt;

use wasmer::{Pages, WASM_PAGE_SIZE};

/// What the host does with a program after it faults.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FaultPolicy {
    /// The program stays stopped until an operator acts, as a PLC does. The default.
    #[default]
    Stop,
    /// A fresh instance (memory and state as at load) runs again, after a backoff that grows
    /// with each fault in a row ([`Limits::restart_backoff_max`]).
    Restart,
}

impl std::str::FromStr for FaultPolicy {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "stop" => Ok(FaultPolicy::Stop),
            "restart" => Ok(FaultPolicy::Restart),
            other => Err(format!("unknown fault policy `{other}` (expected `stop` or `restart`)")),
        }
    }
}

impl fmt::Display for FaultPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FaultPolicy::Stop => "stop",
            FaultPolicy::Restart => "restart",
        })
    }
}

/// Which wasmer compiler turns a program into machine code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Compiler {
    /// Optimising; the default.
    #[default]
    Cranelift,
    /// One pass, several times faster to compile: a shorter swap latency for online change.
    Singlepass,
}

impl std::str::FromStr for Compiler {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "cranelift" => Ok(Compiler::Cranelift),
            "singlepass" => Ok(Compiler::Singlepass),
            other => Err(format!("unknown compiler `{other}` (expected `cranelift` or `singlepass`)")),
        }
    }
}

impl fmt::Display for Compiler {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Compiler::Cranelift => "cranelift",
            Compiler::Singlepass => "singlepass",
        })
    }
}

/// What happens to a program's outputs when it faults.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum OutputsOnFault {
    /// They keep their last good values (the faulted poll published nothing). The default.
    #[default]
    Hold,
    /// Every output byte the program has published goes to 0, its safe state.
    Zero,
}

impl std::str::FromStr for OutputsOnFault {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "hold" => Ok(OutputsOnFault::Hold),
            "zero" => Ok(OutputsOnFault::Zero),
            other => Err(format!("unknown outputs policy `{other}` (expected `hold` or `zero`)")),
        }
    }
}

impl fmt::Display for OutputsOnFault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            OutputsOnFault::Hold => "hold",
            OutputsOnFault::Zero => "zero",
        })
    }
}

/// The limits of one program.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// The CPU budget of one poll (and of `init`), in metering points: about one per wasm
    /// instruction. A poll that runs out faults with [`FaultKind::CpuBudget`](crate::FaultKind).
    pub cpu_budget: u64,
    /// The most linear memory a program may have, in bytes (rounded down to 64 KiB pages).
    pub memory_bytes: u64,
    /// The most log messages kept from one poll; further ones are dropped, counted and answered
    /// with `WASM_GENERIC_ERROR`.
    pub log_messages_per_poll: u32,
    /// What happens after a fault.
    pub on_fault: FaultPolicy,
    /// With [`FaultPolicy::Restart`]: after the n-th fault in a row the program sits out
    /// 2^(n-1) - 1 polls, at most this many, before its fresh instance runs. 0 restarts at once.
    pub restart_backoff_max: u32,
    /// What happens to its outputs when it faults.
    pub outputs_on_fault: OutputsOnFault,
    /// The compiler.
    pub compiler: Compiler,
    /// The most tables a module may declare; a module with more is refused at load.
    pub tables: u32,
    /// The most elements one table may hold: a module whose table starts larger is refused at
    /// load, and a `table.grow` past it returns -1 to the program.
    pub table_elements: u32,
    /// The largest module file, in bytes, the host compiles; a larger one is refused before
    /// compiling (and the folder watcher reads no further).
    pub module_bytes: u64,
    /// The wasm call stack of a poll, in bytes (at least 8 KiB): a deeper recursion faults
    /// with a stack overflow. Small by default, since a trap's cost grows with the depth of
    /// the stack it unwinds. (A Rust program's shadow stack is in its linear memory.)
    pub stack_bytes: usize,
    /// The largest state a program may carry to a new version, in bytes: the names, type
    /// strings and values of its records together. A program whose state (measured at load)
    /// is larger is refused.
    pub state_bytes: usize,
    /// The most records (fields) of a program's state.
    pub state_records: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            cpu_budget: 10_000_000,
            memory_bytes: 16 * 1024 * 1024,
            log_messages_per_poll: 64,
            on_fault: FaultPolicy::Stop,
            restart_backoff_max: 64,
            outputs_on_fault: OutputsOnFault::Hold,
            compiler: Compiler::Cranelift,
            tables: 4,
            table_elements: 65_536,
            module_bytes: 8 * 1024 * 1024,
            stack_bytes: 128 * 1024,
            state_bytes: 64 * 1024,
            state_records: 4096,
        }
    }
}

impl Limits {
    /// The memory limit in wasm pages.
    pub fn memory_pages(&self) -> Pages {
        Pages(u32::try_from(self.memory_bytes / WASM_PAGE_SIZE as u64).unwrap_or(u32::MAX))
    }
}
