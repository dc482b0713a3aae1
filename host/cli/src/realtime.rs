//! `[realtime]` and its flags: the scan thread's priority, locked memory, CPU and spin; and
//! what became of each setting, for the JSON summary.
//!
//! ```toml
//! [realtime]
//! priority = 80        # SCHED_FIFO priority of the scan thread, 1 to 99
//! lock_memory = true   # mlockall
//! cpu = 1              # the CPU the scan thread is pinned to
//! spin = "30us"        # sleep on the absolute deadline, spin only the last 30 µs
//! warm_up = false      # no warm-up of the caches before each scan (on by default)
//! ```

use std::collections::BTreeMap;
use std::time::Duration;

use plc_host::realtime::{Outcome, Realtime};
use serde::{Deserialize, Serialize};

/// The `[realtime]` table.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RealtimeConfig {
    priority: Option<i32>,
    lock_memory: Option<bool>,
    cpu: Option<usize>,
    spin: Option<String>,
    warm_up: Option<bool>,
}

/// The flags of `[realtime]`; each overrides the file.
#[derive(clap::Args)]
pub struct RealtimeArgs {
    /// Run the scan thread under SCHED_FIFO at this priority, 1 to 99 [default: the normal scheduler].
    #[arg(long, value_name = "1-99")]
    priority: Option<i32>,
    /// Lock the process's memory (mlockall), so that no page fault delays a scan.
    #[arg(long)]
    lock_memory: bool,
    /// Pin the scan thread to this CPU.
    #[arg(long, value_name = "N")]
    cpu: Option<usize>,
    /// Sleep until this long before each deadline, then spin to it, e.g. 30us; at most the cycle [default: 0].
    #[arg(long, value_name = "DURATION")]
    spin: Option<String>,
    /// Do not warm the caches before each scan (by default the scan thread asks for every
    /// program's first lines shortly before the deadline, and stops at the deadline).
    #[arg(long)]
    no_warm_up: bool,
}

impl RealtimeArgs {
    /// The settings: flags, else the file; in range.
    pub fn realtime(self, file: RealtimeConfig, cycle: Duration) -> Result<Realtime, String> {
        let priority = self.priority.or(file.priority);
        if let Some(p) = priority.filter(|p| !(1..=99).contains(p)) {
            return Err(format!("priority {p} is out of range (1 to 99)"));
        }
        let cpu = self.cpu.or(file.cpu);
        if let Some(cpu) = cpu.filter(|&c| c >= 1024) {
            return Err(format!("cpu {cpu} is out of range (0 to 1023)"));
        }
        let spin = match self.spin.or(file.spin) {
            Some(text) => humantime::parse_duration(&text).map_err(|e| format!("spin `{text}`: {e}"))?,
            None => Duration::ZERO,
        };
        if spin > cycle {
            return Err(format!("spin {} is longer than the cycle ({})", humantime::format_duration(spin), humantime::format_duration(cycle)));
        }
        let warm_up = !self.no_warm_up && file.warm_up.unwrap_or(true);
        Ok(Realtime { priority, lock_memory: self.lock_memory || file.lock_memory.unwrap_or(false), cpu, spin, warm_up })
    }
}

/// One setting in the summary.
#[derive(Serialize)]
pub struct SettingReport {
    /// The value asked for.
    value: String,
    /// Whether it took effect.
    applied: bool,
    /// What the system reports, or why it was not applied.
    detail: String,
}

/// `realtime` in the summary: each setting asked for, by name, the spin and the warm-up.
#[derive(Serialize)]
pub struct RealtimeReport {
    #[serde(flatten)]
    settings: BTreeMap<&'static str, SettingReport>,
    spin_us: u64,
    warm_up: bool,
}

impl RealtimeReport {
    /// The report of what [`Realtime::apply`] did.
    pub fn new(outcomes: Vec<Outcome>, spin: Duration, warm_up: bool) -> RealtimeReport {
        let settings = outcomes
            .into_iter()
            .map(|o| {
                let (applied, detail) = match o.result {
                    Ok(state) => (true, state),
                    Err(why) => (false, why),
                };
                (o.setting, SettingReport { value: o.value, applied, detail })
            })
            .collect();
        RealtimeReport { settings, spin_us: u64::try_from(spin.as_micros()).unwrap_or(u64::MAX), warm_up }
    }
}
