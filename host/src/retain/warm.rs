//! The warm start: retained values from the store into the environment before the first scan,
//! or a cold start that says why.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::store::set_aside;
use super::{Kind, Store, StoreError, Wanted};
use crate::environment::{Environment, Value};

/// How the run started, and the store for its saves.
#[derive(Debug)]
pub struct WarmStart {
    /// The store, open; `None` when it could not be opened (nothing is retained then).
    pub store: Option<Store>,
    /// The variables restored, by name.
    pub restored: Vec<String>,
    /// Why the run starts cold, if it does: asked for, or the store could not be used.
    pub cold: Option<String>,
    /// Where an unreadable store was moved.
    pub set_aside: Option<PathBuf>,
    /// Every message, each also logged: why it started cold, what could not be restored.
    pub messages: Vec<String>,
}

/// A variable whose stored type differs from the one a program declares, or from the value
/// the environment already holds.
fn type_change(stored: &BTreeMap<String, Value>, wanted: &[Wanted], env: &dyn Environment) -> Option<String> {
    wanted.iter().find_map(|w| {
        let stored = Kind::of(stored.get(&w.name)?);
        if let Some((kind, program)) = &w.declared {
            if *kind != stored {
                return Some(format!("retained variable `{}` is stored as {stored}, but program `{program}` declares it {kind}", w.name));
            }
        }
        let held = Kind::of(&env.get_variable(&w.name).ok()?);
        (held != stored).then(|| format!("retained variable `{}` is stored as {stored}, but the controller already holds it as {held}", w.name))
    })
}

impl WarmStart {
    fn new(store: Option<Store>) -> WarmStart {
        WarmStart { store, restored: Vec::new(), cold: None, set_aside: None, messages: Vec::new() }
    }

    fn say(&mut self, message: String) {
        log::warn!("{message}");
        self.messages.push(message);
    }

    /// Starts cold because of `why`, keeping the file at `path` aside and opening a new one.
    fn unreadable(&mut self, path: &Path, why: String) {
        self.store = None; // closed before it moves
        match set_aside(path) {
            Ok(aside) => {
                self.say(format!("retain store {} cannot be read: {why}; kept aside as {}, starting cold", path.display(), aside.display()));
                self.set_aside = Some(aside);
                self.store = self.open_again(path);
            }
            Err(e) => self.say(format!("retain store {} cannot be read: {why}; nor moved aside ({e}): starting cold, retaining nothing", path.display())),
        }
        self.cold = Some(why);
    }

    fn open_again(&mut self, path: &Path) -> Option<Store> {
        Store::open(path).map_err(|e| self.say(format!("retain store {}: {e}: retaining nothing in this run", path.display()))).ok()
    }
}

/// Opens the store at `path` and, unless `cold`, restores the `wanted` variables it holds into
/// `env`. Call it before the first scan, after the programs are loaded. Never fails: a store
/// that cannot be read (corrupt, another version, a variable whose type changed) is kept aside
/// under another name and the run starts cold; a store that cannot be opened at all (in use,
/// no permission) means a cold run that retains nothing. Each case is a logged message.
pub fn warm_start(path: &Path, cold: bool, wanted: &[Wanted], env: &mut dyn Environment) -> WarmStart {
    let mut start = WarmStart::new(None);
    match Store::open(path) {
        Ok(store) => start.store = Some(store),
        Err(StoreError::Unreadable(why)) => {
            start.unreadable(path, why);
            return start;
        }
        Err(e) => {
            start.say(format!("retain store {}: {e}: starting cold, retaining nothing in this run", path.display()));
            start.cold = Some(e.to_string());
            return start;
        }
    }
    let Some(store) = &start.store else { return start };
    if cold {
        if let Err(e) = store.clear() {
            start.say(format!("retain store {}: cannot be cleared for the cold start: {e}", path.display()));
        }
        start.cold = Some("a cold start was asked for".into());
        return start;
    }
    let stored = match store.load() {
        Ok(stored) => stored,
        Err(e) => {
            start.unreadable(path, match e { StoreError::Unreadable(why) => why, other => other.to_string() });
            return start;
        }
    };
    if let Some(why) = type_change(&stored, wanted, env) {
        start.unreadable(path, why);
        return start;
    }
    for w in wanted {
        let Some(value) = stored.get(&w.name) else { continue };
        match env.set_variable(&w.name, *value) {
            Ok(()) => start.restored.push(w.name.clone()),
            Err(e) => start.say(format!("retained variable `{}` not restored: {e}", w.name)),
        }
    }
    start
}
