//! The process image in the program's memory: a program that exports `plc_image` reads its
//! inputs and writes its outputs as plain memory.
//!
//! Before each poll the host copies the input image into the program's input bytes and the
//! published output image into its output bytes, and keeps a copy of the latter. After a poll
//! that completes it compares the program's output bytes with that copy and stages the bits
//! that differ, bit by bit, with the poll's other writes: two programs setting different bits
//! of one byte both win, and a faulted poll publishes nothing. The descriptor and both ranges
//! are read and checked against the memory every poll: the program may not point them anywhere
//! else than its own memory.

use plc_abi::{self as abi, wasm_process_image_t as Descriptor};

use crate::environment::Environment;
use crate::fault::{Fault, FaultKind};
use crate::transaction::StagedOutputs;
use crate::tunables::GuestMemory;

/// Where this poll's image lies in the program's memory: the bytes the host copies, that is
/// the program's ranges clipped to the controller's images.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Placed {
    /// The address of the program's input bytes.
    pub(crate) inputs: u64,
    /// How many input bytes are copied in.
    pub(crate) inputs_len: usize,
    /// The address of the program's output bytes.
    pub(crate) outputs: u64,
    /// How many output bytes are copied in, and compared after the poll.
    pub(crate) outputs_len: usize,
}

impl Placed {
    /// How many of the output bytes `address..address + len` the program's image covers, from
    /// `address` on: those an intrinsic reads from and writes to the program's memory.
    pub(crate) fn outputs_covered(&self, address: usize, len: usize) -> usize {
        self.outputs_len.saturating_sub(address).min(len)
    }
}

/// The process image of one instance: where its descriptor is, and the outputs as they were
/// copied in.
#[derive(Debug)]
pub(crate) struct MemoryImage {
    /// The address of the descriptor (the value of the `plc_image` global).
    descriptor: u32,
    placed: Placed,
    /// The output bytes copied in before the poll.
    before: Vec<u8>,
    /// The output bytes as the poll left them.
    after: Vec<u8>,
    /// Whether the host said that the image is larger than the controller's.
    told: bool,
}

impl MemoryImage {
    /// The image of a program whose `plc_image` global holds `descriptor`.
    pub(crate) fn new(descriptor: u32) -> Self {
        MemoryImage { descriptor, placed: Placed::default(), before: Vec::new(), after: Vec::new(), told: false }
    }

    /// Where the image lies for a memory at `base`, and the host's copy of the outputs: the
    /// descriptor, the inputs and the outputs in the memory. Addresses to prefetch only.
    pub(crate) fn addresses(&self, base: usize) -> [usize; 4] {
        let Placed { inputs, outputs, .. } = self.placed;
        [base + self.descriptor as usize, base + inputs as usize, base + outputs as usize, self.before.as_ptr() as usize]
    }

    /// Reads and checks the descriptor, then copies the controller's inputs and published
    /// outputs into the program's memory. A descriptor or a range outside the memory is a fault.
    pub(crate) fn copy_in(&mut self, view: &GuestMemory, env: &dyn Environment, program: &str) -> Result<Placed, Fault> {
        let (placed, declared) = self.place(view, env)?;
        if (declared.inputs_len as usize > placed.inputs_len || declared.outputs_len as usize > placed.outputs_len) && !self.told {
            self.told = true;
            log::warn!(
                target: program,
                "its process image has {} input and {} output bytes, the controller's {} and {}: the bytes past the controller's are the program's own, never copied nor published",
                declared.inputs_len,
                declared.outputs_len,
                env.input_len(),
                env.output_len()
            );
        }
        self.placed = placed;
        // `after` serves as the buffer for the inputs: it is filled again after the poll.
        self.after.resize(placed.inputs_len, 0);
        self.before.resize(placed.outputs_len, 0);
        env.read_input(0, &mut self.after)
            .and_then(|()| env.read_output(0, &mut self.before))
            .map_err(|e| fault(format!("reading the controller's image: {e}")))?;
        view.write(placed.inputs, &self.after)
            .and_then(|()| view.write(placed.outputs, &self.before))
            .map_err(|e| fault(format!("writing the program's image: {e}")))?;
        Ok(placed)
    }

    /// After a poll that completed: stages the output bits the program changed in its memory.
    pub(crate) fn stage_changes(&mut self, view: &GuestMemory, staged: &mut StagedOutputs) -> Result<(), Fault> {
        let Placed { outputs, outputs_len, .. } = self.placed;
        self.after.resize(outputs_len, 0);
        view.read(outputs, &mut self.after).map_err(|e| fault(format!("reading the outputs: {e}")))?;
        for (address, (old, new)) in self.before.iter().zip(&self.after).enumerate() {
            let changed = old ^ new;
            if changed != 0 {
                staged.write_bits(address, *new, changed);
            }
        }
        Ok(())
    }

    /// The descriptor's ranges, checked against the memory and clipped to the images.
    fn place(&self, view: &GuestMemory, env: &dyn Environment) -> Result<(Placed, Descriptor), Fault> {
        let mut raw = [0u8; Descriptor::SIZE];
        view.read(u64::from(self.descriptor), &mut raw).map_err(|_| {
            fault(format!("the descriptor `{}` points to {:#x}, outside the program's memory", abi::PROCESS_IMAGE_EXPORT, self.descriptor))
        })?;
        let d = Descriptor::from_le_bytes(raw);
        let size = view.data_size();
        let check = |what: &str, at: u32, len: u32| {
            if u64::from(at) + u64::from(len) <= size {
                Ok(u64::from(at))
            } else {
                Err(fault(format!("the {what} image ({len} bytes at {at:#x}) lies outside the program's memory ({size} bytes)")))
            }
        };
        let placed = Placed {
            inputs: check("input", d.inputs, d.inputs_len)?,
            inputs_len: env.input_len().min(d.inputs_len as usize),
            outputs: check("output", d.outputs, d.outputs_len)?,
            outputs_len: env.output_len().min(d.outputs_len as usize),
        };
        Ok((placed, d))
    }
}

fn fault(message: String) -> Fault {
    Fault::new(FaultKind::ProcessImage, format!("process image: {message}"))
}
