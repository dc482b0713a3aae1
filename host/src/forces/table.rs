//! The table of forces in effect, how each is applied to the environment, and the
//! controller's methods on it.

use super::{describe, Force, ForceTarget, Image, IoValue};
use crate::controller::{ControlError, Controller};
use crate::environment::Environment;

/// A force in effect, and for an input the bytes it covered when it was set.
#[derive(Debug, Clone)]
struct Entry {
    force: Force,
    saved: [u8; 4],
}

/// The forces in effect, in the order they were set.
#[derive(Debug, Clone, Default)]
pub(crate) struct Forces(Vec<Entry>);

/// Reads `len` bytes of `image` at `address`.
fn read(env: &dyn Environment, image: Image, address: usize, len: usize) -> Result<[u8; 4], String> {
    let mut bytes = [0; 4];
    match image {
        Image::Inputs => env.read_input(address, &mut bytes[..len]),
        Image::Outputs => env.read_output(address, &mut bytes[..len]),
    }
    .map_err(|e| e.to_string())?;
    Ok(bytes)
}

/// Lays `value` under `mask` over `image` at `address`.
fn lay(env: &mut dyn Environment, image: Image, address: usize, value: [u8; 4], mask: [u8; 4], len: usize) -> Result<(), String> {
    let mut bytes = read(env, image, address, len)?;
    for i in 0..len {
        bytes[i] = (bytes[i] & !mask[i]) | (value[i] & mask[i]);
    }
    match image {
        Image::Inputs => env.write_input(address, &bytes[..len]),
        Image::Outputs => env.write_output(address, &bytes[..len]),
    }
    .map_err(|e| e.to_string())
}

/// Applies one force to the environment.
fn apply(env: &mut dyn Environment, force: &Force) -> Result<(), String> {
    match force {
        Force::Io { image, address, value } => {
            let (bits, mask, len) = value.bits();
            lay(env, *image, *address, bits, mask, len)
        }
        Force::Variable { name, value } => env.set_variable(name, *value).map_err(|e| e.to_string()),
    }
}

impl Forces {
    /// The forces, in the order they were set.
    pub(crate) fn list(&self) -> Vec<Force> {
        self.0.iter().map(|e| e.force.clone()).collect()
    }

    /// Before the programs run: every force. After a check at the time it was set, applying
    /// a force cannot fail (the images keep their sizes, a variable its type).
    pub(crate) fn before_scan(&self, env: &mut dyn Environment) {
        for entry in &self.0 {
            let _ = apply(env, &entry.force);
        }
    }

    /// After the last poll: forced outputs and variables win over what the programs wrote.
    pub(crate) fn after_scan(&self, env: &mut dyn Environment) {
        for entry in self.0.iter().filter(|e| !matches!(e.force, Force::Io { image: Image::Inputs, .. })) {
            let _ = apply(env, &entry.force);
        }
    }

    /// Whether the variable of that name is forced.
    pub(crate) fn forces_variable(&self, name: &str) -> bool {
        self.0.iter().any(|e| matches!(&e.force, Force::Variable { name: n, .. } if n == name))
    }

    /// Sets a force: checks it, releases the forces it overlaps, applies it.
    fn set(&mut self, env: &mut dyn Environment, force: Force) -> Result<(), ControlError> {
        match &force {
            Force::Io { image, address, value } => {
                let size = if *image == Image::Inputs { env.input_len() } else { env.output_len() };
                if address.checked_add(value.bytes()).is_none_or(|end| end > size) {
                    return Err(ControlError::AddressOutOfBounds(format!("{} bytes at {address} are outside the {size}-byte image", value.bytes())));
                }
                if let IoValue::Bit(bit @ 8.., _) = value {
                    return Err(ControlError::AddressOutOfBounds(format!("bit {bit}: a byte has bits 0 to 7")));
                }
            }
            Force::Variable { name, value } => {
                let current = env.get_variable(name).map_err(|_| ControlError::UnknownVariable(name.clone()))?;
                if !current.same_type(value) {
                    return Err(ControlError::BadType(format!("`{name}` is {}, not {}", current.type_name(), value.type_name())));
                }
            }
        }
        while let Some(i) = self.0.iter().position(|e| e.force.overlaps(&force)) {
            self.remove(env, i);
        }
        let saved = match &force {
            Force::Io { image: Image::Inputs, address, value } => read(env, Image::Inputs, *address, value.bytes()),
            _ => Ok([0; 4]),
        };
        apply(env, &force).map_err(ControlError::Unsupported)?;
        self.0.push(Entry { force, saved: saved.unwrap_or_default() });
        Ok(())
    }

    /// Removes a force; an input gets back the bits it covered.
    fn remove(&mut self, env: &mut dyn Environment, index: usize) {
        let entry = self.0.remove(index);
        if let Force::Io { image: Image::Inputs, address, value } = entry.force {
            let (_, mask, len) = value.bits();
            let _ = lay(env, Image::Inputs, address, entry.saved, mask, len);
        }
    }
}

impl<E: Environment> Controller<E> {
    /// Forces an input, output or variable (see [forcing](crate::forces)); replaces the forces on
    /// the same bits or variable. Refused for a place outside the image, an unknown
    /// variable, a value of another type, or inputs the environment cannot write.
    pub fn force(&mut self, force: Force) -> Result<(), ControlError> {
        let (forces, env) = self.forces_and_env();
        forces.set(env, force)
    }

    /// Releases the force on that place; refused if there is none.
    pub fn release(&mut self, target: &ForceTarget) -> Result<(), ControlError> {
        let (forces, env) = self.forces_and_env();
        let index = forces.0.iter().position(|e| e.force.target() == *target).ok_or_else(|| ControlError::NotForced(describe(target)))?;
        forces.remove(env, index);
        Ok(())
    }

    /// Releases every force.
    pub fn release_all(&mut self) {
        let (forces, env) = self.forces_and_env();
        while !forces.0.is_empty() {
            forces.remove(env, forces.0.len() - 1);
        }
    }

    /// The forces in effect, in the order they were set.
    pub fn forces(&self) -> Vec<Force> {
        self.forces_table().list()
    }
}
