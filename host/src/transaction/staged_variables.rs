//! A poll's variable writes until its commit: a short list in the order first written, searched
//! in order (most polls write a few variables), with an index by name once it is long.

use std::collections::HashMap;
use std::sync::Arc;

use crate::environment::Value;

/// Past this many writes a poll's list is indexed by name.
const INDEXED_FROM: usize = 16;

/// The variables a poll has written, with their new values.
#[derive(Debug, Default)]
pub(crate) struct StagedVariables {
    /// Kept between polls, so that staging allocates nothing once it has the room.
    writes: Vec<(Arc<str>, Value)>,
    /// The position of each name in `writes`, once there are [`INDEXED_FROM`] of them.
    index: HashMap<Arc<str>, usize>,
}

impl StagedVariables {
    /// How many variables are staged.
    pub(crate) fn len(&self) -> usize {
        self.writes.len()
    }

    fn position(&self, name: &str) -> Option<usize> {
        if self.writes.len() >= INDEXED_FROM {
            return self.index.get(name).copied();
        }
        self.writes.iter().position(|(staged, _)| &**staged == name)
    }

    /// The value staged for `name`.
    pub(crate) fn get(&self, name: &str) -> Option<&Value> {
        self.position(name).map(|at| &self.writes[at].1)
    }

    /// The value staged for `name`, to change.
    pub(crate) fn get_mut(&mut self, name: &str) -> Option<&mut Value> {
        self.position(name).map(|at| &mut self.writes[at].1)
    }

    /// Stages a variable not staged yet.
    pub(crate) fn insert_new(&mut self, name: Arc<str>, value: Value) {
        debug_assert!(self.position(&name).is_none(), "staged twice: {name}");
        self.writes.push((name, value));
        match self.writes.len() {
            INDEXED_FROM => self.index.extend(self.writes.iter().enumerate().map(|(at, (name, _))| (name.clone(), at))),
            n if n > INDEXED_FROM => {
                let at = n - 1;
                self.index.insert(self.writes[at].0.clone(), at);
            }
            _ => {}
        }
    }

    /// Takes every staged write, in the order first written, and leaves none.
    pub(crate) fn drain(&mut self) -> impl Iterator<Item = (Arc<str>, Value)> + '_ {
        self.index.clear();
        self.writes.drain(..)
    }

    /// Drops every staged write.
    pub(crate) fn clear(&mut self) {
        self.index.clear();
        self.writes.clear();
    }

    /// Where the list lies: an address to prefetch.
    pub(crate) fn address(&self) -> usize {
        self.writes.as_ptr() as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn found_by_name_short_and_long() {
        let mut staged = StagedVariables::default();
        for i in 0..40 {
            let name: Arc<str> = format!("v{i}").into();
            assert!(staged.get(&name).is_none());
            staged.insert_new(name, Value::Int(i));
            for j in 0..=i {
                assert_eq!(staged.get(&format!("v{j}")), Some(&Value::Int(j)), "v{j} after {} writes", i + 1);
            }
        }
        *staged.get_mut("v3").unwrap() = Value::Int(-3);
        let drained: Vec<_> = staged.drain().map(|(name, value)| (name.to_string(), value)).collect();
        assert_eq!(drained.len(), 40);
        assert_eq!(drained[3], ("v3".to_owned(), Value::Int(-3)), "in the order first written");
        assert_eq!(staged.len(), 0);
        assert!(staged.get("v20").is_none(), "the index went with the writes");
        staged.insert_new("v20".into(), Value::Bool(true));
        assert_eq!(staged.get("v20"), Some(&Value::Bool(true)));
        staged.clear();
        assert!(staged.get("v20").is_none());
    }
}
