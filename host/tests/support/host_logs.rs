//! The host's own log lines, captured for the tests that check what it logs.
#![allow(dead_code)]

use std::sync::{Mutex, Once};

/// The host's log lines (target, message), for the lines a swap logs.
static LINES: Mutex<Vec<(String, String)>> = Mutex::new(Vec::new());

struct Capture;

impl log::Log for Capture {
    fn enabled(&self, _: &log::Metadata) -> bool {
        true
    }
    fn log(&self, record: &log::Record) {
        LINES.lock().unwrap().push((record.target().to_owned(), record.args().to_string()));
    }
    fn flush(&self) {}
}

/// What the host logged under `target` (a program's name: each test uses its own).
pub fn host_logs(target: &str) -> Vec<String> {
    static INIT: Once = Once::new();
    INIT.call_once(|| {
        let _ = log::set_logger(&Capture);
        log::set_max_level(log::LevelFilter::Debug);
    });
    LINES.lock().unwrap().iter().filter(|(t, _)| t == target).map(|(_, m)| m.clone()).collect()
}

