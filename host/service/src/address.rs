//! Places and values as clients write them: `3.2` (bit 2 of byte 3) or `3` (a typed value
//! from byte 3) in a path, `{"value": ..., "type": "u16"}` in a body.

use plc_host::{IoValue, Value};
use serde::Deserialize;
use serde_json::Value as Json;

use crate::error::ApiError;

/// The body of a write or a force.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ValueBody {
    /// The value: a bool, or a number.
    pub value: Json,
    /// For a byte address: `u8` (the default), `i8`, `u16`, `i16`, `u32`, `i32` or `f32`.
    #[serde(rename = "type")]
    pub ty: Option<String>,
}

/// `byte` or `byte.bit`, in decimal.
pub fn io_address(text: &str) -> Result<(usize, Option<u8>), ApiError> {
    let bad = || ApiError::bad_request(format!("`{text}` is not an address: give `byte.bit` (e.g. 3.2) or `byte` (e.g. 3)"));
    let number = |digits: &str| if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) { digits.parse::<usize>().ok() } else { None };
    match text.split_once('.') {
        None => Ok((number(text).ok_or_else(bad)?, None)),
        Some((byte, bit)) => {
            let (byte, bit) = (number(byte).ok_or_else(bad)?, number(bit).ok_or_else(bad)?);
            if bit > 7 {
                return Err(ApiError::bad_request(format!("`{text}`: a byte has bits 0 to 7")));
            }
            Ok((byte, Some(bit as u8)))
        }
    }
}

fn refused(message: String) -> ApiError {
    ApiError::unprocessable(message.clone(), vec![message])
}

/// The value to force at a place: a bit (`true`, `false`, 1 or 0), or a number of the body's
/// type that fits it.
pub fn io_value(bit: Option<u8>, body: &ValueBody) -> Result<IoValue, ApiError> {
    if let Some(bit) = bit {
        if body.ty.as_deref().is_some_and(|t| t != "bit") {
            return Err(refused("a bit address takes no type (or `bit`)".into()));
        }
        return match &body.value {
            Json::Bool(on) => Ok(IoValue::Bit(bit, *on)),
            Json::Number(n) if n.as_u64() == Some(0) || n.as_u64() == Some(1) => Ok(IoValue::Bit(bit, n.as_u64() == Some(1))),
            other => Err(refused(format!("a bit is true or false (or 1 or 0), not {other}"))),
        };
    }
    let ty = body.ty.as_deref().unwrap_or("u8");
    let Json::Number(n) = &body.value else {
        return Err(refused(format!("a {ty} is a number, not {}", body.value)));
    };
    let int = |min: i64, max: i64| {
        n.as_i64().filter(|v| (min..=max).contains(v)).ok_or_else(|| refused(format!("{n} does not fit a {ty} ({min} to {max})")))
    };
    Ok(match ty {
        "u8" => IoValue::U8(int(0, 0xff)? as u8),
        "i8" => IoValue::I8(int(-0x80, 0x7f)? as i8),
        "u16" => IoValue::U16(int(0, 0xffff)? as u16),
        "i16" => IoValue::I16(int(-0x8000, 0x7fff)? as i16),
        "u32" => IoValue::U32(int(0, 0xffff_ffff)? as u32),
        "i32" => IoValue::I32(int(i64::from(i32::MIN), i64::from(i32::MAX))? as i32),
        "f32" => IoValue::F32(n.as_f64().unwrap_or_default() as f32),
        other => return Err(refused(format!("type `{other}`: one of u8, i8, u16, i16, u32, i32, f32"))),
    })
}

/// A variable's value from JSON: `true` a bool, `3` an int (a double if the variable is one),
/// `3.5` a double. The controller checks the type against the variable's.
pub fn variable_value(body: &ValueBody, current: Option<Value>) -> Result<Value, ApiError> {
    if body.ty.is_some() {
        return Err(refused("a variable's value takes no type: its type is the variable's".into()));
    }
    match &body.value {
        Json::Bool(b) => Ok(Value::Bool(*b)),
        Json::Number(n) if n.is_f64() => Ok(Value::Double(n.as_f64().unwrap_or_default())),
        Json::Number(n) => match (current, n.as_i64().and_then(|i| i32::try_from(i).ok())) {
            (Some(Value::Double(_)), _) => Ok(Value::Double(n.as_f64().unwrap_or_default())),
            (_, Some(i)) => Ok(Value::Int(i)),
            (_, None) => Err(refused(format!("{n} does not fit an int (a 32-bit integer)"))),
        },
        other => Err(refused(format!("a variable is a bool, an int or a double, not {other}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(json: &str) -> ValueBody {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn addresses_and_values_parse_or_say_why_not() {
        assert_eq!(io_address("3.2").unwrap(), (3, Some(2)));
        assert_eq!(io_address("12").unwrap(), (12, None));
        for bad in ["", "x", "3.", ".2", "3.8", "-1", "+1", "3.2.1", "99999999999999999999999"] {
            assert!(io_address(bad).is_err(), "{bad}");
        }
        assert_eq!(io_value(Some(1), &body(r#"{"value": true}"#)).unwrap(), IoValue::Bit(1, true));
        assert_eq!(io_value(Some(1), &body(r#"{"value": 0}"#)).unwrap(), IoValue::Bit(1, false));
        assert!(io_value(Some(1), &body(r#"{"value": 2}"#)).is_err());
        assert_eq!(io_value(None, &body(r#"{"value": 300, "type": "u16"}"#)).unwrap(), IoValue::U16(300));
        assert!(io_value(None, &body(r#"{"value": 300}"#)).is_err(), "a u8 by default");
        assert!(io_value(None, &body(r#"{"value": -1, "type": "u32"}"#)).is_err());
        assert!(io_value(None, &body(r#"{"value": 1, "type": "u64"}"#)).is_err());
        assert_eq!(variable_value(&body(r#"{"value": 3}"#), Some(Value::Double(0.0))).unwrap(), Value::Double(3.0));
        assert_eq!(variable_value(&body(r#"{"value": 3}"#), None).unwrap(), Value::Int(3));
        assert!(variable_value(&body(r#"{"value": "3"}"#), None).is_err());
        assert!(variable_value(&body(r#"{"value": 4294967296}"#), None).is_err());
    }
}
