//! What other threads ask of the controller ([`Command`], sent through [`remote`](crate::remote)),
//! and how the controller applies each between two scans.

use crate::compiled::Compiled;
use crate::controller::{ControlError, Controller};
use crate::environment::{Environment, Value};
use crate::forces::{Force, ForceTarget};
use crate::state::Swap;

/// What another thread asks of the controller.
#[derive(Debug)]
#[non_exhaustive]
pub enum Command {
    /// Stop the program of that name.
    Stop(String),
    /// Start a stopped or faulted program from a fresh instance.
    Start(String),
    /// Restart the program from a fresh instance.
    Restart(String),
    /// Instantiate this new version and swap it in (or add it); variables are kept.
    Replace(Box<Compiled>),
    /// As [`Replace`](Self::Replace), only if a program of that name runs from a module with
    /// this SHA-256 (an upload's `If-Match`); else [`ControlError::VersionMismatch`].
    ReplaceIfMatch(Box<Compiled>, [u8; 32]),
    /// Instantiate this new version and swap it in (or add it), warm or cold, and only if the
    /// running version has this SHA-256 when one is given (else
    /// [`ControlError::VersionMismatch`]). [`Replace`](Self::Replace) and
    /// [`ReplaceIfMatch`](Self::ReplaceIfMatch) are its warm forms.
    ReplaceWith {
        /// The new version.
        compiled: Box<Compiled>,
        /// The SHA-256 the running version must have (an upload's `If-Match`), if any.
        if_match: Option<[u8; 32]>,
        /// Whether its state carries over.
        swap: Swap,
    },
    /// Remove the program of that name.
    Remove(String),
    /// Write a variable once, as a program's write would be: it must exist, the value must
    /// be of its type, and it must not be forced.
    WriteVariable(String, Value),
    /// Force an input, output or variable ([`Controller::force`]).
    Force(Force),
    /// Release the force on that place ([`Controller::release`]).
    Release(ForceTarget),
    /// Release every force.
    ReleaseAll,
}

/// Hex digits of a hash, for messages.
fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl<E: Environment> Controller<E> {
    /// Applies one command.
    pub fn command(&mut self, command: Command) -> Result<(), ControlError> {
        match command {
            Command::Stop(name) => self.stop(&name),
            Command::Start(name) => self.start(&name),
            Command::Restart(name) => self.restart(&name),
            Command::Replace(compiled) => self.swap(*compiled, None, Swap::Warm),
            Command::ReplaceIfMatch(compiled, expected) => self.swap(*compiled, Some(expected), Swap::Warm),
            Command::ReplaceWith { compiled, if_match, swap } => self.swap(*compiled, if_match, swap),
            Command::Remove(name) => {
                if self.remove(&name) {
                    Ok(())
                } else {
                    Err(ControlError::UnknownProgram(name))
                }
            }
            Command::WriteVariable(name, value) => self.write_variable(&name, value),
            Command::Force(force) => self.force(force),
            Command::Release(target) => self.release(&target),
            Command::ReleaseAll => {
                self.release_all();
                Ok(())
            }
        }
    }

    /// Instantiates `compiled` and swaps it in, if the running version is `expected` when
    /// that is given.
    fn swap(&mut self, compiled: Compiled, expected: Option<[u8; 32]>, swap: Swap) -> Result<(), ControlError> {
        if let Some(expected) = expected {
            match self.program(compiled.name()).map(|p| *p.sha256()) {
                Some(sha) if sha == expected => {}
                Some(sha) => {
                    return Err(ControlError::VersionMismatch(format!(
                        "`{}` runs version {}, not {}",
                        compiled.name(),
                        hex(&sha),
                        hex(&expected)
                    )))
                }
                None => return Err(ControlError::VersionMismatch(format!("no program named `{}` runs", compiled.name()))),
            }
        }
        let program = compiled.instantiate().map_err(|e| ControlError::Instantiation(e.to_string()))?;
        self.replace_with(program, swap);
        Ok(())
    }

    /// Writes an existing variable once, between two scans; refused for an unknown or forced
    /// variable, or a value of another type.
    pub fn write_variable(&mut self, name: &str, value: Value) -> Result<(), ControlError> {
        let current = self.env().get_variable(name).map_err(|_| ControlError::UnknownVariable(name.to_owned()))?;
        if !current.same_type(&value) {
            return Err(ControlError::BadType(format!("`{name}` is {}, not {}", current.type_name(), value.type_name())));
        }
        if self.forces_table().forces_variable(name) {
            return Err(ControlError::Forced(name.to_owned()));
        }
        self.env_mut().set_variable(name, value).map_err(|e| ControlError::Unsupported(e.to_string()))
    }
}
