//! The simulator's side of program state: `wasm_state_write` and `wasm_state_read`, and
//! [`Simulator::swap`], an online change as the controller makes it.

extern crate std;

use core::ffi::{c_char, c_int};
use std::string::String;
use std::vec::Vec;

use super::{bytes, bytes_mut, with, Simulator, BAD_TYPE, GENERIC, OK, UNKNOWN};
use crate::abi::{MAX_STATE_NAME_LEN, MAX_STATE_TYPE_LEN};

/// One field of a saved state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateRecord {
    /// Its dotted name ("alarm", "tank.level").
    pub name: String,
    /// Its type string ("u32", "Ton/1").
    pub type_name: String,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

/// What [`Simulator::swap`] carried over, and what it did not.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StateSwap {
    /// What the running version saved.
    pub records: Vec<StateRecord>,
    /// Fields the new version reads that have no record: they start from `Default`.
    pub new: Vec<String>,
    /// Records no field of the new version read.
    pub dropped: Vec<String>,
    /// Fields whose record has another type or size: they start from `Default`.
    pub retyped: Vec<String>,
}

/// Whether a state is being saved or loaded, and what has crossed so far.
#[derive(Debug, Default)]
pub(super) enum Carry {
    #[default]
    Idle,
    Saving(Vec<StateRecord>),
    Loading(StateSwap, Vec<bool>),
}

impl Simulator {
    /// An online change of the program, as the controller makes it between two scans:
    /// `save` (the running version's `plc_state_save`) records its state, every program's
    /// state goes back to `Default`, then `load` (the new version's `plc_state_load`) reads
    /// it back. Returns what crossed, and what did not.
    ///
    /// ```
    /// use plc_sdk::prelude::*;
    ///
    /// #[plc_program]
    /// fn count(n: &mut u32) {
    ///     *n += 1;
    /// }
    ///
    /// let mut sim = plc_sdk::sim::Simulator::new();
    /// sim.scan(poll);
    /// let swap = sim.swap(plc_state_save, plc_state_load);
    /// assert_eq!(swap.records[0].name, "state"); // a state that is not a struct
    /// assert_eq!(swap.records[0].bytes, 1u32.to_le_bytes());
    /// ```
    pub fn swap(&mut self, save: impl FnOnce(), load: impl FnOnce()) -> StateSwap {
        with(|c| c.carry = Carry::Saving(Vec::new()));
        save();
        let records = with(|c| match core::mem::take(&mut c.carry) {
            Carry::Saving(records) => records,
            _ => Vec::new(),
        });
        let read = std::vec![false; records.len()];
        with(|c| {
            c.states.clear();
            c.carry = Carry::Loading(StateSwap { records, ..StateSwap::default() }, read);
        });
        load();
        with(|c| match core::mem::take(&mut c.carry) {
            Carry::Loading(mut swap, read) => {
                swap.dropped = swap.records.iter().zip(read).filter(|(_, read)| !read).map(|(r, _)| r.name.clone()).collect();
                swap
            }
            _ => StateSwap::default(),
        })
    }
}

/// # Safety
/// `ptr` valid for `len` bytes.
unsafe fn text(ptr: *const c_char, len: c_int, max: i32) -> Result<String, c_int> {
    if len > max {
        return Err(GENERIC);
    }
    // SAFETY: forwarded from the caller.
    let raw = unsafe { bytes(ptr, len) }.ok_or(GENERIC)?;
    core::str::from_utf8(raw).map(String::from).map_err(|_| GENERIC)
}

/// The simulator's `wasm_state_write`: only inside [`Simulator::swap`]'s `save`.
///
/// # Safety
/// Each pointer valid for its length.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_state_write(name: *const c_char, name_len: c_int, ty: *const c_char, type_len: c_int, data: *const c_char, data_len: c_int) -> c_int {
    // SAFETY: the caller passes pointers valid for the lengths that go with them.
    let (name, type_name, data) = match unsafe { (text(name, name_len, MAX_STATE_NAME_LEN), text(ty, type_len, MAX_STATE_TYPE_LEN), bytes(data, data_len)) } {
        (Ok(name), Ok(type_name), Some(data)) => (name, type_name, data.to_vec()),
        _ => return GENERIC,
    };
    with(|c| match &mut c.carry {
        Carry::Saving(records) if !records.iter().any(|r| r.name == name) => {
            records.push(StateRecord { name, type_name, bytes: data });
            OK
        }
        _ => GENERIC,
    })
}

/// The simulator's `wasm_state_read`: only inside [`Simulator::swap`]'s `load`.
///
/// # Safety
/// Each pointer valid for its length.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_state_read(name: *const c_char, name_len: c_int, ty: *const c_char, type_len: c_int, buffer: *mut c_char, buffer_len: c_int) -> c_int {
    // SAFETY: the caller passes pointers valid for the lengths that go with them.
    let (name, type_name, buffer) = match unsafe { (text(name, name_len, MAX_STATE_NAME_LEN), text(ty, type_len, MAX_STATE_TYPE_LEN), bytes_mut(buffer, buffer_len)) } {
        (Ok(name), Ok(type_name), Some(buffer)) => (name, type_name, buffer),
        _ => return GENERIC,
    };
    with(|c| {
        let Carry::Loading(swap, read) = &mut c.carry else { return GENERIC };
        let Some(i) = swap.records.iter().position(|r| r.name == name) else {
            swap.new.push(name);
            return UNKNOWN;
        };
        read[i] = true;
        let record = &swap.records[i];
        if record.type_name != type_name || record.bytes.len() != buffer.len() {
            swap.retyped.push(name);
            return BAD_TYPE;
        }
        buffer.copy_from_slice(&record.bytes);
        OK
    })
}
