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

use core::marker::PhantomData;

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
    /// Its tag in the [`RETAINED_SECTION`](crate::abi::RETAINED_SECTION) (see [`retain!`](crate::retain)).
    const RETAINED_TAG: &'static str;
    /// Reads the variable `name` from the controller.
    fn read(name: &str) -> Result<Self, Error>;
    /// Writes the variable `name` to the controller.
    fn write(name: &str, value: Self) -> Result<(), Error>;
}

impl VariableType for bool {
    const RETAINED_TAG: &'static str = crate::abi::RETAINED_BOOL;
    fn read(name: &str) -> Result<Self, Error> {
        ffi::variable_read_bool(name)
    }
    fn write(name: &str, value: Self) -> Result<(), Error> {
        ffi::variable_write_bool(name, value)
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
}

impl VariableType for f64 {
    const RETAINED_TAG: &'static str = crate::abi::RETAINED_DOUBLE;
    fn read(name: &str) -> Result<Self, Error> {
        ffi::variable_read_f64(name)
    }
    fn write(name: &str, value: Self) -> Result<(), Error> {
        ffi::variable_write_f64(name, value)
    }
}

/// A named, typed global variable of the controller. Cheap to create: it holds only the name.
#[derive(Debug)]
pub struct Variable<T: VariableType> {
    name: &'static str,
    _type: PhantomData<fn() -> T>,
}

impl<T: VariableType> Variable<T> {
    /// Names a variable; usable in a `static`.
    pub const fn new(name: &'static str) -> Self {
        Variable { name, _type: PhantomData }
    }

    /// The variable's name.
    pub const fn name(&self) -> &'static str {
        self.name
    }

    /// Reads the current value.
    pub fn get(&self) -> Result<T, Error> {
        T::read(self.name)
    }

    /// Writes a value, creating the variable on first write. Other programs see it once this
    /// scan's poll completes.
    pub fn set(&self, value: T) -> Result<(), Error> {
        T::write(self.name, value)
    }
}
