//! The variables: `wasm_variable_read_*` and `wasm_variable_write_*`, checked for their type,
//! staged for the poll's commit. An error is said in the host's log once per change
//! (`variable_errors`).

use plc_abi as abi;
use wasmer::MemoryView;

use super::variable_errors::VariableError;
use super::{guest_range, with_variable_errors, Env};
use crate::environment::{EnvError, Value};

/// The most variable writes one poll may stage: a guest writing in a loop gets
/// `WASM_GENERIC_ERROR` past them instead of growing the host's memory.
const MAX_STAGED_VARIABLES: usize = 4096;

/// Reads a variable name from guest memory into `buf`; `None` if it is outside the memory,
/// too long or not UTF-8.
fn read_name<'b>(view: &MemoryView<'_>, ptr: i32, len: i32, buf: &'b mut [u8; abi::MAX_VARIABLE_NAME_LEN as usize]) -> Option<&'b str> {
    let (start, len) = guest_range(view, ptr, len)?;
    let raw = buf.get_mut(..len)?;
    view.read(start, raw).ok()?;
    std::str::from_utf8(raw).ok()
}

/// Reads a variable and, if it is of type `asked`, writes its bytes to `value`.
fn read_variable(env: Env<'_>, name: i32, name_len: i32, value: i32, asked: &'static str, encode: fn(Value) -> Option<([u8; 8], usize)>) -> i32 {
    with_variable_errors(env, |tx, told, env, view| {
        let mut buf = [0; abi::MAX_VARIABLE_NAME_LEN as usize];
        let Some(name) = read_name(view, name, name_len, &mut buf) else {
            return told.note(&tx.program, None, Err(VariableError::BadName));
        };
        let outcome = (|| {
            let found = tx.variable(env, name).map_err(|error| VariableError::Env { error, asked, write: false })?;
            let (bytes, len) = encode(found).ok_or(VariableError::BadType { holds: found.type_name(), asked, write: false })?;
            let (start, _) = guest_range(view, value, len as i32).ok_or(VariableError::BadValueAddress)?;
            view.write(start, &bytes[..len]).map_err(|_| VariableError::BadValueAddress)
        })();
        told.note(&tx.program, Some(name), outcome)
    })
}

/// Stages a variable write after checking that it keeps the variable's type.
fn write_variable(env: Env<'_>, name: i32, name_len: i32, value: Value) -> i32 {
    with_variable_errors(env, |tx, told, env, view| {
        let mut buf = [0; abi::MAX_VARIABLE_NAME_LEN as usize];
        let Some(name) = read_name(view, name, name_len, &mut buf) else {
            return told.note(&tx.program, None, Err(VariableError::BadName));
        };
        let bad_type = |holds: &Value| VariableError::BadType { holds: holds.type_name(), asked: value.type_name(), write: true };
        let outcome = (|| {
            if let Some(staged) = tx.variables.get_mut(name) {
                if !staged.same_type(&value) {
                    return Err(bad_type(staged));
                }
                *staged = value;
                return Ok(());
            }
            if tx.variables.len() >= MAX_STAGED_VARIABLES {
                return Err(VariableError::TooManyWrites(MAX_STAGED_VARIABLES));
            }
            let refused = |error| VariableError::Env { error, asked: value.type_name(), write: true };
            match env.get_variable(name) {
                Ok(old) if !old.same_type(&value) => return Err(bad_type(&old)),
                Ok(_) => {}
                Err(EnvError::UnknownVariable) => tx.make_room(env, name).map_err(refused)?,
                Err(e) => return Err(refused(e)),
            }
            tx.variables.insert(name.to_owned(), value);
            Ok(())
        })();
        told.note(&tx.program, Some(name), outcome)
    })
}

fn pad<const N: usize>(bytes: [u8; N]) -> ([u8; 8], usize) {
    let mut out = [0; 8];
    out[..N].copy_from_slice(&bytes);
    (out, N)
}

pub(super) fn wasm_variable_read_boolean(env: Env<'_>, name: i32, name_len: i32, value: i32) -> i32 {
    read_variable(env, name, name_len, value, "bool", |v| match v {
        Value::Bool(b) => Some(pad([u8::from(b)])),
        _ => None,
    })
}

pub(super) fn wasm_variable_read_double(env: Env<'_>, name: i32, name_len: i32, value: i32) -> i32 {
    read_variable(env, name, name_len, value, "double", |v| match v {
        Value::Double(d) => Some(pad(d.to_le_bytes())),
        _ => None,
    })
}

pub(super) fn wasm_variable_read_int(env: Env<'_>, name: i32, name_len: i32, value: i32) -> i32 {
    read_variable(env, name, name_len, value, "int", |v| match v {
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

