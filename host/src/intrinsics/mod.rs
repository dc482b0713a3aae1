//! The host side of the ABI: one function per intrinsic, reaching the poll's transaction
//! through wasmer's `FunctionEnv` and the environment lent for the poll. Every pointer and
//! length a guest passes is checked against its memory, and a bad one gets a result code,
//! never a trap.

use std::sync::Arc;

use plc_abi::{self as abi, wasm_result_t};
use wasmer::{AsStoreMut, Function, FunctionEnv, FunctionEnvMut, Imports, Module, RuntimeError};

use crate::tunables::GuestMemory;

use crate::environment::Environment;
use crate::lend::Lent;
use crate::metering::COPIED_BYTES_PER_POINT_SHIFT;
use crate::transaction::Transaction;

mod io;
mod log;
mod variable_errors;
mod state;
mod variables;

use io::*;
pub(crate) use log::escape_controls;
pub use log::program_location;
use log::*;
use variable_errors::VariableErrors;
use state::*;
use variables::*;

pub(super) const OK: i32 = wasm_result_t::WASM_SUCCESS as i32;
pub(super) const GENERIC: i32 = wasm_result_t::WASM_GENERIC_ERROR as i32;


/// Everything the host functions of one instance reach.
pub(crate) struct GuestState {
    /// The environment, while a poll runs.
    pub(crate) lent: Lent,
    /// The program's exported memory, once instantiated.
    pub(crate) memory: Option<GuestMemory>,
    /// The meter's globals (points left, exhausted flag), once instantiated.
    pub(crate) meter: Option<crate::instance::Meter>,
    /// The poll in progress, or the last one.
    pub(crate) tx: Transaction,
    /// The last error of each variable, as the host's log said it.
    pub(crate) variable_errors: VariableErrors,
    /// A state being saved or loaded, for `wasm_state_write` and `wasm_state_read`.
    pub(crate) carry: crate::state::Carry,
}

impl GuestState {
    pub(crate) fn new(program: Arc<str>, log_budget: u32) -> Self {
        GuestState { lent: Lent::default(), memory: None, meter: None, tx: Transaction::new(program, log_budget), variable_errors: VariableErrors::default(), carry: Default::default() }
    }
}

/// Charges the bytes the call copied (one point per 8) to the CPU budget, after `code` was
/// computed: past the budget the program traps, flagged as out of budget.
pub(super) fn pay(mut env: Env<'_>, code: i32) -> Result<i32, RuntimeError> {
    let state = env.data_mut();
    let points = std::mem::take(&mut state.tx.copied) >> COPIED_BYTES_PER_POINT_SHIFT;
    match state.meter.as_ref().filter(|_| points > 0) {
        Some(meter) if !meter.charge(points as u64) => Err(RuntimeError::new("the CPU budget is spent")),
        _ => Ok(code),
    }
}

/// Builds the import object of `module`: the host function of each intrinsic it imports, and
/// no other (a store holds what it made until it goes, and a program imports a few).
pub(crate) fn imports(store: &mut impl AsStoreMut, env: &FunctionEnv<GuestState>, module: &Module) -> Imports {
    let mut imports = Imports::new();
    for import in module.imports().functions() {
        if import.module() != abi::IMPORT_MODULE {
            continue;
        }
        if let Some(function) = host_function(store, env, import.name()) {
            imports.define(abi::IMPORT_MODULE, import.name(), function);
        }
    }
    imports
}

/// The host function implementing the intrinsic `name`.
pub(crate) fn host_function(store: &mut impl AsStoreMut, env: &FunctionEnv<GuestState>, name: &str) -> Option<Function> {
    let f = match name {
        "wasm_log" => Function::new_typed_with_env(store, env, wasm_log),
        "wasm_read_input" => Function::new_typed_with_env(store, env, wasm_read_input),
        "wasm_write_output" => Function::new_typed_with_env(store, env, wasm_write_output),
        "wasm_read_output" => Function::new_typed_with_env(store, env, wasm_read_output),
        "wasm_current_time" => Function::new_typed_with_env(store, env, wasm_current_time),
        "wasm_variable_read_boolean" => Function::new_typed_with_env(store, env, wasm_variable_read_boolean),
        "wasm_variable_read_double" => Function::new_typed_with_env(store, env, wasm_variable_read_double),
        "wasm_variable_read_int" => Function::new_typed_with_env(store, env, wasm_variable_read_int),
        "wasm_variable_write_boolean" => Function::new_typed_with_env(store, env, wasm_variable_write_boolean),
        "wasm_variable_write_double" => Function::new_typed_with_env(store, env, wasm_variable_write_double),
        "wasm_variable_write_int" => Function::new_typed_with_env(store, env, wasm_variable_write_int),
        "wasm_report_error" => Function::new_typed_with_env(store, env, wasm_report_error),
        "wasm_variable_handle" => Function::new_typed_with_env(store, env, wasm_variable_handle),
        "wasm_handle_read_boolean" => Function::new_typed_with_env(store, env, wasm_handle_read_boolean),
        "wasm_handle_read_double" => Function::new_typed_with_env(store, env, wasm_handle_read_double),
        "wasm_handle_read_int" => Function::new_typed_with_env(store, env, wasm_handle_read_int),
        "wasm_handle_write_boolean" => Function::new_typed_with_env(store, env, wasm_handle_write_boolean),
        "wasm_handle_write_double" => Function::new_typed_with_env(store, env, wasm_handle_write_double),
        "wasm_handle_write_int" => Function::new_typed_with_env(store, env, wasm_handle_write_int),
        "wasm_state_write" => Function::new_typed_with_env(store, env, wasm_state_write),
        "wasm_state_read" => Function::new_typed_with_env(store, env, wasm_state_read),
        _ => return None,
    };
    Some(f)
}

pub(super) type Env<'a> = FunctionEnvMut<'a, GuestState>;

/// A guest's (pointer, length) as a range of its memory, if the length is not negative and
/// the whole range lies inside the memory.
pub(super) fn guest_range(view: &GuestMemory, ptr: i32, len: i32) -> Option<(u64, usize)> {
    let len = u32::try_from(len).ok()?;
    let start = u64::from(ptr as u32);
    (start + u64::from(len) <= view.data_size()).then_some((start, len as usize))
}

/// UTF-8 text of at most `buf.len()` bytes from guest memory, read into `buf`.
pub(super) fn read_text<'b>(view: &GuestMemory, ptr: i32, len: i32, buf: &'b mut [u8]) -> Result<&'b str, i32> {
    let (start, len) = guest_range(view, ptr, len).ok_or(GENERIC)?;
    let raw = buf.get_mut(..len).ok_or(GENERIC)?;
    view.read(start, raw).map_err(|_| GENERIC)?;
    std::str::from_utf8(raw).map_err(|_| GENERIC)
}

/// Runs `f` with the poll's transaction, the lent environment and a view of the guest's
/// memory; `GENERIC` outside a poll (an intrinsic called from the start function: there is
/// no memory to talk through yet).
pub(super) fn with_memory(env: Env<'_>, f: impl FnOnce(&mut Transaction, &mut dyn Environment, &GuestMemory) -> i32) -> i32 {
    with_variable_errors(env, |tx, _, world, view| f(tx, world, view))
}

/// [`with_memory`], with the variables' last errors too.
pub(super) fn with_variable_errors(
    mut env: Env<'_>,
    f: impl FnOnce(&mut Transaction, &mut VariableErrors, &mut dyn Environment, &GuestMemory) -> i32,
) -> i32 {
    let state = env.data_mut();
    let Some(view) = &state.memory else { return GENERIC };
    let Some(world) = state.lent.get() else { return GENERIC };
    f(&mut state.tx, &mut state.variable_errors, world, view)
}


/// Counts an error the program reports for this scan (`code` 0 is no error: refused). Like
/// every intrinsic it answers `GENERIC` before the program has a memory (its start function).
fn wasm_report_error(env: Env<'_>, code: i32) -> i32 {
    with_memory(env, |tx, _, _| {
        if code == OK {
            return GENERIC;
        }
        tx.errors += 1;
        OK
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::intrinsic_type;
    use wasmer::Store;

    /// The host's import table follows the ABI table: every intrinsic is implemented, with
    /// exactly the ABI's signature.
    #[test]
    fn every_intrinsic_has_a_host_function_of_its_signature() {
        let mut store = Store::default();
        let env = FunctionEnv::new(&mut store, GuestState::new("t".into(), 1));
        for intrinsic in abi::INTRINSICS {
            let function = host_function(&mut store, &env, intrinsic.name)
                .unwrap_or_else(|| panic!("no host function for {}", intrinsic.name));
            assert_eq!(function.ty(&store), intrinsic_type(intrinsic), "{}", intrinsic.name);
        }
        assert!(host_function(&mut store, &env, "launch_missiles").is_none());
    }
}
