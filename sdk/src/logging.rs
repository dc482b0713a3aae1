//! Logging to the controller: [`log!`](crate::log) and one macro per level.
//!
//! Messages are formatted with `core::fmt` into a fixed buffer of [`MESSAGE_CAPACITY`] bytes on
//! the stack; no allocator is needed. A longer message arrives cut at a character boundary and
//! ends with [`TRUNCATION_MARKER`]; formatting never panics.

use core::fmt::{self, Write};

use crate::abi::wasm_log_level;
use crate::error::Error;
use crate::ffi;

/// How important a log message is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(i32)]
pub enum Level {
    /// Something failed.
    Error = wasm_log_level::LOG_ERROR as i32,
    /// Something looks wrong but the program carries on.
    Warn = wasm_log_level::LOG_WARN as i32,
    /// Normal operation worth telling an operator.
    Info = wasm_log_level::LOG_INFO as i32,
    /// Detail for the program's author.
    Debug = wasm_log_level::LOG_DEBUG as i32,
    /// Very detailed tracing.
    Trace = wasm_log_level::LOG_TRACE as i32,
}

impl Level {
    /// The ABI's level.
    pub const fn to_abi(self) -> wasm_log_level {
        match self {
            Level::Error => wasm_log_level::LOG_ERROR,
            Level::Warn => wasm_log_level::LOG_WARN,
            Level::Info => wasm_log_level::LOG_INFO,
            Level::Debug => wasm_log_level::LOG_DEBUG,
            Level::Trace => wasm_log_level::LOG_TRACE,
        }
    }
}

/// The size of the formatting buffer: the longest message, in bytes, a program can log.
pub const MESSAGE_CAPACITY: usize = 256;

/// Ends a message that did not fit into [`MESSAGE_CAPACITY`] bytes.
pub const TRUNCATION_MARKER: &str = "...[truncated]";

/// A fixed-capacity text buffer that `core::fmt` writes into and that never overflows.
pub(crate) struct MessageBuffer<const N: usize> {
    bytes: [u8; N],
    len: usize,
    truncated: bool,
}

impl<const N: usize> MessageBuffer<N> {
    pub(crate) const fn new() -> Self {
        MessageBuffer { bytes: [0; N], len: 0, truncated: false }
    }

    /// The text written so far, ending with the marker when something was cut off.
    pub(crate) fn finish(&mut self, marker: &str) -> &[u8] {
        if self.truncated && marker.len() <= N {
            let mut keep = self.len.min(N - marker.len());
            // Cut on a character boundary: drop UTF-8 continuation bytes.
            while keep > 0 && keep < self.len && self.bytes.get(keep).is_some_and(|b| b & 0xC0 == 0x80) {
                keep -= 1;
            }
            // `get_mut`, never an index that could panic: the panic handler uses this buffer.
            if let Some(tail) = self.bytes.get_mut(keep..keep + marker.len()) {
                tail.copy_from_slice(marker.as_bytes());
                self.len = keep + marker.len();
            }
        }
        self.bytes.get(..self.len).unwrap_or_default()
    }
}

impl<const N: usize> Write for MessageBuffer<N> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let room = N.saturating_sub(self.len);
        let mut take = s.len().min(room);
        if take < s.len() {
            self.truncated = true;
            while !s.is_char_boundary(take) {
                take -= 1;
            }
        }
        if let (Some(to), Some(from)) = (self.bytes.get_mut(self.len..self.len + take), s.as_bytes().get(..take)) {
            to.copy_from_slice(from);
            self.len += take;
        }
        // Never report an error: a `fmt::Error` would make `write!` callers panic.
        Ok(())
    }
}

/// Formats and sends one record, reporting whether the controller accepted it.
///
/// The macros call this and ignore the result; call it yourself to know.
pub fn log_record(level: Level, file: &str, line: u32, args: fmt::Arguments<'_>) -> Result<(), Error> {
    match args.as_str() {
        Some(text) => log_str(level, file, line, text),
        None => {
            let mut buffer = MessageBuffer::<MESSAGE_CAPACITY>::new();
            let _ = buffer.write_fmt(args);
            ffi::log(level.to_abi(), file, line, buffer.finish(TRUNCATION_MARKER))
        }
    }
}

/// Sends one record of plain text, as it is: no formatting code is linked for it.
pub fn log_str(level: Level, file: &str, line: u32, text: &str) -> Result<(), Error> {
    ffi::log(level.to_abi(), file, line, text.as_bytes())
}

/// Logs a formatted message at `level`, with this file and line: `log!(Level::Info, "x = {}", x)`.
///
/// A message without arguments is sent as it is, so a program that only logs plain text links
/// no formatting code.
#[macro_export]
macro_rules! log {
    ($level:expr, $($arg:tt)+) => {{
        let args = ::core::format_args!($($arg)+);
        let _ = match args.as_str() {
            ::core::option::Option::Some(text) => $crate::logging::log_str($level, ::core::file!(), ::core::line!(), text),
            ::core::option::Option::None => $crate::logging::log_record($level, ::core::file!(), ::core::line!(), args),
        };
    }};
}

/// Logs at [`Level::Error`](crate::logging::Level::Error).
#[macro_export]
macro_rules! error {
    ($($arg:tt)+) => { $crate::log!($crate::logging::Level::Error, $($arg)+) };
}

/// Logs at [`Level::Warn`](crate::logging::Level::Warn).
#[macro_export]
macro_rules! warn {
    ($($arg:tt)+) => { $crate::log!($crate::logging::Level::Warn, $($arg)+) };
}

/// Logs at [`Level::Info`](crate::logging::Level::Info).
#[macro_export]
macro_rules! info {
    ($($arg:tt)+) => { $crate::log!($crate::logging::Level::Info, $($arg)+) };
}

/// Logs at [`Level::Debug`](crate::logging::Level::Debug).
#[macro_export]
macro_rules! debug {
    ($($arg:tt)+) => { $crate::log!($crate::logging::Level::Debug, $($arg)+) };
}

/// Logs at [`Level::Trace`](crate::logging::Level::Trace).
#[macro_export]
macro_rules! trace {
    ($($arg:tt)+) => { $crate::log!($crate::logging::Level::Trace, $($arg)+) };
}

#[cfg(test)]
mod tests {
    use super::*;

    fn format<const N: usize>(args: fmt::Arguments<'_>) -> ([u8; N], usize) {
        let mut buffer = MessageBuffer::<N>::new();
        let _ = buffer.write_fmt(args);
        let text = buffer.finish("~");
        let mut out = [0u8; N];
        out[..text.len()].copy_from_slice(text);
        (out, text.len())
    }

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn short_messages_are_kept_whole() {
        let (out, len) = format::<16>(format_args!("x = {}", 42));
        assert_eq!(&out[..len], b"x = 42");
    }

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn long_messages_end_with_the_marker() {
        let (out, len) = format::<8>(format_args!("{}", 123_456_789_012u64));
        assert_eq!(&out[..len], b"1234567~");
    }

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn truncation_never_splits_a_character() {
        // "é" is two bytes: 3 of them fill 6 of 7 bytes, the 4th would straddle the end.
        let (out, len) = format::<7>(format_args!("{}", "éééé"));
        let text = core::str::from_utf8(&out[..len]).unwrap();
        assert_eq!(text, "ééé~");
    }
}
