//! Retained variables in `run`: the store named by `retain = "plc.redb"` (or `--retain`), the
//! names of `retained = [...]` besides those the programs declare, the warm (or `--cold`)
//! start before the first scan, the saves between scans and the last one at the end.

use std::path::PathBuf;
use std::time::Duration;

use plc_host::retain::{self, Saver, WarmStart};
use plc_host::Controller;
use serde::Serialize;

/// How often the retained variables are saved unless told.
const DEFAULT_INTERVAL: Duration = Duration::from_secs(1);
/// The save intervals `run` accepts.
const INTERVAL: std::ops::RangeInclusive<Duration> = Duration::from_millis(1)..=Duration::from_secs(3600);

/// The flags of retained variables; each overrides the file.
#[derive(clap::Args)]
pub struct RetainArgs {
    /// The store of retained variables, a redb file (created if missing): restored before the
    /// first scan, saved while running and at the end.
    #[arg(long, value_name = "FILE")]
    retain: Option<PathBuf>,
    /// A variable to retain besides those the programs declare (repeat it for more).
    #[arg(long = "retained", value_name = "NAME")]
    retained: Vec<String>,
    /// How often the retained variables are saved, 1ms to 1h [default: 1s].
    #[arg(long, value_name = "DURATION")]
    retain_interval: Option<String>,
    /// Start from the defaults: the store's values are not restored, and are cleared.
    #[arg(long)]
    cold: bool,
}

/// The settings of retained variables in the file.
#[derive(Debug, Default)]
pub struct RetainConfig {
    /// `retain`, relative to the file's folder.
    pub store: Option<PathBuf>,
    /// `retained`.
    pub retained: Vec<String>,
    /// `retain_interval`.
    pub interval: Option<String>,
}

/// Where and how often to retain.
#[derive(Debug, Clone)]
pub struct RetainSettings {
    store: Option<PathBuf>,
    retained: Vec<String>,
    interval: Duration,
    cold: bool,
}

impl RetainArgs {
    /// The settings: flags, else the file; in range.
    pub fn settings(self, file: RetainConfig) -> Result<RetainSettings, String> {
        let interval = match self.retain_interval.or(file.interval) {
            Some(text) => humantime::parse_duration(&text).map_err(|e| format!("retain_interval `{text}`: {e}"))?,
            None => DEFAULT_INTERVAL,
        };
        if !INTERVAL.contains(&interval) {
            return Err(format!("retain_interval {} is out of range (1ms to 1h)", humantime::format_duration(interval)));
        }
        let retained = if self.retained.is_empty() { file.retained } else { self.retained };
        Ok(RetainSettings { store: self.retain.or(file.store), retained, interval, cold: self.cold })
    }
}

/// `retain` in the summary.
#[derive(Serialize)]
pub struct RetainReport {
    store: PathBuf,
    /// Whether the values were restored (a warm start).
    warm: bool,
    restored: Vec<String>,
    /// Why the run started cold.
    cold: Option<String>,
    /// Where an unreadable store was moved.
    set_aside: Option<PathBuf>,
    messages: Vec<String>,
    saves: u64,
    dropped: u64,
    failed: u64,
    last_error: Option<String>,
}

/// Retaining during a run.
pub struct Retaining {
    saver: Option<Saver>,
    report: RetainReport,
}

impl Retaining {
    /// The warm start (or the cold one) into the controller's environment, and the writer
    /// thread; `None` when no store is configured. Call it before the first scan.
    pub fn start(settings: &RetainSettings, controller: &mut Controller) -> Option<Retaining> {
        let Some(store) = settings.store.as_ref() else {
            if settings.cold {
                log::warn!("--cold: no store of retained variables (retain = \"FILE\" or --retain FILE): every run starts cold");
            }
            return None;
        };
        let wanted = retain::wanted(controller, &settings.retained);
        let WarmStart { store: open, restored, cold, set_aside, messages } = retain::warm_start(store, settings.cold, &wanted, controller.env_mut());
        if cold.is_none() {
            log::info!("warm start: {} retained variables restored from {}", restored.len(), store.display());
        }
        let saver = open.and_then(|open| Saver::spawn(open, settings.interval, settings.retained.clone()));
        let report = RetainReport {
            store: store.clone(),
            warm: cold.is_none(),
            restored,
            cold,
            set_aside,
            messages,
            saves: 0,
            dropped: 0,
            failed: 0,
            last_error: None,
        };
        Some(Retaining { saver, report })
    }

    /// Between two scans: saves at each interval, never waiting.
    pub fn tick(&mut self, controller: &Controller, now: Duration) {
        if let Some(saver) = &mut self.saver {
            saver.tick(controller, now);
        }
    }

    /// The last save, after the last scan; the report.
    pub fn finish(mut self, controller: &Controller) -> RetainReport {
        if let Some(saver) = self.saver.take() {
            let saved = saver.finish(controller);
            self.report.saves = saved.saves;
            self.report.dropped = saved.dropped;
            self.report.failed = saved.failed;
            self.report.last_error = saved.last_error;
        }
        self.report
    }
}
