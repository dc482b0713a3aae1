//! # plc-abi: ABI v1, the contract between a PLC program (the wasm guest) and the controller (the host)
//!
//! This crate is the single source of truth for the codes, the log levels, the export names
//! and the signature table. It is `no_std` and has no dependencies, so that both sides can use
//! it: the guest SDK (`plc-sdk`, which re-exports it as `plc_sdk::abi` and declares the raw
//! imports in `plc_sdk::ffi`), the host (`plc-host` builds its import table and its validation
//! from [`INTRINSICS`]) and `xtask`, which generates `c-sdk/include/intrinsics.h` from this
//! file and `sdk/src/ffi.rs` with cbindgen (`cargo xtask header`). Tests fail when any of them
//! drift apart.
//!
//! The ten intrinsics of the original design keep their names, parameter order, types and
//! numbers forever. Additions carry the ABI version that introduced them in [`Intrinsic::since`].
//!
//! The doc comments of the items cbindgen copies into the C header (the constants, the two
//! enums and their variants) are written as plain C documentation: C names, no rustdoc links.
#![no_std]
#![deny(missing_docs)]
#![allow(non_camel_case_types)]

/// The version of the ABI described here. A program may export `plc_abi_version`, returning it.
pub const ABI_VERSION: i32 = 1;

/// The wasm module every intrinsic is imported from.
pub const IMPORT_MODULE: &str = "env";

/// The export the host calls once per scan cycle: `() -> ()`. Required.
pub const POLL_EXPORT: &str = "poll";

/// An optional export `() -> ()` the host calls once on every new instance, before its first poll.
pub const INIT_EXPORT: &str = "init";

/// The WASI reactor's initialiser (`clang --target=wasm32-wasi -mexec-model=reactor` exports it):
/// an optional `() -> ()` the host calls once on every new instance, before `init`.
pub const REACTOR_INIT_EXPORT: &str = "_initialize";

/// An optional export `() -> i32` returning the ABI version the program was built against.
/// A host refuses a program whose version it does not speak.
pub const ABI_VERSION_EXPORT: &str = "plc_abi_version";

/// An optional export `() -> ()`: the program writes its state, field by field, with
/// `wasm_state_write`. The host calls it on the running instance when a new version replaces
/// it (and once at load, on a throwaway instance, to measure the state against its limit).
pub const STATE_SAVE_EXPORT: &str = "plc_state_save";

/// An optional export `() -> ()`: the program reads back the state the version before it
/// saved, field by field, with `wasm_state_read`. The host calls it on the new instance after
/// `_initialize` and `init` and before its first `poll`, when the running version saved its state.
pub const STATE_LOAD_EXPORT: &str = "plc_state_load";

/// The longest name, in bytes, of one field of a program's state (dotted: "alarm.et").
/// Longer names get `WASM_GENERIC_ERROR`.
pub const MAX_STATE_NAME_LEN: i32 = 255;

/// The longest type string, in bytes, of one field of a program's state ("[Ton/1; 4]").
/// Longer ones get `WASM_GENERIC_ERROR`.
pub const MAX_STATE_TYPE_LEN: i32 = 64;

/// The linear memory every program must export (not import).
pub const MEMORY_EXPORT: &str = "memory";

/// The optional export declaring the program's process image: a data symbol, that is an
/// immutable `i32` global whose value is the address, in the program's memory, of a
/// `wasm_process_image_t`. Before each poll the host copies the input image into the
/// program's input bytes and the published output image into its output bytes; after a poll
/// that completes it publishes the output bits the program changed. The host reads and checks
/// the descriptor and both ranges every poll. `#[plc_program(image = IMAGE)]` and
/// `PLC_PROCESS_IMAGE(inputs, outputs)` in plc.h declare it.
pub const PROCESS_IMAGE_EXPORT: &str = "plc_image";

/// Where a program keeps its copy of the process image: the descriptor that the export
/// `plc_image` points to. Four little-endian 32-bit words, addresses in the program's memory.
///
/// The host copies `min(inputs_len, the controller's input image)` bytes of inputs and
/// `min(outputs_len, the controller's output image)` bytes of outputs; bytes past the
/// controller's image are the program's own. Both ranges must lie inside the program's memory,
/// else the poll faults.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct wasm_process_image_t {
    /// The address of the program's copy of the input image (`%I`).
    pub inputs: u32,
    /// Its length in bytes.
    pub inputs_len: u32,
    /// The address of the program's copy of the output image (`%Q`).
    pub outputs: u32,
    /// Its length in bytes.
    pub outputs_len: u32,
}

/// cbindgen:ignore
impl wasm_process_image_t {
    /// The descriptor's size in the program's memory, in bytes.
    pub const SIZE: usize = 16;

    /// The descriptor from its 16 bytes in the program's memory.
    pub const fn from_le_bytes(b: [u8; 16]) -> Self {
        const fn word(b: &[u8; 16], i: usize) -> u32 {
            u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]])
        }
        wasm_process_image_t { inputs: word(&b, 0), inputs_len: word(&b, 4), outputs: word(&b, 8), outputs_len: word(&b, 12) }
    }
}

/// The custom section in which a program declares its retained variables: those the
/// controller keeps across a restart. Each entry is one type tag ([`RETAINED_BOOL`],
/// [`RETAINED_INT`], [`RETAINED_DOUBLE`]), the variable's UTF-8 name and a NUL; a module may
/// hold several such sections (the linker merges them). Declaring needs no intrinsic: the host
/// reads the section at load. `plc_sdk::retain!` and `PLC_RETAIN_INT(...)` in `plc.h` write it.
pub const RETAINED_SECTION: &str = "plc.retained";

/// The tag of a retained `bool` variable in [`RETAINED_SECTION`].
pub const RETAINED_BOOL: &str = "b";

/// The tag of a retained `i32` variable in [`RETAINED_SECTION`].
pub const RETAINED_INT: &str = "i";

/// The tag of a retained `f64` variable in [`RETAINED_SECTION`].
pub const RETAINED_DOUBLE: &str = "d";

/// The longest variable name, in bytes, a host accepts. Longer names get `WASM_GENERIC_ERROR`.
pub const MAX_VARIABLE_NAME_LEN: i32 = 255;

/// The longest log message, in bytes, a host keeps. The host cuts a longer message on a UTF-8
/// character boundary at most this many bytes in, and drops the rest without a mark.
pub const MAX_LOG_MESSAGE_LEN: i32 = 4096;

/// The various error codes used by this library.
///
/// Every intrinsic returns one of these (as a plain 32-bit integer) to say whether it
/// executed successfully. A host of a later ABI version may return codes not listed here;
/// treat them as errors.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum wasm_result_t {
    /// The operation was successful.
    WASM_SUCCESS = 0,
    /// An unspecified error occurred: a pointer or length outside the program's memory, a
    /// name that is not UTF-8, a negative length, a log message over the per-scan budget.
    WASM_GENERIC_ERROR = 1,
    /// Tried to access an input/output address which is out of bounds.
    WASM_ADDRESS_OUT_OF_BOUNDS = 2,
    /// Tried to read an unknown variable.
    WASM_UNKNOWN_VARIABLE = 3,
    /// Tried to read/write a variable using the wrong type (e.g. you tried to write a
    /// boolean to an integer variable).
    WASM_BAD_VARIABLE_TYPE = 4,
    /// Tried to create a variable when the controller's variable table is full (it holds
    /// its most variables, or bytes of names). Existing variables can still be written.
    WASM_VARIABLE_TABLE_FULL = 5,
}

/// cbindgen:ignore
impl wasm_result_t {
    /// Every result code of this ABI version, in numeric order.
    pub const ALL: [wasm_result_t; 6] = [
        Self::WASM_SUCCESS,
        Self::WASM_GENERIC_ERROR,
        Self::WASM_ADDRESS_OUT_OF_BOUNDS,
        Self::WASM_UNKNOWN_VARIABLE,
        Self::WASM_BAD_VARIABLE_TYPE,
        Self::WASM_VARIABLE_TABLE_FULL,
    ];

    /// The code as it crosses the boundary.
    pub const fn code(self) -> i32 {
        self as i32
    }

    /// The result for a raw code, or `None` for a code this ABI version does not know.
    pub const fn from_code(code: i32) -> Option<Self> {
        match code {
            0 => Some(Self::WASM_SUCCESS),
            1 => Some(Self::WASM_GENERIC_ERROR),
            2 => Some(Self::WASM_ADDRESS_OUT_OF_BOUNDS),
            3 => Some(Self::WASM_UNKNOWN_VARIABLE),
            4 => Some(Self::WASM_BAD_VARIABLE_TYPE),
            5 => Some(Self::WASM_VARIABLE_TABLE_FULL),
            _ => None,
        }
    }
}

/// The log levels used with `wasm_log()`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum wasm_log_level {
    /// Something failed.
    LOG_ERROR = 0,
    /// Something looks wrong but the program carries on.
    LOG_WARN = 1,
    /// Normal operation worth telling an operator.
    LOG_INFO = 2,
    /// Detail for the program's author.
    LOG_DEBUG = 3,
    /// Very detailed tracing.
    LOG_TRACE = 4,
}

/// cbindgen:ignore
impl wasm_log_level {
    /// Every level of this ABI version, in numeric order.
    pub const ALL: [wasm_log_level; 5] = [
        Self::LOG_ERROR,
        Self::LOG_WARN,
        Self::LOG_INFO,
        Self::LOG_DEBUG,
        Self::LOG_TRACE,
    ];

    /// The level for a raw number, or `None` when out of range.
    pub const fn from_code(code: i32) -> Option<Self> {
        match code {
            0 => Some(Self::LOG_ERROR),
            1 => Some(Self::LOG_WARN),
            2 => Some(Self::LOG_INFO),
            3 => Some(Self::LOG_DEBUG),
            4 => Some(Self::LOG_TRACE),
            _ => None,
        }
    }
}

/// A WebAssembly value type as it appears in an intrinsic's signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ValType {
    /// A 32-bit integer: `int`, `uint32_t`, `bool` and every pointer on wasm32.
    I32,
    /// A 64-bit float: `double`.
    F64,
}

/// One host function of the ABI, as seen by the wasm module.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Intrinsic {
    /// The import name, in module [`IMPORT_MODULE`].
    pub name: &'static str,
    /// Parameter types in order.
    pub params: &'static [ValType],
    /// Result types (every intrinsic returns one `i32` result code).
    pub results: &'static [ValType],
    /// The ABI version that introduced it.
    pub since: i32,
}

use ValType::{F64, I32};

const fn v1(name: &'static str, params: &'static [ValType]) -> Intrinsic {
    Intrinsic { name, params, results: &[I32], since: 1 }
}

/// Every intrinsic of ABI v1, with its wasm signature. The Rust SDK declares them in
/// `plc_sdk::ffi` (`sdk/src/ffi.rs`), the C header in `c-sdk/include/intrinsics.h`.
pub const INTRINSICS: &[Intrinsic] = &[
    v1("wasm_log", &[I32, I32, I32, I32, I32, I32]),
    v1("wasm_read_input", &[I32, I32, I32]),
    v1("wasm_write_output", &[I32, I32, I32]),
    v1("wasm_read_output", &[I32, I32, I32]),
    v1("wasm_current_time", &[I32, I32]),
    v1("wasm_variable_read_boolean", &[I32, I32, I32]),
    v1("wasm_variable_read_double", &[I32, I32, I32]),
    v1("wasm_variable_read_int", &[I32, I32, I32]),
    v1("wasm_variable_write_boolean", &[I32, I32, I32]),
    v1("wasm_variable_write_double", &[I32, I32, F64]),
    v1("wasm_variable_write_int", &[I32, I32, I32]),
    // Additions to v1: not among the original ten.
    v1("wasm_report_error", &[I32]),
    v1("wasm_variable_handle", &[I32, I32, I32]),
    v1("wasm_handle_read_boolean", &[I32, I32]),
    v1("wasm_handle_read_double", &[I32, I32]),
    v1("wasm_handle_read_int", &[I32, I32]),
    v1("wasm_handle_write_boolean", &[I32, I32]),
    v1("wasm_handle_write_double", &[I32, F64]),
    v1("wasm_handle_write_int", &[I32, I32]),
    v1("wasm_state_write", &[I32, I32, I32, I32, I32, I32]),
    v1("wasm_state_read", &[I32, I32, I32, I32, I32, I32]),
];

/// Looks an intrinsic up by its import name.
pub fn intrinsic(name: &str) -> Option<&'static Intrinsic> {
    INTRINSICS.iter().find(|i| i.name == name)
}
