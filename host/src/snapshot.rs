//! What an observer sees of the controller between two scans.

use std::time::Duration;

use crate::environment::Value;
use crate::fault::Fault;
use crate::forces::Force;
use crate::program::Program;
use crate::scheduler::CycleStats;
use crate::stats::ProgramStats;
use crate::supervisor::Status;

/// The controller as it stood after a scan.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Snapshot {
    /// Completed scans.
    pub scans: u64,
    /// The controller's clock when it was taken.
    pub elapsed: Duration,
    /// Every program, in scan order.
    pub programs: Vec<ProgramSnapshot>,
    /// The input image.
    pub inputs: Vec<u8>,
    /// The published output image.
    pub outputs: Vec<u8>,
    /// Every variable, as the environment lists them.
    pub variables: Vec<(String, Value)>,
    /// The forces in effect, in the order they were set (the images and variables above
    /// show their values).
    pub forces: Vec<Force>,
    /// The scan cycle's statistics (wake-up lateness among them), as last recorded with
    /// [`Controller::record_cycle`](crate::Controller::record_cycle).
    pub cycle: CycleStats,
}

/// One program in a [`Snapshot`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ProgramSnapshot {
    /// Its name.
    pub name: String,
    /// Where it stands.
    pub status: Status,
    /// Its statistics.
    pub stats: ProgramStats,
    /// Its last fault.
    pub last_fault: Option<Fault>,
    /// The SHA-256 of its module's bytes.
    pub sha256: [u8; 32],
}

impl ProgramSnapshot {
    pub(crate) fn of(program: &Program) -> Self {
        ProgramSnapshot {
            name: program.name().to_owned(),
            status: program.status(),
            stats: *program.stats(),
            last_fault: program.last_fault().cloned(),
            sha256: *program.sha256(),
        }
    }
}
