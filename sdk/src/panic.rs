//! On the controller, a panic logs its message, file and line at `LOG_ERROR`, then traps: the
//! host faults the program and applies its fault policy.

use core::fmt::Write;
use core::panic::PanicInfo;

use crate::abi::wasm_log_level;
use crate::ffi;
use crate::logging::{MessageBuffer, MESSAGE_CAPACITY, TRUNCATION_MARKER};

#[panic_handler]
fn panic(info: &PanicInfo<'_>) -> ! {
    let mut message = MessageBuffer::<MESSAGE_CAPACITY>::new();
    let _ = write!(message, "panicked: {}", info.message());
    let (file, line) = info.location().map_or(("<unknown>", 0), |l| (l.file(), l.line()));
    let _ = ffi::log(wasm_log_level::LOG_ERROR, file, line, message.finish(TRUNCATION_MARKER));
    core::arch::wasm32::unreachable()
}
