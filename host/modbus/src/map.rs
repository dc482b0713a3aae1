//! The server's map, OpenPLC's default: discrete inputs are the `%IX` bits, coils the `%QX`
//! bits, input registers the `%IW` words, holding registers the `%QW` words and then the
//! configured variables. Bit `n` is bit `n % 8` of byte `n / 8`; register `r` is the
//! little-endian word at bytes `2r` and `2r + 1` (`%IW{2r}`, `%QW{2r}`). Anything else is
//! exception 02.

use tokio_modbus::ExceptionCode;

use crate::exchange::{Image, Writes};
use crate::settings::MappedVariable;
use crate::values::{decode, encode};

/// The holding registers past the `%QW` words.
pub(crate) struct Map {
    pub variables: Vec<MappedVariable>,
}

/// `first..first + count` as a range of `usize`, if it ends inside `len`.
fn span(first: u16, count: usize, len: usize) -> Result<std::ops::Range<usize>, ExceptionCode> {
    let first = usize::from(first);
    if first + count <= len { Ok(first..first + count) } else { Err(ExceptionCode::IllegalDataAddress) }
}

fn bit(image: &[u8], n: usize) -> bool {
    image[n / 8] >> (n % 8) & 1 == 1
}

/// Bits `first..first + count` of an image (discrete inputs or coils).
pub(crate) fn read_bits(image: &[u8], first: u16, count: u16) -> Result<Vec<bool>, ExceptionCode> {
    Ok(span(first, count.into(), image.len() * 8)?.map(|n| bit(image, n)).collect())
}

/// Words `first..first + count` of an image (input registers).
pub(crate) fn read_words(image: &[u8], first: u16, count: u16) -> Result<Vec<u16>, ExceptionCode> {
    Ok(span(first, count.into(), image.len() / 2)?.map(|r| u16::from_le_bytes([image[2 * r], image[2 * r + 1]])).collect())
}

/// Stages coil writes: `values` from coil `first`.
pub(crate) fn write_bits(writes: &mut Writes, first: u16, values: &[bool]) -> Result<(), ExceptionCode> {
    let range = span(first, values.len(), writes.outputs.len() * 8)?;
    for (n, value) in range.zip(values) {
        let (byte, mask) = (n / 8, 1u8 << (n % 8));
        writes.outputs[byte] = if *value { writes.outputs[byte] | mask } else { writes.outputs[byte] & !mask };
        writes.mask[byte] |= mask;
    }
    Ok(())
}

impl Map {
    /// The variable whose registers include `register`, and its index.
    fn variable(&self, register: usize) -> Option<(usize, &MappedVariable)> {
        let i = self.variables.partition_point(|v| usize::from(v.register) + usize::from(v.kind.width()) <= register);
        self.variables.get(i).filter(|v| usize::from(v.register) <= register).map(|v| (i, v))
    }

    /// Holding registers `first..first + count`: `%QW` words, then variables (exception 04
    /// for a variable no program has created yet).
    pub fn read_holding(&self, image: &Image, first: u16, count: u16) -> Result<Vec<u16>, ExceptionCode> {
        let words = image.outputs.len() / 2;
        let end = usize::from(first) + usize::from(count);
        if end > 1 << 16 {
            return Err(ExceptionCode::IllegalDataAddress);
        }
        (usize::from(first)..end)
            .map(|r| {
                if r < words {
                    return Ok(u16::from_le_bytes([image.outputs[2 * r], image.outputs[2 * r + 1]]));
                }
                let (i, v) = self.variable(r).ok_or(ExceptionCode::IllegalDataAddress)?;
                let value = image.variables[i].ok_or(ExceptionCode::ServerDeviceFailure)?;
                Ok(encode(v.kind, v.order, value)[r - usize::from(v.register)])
            })
            .collect()
    }

    /// Stages holding-register writes: `%QW` words as outputs, variables as variable writes
    /// (of the variable's own type, which `image` tells). Every register must be mapped and a
    /// two-register variable written whole (else exception 03); nothing is staged otherwise.
    pub fn write_holding(&self, image: &Image, writes: &mut Writes, first: u16, values: &[u16]) -> Result<(), ExceptionCode> {
        let words = writes.outputs.len() / 2;
        let (first, end) = (usize::from(first), usize::from(first) + values.len());
        if end > 1 << 16 {
            return Err(ExceptionCode::IllegalDataAddress);
        }
        let mut staged = Vec::new();
        let mut r = first;
        while r < end {
            if r < words {
                r += 1;
                continue;
            }
            let (i, v) = self.variable(r).ok_or(ExceptionCode::IllegalDataAddress)?;
            let width = usize::from(v.kind.width());
            if usize::from(v.register) != r || r + width > end {
                return Err(ExceptionCode::IllegalDataValue);
            }
            let like = image.variables[i].ok_or(ExceptionCode::ServerDeviceFailure)?;
            staged.push((i, decode(v.kind, v.order, &values[r - first..r - first + width], like)));
            r += width;
        }
        for (r, value) in (first..end.min(words)).zip(values) {
            writes.outputs[2 * r..2 * r + 2].copy_from_slice(&value.to_le_bytes());
            writes.mask[2 * r..2 * r + 2].fill(0xff);
        }
        for (i, value) in staged {
            writes.variables[i] = Some(value);
        }
        Ok(())
    }
}
