//! The simulated controller: runs a program natively, in-process, for plain `cargo test`.
//!
//! On every target but `wasm32` (and in the SDK's own tests on `wasm32`) the intrinsics that
//! [`crate::ffi`] imports are defined here, on a per-thread controller. A [`Simulator`] resets
//! that controller and drives it: set inputs, move the clock, run scans, read outputs,
//! variables and logs. Tests run in parallel threads, so each test sees its own controller.
//!
//! ```
//! use plc_sdk::prelude::*;
//! use plc_sdk::sim::Simulator;
//!
//! static IMAGE: ProcessImage<0, 1> = ProcessImage::new();
//! const LED: OutputBit = IMAGE.output_bit(0, 0);
//!
//! #[plc_program(image = IMAGE)]
//! fn blink(delay: &mut Ton) {
//!     if delay.call(true, Duration::from_millis(500)) {
//!         LED.toggle();
//!         *delay = Ton::default();
//!     }
//! }
//!
//! let mut sim = Simulator::new();
//! sim.run(poll, Duration::from_millis(100), 6); // t = 0 ms .. 500 ms
//! assert!(sim.output_bit(0, 0));
//! ```
//!
//! Unlike the real host, the simulator publishes outputs at once and keeps no CPU or memory
//! budget; it is for checking a program's logic, the host's own tests check the rest.

extern crate std;

use core::any::{Any, TypeId};
use core::time::Duration;
use std::boxed::Box;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::string::String;
use std::vec::Vec;

use crate::error::Error;
use crate::ffi::{ImageDescriptor, ImageRange};
use crate::logging::Level;

mod args;
mod images;
mod log;
mod state;
mod variables;

use args::{bytes, bytes_mut, BAD_TYPE, GENERIC, OK, UNKNOWN};
pub use state::{StateRecord, StateSwap};

/// The size of each process image of a new [`Simulator`], in bytes.
pub const DEFAULT_IMAGE_SIZE: usize = 64;

/// The value of a global variable.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value {
    /// A `bool` variable.
    Bool(bool),
    /// An `i32` variable.
    Int(i32),
    /// An `f64` variable.
    Double(f64),
}

impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Value::Bool(v)
    }
}
impl From<i32> for Value {
    fn from(v: i32) -> Self {
        Value::Int(v)
    }
}
impl From<f64> for Value {
    fn from(v: f64) -> Self {
        Value::Double(v)
    }
}

/// One message a program logged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogRecord {
    /// Its level.
    pub level: Level,
    /// The source file it was logged from.
    pub file: String,
    /// The line it was logged from.
    pub line: u32,
    /// The text.
    pub message: String,
}

struct Controller {
    inputs: Vec<u8>,
    outputs: Vec<u8>,
    time: Duration,
    variables: BTreeMap<String, Value>,
    logs: Vec<LogRecord>,
    states: Vec<(TypeId, Box<dyn Any>)>,
    /// Calls of `wasm_report_error`.
    errors: u64,
    /// The last scan's error of each program returning `Result`, by the program's file and line.
    outcomes: BTreeMap<(&'static str, u32), Error>,
    /// A state being saved or loaded ([`Simulator::swap`]).
    carry: state::Carry,
    /// The output bytes of the program's own image, during a scan of a program that has one.
    image: Option<ImageRange>,
}

impl Controller {
    fn new(inputs: usize, outputs: usize) -> Self {
        Controller {
            inputs: std::vec![0; inputs],
            outputs: std::vec![0; outputs],
            time: Duration::ZERO,
            variables: BTreeMap::new(),
            logs: Vec::new(),
            states: Vec::new(),
            errors: 0,
            outcomes: BTreeMap::new(),
            carry: state::Carry::default(),
            image: None,
        }
    }
}

std::thread_local! {
    static CONTROLLER: RefCell<Controller> = RefCell::new(Controller::new(DEFAULT_IMAGE_SIZE, DEFAULT_IMAGE_SIZE));
}

fn with<R>(f: impl FnOnce(&mut Controller) -> R) -> R {
    CONTROLLER.with(|c| f(&mut c.borrow_mut()))
}

/// A handle on this thread's simulated controller. Creating one resets it.
#[derive(Debug)]
pub struct Simulator {
    // Bound to the thread whose controller it drives.
    _not_send: core::marker::PhantomData<*const ()>,
}

impl Default for Simulator {
    fn default() -> Self {
        Simulator::new()
    }
}

impl Simulator {
    /// A fresh controller: [`DEFAULT_IMAGE_SIZE`] bytes of inputs and outputs, all zero, the
    /// clock at zero, no variables, no logs, and every program's state back to `Default`.
    pub fn new() -> Self {
        Simulator::with_image_sizes(DEFAULT_IMAGE_SIZE, DEFAULT_IMAGE_SIZE)
    }

    /// A fresh controller with process images of the given sizes.
    pub fn with_image_sizes(inputs: usize, outputs: usize) -> Self {
        with(|c| *c = Controller::new(inputs, outputs));
        Simulator { _not_send: core::marker::PhantomData }
    }

    /// Runs one scan: calls the program's `poll`.
    pub fn scan(&mut self, poll: impl FnOnce()) {
        poll();
    }

    /// Runs `scans` scans, `cycle` apart: scan, then advance the clock, and so on.
    pub fn run(&mut self, mut poll: impl FnMut(), cycle: Duration, scans: usize) {
        for _ in 0..scans {
            poll();
            self.advance(cycle);
        }
    }

    /// Replaces the input image from its first byte (bytes past `bytes` keep their values).
    ///
    /// # Panics
    /// When `bytes` is longer than the input image.
    pub fn set_inputs(&mut self, bytes: &[u8]) {
        self.set_input(0, bytes);
    }

    /// Writes `bytes` into the input image at `address`.
    ///
    /// # Panics
    /// When the range is outside the input image.
    pub fn set_input(&mut self, address: usize, bytes: &[u8]) {
        with(|c| c.inputs[address..address + bytes.len()].copy_from_slice(bytes));
    }

    /// Sets one bit of the input image.
    pub fn set_input_bit(&mut self, byte: usize, bit: u8, value: bool) {
        with(|c| {
            let mask = 1u8 << bit;
            let b = &mut c.inputs[byte];
            *b = if value { *b | mask } else { *b & !mask };
        });
    }

    /// Replaces the output image from its first byte, as another program or an operator
    /// would between two scans (bytes past `bytes` keep their values).
    ///
    /// # Panics
    /// When `bytes` is longer than the output image.
    pub fn set_outputs(&mut self, bytes: &[u8]) {
        with(|c| c.outputs[..bytes.len()].copy_from_slice(bytes));
    }

    /// The whole output image.
    pub fn outputs(&self) -> Vec<u8> {
        with(|c| c.outputs.clone())
    }

    /// One bit of the output image.
    pub fn output_bit(&self, byte: usize, bit: u8) -> bool {
        with(|c| c.outputs[byte] & (1 << bit) != 0)
    }

    /// Sets the clock.
    pub fn set_time(&mut self, since_start: Duration) {
        with(|c| c.time = since_start);
    }

    /// Moves the clock forward.
    pub fn advance(&mut self, by: Duration) {
        with(|c| c.time += by);
    }

    /// The clock.
    pub fn time(&self) -> Duration {
        with(|c| c.time)
    }

    /// Creates or overwrites a variable (of any type: this is the test's hand, not a program's).
    pub fn set_variable(&mut self, name: &str, value: impl Into<Value>) {
        with(|c| c.variables.insert(name.into(), value.into()));
    }

    /// A variable's value, if it exists.
    pub fn variable(&self, name: &str) -> Option<Value> {
        with(|c| c.variables.get(name).copied())
    }

    /// Every message logged since the last call, oldest first.
    pub fn take_logs(&mut self) -> Vec<LogRecord> {
        with(|c| core::mem::take(&mut c.logs))
    }

    /// How many errors the program reported to the controller (`wasm_report_error`): for a
    /// `#[plc_program]` returning `Result`, how many scans returned `Err`. The real host counts
    /// them the same way (`plc_host::Program::errors`).
    pub fn errors(&self) -> u64 {
        with(|c| c.errors)
    }
}

/// Runs `f` on the program state of type `S`, creating it with `Default` on first use.
/// Runs one scan of a program with a process image, as the controller does: copies the
/// inputs and outputs into the program's image, runs `scan`, and publishes the output bits it
/// changed. Scans of images run one at a time in the whole process (tests run in parallel
/// threads, and a program's image is a `static`). Generated by `#[plc_program(image = ...)]`.
#[doc(hidden)]
pub fn with_image<R>(descriptor: &'static ImageDescriptor, scan: impl FnOnce() -> R) -> R {
    static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let (inputs, outputs) = (descriptor.inputs(), descriptor.outputs());
    let before = with(|c| {
        inputs.write(0, &c.inputs);
        outputs.write(0, &c.outputs);
        c.image = Some(outputs);
        c.outputs[..outputs.len().min(c.outputs.len())].to_vec()
    });
    let result = scan();
    let mut after = std::vec![0; before.len()];
    outputs.read(0, &mut after);
    with(|c| {
        c.image = None;
        for ((published, old), new) in c.outputs.iter_mut().zip(&before).zip(&after) {
            let changed = old ^ new;
            *published = (*published & !changed) | (new & changed);
        }
    });
    result
}

pub(crate) fn with_state<S: Default + 'static, R>(f: impl FnOnce(&mut S) -> R) -> Option<R> {
    let id = TypeId::of::<S>();
    // Taken out while the program runs, so that the program can call intrinsics.
    let taken = with(|c| c.states.iter().position(|(t, _)| *t == id).map(|i| c.states.swap_remove(i).1));
    let mut state: Box<dyn Any> = taken.unwrap_or_else(|| Box::new(S::default()));
    let result = state.downcast_mut::<S>().map(f);
    with(|c| c.states.push((id, state)));
    result
}

/// Records the error of this scan of the program defined at `program` (file, line) and
/// returns the previous scan's.
pub(crate) fn replace_outcome(program: (&'static str, u32), now: Option<Error>) -> Option<Error> {
    with(|c| match now {
        Some(error) => c.outcomes.insert(program, error),
        None => c.outcomes.remove(&program),
    })
}

#[cfg(test)]
mod tests {
    //! The safe wrappers of `crate::ffi` against the simulated controller: on wasm32 (under
    //! wasm-bindgen-test) this checks the pointer and length handling at 32 bits.
    use super::*;
    use crate::prelude::*;

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn io_round_trips_and_checks_bounds() {
        let mut sim = Simulator::with_image_sizes(4, 4);
        sim.set_inputs(&[1, 2, 0x34, 0x12]);
        assert_eq!(io::input::<u16>(2), Some(0x1234));
        assert_eq!(io::input::<i8>(0), Some(1));
        assert_eq!(io::input::<u32>(1), None);
        assert_eq!(io::input_bit(1, 1), Some(true));
        assert_eq!(io::input_bit(1, 8), None);
        assert_eq!(io::set_output_bit(0, 8, true), Err(Error::AddressOutOfBounds));
        io::set_output::<f32>(0, 1.5).unwrap();
        assert_eq!(sim.outputs(), 1.5f32.to_le_bytes());
        assert_eq!(io::output::<f32>(0), Some(1.5));
        assert_eq!(write_output(3, &[1, 2]), Err(Error::AddressOutOfBounds));
        assert_eq!(write_output(u32::MAX, &[1]), Err(Error::AddressOutOfBounds));
        let mut empty = [0u8; 0];
        assert_eq!(read_input(4, &mut empty), Ok(()));
    }

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn output_bits_keep_their_neighbours() {
        let sim = Simulator::with_image_sizes(1, 1);
        io::set_output_bit(0, 7, true).unwrap();
        io::set_output_bit(0, 0, true).unwrap();
        io::set_output_bit(0, 7, false).unwrap();
        assert_eq!(sim.outputs(), [0b0000_0001]);
        assert_eq!(io::output_bit(0, 0), Some(true));
    }

    static IMAGE: ProcessImage<2, 2> = ProcessImage::new();
    const SWITCH: InputBit = IMAGE.input_bit(1, 2);
    const WORD: Input<i16> = IMAGE.input(0);
    const LAMP: OutputBit = IMAGE.output_bit(0, 1);
    const GAUGE: Output<u8> = IMAGE.output(1);

    /// A scan of a program with an image: the handles read what the simulator set, and
    /// only the bits the scan changed are published; the fallible functions see the same
    /// image as the handles.
    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn an_image_is_copied_in_and_its_changed_bits_published() {
        static DESCRIPTOR: ImageDescriptor = IMAGE.descriptor();
        let mut sim = Simulator::with_image_sizes(2, 3);
        sim.set_inputs(&[0xfe, 0b100]);
        with_image(&DESCRIPTOR, || {
            assert!(SWITCH.is_high());
            assert_eq!(WORD.get(), i16::from_le_bytes([0xfe, 0b100]));
            LAMP.set_high();
            assert_eq!(io::output_bit(0, 1), Some(true)); // the handle's write, read back
            io::set_output::<u8>(1, 7).unwrap(); // covered by the image: seen by the handle
            assert_eq!(GAUGE.get(), 7);
            io::set_output::<u8>(2, 9).unwrap(); // past the image: published directly
        });
        assert_eq!(sim.outputs(), [0b10, 7, 9]);
        // Another writer sets bit 0 between scans; the next scan toggles bit 1 only.
        let mut outputs = sim.outputs();
        outputs[0] |= 1;
        sim.set_outputs(&outputs);
        with_image(&DESCRIPTOR, || {
            assert!(LAMP.get());
            LAMP.toggle();
        });
        assert_eq!(sim.outputs(), [0b01, 7, 9]);
    }

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn variables_keep_their_type() {
        let mut sim = Simulator::new();
        static SPEED: Variable<f64> = Variable::new("speed");
        static ON: Variable<bool> = Variable::new("on");
        static N: Variable<i32> = Variable::new("n");
        assert_eq!(SPEED.get(), Err(Error::UnknownVariable));
        SPEED.set(2.5).unwrap();
        ON.set(true).unwrap();
        N.set(-7).unwrap();
        assert_eq!((SPEED.get(), ON.get(), N.get()), (Ok(2.5), Ok(true), Ok(-7)));
        assert_eq!(Variable::<i32>::new("speed").get(), Err(Error::BadVariableType));
        assert_eq!(Variable::<bool>::new("n").set(true), Err(Error::BadVariableType));
        assert_eq!(sim.variable("speed"), Some(Value::Double(2.5)));
        sim.set_variable("n", 3);
        assert_eq!(N.get(), Ok(3));
    }

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn logs_carry_level_file_line_and_a_truncation_marker() {
        let mut sim = Simulator::new();
        info!("x = {}", 42);
        let line = line!() - 1;
        warn!("{}", "é".repeat(200)); // 400 bytes: over the buffer
        let logs = sim.take_logs();
        assert_eq!(logs[0].level, Level::Info);
        assert_eq!(logs[0].message, "x = 42");
        assert_eq!((logs[0].file.as_str(), logs[0].line), (file!(), line));
        assert_eq!(logs[1].level, Level::Warn);
        assert!(logs[1].message.len() <= crate::logging::MESSAGE_CAPACITY);
        assert!(logs[1].message.ends_with(crate::logging::TRUNCATION_MARKER), "{}", logs[1].message);
        assert!(sim.take_logs().is_empty());
    }

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn time_reads_the_controller_clock() {
        let mut sim = Simulator::new();
        sim.set_time(Duration::new(5, 250));
        let start = Instant::now();
        assert_eq!(Instant::since_start(), Duration::new(5, 250));
        sim.advance(Duration::from_millis(1500));
        assert_eq!(start.elapsed(), Duration::from_millis(1500));
        assert_eq!(start + Duration::from_secs(1) - start, Duration::from_secs(1));
        assert_eq!(start - Instant::now(), Duration::ZERO, "saturates");
    }
}
