//! Forcing, as CODESYS does it: an operator pins an input, an output or a variable to a value
//! until released, whatever the IO or the programs say.
//!
//! - A **forced input** is written into the input image after the inputs are read and before
//!   the programs run ([`Environment::write_input`]): every program sees it. On release, the
//!   bits it covered get back the value they had when it was forced (until the IO backend
//!   reads them again).
//! - A **forced output** or **variable** is written before the programs run (they see it) and
//!   again after the last program's poll, so that it wins over whatever the programs wrote, up
//!   to the publish. On release, the value stays until a program writes it.
//! - A force takes effect when it is set (between two scans), so the next snapshot shows it.
//!   A new force on bits that another force of the same image covers replaces that force
//!   whole (it is released first): each bit has at most one force.

use crate::controller::{ControlError, Controller};
use crate::environment::{Environment, Value};

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
    fn bits(&self) -> ([u8; 4], [u8; 4], usize) {
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
    fn overlaps(&self, other: &Force) -> bool {
        let (Force::Io { image: a, address: x, value: u }, Force::Io { image: b, address: y, value: v }) = (self, other) else {
            return matches!((self, other), (Force::Variable { name: m, .. }, Force::Variable { name: n, .. }) if m == n);
        };
        let ((_, mu, lu), (_, mv, lv)) = (u.bits(), v.bits());
        a == b && (0..lu).any(|i| x + i >= *y && x + i < y + lv && mu[i] & mv[x + i - y] != 0)
    }
}

/// A force in effect, and for an input the bytes it covered when it was set.
#[derive(Debug, Clone)]
struct Entry {
    force: Force,
    saved: [u8; 4],
}

/// The forces in effect, in the order they were set.
#[derive(Debug, Clone, Default)]
pub(crate) struct Forces(Vec<Entry>);

/// Reads `len` bytes of `image` at `address`.
fn read(env: &dyn Environment, image: Image, address: usize, len: usize) -> Result<[u8; 4], String> {
    let mut bytes = [0; 4];
    match image {
        Image::Inputs => env.read_input(address, &mut bytes[..len]),
        Image::Outputs => env.read_output(address, &mut bytes[..len]),
    }
    .map_err(|e| e.to_string())?;
    Ok(bytes)
}

/// Lays `value` under `mask` over `image` at `address`.
fn lay(env: &mut dyn Environment, image: Image, address: usize, value: [u8; 4], mask: [u8; 4], len: usize) -> Result<(), String> {
    let mut bytes = read(env, image, address, len)?;
    for i in 0..len {
        bytes[i] = (bytes[i] & !mask[i]) | (value[i] & mask[i]);
    }
    match image {
        Image::Inputs => env.write_input(address, &bytes[..len]),
        Image::Outputs => env.write_output(address, &bytes[..len]),
    }
    .map_err(|e| e.to_string())
}

/// Applies one force to the environment.
fn apply(env: &mut dyn Environment, force: &Force) -> Result<(), String> {
    match force {
        Force::Io { image, address, value } => {
            let (bits, mask, len) = value.bits();
            lay(env, *image, *address, bits, mask, len)
        }
        Force::Variable { name, value } => env.set_variable(name, *value).map_err(|e| e.to_string()),
    }
}

impl Forces {
    /// The forces, in the order they were set.
    pub(crate) fn list(&self) -> Vec<Force> {
        self.0.iter().map(|e| e.force.clone()).collect()
    }

    /// Before the programs run: every force. After a check at the time it was set, applying
    /// a force cannot fail (the images keep their sizes, a variable its type).
    pub(crate) fn before_scan(&self, env: &mut dyn Environment) {
        for entry in &self.0 {
            let _ = apply(env, &entry.force);
        }
    }

    /// After the last poll: forced outputs and variables win over what the programs wrote.
    pub(crate) fn after_scan(&self, env: &mut dyn Environment) {
        for entry in self.0.iter().filter(|e| !matches!(e.force, Force::Io { image: Image::Inputs, .. })) {
            let _ = apply(env, &entry.force);
        }
    }

    /// Whether the variable of that name is forced.
    pub(crate) fn forces_variable(&self, name: &str) -> bool {
        self.0.iter().any(|e| matches!(&e.force, Force::Variable { name: n, .. } if n == name))
    }

    /// Sets a force: checks it, releases the forces it overlaps, applies it.
    fn set(&mut self, env: &mut dyn Environment, force: Force) -> Result<(), ControlError> {
        match &force {
            Force::Io { image, address, value } => {
                let size = if *image == Image::Inputs { env.input_len() } else { env.output_len() };
                if address.checked_add(value.bytes()).is_none_or(|end| end > size) {
                    return Err(ControlError::AddressOutOfBounds(format!("{} bytes at {address} are outside the {size}-byte image", value.bytes())));
                }
                if let IoValue::Bit(bit @ 8.., _) = value {
                    return Err(ControlError::AddressOutOfBounds(format!("bit {bit}: a byte has bits 0 to 7")));
                }
            }
            Force::Variable { name, value } => {
                let current = env.get_variable(name).map_err(|_| ControlError::UnknownVariable(name.clone()))?;
                if !current.same_type(value) {
                    return Err(ControlError::BadType(format!("`{name}` is {}, not {}", current.type_name(), value.type_name())));
                }
            }
        }
        while let Some(i) = self.0.iter().position(|e| e.force.overlaps(&force)) {
            self.remove(env, i);
        }
        let saved = match &force {
            Force::Io { image: Image::Inputs, address, value } => read(env, Image::Inputs, *address, value.bytes()),
            _ => Ok([0; 4]),
        };
        apply(env, &force).map_err(ControlError::Unsupported)?;
        self.0.push(Entry { force, saved: saved.unwrap_or_default() });
        Ok(())
    }

    /// Removes a force; an input gets back the bits it covered.
    fn remove(&mut self, env: &mut dyn Environment, index: usize) {
        let entry = self.0.remove(index);
        if let Force::Io { image: Image::Inputs, address, value } = entry.force {
            let (_, mask, len) = value.bits();
            let _ = lay(env, Image::Inputs, address, entry.saved, mask, len);
        }
    }
}

impl<E: Environment> Controller<E> {
    /// Forces an input, output or variable (see [the module](self)); replaces the forces on
    /// the same bits or variable. Refused for a place outside the image, an unknown
    /// variable, a value of another type, or inputs the environment cannot write.
    pub fn force(&mut self, force: Force) -> Result<(), ControlError> {
        let (forces, env) = self.forces_and_env();
        forces.set(env, force)
    }

    /// Releases the force on that place; refused if there is none.
    pub fn release(&mut self, target: &ForceTarget) -> Result<(), ControlError> {
        let (forces, env) = self.forces_and_env();
        let index = forces.0.iter().position(|e| e.force.target() == *target).ok_or_else(|| ControlError::NotForced(describe(target)))?;
        forces.remove(env, index);
        Ok(())
    }

    /// Releases every force.
    pub fn release_all(&mut self) {
        let (forces, env) = self.forces_and_env();
        while !forces.0.is_empty() {
            forces.remove(env, forces.0.len() - 1);
        }
    }

    /// The forces in effect, in the order they were set.
    pub fn forces(&self) -> Vec<Force> {
        self.forces_table().list()
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
