//! The log, written by a thread of its own: a message logged on the scan thread is formatted
//! and handed over without waiting (see [`Handoff`]). `RUST_LOG` filters it as env_logger's
//! does (default `info`). A program's record shows the file and line it was written at:
//! `[time ERROR tank_fill src/lib.rs:27] panicked: ...`.

use std::io::Write;
use std::sync::OnceLock;
use std::time::{Duration, SystemTime};

use log::{Log, Metadata, Record};

use crate::handoff::Handoff;

/// Messages that may wait for the writer.
const CAPACITY: usize = 1024;

struct Logger {
    filter: env_filter::Filter,
    out: Handoff,
}

static LOGGER: OnceLock<Logger> = OnceLock::new();

impl Log for Logger {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        self.filter.enabled(metadata)
    }

    fn log(&self, record: &Record<'_>) {
        if self.filter.matches(record) {
            let time = humantime::format_rfc3339_millis(SystemTime::now());
            // A program's record says where in its source it was written.
            let line = match plc_host::program_location(record) {
                Some((file, line)) => format!("[{time} {:<5} {} {file}:{line}] {}", record.level(), record.target(), record.args()),
                None => format!("[{time} {:<5} {}] {}", record.level(), record.target(), record.args()),
            };
            self.out.send(line);
        }
    }

    /// Waits for the writer (at the end of the run), and says how many messages were dropped.
    fn flush(&self) {
        self.out.flush(Duration::from_secs(2));
        let dropped = self.out.dropped();
        if dropped > 0 {
            let _ = writeln!(std::io::stderr().lock(), "{dropped} log messages were dropped: the log writer could not keep up");
        }
    }
}

/// Installs the logger; messages go to stderr, and those at `info` and above to the online
/// service's clients too ([`plc_service::logs::Tee`]). Falls back to no log if the thread
/// cannot start.
pub fn init() {
    let filter = env_filter::Builder::new().parse(&std::env::var("RUST_LOG").unwrap_or_else(|_| "info".into())).build();
    let Some(out) = Handoff::spawn("plc-log", CAPACITY, |line| {
        let _ = writeln!(std::io::stderr().lock(), "{line}");
    }) else {
        return;
    };
    let level = filter.filter();
    let logger = LOGGER.get_or_init(|| Logger { filter, out });
    // The online service's clients see the records at info and above too.
    let _ = plc_service::logs::Tee::install(Shared(logger), level);
}

/// The one logger, as the tee's inner log.
struct Shared(&'static Logger);

impl Log for Shared {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        self.0.enabled(metadata)
    }

    fn log(&self, record: &Record<'_>) {
        self.0.log(record);
    }

    fn flush(&self) {
        self.0.flush();
    }
}
