//! One look at the watched folder: which `*.wasm` files appeared, changed (and have settled) or
//! went away, and what each change is.

use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use std::sync::mpsc::Sender;
use std::time::SystemTime;

use super::read::read_in_folder;
use super::{panic_message, Change};
use crate::limits::Limits;
use crate::compiled::Compiled;

#[derive(Clone, Copy, PartialEq, Eq)]
struct Seen {
    modified: Option<SystemTime>,
    len: u64,
}

/// What the watcher knows of one file.
pub(super) struct Entry {
    /// What the file looked like at the last look.
    seen: Seen,
    /// What it looked like when last handed over (loaded or rejected): not read again until
    /// that changes.
    handled_seen: Option<Seen>,
    /// The content last handed over, by hash: a file touched but not changed is not reloaded.
    handled: Option<u64>,
}

/// The files of the folder, by program name.
pub(super) type Files = HashMap<String, Entry>;

fn name_of(path: &Path) -> Option<String> {
    (path.extension()? == "wasm").then(|| path.file_stem().map(|s| s.to_string_lossy().into_owned()))?
}

/// One look at the folder; `Err` when nobody listens any more.
pub(super) fn look(dir: &Path, limits: &Limits, files: &mut Files, tx: &Sender<Change>) -> Result<(), ()> {
    let Ok(listing) = std::fs::read_dir(dir) else {
        log::warn!("cannot read the watched folder {}", dir.display());
        return Ok(());
    };
    let mut present = HashSet::new();
    for path in listing.filter_map(|e| Some(e.ok()?.path())) {
        // The metadata of what a link leads to; a FIFO or device is looked at, not opened.
        let (Some(name), Ok(meta)) = (name_of(&path), std::fs::metadata(&path)) else { continue };
        let seen = Seen { modified: meta.modified().ok(), len: meta.len() };
        present.insert(name.clone());
        let entry = files.entry(name.clone()).or_insert(Entry { seen, handled_seen: None, handled: None });
        let settled = entry.seen == seen;
        entry.seen = seen;
        if !settled || entry.handled_seen == Some(seen) {
            continue; // still being written or just changed (look again next time), or unchanged
        }
        entry.handled_seen = Some(seen);
        let bytes = match read_in_folder(dir, &path, limits.module_bytes) {
            Ok(bytes) => bytes,
            Err(reason) => {
                tx.send(Change::Rejected { name, reason }).map_err(|_| ())?;
                continue;
            }
        };
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        bytes.hash(&mut hasher);
        let hash = hasher.finish();
        if entry.handled == Some(hash) {
            continue;
        }
        entry.handled = Some(hash);
        tx.send(compile(name, &bytes, limits)).map_err(|_| ())?;
    }
    let gone: Vec<String> = files.keys().filter(|n| !present.contains(*n)).cloned().collect();
    for name in gone {
        files.remove(&name);
        tx.send(Change::Removed { name }).map_err(|_| ())?;
    }
    Ok(())
}

/// The file as a change: compiled, or rejected with the reason (a compiler panic included).
fn compile(name: String, bytes: &[u8], limits: &Limits) -> Change {
    match catch_unwind(AssertUnwindSafe(|| Compiled::new(name.clone(), bytes, limits.clone()))) {
        Ok(Ok(program)) => Change::Load(program),
        Ok(Err(e)) => Change::Rejected { name, reason: e.to_string() },
        Err(panic) => Change::Rejected { name, reason: format!("the compiler panicked: {}", panic_message(&*panic)) },
    }
}
