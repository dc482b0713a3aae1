//! What every request handler shares.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use plc_host::remote::{Command, NotSent, Remote};
use plc_host::Limits;
use tokio::sync::{broadcast, watch, Semaphore};

use crate::error::ApiError;
use crate::frames::{self, Frame};
use crate::logs::{self, LogLine};
use crate::token::Token;

/// Log records kept for a client that connects (the page's log tail).
pub const TAIL: usize = 200;
/// How long a request waits for the controller to apply its command.
pub const ANSWER_WITHIN: Duration = Duration::from_secs(5);

/// The service's shared state.
pub struct Shared {
    /// The seam to the scan thread.
    pub remote: Remote,
    /// The token every `/api/` request must carry.
    pub token: Token,
    /// The limits uploads are compiled and run with.
    pub limits: Limits,
    /// The latest snapshot as the snapshot thread handed it over.
    pub frames: watch::Receiver<Arc<Frame>>,
    /// Log records as they come, for the WebSocket clients.
    pub logs: broadcast::Sender<Arc<LogLine>>,
    /// The last [`TAIL`] records.
    pub tail: Mutex<VecDeque<Arc<LogLine>>>,
    /// Uploads compiling at once, at most.
    pub compiling: Semaphore,
    /// WebSocket clients connected now.
    pub clients: AtomicU64,
    /// Log records WebSocket clients missed because they read too slowly.
    pub lagged: AtomicU64,
    closed: Arc<AtomicBool>,
}

/// A handle on it, cheap to clone.
pub type State = Arc<Shared>;

impl Shared {
    /// Sets it up and starts its two threads (snapshots, log records). Call inside the runtime.
    pub fn new(remote: Remote, token: Token, limits: Limits) -> State {
        let closed = Arc::new(AtomicBool::new(false));
        let frames = frames::pump(remote.clone(), closed.clone());
        let (logs, _) = broadcast::channel(1024);
        let state = Arc::new(Shared {
            remote,
            token,
            limits,
            frames,
            logs,
            tail: Mutex::new(VecDeque::with_capacity(TAIL)),
            compiling: Semaphore::new(plc_host::compile_threads()),
            clients: AtomicU64::new(0),
            lagged: AtomicU64::new(0),
            closed,
        });
        if let Some(records) = logs::subscribe() {
            let weak = Arc::downgrade(&state);
            let spawned = std::thread::Builder::new().name("plc-service-logs".into()).spawn(move || {
                for record in records {
                    let Some(state) = weak.upgrade() else { return };
                    let record = Arc::new(record);
                    let mut tail = state.tail.lock().unwrap_or_else(|p| p.into_inner());
                    if tail.len() == TAIL {
                        tail.pop_front();
                    }
                    tail.push_back(record.clone());
                    drop(tail);
                    let _ = state.logs.send(record);
                }
            });
            if let Err(e) = spawned {
                log::error!("cannot start the service's log thread ({e}): no log records for clients");
            }
        }
        state
    }

    /// Ends the snapshot thread.
    pub fn close(&self) {
        self.closed.store(true, Ordering::Relaxed);
    }

    /// The last log records, oldest first.
    pub fn tail(&self) -> Vec<Arc<LogLine>> {
        self.tail.lock().unwrap_or_else(|p| p.into_inner()).iter().cloned().collect()
    }

    /// Sends a command without waiting for room, then waits (on the blocking pool, never on
    /// the scan) for the controller to apply it between two scans.
    pub async fn ask(&self, command: Command) -> Result<(), ApiError> {
        let reply = self.remote.try_send(command).map_err(|e| match e {
            NotSent::Busy => ApiError::unavailable(e.to_string()),
            _ => ApiError::unavailable("the controller has stopped"),
        })?;
        let answer = tokio::task::spawn_blocking(move || reply.wait(ANSWER_WITHIN))
            .await
            .map_err(|_| ApiError::unavailable("the controller did not answer"))?;
        match answer {
            Some(result) => result.map_err(ApiError::from),
            None => Err(ApiError::timeout(format!("the controller did not answer within {} s", ANSWER_WITHIN.as_secs()))),
        }
    }
}
