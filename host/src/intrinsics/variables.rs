//! The variables: `wasm_variable_read_*` and `wasm_variable_write_*` by name, `wasm_variable_handle`
//! and `wasm_handle_read_*`/`wasm_handle_write_*` by handle; checked for their type, staged for
//! the poll's commit. An error is said in the host's log once per change (`variable_errors`).

use std::sync::Arc;

use plc_abi as abi;
use crate::tunables::GuestMemory;

use super::variable_errors::VariableError;
use super::{guest_range, with_memory, with_variable_errors, Env, GENERIC, OK};
use crate::environment::{EnvError, Environment, Value};
use crate::transaction::Transaction;

const FULL: i32 = abi::wasm_result_t::WASM_VARIABLE_TABLE_FULL as i32;

/// The most variable writes one poll may stage: a guest writing in a loop gets
/// `WASM_GENERIC_ERROR` past them instead of growing the host's memory.
const MAX_STAGED_VARIABLES: usize = 4096;

/// Reads a variable name from guest memory into `buf`; `None` if it is outside the memory,
/// too long or not UTF-8.
fn read_name<'b>(view: &GuestMemory, ptr: i32, len: i32, buf: &'b mut [u8; abi::MAX_VARIABLE_NAME_LEN as usize]) -> Option<&'b str> {
    let (start, len) = guest_range(view, ptr, len)?;
    let raw = buf.get_mut(..len)?;
    view.read(start, raw).ok()?;
    std::str::from_utf8(raw).ok()
}

/// Reads a variable and, if it is of type `asked`, writes its bytes to `value`.
fn read_variable(env: Env<'_>, name: i32, name_len: i32, value: i32, asked: &'static str, encode: Encode) -> i32 {
    with_variable_errors(env, |tx, told, env, view| {
        let mut buf = [0; abi::MAX_VARIABLE_NAME_LEN as usize];
        let Some(name) = read_name(view, name, name_len, &mut buf) else {
            return told.note(&tx.program, None, Err(VariableError::BadName));
        };
        told.note(&tx.program, Some(name), read_named(tx, env, view, name, value, asked, encode))
    })
}

/// [`read_variable`] of the variable a handle names.
fn read_handle(env: Env<'_>, handle: i32, value: i32, asked: &'static str, encode: Encode) -> i32 {
    with_variable_errors(env, |tx, told, env, view| match tx.handles.name(handle) {
        Some(name) => told.note(&tx.program, Some(name), read_named(tx, env, view, name, value, asked, encode)),
        None => told.note(&tx.program, None, Err(VariableError::BadHandle)),
    })
}

/// A variable's value as the bytes of type `asked`, if it is of that type.
type Encode = fn(Value) -> Option<([u8; 8], usize)>;

fn read_named(
    tx: &Transaction,
    env: &dyn Environment,
    view: &GuestMemory,
    name: &str,
    value: i32,
    asked: &'static str,
    encode: Encode,
) -> Result<(), VariableError> {
    let found = tx.variable(env, name).map_err(|error| VariableError::Env { error, asked, write: false })?;
    let (bytes, len) = encode(found).ok_or(VariableError::BadType { holds: found.type_name(), asked, write: false })?;
    let (start, _) = guest_range(view, value, len as i32).ok_or(VariableError::BadValueAddress)?;
    view.write(start, &bytes[..len]).map_err(|_| VariableError::BadValueAddress)
}

/// Stages a variable write after checking that it keeps the variable's type.
fn write_variable(env: Env<'_>, name: i32, name_len: i32, value: Value) -> i32 {
    with_variable_errors(env, |tx, told, env, view| {
        let mut buf = [0; abi::MAX_VARIABLE_NAME_LEN as usize];
        let Some(name) = read_name(view, name, name_len, &mut buf) else {
            return told.note(&tx.program, None, Err(VariableError::BadName));
        };
        let outcome = write_named(tx, env, name, None, value);
        told.note(&tx.program, Some(name), outcome)
    })
}

/// [`write_variable`] of the variable a handle names.
fn write_handle(env: Env<'_>, handle: i32, value: Value) -> i32 {
    with_variable_errors(env, |tx, told, env, _| {
        let Some(name) = tx.handles.shared(handle) else {
            return told.note(&tx.program, None, Err(VariableError::BadHandle));
        };
        // The common case first, without taking the name out: a variable this poll wrote.
        if let Some(staged) = tx.variables.get_mut(name) {
            let outcome = stage(staged, value);
            return told.note(&tx.program, Some(name), outcome);
        }
        // A new write this poll: the handle's own name, shared (not copied).
        let name = name.clone();
        let outcome = write_named(tx, env, &name, Some(&name), value);
        told.note(&tx.program, Some(&name), outcome)
    })
}

/// Writes `value` over a staged value of the same type.
fn stage(staged: &mut Value, value: Value) -> Result<(), VariableError> {
    if !staged.same_type(&value) {
        return Err(VariableError::BadType { holds: staged.type_name(), asked: value.type_name(), write: true });
    }
    *staged = value;
    Ok(())
}

/// Stages a write of `name` (`shared`: the same name, already shared, as a handle holds it).
fn write_named(tx: &mut Transaction, env: &mut dyn Environment, name: &str, shared: Option<&Arc<str>>, value: Value) -> Result<(), VariableError> {
    if let Some(staged) = tx.variables.get_mut(name) {
        return stage(staged, value);
    }
    if tx.variables.len() >= MAX_STAGED_VARIABLES {
        return Err(VariableError::TooManyWrites(MAX_STAGED_VARIABLES));
    }
    let refused = |error| VariableError::Env { error, asked: value.type_name(), write: true };
    match env.get_variable(name) {
        Ok(old) if !old.same_type(&value) => {
            return Err(VariableError::BadType { holds: old.type_name(), asked: value.type_name(), write: true })
        }
        Ok(_) => {}
        Err(EnvError::UnknownVariable) => tx.make_room(env, name).map_err(refused)?,
        Err(e) => return Err(refused(e)),
    }
    tx.variables.insert_new(shared.cloned().unwrap_or_else(|| name.into()), value);
    Ok(())
}

/// Resolves a variable name to a handle of this instance, written to `handle` (a `uint32_t`).
/// The variable need not exist yet. The same name gives the same handle.
pub(super) fn wasm_variable_handle(env: Env<'_>, name: i32, name_len: i32, handle: i32) -> i32 {
    with_memory(env, |tx, _, view| {
        let mut buf = [0; abi::MAX_VARIABLE_NAME_LEN as usize];
        let Some(name) = read_name(view, name, name_len, &mut buf) else { return GENERIC };
        let Some((at, _)) = guest_range(view, handle, 4) else { return GENERIC };
        let Some(index) = tx.handles.resolve(name) else { return FULL };
        if view.write(at, &index.to_le_bytes()).is_err() {
            return GENERIC;
        }
        OK
    })
}

fn pad<const N: usize>(bytes: [u8; N]) -> ([u8; 8], usize) {
    let mut out = [0; 8];
    out[..N].copy_from_slice(&bytes);
    (out, N)
}

pub(super) fn wasm_variable_read_boolean(env: Env<'_>, name: i32, name_len: i32, value: i32) -> i32 {
    read_variable(env, name, name_len, value, "bool", encode_bool)
}

pub(super) fn wasm_variable_read_double(env: Env<'_>, name: i32, name_len: i32, value: i32) -> i32 {
    read_variable(env, name, name_len, value, "double", encode_double)
}

pub(super) fn wasm_variable_read_int(env: Env<'_>, name: i32, name_len: i32, value: i32) -> i32 {
    read_variable(env, name, name_len, value, "int", encode_int)
}

pub(super) fn wasm_variable_write_boolean(env: Env<'_>, name: i32, name_len: i32, value: i32) -> i32 {
    write_variable(env, name, name_len, Value::Bool(value != 0))
}

pub(super) fn wasm_variable_write_double(env: Env<'_>, name: i32, name_len: i32, value: f64) -> i32 {
    write_variable(env, name, name_len, Value::Double(value))
}

pub(super) fn wasm_variable_write_int(env: Env<'_>, name: i32, name_len: i32, value: i32) -> i32 {
    write_variable(env, name, name_len, Value::Int(value))
}


fn encode_bool(v: Value) -> Option<([u8; 8], usize)> {
    match v {
        Value::Bool(b) => Some(pad([u8::from(b)])),
        _ => None,
    }
}

fn encode_double(v: Value) -> Option<([u8; 8], usize)> {
    match v {
        Value::Double(d) => Some(pad(d.to_le_bytes())),
        _ => None,
    }
}

fn encode_int(v: Value) -> Option<([u8; 8], usize)> {
    match v {
        Value::Int(i) => Some(pad(i.to_le_bytes())),
        _ => None,
    }
}

pub(super) fn wasm_handle_read_boolean(env: Env<'_>, handle: i32, value: i32) -> i32 {
    read_handle(env, handle, value, "bool", encode_bool)
}

pub(super) fn wasm_handle_read_double(env: Env<'_>, handle: i32, value: i32) -> i32 {
    read_handle(env, handle, value, "double", encode_double)
}

pub(super) fn wasm_handle_read_int(env: Env<'_>, handle: i32, value: i32) -> i32 {
    read_handle(env, handle, value, "int", encode_int)
}

pub(super) fn wasm_handle_write_boolean(env: Env<'_>, handle: i32, value: i32) -> i32 {
    write_handle(env, handle, Value::Bool(value != 0))
}

pub(super) fn wasm_handle_write_double(env: Env<'_>, handle: i32, value: f64) -> i32 {
    write_handle(env, handle, Value::Double(value))
}

pub(super) fn wasm_handle_write_int(env: Env<'_>, handle: i32, value: i32) -> i32 {
    write_handle(env, handle, Value::Int(value))
}
