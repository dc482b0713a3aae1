//! Snapshots handed from the scan thread to the runtime: one thread waits for each new
//! snapshot ([`Remote::next_snapshot`]) and puts it in a `watch` channel as a [`Frame`]; the
//! WebSocket clients sample it at their own rate, and its JSON is made once per frame, by the
//! first client that needs it.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use plc_host::remote::Remote;
use plc_host::Snapshot;
use tokio::sync::watch;

use crate::views;

/// A snapshot, and its JSON text once someone has asked for it.
#[derive(Debug, Default)]
pub struct Frame {
    /// The snapshot; `None` until the controller published one.
    pub snapshot: Option<Arc<Snapshot>>,
    json: OnceLock<Arc<str>>,
}

impl Frame {
    /// The freshest of `frame` and `latest` (what the scan thread published last, which the
    /// thread of [`pump`] may not have handed over yet when the machine is busy).
    pub fn freshest(frame: Arc<Frame>, latest: Option<Arc<Snapshot>>) -> Arc<Frame> {
        match (&frame.snapshot, latest) {
            (Some(ours), Some(latest)) if !Arc::ptr_eq(ours, &latest) && latest.scans >= ours.scans => {
                Arc::new(Frame { snapshot: Some(latest), json: OnceLock::new() })
            }
            (None, Some(latest)) => Arc::new(Frame { snapshot: Some(latest), json: OnceLock::new() }),
            _ => frame,
        }
    }

    /// The event a WebSocket client receives for it: `{"type": "snapshot", ...}`.
    pub fn event(&self) -> Arc<str> {
        self.json
            .get_or_init(|| {
                let body = self.snapshot.as_deref().map_or(serde_json::Value::Null, views::state);
                Arc::from(serde_json::json!({"type": "snapshot", "snapshot": body}).to_string())
            })
            .clone()
    }
}

/// Starts the thread; it ends once `closed` is raised (within half a second).
pub fn pump(remote: Remote, closed: Arc<AtomicBool>) -> watch::Receiver<Arc<Frame>> {
    let first = Arc::new(Frame { snapshot: remote.snapshot(), json: OnceLock::new() });
    let (frames, receiver) = watch::channel(first);
    let spawned = std::thread::Builder::new().name("plc-service-frames".into()).spawn(move || {
        let mut seen = frames.borrow().snapshot.clone();
        while !closed.load(Ordering::Relaxed) {
            if let Some(snapshot) = remote.next_snapshot(seen.as_ref(), Duration::from_millis(500)) {
                seen = Some(snapshot.clone());
                frames.send_replace(Arc::new(Frame { snapshot: Some(snapshot), json: OnceLock::new() }));
            }
        }
    });
    if let Err(e) = spawned {
        log::error!("cannot start the service's snapshot thread ({e}): no live values");
    }
    receiver
}
