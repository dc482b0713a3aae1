//! The seam between the scan thread, which owns the [`Controller`], and every other thread
//! (the CLI's signal handling, the coming network API, fieldbus IO): they send [`Command`]s
//! and read [`Snapshot`]s; the scan thread serves both between two scans and never waits.
//!
//! Commands go through a bounded queue: a sender waits only when it is full
//! ([`Remote::try_send`] never does). Between scans the controller takes at most
//! [`COMMANDS_PER_SCAN`] of them (never blocking), applies each, and answers on the
//! command's own one-slot reply channel; a scan loop with idle time before its next deadline
//! may also apply them as they come ([`Controller::serve_until`]), answering after the scan. After a scan it publishes a
//! snapshot with `try_lock`: if a reader holds the lock at that moment, that snapshot is
//! skipped (and counted), and the next scan's goes out. It publishes one after every scan
//! that answers a command, and otherwise at most every [`SNAPSHOT_INTERVAL`]: a snapshot
//! copies every program's statistics, the images and the variables.
//!
//! ```
//! use std::time::Duration;
//! use plc_host::remote::{self, Command};
//! use plc_host::{Controller, InMemoryEnvironment, Program, Limits};
//!
//! let (remote, mut mailbox) = remote::channel(16);
//! let mut controller = Controller::new(InMemoryEnvironment::new(0, 1));
//! let wasm = r#"(module (memory (export "memory") 1) (func (export "poll")))"#;
//! controller.add(Program::new("idle", wasm.as_bytes(), Limits::default()).unwrap()).unwrap();
//! let operator = std::thread::spawn(move || remote.send(Command::Stop("idle".into())).unwrap().wait(Duration::from_secs(5)));
//! while !operator.is_finished() {
//!     controller.scan();
//!     controller.serve(&mut mailbox, Duration::ZERO);
//! }
//! assert_eq!(operator.join().unwrap(), Some(Ok(())));
//! assert_eq!(mailbox.latest().unwrap().programs[0].status, plc_host::Status::Stopped);
//! ```

use std::sync::mpsc::{self, Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, TryLockError};
use std::time::{Duration, Instant};

use crate::controller::{ControlError, Controller};
use crate::environment::Environment;
use crate::snapshot::Snapshot;

pub use crate::command::Command;

/// The most commands the controller applies between two scans.
pub const COMMANDS_PER_SCAN: usize = 16;

/// The least time between two snapshots when no answer waits for one: building one costs the
/// scan thread about 0.2 µs per program (0.19 ms for 1000, `docs/benchmarks.md`), and the
/// live view takes at most 50 a second.
pub const SNAPSHOT_INTERVAL: Duration = Duration::from_millis(5);

/// What a command gets back.
type Answer = Result<(), ControlError>;

struct Request {
    command: Command,
    reply: SyncSender<Result<(), ControlError>>,
}

/// The latest snapshot, and a condition variable the scan thread notifies (never waiting) when
/// it publishes one.
#[derive(Default)]
struct Shared {
    latest: Mutex<Option<Arc<Snapshot>>>,
    published: Condvar,
}

type Latest = Arc<Shared>;

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Option<Arc<Snapshot>>> {
        self.latest.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// The other threads' end: cheap to clone, `Send`.
#[derive(Clone)]
pub struct Remote {
    requests: SyncSender<Request>,
    latest: Latest,
}

/// The scan thread's end, served by [`Controller::serve`].
pub struct Mailbox {
    requests: Receiver<Request>,
    latest: Latest,
    skipped: u64,
    /// Commands applied while idle ([`Controller::serve_until`]), answered at the next serve.
    pending: Vec<(SyncSender<Answer>, Answer)>,
    /// When the last snapshot was taken (the `elapsed` it was served with).
    published: Option<Duration>,
}

/// A remote and its mailbox, with room for `capacity` commands waiting.
pub fn channel(capacity: usize) -> (Remote, Mailbox) {
    let (requests, receiver) = mpsc::sync_channel(capacity);
    let latest = Latest::default();
    (Remote { requests, latest: latest.clone() }, Mailbox { requests: receiver, latest, skipped: 0, pending: Vec::new(), published: None })
}

/// The controller is gone (its mailbox was dropped).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Disconnected;

impl std::fmt::Display for Disconnected {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the controller has stopped")
    }
}

impl std::error::Error for Disconnected {}

/// Why [`Remote::try_send`] did not queue a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotSent {
    /// The queue is full: the controller has that many commands still to apply.
    Busy,
    /// The controller has stopped.
    Disconnected,
}

impl std::fmt::Display for NotSent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NotSent::Busy => f.write_str("the controller has too many commands waiting; try again"),
            NotSent::Disconnected => Disconnected.fmt(f),
        }
    }
}

impl std::error::Error for NotSent {}

/// The answer to one command, once the controller has applied it.
pub struct Reply(Receiver<Result<(), ControlError>>);

impl Reply {
    /// Waits up to `timeout` for the answer; `None` if it did not come (the controller is
    /// gone, or busier than that).
    pub fn wait(self, timeout: Duration) -> Option<Result<(), ControlError>> {
        self.0.recv_timeout(timeout).ok()
    }
}

impl Remote {
    /// Queues a command (waiting while the queue is full); the reply comes after the scan in
    /// which it was applied.
    pub fn send(&self, command: Command) -> Result<Reply, Disconnected> {
        let (reply, answer) = mpsc::sync_channel(1);
        self.requests.send(Request { command, reply }).map_err(|_| Disconnected)?;
        Ok(Reply(answer))
    }

    /// Queues a command if there is room, never waiting.
    pub fn try_send(&self, command: Command) -> Result<Reply, NotSent> {
        let (reply, answer) = mpsc::sync_channel(1);
        self.requests.try_send(Request { command, reply }).map_err(|e| match e {
            TrySendError::Full(_) => NotSent::Busy,
            TrySendError::Disconnected(_) => NotSent::Disconnected,
        })?;
        Ok(Reply(answer))
    }

    /// The latest snapshot the controller published.
    pub fn snapshot(&self) -> Option<Arc<Snapshot>> {
        self.latest.lock().clone()
    }

    /// Waits up to `timeout` for a snapshot other than `seen` (the one the caller has); `None`
    /// if none came.
    pub fn next_snapshot(&self, seen: Option<&Arc<Snapshot>>, timeout: Duration) -> Option<Arc<Snapshot>> {
        let deadline = Instant::now() + timeout;
        let mut latest = self.latest.lock();
        loop {
            match &*latest {
                Some(snapshot) if seen.is_none_or(|seen| !Arc::ptr_eq(seen, snapshot)) => return Some(snapshot.clone()),
                _ => {}
            }
            let left = deadline.checked_duration_since(Instant::now()).filter(|d| !d.is_zero())?;
            latest = self.latest.published.wait_timeout(latest, left).map_or_else(|p| p.into_inner().0, |(guard, _)| guard);
        }
    }
}

impl Mailbox {
    /// The latest snapshot published.
    pub fn latest(&self) -> Option<Arc<Snapshot>> {
        self.latest.lock().clone()
    }

    /// Snapshots skipped because a reader held the lock at that moment.
    pub fn skipped(&self) -> u64 {
        self.skipped
    }
}

impl<E: Environment> Controller<E> {
    /// Between two scans: applies the commands waiting (at most [`COMMANDS_PER_SCAN`]),
    /// publishes a snapshot taken at `elapsed` (when it answers a command, or
    /// [`SNAPSHOT_INTERVAL`] after the last one), then answers each command, so that whoever
    /// gets an answer finds its effect in the latest snapshot. Never blocks.
    pub fn serve(&mut self, mailbox: &mut Mailbox, elapsed: Duration) {
        let mut answers = std::mem::take(&mut mailbox.pending);
        for request in mailbox.requests.try_iter().take(COMMANDS_PER_SCAN.saturating_sub(answers.len())) {
            answers.push((request.reply, self.command(request.command)));
        }
        let due = mailbox.published.is_none_or(|at| elapsed < at || elapsed - at >= SNAPSHOT_INTERVAL);
        if due || !answers.is_empty() {
            let snapshot = Some(Arc::new(self.snapshot(elapsed)));
            let published = match mailbox.latest.latest.try_lock() {
                Ok(mut latest) => {
                    *latest = snapshot;
                    true
                }
                Err(TryLockError::Poisoned(poisoned)) => {
                    *poisoned.into_inner() = snapshot;
                    true
                }
                // Skipped: the next serve tries again.
                Err(TryLockError::WouldBlock) => false,
            };
            if published {
                mailbox.published = Some(elapsed);
            } else {
                mailbox.skipped += 1;
            }
            // Wakes whoever waits in `next_snapshot`; a notification never waits.
            mailbox.latest.published.notify_all();
        }
        for (reply, result) in answers {
            // The slot is this answer's alone and empty: this never waits; a sender gone is fine.
            let _ = reply.try_send(result);
        }
    }

    /// Idle time before a scan: applies each command as it comes, until `deadline` or
    /// [`COMMANDS_PER_SCAN`] commands since the last [`serve`](Self::serve), which answers them
    /// (after the scan, so that the answer's snapshot shows the effect). An upload swapped in
    /// here is polled by the very next scan. Waits on nothing but the clock and the queue, and
    /// never past `deadline`.
    pub fn serve_until(&mut self, mailbox: &mut Mailbox, deadline: Instant) {
        while mailbox.pending.len() < COMMANDS_PER_SCAN {
            let Some(left) = deadline.checked_duration_since(Instant::now()).filter(|d| !d.is_zero()) else { return };
            match mailbox.requests.recv_timeout(left) {
                Ok(request) => {
                    let result = self.command(request.command);
                    mailbox.pending.push((request.reply, result));
                }
                // Timed out, or no sender left: the scheduler sleeps the rest.
                Err(_) => return,
            }
        }
    }
}
