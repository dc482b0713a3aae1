//! The variables: `wasm_variable_read_*` and `wasm_variable_write_*`, checked for their type,
//! staged for the poll's commit.

use plc_abi as abi;
use wasmer::MemoryView;

use super::{guest_range, read_text, with_memory, Env, BAD_TYPE, GENERIC, OK};
use crate::environment::{EnvError, Value};

/// The most variable writes one poll may stage: a guest writing in a loop gets
/// `WASM_GENERIC_ERROR` past them instead of growing the host's memory.
const MAX_STAGED_VARIABLES: usize = 4096;

/// Reads a variable name from guest memory into `buf`.
fn read_name<'b>(view: &MemoryView<'_>, ptr: i32, len: i32, buf: &'b mut [u8; abi::MAX_VARIABLE_NAME_LEN as usize]) -> Result<&'b str, i32> {
    read_text(view, ptr, len, buf)
}

/// Reads a variable and, if it has the wanted type, writes its bytes to `value`.
fn read_variable(env: Env<'_>, name: i32, name_len: i32, value: i32, encode: fn(Value) -> Option<([u8; 8], usize)>) -> i32 {
    with_memory(env, |tx, env, view| {
        let mut buf = [0; abi::MAX_VARIABLE_NAME_LEN as usize];
        let name = match read_name(view, name, name_len, &mut buf) {
            Ok(name) => name,
            Err(code) => return code,
        };
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
    })
}

/// Stages a variable write after checking that it keeps the variable's type.
fn write_variable(env: Env<'_>, name: i32, name_len: i32, value: Value) -> i32 {
    with_memory(env, |tx, env, view| {
        let mut buf = [0; abi::MAX_VARIABLE_NAME_LEN as usize];
        let name = match read_name(view, name, name_len, &mut buf) {
            Ok(name) => name,
            Err(code) => return code,
        };
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
    })
}

fn pad<const N: usize>(bytes: [u8; N]) -> ([u8; 8], usize) {
    let mut out = [0; 8];
    out[..N].copy_from_slice(&bytes);
    (out, N)
}

pub(super) fn wasm_variable_read_boolean(env: Env<'_>, name: i32, name_len: i32, value: i32) -> i32 {
    read_variable(env, name, name_len, value, |v| match v {
        Value::Bool(b) => Some(pad([u8::from(b)])),
        _ => None,
    })
}

pub(super) fn wasm_variable_read_double(env: Env<'_>, name: i32, name_len: i32, value: i32) -> i32 {
    read_variable(env, name, name_len, value, |v| match v {
        Value::Double(d) => Some(pad(d.to_le_bytes())),
        _ => None,
    })
}

pub(super) fn wasm_variable_read_int(env: Env<'_>, name: i32, name_len: i32, value: i32) -> i32 {
    read_variable(env, name, name_len, value, |v| match v {
        Value::Int(i) => Some(pad(i.to_le_bytes())),
        _ => None,
    })
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

