//! Forcing, as CODESYS does it: an operator pins an input, an output or a variable to a value
//! until released, whatever the IO or the programs say.
//!
//! - A **forced input** is written into the input image after the inputs are read and before
//!   the programs run ([`Environment::write_input`](crate::Environment::write_input)): every program sees it. On release, the
//!   bits it covered get back the value they had when it was forced (until the IO backend
//!   reads them again).
//! - A **forced output** or **variable** is written before the programs run (they see it) and
//!   again after the last program's poll, so that it wins over whatever the programs wrote, up
//!   to the publish. On release, the value stays until a program writes it.
//! - A force takes effect when it is set (between two scans), so the next snapshot shows it.
//!   A new force on bits that another force of the same image covers replaces that force
//!   whole (it is released first): each bit has at most one force.

mod table;

pub(crate) use table::Forces;

use crate::environment::Value;

/// A value forced into a process image: one bit, or a whole value of a type, little-endian
/// (the types of the SDK's `Input<T>`/`Output<T>`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum IoValue {
    /// Bit `0..=7` of the byte, and its value.
    Bit(u8, bool),
    /// One byte.
    U8(u8),
    /// One signed byte.
    I8(i8),
    /// Two bytes (a word).
    U16(u16),
    /// Two bytes, signed.
    I16(i16),
    /// Four bytes (a double word).
    U32(u32),
    /// Four bytes, signed.
    I32(i32),
    /// Four bytes, IEEE 754.
    F32(f32),
}

impl IoValue {
    /// Its bytes and the mask of the bits it forces; `len` bytes of each count.
    pub(crate) fn bits(&self) -> ([u8; 4], [u8; 4], usize) {
        let word = |bytes: &[u8]| {
            let mut value = [0; 4];
            value[..bytes.len()].copy_from_slice(bytes);
            (value, [0xff; 4], bytes.len())
        };
        match *self {
            IoValue::Bit(bit, on) => ([u8::from(on) << (bit & 7), 0, 0, 0], [1 << (bit & 7), 0, 0, 0], 1),
            IoValue::U8(v) => word(&[v]),
            IoValue::I8(v) => word(&v.to_le_bytes()),
            IoValue::U16(v) => word(&v.to_le_bytes()),
            IoValue::I16(v) => word(&v.to_le_bytes()),
            IoValue::U32(v) => word(&v.to_le_bytes()),
            IoValue::I32(v) => word(&v.to_le_bytes()),
            IoValue::F32(v) => word(&v.to_le_bytes()),
        }
    }

    /// How many bytes of the image it covers (1 to 4).
    pub fn bytes(&self) -> usize {
        self.bits().2
    }

    /// The name of its type: `bit`, `u8`, `i8`, `u16`, `i16`, `u32`, `i32` or `f32`.
    pub fn type_name(&self) -> &'static str {
        match self {
            IoValue::Bit(..) => "bit",
            IoValue::U8(_) => "u8",
            IoValue::I8(_) => "i8",
            IoValue::U16(_) => "u16",
            IoValue::I16(_) => "i16",
            IoValue::U32(_) => "u32",
            IoValue::I32(_) => "i32",
            IoValue::F32(_) => "f32",
        }
    }
}

/// One of the two process images.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Image {
    /// The input image (`%I`).
    Inputs,
    /// The output image (`%Q`).
    Outputs,
}

/// A force: a place and the value it is pinned to.
#[derive(Debug, Clone, PartialEq)]
pub enum Force {
    /// An input or output, from byte `address` of the image.
    Io {
        /// Which image.
        image: Image,
        /// The first byte.
        address: usize,
        /// The value.
        value: IoValue,
    },
    /// A variable; it must exist, and the value must be of its type.
    Variable {
        /// Its name.
        name: String,
        /// The value.
        value: Value,
    },
}

/// The place of a force, to release it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ForceTarget {
    /// Bit `bit` of byte `address` (`Some`), or the typed value from byte `address` (`None`).
    Io {
        /// Which image.
        image: Image,
        /// The byte.
        address: usize,
        /// The bit, for a bit force.
        bit: Option<u8>,
    },
    /// A variable.
    Variable(String),
}

impl Force {
    /// Where it is.
    pub fn target(&self) -> ForceTarget {
        match self {
            Force::Io { image, address, value: IoValue::Bit(bit, _) } => ForceTarget::Io { image: *image, address: *address, bit: Some(*bit) },
            Force::Io { image, address, .. } => ForceTarget::Io { image: *image, address: *address, bit: None },
            Force::Variable { name, .. } => ForceTarget::Variable(name.clone()),
        }
    }

    /// Whether it pins any bit that `other` pins too.
    pub(crate) fn overlaps(&self, other: &Force) -> bool {
        let (Force::Io { image: a, address: x, value: u }, Force::Io { image: b, address: y, value: v }) = (self, other) else {
            return matches!((self, other), (Force::Variable { name: m, .. }, Force::Variable { name: n, .. }) if m == n);
        };
        let ((_, mu, lu), (_, mv, lv)) = (u.bits(), v.bits());
        a == b && (0..lu).any(|i| x + i >= *y && x + i < y + lv && mu[i] & mv[x + i - y] != 0)
    }
}

/// A place in IEC notation: `%IX0.1`, `%QB2` (any typed value), or a variable's name.
pub fn describe(target: &ForceTarget) -> String {
    match target {
        ForceTarget::Io { image, address, bit } => {
            let letter = if *image == Image::Inputs { 'I' } else { 'Q' };
            match bit {
                Some(bit) => format!("%{letter}X{address}.{bit}"),
                None => format!("%{letter}B{address}"),
            }
        }
        ForceTarget::Variable(name) => format!("`{name}`"),
    }
}
