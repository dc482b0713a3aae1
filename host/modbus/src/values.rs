//! Controller variables in holding registers: how each configured type is put into one or two
//! 16-bit words, and how written words become a value of the variable's own type.

use plc_host::Value;
use serde::Deserialize;

/// How a variable is put in registers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum VarType {
    /// One register, 0 or 1 (a write of anything but 0 is true).
    Bool,
    /// One register, two's complement; larger values saturate.
    I16,
    /// One register; values outside 0..=65535 saturate.
    U16,
    /// Two registers, two's complement.
    I32,
    /// Two registers, IEEE 754 single precision.
    F32,
}

impl VarType {
    /// Registers it takes: 1 or 2.
    pub fn width(self) -> u16 {
        match self {
            VarType::I32 | VarType::F32 => 2,
            VarType::Bool | VarType::I16 | VarType::U16 => 1,
        }
    }
}

/// The order of the two words of a 32-bit value.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum WordOrder {
    /// High word first, at the lower register (the Modbus convention; mbpoll's `-B`).
    #[default]
    Big,
    /// Low word first.
    Little,
}

fn number(value: Value) -> f64 {
    match value {
        Value::Bool(b) => f64::from(u8::from(b)),
        Value::Int(i) => f64::from(i),
        Value::Double(d) => d,
    }
}

fn split(bits: u32, order: WordOrder) -> [u16; 2] {
    let (high, low) = ((bits >> 16) as u16, bits as u16);
    match order {
        WordOrder::Big => [high, low],
        WordOrder::Little => [low, high],
    }
}

fn join(words: &[u16], order: WordOrder) -> u32 {
    let (first, second) = (u32::from(words[0]), u32::from(words.get(1).copied().unwrap_or(0)));
    match order {
        WordOrder::Big => first << 16 | second,
        WordOrder::Little => second << 16 | first,
    }
}

/// The registers of `value` as `kind` (the first [`VarType::width`] of them count).
pub fn encode(kind: VarType, order: WordOrder, value: Value) -> [u16; 2] {
    let n = number(value);
    // `as` from f64 saturates (and NaN is 0): the documented behaviour.
    match kind {
        VarType::Bool => [u16::from(n != 0.0), 0],
        VarType::I16 => [(n.round() as i16) as u16, 0],
        VarType::U16 => [n.round() as u16, 0],
        VarType::I32 => split(match value {
            Value::Int(i) => i as u32,
            _ => (n.round() as i32) as u32,
        }, order),
        VarType::F32 => split((n as f32).to_bits(), order),
    }
}

/// The value that `words` (at least [`VarType::width`] of them) written as `kind` give a
/// variable whose current value is `like`: of `like`'s type, rounded and saturated.
pub fn decode(kind: VarType, order: WordOrder, words: &[u16], like: Value) -> Value {
    let n = match kind {
        VarType::Bool => f64::from(u8::from(words[0] != 0)),
        VarType::I16 => f64::from(words[0] as i16),
        VarType::U16 => f64::from(words[0]),
        VarType::I32 => f64::from(join(words, order) as i32),
        VarType::F32 => f64::from(f32::from_bits(join(words, order))),
    };
    match like {
        Value::Bool(_) => Value::Bool(n != 0.0),
        Value::Int(_) => Value::Int(n.round() as i32),
        Value::Double(_) => Value::Double(n),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_type_round_trips_and_saturates() {
        let f = encode(VarType::F32, WordOrder::Big, Value::Double(1.5));
        assert_eq!(f, [0x3fc0, 0x0000]);
        assert_eq!(decode(VarType::F32, WordOrder::Big, &f, Value::Double(0.0)), Value::Double(1.5));
        let little = encode(VarType::F32, WordOrder::Little, Value::Double(1.5));
        assert_eq!(little, [0x0000, 0x3fc0]);
        assert_eq!(encode(VarType::I32, WordOrder::Big, Value::Int(-2)), [0xffff, 0xfffe]);
        assert_eq!(decode(VarType::I32, WordOrder::Little, &[0xfffe, 0xffff], Value::Int(0)), Value::Int(-2));
        assert_eq!(encode(VarType::I16, WordOrder::Big, Value::Int(-40000))[0], i16::MIN as u16);
        assert_eq!(encode(VarType::U16, WordOrder::Big, Value::Int(-1))[0], 0);
        assert_eq!(encode(VarType::Bool, WordOrder::Big, Value::Bool(true))[0], 1);
        assert_eq!(decode(VarType::U16, WordOrder::Big, &[7], Value::Bool(false)), Value::Bool(true));
        assert_eq!(decode(VarType::F32, WordOrder::Big, &f, Value::Int(0)), Value::Int(2));
    }
}
