//! What happens to a program between its polls: where it stands, its faults, its backoff.

use std::fmt;

use crate::fault::Fault;
use crate::limits::FaultPolicy;

/// Where a program stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Status {
    /// Polled every scan.
    Running,
    /// Stopped by a fault; see [`Program::last_fault`](crate::Program::last_fault).
    Faulted,
    /// Stopped on purpose ([`Program::stop`](crate::Program::stop)).
    Stopped,
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Status::Running => "running",
            Status::Faulted => "faulted",
            Status::Stopped => "stopped",
        })
    }
}

/// A program's supervisor: its status, its last fault, and the restart backoff.
#[derive(Debug)]
pub(crate) struct Supervisor {
    pub(crate) status: Status,
    pub(crate) last_fault: Option<Fault>,
    /// Faults since the last good poll.
    faults_in_a_row: u32,
    /// Polls still to sit out before a restart.
    backoff: u32,
}

impl Supervisor {
    pub(crate) fn new() -> Self {
        Supervisor { status: Status::Running, last_fault: None, faults_in_a_row: 0, backoff: 0 }
    }

    /// Whether this poll should run: the program runs and has no backoff left to sit out
    /// (a poll sat out counts down the backoff).
    pub(crate) fn ready(&mut self) -> bool {
        if self.status != Status::Running {
            return false;
        }
        if self.backoff > 0 {
            self.backoff -= 1;
            return false;
        }
        true
    }

    /// A good poll: the faults in a row end.
    pub(crate) fn succeeded(&mut self) {
        self.faults_in_a_row = 0;
    }

    /// A fault: under [`FaultPolicy::Stop`] the program stays faulted; under
    /// [`FaultPolicy::Restart`] it runs again after sitting out 2^(n-1) - 1 polls for the n-th
    /// fault in a row, at most `backoff_max`.
    pub(crate) fn faulted(&mut self, fault: &Fault, policy: FaultPolicy, backoff_max: u32) {
        self.faults_in_a_row = self.faults_in_a_row.saturating_add(1);
        self.last_fault = Some(fault.clone());
        self.status = match policy {
            FaultPolicy::Stop => Status::Faulted,
            FaultPolicy::Restart => {
                let exponent = (self.faults_in_a_row - 1).min(31);
                self.backoff = ((1u64 << exponent) - 1).min(u64::from(backoff_max)) as u32;
                Status::Running
            }
        };
    }

    /// Started by an operator: running, with no backoff.
    pub(crate) fn started(&mut self) {
        self.status = Status::Running;
        self.backoff = 0;
        self.faults_in_a_row = 0;
    }

    /// Stopped by an operator.
    pub(crate) fn stopped(&mut self) {
        self.status = Status::Stopped;
    }
}
