//! The `[modbus]` tables of the run's config file, as written: every key optional but the
//! ones that say what to map. [`ModbusConfig::settings`] checks them into [`Settings`](crate::settings::Settings).
//!
//! ```toml
//! [modbus.server]
//! listen = "127.0.0.1:1502"
//! read_only = false             # true: every write answers exception 01
//! max_connections = 16          # more are closed at once
//! requests_per_second = 10000   # per connection; more wait
//! idle_timeout = "60s"          # a connection that sends nothing that long is closed
//! word_order = "big"            # 32-bit values: high word first ("little": low word first)
//!
//! [[modbus.server.variables]]
//! register = 1024               # holding registers, after the %QW words
//! name = "setpoint"
//! type = "f32"                  # bool, i16, u16, i32, f32
//!
//! [[modbus.client]]
//! name = "press"                # its status variable is modbus.press.ok
//! address = "127.0.0.1:1502"
//! unit = 1
//! interval = "10ms"
//! timeout = "10ms"              # default: the interval
//! on_stale = "hold"             # or "zero": what its inputs do while it does not answer
//! backoff_max = "2s"            # the longest wait before reconnecting
//! reads  = [{ kind = "coils", start = 0, count = 8, input = 0 }]
//! writes = [{ kind = "coils", start = 16, count = 8, output = 1 }]
//! ```

use serde::Deserialize;

use crate::values::{VarType, WordOrder};

/// `[modbus]`: a server, clients, or both.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModbusConfig {
    /// `[modbus.server]`.
    pub server: Option<ServerConfig>,
    /// `[[modbus.client]]`, one per device.
    #[serde(default)]
    pub client: Vec<ClientConfig>,
}

/// `[modbus.server]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerConfig {
    /// Where to listen, e.g. `127.0.0.1:1502` (port 0 picks one).
    pub listen: Option<String>,
    /// Refuse every write (exception 01).
    #[serde(default)]
    pub read_only: bool,
    /// The most connections at once.
    pub max_connections: Option<usize>,
    /// The most requests one connection gets answered per second.
    pub requests_per_second: Option<u32>,
    /// How long a connection may send nothing before it is closed.
    pub idle_timeout: Option<String>,
    /// The word order of 32-bit values, unless a variable says otherwise.
    pub word_order: Option<WordOrder>,
    /// Variables in the holding registers.
    #[serde(default)]
    pub variables: Vec<VariableConfig>,
}

/// One `[[modbus.server.variables]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VariableConfig {
    /// Its first holding register.
    pub register: u16,
    /// The controller variable's name.
    pub name: String,
    /// How it is put in registers.
    #[serde(rename = "type")]
    pub kind: VarType,
    /// The word order, if not the server's.
    pub word_order: Option<WordOrder>,
}

/// One `[[modbus.client]]`: a device the controller polls.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientConfig {
    /// Names its status variable `modbus.<name>.ok`.
    pub name: String,
    /// `host:port`.
    pub address: String,
    /// The unit (slave) id, 0 to 255 [default: 1].
    pub unit: Option<u8>,
    /// How often it is polled [default: 100ms].
    pub interval: Option<String>,
    /// How long an answer may take [default: the interval].
    pub timeout: Option<String>,
    /// What its inputs do while it does not answer [default: hold].
    pub on_stale: Option<OnStale>,
    /// The longest wait before a reconnection [default: 2s].
    pub backoff_max: Option<String>,
    /// What is read into the input image.
    #[serde(default)]
    pub reads: Vec<ReadConfig>,
    /// What is written from the output image.
    #[serde(default)]
    pub writes: Vec<WriteConfig>,
}

/// What a device's inputs do while it does not answer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OnStale {
    /// Keep the last values read.
    #[default]
    Hold,
    /// Zero them.
    Zero,
}

/// What a client reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReadKind {
    /// FC 1.
    Coils,
    /// FC 2.
    Discrete,
    /// FC 3.
    Holding,
    /// FC 4.
    Input,
}

/// What a client writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum WriteKind {
    /// FC 15.
    Coils,
    /// FC 16.
    Holding,
}

/// `{ kind, start, count, input }`: `count` bits or registers from `start` into the input
/// image from byte `input` (bits from its bit 0; registers as little-endian words, as %IW).
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReadConfig {
    /// What to read.
    pub kind: ReadKind,
    /// The first coil, input or register on the device.
    pub start: u16,
    /// How many.
    pub count: u16,
    /// The first input byte.
    pub input: usize,
}

/// `{ kind, start, count, output }`: `count` bits or words of the output image from byte
/// `output` to the device's coils or holding registers from `start`.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WriteConfig {
    /// What to write.
    pub kind: WriteKind,
    /// The first coil or register on the device.
    pub start: u16,
    /// How many.
    pub count: u16,
    /// The first output byte.
    pub output: usize,
}
