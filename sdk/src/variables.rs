//! Typed global variables, shared by every program of a controller.
//!
//! ```
//! use plc_sdk::prelude::*;
//!
//! static SPEED: Variable<f64> = Variable::new("speed");
//!
//! fn slow_down() -> Result<(), Error> {
//!     let speed = SPEED.get().unwrap_or(0.0);
//!     SPEED.set(speed * 0.5)
//! }
//! # let _sim = plc_sdk::sim::Simulator::new();
//! # SPEED.set(10.0).unwrap();
//! # slow_down().unwrap();
//! # assert_eq!(SPEED.get(), Ok(5.0));
//! ```
//!
//! A variable is created by its first write, which fixes its type. Reading a name nobody wrote
//! gives [`Error::UnknownVariable`]; using another type gives [`Error::BadVariableType`].
//!
//! A `Variable` resolves its name to a handle once (`wasm_variable_handle`) and reads and
//! writes by handle from then on: the controller does not look the name up, and an access
//! costs no more than an IO intrinsic call. Should the controller refuse a handle, it falls
//! back to the name.

use core::marker::PhantomData;
use core::sync::atomic::{AtomicU32, Ordering::Relaxed};

use crate::error::Error;
use crate::ffi;

mod sealed {
    pub trait Sealed {}
    impl Sealed for bool {}
    impl Sealed for i32 {}
    impl Sealed for f64 {}
}

/// A type a variable can hold: `bool`, `i32` or `f64`.
pub trait VariableType: sealed::Sealed + Copy {
    /// Its tag in the [`RETAINED_SECTION`](crate::abi::RETAINED_SECTION) (see [`retain!`](macro@crate::retain)).
    const RETAINED_TAG: &'static str;
    /// Reads the variable `name` from the controller.
    fn read(name: &str) -> Result<Self, Error>;
    /// Writes the variable `name` to the controller.
    fn write(name: &str, value: Self) -> Result<(), Error>;
    /// Reads the variable a handle names.
    fn read_handle(handle: u32) -> Result<Self, Error>;
    /// Writes the variable a handle names.
    fn write_handle(handle: u32, value: Self) -> Result<(), Error>;
}

/// A handle not resolved yet.
const UNRESOLVED: u32 = u32::MAX;
/// The controller refused a handle: use the name.
const BY_NAME: u32 = u32::MAX - 1;

impl VariableType for bool {
    const RETAINED_TAG: &'static str = crate::abi::RETAINED_BOOL;
    fn read(name: &str) -> Result<Self, Error> {
        ffi::variable_read_bool(name)
    }
    fn write(name: &str, value: Self) -> Result<(), Error> {
        ffi::variable_write_bool(name, value)
    }
    fn read_handle(handle: u32) -> Result<Self, Error> {
        ffi::handle_read_bool(handle)
    }
    fn write_handle(handle: u32, value: Self) -> Result<(), Error> {
        ffi::handle_write_bool(handle, value)
    }
}

impl VariableType for i32 {
    const RETAINED_TAG: &'static str = crate::abi::RETAINED_INT;
    fn read(name: &str) -> Result<Self, Error> {
        ffi::variable_read_i32(name)
    }
    fn write(name: &str, value: Self) -> Result<(), Error> {
        ffi::variable_write_i32(name, value)
    }
    fn read_handle(handle: u32) -> Result<Self, Error> {
        ffi::handle_read_i32(handle)
    }
    fn write_handle(handle: u32, value: Self) -> Result<(), Error> {
        ffi::handle_write_i32(handle, value)
    }
}

impl VariableType for f64 {
    const RETAINED_TAG: &'static str = crate::abi::RETAINED_DOUBLE;
    fn read(name: &str) -> Result<Self, Error> {
        ffi::variable_read_f64(name)
    }
    fn write(name: &str, value: Self) -> Result<(), Error> {
        ffi::variable_write_f64(name, value)
    }
    fn read_handle(handle: u32) -> Result<Self, Error> {
        ffi::handle_read_f64(handle)
    }
    fn write_handle(handle: u32, value: Self) -> Result<(), Error> {
        ffi::handle_write_f64(handle, value)
    }
}

/// A named, typed global variable of the controller. Cheap to create: it holds the name and,
/// once used, the controller's handle for it.
#[derive(Debug)]
pub struct Variable<T: VariableType> {
    name: &'static str,
    /// The handle, [`UNRESOLVED`] or [`BY_NAME`]. An atomic only to be usable in a `static`
    /// without `unsafe`: on wasm32 its loads and stores are plain ones.
    handle: AtomicU32,
    _type: PhantomData<fn() -> T>,
}

impl<T: VariableType> Variable<T> {
    /// Names a variable; usable in a `static`.
    pub const fn new(name: &'static str) -> Self {
        Variable { name, handle: AtomicU32::new(UNRESOLVED), _type: PhantomData }
    }

    /// The controller's handle for the variable, resolved on first use.
    fn handle(&self) -> Option<u32> {
        let handle = match self.handle.load(Relaxed) {
            UNRESOLVED => {
                let handle = ffi::variable_handle(self.name).unwrap_or(BY_NAME);
                self.handle.store(handle, Relaxed);
                handle
            }
            handle => handle,
        };
        (handle != BY_NAME).then_some(handle)
    }

    /// The variable's name.
    pub const fn name(&self) -> &'static str {
        self.name
    }

    /// Reads the current value.
    pub fn get(&self) -> Result<T, Error> {
        match self.handle() {
            Some(handle) => T::read_handle(handle),
            None => T::read(self.name),
        }
    }

    /// Writes a value, creating the variable on first write. Other programs see it once this
    /// scan's poll completes.
    pub fn set(&self, value: T) -> Result<(), Error> {
        match self.handle() {
            Some(handle) => T::write_handle(handle, value),
            None => T::write(self.name, value),
        }
    }
}
