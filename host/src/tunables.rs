//! Tunables that hold a program to its limits: every memory and table capped, and a flag raised
//! when the program tried to grow its memory past the cap. One of the two modules of the host
//! with `unsafe` (wasmer's `Tunables` trait has unsafe methods); nothing on the call path.
#![allow(unsafe_code)]

use std::ptr::NonNull;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use wasmer::sys::vm::{
    LinearMemory, MemoryError, MemoryStyle, TableStyle, Trap, VMConfig, VMMemory, VMMemoryDefinition, VMOwnedMemory, VMTable,
    VMTableDefinition,
};
use wasmer::sys::{BaseTunables, Tunables};
use wasmer::{MemoryType, Pages, TableType};

/// Tunables that cap every memory and table at the limits, and remember when a program tried
/// to grow its memory past it.
pub(crate) struct LimitingTunables {
    base: BaseTunables,
    limit: Pages,
    table_elements: u32,
    exceeded: Arc<AtomicBool>,
    /// The wasm call stack of each call into the program.
    config: VMConfig,
}

impl LimitingTunables {
    pub(crate) fn new(limit: Pages, table_elements: u32, stack_bytes: usize, exceeded: Arc<AtomicBool>) -> Self {
        let config = VMConfig { wasm_stack_size: Some(stack_bytes) };
        LimitingTunables { base: BaseTunables::new(), limit, table_elements, exceeded, config }
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

    fn watch(&self, memory: VMOwnedMemory) -> VMMemory {
        VMMemory(Box::new(WatchedMemory { inner: memory, exceeded: self.exceeded.clone() }))
    }
}

impl Tunables for LimitingTunables {
    fn vmconfig(&self) -> &VMConfig {
        &self.config
    }

    fn memory_style(&self, memory: &MemoryType) -> MemoryStyle {
        self.base.memory_style(memory)
    }

    fn table_style(&self, table: &TableType) -> TableStyle {
        self.base.table_style(table)
    }

    fn create_host_memory(&self, ty: &MemoryType, style: &MemoryStyle) -> Result<VMMemory, MemoryError> {
        let ty = self.adjust(ty)?;
        // The memory itself, not behind another box: every memory view asks it for its size.
        // Shared memories are refused by `validate`, and made by the base tunables here.
        if ty.shared {
            return self.base.create_host_memory(&ty, style);
        }
        VMOwnedMemory::new(&ty, style).map(|m| self.watch(m))
    }

    unsafe fn create_vm_memory(
        &self,
        ty: &MemoryType,
        style: &MemoryStyle,
        vm_definition_location: NonNull<VMMemoryDefinition>,
    ) -> Result<VMMemory, MemoryError> {
        let ty = self.adjust(ty)?;
        if ty.shared {
            // SAFETY: the caller's guarantee for `vm_definition_location` is passed on unchanged.
            return unsafe { self.base.create_vm_memory(&ty, style, vm_definition_location) };
        }
        // SAFETY: the caller's guarantee for `vm_definition_location` is passed on unchanged.
        unsafe { VMOwnedMemory::from_definition(&ty, style, vm_definition_location) }.map(|m| self.watch(m))
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
    inner: VMOwnedMemory,
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
        self.inner.try_clone()
    }

    unsafe fn initialize_with_data(&self, start: usize, data: &[u8]) -> Result<(), Trap> {
        // SAFETY: the caller's guarantee (called at instantiation only) is passed on unchanged.
        unsafe { self.inner.initialize_with_data(start, data) }
    }

    fn copy(&self) -> Result<Box<dyn LinearMemory + Send + Sync + 'static>, MemoryError> {
        LinearMemory::copy(&self.inner)
    }
}
