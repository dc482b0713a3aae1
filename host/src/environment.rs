//! The world a program runs in: the seam between the host and an IO backend.

use std::collections::{BTreeMap, VecDeque};
use std::fmt;
use std::time::Duration;

use plc_abi::wasm_result_t;

/// The value of a global variable: bool, i32 or f64.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value {
    /// Written with `wasm_variable_write_boolean`.
    Bool(bool),
    /// Written with `wasm_variable_write_int`.
    Int(i32),
    /// Written with `wasm_variable_write_double`.
    Double(f64),
}

impl Value {
    /// True when both values are of the same type.
    pub fn same_type(&self, other: &Value) -> bool {
        std::mem::discriminant(self) == std::mem::discriminant(other)
    }

    /// The name of its type: `bool`, `int` or `double`.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::Double(_) => "double",
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Bool(v) => write!(f, "{v}"),
            Value::Int(v) => write!(f, "{v}"),
            Value::Double(v) => write!(f, "{v:?}"),
        }
    }
}

/// Why an [`Environment`] refused a request; each maps to an ABI result code.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum EnvError {
    /// An input or output range outside the process image.
    AddressOutOfBounds,
    /// No variable of that name.
    UnknownVariable,
    /// The variable exists with another type.
    BadVariableType,
    /// A new variable does not fit: the table has its most variables, or bytes of names.
    VariableTableFull,
    /// Anything else, with a reason for the host's log.
    Other(String),
}

impl EnvError {
    /// The ABI result code a program receives for this error.
    pub fn code(&self) -> i32 {
        match self {
            EnvError::AddressOutOfBounds => wasm_result_t::WASM_ADDRESS_OUT_OF_BOUNDS as i32,
            EnvError::UnknownVariable => wasm_result_t::WASM_UNKNOWN_VARIABLE as i32,
            EnvError::BadVariableType => wasm_result_t::WASM_BAD_VARIABLE_TYPE as i32,
            EnvError::VariableTableFull => wasm_result_t::WASM_VARIABLE_TABLE_FULL as i32,
            EnvError::Other(_) => wasm_result_t::WASM_GENERIC_ERROR as i32,
        }
    }
}

impl fmt::Display for EnvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EnvError::AddressOutOfBounds => f.write_str("address out of bounds"),
            EnvError::UnknownVariable => f.write_str("unknown variable"),
            EnvError::BadVariableType => f.write_str("bad variable type"),
            EnvError::VariableTableFull => f.write_str("the variable table is full"),
            EnvError::Other(reason) => f.write_str(reason),
        }
    }
}

impl std::error::Error for EnvError {}

/// One message a program logged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogRecord {
    /// The program's name.
    pub program: std::sync::Arc<str>,
    /// The level the program asked for.
    pub level: log::Level,
    /// The guest's source file.
    pub file: String,
    /// The guest's source line.
    pub line: u32,
    /// The text, at most `MAX_LOG_MESSAGE_LEN` bytes, invalid UTF-8 replaced.
    pub message: String,
}

/// What a program can reach, as the seed's design had it: time, the process image, logs and
/// variables. The host calls it only between and around polls, from the scan's thread.
///
/// The host adds the transaction around it: inputs are read, never changed, during a poll;
/// output and variable writes are staged and handed to [`write_output`](Self::write_output)
/// and [`set_variable`](Self::set_variable) only when the poll completes without a fault.
pub trait Environment: Send + 'static {
    /// The monotonic time since the controller started; read once at the start of each poll.
    fn elapsed(&self) -> Result<Duration, EnvError>;
    /// The size of the input image, in bytes: the host checks every range against it before
    /// it does any work for the program.
    fn input_len(&self) -> usize;
    /// The size of the output image, in bytes.
    fn output_len(&self) -> usize;
    /// Fills `buffer` from the input image at `address`.
    fn read_input(&self, address: usize, buffer: &mut [u8]) -> Result<(), EnvError>;
    /// Fills `buffer` from the published output image at `address`.
    fn read_output(&self, address: usize, buffer: &mut [u8]) -> Result<(), EnvError>;
    /// Publishes `data` to the output image at `address`.
    fn write_output(&mut self, address: usize, data: &[u8]) -> Result<(), EnvError>;
    /// Writes `data` into the input image at `address`, between two scans: how the controller
    /// applies [forced inputs](crate::forces) after the inputs are read and before the
    /// programs run. The default refuses: the inputs of such an environment cannot be forced.
    fn write_input(&mut self, _address: usize, _data: &[u8]) -> Result<(), EnvError> {
        Err(EnvError::Other("the inputs of this environment cannot be forced".into()))
    }
    /// Receives every message a program logs, after the host has sent it to the `log` crate.
    /// The default keeps nothing.
    fn log(&mut self, _record: LogRecord) {}
    /// A variable's value.
    fn get_variable(&self, name: &str) -> Result<Value, EnvError>;
    /// Creates or changes a variable; a variable's type never changes.
    fn set_variable(&mut self, name: &str, value: Value) -> Result<(), EnvError>;
    /// How many more variables, and bytes of their names, the table takes now. The host asks
    /// before it stages a new variable, and answers `WASM_VARIABLE_TABLE_FULL` past it. The
    /// default sets no bound.
    fn variable_room(&self) -> VariableRoom {
        VariableRoom { variables: usize::MAX, name_bytes: usize::MAX }
    }
    /// Calls `f` with every variable, for snapshots (`Controller::snapshot`). The default
    /// lists none.
    fn for_each_variable(&self, _f: &mut dyn FnMut(&str, Value)) {}
}

/// Room left in a variable table; see [`Environment::variable_room`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VariableRoom {
    /// Variables that can still be created.
    pub variables: usize,
    /// Bytes of names that can still be added.
    pub name_bytes: usize,
}

/// The bounds of an [`InMemoryEnvironment`]'s variable table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VariableLimits {
    /// The most variables. Default 4096.
    pub variables: usize,
    /// The most bytes of all their names together. Default 256 KiB.
    pub name_bytes: usize,
}

impl Default for VariableLimits {
    fn default() -> Self {
        VariableLimits { variables: 4096, name_bytes: 256 * 1024 }
    }
}

/// The most log records an [`InMemoryEnvironment`] keeps; older ones are dropped first.
pub const KEPT_LOG_RECORDS: usize = 10_000;

/// A complete environment in memory: process images, a clock you set, the variable table and
/// the last [`KEPT_LOG_RECORDS`] log records. For tests and the CLI.
#[derive(Debug, Clone, Default)]
pub struct InMemoryEnvironment {
    /// The input image.
    pub inputs: Vec<u8>,
    /// The published output image.
    pub outputs: Vec<u8>,
    /// What [`Environment::elapsed`] answers.
    pub elapsed: Duration,
    /// The variable table shared by all programs.
    pub variables: BTreeMap<String, Value>,
    /// Log records, oldest first.
    pub logs: VecDeque<LogRecord>,
    /// The bounds of the variable table.
    pub variable_limits: VariableLimits,
}

impl InMemoryEnvironment {
    /// Images of the given sizes, all zero.
    pub fn new(inputs: usize, outputs: usize) -> Self {
        InMemoryEnvironment { inputs: vec![0; inputs], outputs: vec![0; outputs], ..Default::default() }
    }
}

/// The bytes `address..address + len` of an image of `image` bytes, if they lie inside it.
pub(crate) fn range(address: usize, len: usize, image: usize) -> Result<std::ops::Range<usize>, EnvError> {
    match address.checked_add(len) {
        Some(end) if end <= image => Ok(address..end),
        _ => Err(EnvError::AddressOutOfBounds),
    }
}

impl Environment for InMemoryEnvironment {
    fn elapsed(&self) -> Result<Duration, EnvError> {
        Ok(self.elapsed)
    }

    fn input_len(&self) -> usize {
        self.inputs.len()
    }

    fn output_len(&self) -> usize {
        self.outputs.len()
    }

    fn read_input(&self, address: usize, buffer: &mut [u8]) -> Result<(), EnvError> {
        buffer.copy_from_slice(&self.inputs[range(address, buffer.len(), self.inputs.len())?]);
        Ok(())
    }

    fn read_output(&self, address: usize, buffer: &mut [u8]) -> Result<(), EnvError> {
        buffer.copy_from_slice(&self.outputs[range(address, buffer.len(), self.outputs.len())?]);
        Ok(())
    }

    fn write_output(&mut self, address: usize, data: &[u8]) -> Result<(), EnvError> {
        let r = range(address, data.len(), self.outputs.len())?;
        self.outputs[r].copy_from_slice(data);
        Ok(())
    }

    fn write_input(&mut self, address: usize, data: &[u8]) -> Result<(), EnvError> {
        let r = range(address, data.len(), self.inputs.len())?;
        self.inputs[r].copy_from_slice(data);
        Ok(())
    }

    fn log(&mut self, record: LogRecord) {
        if self.logs.len() == KEPT_LOG_RECORDS {
            self.logs.pop_front();
        }
        self.logs.push_back(record);
    }

    fn get_variable(&self, name: &str) -> Result<Value, EnvError> {
        self.variables.get(name).copied().ok_or(EnvError::UnknownVariable)
    }

    fn set_variable(&mut self, name: &str, value: Value) -> Result<(), EnvError> {
        match self.variables.get_mut(name) {
            Some(old) if !old.same_type(&value) => Err(EnvError::BadVariableType),
            Some(old) => {
                *old = value;
                Ok(())
            }
            None => {
                let room = self.variable_room();
                if room.variables == 0 || room.name_bytes < name.len() {
                    return Err(EnvError::VariableTableFull);
                }
                self.variables.insert(name.to_owned(), value);
                Ok(())
            }
        }
    }

    fn for_each_variable(&self, f: &mut dyn FnMut(&str, Value)) {
        for (name, value) in &self.variables {
            f(name, *value);
        }
    }

    fn variable_room(&self) -> VariableRoom {
        let names: usize = self.variables.keys().map(String::len).sum();
        VariableRoom {
            variables: self.variable_limits.variables.saturating_sub(self.variables.len()),
            name_bytes: self.variable_limits.name_bytes.saturating_sub(names),
        }
    }
}
