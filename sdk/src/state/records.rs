//! The [`Record`]s of the SDK's own types: scalars, arrays, time, `Option`s; and the byte
//! cursors the function blocks encode their fields with (their layouts are in docs/abi.md).

use core::time::Duration;

use super::{Record, TypeName};
use crate::time::Instant;

/// Writes fields one after the other into a record's bytes.
pub(crate) struct Writer<'a>(&'a mut [u8]);

impl<'a> Writer<'a> {
    pub(crate) fn new(bytes: &'a mut [u8]) -> Self {
        Writer(bytes)
    }

    pub(crate) fn bytes(&mut self, bytes: &[u8]) -> &mut Self {
        let rest = core::mem::take(&mut self.0);
        let (head, tail) = rest.split_at_mut(bytes.len().min(rest.len()));
        head.copy_from_slice(bytes.get(..head.len()).unwrap_or_default());
        self.0 = tail;
        self
    }

    pub(crate) fn flag(&mut self, on: bool) -> &mut Self {
        self.bytes(&[u8::from(on)])
    }

    /// A clock reading or a duration as nanoseconds.
    pub(crate) fn nanos(&mut self, nanos: u64) -> &mut Self {
        self.bytes(&nanos.to_le_bytes())
    }

    pub(crate) fn i32(&mut self, v: i32) -> &mut Self {
        self.bytes(&v.to_le_bytes())
    }
}

/// Reads fields one after the other from a record's bytes (zeros past its end).
pub(crate) struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        Reader(bytes)
    }

    fn take<const N: usize>(&mut self) -> [u8; N] {
        let mut out = [0; N];
        let (head, tail) = self.0.split_at(N.min(self.0.len()));
        if let Some(slot) = out.get_mut(..head.len()) {
            slot.copy_from_slice(head);
        }
        self.0 = tail;
        out
    }

    /// Any byte but 0 is `true`.
    pub(crate) fn flag(&mut self) -> bool {
        self.take::<1>()[0] != 0
    }

    pub(crate) fn nanos(&mut self) -> u64 {
        u64::from_le_bytes(self.take())
    }

    pub(crate) fn i32(&mut self) -> i32 {
        i32::from_le_bytes(self.take())
    }
}

/// A duration in nanoseconds, saturating (584 years); without 128-bit arithmetic.
pub(crate) fn nanos(d: Duration) -> u64 {
    d.as_secs().saturating_mul(1_000_000_000).saturating_add(u64::from(d.subsec_nanos()))
}

macro_rules! scalar {
    ($($t:ty => $name:literal),* $(,)?) => {$(
        impl Record for $t {
            type Encoded = [u8; core::mem::size_of::<$t>()];
            fn type_name(out: &mut TypeName) {
                out.push_str($name);
            }
            fn encode(&self) -> Self::Encoded {
                self.to_le_bytes()
            }
            fn decode(bytes: &Self::Encoded) -> Self {
                <$t>::from_le_bytes(*bytes)
            }
        }
    )*};
}

scalar!(u8 => "u8", u16 => "u16", u32 => "u32", u64 => "u64", i8 => "i8", i16 => "i16", i32 => "i32", i64 => "i64", f32 => "f32", f64 => "f64");

impl Record for bool {
    type Encoded = [u8; 1];
    fn type_name(out: &mut TypeName) {
        out.push_str("bool");
    }
    fn encode(&self) -> [u8; 1] {
        [u8::from(*self)]
    }
    fn decode(bytes: &[u8; 1]) -> Self {
        bytes[0] != 0
    }
}

/// `usize` and `isize` cross as 64 bits, so that a native test and the wasm32 program agree.
macro_rules! pointer_sized {
    ($($t:ty => $wide:ty),*) => {$(
        impl Record for $t {
            type Encoded = [u8; 8];
            fn type_name(out: &mut TypeName) {
                <$wide>::type_name(out)
            }
            fn encode(&self) -> [u8; 8] {
                (*self as $wide).to_le_bytes()
            }
            fn decode(bytes: &[u8; 8]) -> Self {
                let wide = <$wide>::from_le_bytes(*bytes);
                <$t>::try_from(wide).unwrap_or(if wide < 0 as $wide { <$t>::MIN } else { <$t>::MAX })
            }
        }
    )*};
}

pointer_sized!(usize => u64, isize => i64);

impl<T: Record, const N: usize> Record for [T; N] {
    type Encoded = [T::Encoded; N];
    fn type_name(out: &mut TypeName) {
        out.push_str("[");
        T::type_name(out);
        out.push_str("; ");
        out.push_number(N);
        out.push_str("]");
    }
    fn encode(&self) -> Self::Encoded {
        self.each_ref().map(T::encode)
    }
    fn decode(bytes: &Self::Encoded) -> Self {
        bytes.each_ref().map(T::decode)
    }
}

/// A reading of the controller's clock: nanoseconds, the same clock in the next version.
impl Record for Instant {
    type Encoded = [u8; 8];
    fn type_name(out: &mut TypeName) {
        out.push_str("Instant");
    }
    fn encode(&self) -> [u8; 8] {
        self.nanos().to_le_bytes()
    }
    fn decode(bytes: &[u8; 8]) -> Self {
        Instant::from_nanos(u64::from_le_bytes(*bytes))
    }
}

/// Seconds (8 bytes) then nanoseconds (4 bytes): exact.
impl Record for Duration {
    type Encoded = [u8; 12];
    fn type_name(out: &mut TypeName) {
        out.push_str("Duration");
    }
    fn encode(&self) -> [u8; 12] {
        let mut out = [0; 12];
        Writer::new(&mut out).bytes(&self.as_secs().to_le_bytes()).bytes(&self.subsec_nanos().to_le_bytes());
        out
    }
    fn decode(bytes: &[u8; 12]) -> Self {
        let mut r = Reader::new(bytes);
        let secs = u64::from_le_bytes(r.take());
        let nanos = u32::from_le_bytes(r.take());
        Duration::new(secs, nanos % 1_000_000_000)
    }
}

/// `Option<T>` of a scalar or time type: a flag byte (1: `Some`), then `T`'s bytes (zeros for
/// `None`); the type string is `Option<T>`.
macro_rules! option {
    ($($t:ty => $name:literal, $size:literal);* $(;)?) => {$(
        impl Record for Option<$t> {
            type Encoded = [u8; 1 + $size];
            fn type_name(out: &mut TypeName) {
                out.push_str(concat!("Option<", $name, ">"));
            }
            fn encode(&self) -> Self::Encoded {
                let mut out = [0; 1 + $size];
                let value = self.map(|v| v.encode()).unwrap_or([0; $size]);
                Writer::new(&mut out).flag(self.is_some()).bytes(&value);
                out
            }
            fn decode(bytes: &Self::Encoded) -> Self {
                let mut r = Reader::new(bytes);
                let some = r.flag();
                let value: [u8; $size] = r.take();
                some.then(|| <$t>::decode(&value))
            }
        }
    )*};
}

option!(
    bool => "bool", 1; u8 => "u8", 1; u16 => "u16", 2; u32 => "u32", 4; u64 => "u64", 8;
    i8 => "i8", 1; i16 => "i16", 2; i32 => "i32", 4; i64 => "i64", 8;
    f32 => "f32", 4; f64 => "f64", 8; Instant => "Instant", 8; Duration => "Duration", 12;
);
