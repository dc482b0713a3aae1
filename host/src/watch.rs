//! Online change: a folder of programs watched while the controller scans.
//!
//! A thread looks at the folder every interval; a `*.wasm` file that appears or changes (and has
//! kept the same size and modification time for one more look, so that a file still being
//! written is not taken) is read, compiled and checked there, off the scan thread, and handed
//! over as a [`Compiled`] program; the scan loop instantiates it (microseconds) and swaps it in
//! between two scans. A file that fails leaves the running version in place, and the reason is
//! reported. A file that disappears removes its program.
//!
//! The folder is not trusted: only regular files are read (a FIFO or a device is refused
//! without waiting on it), none larger than the module size limit, and a link only to a file
//! inside the folder. A look that fails, even by a panic, is logged and the watching goes on;
//! if the thread ends anyway, [`Change::Stopped`] says so, once.

mod look;
mod read;

pub use read::read_program;

use std::any::Any;
use std::cell::Cell;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError, Sender, TryRecvError};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use crate::limits::Limits;
use crate::program::Compiled;

/// What changed in the watched folder.
pub enum Change {
    /// A new or changed file, compiled and checked: instantiate it and swap it in under its
    /// name (the file stem).
    Load(Compiled),
    /// A new or changed file that is not a valid program, or not a file the watcher reads;
    /// the running version stays.
    Rejected {
        /// The program's name.
        name: String,
        /// Why, on one line.
        reason: String,
    },
    /// The file is gone: remove the program.
    Removed {
        /// The program's name.
        name: String,
    },
    /// The watcher has ended: no more changes come, online change has stopped. The running
    /// programs are not affected. Reported once.
    Stopped {
        /// Why, on one line.
        reason: String,
    },
}

/// Watches a folder on a thread of its own until dropped.
pub struct Watcher {
    changes: Receiver<Change>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
    /// Whether [`Change::Stopped`] has been handed out.
    stopped: Cell<bool>,
}

impl Watcher {
    /// Starts watching `dir` every `interval`, loading programs with `limits`.
    ///
    /// The first two looks happen before it returns, `interval` apart: the programs already in
    /// the folder (and not being written) are then compiled and waiting in
    /// [`changes`](Watcher::changes), to be loaded before the first scan. Call it before the
    /// scan loop starts, not from it.
    pub fn spawn(dir: impl Into<PathBuf>, limits: Limits, interval: Duration) -> Watcher {
        let (tx, changes) = channel();
        let dir = dir.into();
        let mut files = look::Files::new();
        // The receiver is here: these cannot fail for want of a listener.
        let _ = guarded(&dir, || look::look(&dir, &limits, &mut files, &tx));
        std::thread::sleep(interval);
        let _ = guarded(&dir, || look::look(&dir, &limits, &mut files, &tx));
        Watcher::start((tx, changes), move |tx, stop| {
            while !stop.load(Ordering::Relaxed) {
                std::thread::sleep(interval);
                if guarded(&dir, || look::look(&dir, &limits, &mut files, tx)).is_err() {
                    return; // the controller is gone
                }
            }
        })
    }

    /// Runs `body` on the watcher thread; a panic that escapes it, or a thread that cannot
    /// start, is reported as [`Change::Stopped`].
    fn start((tx, changes): (Sender<Change>, Receiver<Change>), body: impl FnOnce(&Sender<Change>, &AtomicBool) + Send + 'static) -> Watcher {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let failed = tx.clone();
        let thread = std::thread::Builder::new().name("plc-watch".into()).spawn(move || {
            if let Err(panic) = catch_unwind(AssertUnwindSafe(|| body(&tx, &flag))) {
                let reason = format!("the watcher panicked: {}", panic_message(&*panic));
                let _ = tx.send(Change::Stopped { reason });
            }
        });
        let thread = match thread {
            Ok(thread) => Some(thread),
            Err(e) => {
                let _ = failed.send(Change::Stopped { reason: format!("cannot start the watcher thread: {e}") });
                None
            }
        };
        Watcher { changes, stop, thread, stopped: Cell::new(false) }
    }

    /// The changes ready now, oldest first; never blocks.
    pub fn changes(&self) -> impl Iterator<Item = Change> + '_ {
        std::iter::from_fn(|| self.take(self.changes.try_recv().map_err(|e| e == TryRecvError::Disconnected)))
    }

    /// Waits up to `timeout` for the next change.
    pub fn next_change(&self, timeout: Duration) -> Option<Change> {
        self.take(self.changes.recv_timeout(timeout).map_err(|e| e == RecvTimeoutError::Disconnected))
    }

    /// A change received, or `Err(true)` when the thread is gone: then one [`Change::Stopped`].
    fn take(&self, received: Result<Change, bool>) -> Option<Change> {
        match received {
            Ok(change) => {
                if matches!(change, Change::Stopped { .. }) {
                    self.stopped.set(true);
                }
                Some(change)
            }
            Err(false) => None,
            Err(true) => (!self.stopped.replace(true)).then(|| Change::Stopped { reason: "the watcher thread ended".into() }),
        }
    }
}

impl Drop for Watcher {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// One look, with a panic in it logged and survived: `Err` only when nobody listens any more.
fn guarded(dir: &Path, look: impl FnOnce() -> Result<(), ()>) -> Result<(), ()> {
    catch_unwind(AssertUnwindSafe(look)).unwrap_or_else(|panic| {
        log::error!("online change: a look at {} failed ({}); watching on", dir.display(), panic_message(&*panic));
        Ok(())
    })
}

/// The message of a panic, on one line.
fn panic_message(panic: &(dyn Any + Send)) -> String {
    let text = panic.downcast_ref::<&str>().copied().or_else(|| panic.downcast_ref::<String>().map(String::as_str));
    text.unwrap_or("no message").replace('\n', " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panicking_look_is_survived_and_a_gone_listener_ends_the_watching() {
        let dir = Path::new("/nonexistent");
        assert_eq!(guarded(dir, || panic!("a bug in a look")), Ok(()));
        assert_eq!(guarded(dir, || Err(())), Err(()));
    }

    #[test]
    fn a_watcher_thread_that_ends_is_reported_once() {
        let watcher = Watcher::start(channel(), |_, _| panic!("a bug outside the looks"));
        match watcher.next_change(Duration::from_secs(10)) {
            Some(Change::Stopped { reason }) => assert_eq!(reason, "the watcher panicked: a bug outside the looks"),
            _ => panic!("expected Stopped"),
        }
        assert!(watcher.next_change(Duration::from_millis(1)).is_none());
        assert_eq!(watcher.changes().count(), 0);

        // A thread that just returns says nothing itself: the closed channel is reported.
        let watcher = Watcher::start(channel(), |_, _| {});
        assert!(matches!(watcher.next_change(Duration::from_secs(10)), Some(Change::Stopped { reason }) if reason == "the watcher thread ended"));
        assert_eq!(watcher.changes().count(), 0);
    }
}
