//! IO by an address known only at run time: one host call each, and checked.
//!
//! A program with a [`ProcessImage`](crate::image::ProcessImage) uses its handles
//! ([`InputBit`](crate::image::InputBit), [`Output`](crate::image::Output), ...) for every
//! address it knows when it is built: they read and write its memory and cannot fail. These
//! functions serve the other addresses (an index from a recipe, a byte chosen by an input).
//! Like `slice::get`, a read returns `None` for an address outside the controller's image; a
//! write returns `Err(Error::AddressOutOfBounds)`. They see the same image as the handles:
//! within a scan, what a handle wrote is what [`output_bit`] reads back, and the reverse.
//!
//! A read returns an `Option` rather than a `Result` so that its `unwrap()` costs a plain
//! string panic: `Result::unwrap` links `core`'s formatting of its message, about 1.5 KiB.
//!
//! ```
//! use plc_sdk::prelude::*;
//!
//! #[plc_program]
//! fn copy() -> Result<(), Error> {
//!     let from = io::input::<u8>(0).unwrap(); // which input byte to copy
//!     let value = io::input::<u8>(u32::from(from)).ok_or(Error::AddressOutOfBounds)?;
//!     io::set_output::<u8>(0, value)
//! }
//! # let mut sim = plc_sdk::sim::Simulator::new();
//! # sim.set_inputs(&[2, 0, 42]);
//! # sim.scan(poll);
//! # assert_eq!(sim.outputs()[0], 42);
//! ```

use crate::error::Error;
pub use crate::ffi::{read_input, read_output, write_output};

/// Bit `bit` (0..=7) of input byte `byte`; `None` outside the image.
pub fn input_bit(byte: u32, bit: u8) -> Option<bool> {
    let mask = bit_mask(bit)?;
    let mut b = [0u8];
    read_input(byte, &mut b).ok()?;
    Some(b[0] & mask != 0)
}

/// Bit `bit` (0..=7) of output byte `byte` as it will be published; `None` outside the image.
pub fn output_bit(byte: u32, bit: u8) -> Option<bool> {
    let mask = bit_mask(bit)?;
    let mut b = [0u8];
    read_output(byte, &mut b).ok()?;
    Some(b[0] & mask != 0)
}

/// Sets bit `bit` (0..=7) of output byte `byte`, leaving the rest of the byte as it is.
pub fn set_output_bit(byte: u32, bit: u8, value: bool) -> Result<(), Error> {
    let mask = bit_mask(bit).ok_or(Error::AddressOutOfBounds)?;
    let mut b = [0u8];
    read_output(byte, &mut b)?;
    let new = if value { b[0] | mask } else { b[0] & !mask };
    if new == b[0] {
        return Ok(());
    }
    write_output(byte, &[new])
}

/// The value starting at input byte `address`, little-endian; `None` outside the image.
pub fn input<T: IoValue>(address: u32) -> Option<T> {
    let mut bytes = [0u8; 4];
    read_input(address, bytes.get_mut(..T::SIZE)?).ok()?;
    Some(T::from_le(bytes))
}

/// The value starting at output byte `address` as it will be published; `None` outside the
/// image.
pub fn output<T: IoValue>(address: u32) -> Option<T> {
    let mut bytes = [0u8; 4];
    read_output(address, bytes.get_mut(..T::SIZE)?).ok()?;
    Some(T::from_le(bytes))
}

/// Writes `value` at output byte `address`, little-endian.
pub fn set_output<T: IoValue>(address: u32, value: T) -> Result<(), Error> {
    write_output(address, value.to_le().get(..T::SIZE).unwrap_or_default())
}

fn bit_mask(bit: u8) -> Option<u8> {
    (bit < 8).then(|| 1 << bit)
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
            #[inline]
            fn from_le(bytes: [u8; 4]) -> Self {
                // `first_chunk`, not a slice copy: no length check that could panic (and link
                // the formatting of its message).
                const N: usize = core::mem::size_of::<$t>();
                <$t>::from_le_bytes(*bytes.first_chunk::<N>().unwrap_or(&[0; N]))
            }
            #[inline]
            fn to_le(self) -> [u8; 4] {
                const N: usize = core::mem::size_of::<$t>();
                let mut out = [0u8; 4];
                if let Some(first) = out.first_chunk_mut::<N>() {
                    *first = self.to_le_bytes();
                }
                out
            }
        }
    )*};
}
io_value!(u8, i8, u16, i16, u32, i32, f32);
