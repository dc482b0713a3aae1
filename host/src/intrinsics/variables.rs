//! The variables: `wasm_variable_read_*` and `wasm_variable_write_*` by name, `wasm_variable_handle`
//! and `wasm_handle_read_*`/`wasm_handle_write_*` by handle; checked for their type, staged for
//! the poll's commit.

use std::sync::Arc;

use plc_abi as abi;
use wasmer::MemoryView;

use super::{guest_range, with_memory, Env, BAD_TYPE, GENERIC, OK};
use crate::environment::{EnvError, Environment, Value};
use crate::transaction::Transaction;

const FULL: i32 = abi::wasm_result_t::WASM_VARIABLE_TABLE_FULL as i32;

/// The most variable writes one poll may stage: a guest writing in a loop gets
/// `WASM_GENERIC_ERROR` past them instead of growing the host's memory.
const MAX_STAGED_VARIABLES: usize = 4096;

/// Reads a variable name from guest memory into `buf`.
fn read_name<'b>(view: &MemoryView<'_>, ptr: i32, len: i32, buf: &'b mut [u8; abi::MAX_VARIABLE_NAME_LEN as usize]) -> Result<&'b str, i32> {
    let (start, len) = guest_range(view, ptr, len).ok_or(GENERIC)?;
    let raw = buf.get_mut(..len).ok_or(GENERIC)?;
    view.read(start, raw).map_err(|_| GENERIC)?;
    std::str::from_utf8(raw).map_err(|_| GENERIC)
}

/// Reads a variable and, if it has the wanted type, writes its bytes to `value`.
fn read_variable(env: Env<'_>, name: i32, name_len: i32, value: i32, encode: fn(Value) -> Option<([u8; 8], usize)>) -> i32 {
    with_memory(env, |tx, env, view| {
        let mut buf = [0; abi::MAX_VARIABLE_NAME_LEN as usize];
        match read_name(view, name, name_len, &mut buf) {
            Ok(name) => read_named(tx, env, view, name, value, encode),
            Err(code) => code,
        }
    })
}

/// [`read_variable`] of the variable a handle names.
fn read_handle(env: Env<'_>, handle: i32, value: i32, encode: fn(Value) -> Option<([u8; 8], usize)>) -> i32 {
    with_memory(env, |tx, env, view| match tx.handles.name(handle) {
        Some(name) => read_named(tx, env, view, name, value, encode),
        None => GENERIC,
    })
}

fn read_named(tx: &Transaction, env: &dyn Environment, view: &MemoryView<'_>, name: &str, value: i32, encode: fn(Value) -> Option<([u8; 8], usize)>) -> i32 {
    let found = match tx.variable(env, name) {
        Ok(found) => found,
        Err(e) => return e.code(),
    };
    let Some((bytes, len)) = encode(found) else { return BAD_TYPE };
    let Some((start, _)) = guest_range(view, value, len as i32) else { return GENERIC };
    if view.write(start, &bytes[..len]).is_err() {
        return GENERIC;
    }
    OK
}

/// Stages a variable write after checking that it keeps the variable's type.
fn write_variable(env: Env<'_>, name: i32, name_len: i32, value: Value) -> i32 {
    with_memory(env, |tx, env, view| {
        let mut buf = [0; abi::MAX_VARIABLE_NAME_LEN as usize];
        match read_name(view, name, name_len, &mut buf) {
            Ok(name) => write_named(tx, env, name, value),
            Err(code) => code,
        }
    })
}

/// [`write_variable`] of the variable a handle names.
fn write_handle(env: Env<'_>, handle: i32, value: Value) -> i32 {
    with_memory(env, |tx, env, _| {
        let Some(name) = tx.handles.name(handle) else { return GENERIC };
        // The common case first, without taking the name out: a variable this poll wrote.
        if let Some(staged) = tx.variables.get_mut(name) {
            if !staged.same_type(&value) {
                return BAD_TYPE;
            }
            *staged = value;
            return OK;
        }
        let name: Arc<str> = name.into();
        write_named(tx, env, &name, value)
    })
}

fn write_named(tx: &mut Transaction, env: &mut dyn Environment, name: &str, value: Value) -> i32 {
    if let Some(staged) = tx.variables.get_mut(name) {
        if !staged.same_type(&value) {
            return BAD_TYPE;
        }
        *staged = value;
        return OK;
    }
    if tx.variables.len() >= MAX_STAGED_VARIABLES {
        return GENERIC;
    }
    match env.get_variable(name) {
        Ok(old) if !old.same_type(&value) => return BAD_TYPE,
        Ok(_) => {}
        Err(EnvError::UnknownVariable) => {
            if let Err(e) = tx.make_room(env, name) {
                return e.code();
            }
        }
        Err(e) => return e.code(),
    }
    tx.variables.insert(name.to_owned(), value);
    OK
}

/// Resolves a variable name to a handle of this instance, written to `handle` (a `uint32_t`).
/// The variable need not exist yet. The same name gives the same handle.
pub(super) fn wasm_variable_handle(env: Env<'_>, name: i32, name_len: i32, handle: i32) -> i32 {
    with_memory(env, |tx, _, view| {
        let mut buf = [0; abi::MAX_VARIABLE_NAME_LEN as usize];
        let name = match read_name(view, name, name_len, &mut buf) {
            Ok(name) => name,
            Err(code) => return code,
        };
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
    read_variable(env, name, name_len, value, encode_bool)
}

pub(super) fn wasm_variable_read_double(env: Env<'_>, name: i32, name_len: i32, value: i32) -> i32 {
    read_variable(env, name, name_len, value, encode_double)
}

pub(super) fn wasm_variable_read_int(env: Env<'_>, name: i32, name_len: i32, value: i32) -> i32 {
    read_variable(env, name, name_len, value, encode_int)
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
    read_handle(env, handle, value, encode_bool)
}

pub(super) fn wasm_handle_read_double(env: Env<'_>, handle: i32, value: i32) -> i32 {
    read_handle(env, handle, value, encode_double)
}

pub(super) fn wasm_handle_read_int(env: Env<'_>, handle: i32, value: i32) -> i32 {
    read_handle(env, handle, value, encode_int)
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
