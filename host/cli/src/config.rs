//! `plc-host run --config plc.toml`: the run's settings in a file; flags override them.
//!
//! ```toml
//! cycle = "10ms"
//! cycles = 1000                 # omit to run until SIGINT/SIGTERM
//! programs = ["measure.wasm", "act.wasm"]
//! watch = "programs"            # online change
//! cold_swap = false             # true: a new version from the folder starts cold
//! inputs = "0000"               # hex
//! outputs = 16
//! listen = "0.0.0.0:8600"       # the online service (docs/online.md)
//! token_file = "plc.token"      # its bearer token (PLC_TOKEN overrides it)
//!
//! [limits]
//! cpu_budget = 1000000          # instructions per poll (default: 1 per ns of cycle)
//! memory_limit = 16777216       # bytes
//! on_fault = "restart"          # or "stop"
//! outputs_on_fault = "zero"     # or "hold"
//! restart_backoff_max = 64      # polls
//! compiler = "singlepass"       # or "cranelift"
//! tables = 4                    # per module
//! table_elements = 65536        # per table
//! module_bytes = 8388608        # the largest module file
//! stack_bytes = 131072          # the wasm call stack of a poll
//! variables = 4096              # in the controller's table
//! variable_name_bytes = 262144  # all names together
//! state_bytes = 65536           # a program's state carried to a new version
//! state_records = 4096          # its fields
//!
//! retain = "plc.redb"           # the store of retained variables (warm start, saves)
//! retained = ["count"]          # retained besides those the programs declare
//! retain_interval = "1s"        # how often they are saved
//!
//! [realtime]                    # all off by default; see realtime.rs
//! priority = 80
//! lock_memory = true
//! cpu = 1
//! spin = "30us"
//! ```
//!
//! Relative paths are relative to the file's folder.

use std::path::{Path, PathBuf};

use plc_host::{Compiler, FaultPolicy, OutputsOnFault};
use serde::Deserialize;

use crate::realtime::RealtimeConfig;

/// The file, every setting optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunConfig {
    pub cycle: Option<String>,
    pub cycles: Option<u64>,
    #[serde(default)]
    pub programs: Vec<PathBuf>,
    pub watch: Option<PathBuf>,
    pub cold_swap: Option<bool>,
    pub inputs: Option<String>,
    pub outputs: Option<usize>,
    pub listen: Option<String>,
    pub token_file: Option<PathBuf>,
    #[serde(default)]
    pub limits: LimitsConfig,
    #[serde(default)]
    pub realtime: RealtimeConfig,
    pub retain: Option<PathBuf>,
    #[serde(default)]
    pub retained: Vec<String>,
    pub retain_interval: Option<String>,
}

/// The `[limits]` table.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LimitsConfig {
    pub cpu_budget: Option<u64>,
    pub memory_limit: Option<u64>,
    pub on_fault: Option<FaultPolicy>,
    pub outputs_on_fault: Option<OutputsOnFault>,
    pub restart_backoff_max: Option<u32>,
    pub compiler: Option<Compiler>,
    pub tables: Option<u32>,
    pub table_elements: Option<u32>,
    pub module_bytes: Option<u64>,
    pub stack_bytes: Option<usize>,
    pub variables: Option<usize>,
    pub variable_name_bytes: Option<usize>,
    pub state_bytes: Option<usize>,
    pub state_records: Option<u32>,
}

impl RunConfig {
    /// Reads and parses the file; paths in it become relative to its folder.
    pub fn load(path: &Path) -> Result<RunConfig, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
        let mut config: RunConfig = toml::from_str(&text).map_err(|e| {
            // "TOML parse error at line L, column C", the source excerpt, then the reason.
            let message = e.to_string();
            let lines: Vec<&str> = message.lines().filter(|l| !l.trim().is_empty()).collect();
            format!("{}: {}: {}", path.display(), lines.first().unwrap_or(&""), lines.last().unwrap_or(&"").trim())
        })?;
        let base = path.parent().unwrap_or(Path::new("."));
        for program in &mut config.programs {
            *program = base.join(&*program);
        }
        config.watch = config.watch.map(|w| base.join(w));
        config.retain = config.retain.map(|r| base.join(r));
        config.token_file = config.token_file.map(|t| base.join(t));
        Ok(config)
    }
}
