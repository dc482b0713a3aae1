//! The JSON summary of a run, and the text forms of its numbers.

use std::collections::BTreeMap;
use std::time::Duration;

use plc_host::scheduler::CycleStats;
use plc_host::{Controller, Value};

/// Bytes as hex, space-separated.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect::<Vec<_>>().join(" ")
}

fn micros(d: Duration) -> u64 {
    u64::try_from(d.as_micros()).unwrap_or(u64::MAX)
}

/// The summary: programs, images, variables, cycle statistics and the rejected files.
pub fn summary(controller: &Controller, stats: &CycleStats, rejected: &BTreeMap<String, String>) -> serde_json::Value {
    let programs: Vec<_> = controller
        .programs()
        .iter()
        .map(|p| {
            serde_json::json!({
                "name": p.name(),
                "status": p.status().to_string(),
                "fault": p.last_fault().map(ToString::to_string),
                "polls": p.polls(),
                "faults": p.faults(),
                "last_us": micros(p.last_poll_time()),
                "max_us": micros(p.max_poll_time()),
            })
        })
        .collect();
    let env = controller.env();
    let variables: serde_json::Map<String, serde_json::Value> = env
        .variables
        .iter()
        .map(|(name, value)| {
            let v = match *value {
                Value::Bool(b) => serde_json::json!(b),
                Value::Int(i) => serde_json::json!(i),
                Value::Double(d) => serde_json::json!(d),
            };
            (name.clone(), v)
        })
        .collect();
    let rejected: Vec<_> = rejected.iter().map(|(name, reason)| serde_json::json!({"name": name, "reason": reason})).collect();
    serde_json::json!({
        "cycles": controller.scans(),
        "programs": programs,
        "inputs": env.inputs,
        "outputs": env.outputs,
        "variables": variables,
        "stats": {
            "cycles": stats.cycles,
            "overruns": stats.overruns,
            "last_us": micros(stats.last),
            "min_us": micros(stats.min),
            "max_us": micros(stats.max),
            "avg_us": micros(stats.avg()),
            "jitter_us": micros(stats.jitter),
        },
        "rejected": rejected,
    })
}
