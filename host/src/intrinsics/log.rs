//! `wasm_log`: a guest's message into the host's log, cut on a character boundary and with its
//! control characters escaped.

use plc_abi::{self as abi, wasm_log_level};
use wasmer::RuntimeError;

use super::{guest_range, pay, with_memory, Env, GENERIC, OK};
use crate::environment::LogRecord;

/// Source file names longer than this are cut.
const MAX_FILE_NAME_LEN: u64 = 1024;

/// Guest text as UTF-8 (invalid sequences replaced). `kept` is what the host read of a text of
/// `len` bytes: when it was cut, a character split by the cut is dropped, not replaced.
fn cut_text(kept: &[u8], len: usize) -> std::borrow::Cow<'_, str> {
    let whole = if kept.len() < len {
        match std::str::from_utf8(kept) {
            Err(e) if e.error_len().is_none() => &kept[..e.valid_up_to()],
            _ => kept,
        }
    } else {
        kept
    };
    String::from_utf8_lossy(whole)
}

/// `text` with its control characters escaped (`\n`, `\u{1b}`, ...): a program cannot forge
/// a line of the host's log.
pub(crate) fn escape_controls(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return text.into();
    }
    text.chars()
        .map(|c| if c.is_control() { c.escape_default().to_string() } else { c.to_string() })
        .collect::<String>()
        .into()
}

/// Where a program's log record was written (its source file and line, as the program passed
/// them), or `None` for a record the host itself logged. A program's records carry no module
/// path, which the `log` macros always set; a program that passed no file has no location.
pub fn program_location<'a>(record: &log::Record<'a>) -> Option<(&'a str, u32)> {
    match (record.module_path(), record.file(), record.line()) {
        (None, Some(file), Some(line)) if !file.is_empty() => Some((file, line)),
        _ => None,
    }
}

pub(super) fn wasm_log(mut env: Env<'_>, level: i32, file: i32, file_len: i32, line: i32, message: i32, message_len: i32) -> Result<i32, RuntimeError> {
    let code = with_memory(env.as_mut(), |tx, env, view| {
        if tx.logs_left == 0 {
            tx.logs_dropped += 1;
            return GENERIC;
        }
        let level = match wasm_log_level::from_code(level) {
            Some(wasm_log_level::LOG_ERROR) => log::Level::Error,
            Some(wasm_log_level::LOG_WARN) => log::Level::Warn,
            Some(wasm_log_level::LOG_INFO) => log::Level::Info,
            Some(wasm_log_level::LOG_DEBUG) => log::Level::Debug,
            Some(wasm_log_level::LOG_TRACE) => log::Level::Trace,
            None => return GENERIC,
        };
        let (Some(file), Some(message)) = (guest_range(view, file, file_len), guest_range(view, message, message_len)) else {
            return GENERIC;
        };
        // Read through the scratch buffer: one allocation per string, for the record itself.
        let mut text = |(start, len): (u64, usize), max: u64| {
            tx.scratch.resize(len.min(max as usize), 0);
            tx.copied += tx.scratch.len();
            view.read(start, &mut tx.scratch).map(|()| escape_controls(&cut_text(&tx.scratch, len)).into_owned())
        };
        let (Ok(file), Ok(message)) = (text(file, MAX_FILE_NAME_LEN), text(message, abi::MAX_LOG_MESSAGE_LEN as u64)) else {
            return GENERIC;
        };
        tx.logs_left -= 1;
        let record = LogRecord { program: tx.program.clone(), level, file, line: line.max(0) as u32, message };
        let logger = log::logger();
        let metadata = log::Metadata::builder().level(level).target(&record.program).build();
        if logger.enabled(&metadata) {
            logger.log(
                &log::Record::builder()
                    .metadata(metadata)
                    .file(Some(&record.file))
                    .line(Some(record.line))
                    .args(format_args!("{}", record.message))
                    .build(),
            );
        }
        env.log(record);
        OK
    });
    pay(env, code)
}

