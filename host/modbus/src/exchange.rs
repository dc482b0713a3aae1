//! The seam between the scan thread and the Modbus thread. Three small tables, each behind its
//! own mutex: the image the scan publishes after each scan, the writes the server collects, and
//! the inputs the clients read. The scan thread takes each with `try_lock` only: when the
//! Modbus thread holds one at that moment, that exchange waits for the next scan (and is
//! counted). Every buffer is sized once, at the start: the scan thread never allocates here.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, TryLockError};

use plc_host::{Controller, Environment, Value};

/// What the scan published last.
pub(crate) struct Image {
    pub inputs: Vec<u8>,
    pub outputs: Vec<u8>,
    /// The server's mapped variables, in the order of its map (`None`: no such variable).
    pub variables: Vec<Option<Value>>,
}

/// Writes from the server, taken before the next scan.
pub(crate) struct Writes {
    /// Counts the writes; the scan publishes the last it applied in `Shared::applied`.
    pub generation: u64,
    pub outputs: Vec<u8>,
    /// Which output bits `outputs` sets.
    pub mask: Vec<u8>,
    pub variables: Vec<Option<Value>>,
    pub dirty: bool,
}

/// Inputs from the clients.
pub(crate) struct Fieldbus {
    pub inputs: Vec<u8>,
    /// Which input bits the clients own (fixed at the start).
    pub mask: Vec<u8>,
    /// Each device's status.
    pub ok: Vec<bool>,
}

/// The tables, shared.
pub(crate) struct Shared {
    pub image: Mutex<Image>,
    pub writes: Mutex<Writes>,
    pub fieldbus: Mutex<Fieldbus>,
    /// The last write generation whose effect is in the published image.
    pub applied: AtomicU64,
    /// Exchanges the scan thread skipped because the Modbus thread held a table.
    pub skipped: AtomicU64,
}

/// Locks a table from the Modbus thread (a poisoned lock is taken as it is).
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// `Some` guard if free now; never waits.
fn try_lock<T>(mutex: &Mutex<T>) -> Option<MutexGuard<'_, T>> {
    match mutex.try_lock() {
        Ok(guard) => Some(guard),
        Err(TryLockError::Poisoned(poisoned)) => Some(poisoned.into_inner()),
        Err(TryLockError::WouldBlock) => None,
    }
}

/// Bits of `value` where `mask` is set, the others from `old`.
pub(crate) fn merge(old: u8, value: u8, mask: u8) -> u8 {
    (old & !mask) | (value & mask)
}

impl Shared {
    /// Tables for images of these sizes, `variables` mapped, `devices` polled, the clients
    /// owning the input bits of `owned`.
    pub fn new(inputs: usize, outputs: usize, variables: usize, devices: usize, owned: Vec<u8>) -> Arc<Shared> {
        Arc::new(Shared {
            image: Mutex::new(Image { inputs: vec![0; inputs], outputs: vec![0; outputs], variables: vec![None; variables] }),
            writes: Mutex::new(Writes {
                generation: 0,
                outputs: vec![0; outputs],
                mask: vec![0; outputs],
                variables: vec![None; variables],
                dirty: false,
            }),
            fieldbus: Mutex::new(Fieldbus { inputs: vec![0; inputs], mask: owned, ok: vec![false; devices] }),
            applied: AtomicU64::new(0),
            skipped: AtomicU64::new(0),
        })
    }
}

/// The scan thread's end: call [`before_scan`](Self::before_scan) and
/// [`after_scan`](Self::after_scan) around each scan.
pub struct Exchange {
    shared: Arc<Shared>,
    /// The server's mapped variables, by index.
    variables: Vec<String>,
    /// `modbus.<device>.ok`, by device.
    status: Vec<String>,
    /// The status last written, by device (`None`: not yet).
    written: Vec<Option<bool>>,
    /// The last write generation taken.
    taken: u64,
}

impl Exchange {
    pub(crate) fn new(shared: Arc<Shared>, variables: Vec<String>, devices: &[String]) -> Exchange {
        let status: Vec<String> = devices.iter().map(|d| format!("modbus.{d}.ok")).collect();
        Exchange { shared, variables, written: vec![None; status.len()], status, taken: 0 }
    }

    /// Between two scans, before the next: applies the server's writes (outputs hold until a
    /// program writes them; a variable write is refused when the variable is forced), puts
    /// the clients' inputs in the input image and each device's status in `modbus.<name>.ok`.
    /// Never waits.
    pub fn before_scan<E: Environment>(&mut self, controller: &mut Controller<E>) {
        if let Some(mut writes) = try_lock(&self.shared.writes) {
            if writes.dirty {
                let writes = &mut *writes;
                let env = controller.env_mut();
                for (address, (mask, value)) in writes.mask.iter_mut().zip(&writes.outputs).enumerate().filter(|(_, (m, _))| **m != 0) {
                    let mut byte = [0];
                    if env.read_output(address, &mut byte).is_ok() {
                        let _ = env.write_output(address, &[merge(byte[0], *value, *mask)]);
                    }
                    *mask = 0;
                }
                for (name, value) in self.variables.iter().zip(&mut writes.variables) {
                    if let Some(value) = value.take() {
                        if let Err(e) = controller.write_variable(name, value) {
                            log::debug!("modbus: write of {name} refused: {e}");
                        }
                    }
                }
                writes.dirty = false;
                self.taken = writes.generation;
            }
        } else {
            self.shared.skipped.fetch_add(1, Ordering::Relaxed);
        }
        if self.status.is_empty() {
            return;
        }
        let Some(fieldbus) = try_lock(&self.shared.fieldbus) else {
            self.shared.skipped.fetch_add(1, Ordering::Relaxed);
            return;
        };
        let env = controller.env_mut();
        for (address, (mask, value)) in fieldbus.mask.iter().zip(&fieldbus.inputs).enumerate().filter(|(_, (m, _))| **m != 0) {
            let mut byte = [0];
            if env.read_input(address, &mut byte).is_ok() {
                let _ = env.write_input(address, &[merge(byte[0], *value, *mask)]);
            }
        }
        for ((name, written), ok) in self.status.iter().zip(&mut self.written).zip(&fieldbus.ok) {
            if *written != Some(*ok) {
                // Tried once per change of status: a full variable table is said once.
                if let Err(e) = env.set_variable(name, Value::Bool(*ok)) {
                    log::warn!("modbus: cannot set {name}: {e}");
                }
                *written = Some(*ok);
            }
        }
    }

    /// After a scan: publishes the images and the mapped variables for the server and the
    /// clients. Never waits.
    pub fn after_scan<E: Environment>(&mut self, controller: &Controller<E>) {
        let Some(mut image) = try_lock(&self.shared.image) else {
            self.shared.skipped.fetch_add(1, Ordering::Relaxed);
            return;
        };
        let image = &mut *image;
        let env = controller.env();
        if env.read_input(0, &mut image.inputs).is_err() || env.read_output(0, &mut image.outputs).is_err() {
            log::debug!("modbus: the images changed size");
        }
        for (name, value) in self.variables.iter().zip(&mut image.variables) {
            *value = env.get_variable(name).ok();
        }
        self.shared.applied.store(self.taken, Ordering::Release);
    }

    /// Exchanges skipped so far because the Modbus thread held a table at that moment.
    pub fn skipped(&self) -> u64 {
        self.shared.skipped.load(Ordering::Relaxed)
    }
}
