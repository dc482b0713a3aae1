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
//! if the thread ends anyway, [`Watcher::stopped`] says so, once.

mod look;
mod read;

pub use read::read_program;

use std::any::Any;
use std::cell::Cell;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{channel, Receiver};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

use crate::limits::Limits;
use crate::compiled::Compiled;

/// What changed in the watched folder.
#[allow(clippy::large_enum_variant, reason = "a few changes a second cross a channel: boxing would only add an allocation")]
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
}

/// Watches a folder on a thread of its own until dropped.
pub struct Watcher {
    changes: Receiver<Change>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
    /// Why the thread ended, when it says so (a panic, or it could not start).
    ended: Arc<Mutex<Option<String>>>,
    /// Whether [`stopped`](Watcher::stopped) has said so.
    reported: Cell<bool>,
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
        Watcher::start(changes, move |stop| {
            while !stop.load(Ordering::Relaxed) {
                std::thread::sleep(interval);
                if guarded(&dir, || look::look(&dir, &limits, &mut files, &tx)).is_err() {
                    return; // the controller is gone
                }
            }
        })
    }

    /// Runs `body` on the watcher thread; a panic that escapes it, or a thread that cannot
    /// start, is kept for [`stopped`](Watcher::stopped).
    fn start(changes: Receiver<Change>, body: impl FnOnce(&AtomicBool) + Send + 'static) -> Watcher {
        let stop = Arc::new(AtomicBool::new(false));
        let ended = Arc::new(Mutex::new(None));
        let (flag, why) = (stop.clone(), ended.clone());
        let thread = std::thread::Builder::new().name("plc-watch".into()).spawn(move || {
            if let Err(panic) = catch_unwind(AssertUnwindSafe(|| body(&flag))) {
                let reason = format!("the watcher panicked: {}", panic_message(&*panic));
                *why.lock().unwrap_or_else(PoisonError::into_inner) = Some(reason);
            }
        });
        let thread = thread
            .map_err(|e| *ended.lock().unwrap_or_else(PoisonError::into_inner) = Some(format!("cannot start the watcher thread: {e}")))
            .ok();
        Watcher { changes, stop, thread, ended, reported: Cell::new(false) }
    }

    /// The changes ready now, oldest first; never blocks.
    pub fn changes(&self) -> impl Iterator<Item = Change> + '_ {
        self.changes.try_iter()
    }

    /// Waits up to `timeout` for the next change.
    pub fn next_change(&self, timeout: Duration) -> Option<Change> {
        self.changes.recv_timeout(timeout).ok()
    }

    /// Why the watcher has ended, said once: then online change has stopped (no more changes
    /// come after those still in [`changes`](Watcher::changes)); the running programs are not
    /// affected. `None` while it watches. Never blocks: ask between two scans.
    pub fn stopped(&self) -> Option<String> {
        if self.reported.get() || self.thread.as_ref().is_some_and(|thread| !thread.is_finished()) {
            return None;
        }
        self.reported.set(true);
        // The thread has ended: nobody else holds the lock.
        let reason = self.ended.lock().unwrap_or_else(PoisonError::into_inner).take();
        Some(reason.unwrap_or_else(|| "the watcher thread ended".into()))
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
        let (_tx, rx) = channel();
        let watcher = Watcher::start(rx, |_| panic!("a bug outside the looks"));
        let reported = wait_for_stop(&watcher);
        assert_eq!(reported.as_deref(), Some("the watcher panicked: a bug outside the looks"));
        assert_eq!(watcher.stopped(), None, "said once");

        // A thread that just returns leaves no reason of its own.
        let (_tx, rx) = channel();
        let watcher = Watcher::start(rx, |_| {});
        assert_eq!(wait_for_stop(&watcher).as_deref(), Some("the watcher thread ended"));

        // One that runs is not reported.
        let (_tx, rx) = channel();
        let watcher = Watcher::start(rx, |stop| while !stop.load(Ordering::Relaxed) {
            std::thread::sleep(Duration::from_millis(1));
        });
        std::thread::sleep(Duration::from_millis(20));
        assert_eq!(watcher.stopped(), None);
    }

    /// `stopped()` within 10 s.
    fn wait_for_stop(watcher: &Watcher) -> Option<String> {
        (0..1000).find_map(|_| watcher.stopped().or_else(|| {
            std::thread::sleep(Duration::from_millis(10));
            None
        }))
    }
}
