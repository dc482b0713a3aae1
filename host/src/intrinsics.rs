//! The host side of the ABI: one function per intrinsic, reaching the poll's transaction
//! through wasmer's `FunctionEnv` and the environment lent for the poll. Every pointer and
//! length a guest passes is checked against its memory, and a bad one gets a result code,
//! never a trap.

use std::sync::Arc;

use plc_abi::{self as abi, wasm_log_level, wasm_result_t};
use wasmer::{AsStoreMut, Function, FunctionEnv, FunctionEnvMut, Global, Imports, Memory, MemoryView, RuntimeError};

use crate::environment::{EnvError, Environment, LogRecord, Value};
use crate::lend::Lent;
use crate::metering::COPIED_BYTES_PER_POINT_SHIFT;
use crate::transaction::Transaction;

const OK: i32 = wasm_result_t::WASM_SUCCESS as i32;
const GENERIC: i32 = wasm_result_t::WASM_GENERIC_ERROR as i32;
const BAD_TYPE: i32 = wasm_result_t::WASM_BAD_VARIABLE_TYPE as i32;

/// The most variable writes one poll may stage: a guest writing in a loop gets
/// `WASM_GENERIC_ERROR` past them instead of growing the host's memory.
const MAX_STAGED_VARIABLES: usize = 4096;
/// Source file names longer than this are cut.
const MAX_FILE_NAME_LEN: u64 = 1024;

/// Everything the host functions of one instance reach.
pub(crate) struct GuestState {
    /// The environment, while a poll runs.
    pub(crate) lent: Lent,
    /// The program's exported memory, once instantiated.
    pub(crate) memory: Option<Memory>,
    /// The meter's globals (points left, exhausted flag), once instantiated.
    pub(crate) meter: Option<(Global, Global)>,
    /// The poll in progress, or the last one.
    pub(crate) tx: Transaction,
}

impl GuestState {
    pub(crate) fn new(program: Arc<str>, log_budget: u32) -> Self {
        GuestState { lent: Lent::default(), memory: None, meter: None, tx: Transaction::new(program, log_budget) }
    }
}

/// Charges the bytes the call copied (one point per 16) to the CPU budget, after `code` was
/// computed: past the budget the program traps, flagged as out of budget.
fn pay(mut env: Env<'_>, code: i32) -> Result<i32, RuntimeError> {
    let (state, mut store) = env.data_and_store_mut();
    let points = std::mem::take(&mut state.tx.copied) >> COPIED_BYTES_PER_POINT_SHIFT;
    let Some((remaining, exhausted)) = state.meter.as_ref().filter(|_| points > 0) else { return Ok(code) };
    let left = match remaining.get(&mut store) {
        wasmer::Value::I64(left) => left,
        _ => 0,
    };
    let points = i64::try_from(points).unwrap_or(i64::MAX);
    if left < points {
        let _ = exhausted.set(&mut store, wasmer::Value::I32(1));
        return Err(RuntimeError::new("the CPU budget is spent"));
    }
    let _ = remaining.set(&mut store, wasmer::Value::I64(left - points));
    Ok(code)
}

/// Guest text as UTF-8 (invalid sequences replaced). `kept` is what the host read of a text of
/// `len` bytes: when it was cut, a character split by the cut is dropped, not replaced.
fn cut_text(kept: &[u8], len: usize) -> std::borrow::Cow<'_, str> {
    let whole = if kept.len() < len {
        match std::str::from_utf8(kept) {
            Err(e) if e.error_len().is_none() => &kept[..e.valid_up_to()],
            _ => kept,
        }
    } else {
        kept
    };
    String::from_utf8_lossy(whole)
}

/// `text` with its control characters escaped (`\n`, `\u{1b}`, ...): a program cannot forge
/// a line of the host's log.
pub(crate) fn escape_controls(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return text.into();
    }
    text.chars()
        .map(|c| if c.is_control() { c.escape_default().to_string() } else { c.to_string() })
        .collect::<String>()
        .into()
}

/// Builds the import object: every intrinsic of [`abi::INTRINSICS`] that this host implements.
pub(crate) fn imports(store: &mut impl AsStoreMut, env: &FunctionEnv<GuestState>) -> Imports {
    let mut imports = Imports::new();
    for intrinsic in abi::INTRINSICS {
        if let Some(function) = host_function(store, env, intrinsic.name) {
            imports.define(abi::IMPORT_MODULE, intrinsic.name, function);
        }
    }
    imports
}

/// The host function implementing the intrinsic `name`.
pub(crate) fn host_function(store: &mut impl AsStoreMut, env: &FunctionEnv<GuestState>, name: &str) -> Option<Function> {
    let f = match name {
        "wasm_log" => Function::new_typed_with_env(store, env, wasm_log),
        "wasm_read_input" => Function::new_typed_with_env(store, env, wasm_read_input),
        "wasm_write_output" => Function::new_typed_with_env(store, env, wasm_write_output),
        "wasm_read_output" => Function::new_typed_with_env(store, env, wasm_read_output),
        "wasm_current_time" => Function::new_typed_with_env(store, env, wasm_current_time),
        "wasm_variable_read_boolean" => Function::new_typed_with_env(store, env, wasm_variable_read_boolean),
        "wasm_variable_read_double" => Function::new_typed_with_env(store, env, wasm_variable_read_double),
        "wasm_variable_read_int" => Function::new_typed_with_env(store, env, wasm_variable_read_int),
        "wasm_variable_write_boolean" => Function::new_typed_with_env(store, env, wasm_variable_write_boolean),
        "wasm_variable_write_double" => Function::new_typed_with_env(store, env, wasm_variable_write_double),
        "wasm_variable_write_int" => Function::new_typed_with_env(store, env, wasm_variable_write_int),
        "wasm_report_error" => Function::new_typed_with_env(store, env, wasm_report_error),
        _ => return None,
    };
    Some(f)
}

type Env<'a> = FunctionEnvMut<'a, GuestState>;

/// A guest's (pointer, length) as a range of its memory, if the length is not negative and
/// the whole range lies inside the memory.
fn guest_range(view: &MemoryView<'_>, ptr: i32, len: i32) -> Option<(u64, usize)> {
    let len = u32::try_from(len).ok()?;
    let start = u64::from(ptr as u32);
    (start + u64::from(len) <= view.data_size()).then_some((start, len as usize))
}

/// Runs `f` with the poll's transaction, the lent environment and a view of the guest's
/// memory; `GENERIC` outside a poll (an intrinsic called from the start function: there is
/// no memory to talk through yet).
fn with_memory(mut env: Env<'_>, f: impl FnOnce(&mut Transaction, &mut dyn Environment, &MemoryView<'_>) -> i32) -> i32 {
    let (state, store) = env.data_and_store_mut();
    let Some(memory) = state.memory.clone() else { return GENERIC };
    let Some(world) = state.lent.get() else { return GENERIC };
    let view = memory.view(&store);
    f(&mut state.tx, world, &view)
}

/// Reads a variable name from guest memory into `buf`.
fn read_name<'b>(view: &MemoryView<'_>, ptr: i32, len: i32, buf: &'b mut [u8; abi::MAX_VARIABLE_NAME_LEN as usize]) -> Result<&'b str, i32> {
    let (start, len) = guest_range(view, ptr, len).ok_or(GENERIC)?;
    let raw = buf.get_mut(..len).ok_or(GENERIC)?;
    view.read(start, raw).map_err(|_| GENERIC)?;
    std::str::from_utf8(raw).map_err(|_| GENERIC)
}

fn wasm_log(mut env: Env<'_>, level: i32, file: i32, file_len: i32, line: i32, message: i32, message_len: i32) -> Result<i32, RuntimeError> {
    let code = with_memory(env.as_mut(), |tx, env, view| {
        if tx.logs_left == 0 {
            tx.logs_dropped += 1;
            return GENERIC;
        }
        let level = match wasm_log_level::from_code(level) {
            Some(wasm_log_level::LOG_ERROR) => log::Level::Error,
            Some(wasm_log_level::LOG_WARN) => log::Level::Warn,
            Some(wasm_log_level::LOG_INFO) => log::Level::Info,
            Some(wasm_log_level::LOG_DEBUG) => log::Level::Debug,
            Some(wasm_log_level::LOG_TRACE) => log::Level::Trace,
            None => return GENERIC,
        };
        let (Some(file), Some(message)) = (guest_range(view, file, file_len), guest_range(view, message, message_len)) else {
            return GENERIC;
        };
        // Read through the scratch buffer: one allocation per string, for the record itself.
        let mut text = |(start, len): (u64, usize), max: u64| {
            tx.scratch.resize(len.min(max as usize), 0);
            tx.copied += tx.scratch.len();
            view.read(start, &mut tx.scratch).map(|()| escape_controls(&cut_text(&tx.scratch, len)).into_owned())
        };
        let (Ok(file), Ok(message)) = (text(file, MAX_FILE_NAME_LEN), text(message, abi::MAX_LOG_MESSAGE_LEN as u64)) else {
            return GENERIC;
        };
        tx.logs_left -= 1;
        let record = LogRecord { program: tx.program.clone(), level, file, line: line.max(0) as u32, message };
        let logger = log::logger();
        let metadata = log::Metadata::builder().level(level).target(&record.program).build();
        if logger.enabled(&metadata) {
            logger.log(
                &log::Record::builder()
                    .metadata(metadata)
                    .file(Some(&record.file))
                    .line(Some(record.line))
                    .args(format_args!("{}", record.message))
                    .build(),
            );
        }
        env.log(record);
        OK
    });
    pay(env, code)
}

fn wasm_read_input(mut env: Env<'_>, address: i32, buffer: i32, buffer_len: i32) -> Result<i32, RuntimeError> {
    let code = read_image(env.as_mut(), Image::Inputs, address, buffer, buffer_len);
    pay(env, code)
}

fn wasm_read_output(mut env: Env<'_>, address: i32, buffer: i32, buffer_len: i32) -> Result<i32, RuntimeError> {
    let code = read_image(env.as_mut(), Image::Outputs, address, buffer, buffer_len);
    pay(env, code)
}

enum Image {
    Inputs,
    /// The published outputs with this poll's staged writes on top.
    Outputs,
}

/// The image bytes `address..address + len`, if they lie inside an image of `image` bytes.
fn image_range(address: i32, len: usize, image: usize) -> Result<usize, i32> {
    let address = address as u32 as usize;
    match address.checked_add(len) {
        Some(end) if end <= image => Ok(address),
        _ => Err(EnvError::AddressOutOfBounds.code()),
    }
}

/// Copies `buffer_len` bytes of an image, from byte `address`, into the guest's `buffer`.
/// Both ranges are checked before any work is done: the host's work is in proportion to
/// what the image holds, whatever length the guest asks for.
fn read_image(env: Env<'_>, image: Image, address: i32, buffer: i32, buffer_len: i32) -> i32 {
    with_memory(env, |tx, env, view| {
        let Some((start, len)) = guest_range(view, buffer, buffer_len) else { return GENERIC };
        let size = match image {
            Image::Inputs => env.input_len(),
            Image::Outputs => env.output_len(),
        };
        let address = match image_range(address, len, size) {
            Ok(address) => address,
            Err(code) => return code,
        };
        tx.scratch.resize(len, 0);
        tx.copied = len;
        let read = match image {
            Image::Inputs => env.read_input(address, &mut tx.scratch),
            Image::Outputs => env.read_output(address, &mut tx.scratch),
        };
        if let Err(e) = read {
            return e.code();
        }
        if let Image::Outputs = image {
            // This poll's own writes on top of the published image.
            tx.outputs.overlay(address, &mut tx.scratch);
        }
        if view.write(start, &tx.scratch).is_err() {
            return GENERIC;
        }
        OK
    })
}

fn wasm_write_output(mut env: Env<'_>, address: i32, data: i32, data_len: i32) -> Result<i32, RuntimeError> {
    let code = with_memory(env.as_mut(), |tx, _, view| {
        let Some((start, len)) = guest_range(view, data, data_len) else { return GENERIC };
        let address = match image_range(address, len, tx.outputs.bytes.len()) {
            Ok(address) => address,
            Err(code) => return code,
        };
        tx.copied = len;
        if view.read(start, tx.outputs.write(address, len)).is_err() {
            return GENERIC;
        }
        OK
    });
    pay(env, code)
}

fn wasm_current_time(env: Env<'_>, secs: i32, nanos: i32) -> i32 {
    with_memory(env, |tx, _, view| {
        let now = match &tx.now {
            Ok(now) => *now,
            Err(e) => return e.code(),
        };
        let (Some((secs, _)), Some((nanos, _))) = (guest_range(view, secs, 8), guest_range(view, nanos, 4)) else {
            return GENERIC;
        };
        let written = view.write(secs, &now.as_secs().to_le_bytes()).and(view.write(nanos, &now.subsec_nanos().to_le_bytes()));
        if written.is_err() {
            return GENERIC;
        }
        OK
    })
}

/// Reads a variable and, if it has the wanted type, writes its bytes to `value`.
fn read_variable(env: Env<'_>, name: i32, name_len: i32, value: i32, encode: fn(Value) -> Option<([u8; 8], usize)>) -> i32 {
    with_memory(env, |tx, env, view| {
        let mut buf = [0; abi::MAX_VARIABLE_NAME_LEN as usize];
        let name = match read_name(view, name, name_len, &mut buf) {
            Ok(name) => name,
            Err(code) => return code,
        };
        let found = match tx.variable(env, name) {
            Ok(found) => found,
            Err(e) => return e.code(),
        };
        let Some((bytes, len)) = encode(found) else { return BAD_TYPE };
        let Some((start, _)) = guest_range(view, value, len as i32) else { return GENERIC };
        if view.write(start, &bytes[..len]).is_err() {
            return GENERIC;
        }
        OK
    })
}

/// Stages a variable write after checking that it keeps the variable's type.
fn write_variable(env: Env<'_>, name: i32, name_len: i32, value: Value) -> i32 {
    with_memory(env, |tx, env, view| {
        let mut buf = [0; abi::MAX_VARIABLE_NAME_LEN as usize];
        let name = match read_name(view, name, name_len, &mut buf) {
            Ok(name) => name,
            Err(code) => return code,
        };
        if let Some(staged) = tx.variables.get_mut(name) {
            if !staged.same_type(&value) {
                return BAD_TYPE;
            }
            *staged = value;
            return OK;
        }
        if tx.variables.len() >= MAX_STAGED_VARIABLES {
            return GENERIC;
        }
        match env.get_variable(name) {
            Ok(old) if !old.same_type(&value) => return BAD_TYPE,
            Ok(_) => {}
            Err(EnvError::UnknownVariable) => {
                if let Err(e) = tx.make_room(env, name) {
                    return e.code();
                }
            }
            Err(e) => return e.code(),
        }
        tx.variables.insert(name.to_owned(), value);
        OK
    })
}

fn pad<const N: usize>(bytes: [u8; N]) -> ([u8; 8], usize) {
    let mut out = [0; 8];
    out[..N].copy_from_slice(&bytes);
    (out, N)
}

fn wasm_variable_read_boolean(env: Env<'_>, name: i32, name_len: i32, value: i32) -> i32 {
    read_variable(env, name, name_len, value, |v| match v {
        Value::Bool(b) => Some(pad([u8::from(b)])),
        _ => None,
    })
}

fn wasm_variable_read_double(env: Env<'_>, name: i32, name_len: i32, value: i32) -> i32 {
    read_variable(env, name, name_len, value, |v| match v {
        Value::Double(d) => Some(pad(d.to_le_bytes())),
        _ => None,
    })
}

fn wasm_variable_read_int(env: Env<'_>, name: i32, name_len: i32, value: i32) -> i32 {
    read_variable(env, name, name_len, value, |v| match v {
        Value::Int(i) => Some(pad(i.to_le_bytes())),
        _ => None,
    })
}

fn wasm_variable_write_boolean(env: Env<'_>, name: i32, name_len: i32, value: i32) -> i32 {
    write_variable(env, name, name_len, Value::Bool(value != 0))
}

fn wasm_variable_write_double(env: Env<'_>, name: i32, name_len: i32, value: f64) -> i32 {
    write_variable(env, name, name_len, Value::Double(value))
}

fn wasm_variable_write_int(env: Env<'_>, name: i32, name_len: i32, value: i32) -> i32 {
    write_variable(env, name, name_len, Value::Int(value))
}

/// Counts an error the program reports for this scan (`code` 0 is no error: refused). Like
/// every intrinsic it answers `GENERIC` before the program has a memory (its start function).
fn wasm_report_error(env: Env<'_>, code: i32) -> i32 {
    with_memory(env, |tx, _, _| {
        if code == OK {
            return GENERIC;
        }
        tx.errors += 1;
        OK
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::intrinsic_type;
    use wasmer::Store;

    /// The host's import table follows the ABI table: every intrinsic is implemented, with
    /// exactly the ABI's signature.
    #[test]
    fn every_intrinsic_has_a_host_function_of_its_signature() {
        let mut store = Store::default();
        let env = FunctionEnv::new(&mut store, GuestState::new("t".into(), 1));
        for intrinsic in abi::INTRINSICS {
            let function = host_function(&mut store, &env, intrinsic.name)
                .unwrap_or_else(|| panic!("no host function for {}", intrinsic.name));
            assert_eq!(function.ty(&store), intrinsic_type(intrinsic), "{}", intrinsic.name);
        }
        assert!(host_function(&mut store, &env, "launch_missiles").is_none());
    }
}
