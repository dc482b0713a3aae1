//! The program's state: `wasm_state_write` (only inside `plc_state_save`) and
//! `wasm_state_read` (only inside `plc_state_load`). Neither needs the environment: a save or
//! a load reaches nothing but the instance's own records.

use plc_abi as abi;
use wasmer::RuntimeError;

use crate::tunables::GuestMemory;

use super::{guest_range, pay, read_text, Env, GENERIC, OK};
use crate::state::{Carry, Lookup};
use crate::transaction::Transaction;

const UNKNOWN: i32 = abi::wasm_result_t::WASM_UNKNOWN_VARIABLE as i32;
const BAD_TYPE: i32 = abi::wasm_result_t::WASM_BAD_VARIABLE_TYPE as i32;

/// Runs `f` with the instance's state carry, its transaction (for the bytes copied) and a view
/// of its memory; `GENERIC` before it has a memory.
fn with_carry(mut env: Env<'_>, f: impl FnOnce(&mut Carry, &mut Transaction, &GuestMemory) -> Result<i32, i32>) -> i32 {
    let state = env.data_mut();
    let Some(view) = &state.memory else { return GENERIC };
    f(&mut state.carry, &mut state.tx, view).unwrap_or_else(|code| code)
}

/// A field's name and type string from guest memory: UTF-8, the name not empty, each within
/// the ABI's longest.
fn name_and_type<'b>(
    view: &GuestMemory,
    (name, name_len): (i32, i32),
    (ty, type_len): (i32, i32),
    buffers: &'b mut ([u8; abi::MAX_STATE_NAME_LEN as usize], [u8; abi::MAX_STATE_TYPE_LEN as usize]),
) -> Result<(&'b str, &'b str), i32> {
    let name = read_text(view, name, name_len, &mut buffers.0)?;
    let ty = read_text(view, ty, type_len, &mut buffers.1)?;
    if name.is_empty() {
        return Err(GENERIC);
    }
    Ok((name, ty))
}

pub(super) fn wasm_state_write(mut env: Env<'_>, name: i32, name_len: i32, ty: i32, type_len: i32, data: i32, data_len: i32) -> Result<i32, RuntimeError> {
    let code = with_carry(env.as_mut(), |carry, tx, view| {
        let mut buffers = ([0; abi::MAX_STATE_NAME_LEN as usize], [0; abi::MAX_STATE_TYPE_LEN as usize]);
        let (name, ty) = name_and_type(view, (name, name_len), (ty, type_len), &mut buffers)?;
        let (start, len) = guest_range(view, data, data_len).ok_or(GENERIC)?;
        let size = name.len() + ty.len() + len;
        // Checked before anything is copied: a huge length costs the host nothing.
        if carry.room_for(size) != Some(true) {
            return Err(GENERIC);
        }
        let mut bytes = std::mem::take(&mut tx.scratch);
        bytes.resize(len, 0);
        let read = view.read(start, &mut bytes).map_err(|_| GENERIC);
        let saved = read.and_then(|()| carry.save(name, ty, &bytes).map_err(|()| GENERIC));
        tx.scratch = bytes;
        saved?;
        tx.copied = size;
        Ok(OK)
    });
    pay(env, code)
}

pub(super) fn wasm_state_read(mut env: Env<'_>, name: i32, name_len: i32, ty: i32, type_len: i32, buffer: i32, buffer_len: i32) -> Result<i32, RuntimeError> {
    let code = with_carry(env.as_mut(), |carry, tx, view| {
        let mut buffers = ([0; abi::MAX_STATE_NAME_LEN as usize], [0; abi::MAX_STATE_TYPE_LEN as usize]);
        let (name, ty) = name_and_type(view, (name, name_len), (ty, type_len), &mut buffers)?;
        let (start, len) = guest_range(view, buffer, buffer_len).ok_or(GENERIC)?;
        let size = name.len() + ty.len() + len;
        match carry.lookup(name, ty, len).ok_or(GENERIC)? {
            Lookup::Missing => Err(UNKNOWN),
            Lookup::Retyped => Err(BAD_TYPE),
            Lookup::Found(bytes) => {
                view.write(start, bytes).map_err(|_| GENERIC)?;
                tx.copied = size;
                Ok(OK)
            }
        }
    });
    pay(env, code)
}
