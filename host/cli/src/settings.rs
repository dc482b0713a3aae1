//! The settings of `plc-host run`, `check` and `test`: flags, else the config file, else the
//! defaults; every number checked against its range, with a one-line error.

use std::fmt::Display;
use std::ops::RangeInclusive;
use std::path::PathBuf;
use std::time::Duration;

use plc_host::{Compiler, FaultPolicy, Limits, OutputsOnFault, Swap, VariableLimits};

use plc_host::realtime::Realtime;

use crate::config::RunConfig;
use crate::realtime::RealtimeArgs;
use crate::retain::{RetainArgs, RetainConfig, RetainSettings};

/// The scan cycles `run` accepts.
const CYCLE: RangeInclusive<Duration> = Duration::from_nanos(1)..=Duration::from_secs(3600);
/// The sizes of a process image `run` sets up, in bytes.
const IMAGE: RangeInclusive<usize> = 0..=1 << 20;
/// CPU budgets of one poll: at least one instruction; at most about ten seconds of them, so
/// that a runaway poll still ends.
const CPU_BUDGET: RangeInclusive<u64> = 1..=10_000_000_000;
/// Memory limits of one program: one wasm page to the 4 GiB of wasm32.
const MEMORY: RangeInclusive<u64> = 1 << 16..=1 << 32;
/// Tables per module.
const TABLES: RangeInclusive<u32> = 0..=100;
/// Elements per table: 16 bytes each, so at most 256 MiB.
const TABLE_ELEMENTS: RangeInclusive<u32> = 0..=1 << 24;
/// The largest module file.
const MODULE_BYTES: RangeInclusive<u64> = 8..=1 << 30;
/// The wasm call stack of a poll.
const STACK_BYTES: RangeInclusive<usize> = 8 << 10..=8 << 20;
/// Bytes of a program's state (names, types and values of its records).
const STATE_BYTES: RangeInclusive<usize> = 0..=1 << 26;
/// Records (fields) of a program's state.
const STATE_RECORDS: RangeInclusive<u32> = 0..=1 << 20;
/// Variables in the controller's table.
const VARIABLES: RangeInclusive<usize> = 0..=1 << 20;
/// Bytes of all variable names together.
const VARIABLE_NAME_BYTES: RangeInclusive<usize> = 0..=1 << 28;

/// `plc-host run`: every setting may also come from `--config`; a flag overrides the file.
#[derive(clap::Args)]
pub struct RunArgs {
    /// Program files (.wasm); each is named by its file stem.
    programs: Vec<PathBuf>,
    /// Settings from a TOML file (cycle, cycles, programs, watch, cold_swap, inputs, outputs, listen,
    /// token_file, `[limits]`, retain, retained, retain_interval, `[realtime]`, `[modbus]`).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Online change: load every *.wasm in this folder (named by file stem) and add, replace or
    /// remove programs as files appear, change or disappear, without stopping the scan. The
    /// programs in it when the run starts are loaded before the first scan.
    #[arg(long, value_name = "DIR")]
    watch: Option<PathBuf>,
    /// Online change from --watch starts every new version cold, from its initial state, as
    /// at load [default: warm: its state carries over, field by field, when both versions
    /// export it].
    #[arg(long)]
    cold_swap: bool,
    /// The scan cycle, 1ns to 1h [default: 10ms]; below the scan time the scans run back to back.
    #[arg(long)]
    cycle: Option<String>,
    /// Stop after this many scans (at least 1) [default: run until SIGINT or SIGTERM].
    #[arg(long)]
    cycles: Option<u64>,
    /// The input image, as hex bytes (e.g. 0104ff), at most 1 MiB [default: 16 zero bytes].
    #[arg(long, value_parser = parse_hex)]
    inputs: Option<HexBytes>,
    /// The size of the output image in bytes, at most 1 MiB [default: 16].
    #[arg(long)]
    outputs: Option<usize>,
    /// What a program does after a fault: stay stopped, or restart with backoff [default: stop].
    #[arg(long)]
    on_fault: Option<FaultPolicy>,
    /// What a faulted program's outputs do, and every program's when the run ends: hold their
    /// last good values, or go to zero, their safe state [default: hold].
    #[arg(long)]
    outputs_on_fault: Option<OutputsOnFault>,
    /// CPU budget of one poll, in wasm instructions, 1 to 10^10 [default: 1 per nanosecond of
    /// the cycle, about the cycle's length in time: a runaway poll is stopped within one cycle].
    #[arg(long)]
    cpu_budget: Option<u64>,
    /// Memory limit of one program, in bytes, 64 KiB to 4 GiB [default: 16 MiB].
    #[arg(long)]
    memory_limit: Option<u64>,
    /// The compiler: cranelift (optimising) or singlepass (faster to compile) [default: cranelift].
    #[arg(long)]
    compiler: Option<Compiler>,
    /// Print a JSON summary on stdout at the end (logs go to stderr).
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    realtime: RealtimeArgs,
    #[command(flatten)]
    retain: RetainArgs,
    /// Serve the online API, the live events and the web page on this address (e.g.
    /// 127.0.0.1:8600; port 0 picks one). The token comes from PLC_TOKEN or the config's
    /// token_file; without one, only a loopback address is allowed and a token is generated.
    #[arg(long, value_name = "ADDR")]
    listen: Option<String>,
    /// Serve Modbus TCP on this address (e.g. 127.0.0.1:1502; port 0 picks one); the map and
    /// the clients are in the config's `[modbus]` tables (docs/modbus.md).
    #[arg(long, value_name = "ADDR")]
    modbus_listen: Option<String>,
}

/// The limits of `check` and `test`.
#[derive(clap::Args)]
pub struct LimitArgs {
    /// CPU budget of one poll, in wasm instructions, 1 to 10^10.
    #[arg(long, default_value_t = Limits::default().cpu_budget)]
    cpu_budget: u64,
    /// Memory limit of one program, in bytes, 64 KiB to 4 GiB.
    #[arg(long, default_value_t = Limits::default().memory_bytes)]
    memory_limit: u64,
}

impl LimitArgs {
    /// The limits, if in range.
    pub fn limits(&self) -> Result<Limits, String> {
        Ok(Limits {
            cpu_budget: within("cpu budget", self.cpu_budget, CPU_BUDGET, "instructions")?,
            memory_bytes: within("memory limit", self.memory_limit, MEMORY, "bytes")?,
            ..Limits::default()
        })
    }
}

/// How a run goes, besides the programs and their limits.
pub struct RunOptions {
    /// The scan cycle.
    pub cycle: Duration,
    /// Scans to run, or until a signal.
    pub cycles: Option<u64>,
    /// The size of the output image.
    pub outputs: usize,
    /// The JSON summary instead of output lines.
    pub json: bool,
    /// The folder of online change.
    pub watch: Option<PathBuf>,
    /// Whether a new version from the folder takes over its predecessor's state.
    pub swap: Swap,
    /// The scan thread's real-time settings.
    pub realtime: Realtime,
    /// Retained variables.
    pub retain: RetainSettings,
    /// The bounds of the variable table.
    pub variables: VariableLimits,
    /// The online service, if asked for.
    pub service: Option<crate::online::ServiceOptions>,
    /// Modbus TCP, if asked for.
    pub modbus: Option<plc_modbus::Settings>,
}

/// Everything `run` needs.
pub struct RunSettings {
    /// The program files, in scan order.
    pub programs: Vec<PathBuf>,
    /// The input image.
    pub inputs: Vec<u8>,
    /// How the run goes.
    pub options: RunOptions,
    /// The limits of every program.
    pub limits: Limits,
}

/// `value` if it is in `range`; else an error naming the setting and the range.
fn within<T: PartialOrd + Display>(what: &str, value: T, range: RangeInclusive<T>, unit: &str) -> Result<T, String> {
    if range.contains(&value) {
        Ok(value)
    } else {
        Err(format!("{what} {value} is out of range ({} to {} {unit})", range.start(), range.end()))
    }
}

/// A scan cycle from its text, if it parses and is in range.
fn cycle(text: &str) -> Result<Duration, String> {
    let cycle = humantime::parse_duration(text).map_err(|e| format!("cycle `{text}`: {e}"))?;
    if CYCLE.contains(&cycle) {
        Ok(cycle)
    } else {
        let (lo, hi) = (humantime::format_duration(*CYCLE.start()), humantime::format_duration(*CYCLE.end()));
        Err(format!("cycle `{text}` is out of range ({lo} to {hi})"))
    }
}

impl RunArgs {
    /// The run's settings: flags, else the config file, else the defaults; all in range.
    pub fn settings(self) -> Result<RunSettings, String> {
        let file = match &self.config {
            Some(path) => RunConfig::load(path)?,
            None => RunConfig::default(),
        };
        let cycle = self.cycle.or(file.cycle).map_or(Ok(Duration::from_millis(10)), |text| cycle(&text))?;
        let inputs = match (self.inputs, file.inputs) {
            (Some(HexBytes(bytes)), _) => bytes,
            (None, Some(text)) => parse_hex(&text).map_err(|e| format!("inputs: {e}"))?.0,
            (None, None) => vec![0; 16],
        };
        within("inputs", inputs.len(), IMAGE, "bytes")?;
        let programs = if self.programs.is_empty() { file.programs } else { self.programs };
        let watch = self.watch.or(file.watch);
        let service = crate::online::ServiceOptions::new(self.listen.or(file.listen), file.token_file.as_deref())?;
        if programs.is_empty() && watch.is_none() && service.is_none() {
            return Err("no programs: give program files, --watch DIR, --listen ADDR, or a --config that names them".into());
        }
        let defaults = Limits::default();
        let cpu_budget = match self.cpu_budget.or(file.limits.cpu_budget) {
            Some(budget) => within("cpu budget", budget, CPU_BUDGET, "instructions")?,
            None => u64::try_from(cycle.as_nanos()).unwrap_or(u64::MAX).clamp(100_000, 1_000_000_000),
        };
        let memory_limit = self.memory_limit.or(file.limits.memory_limit).unwrap_or(defaults.memory_bytes);
        let limits = Limits {
            cpu_budget,
            memory_bytes: within("memory limit", memory_limit, MEMORY, "bytes")?,
            on_fault: self.on_fault.or(file.limits.on_fault).unwrap_or_default(),
            outputs_on_fault: self.outputs_on_fault.or(file.limits.outputs_on_fault).unwrap_or_default(),
            restart_backoff_max: file.limits.restart_backoff_max.unwrap_or(defaults.restart_backoff_max),
            compiler: self.compiler.or(file.limits.compiler).unwrap_or_default(),
            tables: within("tables", file.limits.tables.unwrap_or(defaults.tables), TABLES, "tables")?,
            table_elements: within("table elements", file.limits.table_elements.unwrap_or(defaults.table_elements), TABLE_ELEMENTS, "elements")?,
            module_bytes: within("module bytes", file.limits.module_bytes.unwrap_or(defaults.module_bytes), MODULE_BYTES, "bytes")?,
            stack_bytes: within("stack bytes", file.limits.stack_bytes.unwrap_or(defaults.stack_bytes), STACK_BYTES, "bytes")?,
            state_bytes: within("state bytes", file.limits.state_bytes.unwrap_or(defaults.state_bytes), STATE_BYTES, "bytes")?,
            state_records: within("state records", file.limits.state_records.unwrap_or(defaults.state_records), STATE_RECORDS, "records")?,
            ..defaults
        };
        let variable_defaults = VariableLimits::default();
        let variables = VariableLimits {
            variables: within("variables", file.limits.variables.unwrap_or(variable_defaults.variables), VARIABLES, "variables")?,
            name_bytes: within(
                "variable name bytes",
                file.limits.variable_name_bytes.unwrap_or(variable_defaults.name_bytes),
                VARIABLE_NAME_BYTES,
                "bytes",
            )?,
        };
        let outputs = within("outputs", self.outputs.or(file.outputs).unwrap_or(16), IMAGE, "bytes")?;
        let cycles = self.cycles.or(file.cycles);
        if cycles == Some(0) {
            return Err("cycles 0: a run has at least 1 scan".into());
        }
        let realtime = self.realtime.realtime(file.realtime, cycle)?;
        let retain = self.retain.settings(RetainConfig { store: file.retain, retained: file.retained, interval: file.retain_interval })?;
        let swap = if self.cold_swap || file.cold_swap == Some(true) { Swap::Cold } else { Swap::Warm };
        let modbus = file.modbus.settings(self.modbus_listen, inputs.len(), outputs)?;
        let options = RunOptions { cycle, cycles, outputs, json: self.json, watch, swap, variables, realtime, retain, service, modbus };
        Ok(RunSettings { programs, inputs, options, limits })
    }
}

/// Bytes given as hex on the command line.
#[derive(Clone)]
pub struct HexBytes(Vec<u8>);

fn parse_hex(text: &str) -> Result<HexBytes, String> {
    let digits: Vec<char> = text.chars().filter(|c| !c.is_whitespace() && *c != '_').collect();
    if !digits.len().is_multiple_of(2) {
        return Err("an even number of hex digits is needed".into());
    }
    digits
        .chunks(2)
        .map(|pair| {
            let s: String = pair.iter().collect();
            u8::from_str_radix(&s, 16).map_err(|_| format!("`{s}` is not a hex byte"))
        })
        .collect::<Result<_, _>>()
        .map(HexBytes)
}
