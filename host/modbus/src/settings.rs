//! The `[modbus]` tables checked: addresses resolved, numbers in range, every mapping inside
//! the process image and none overlapping another; each problem is one line.

use std::collections::BTreeSet;
use std::net::{SocketAddr, ToSocketAddrs};
use std::ops::RangeInclusive;
use std::time::Duration;

use crate::config::{ClientConfig, ModbusConfig, OnStale, ReadConfig, ReadKind, ServerConfig, WriteConfig};
use crate::values::{VarType, WordOrder};

/// Connections the server takes at once.
const MAX_CONNECTIONS: RangeInclusive<usize> = 1..=1024;
/// Requests per second per connection.
const REQUESTS_PER_SECOND: RangeInclusive<u32> = 1..=1_000_000;
/// Idle timeouts, poll intervals, answer timeouts and backoffs.
const DURATION: RangeInclusive<Duration> = Duration::from_millis(1)..=Duration::from_secs(3600);
/// Bits one request reads (the protocol's bound for FC 1 and 2).
pub(crate) const READ_BITS: u16 = 2000;
/// Registers one request reads (FC 3 and 4).
pub(crate) const READ_REGISTERS: u16 = 125;
/// Bits one request writes (FC 15).
pub(crate) const WRITE_BITS: u16 = 1968;
/// Registers one request writes (FC 16).
pub(crate) const WRITE_REGISTERS: u16 = 123;

/// Everything Modbus does in a run.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The server, if one listens.
    pub server: Option<ServerSettings>,
    /// The devices polled.
    pub clients: Vec<DeviceSettings>,
}

/// The server's settings, checked.
#[derive(Debug, Clone)]
pub struct ServerSettings {
    /// Where it listens.
    pub listen: SocketAddr,
    /// Every write refused with exception 01.
    pub read_only: bool,
    /// Connections at once.
    pub max_connections: usize,
    /// Requests answered per second and connection.
    pub requests_per_second: u32,
    /// A connection silent this long is closed.
    pub idle_timeout: Duration,
    /// The variables in the holding registers, by register.
    pub variables: Vec<MappedVariable>,
}

/// A variable in the holding registers.
#[derive(Debug, Clone)]
pub struct MappedVariable {
    /// Its first register.
    pub register: u16,
    /// The controller variable.
    pub name: String,
    /// How it is put in registers.
    pub kind: VarType,
    /// The order of its words.
    pub order: WordOrder,
}

/// A device, checked.
#[derive(Debug, Clone)]
pub struct DeviceSettings {
    /// Its name (status variable `modbus.<name>.ok`).
    pub name: String,
    /// Its address.
    pub address: SocketAddr,
    /// Its unit id.
    pub unit: u8,
    /// The poll interval.
    pub interval: Duration,
    /// How long an answer may take.
    pub timeout: Duration,
    /// Its inputs while it does not answer.
    pub on_stale: OnStale,
    /// The longest wait before reconnecting.
    pub backoff_max: Duration,
    /// Reads into the input image.
    pub reads: Vec<ReadConfig>,
    /// Writes from the output image.
    pub writes: Vec<WriteConfig>,
}

fn within<T: PartialOrd + std::fmt::Display>(what: &str, value: T, range: RangeInclusive<T>) -> Result<T, String> {
    if range.contains(&value) {
        Ok(value)
    } else {
        Err(format!("{what} {value} is out of range ({} to {})", range.start(), range.end()))
    }
}

fn duration(what: &str, text: Option<&str>, default: Duration) -> Result<Duration, String> {
    let Some(text) = text else { return Ok(default) };
    let value = humantime::parse_duration(text).map_err(|e| format!("{what} `{text}`: {e}"))?;
    if DURATION.contains(&value) {
        Ok(value)
    } else {
        Err(format!("{what} `{text}` is out of range (1ms to 1h)"))
    }
}

/// The first address `text` resolves to.
pub fn address(what: &str, text: &str) -> Result<SocketAddr, String> {
    text.to_socket_addrs().map_err(|e| format!("{what} `{text}`: {e}"))?.next().ok_or_else(|| format!("{what} `{text}`: no address"))
}

impl ModbusConfig {
    /// The checked settings for images of `inputs` and `outputs` bytes; `listen` (the flag)
    /// overrides the file's. `None`: no server and no client.
    pub fn settings(self, listen: Option<String>, inputs: usize, outputs: usize) -> Result<Option<Settings>, String> {
        let server = match (listen, self.server) {
            (Some(flag), file) => Some(server(flag, file.unwrap_or_default(), outputs)?),
            (None, Some(file)) => match file.listen.clone() {
                Some(listen) => Some(server(listen, file, outputs)?),
                None => return Err("modbus.server: no listen address (listen = \"127.0.0.1:1502\" or --modbus-listen)".into()),
            },
            (None, None) => None,
        };
        let mut names = BTreeSet::new();
        let mut owned = vec![0u8; inputs];
        let clients = self
            .client
            .into_iter()
            .map(|c| device(c, inputs, outputs, &mut owned, &mut names))
            .collect::<Result<Vec<_>, String>>()?;
        Ok((server.is_some() || !clients.is_empty()).then_some(Settings { server, clients }))
    }
}

fn server(listen: String, file: ServerConfig, outputs: usize) -> Result<ServerSettings, String> {
    let order = file.word_order.unwrap_or_default();
    let words = outputs / 2;
    let mut variables: Vec<MappedVariable> = file
        .variables
        .into_iter()
        .map(|v| MappedVariable { register: v.register, name: v.name, kind: v.kind, order: v.word_order.unwrap_or(order) })
        .collect();
    variables.sort_by_key(|v| v.register);
    let mut end = words;
    for v in &variables {
        let what = format!("modbus.server.variables `{}` at register {}", v.name, v.register);
        if v.name.is_empty() {
            return Err(format!("{what}: an empty name"));
        }
        if usize::from(v.register) < end {
            return Err(format!("{what}: overlaps the %QW words (registers 0 to {}) or the variable before it", end.saturating_sub(1)));
        }
        end = usize::from(v.register) + usize::from(v.kind.width());
        if end > 1 << 16 {
            return Err(format!("{what}: its second register is past 65535"));
        }
    }
    Ok(ServerSettings {
        listen: address("modbus.server.listen", &listen)?,
        read_only: file.read_only,
        max_connections: within("modbus.server.max_connections", file.max_connections.unwrap_or(16), MAX_CONNECTIONS)?,
        requests_per_second: within("modbus.server.requests_per_second", file.requests_per_second.unwrap_or(10_000), REQUESTS_PER_SECOND)?,
        idle_timeout: duration("modbus.server.idle_timeout", file.idle_timeout.as_deref(), Duration::from_secs(60))?,
        variables,
    })
}

/// The bits of the image a read or write covers: (first bit, bits).
pub(crate) fn bits(kind_is_bits: bool, count: u16, byte: usize) -> (usize, usize) {
    (byte.saturating_mul(8), if kind_is_bits { usize::from(count) } else { usize::from(count) * 16 })
}

/// The input bits a (checked) read fills.
pub(crate) fn read_bits(r: &ReadConfig) -> std::ops::Range<usize> {
    let (first, len) = bits(matches!(r.kind, ReadKind::Coils | ReadKind::Discrete), r.count, r.input);
    first..first + len
}

fn device(c: ClientConfig, inputs: usize, outputs: usize, owned: &mut [u8], names: &mut BTreeSet<String>) -> Result<DeviceSettings, String> {
    let valid = !c.name.is_empty() && c.name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if !valid {
        return Err(format!("modbus.client `{}`: a name is letters, digits, `_` and `-`", c.name));
    }
    let what = format!("modbus.client `{}`", c.name);
    if !names.insert(c.name.clone()) {
        return Err(format!("{what}: a second client of that name"));
    }
    let interval = duration(&format!("{what}: interval"), c.interval.as_deref(), Duration::from_millis(100))?;
    for r in &c.reads {
        let is_bits = matches!(r.kind, ReadKind::Coils | ReadKind::Discrete);
        let most = if is_bits { READ_BITS } else { READ_REGISTERS };
        check_range(&what, "read", r.start, r.count, most)?;
        let (first, len) = bits(is_bits, r.count, r.input);
        if first.saturating_add(len) > inputs.saturating_mul(8) {
            return Err(format!("{what}: the read into input byte {} is past the input image ({inputs} bytes)", r.input));
        }
        for bit in read_bits(r) {
            let (byte, mask) = (bit / 8, 1u8 << (bit % 8));
            if owned[byte] & mask != 0 {
                return Err(format!("{what}: the read into input byte {} overlaps another read (%IX{byte}.{})", r.input, bit % 8));
            }
            owned[byte] |= mask;
        }
    }
    for w in &c.writes {
        let is_bits = w.kind == crate::config::WriteKind::Coils;
        check_range(&what, "write", w.start, w.count, if is_bits { WRITE_BITS } else { WRITE_REGISTERS })?;
        let (first, len) = bits(is_bits, w.count, w.output);
        if first.saturating_add(len) > outputs.saturating_mul(8) {
            return Err(format!("{what}: the write from output byte {} is past the output image ({outputs} bytes)", w.output));
        }
    }
    Ok(DeviceSettings {
        address: address(&format!("{what}: address"), &c.address)?,
        unit: c.unit.unwrap_or(1),
        timeout: duration(&format!("{what}: timeout"), c.timeout.as_deref(), interval)?,
        backoff_max: duration(&format!("{what}: backoff_max"), c.backoff_max.as_deref(), Duration::from_secs(2))?,
        on_stale: c.on_stale.unwrap_or_default(),
        name: c.name,
        interval,
        reads: c.reads,
        writes: c.writes,
    })
}

fn check_range(what: &str, op: &str, start: u16, count: u16, most: u16) -> Result<(), String> {
    if count == 0 || count > most {
        return Err(format!("{what}: a {op} of {count} is out of range (1 to {most})"));
    }
    if usize::from(start) + usize::from(count) > 1 << 16 {
        return Err(format!("{what}: a {op} from {start} of {count} is past address 65535"));
    }
    Ok(())
}
