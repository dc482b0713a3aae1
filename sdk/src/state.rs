//! Program state that survives a new version: online change without a cold start.
//!
//! When a new version of a program replaces the running one, the controller asks the running
//! instance to save its state ([`State::save`]) and the new one to load it ([`State::load`]),
//! between two scans. The state crosses as records the controller can read, one per field:
//! a dotted name (`"alarm"`, or `"tank.level"` for a field of a field), a canonical type
//! string (`"u32"`, `"[i16; 4]"`, `"Ton/1"`) and little-endian bytes. A field is matched by
//! name **and** type: one that is new, or whose type changed, keeps its `Default`; a record no
//! field reads is dropped; the controller logs each once at the swap.
//!
//! ```
//! use plc_sdk::prelude::*;
//!
//! #[derive(Default, State)]
//! struct Tank {
//!     pump: Sr,        // latched on: stays on across a new version
//!     alarm: Ton,      // a running timer keeps running (same controller clock)
//!     started: RTrig,  // an edge does not fire again
//!     starts: Ctu,     // the count is not bumped
//!     levels: [u16; 4],
//! }
//!
//! #[plc_program]
//! fn tank(t: &mut Tank) {
//!     let low = io::input_bit(0, 0).unwrap_or(false);
//!     let high = io::input_bit(0, 1).unwrap_or(false);
//!     let on = t.pump.call(low, high);
//!     if t.started.call(on) {
//!         info!("pump started");
//!     }
//!     t.starts.call(on, false, i32::MAX);
//!     let _ = io::set_output_bit(0, 0, on);
//!     let _ = io::set_output_bit(0, 1, t.alarm.call(on, Duration::from_secs(5)));
//! }
//! # let mut sim = plc_sdk::sim::Simulator::new();
//! # sim.set_input_bit(0, 0, true);
//! # sim.scan(poll);
//! # let swap = sim.swap(plc_state_save, plc_state_load);
//! # assert!(swap.new.is_empty() && swap.dropped.is_empty());
//! ```
//!
//! `State` is implemented for `bool`, the integers (`usize` and `isize` cross as 64 bits), `f32`,
//! `f64`, [`Instant`](crate::time::Instant), [`Duration`](core::time::Duration), `Option` of
//! those, arrays of any of them (or of arrays), and every function block of the SDK; derive it
//! for a struct with named fields whose fields are `State` (`#[state(skip)]` on a field leaves it
//! out: it starts from `Default` in every new version). A program that wants a cold start on
//! every new version says `#[plc_program(cold_start)]` and needs no `State`.

use crate::abi::{MAX_STATE_NAME_LEN, MAX_STATE_TYPE_LEN};
use crate::ffi;

pub(crate) mod records;

/// A value the controller can carry to a new version of the program, field by field.
///
/// Derive it (`#[derive(Default, State)]`) for a struct; every [`Record`] is `State`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be carried to a new version of the program",
    label = "not `State`",
    note = "derive it on the state struct: `#[derive(Default, State)]` (its fields must be `State`: bool, integers, floats, arrays, the SDK's blocks), or opt out with `#[plc_program(cold_start)]`"
)]
pub trait State {
    /// Writes its records, named from where `out` stands.
    fn save(&self, out: &mut Saver);
    /// Reads its records back; a field without a record of its name and type keeps its value.
    fn load(&mut self, from: &mut Loader);
}

/// A value that crosses as one record: a canonical type string and a fixed number of bytes.
///
/// Implemented for the scalars, arrays, `Option`s of scalars and the SDK's blocks; implement it
/// for a type of your own (an enum, say) with a type string of your own, versioned like the
/// SDK's (`"Mode/1"`): change the string whenever the bytes change meaning.
pub trait Record {
    /// Its bytes: `[u8; N]`, or an array of those.
    type Encoded: Encoding;
    /// Writes its type string ("u32", "[Ton/1; 4]"), at most `MAX_STATE_TYPE_LEN` bytes.
    fn type_name(out: &mut TypeName);
    /// Its bytes.
    fn encode(&self) -> Self::Encoded;
    /// The value of bytes `encode` wrote (in this or an earlier version of the program).
    fn decode(bytes: &Self::Encoded) -> Self;
}

impl<T: Record> State for T {
    fn save(&self, out: &mut Saver) {
        out.record(self);
    }

    fn load(&mut self, from: &mut Loader) {
        from.record(self);
    }
}

mod sealed {
    pub trait Sealed {}
}

/// The bytes of a [`Record`]: `[u8; N]`, or an array of those.
pub trait Encoding: Copy + sealed::Sealed {
    /// All zeros.
    const ZERO: Self;
    /// The bytes of a slice of them, in order.
    fn flat(items: &[Self]) -> &[u8];
    /// The same, to write into.
    fn flat_mut(items: &mut [Self]) -> &mut [u8];
}

impl<const K: usize> sealed::Sealed for [u8; K] {}
impl<const K: usize> Encoding for [u8; K] {
    const ZERO: Self = [0; K];
    fn flat(items: &[Self]) -> &[u8] {
        items.as_flattened()
    }
    fn flat_mut(items: &mut [Self]) -> &mut [u8] {
        items.as_flattened_mut()
    }
}

impl<E: Encoding, const N: usize> sealed::Sealed for [E; N] {}
impl<E: Encoding, const N: usize> Encoding for [E; N] {
    const ZERO: Self = [E::ZERO; N];
    fn flat(items: &[Self]) -> &[u8] {
        E::flat(items.as_flattened())
    }
    fn flat_mut(items: &mut [Self]) -> &mut [u8] {
        E::flat_mut(items.as_flattened_mut())
    }
}

/// A short text built without `core::fmt`: a record's name or type string.
#[derive(Debug, Clone, Copy)]
pub struct Text<const CAP: usize> {
    bytes: [u8; CAP],
    /// The length it would have; past `CAP` the text is too long and is not used.
    len: usize,
}

impl<const CAP: usize> Text<CAP> {
    const fn new() -> Self {
        Text { bytes: [0; CAP], len: 0 }
    }

    /// Appends `s` (a text grown past its capacity stays too long until truncated).
    pub fn push_str(&mut self, s: &str) {
        if let Some(slot) = self.bytes.get_mut(self.len..self.len + s.len()) {
            slot.copy_from_slice(s.as_bytes());
        }
        self.len += s.len();
    }

    /// Appends `n` in decimal.
    pub fn push_number(&mut self, n: usize) {
        let mut digits = [0u8; 20];
        let (mut rest, mut start) = (n, digits.len());
        loop {
            start -= 1;
            if let Some(d) = digits.get_mut(start) {
                *d = b'0' + (rest % 10) as u8;
            }
            rest /= 10;
            if rest == 0 || start == 0 {
                break;
            }
        }
        let digits = digits.get(start..).unwrap_or_default();
        if let Some(slot) = self.bytes.get_mut(self.len..self.len + digits.len()) {
            slot.copy_from_slice(digits);
        }
        self.len += digits.len();
    }

    /// The text, or `None` when it grew past its capacity.
    pub fn as_bytes(&self) -> Option<&[u8]> {
        self.bytes.get(..self.len)
    }
}

/// A record's type string, as a [`Record`] writes it.
pub type TypeName = Text<{ MAX_STATE_TYPE_LEN as usize }>;

/// The dotted name of the field being saved or loaded.
#[derive(Debug)]
struct Path(Text<{ MAX_STATE_NAME_LEN as usize }>);

impl Path {
    /// Enters field `name`: returns where to truncate back to.
    fn enter(&mut self, name: &str) -> usize {
        let mark = self.0.len;
        if mark > 0 {
            self.0.push_str(".");
        }
        self.0.push_str(name);
        mark
    }

    fn leave(&mut self, mark: usize) {
        self.0.len = mark;
    }

    /// The record's name and the type string `type_name` writes, unless one is too long (the
    /// record is then left out, and the field starts from `Default` in the next version). A
    /// state that is not a struct is one record named `state`.
    fn record(&self, type_name: fn(&mut TypeName), ty: &mut TypeName) -> Option<(&[u8], usize)> {
        type_name(ty);
        let ty_len = ty.as_bytes()?.len();
        let name = if self.0.len == 0 { b"state".as_slice() } else { self.0.as_bytes()? };
        Some((name, ty_len))
    }
}

/// Where [`State::save`] writes its records (inside the program's `plc_state_save` export).
#[derive(Debug)]
pub struct Saver(Path);

impl Saver {
    pub(crate) const fn new() -> Self {
        Saver(Path(Text::new()))
    }

    /// Saves `value` as field `name` of what is being saved.
    pub fn field<T: State + ?Sized>(&mut self, name: &str, value: &T) {
        let mark = self.0.enter(name);
        value.save(self);
        self.0.leave(mark);
    }

    /// Writes `value` as one record, named for where the saver stands.
    pub fn record<T: Record>(&mut self, value: &T) {
        let encoded = [value.encode()];
        self.write(T::type_name, Encoding::flat(&encoded));
    }

    // Not generic: one copy in a program, whatever its types.
    #[inline(never)]
    fn write(&mut self, type_name: fn(&mut TypeName), bytes: &[u8]) {
        let mut ty = TypeName::new();
        if let Some((name, ty_len)) = self.0.record(type_name, &mut ty) {
            // A refused record (the state over the controller's limit) is the controller's to
            // report: it then starts the new version cold.
            let _ = ffi::state_write(name, ty.bytes.get(..ty_len).unwrap_or_default(), bytes);
        }
    }
}

/// Where [`State::load`] reads its records from (inside the program's `plc_state_load` export).
#[derive(Debug)]
pub struct Loader(Path);

impl Loader {
    pub(crate) const fn new() -> Self {
        Loader(Path(Text::new()))
    }

    /// Loads field `name` of what is being loaded into `value`.
    pub fn field<T: State + ?Sized>(&mut self, name: &str, value: &mut T) {
        let mark = self.0.enter(name);
        value.load(self);
        self.0.leave(mark);
    }

    /// Reads the record named for where the loader stands into `value`, if there is one of
    /// `T`'s type and size; else `value` keeps what it has.
    pub fn record<T: Record>(&mut self, value: &mut T) {
        let mut encoded = [<T::Encoded as Encoding>::ZERO];
        if self.read(T::type_name, Encoding::flat_mut(&mut encoded)) {
            *value = T::decode(&encoded[0]);
        }
    }

    // Not generic: one copy in a program, whatever its types.
    #[inline(never)]
    fn read(&mut self, type_name: fn(&mut TypeName), bytes: &mut [u8]) -> bool {
        let mut ty = TypeName::new();
        match self.0.record(type_name, &mut ty) {
            Some((name, ty_len)) => ffi::state_read(name, ty.bytes.get(..ty_len).unwrap_or_default(), bytes).is_ok(),
            None => false,
        }
    }
}

#[cfg(test)]
mod tests;
