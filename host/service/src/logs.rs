//! Log records for the clients: a logger that passes every record to the process's own logger
//! (stderr) and copies those at `info` and above into a bounded channel, never waiting: when
//! the channel is full the record is dropped and counted. The scan thread logs through it
//! (program messages, faults, online changes), so it must never block.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, SyncSender};
use std::sync::OnceLock;
use std::time::{SystemTime, UNIX_EPOCH};

use log::{LevelFilter, Log, Metadata, Record};
use serde::Serialize;

/// Records waiting for the service at most; past that they are dropped and counted.
pub const CHANNEL_RECORDS: usize = 1024;

/// One log record, as the clients see it.
#[derive(Debug, Clone, Serialize)]
pub struct LogLine {
    /// `ERROR`, `WARN` or `INFO`.
    pub level: &'static str,
    /// Who logged it: a program's name, or the host's module.
    pub target: String,
    /// The text.
    pub message: String,
    /// When, in milliseconds since the Unix epoch.
    pub time_ms: u64,
    /// Where a program's record was written: its source file and line (none for the host's).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// The line in [`file`](Self::file).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
}

static SINK: OnceLock<SyncSender<LogLine>> = OnceLock::new();
static DROPPED: AtomicU64 = AtomicU64::new(0);

/// Records dropped because the channel was full.
pub fn dropped() -> u64 {
    DROPPED.load(Ordering::Relaxed)
}

/// The receiving end of the channel, the first time it is asked for (one service per
/// process); `None` after.
pub fn subscribe() -> Option<Receiver<LogLine>> {
    let (sink, records) = mpsc::sync_channel(CHANNEL_RECORDS);
    SINK.set(sink).ok().map(|()| records)
}

/// The logger: `inner` for the process, and a copy for the service.
pub struct Tee<L> {
    inner: L,
    inner_level: LevelFilter,
}

impl<L: Log + 'static> Tee<L> {
    /// Installs it as the process's logger, `inner` keeping the records its filter lets
    /// through (up to `inner_level`); the service sees every record at `info` and above.
    pub fn install(inner: L, inner_level: LevelFilter) -> Result<(), log::SetLoggerError> {
        log::set_boxed_logger(Box::new(Tee { inner, inner_level }))?;
        log::set_max_level(inner_level.max(LevelFilter::Info));
        Ok(())
    }
}

impl<L: Log> Log for Tee<L> {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        metadata.level() <= log::Level::Info || self.inner.enabled(metadata)
    }

    fn log(&self, record: &Record<'_>) {
        if record.level() <= self.inner_level && self.inner.enabled(record.metadata()) {
            self.inner.log(record);
        }
        if record.level() > log::Level::Info {
            return;
        }
        let Some(sink) = SINK.get() else { return };
        let location = plc_host::program_location(record);
        let line = LogLine {
            level: record.level().as_str(),
            target: record.target().to_owned(),
            message: record.args().to_string(),
            time_ms: SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX)),
            file: location.map(|(file, _)| file.to_owned()),
            line: location.map(|(_, line)| line),
        };
        if sink.try_send(line).is_err() {
            DROPPED.fetch_add(1, Ordering::Relaxed);
        }
    }

    fn flush(&self) {
        self.inner.flush();
    }
}
