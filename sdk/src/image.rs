//! The process image in the program's own memory: IO at memory speed, and IO that cannot fail.
//!
//! A program declares the bytes of inputs and outputs it uses in a `static` [`ProcessImage`]
//! and names it in its attribute: `#[plc_program(image = IMAGE)]`. Before each scan the
//! controller copies its inputs and its published outputs in; after a scan that completes it
//! publishes the output bits the program changed, bit by bit (two programs setting different
//! bits of one byte both win; a scan that faults publishes nothing). Handles made from the
//! image in a `const` are checked at compile time: an address outside the image does not
//! build, so reading and writing them cannot fail.
//!
//! ```
//! use plc_sdk::prelude::*;
//!
//! static IMAGE: ProcessImage<4, 1> = ProcessImage::new(); // %IB0..%IB3, %QB0
//!
//! const START: InputBit = IMAGE.input_bit(0, 0); // %IX0.0
//! const LEVEL: Input<u16> = IMAGE.input(2); // %IW2, little-endian
//! const VALVE: OutputBit = IMAGE.output_bit(0, 3); // %QX0.3
//!
//! #[plc_program(image = IMAGE)]
//! fn fill() {
//!     VALVE.set(START.is_high() && LEVEL.get() < 800);
//! }
//! # let mut sim = plc_sdk::sim::Simulator::new();
//! # sim.set_inputs(&[1, 0, 0x10, 0x00]);
//! # sim.scan(poll);
//! # assert_eq!(sim.outputs()[0], 0b1000);
//! ```
//!
//! A handle outside the image is a compile-time error:
//!
//! ```compile_fail
//! use plc_sdk::prelude::*;
//! static IMAGE: ProcessImage<4, 1> = ProcessImage::new();
//! const LAMP: OutputBit = IMAGE.output_bit(1, 0); // %QX1.0: the image has one output byte
//! # fn main() { LAMP.set_high(); }
//! ```
//!
//! Addresses known only at run time use the fallible functions of [`crate::io`], which see
//! the same image: within a scan, what a handle wrote is what `io::output_bit` reads back.

use core::marker::PhantomData;

use crate::ffi::{ImageAddress, ImageBytes, ImageDescriptor};
use crate::io::IoValue;

/// The program's copy of the process image: `INPUTS` bytes of inputs (`%IB0` on) and
/// `OUTPUTS` bytes of outputs (`%QB0` on), in its own memory. Declare one, in a `static`, and
/// name it in `#[plc_program(image = ...)]`.
///
/// Bytes past the controller's own image are the program's: the controller copies
/// `min(INPUTS, its inputs)` and `min(OUTPUTS, its outputs)` bytes.
pub struct ProcessImage<const INPUTS: usize, const OUTPUTS: usize> {
    inputs: ImageBytes<INPUTS>,
    outputs: ImageBytes<OUTPUTS>,
}

impl<const INPUTS: usize, const OUTPUTS: usize> ProcessImage<INPUTS, OUTPUTS> {
    /// An image of zeros, until the first scan copies the controller's in.
    pub const fn new() -> Self {
        ProcessImage { inputs: ImageBytes::new(), outputs: ImageBytes::new() }
    }

    /// Bit `bit` (0..=7) of input byte `byte`: `IMAGE.input_bit(0, 1)` is `%IX0.1`.
    ///
    /// # Panics
    /// When the bit is not in the image: at compile time in a `const`.
    pub const fn input_bit(&'static self, byte: usize, bit: u8) -> InputBit {
        InputBit { at: self.inputs.at(byte, 1), mask: mask(bit) }
    }

    /// Bit `bit` (0..=7) of output byte `byte`: `IMAGE.output_bit(0, 1)` is `%QX0.1`.
    ///
    /// # Panics
    /// When the bit is not in the image: at compile time in a `const`.
    pub const fn output_bit(&'static self, byte: usize, bit: u8) -> OutputBit {
        OutputBit { at: self.outputs.at(byte, 1), mask: mask(bit) }
    }

    /// The eight bits of input byte `byte`, bit 0 first: `IMAGE.input_bits(1)[3]` is `%IX1.3`.
    ///
    /// # Panics
    /// When the byte is not in the image: at compile time in a `const`.
    pub const fn input_bits(&'static self, byte: usize) -> [InputBit; 8] {
        let mut bits = [self.input_bit(byte, 0); 8];
        let mut bit = 1;
        while bit < 8 {
            bits[bit as usize] = self.input_bit(byte, bit);
            bit += 1;
        }
        bits
    }

    /// The eight bits of output byte `byte`, bit 0 first: `IMAGE.output_bits(1)[3]` is `%QX1.3`.
    ///
    /// # Panics
    /// When the byte is not in the image: at compile time in a `const`.
    pub const fn output_bits(&'static self, byte: usize) -> [OutputBit; 8] {
        let mut bits = [self.output_bit(byte, 0); 8];
        let mut bit = 1;
        while bit < 8 {
            bits[bit as usize] = self.output_bit(byte, bit);
            bit += 1;
        }
        bits
    }

    /// The value starting at input byte `address`, little-endian: `IMAGE.input::<u16>(2)` is `%IW2`.
    ///
    /// # Panics
    /// When the value does not fit in the image: at compile time in a `const`.
    pub const fn input<T: IoValue>(&'static self, address: usize) -> Input<T> {
        Input { at: self.inputs.at(address, T::SIZE), _type: PhantomData }
    }

    /// The value starting at output byte `address`, little-endian: `IMAGE.output::<i16>(4)` is `%QW4`.
    ///
    /// # Panics
    /// When the value does not fit in the image: at compile time in a `const`.
    pub const fn output<T: IoValue>(&'static self, address: usize) -> Output<T> {
        Output { at: self.outputs.at(address, T::SIZE), _type: PhantomData }
    }

    /// The descriptor `#[plc_program(image = ...)]` exports as `plc_image`.
    #[doc(hidden)]
    pub const fn descriptor(&'static self) -> ImageDescriptor {
        ImageDescriptor::new(&self.inputs, &self.outputs)
    }
}

impl<const INPUTS: usize, const OUTPUTS: usize> Default for ProcessImage<INPUTS, OUTPUTS> {
    fn default() -> Self {
        Self::new()
    }
}

const fn mask(bit: u8) -> u8 {
    assert!(bit < 8, "a bit number is 0..=7");
    1 << bit
}

/// One bit of the input image, made by [`ProcessImage::input_bit`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InputBit {
    at: ImageAddress,
    mask: u8,
}

impl InputBit {
    /// Whether the input is on (1).
    #[inline]
    pub fn is_high(&self) -> bool {
        self.at.load::<1>(1)[0] & self.mask != 0
    }

    /// Whether the input is off (0).
    #[inline]
    pub fn is_low(&self) -> bool {
        !self.is_high()
    }

    /// The input's value: [`is_high`](Self::is_high).
    #[inline]
    pub fn get(&self) -> bool {
        self.is_high()
    }
}

/// One bit of the output image, made by [`ProcessImage::output_bit`]. Setting it changes
/// only that bit: the other bits of its byte keep their values, whoever writes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutputBit {
    at: ImageAddress,
    mask: u8,
}

impl OutputBit {
    /// Turns the output on.
    #[inline]
    pub fn set_high(&self) {
        self.set(true);
    }

    /// Turns the output off.
    #[inline]
    pub fn set_low(&self) {
        self.set(false);
    }

    /// Sets the output to `value`.
    #[inline]
    pub fn set(&self, value: bool) {
        let [byte] = self.at.load::<1>(1);
        let new = if value { byte | self.mask } else { byte & !self.mask };
        self.at.store([new], 1);
    }

    /// Inverts the output.
    #[inline]
    pub fn toggle(&self) {
        self.set(!self.get());
    }

    /// The output as it will be published: the last published value, or this scan's write.
    #[inline]
    pub fn get(&self) -> bool {
        self.at.load::<1>(1)[0] & self.mask != 0
    }

    /// Whether the output is set on.
    #[inline]
    pub fn is_set_high(&self) -> bool {
        self.get()
    }

    /// Whether the output is set off.
    #[inline]
    pub fn is_set_low(&self) -> bool {
        !self.get()
    }
}

/// A typed input in the image, made by [`ProcessImage::input`].
#[derive(Debug)]
pub struct Input<T: IoValue> {
    at: ImageAddress,
    _type: PhantomData<fn() -> T>,
}

impl<T: IoValue> Clone for Input<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T: IoValue> Copy for Input<T> {}

impl<T: IoValue> Input<T> {
    /// The input's value.
    #[inline]
    pub fn get(&self) -> T {
        T::from_le(self.at.load::<4>(T::SIZE))
    }
}

/// A typed output in the image, made by [`ProcessImage::output`].
#[derive(Debug)]
pub struct Output<T: IoValue> {
    at: ImageAddress,
    _type: PhantomData<fn() -> T>,
}

impl<T: IoValue> Clone for Output<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T: IoValue> Copy for Output<T> {}

impl<T: IoValue> Output<T> {
    /// Sets the output.
    #[inline]
    pub fn set(&self, value: T) {
        self.at.store(value.to_le(), T::SIZE);
    }

    /// The output as it will be published: the last published value, or this scan's write.
    #[inline]
    pub fn get(&self) -> T {
        T::from_le(self.at.load::<4>(T::SIZE))
    }
}
