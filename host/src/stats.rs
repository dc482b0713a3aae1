//! What a PLC task monitor shows of one program.

use std::time::Duration;

/// A program's statistics since it was loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct ProgramStats {
    /// Completed polls.
    pub polls: u64,
    /// Faults so far.
    pub faults: u64,
    /// How long the last poll took (wall time, `init` included).
    pub last_poll: Duration,
    /// The longest poll so far.
    pub max_poll: Duration,
    /// Errors the program reported (`wasm_report_error`; a `#[plc_program]` returning `Result`
    /// reports each scan that returns `Err`). Not faults: the program keeps running. The count
    /// goes on across faults and restarts.
    pub errors: u64,
}

impl ProgramStats {
    /// Records a poll that took `time` (good or faulted).
    pub(crate) fn polled(&mut self, time: Duration) {
        self.last_poll = time;
        self.max_poll = self.max_poll.max(time);
    }
}
