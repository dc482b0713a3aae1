//! A poll as a transaction: what it stages (outputs in a copy of the image with a mask of the
//! bits written, variables by name) is published when it completes, and dropped when it
//! faults; and which output bits each program owns.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use crate::environment::{EnvError, Environment, Value, VariableRoom};
use crate::image::Placed;

mod staged_variables;

pub(crate) use staged_variables::StagedVariables;

/// The output bits a program has changed: what goes to 0 when it faults under
/// [`OutputsOnFault::Zero`](crate::OutputsOnFault::Zero). A mask per byte of the image.
#[derive(Debug, Default)]
pub(crate) struct OwnedOutputs(Vec<u8>);

impl OwnedOutputs {
    /// Adds the bits set in `changed`, for the bytes from `address` on.
    fn add(&mut self, address: usize, changed: impl ExactSizeIterator<Item = u8>) {
        let end = address + changed.len();
        if self.0.len() < end {
            self.0.resize(end, 0);
        }
        for (owned, bits) in self.0[address..end].iter_mut().zip(changed) {
            *owned |= bits;
        }
    }

    /// Clears every owned bit of the published image, and only those.
    pub(crate) fn zero(&self, env: &mut dyn Environment) {
        let Some(first) = self.0.iter().position(|&m| m != 0) else { return };
        let last = self.0.iter().rposition(|&m| m != 0).unwrap_or(first);
        let mut bytes = vec![0; last + 1 - first];
        if env.read_output(first, &mut bytes).is_err() {
            return;
        }
        for (byte, mask) in bytes.iter_mut().zip(&self.0[first..=last]) {
            *byte &= !mask;
        }
        let _ = env.write_output(first, &bytes);
    }
}

/// This poll's output writes: a copy of the output image and a mask of the bits written, so
/// that every write and read-back costs in proportion to its own length.
#[derive(Debug, Default)]
pub(crate) struct StagedOutputs {
    /// The poll's copy of the output image.
    pub(crate) bytes: Vec<u8>,
    mask: Vec<u8>,
    /// The bytes written, as one range.
    dirty: Option<(usize, usize)>,
}

impl StagedOutputs {
    /// Nothing staged, for an image of `len` bytes.
    pub(crate) fn reset(&mut self, len: usize) {
        if let Some((start, end)) = self.dirty.take() {
            self.mask[start..end].fill(0);
        }
        if self.bytes.len() != len {
            self.bytes = vec![0; len];
            self.mask = vec![0; len];
        }
    }

    /// Where the mask lies: an address to prefetch.
    pub(crate) fn mask_address(&self) -> usize {
        self.mask.as_ptr() as usize
    }

    /// The staging bytes for a write of `len` bytes at `address`, marked as written.
    pub(crate) fn write(&mut self, address: usize, len: usize) -> &mut [u8] {
        let end = address + len;
        self.mask[address..end].fill(0xff);
        self.dirty = Some(self.dirty.map_or((address, end), |(s, e)| (s.min(address), e.max(end))));
        &mut self.bytes[address..end]
    }

    /// Stages the bits `changed` of output byte `address` with their values in `new`.
    pub(crate) fn write_bits(&mut self, address: usize, new: u8, changed: u8) {
        let (Some(byte), Some(mask)) = (self.bytes.get_mut(address), self.mask.get_mut(address)) else { return };
        *byte = (*byte & !changed) | (new & changed);
        *mask |= changed;
        self.dirty = Some(self.dirty.map_or((address, address + 1), |(s, e)| (s.min(address), e.max(address + 1))));
    }

    /// The bits that laying the staged bits over `published` (the published bytes from
    /// `address` on) changes, without a copy: the staged bits that differ.
    fn changes<'a>(&'a self, address: usize, published: &'a [u8]) -> impl ExactSizeIterator<Item = u8> + 'a {
        let end = address + published.len();
        published.iter().zip(&self.bytes[address..end]).zip(&self.mask[address..end]).map(|((old, staged), mask)| (old ^ staged) & mask)
    }

    /// Lays the staged bits over `buffer`, which holds the published bytes from `address` on.
    pub(crate) fn overlay(&self, address: usize, buffer: &mut [u8]) {
        let (bytes, mask) = (&self.bytes[address..address + buffer.len()], &self.mask[address..address + buffer.len()]);
        for ((out, staged), mask) in buffer.iter_mut().zip(bytes).zip(mask) {
            *out = (*out & !mask) | (staged & mask);
        }
    }
}

/// One poll as a transaction: the clock read at its start, its staged outputs and variables,
/// its log budget. What the host functions of one instance keep between their calls.
pub(crate) struct Transaction {
    pub(crate) program: Arc<str>,
    /// The clock at the start of the poll.
    pub(crate) now: Result<Duration, EnvError>,
    pub(crate) outputs: StagedOutputs,
    /// Where the program's own copy of the image lies this poll, if it has one: the truth of
    /// the outputs it covers, for the intrinsics too.
    pub(crate) image: Option<Placed>,
    pub(crate) variables: StagedVariables,
    /// The room the variable table had when this poll first created a variable, less what
    /// the poll has created since.
    room: Option<VariableRoom>,
    /// Whether the program was told, in the log, that the variable table is full.
    told_full: bool,
    pub(crate) logs_left: u32,
    pub(crate) logs_dropped: u32,
    log_budget: u32,
    /// A buffer reused by every call that copies bytes.
    pub(crate) scratch: Vec<u8>,
    /// Bytes the current intrinsic call copied, to be charged to the CPU budget.
    pub(crate) copied: usize,
    /// Errors the program reported (`wasm_report_error`) since they were last taken.
    pub(crate) errors: u64,
    /// The variable names this instance resolved to handles: kept for its life, not per poll.
    pub(crate) handles: Handles,
}

/// The variable names an instance resolved with `wasm_variable_handle`, by handle.
#[derive(Debug, Default)]
pub(crate) struct Handles {
    names: Vec<Arc<str>>,
    by_name: HashMap<Arc<str>, u32>,
}

impl Handles {
    /// The most handles one instance may hold: as many as the variable table's default size.
    pub(crate) const MAX: usize = 4096;

    /// The handle of `name`, a new one for a new name; `None` when the instance holds
    /// [`Handles::MAX`] already.
    pub(crate) fn resolve(&mut self, name: &str) -> Option<u32> {
        if let Some(&handle) = self.by_name.get(name) {
            return Some(handle);
        }
        if self.names.len() >= Self::MAX {
            return None;
        }
        let handle = self.names.len() as u32;
        let name: Arc<str> = name.into();
        self.names.push(name.clone());
        self.by_name.insert(name, handle);
        Some(handle)
    }

    /// Where the names lie: an address to prefetch.
    pub(crate) fn address(&self) -> usize {
        self.names.as_ptr() as usize
    }

    /// Where the first name's text lies (most programs hold few handles): an address to prefetch.
    pub(crate) fn first_name_address(&self) -> usize {
        self.names.first().map_or(0, |name| name.as_ptr() as usize)
    }

    /// The name a handle stands for.
    pub(crate) fn name(&self, handle: i32) -> Option<&str> {
        self.shared(handle).map(|name| &**name)
    }

    /// The name a handle stands for, shared: to hold while the transaction is changed.
    pub(crate) fn shared(&self, handle: i32) -> Option<&Arc<str>> {
        self.names.get(handle as u32 as usize)
    }
}

impl Transaction {
    pub(crate) fn new(program: Arc<str>, log_budget: u32) -> Self {
        Transaction {
            program,
            now: Err(EnvError::Other("no poll is running".into())),
            outputs: StagedOutputs::default(),
            image: None,
            variables: StagedVariables::default(),
            room: None,
            told_full: false,
            logs_left: 0,
            logs_dropped: 0,
            log_budget,
            scratch: Vec::new(),
            copied: 0,
            errors: 0,
            handles: Handles::default(),
        }
    }

    /// Starts a transaction: reads the clock once and clears what an earlier poll staged.
    pub(crate) fn begin(&mut self, env: &mut dyn Environment) {
        self.now = env.elapsed();
        self.discard(env);
        self.logs_left = self.log_budget;
        self.logs_dropped = 0;
    }

    /// Publishes what the poll staged and adds the output bits it changed to `owned`.
    pub(crate) fn commit(&mut self, env: &mut dyn Environment, owned: &mut OwnedOutputs) {
        if let Some((start, end)) = self.outputs.dirty {
            self.scratch.resize(end - start, 0);
            match env.read_output(start, &mut self.scratch) {
                Ok(()) => {
                    owned.add(start, self.outputs.changes(start, &self.scratch));
                    self.outputs.overlay(start, &mut self.scratch);
                    if let Err(e) = env.write_output(start, &self.scratch) {
                        log::error!(target: &*self.program, "publishing outputs at {start}: {e}");
                    }
                }
                Err(e) => log::error!(target: &*self.program, "publishing outputs at {start}: {e}"),
            }
        }
        for (name, value) in self.variables.drain() {
            if let Err(e) = env.set_variable(&name, value) {
                log::error!(target: &*self.program, "publishing variable {name}: {e}");
            }
        }
        // What stays staged is cleared by the next `begin`.
    }

    /// Drops what the poll staged: a faulted poll publishes nothing.
    pub(crate) fn discard(&mut self, env: &dyn Environment) {
        self.outputs.reset(env.output_len());
        self.variables.clear();
        self.room = None;
    }


    /// A staged variable, else the environment's.
    pub(crate) fn variable(&self, env: &dyn Environment, name: &str) -> Result<Value, EnvError> {
        match self.variables.get(name) {
            Some(value) => Ok(*value),
            None => env.get_variable(name),
        }
    }

    /// Takes room for a new variable named `name`, or says (once per instance) that the
    /// table is full.
    pub(crate) fn make_room(&mut self, env: &dyn Environment, name: &str) -> Result<(), EnvError> {
        let room = self.room.get_or_insert_with(|| env.variable_room());
        if room.variables > 0 && room.name_bytes >= name.len() {
            room.variables -= 1;
            room.name_bytes -= name.len();
            return Ok(());
        }
        if !std::mem::replace(&mut self.told_full, true) {
            log::warn!(
                target: &*self.program,
                "the variable table is full: `{}` and further new variables are refused (WASM_VARIABLE_TABLE_FULL)",
                crate::intrinsics::escape_controls(name)
            );
        }
        Err(EnvError::VariableTableFull)
    }
}

