//! A program's state as data the host reads: the records a program writes in its
//! `plc_state_save` export (name, type string, bytes; never a copy of its memory), and what a
//! new version took over of them in its `plc_state_load`.
//!
//! This is the one form in which program state leaves an instance: online change carries it
//! to a new version ([`Controller::replace`](crate::Controller::replace)), and
//! [`Program::state`](crate::Program::state) shows it (a state view, a later record/replay).

use std::collections::HashMap;
use std::fmt;

use crate::compiled::{Compiled, LoadError};
use crate::intrinsics::escape_controls;
use crate::limits::Limits;
use crate::validate::Problem;

/// The state of a fresh instance of `compiled`, if it exports `plc_state_save`: measured at
/// load, off the scan thread, on a throwaway instance. A state over the limits (or a save
/// that faults) makes the module invalid.
pub(crate) fn measure(compiled: &Compiled) -> Result<Option<Records>, LoadError> {
    if !compiled.module.exports().any(|e| e.name() == plc_abi::STATE_SAVE_EXPORT) {
        return Ok(None);
    }
    let mut live = crate::instance::Live::new(compiled).map_err(LoadError::Instantiate)?;
    match live.save(compiled) {
        Ok(records) => Ok(Some(records)),
        Err(StateError::Refused(reason)) => Err(LoadError::Invalid(vec![Problem(format!(
            "its state cannot be carried to a new version: {reason}; raise the limit, or start every new version cold (`#[plc_program(cold_start)]`, no PLC_STATE)"
        ))])),
        Err(e) => Err(LoadError::Invalid(vec![Problem(format!("its state cannot be measured: {e}"))])),
    }
}

/// How a new version of a program takes over from the running one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Swap {
    /// Its state carries over, field by field (when both versions export their state). The default.
    #[default]
    Warm,
    /// It starts from its initial state, as at load: the running version's state is dropped.
    Cold,
}

/// One field of a program's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Record<'a> {
    /// Its dotted name: `pump`, `alarm.et`.
    pub name: &'a str,
    /// Its canonical type string: `bool`, `u32`, `[i16; 4]`, `Ton/1`.
    pub type_name: &'a str,
    /// Its bytes, little-endian, as the program encoded them.
    pub bytes: &'a [u8],
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    name: Box<str>,
    type_name: Box<str>,
    bytes: Box<[u8]>,
}

/// A program's saved state: its records in the order it wrote them, each name once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Records {
    entries: Vec<Entry>,
    index: HashMap<Box<str>, usize>,
    /// Bytes of names, type strings and data together: what [`Limits::state_bytes`] bounds.
    size: usize,
}

impl Records {
    /// Every record, in the order the program wrote them.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = Record<'_>> {
        self.entries.iter().map(|e| Record { name: &e.name, type_name: &e.type_name, bytes: &e.bytes })
    }

    /// The record of that name.
    pub fn get(&self, name: &str) -> Option<Record<'_>> {
        let e = &self.entries[*self.index.get(name)?];
        Some(Record { name: &e.name, type_name: &e.type_name, bytes: &e.bytes })
    }

    /// How many records.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The bytes of every name, type string and value together: what
    /// [`Limits::state_bytes`] bounds.
    pub fn size(&self) -> usize {
        self.size
    }

    /// Adds a record; `Err` with the reason when the name is taken or the limits are reached.
    pub(crate) fn push(&mut self, name: &str, type_name: &str, bytes: &[u8], limits: &Limits) -> Result<(), String> {
        if self.index.contains_key(name) {
            return Err(format!("`{}` was saved twice", escape_controls(name)));
        }
        let size = name.len() + type_name.len() + bytes.len();
        self.fits(size, limits)?;
        self.index.insert(name.into(), self.entries.len());
        self.entries.push(Entry { name: name.into(), type_name: type_name.into(), bytes: bytes.into() });
        self.size += size;
        Ok(())
    }

    /// Whether one more record of `size` bytes in all fits the limits, or why not. Asked
    /// before the host copies anything.
    pub(crate) fn fits(&self, size: usize, limits: &Limits) -> Result<(), String> {
        if self.size.saturating_add(size) > limits.state_bytes {
            return Err(format!("the state is over the limit of {} bytes (`state_bytes`)", limits.state_bytes));
        }
        if self.entries.len() >= limits.state_records as usize {
            return Err(format!("the state has more than {} fields (`state_records`)", limits.state_records));
        }
        Ok(())
    }

    fn index_of(&self, name: &str) -> Option<usize> {
        self.index.get(name).copied()
    }
}

impl fmt::Display for Records {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} fields, {} bytes", self.len(), self.size)
    }
}

/// A field, by name and type string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// Its dotted name.
    pub name: String,
    /// Its type string.
    pub type_name: String,
}

/// A field the new version reads with another type (or size) than the old one saved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Retyped {
    /// Its dotted name.
    pub name: String,
    /// The type the running version saved.
    pub was: String,
    /// The type the new version reads.
    pub now: String,
}

/// What a new version took over of the state its predecessor saved. Each field that did not
/// carry over is logged once at the swap.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Carried {
    /// Fields read back with the same name, type and size.
    pub kept: usize,
    /// Fields the new version reads that have no record: they start from their initial value.
    pub new: Vec<Field>,
    /// Records no field of the new version read.
    pub dropped: Vec<Field>,
    /// Fields whose type changed: they start from their initial value.
    pub retyped: Vec<Retyped>,
}

impl Carried {
    /// Logs each field that did not carry over, once, under the program's name.
    pub(crate) fn log(&self, program: &str) {
        log::info!(target: program, "online change: state taken over: {} fields kept, {} new, {} dropped, {} retyped", self.kept, self.new.len(), self.dropped.len(), self.retyped.len());
        for f in &self.new {
            log::info!(target: program, "online change: state field `{}` ({}) is new: it starts from its initial value", escape_controls(&f.name), escape_controls(&f.type_name));
        }
        for f in &self.dropped {
            log::info!(target: program, "online change: state field `{}` ({}) was dropped: the new version has no such field", escape_controls(&f.name), escape_controls(&f.type_name));
        }
        for f in &self.retyped {
            log::warn!(
                target: program,
                "online change: state field `{}` changed type from {} to {}: it starts from its initial value",
                escape_controls(&f.name),
                escape_controls(&f.was),
                escape_controls(&f.now)
            );
        }
    }
}

/// What the state intrinsics of an instance may do now.
#[derive(Debug, Default)]
pub(crate) enum Carry {
    /// Neither `plc_state_save` nor `plc_state_load` runs: both intrinsics refuse.
    #[default]
    Idle,
    /// `plc_state_save` runs: the records so far, and the first reason one was refused.
    Saving { records: Records, refused: Option<String>, limits: Limits },
    /// `plc_state_load` runs: the saved records, which were read, and the report so far.
    Loading { records: Records, read: Vec<bool>, carried: Carried, limits: Limits },
}

/// What `wasm_state_read` found for a field.
pub(crate) enum Lookup<'a> {
    /// The record, of the asked type and size: to be copied.
    Found(&'a [u8]),
    /// No record of that name.
    Missing,
    /// A record of another type or size.
    Retyped,
}

impl Carry {
    /// Records a field during a save: `Err` when it is refused (a name saved twice), and the
    /// whole save is refused when the state is over its limits.
    pub(crate) fn save(&mut self, name: &str, type_name: &str, bytes: &[u8]) -> Result<(), ()> {
        let Carry::Saving { records, refused, limits } = self else { return Err(()) };
        // A name saved twice is refused on its own: the first record stands.
        if records.index.contains_key(name) {
            return Err(());
        }
        records.push(name, type_name, bytes, limits).map_err(|reason| {
            refused.get_or_insert(reason);
        })
    }

    /// Whether a record of `size` bytes in all could still be saved (the first reason it
    /// cannot is kept); `None` outside a save.
    pub(crate) fn room_for(&mut self, size: usize) -> Option<bool> {
        let Carry::Saving { records, refused, limits } = self else { return None };
        match records.fits(size, limits) {
            Ok(()) => Some(true),
            Err(reason) => {
                refused.get_or_insert(reason);
                Some(false)
            }
        }
    }

    /// Looks up field `name` of type `type_name` and `len` bytes during a load, noting it in
    /// the report (at most `state_records` names in each list); `None` outside a load.
    pub(crate) fn lookup(&mut self, name: &str, type_name: &str, len: usize) -> Option<Lookup<'_>> {
        let Carry::Loading { records, read, carried, limits } = self else { return None };
        let room = |list: usize| list < limits.state_records as usize;
        let Some(i) = records.index_of(name) else {
            if room(carried.new.len()) && !carried.new.iter().any(|f| f.name == name) {
                carried.new.push(Field { name: name.into(), type_name: type_name.into() });
            }
            return Some(Lookup::Missing);
        };
        let first = !std::mem::replace(&mut read[i], true);
        let entry = &records.entries[i];
        if &*entry.type_name != type_name || entry.bytes.len() != len {
            if first && room(carried.retyped.len()) {
                carried.retyped.push(Retyped { name: name.into(), was: entry.type_name.to_string(), now: type_name.into() });
            }
            return Some(Lookup::Retyped);
        }
        if first {
            carried.kept += 1;
        }
        Some(Lookup::Found(&entry.bytes))
    }

    /// Ends a save: the records, or why they were refused.
    pub(crate) fn finish_save(self) -> Result<Records, String> {
        match self {
            Carry::Saving { records, refused: None, .. } => Ok(records),
            Carry::Saving { refused: Some(reason), .. } => Err(reason),
            _ => Err("no save was running".into()),
        }
    }

    /// Ends a load: the report, with the records nobody read as dropped.
    pub(crate) fn finish_load(self) -> Carried {
        let Carry::Loading { records, read, mut carried, .. } = self else { return Carried::default() };
        carried.dropped = records
            .entries
            .iter()
            .zip(read)
            .filter(|(_, read)| !read)
            .map(|(e, _)| Field { name: e.name.to_string(), type_name: e.type_name.to_string() })
            .collect();
        carried
    }
}

/// Why a program's state could not be saved.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum StateError {
    /// The program does not export `plc_state_save`: it has no state to carry.
    NotExported,
    /// The program has no live instance (stopped, or faulted).
    NotRunning,
    /// `plc_state_save` faulted.
    Fault(crate::fault::Fault),
    /// A record was refused (the state over its limit, a name saved twice): the reason.
    Refused(String),
}

impl fmt::Display for StateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StateError::NotExported => write!(f, "it does not export {}", plc_abi::STATE_SAVE_EXPORT),
            StateError::NotRunning => f.write_str("it is not running"),
            StateError::Fault(fault) => write!(f, "{} faulted: {fault}", plc_abi::STATE_SAVE_EXPORT),
            StateError::Refused(reason) => write!(f, "{} was refused: {reason}", plc_abi::STATE_SAVE_EXPORT),
        }
    }
}

impl std::error::Error for StateError {}
