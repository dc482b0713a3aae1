//! Online change: a folder of programs watched while the controller scans.
//!
//! A thread polls the folder; a `*.wasm` file that appears or changes (and has kept the same
//! size and modification time for one more poll, so that a file still being written is not
//! taken) is compiled and checked there, off the scan thread, and handed over as a
//! [`Compiled`] program; the scan loop instantiates it (microseconds) and swaps it in between
//! two scans. A file that fails leaves the
//! running version in place, and the reason is reported. A file that disappears removes its
//! program.

use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime};

use crate::limits::Limits;
use crate::compiled::Compiled;

/// What changed in the watched folder.
pub enum Change {
    /// A new or changed file, compiled and checked: instantiate it and swap it in under its
    /// name (the file stem).
    Load(Compiled),
    /// A new or changed file that is not a valid program; the running version stays.
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
}

#[derive(Clone, Copy, PartialEq, Eq)]
struct Seen {
    modified: Option<SystemTime>,
    len: u64,
}

struct Entry {
    /// What the file looked like at the last poll.
    seen: Seen,
    /// What it looked like when last handed over (loaded or rejected): not read again until
    /// that changes.
    handled_seen: Option<Seen>,
    /// The content last handed over, by hash: a file touched but not changed is not reloaded.
    handled: Option<u64>,
}

impl Watcher {
    /// Starts watching `dir` every `interval`, loading programs with `limits`.
    pub fn spawn(dir: impl Into<PathBuf>, limits: Limits, interval: Duration) -> Watcher {
        let (tx, changes) = channel();
        let stop = Arc::new(AtomicBool::new(false));
        let (dir, flag) = (dir.into(), stop.clone());
        let thread = std::thread::Builder::new()
            .name("plc-watch".into())
            .spawn(move || {
                let mut files = HashMap::new();
                while !flag.load(Ordering::Relaxed) {
                    if poll_dir(&dir, &limits, &mut files, &tx).is_err() {
                        return; // the controller is gone
                    }
                    std::thread::sleep(interval);
                }
            })
            .ok();
        Watcher { changes, stop, thread }
    }

    /// The changes ready now, oldest first; never blocks.
    pub fn changes(&self) -> impl Iterator<Item = Change> + '_ {
        self.changes.try_iter()
    }

    /// Waits up to `timeout` for the next change.
    pub fn next_change(&self, timeout: Duration) -> Option<Change> {
        self.changes.recv_timeout(timeout).ok()
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

fn name_of(path: &Path) -> Option<String> {
    (path.extension()? == "wasm").then(|| path.file_stem().map(|s| s.to_string_lossy().into_owned()))?
}

/// One look at the folder; `Err` when nobody listens any more.
fn poll_dir(dir: &Path, limits: &Limits, files: &mut HashMap<String, Entry>, tx: &Sender<Change>) -> Result<(), ()> {
    let Ok(listing) = std::fs::read_dir(dir) else {
        log::warn!("cannot read the watched folder {}", dir.display());
        return Ok(());
    };
    let mut present = HashSet::new();
    for path in listing.filter_map(|e| Some(e.ok()?.path())) {
        let (Some(name), Ok(meta)) = (name_of(&path), std::fs::metadata(&path)) else { continue };
        let seen = Seen { modified: meta.modified().ok(), len: meta.len() };
        present.insert(name.clone());
        let entry = files.entry(name.clone()).or_insert(Entry { seen, handled_seen: None, handled: None });
        let settled = entry.seen == seen;
        entry.seen = seen;
        if !settled || entry.handled_seen == Some(seen) {
            continue; // still being written or just changed (look again next time), or unchanged
        }
        let Ok(bytes) = std::fs::read(&path) else { continue };
        entry.handled_seen = Some(seen);
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        bytes.hash(&mut hasher);
        let hash = hasher.finish();
        if entry.handled == Some(hash) {
            continue;
        }
        entry.handled = Some(hash);
        let change = match Compiled::new(name.clone(), &bytes, limits.clone()) {
            Ok(program) => Change::Load(program),
            Err(e) => Change::Rejected { name, reason: e.to_string() },
        };
        tx.send(change).map_err(|_| ())?;
    }
    let gone: Vec<String> = files.keys().filter(|n| !present.contains(*n)).cloned().collect();
    for name in gone {
        files.remove(&name);
        tx.send(Change::Removed { name }).map_err(|_| ())?;
    }
    Ok(())
}
