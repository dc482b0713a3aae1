//! Saving retained values off the scan thread: a writer thread fed through a bounded channel.

use std::sync::mpsc::{self, Receiver, SyncSender, TrySendError};
use std::thread::JoinHandle;
use std::time::Duration;

use super::{values, wanted, Store};
use crate::controller::Controller;
use crate::environment::{Environment, Value};

/// Saves waiting for the writer at most; one more is dropped and counted.
const QUEUE: usize = 2;

/// What the saves came to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SaverReport {
    /// Transactions written.
    pub saves: u64,
    /// Saves dropped because the writer was still busy with earlier ones.
    pub dropped: u64,
    /// Transactions that failed.
    pub failed: u64,
    /// The last failure.
    pub last_error: Option<String>,
}

type Values = Vec<(String, Value)>;

/// Hands the retained values to a writer thread at each save interval; the scan thread never
/// waits for it.
pub struct Saver {
    sender: SyncSender<Values>,
    writer: JoinHandle<SaverReport>,
    configured: Vec<String>,
    interval: Duration,
    next: Duration,
    dropped: u64,
}

impl std::fmt::Debug for Saver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Saver").field("interval", &self.interval).field("dropped", &self.dropped).finish_non_exhaustive()
    }
}

fn write(store: Store, values: Receiver<Values>) -> SaverReport {
    let mut report = SaverReport::default();
    for batch in values {
        match store.save(&batch) {
            Ok(()) => {
                if report.last_error.take().is_some() {
                    log::info!("retain store {}: saving again", store.path().display());
                }
                report.saves += 1;
            }
            Err(e) => {
                if report.last_error.is_none() {
                    log::error!("retain store {}: cannot save: {e}", store.path().display());
                }
                report.failed += 1;
                report.last_error = Some(e.to_string());
            }
        }
    }
    report
}

impl Saver {
    /// Starts the writer thread on `store`; saves every `interval` the variables the programs
    /// declare retained, and those `configured` by name. Returns `None` if the thread cannot
    /// be started (logged).
    pub fn spawn(store: Store, interval: Duration, configured: Vec<String>) -> Option<Saver> {
        let (sender, receiver) = mpsc::sync_channel(QUEUE);
        let writer = std::thread::Builder::new()
            .name("plc-retain".into())
            .spawn(move || write(store, receiver))
            .map_err(|e| log::error!("cannot start the retain writer: {e}"))
            .ok()?;
        Some(Saver { sender, writer, configured, interval, next: interval, dropped: 0 })
    }

    /// Between two scans, at `now` on the controller's clock: once per interval, reads the
    /// retained values and offers them to the writer without waiting (dropped and counted if
    /// it is still busy).
    pub fn tick<E: Environment>(&mut self, controller: &Controller<E>, now: Duration) {
        if now < self.next {
            return;
        }
        self.next = now.saturating_add(self.interval);
        let batch = values(controller.env(), &wanted(controller, &self.configured));
        match self.sender.try_send(batch) {
            Ok(()) => {}
            Err(TrySendError::Full(_)) => self.dropped += 1,
            Err(TrySendError::Disconnected(_)) => self.dropped += 1,
        }
    }

    /// The last save (waiting for room, at the end of the run), then waits for the writer.
    pub fn finish<E: Environment>(self, controller: &Controller<E>) -> SaverReport {
        let batch = values(controller.env(), &wanted(controller, &self.configured));
        let _ = self.sender.send(batch); // a writer gone has reported its failure
        drop(self.sender);
        let mut report = self.writer.join().unwrap_or_else(|_| SaverReport {
            failed: 1,
            last_error: Some("the retain writer panicked".into()),
            ..SaverReport::default()
        });
        report.dropped += self.dropped;
        report
    }
}
