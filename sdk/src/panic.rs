//! On the controller, a panic logs its message, file and line at `LOG_ERROR`, then traps: the
//! host faults the program and applies its fault policy.
//!
//! A message that is a plain string (`panic!("valve stuck")`, `expect("...")`,
//! `index out of bounds` and the other panics of `core` whose text needs no arguments) is
//! sent as it is, so the handler links no formatting code. A message with arguments (the
//! error inside an `unwrap()`, `panic!("level {}", x)`) is sent as "panicked" with the
//! file and line only, unless the `panic-fmt` feature is on: then it is formatted in full,
//! at a cost of several KiB of code (`docs/benchmarks.md`).

use core::panic::PanicInfo;

use crate::abi::wasm_log_level;
use crate::ffi;
use crate::logging::MESSAGE_CAPACITY;

#[panic_handler]
fn panic(info: &PanicInfo<'_>) -> ! {
    let (file, line) = info.location().map_or(("<unknown>", 0), |l| (l.file(), l.line()));
    match info.message().as_str() {
        Some(text) => {
            // A byte loop, not the formatting buffer: the smallest code that joins two strings.
            // A message cut inside a character is mended by the host (invalid UTF-8 replaced).
            let mut message = [0u8; MESSAGE_CAPACITY];
            let mut len = 0;
            for (slot, byte) in message.iter_mut().zip(b"panicked: ".iter().chain(text.as_bytes())) {
                *slot = *byte;
                len += 1;
            }
            let _ = ffi::log(wasm_log_level::LOG_ERROR, file, line, message.get(..len).unwrap_or_default());
        }
        #[cfg(feature = "panic-fmt")]
        None => {
            use crate::logging::{MessageBuffer, TRUNCATION_MARKER};
            use core::fmt::Write;
            let mut message = MessageBuffer::<MESSAGE_CAPACITY>::new();
            let _ = write!(message, "panicked: {}", info.message());
            let _ = ffi::log(wasm_log_level::LOG_ERROR, file, line, message.finish(TRUNCATION_MARKER));
        }
        #[cfg(not(feature = "panic-fmt"))]
        None => {
            let text = b"panicked (the message has arguments: build plc-sdk with the `panic-fmt` feature to see it)";
            let _ = ffi::log(wasm_log_level::LOG_ERROR, file, line, text);
        }
    }
    core::arch::wasm32::unreachable()
}
