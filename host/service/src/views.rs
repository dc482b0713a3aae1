//! The JSON the API answers with, made from a [`Snapshot`]. Forces are shown wherever their
//! values are: a `forced` flag on each variable, a `forced` mask beside each image.

use std::time::Duration;

use plc_host::forces::describe;
use plc_host::scheduler::CycleStats;
use plc_host::{Force, Image, IoValue, ProgramSnapshot, Snapshot, Value};
use serde_json::{json, Value as Json};

/// Bytes as lowercase hex.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn micros(d: Duration) -> u64 {
    u64::try_from(d.as_micros()).unwrap_or(u64::MAX)
}

/// A variable's value as JSON: `true`, `3` or `3.5`.
pub fn value(v: Value) -> Json {
    match v {
        Value::Bool(b) => json!(b),
        Value::Int(i) => json!(i),
        Value::Double(d) => json!(d),
    }
}

/// One program.
pub fn program(p: &ProgramSnapshot) -> Json {
    json!({
        "name": p.name,
        "status": p.status.to_string(),
        "polls": p.stats.polls,
        "faults": p.stats.faults,
        "last_fault": p.last_fault.as_ref().map(ToString::to_string),
        "last_poll_us": micros(p.stats.last_poll),
        "max_poll_us": micros(p.stats.max_poll),
        "sha256": hex(&p.sha256),
    })
}

/// Every program, in scan order.
pub fn programs(s: &Snapshot) -> Json {
    Json::Array(s.programs.iter().map(program).collect())
}

/// Every variable: name, type, value, whether it is forced.
pub fn variables(s: &Snapshot) -> Json {
    let forced = |name: &str| s.forces.iter().any(|f| matches!(f, Force::Variable { name: n, .. } if n == name));
    Json::Array(
        s.variables
            .iter()
            .map(|(name, v)| json!({"name": name, "type": v.type_name(), "value": value(*v), "forced": forced(name)}))
            .collect(),
    )
}

/// The bits of `image` that forces pin, a mask per byte.
fn forced_mask(s: &Snapshot, which: Image, len: usize) -> Vec<u8> {
    let mut mask = vec![0u8; len];
    for force in &s.forces {
        if let Force::Io { image, address, value } = force {
            if *image != which {
                continue;
            }
            for (i, byte) in mask.iter_mut().enumerate().skip(*address).take(value.bytes()) {
                *byte |= match value {
                    IoValue::Bit(bit, _) if i == *address => 1 << (bit & 7),
                    IoValue::Bit(..) => 0,
                    _ => 0xff,
                };
            }
        }
    }
    mask
}

/// Both images, each with its mask of forced bits.
pub fn images(s: &Snapshot) -> Json {
    json!({
        "inputs": {"bytes": s.inputs, "forced": forced_mask(s, Image::Inputs, s.inputs.len())},
        "outputs": {"bytes": s.outputs, "forced": forced_mask(s, Image::Outputs, s.outputs.len())},
    })
}

/// One force: its place in IEC notation, and what it holds.
pub fn force(f: &Force) -> Json {
    let place = describe(&f.target());
    match f {
        Force::Io { image, address, value } => {
            let (bit, shown) = match *value {
                IoValue::Bit(bit, on) => (Some(bit), json!(on)),
                IoValue::U8(v) => (None, json!(v)),
                IoValue::I8(v) => (None, json!(v)),
                IoValue::U16(v) => (None, json!(v)),
                IoValue::I16(v) => (None, json!(v)),
                IoValue::U32(v) => (None, json!(v)),
                IoValue::I32(v) => (None, json!(v)),
                IoValue::F32(v) => (None, json!(v)),
            };
            let image = if *image == Image::Inputs { "inputs" } else { "outputs" };
            json!({"place": place, "image": image, "address": address, "bit": bit, "type": value.type_name(), "value": shown})
        }
        Force::Variable { name, value: v } => json!({"place": place, "variable": name, "type": v.type_name(), "value": value(*v)}),
    }
}

/// Every force.
pub fn forces(s: &Snapshot) -> Json {
    Json::Array(s.forces.iter().map(force).collect())
}

/// The scan loop's cycle statistics.
pub fn cycle(c: &CycleStats) -> Json {
    json!({
        "cycles": c.cycles,
        "overruns": c.overruns,
        "last_us": micros(c.last),
        "min_us": micros(c.min),
        "max_us": micros(c.max),
        "avg_us": micros(c.avg()),
        "jitter_us": micros(c.jitter),
    })
}

/// Everything a WebSocket snapshot event carries.
pub fn state(s: &Snapshot) -> Json {
    json!({
        "scans": s.scans,
        "elapsed_ms": u64::try_from(s.elapsed.as_millis()).unwrap_or(u64::MAX),
        "programs": programs(s),
        "variables": variables(s),
        "images": images(s),
        "forces": forces(s),
        "cycle": cycle(&s.cycle),
    })
}
