//! Why a program stopped: the kind, the message and the guest backtrace.

use std::fmt;

use wasmer::sys::vm::TrapCode;
use wasmer::RuntimeError;

/// What kind of fault a program had.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FaultKind {
    /// A wasm trap: `unreachable` (a Rust panic ends in one), an out-of-bounds access, a
    /// division by zero, a stack overflow, ...
    Trap(TrapCode),
    /// The poll used up its CPU budget: an endless loop, or far too much work for one scan.
    CpuBudget,
    /// The program tried to grow its memory past its limit.
    MemoryLimit,
    /// The host could not make a working instance of the module: wasmer refused to
    /// instantiate it (other than by a trap in its start function), the `poll` export or the
    /// CPU meter's globals were missing or unusable, or the program's `plc_abi_version`
    /// returned a version this host does not speak. A trap, an exhausted CPU budget or memory
    /// grown past the limit in the start function, `plc_abi_version`, `_initialize` or `init`
    /// is that kind of fault ([`Trap`](Self::Trap), [`CpuBudget`](Self::CpuBudget),
    /// [`MemoryLimit`](Self::MemoryLimit)), not this one.
    Instantiation,
    /// Any other error from the runtime.
    Other,
}

impl fmt::Display for FaultKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FaultKind::Trap(TrapCode::StackOverflow) => f.write_str("stack overflow"),
            FaultKind::Trap(TrapCode::HeapAccessOutOfBounds | TrapCode::TableAccessOutOfBounds) => {
                f.write_str("out-of-bounds access")
            }
            FaultKind::Trap(TrapCode::UnreachableCodeReached) => f.write_str("unreachable (a panic or abort)"),
            FaultKind::Trap(code) => write!(f, "trap ({})", code.message()),
            FaultKind::CpuBudget => f.write_str("CPU budget exhausted"),
            FaultKind::MemoryLimit => f.write_str("memory limit exceeded"),
            FaultKind::Instantiation => f.write_str("instantiation failed"),
            FaultKind::Other => f.write_str("runtime error"),
        }
    }
}

/// A program's fault, ready to show an operator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    /// What happened.
    pub kind: FaultKind,
    /// The details.
    pub message: String,
    /// The guest's call stack, innermost first, where the runtime gives one.
    pub backtrace: Vec<String>,
}

impl Fault {
    pub(crate) fn new(kind: FaultKind, message: impl Into<String>) -> Self {
        Fault { kind, message: message.into(), backtrace: Vec::new() }
    }

    /// A fault from a runtime error; `kind` overrides what the error says of itself (the
    /// host knows better when a budget ran out).
    pub(crate) fn from_runtime(error: RuntimeError, kind: Option<FaultKind>) -> Self {
        let message = error.message();
        let backtrace = error
            .trace()
            .iter()
            .map(|frame| {
                let name = frame.function_name().map_or_else(|| format!("func[{}]", frame.func_index()), str::to_owned);
                format!("{}!{}+{:#x}", frame.module_name(), name, frame.func_offset())
            })
            .collect();
        let kind = kind.unwrap_or_else(|| error.to_trap().map_or(FaultKind::Other, FaultKind::Trap));
        Fault { kind, message, backtrace }
    }
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind, self.message)?;
        if !self.backtrace.is_empty() {
            write!(f, " (at {})", self.backtrace.join(" <- "))?;
        }
        Ok(())
    }
}

impl std::error::Error for Fault {}
