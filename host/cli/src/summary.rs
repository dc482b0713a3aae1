//! The JSON summary of a run (`plc-host run --json`), built from the controller's snapshot,
//! and the text forms of its numbers.

use std::collections::BTreeMap;
use std::time::Duration;

use plc_host::scheduler::CycleStats;
use plc_host::{Controller, Snapshot, Value};
use serde::Serialize;

use crate::realtime::RealtimeReport;
use crate::retain::RetainReport;

/// Bytes as hex, space-separated.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect::<Vec<_>>().join(" ")
}

fn micros(d: Duration) -> u64 {
    u64::try_from(d.as_micros()).unwrap_or(u64::MAX)
}

/// What `--json` prints at the end of a run.
#[derive(Serialize)]
pub struct Summary {
    /// Completed scans.
    cycles: u64,
    programs: Vec<ProgramReport>,
    inputs: Vec<u8>,
    outputs: Vec<u8>,
    variables: BTreeMap<String, VariableValue>,
    stats: StatsReport,
    /// The files online change refused, with their reasons.
    rejected: Vec<Rejected>,
    /// What became of each real-time setting.
    #[serde(skip_serializing_if = "Option::is_none")]
    realtime: Option<RealtimeReport>,
    /// The retained variables: the start, the saves.
    #[serde(skip_serializing_if = "Option::is_none")]
    retain: Option<RetainReport>,
}

/// One program.
#[derive(Serialize)]
struct ProgramReport {
    name: String,
    status: String,
    fault: Option<String>,
    polls: u64,
    faults: u64,
    /// Scans that returned an error (not faults).
    errors: u64,
    last_us: u64,
    max_us: u64,
}

/// A variable's value as JSON: a bool, an integer or a float.
#[derive(Serialize)]
#[serde(untagged)]
enum VariableValue {
    Bool(bool),
    Int(i32),
    Double(f64),
}

impl From<Value> for VariableValue {
    fn from(value: Value) -> Self {
        match value {
            Value::Bool(b) => VariableValue::Bool(b),
            Value::Int(i) => VariableValue::Int(i),
            Value::Double(d) => VariableValue::Double(d),
        }
    }
}

/// The cycle statistics.
#[derive(Serialize)]
struct StatsReport {
    cycles: u64,
    overruns: u64,
    last_us: u64,
    min_us: u64,
    max_us: u64,
    avg_us: u64,
    jitter_us: u64,
    /// Wake-up lateness: percentiles and maximum.
    lateness_us: LatenessReport,
    /// Warm-ups of the caches before the scans (`--no-warm-up` turns them off), and their
    /// average time: CPU time before each scan, not part of its time.
    warm_ups: u64,
    warm_up_avg_us: u64,
}

/// Wake-up lateness, in µs.
#[derive(Serialize)]
struct LatenessReport {
    p50: u64,
    p99: u64,
    p999: u64,
    max: u64,
}

/// A file online change refused.
#[derive(Serialize)]
struct Rejected {
    name: String,
    reason: String,
}

impl Summary {
    /// The summary of a run: the controller as it stands, its cycle statistics and the files
    /// refused.
    pub fn new(controller: &Controller, stats: &CycleStats, rejected: &BTreeMap<String, String>) -> Summary {
        let Snapshot { scans, programs, inputs, outputs, variables, .. } = controller.snapshot(controller.env().elapsed);
        Summary {
            cycles: scans,
            programs: programs
                .into_iter()
                .map(|p| ProgramReport {
                    name: p.name,
                    status: p.status.to_string(),
                    fault: p.last_fault.map(|f| f.to_string()),
                    polls: p.stats.polls,
                    faults: p.stats.faults,
                    errors: p.stats.errors,
                    last_us: micros(p.stats.last_poll),
                    max_us: micros(p.stats.max_poll),
                })
                .collect(),
            inputs,
            outputs,
            variables: variables.into_iter().map(|(name, value)| (name, value.into())).collect(),
            stats: StatsReport {
                cycles: stats.cycles,
                overruns: stats.overruns,
                last_us: micros(stats.last),
                min_us: micros(stats.min),
                max_us: micros(stats.max),
                avg_us: micros(stats.avg()),
                jitter_us: micros(stats.jitter),
                lateness_us: LatenessReport {
                    p50: micros(stats.lateness.p50),
                    p99: micros(stats.lateness.p99),
                    p999: micros(stats.lateness.p999),
                    max: micros(stats.lateness.max),
                },
                warm_ups: stats.warm_ups,
                warm_up_avg_us: micros(stats.warm_up_avg()),
            },
            rejected: rejected.iter().map(|(name, reason)| Rejected { name: name.clone(), reason: reason.clone() }).collect(),
            realtime: None,
            retain: None,
        }
    }

    /// With the real-time and retain reports of the run.
    pub fn with(self, realtime: RealtimeReport, retain: Option<RetainReport>) -> Summary {
        Summary { realtime: Some(realtime), retain, ..self }
    }

    /// The summary as one line of JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
    }
}
