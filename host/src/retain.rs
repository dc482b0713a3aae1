//! Retained variables: declared by a program (its `plc.retained` custom section) or by the
//! host's configuration, kept in an embedded transactional database ([`Store`], on redb) so
//! that they survive a restart of the controller, a replaced program and a `kill -9` (at most
//! one save interval is lost). Every other variable starts from nothing.
//!
//! - [`declared`] reads a module's declarations (done at load: [`Program::retained`](crate::Program::retained)).
//! - [`warm_start`] opens the store before the first scan and restores the values into the
//!   environment, or starts cold: on request, or when the store cannot be read or a variable's
//!   type changed, in which case the file is kept aside under another name and the report says
//!   why.
//! - [`Saver`] hands the retained values, read between two scans at each save interval, to a
//!   writer thread through a bounded channel: the scan thread never waits on the disk; a save
//!   that finds the channel full is dropped and counted.

mod saver;
mod section;
mod store;
mod warm;

pub use saver::{Saver, SaverReport};
pub use section::declared;
pub use store::{Store, StoreError};
pub use warm::{warm_start, WarmStart};

use std::fmt;

use crate::environment::Value;

/// The type of a variable: what [`Value`] holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// `bool`.
    Bool,
    /// `i32`.
    Int,
    /// `f64`.
    Double,
}

impl Kind {
    /// The type of `value`.
    pub fn of(value: &Value) -> Kind {
        match value {
            Value::Bool(_) => Kind::Bool,
            Value::Int(_) => Kind::Int,
            Value::Double(_) => Kind::Double,
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Kind::Bool => "bool",
            Kind::Int => "i32",
            Kind::Double => "f64",
        })
    }
}

/// A retained variable a program declares: its name and type.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Declared {
    /// The variable's name.
    pub name: String,
    /// Its type.
    pub kind: Kind,
}

/// A variable to retain, as the host knows it: its name, and its type if a program declared
/// one (a name listed only in the host's configuration has none).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Wanted {
    /// The variable's name.
    pub name: String,
    /// The type it was declared with, and by which program.
    pub declared: Option<(Kind, String)>,
}

/// The variables to retain now: those the programs of `controller` declare (the first
/// declaration of a name wins), then those `configured` by name.
pub fn wanted<E: crate::Environment>(controller: &crate::Controller<E>, configured: &[String]) -> Vec<Wanted> {
    let mut all: Vec<Wanted> = Vec::new();
    for program in controller.programs() {
        for d in program.retained() {
            if !all.iter().any(|w| w.name == d.name) {
                all.push(Wanted { name: d.name.clone(), declared: Some((d.kind, program.name().to_owned())) });
            }
        }
    }
    for name in configured {
        if !all.iter().any(|w| &w.name == name) {
            all.push(Wanted { name: name.clone(), declared: None });
        }
    }
    all
}

/// The current values of the `wanted` variables that exist.
pub fn values(env: &dyn crate::Environment, wanted: &[Wanted]) -> Vec<(String, Value)> {
    wanted.iter().filter_map(|w| Some((w.name.clone(), env.get_variable(&w.name).ok()?))).collect()
}
