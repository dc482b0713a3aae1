//! Why a program stopped: the kind, the message and the guest backtrace.

use std::fmt;

use plc_abi as abi;
use wasmer::sys::vm::TrapCode;
use wasmer::RuntimeError;

use crate::limits::Limits;

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
    /// The instance could not be made ready, outside the program's own code: wasmer refused
    /// to instantiate the module (e.g. a memory or table over the limits), the CPU meter could
    /// not be read or set, `poll` was missing, or the program speaks another ABI version. A
    /// trap or an exhausted budget in the start function, `plc_abi_version`, `_initialize` or
    /// `init` is a [`Trap`](Self::Trap) or [`CpuBudget`](Self::CpuBudget) fault that names
    /// the function.
    Instantiation,
    /// The program's process image (its `plc_image` descriptor, or a range it gives) lies
    /// outside its memory: checked before every poll.
    ProcessImage,
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
            FaultKind::ProcessImage => f.write_str("bad process image"),
            FaultKind::Other => f.write_str("runtime error"),
        }
    }
}

/// The innermost frames a fault keeps of a deep backtrace.
const INNER_FRAMES: usize = 16;
/// The outermost frames it keeps.
const OUTER_FRAMES: usize = 4;

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
        let trace = error.trace();
        let show = |frame: &wasmer::FrameInfo| {
            // The module's `name` section, demangled (a C name stays as it is); without one, the
            // function's index.
            let name = frame
                .function_name()
                .map_or_else(|| format!("func[{}]", frame.func_index()), |name| format!("{:#}", rustc_demangle::demangle(name)));
            format!("{}!{}+{:#x}", frame.module_name(), name, frame.func_offset())
        };
        // A trap deep in a recursion has thousands of frames: keep the innermost and the
        // outermost, and count the rest.
        let backtrace = if trace.len() <= INNER_FRAMES + OUTER_FRAMES {
            trace.iter().map(show).collect()
        } else {
            let inner = trace[..INNER_FRAMES].iter().map(show);
            let skipped = format!("... {} more frames ...", trace.len() - INNER_FRAMES - OUTER_FRAMES);
            let outer = trace[trace.len() - OUTER_FRAMES..].iter().map(show);
            inner.chain(std::iter::once(skipped)).chain(outer).collect()
        };
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

/// A fault from a runtime error during `during` (`poll`, `init`, the start function, ...):
/// `exhausted` says whether the CPU budget ran out (`None`: unknown, there is no instance
/// to ask), `grew` whether the memory hit its limit.
pub(crate) fn classify(error: RuntimeError, exhausted: Option<bool>, grew: bool, limits: &Limits, during: &str) -> Fault {
    let mut fault = if exhausted == Some(true) {
        Fault::from_runtime(error, Some(FaultKind::CpuBudget))
    } else if grew {
        Fault::from_runtime(error, Some(FaultKind::MemoryLimit))
    } else {
        Fault::from_runtime(error, None)
    };
    match fault.kind {
        FaultKind::CpuBudget if [abi::POLL_EXPORT, abi::STATE_SAVE_EXPORT, abi::STATE_LOAD_EXPORT].contains(&during) => {
            fault.message = format!("{during} used all of its {} instructions (an endless loop?)", limits.cpu_budget)
        }
        FaultKind::CpuBudget => {
            fault.message = format!(
                "{during} used the last of the {} instructions a new instance has for its start function, {}, {} and {} together (an endless loop?)",
                limits.cpu_budget,
                abi::ABI_VERSION_EXPORT,
                abi::REACTOR_INIT_EXPORT,
                abi::INIT_EXPORT
            )
        }
        FaultKind::MemoryLimit => fault.message = memory_message(limits, during),
        _ => fault.message = format!("in {during}: {}", fault.message),
    }
    // Without an instance the budget cannot be read, and running out of it traps as
    // `unreachable` does: say both.
    if exhausted.is_none() && fault.kind == FaultKind::Trap(TrapCode::UnreachableCodeReached) {
        fault.message.push_str(&format!(" (or it used all of its {} instructions)", limits.cpu_budget));
    }
    fault
}

/// The message of a [`FaultKind::MemoryLimit`] fault.
pub(crate) fn memory_message(limits: &Limits, during: &str) -> String {
    format!("{during} tried to grow memory past the limit of {} KiB", limits.memory_pages().bytes().0 / 1024)
}
