//! The host side of the ABI: one function per intrinsic, reaching the program's state through
//! wasmer's `FunctionEnv`. No raw pointers and no `unsafe`: every pointer and length a guest
//! passes is checked against its memory, and a bad one gets a result code, never a trap.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use plc_sdk::abi::{self, wasm_log_level, wasm_result_t};
use wasmer::{AsStoreMut, Function, FunctionEnv, FunctionEnvMut, Imports, Memory, MemoryView};

use crate::environment::{Detached, EnvError, Environment, LogRecord, Value, VariableRoom};

const OK: i32 = wasm_result_t::WASM_SUCCESS as i32;
const GENERIC: i32 = wasm_result_t::WASM_GENERIC_ERROR as i32;
const BAD_TYPE: i32 = wasm_result_t::WASM_BAD_VARIABLE_TYPE as i32;

/// The most variable writes one poll may stage: a guest writing in a loop gets
/// `WASM_GENERIC_ERROR` past them instead of growing the host's memory.
const MAX_STAGED_VARIABLES: usize = 4096;
/// Source file names longer than this are cut.
const MAX_FILE_NAME_LEN: u64 = 1024;

/// The output bits a program has changed: what goes to 0 when it faults under
/// [`OutputsOnFault::Zero`](crate::OutputsOnFault::Zero). A mask per byte of the image.
#[derive(Debug, Default)]
pub(crate) struct OwnedOutputs(Vec<u8>);

impl OwnedOutputs {
    /// Adds the bits set in `changed`, for the bytes from `address` on.
    fn add(&mut self, address: usize, changed: impl ExactSizeIterator<Item = u8>) {
        let end = address + changed.len();
        if self.0.len() < end {
            self.0.resize(end, 0);
        }
        for (owned, bits) in self.0[address..end].iter_mut().zip(changed) {
            *owned |= bits;
        }
    }

    /// Clears every owned bit of the published image, and only those.
    pub(crate) fn zero(&self, env: &mut dyn Environment) {
        let Some(first) = self.0.iter().position(|&m| m != 0) else { return };
        let last = self.0.iter().rposition(|&m| m != 0).unwrap_or(first);
        let mut bytes = vec![0; last + 1 - first];
        if env.read_output(first, &mut bytes).is_err() {
            return;
        }
        for (byte, mask) in bytes.iter_mut().zip(&self.0[first..=last]) {
            *byte &= !mask;
        }
        let _ = env.write_output(first, &bytes);
    }
}

/// This poll's output writes: a copy of the output image and a mask of the bits written, so
/// that every write and read-back costs in proportion to its own length.
#[derive(Debug, Default)]
struct StagedOutputs {
    bytes: Vec<u8>,
    mask: Vec<u8>,
    /// The bytes written, as one range.
    dirty: Option<(usize, usize)>,
}

impl StagedOutputs {
    /// Nothing staged, for an image of `len` bytes.
    fn reset(&mut self, len: usize) {
        if let Some((start, end)) = self.dirty.take() {
            self.mask[start..end].fill(0);
        }
        if self.bytes.len() != len {
            self.bytes = vec![0; len];
            self.mask = vec![0; len];
        }
    }

    /// The staging bytes for a write of `len` bytes at `address`, marked as written.
    fn write(&mut self, address: usize, len: usize) -> &mut [u8] {
        let end = address + len;
        self.mask[address..end].fill(0xff);
        self.dirty = Some(self.dirty.map_or((address, end), |(s, e)| (s.min(address), e.max(end))));
        &mut self.bytes[address..end]
    }

    /// Lays the staged bits over `buffer`, which holds the published bytes from `address` on.
    fn overlay(&self, address: usize, buffer: &mut [u8]) {
        let (bytes, mask) = (&self.bytes[address..address + buffer.len()], &self.mask[address..address + buffer.len()]);
        for ((out, staged), mask) in buffer.iter_mut().zip(bytes).zip(mask) {
            *out = (*out & !mask) | (staged & mask);
        }
    }
}

/// Everything the host functions of one instance reach.
pub(crate) struct GuestState {
    pub(crate) program: Arc<str>,
    pub(crate) memory: Option<Memory>,
    /// The environment, handed in for the duration of a poll; [`Detached`] otherwise.
    pub(crate) env: Box<dyn Environment>,
    /// The clock at the start of the poll.
    now: Result<Duration, EnvError>,
    outputs: StagedOutputs,
    variables: HashMap<String, Value>,
    /// The room the variable table had when this poll first created a variable, less what
    /// the poll has created since.
    room: Option<VariableRoom>,
    /// Whether the program was told, in the log, that the variable table is full.
    told_full: bool,
    logs_left: u32,
    logs_dropped: u32,
    log_budget: u32,
    scratch: Vec<u8>,
}

impl GuestState {
    pub(crate) fn new(program: Arc<str>, log_budget: u32) -> Self {
        GuestState {
            program,
            memory: None,
            env: Box::new(Detached),
            now: Err(EnvError::Other("no poll is running".into())),
            outputs: StagedOutputs::default(),
            variables: HashMap::new(),
            room: None,
            told_full: false,
            logs_left: 0,
            logs_dropped: 0,
            log_budget,
            scratch: Vec::new(),
        }
    }

    /// Starts a transaction: reads the clock once and clears what an earlier poll staged.
    pub(crate) fn begin(&mut self) {
        self.now = self.env.elapsed();
        self.discard();
        self.logs_left = self.log_budget;
        self.logs_dropped = 0;
    }

    /// Publishes what the poll staged and adds the output bits it changed to `owned`.
    pub(crate) fn commit(&mut self, owned: &mut OwnedOutputs) {
        if let Some((start, end)) = self.outputs.dirty {
            self.scratch.resize(end - start, 0);
            match self.env.read_output(start, &mut self.scratch) {
                Ok(()) => {
                    let before = self.scratch.clone();
                    self.outputs.overlay(start, &mut self.scratch);
                    owned.add(start, before.iter().zip(&self.scratch).map(|(old, new)| old ^ new));
                    if let Err(e) = self.env.write_output(start, &self.scratch) {
                        log::error!(target: &*self.program, "publishing outputs at {start}: {e}");
                    }
                }
                Err(e) => log::error!(target: &*self.program, "publishing outputs at {start}: {e}"),
            }
        }
        for (name, value) in self.variables.drain() {
            if let Err(e) = self.env.set_variable(&name, value) {
                log::error!(target: &*self.program, "publishing variable {name}: {e}");
            }
        }
        self.discard();
    }

    /// Drops what the poll staged: a faulted poll publishes nothing.
    pub(crate) fn discard(&mut self) {
        self.outputs.reset(self.env.output_len());
        self.variables.clear();
        self.room = None;
    }

    /// How many log messages the last poll had dropped.
    pub(crate) fn logs_dropped(&self) -> u32 {
        self.logs_dropped
    }

    /// A staged variable, else the environment's.
    fn variable(&self, name: &str) -> Result<Value, EnvError> {
        match self.variables.get(name) {
            Some(value) => Ok(*value),
            None => self.env.get_variable(name),
        }
    }

    /// Takes room for a new variable named `name`, or says (once per instance) that the
    /// table is full.
    fn make_room(&mut self, name: &str) -> Result<(), EnvError> {
        let room = self.room.get_or_insert_with(|| self.env.variable_room());
        if room.variables > 0 && room.name_bytes >= name.len() {
            room.variables -= 1;
            room.name_bytes -= name.len();
            return Ok(());
        }
        if !std::mem::replace(&mut self.told_full, true) {
            log::warn!(
                target: &*self.program,
                "the variable table is full: `{}` and further new variables are refused (WASM_VARIABLE_TABLE_FULL)",
                escape_controls(name)
            );
        }
        Err(EnvError::VariableTableFull)
    }
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

/// Runs `f` with the state and a view of the guest's memory; `GENERIC` when there is no
/// memory yet (an intrinsic called from the start function).
fn with_memory(mut env: Env<'_>, f: impl FnOnce(&mut GuestState, &MemoryView<'_>) -> i32) -> i32 {
    let (state, store) = env.data_and_store_mut();
    let Some(memory) = state.memory.clone() else { return GENERIC };
    let view = memory.view(&store);
    f(state, &view)
}

/// Reads a variable name from guest memory into `buf`.
fn read_name<'b>(view: &MemoryView<'_>, ptr: i32, len: i32, buf: &'b mut [u8; abi::MAX_VARIABLE_NAME_LEN as usize]) -> Result<&'b str, i32> {
    let (start, len) = guest_range(view, ptr, len).ok_or(GENERIC)?;
    let raw = buf.get_mut(..len).ok_or(GENERIC)?;
    view.read(start, raw).map_err(|_| GENERIC)?;
    std::str::from_utf8(raw).map_err(|_| GENERIC)
}

fn wasm_log(env: Env<'_>, level: i32, file: i32, file_len: i32, line: i32, message: i32, message_len: i32) -> i32 {
    with_memory(env, |state, view| {
        if state.logs_left == 0 {
            state.logs_dropped += 1;
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
            state.scratch.resize(len.min(max as usize), 0);
            view.read(start, &mut state.scratch).map(|()| escape_controls(&cut_text(&state.scratch, len)).into_owned())
        };
        let (Ok(file), Ok(message)) = (text(file, MAX_FILE_NAME_LEN), text(message, abi::MAX_LOG_MESSAGE_LEN as u64)) else {
            return GENERIC;
        };
        state.logs_left -= 1;
        let record = LogRecord { program: state.program.clone(), level, file, line: line.max(0) as u32, message };
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
        state.env.log(record);
        OK
    })
}

fn wasm_read_input(env: Env<'_>, address: i32, buffer: i32, buffer_len: i32) -> i32 {
    read_image(env, Image::Inputs, address, buffer, buffer_len)
}

fn wasm_read_output(env: Env<'_>, address: i32, buffer: i32, buffer_len: i32) -> i32 {
    read_image(env, Image::Outputs, address, buffer, buffer_len)
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
    with_memory(env, |state, view| {
        let Some((start, len)) = guest_range(view, buffer, buffer_len) else { return GENERIC };
        let size = match image {
            Image::Inputs => state.env.input_len(),
            Image::Outputs => state.env.output_len(),
        };
        let address = match image_range(address, len, size) {
            Ok(address) => address,
            Err(code) => return code,
        };
        state.scratch.resize(len, 0);
        let read = match image {
            Image::Inputs => state.env.read_input(address, &mut state.scratch),
            Image::Outputs => state.env.read_output(address, &mut state.scratch),
        };
        if let Err(e) = read {
            return e.code();
        }
        if let Image::Outputs = image {
            // This poll's own writes on top of the published image.
            state.outputs.overlay(address, &mut state.scratch);
        }
        if view.write(start, &state.scratch).is_err() {
            return GENERIC;
        }
        OK
    })
}

fn wasm_write_output(env: Env<'_>, address: i32, data: i32, data_len: i32) -> i32 {
    with_memory(env, |state, view| {
        let Some((start, len)) = guest_range(view, data, data_len) else { return GENERIC };
        let address = match image_range(address, len, state.outputs.bytes.len()) {
            Ok(address) => address,
            Err(code) => return code,
        };
        if view.read(start, state.outputs.write(address, len)).is_err() {
            return GENERIC;
        }
        OK
    })
}

fn wasm_current_time(env: Env<'_>, secs: i32, nanos: i32) -> i32 {
    with_memory(env, |state, view| {
        let now = match &state.now {
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
    with_memory(env, |state, view| {
        let mut buf = [0; abi::MAX_VARIABLE_NAME_LEN as usize];
        let name = match read_name(view, name, name_len, &mut buf) {
            Ok(name) => name,
            Err(code) => return code,
        };
        let found = match state.variable(name) {
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
    with_memory(env, |state, view| {
        let mut buf = [0; abi::MAX_VARIABLE_NAME_LEN as usize];
        let name = match read_name(view, name, name_len, &mut buf) {
            Ok(name) => name,
            Err(code) => return code,
        };
        if let Some(staged) = state.variables.get_mut(name) {
            if !staged.same_type(&value) {
                return BAD_TYPE;
            }
            *staged = value;
            return OK;
        }
        if state.variables.len() >= MAX_STAGED_VARIABLES {
            return GENERIC;
        }
        match state.env.get_variable(name) {
            Ok(old) if !old.same_type(&value) => return BAD_TYPE,
            Ok(_) => {}
            Err(EnvError::UnknownVariable) => {
                if let Err(e) = state.make_room(name) {
                    return e.code();
                }
            }
            Err(e) => return e.code(),
        }
        state.variables.insert(name.to_owned(), value);
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
