//! What one program may use: CPU per poll, memory, log messages per poll; and what happens
//! when it faults.

use std::fmt;
use std::ptr::NonNull;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use wasmer::sys::vm::{
    LinearMemory, MemoryError, MemoryStyle, TableStyle, Trap, VMMemory, VMMemoryDefinition, VMTable, VMTableDefinition,
};
use wasmer::sys::{BaseTunables, Tunables};
use wasmer::{MemoryType, Pages, TableType, WASM_PAGE_SIZE};

/// What the host does with a program after it faults.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
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
        }
    }
}

impl Limits {
    /// The memory limit in wasm pages.
    pub fn memory_pages(&self) -> Pages {
        Pages(u32::try_from(self.memory_bytes / WASM_PAGE_SIZE as u64).unwrap_or(u32::MAX))
    }
}

/// Tunables that cap every memory and table at the limits, and remember when a program tried
/// to grow its memory past it.
pub(crate) struct LimitingTunables {
    base: BaseTunables,
    limit: Pages,
    table_elements: u32,
    exceeded: Arc<AtomicBool>,
}

impl LimitingTunables {
    pub(crate) fn new(limit: Pages, table_elements: u32, exceeded: Arc<AtomicBool>) -> Self {
        LimitingTunables { base: BaseTunables::new(), limit, table_elements, exceeded }
    }

    /// The requested table type with its maximum capped at the limit (a `table.grow` past it
    /// returns -1), or the error when even its minimum is over the limit.
    fn adjust_table(&self, requested: &TableType) -> Result<TableType, String> {
        if requested.minimum > self.table_elements {
            return Err(format!(
                "a table of {} elements is over this host's limit of {}",
                requested.minimum, self.table_elements
            ));
        }
        let maximum = requested.maximum.map_or(self.table_elements, |m| m.min(self.table_elements));
        Ok(TableType { maximum: Some(maximum), ..*requested })
    }

    /// The requested type with its maximum capped at the limit, or the error when even its
    /// minimum is over the limit.
    fn adjust(&self, requested: &MemoryType) -> Result<MemoryType, MemoryError> {
        if requested.minimum > self.limit {
            return Err(MemoryError::MinimumMemoryTooLarge { min_requested: requested.minimum, max_allowed: self.limit });
        }
        let maximum = requested.maximum.map_or(self.limit, |m| m.min(self.limit));
        Ok(MemoryType { maximum: Some(maximum), ..*requested })
    }

    fn watch(&self, memory: VMMemory) -> VMMemory {
        VMMemory(Box::new(WatchedMemory { inner: memory, exceeded: self.exceeded.clone() }))
    }
}

impl Tunables for LimitingTunables {
    fn memory_style(&self, memory: &MemoryType) -> MemoryStyle {
        self.base.memory_style(memory)
    }

    fn table_style(&self, table: &TableType) -> TableStyle {
        self.base.table_style(table)
    }

    fn create_host_memory(&self, ty: &MemoryType, style: &MemoryStyle) -> Result<VMMemory, MemoryError> {
        let ty = self.adjust(ty)?;
        self.base.create_host_memory(&ty, style).map(|m| self.watch(m))
    }

    unsafe fn create_vm_memory(
        &self,
        ty: &MemoryType,
        style: &MemoryStyle,
        vm_definition_location: NonNull<VMMemoryDefinition>,
    ) -> Result<VMMemory, MemoryError> {
        let ty = self.adjust(ty)?;
        // SAFETY: the caller's guarantee for `vm_definition_location` is passed on unchanged.
        unsafe { self.base.create_vm_memory(&ty, style, vm_definition_location) }.map(|m| self.watch(m))
    }

    fn create_host_table(&self, ty: &TableType, style: &TableStyle) -> Result<VMTable, String> {
        self.base.create_host_table(&self.adjust_table(ty)?, style)
    }

    unsafe fn create_vm_table(
        &self,
        ty: &TableType,
        style: &TableStyle,
        vm_definition_location: NonNull<VMTableDefinition>,
    ) -> Result<VMTable, String> {
        let ty = self.adjust_table(ty)?;
        // SAFETY: the caller's guarantee for `vm_definition_location` is passed on unchanged.
        unsafe { self.base.create_vm_table(&ty, style, vm_definition_location) }
    }
}

/// A linear memory that raises a flag when a `memory.grow` is refused.
#[derive(Debug)]
struct WatchedMemory {
    inner: VMMemory,
    exceeded: Arc<AtomicBool>,
}

impl LinearMemory for WatchedMemory {
    fn ty(&self) -> MemoryType {
        self.inner.ty()
    }

    fn size(&self) -> Pages {
        self.inner.size()
    }

    fn style(&self) -> MemoryStyle {
        self.inner.style()
    }

    fn grow(&mut self, delta: Pages) -> Result<Pages, MemoryError> {
        let grown = self.inner.grow(delta);
        if grown.is_err() {
            self.exceeded.store(true, Ordering::Relaxed);
        }
        grown
    }

    fn vmmemory(&self) -> NonNull<VMMemoryDefinition> {
        self.inner.vmmemory()
    }

    fn try_clone(&self) -> Result<Box<dyn LinearMemory + Send + Sync + 'static>, MemoryError> {
        self.inner.try_clone().map(|m| m.0)
    }

    unsafe fn initialize_with_data(&self, start: usize, data: &[u8]) -> Result<(), Trap> {
        // SAFETY: the caller's guarantee (called at instantiation only) is passed on unchanged.
        unsafe { self.inner.initialize_with_data(start, data) }
    }

    fn copy(&self) -> Result<Box<dyn LinearMemory + Send + Sync + 'static>, MemoryError> {
        self.inner.copy()
    }
}
