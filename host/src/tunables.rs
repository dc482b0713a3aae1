//! Tunables that hold a program to its limits: every memory and table capped, and a flag raised
//! when the program tried to grow its memory past the cap ([`ReservedMemory`]); and what an
//! instantiation made, reached through wasmer's own definitions of it in the instance:
//! [`GuestMemory`] and [`GuestGlobal`]. One of the modules of the host with `unsafe` (wasmer's
//! `Tunables` trait has unsafe methods, and the definitions are raw pointers), with `lend.rs`
//! and `prefetch.rs`.
#![allow(unsafe_code)]

use std::cell::{Cell, RefCell};
use std::ptr::NonNull;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use wasmer::sys::vm::{
    MemoryError, MemoryStyle, TableStyle, VMConfig, VMGlobal, VMGlobalDefinition, VMMemory, VMMemoryDefinition, VMTable,
    VMTableDefinition,
};
use wasmer::sys::{BaseTunables, Tunables};
use wasmer::{GlobalType, MemoryType, Pages, TableType};

mod guest;
mod reserved_memory;

pub(crate) use guest::{GuestGlobal, GuestMemory};
use reserved_memory::{ReservedMemory, GUARD_BYTES};

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
}

impl Tunables for LimitingTunables {
    fn vmconfig(&self) -> &VMConfig {
        &self.config
    }

    /// Dynamic: every access bounds-checked by the compiled code against the memory's length,
    /// and each memory reserved up to its maximum (at most the limit) and a guard
    /// ([`ReservedMemory`]) instead of 8 GiB of address space. Fixed at compile time: the
    /// module's engine has these tunables too (`engine.rs`).
    fn memory_style(&self, _memory: &MemoryType) -> MemoryStyle {
        MemoryStyle::Dynamic { offset_guard_size: GUARD_BYTES as u64 }
    }

    fn table_style(&self, table: &TableType) -> TableStyle {
        self.base.table_style(table)
    }

    fn create_host_memory(&self, ty: &MemoryType, style: &MemoryStyle) -> Result<VMMemory, MemoryError> {
        let ty = self.adjust(ty)?;
        // Shared memories are refused by `validate`, and made by the base tunables here.
        if ty.shared {
            return self.base.create_host_memory(&ty, style);
        }
        ReservedMemory::owning(&ty, self.exceeded.clone()).map(|m| VMMemory(Box::new(m)))
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
        let memory = unsafe { ReservedMemory::new(&ty, vm_definition_location, self.exceeded.clone()) }?;
        MADE.set(Some(vm_definition_location));
        Ok(VMMemory(Box::new(memory)))
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

    unsafe fn create_vm_global(&self, ty: GlobalType, vm_definition_location: NonNull<VMGlobalDefinition>) -> Result<VMGlobal, String> {
        // SAFETY: the caller's guarantee for `vm_definition_location` is passed on unchanged.
        let global = unsafe { self.base.create_vm_global(ty, vm_definition_location) }?;
        GLOBALS.with_borrow_mut(|globals| globals.push(vm_definition_location));
        Ok(global)
    }
}

thread_local! {
    /// The definition of the memory an instantiation on this thread made last.
    static MADE: Cell<Option<NonNull<VMMemoryDefinition>>> = const { Cell::new(None) };
    /// The definitions of the globals it made, in the order of their indexes.
    static GLOBALS: RefCell<Vec<NonNull<VMGlobalDefinition>>> = const { RefCell::new(Vec::new()) };
}

/// What an instantiation made, as [`instantiate_capturing`] saw it.
#[derive(Debug)]
pub(crate) struct Made {
    /// Its memory: `None` if it has none these tunables made (a program always has one: `validate`).
    pub(crate) memory: Option<GuestMemory>,
    /// The globals it defines, by their index among those it defines (wasmer creates them in
    /// that order), each in the instance's `VMContext`.
    globals: Vec<NonNull<VMGlobalDefinition>>,
}

impl Made {
    /// The global the instance defines at `index` (among those it defines).
    pub(crate) fn global(&self, index: usize) -> Option<GuestGlobal> {
        self.globals.get(index).map(|&definition| GuestGlobal { definition })
    }
}

/// Makes an instance (`instantiate`, on this thread), and with it what these tunables made for
/// it: its memory and its globals, each reached through its definition in the instance.
pub(crate) fn instantiate_capturing<T, E>(instantiate: impl FnOnce() -> Result<T, E>) -> Result<(T, Made), E> {
    MADE.set(None);
    GLOBALS.with_borrow_mut(Vec::clear);
    let instance = instantiate()?;
    // What `create_vm_memory` and `create_vm_global` made during this instantiation, on this
    // thread: the one memory and the globals of this instance, in its `VMContext`.
    let memory = MADE.take().map(|definition| GuestMemory { definition });
    let globals = GLOBALS.with_borrow_mut(std::mem::take);
    Ok((instance, Made { memory, globals }))
}
