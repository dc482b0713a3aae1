//! The process image: inputs read and outputs written by byte address, like a PLC's `%I` and `%Q`.
//!
//! Inputs are frozen for the duration of a scan. Outputs written during a scan are published
//! when the program's `poll` returns; [`read_output`] reads them back as they stand.
//!
//! ```
//! use plc_sdk::prelude::*;
//!
//! const START: InputBit = InputBit::new(0, 0); // %IX0.0
//! const LEVEL: Input<u16> = Input::new(2); // %IW2, little-endian
//! const VALVE: OutputBit = OutputBit::new(0, 3); // %QX0.3
//!
//! fn scan() -> Result<(), Error> {
//!     VALVE.set(START.get()? && LEVEL.get()? < 800)
//! }
//! # let mut sim = plc_sdk::sim::Simulator::new();
//! # sim.set_inputs(&[1, 0, 0x10, 0x00]);
//! # scan().unwrap();
//! # assert_eq!(sim.outputs()[0], 0b1000);
//! ```

use core::marker::PhantomData;

use crate::error::Error;
pub use crate::ffi::{read_input, read_output, write_output};

/// One bit of the input image: `InputBit::new(0, 1)` is `%IX0.1`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InputBit {
    byte: u32,
    bit: u8,
}

impl InputBit {
    /// The bit `bit` (0..=7, 0 the least significant) of input byte `byte`.
    ///
    /// # Panics
    /// When `bit` is 8 or more (at compile time in a `const`).
    pub const fn new(byte: u32, bit: u8) -> Self {
        assert!(bit < 8, "a bit number is 0..=7");
        InputBit { byte, bit }
    }

    /// Reads the bit.
    pub fn get(&self) -> Result<bool, Error> {
        let mut byte = [0u8];
        read_input(self.byte, &mut byte)?;
        Ok(byte[0] & (1 << self.bit) != 0)
    }
}

/// One bit of the output image: `OutputBit::new(0, 1)` is `%QX0.1`.
///
/// Setting it changes only that bit: the other bits of the byte keep the values they have,
/// whoever wrote them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutputBit {
    byte: u32,
    bit: u8,
}

impl OutputBit {
    /// The bit `bit` (0..=7, 0 the least significant) of output byte `byte`.
    ///
    /// # Panics
    /// When `bit` is 8 or more (at compile time in a `const`).
    pub const fn new(byte: u32, bit: u8) -> Self {
        assert!(bit < 8, "a bit number is 0..=7");
        OutputBit { byte, bit }
    }

    /// Sets the bit, leaving the rest of its byte as it is.
    pub fn set(&self, value: bool) -> Result<(), Error> {
        let mut byte = [0u8];
        read_output(self.byte, &mut byte)?;
        let mask = 1u8 << self.bit;
        let new = if value { byte[0] | mask } else { byte[0] & !mask };
        if new == byte[0] {
            return Ok(());
        }
        write_output(self.byte, &[new])
    }

    /// Reads the bit back, as it will be published.
    pub fn get(&self) -> Result<bool, Error> {
        let mut byte = [0u8];
        read_output(self.byte, &mut byte)?;
        Ok(byte[0] & (1 << self.bit) != 0)
    }
}

mod sealed {
    pub trait Sealed {}
}

/// A value stored little-endian in the process image: u8, i8, u16, i16, u32, i32 or f32.
pub trait IoValue: sealed::Sealed + Copy {
    /// The number of bytes it occupies.
    const SIZE: usize;
    /// Decodes from the first `SIZE` bytes of `bytes`.
    fn from_le(bytes: [u8; 4]) -> Self;
    /// Encodes into the first `SIZE` bytes of the result.
    fn to_le(self) -> [u8; 4];
}

macro_rules! io_value {
    ($($t:ty),*) => {$(
        impl sealed::Sealed for $t {}
        impl IoValue for $t {
            const SIZE: usize = core::mem::size_of::<$t>();
            fn from_le(bytes: [u8; 4]) -> Self {
                let mut raw = [0u8; core::mem::size_of::<$t>()];
                raw.copy_from_slice(&bytes[..Self::SIZE]);
                <$t>::from_le_bytes(raw)
            }
            fn to_le(self) -> [u8; 4] {
                let mut out = [0u8; 4];
                out[..Self::SIZE].copy_from_slice(&self.to_le_bytes());
                out
            }
        }
    )*};
}
io_value!(u8, i8, u16, i16, u32, i32, f32);

/// A typed input at a byte address: `Input::<u16>::new(2)` is `%IW2`.
#[derive(Debug)]
pub struct Input<T: IoValue> {
    address: u32,
    _type: PhantomData<fn() -> T>,
}

impl<T: IoValue> Clone for Input<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T: IoValue> Copy for Input<T> {}

impl<T: IoValue> Input<T> {
    /// The value starting at input byte `address`.
    pub const fn new(address: u32) -> Self {
        Input { address, _type: PhantomData }
    }

    /// Reads the value.
    pub fn get(&self) -> Result<T, Error> {
        let mut bytes = [0u8; 4];
        read_input(self.address, &mut bytes[..T::SIZE])?;
        Ok(T::from_le(bytes))
    }
}

/// A typed output at a byte address: `Output::<i16>::new(4)` is `%QW4`.
#[derive(Debug)]
pub struct Output<T: IoValue> {
    address: u32,
    _type: PhantomData<fn() -> T>,
}

impl<T: IoValue> Clone for Output<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T: IoValue> Copy for Output<T> {}

impl<T: IoValue> Output<T> {
    /// The value starting at output byte `address`.
    pub const fn new(address: u32) -> Self {
        Output { address, _type: PhantomData }
    }

    /// Writes the value.
    pub fn set(&self, value: T) -> Result<(), Error> {
        write_output(self.address, &value.to_le()[..T::SIZE])
    }

    /// Reads the value back, as it will be published.
    pub fn get(&self) -> Result<T, Error> {
        let mut bytes = [0u8; 4];
        read_output(self.address, &mut bytes[..T::SIZE])?;
        Ok(T::from_le(bytes))
    }
}
