//! `plc-host check`: is each file a valid program for this host?

use std::path::PathBuf;
use std::process::ExitCode;

use plc_host::Limits;

use crate::{load, output};

/// Loads each file as a program: "ok", or one line per problem and exit 1.
pub fn check(paths: &[PathBuf], limits: &Limits) -> ExitCode {
    let mut ok = true;
    for path in paths {
        match load(path, limits) {
            Ok(_) => output::line(format_args!("{}: ok", path.display())),
            Err(lines) => {
                ok = false;
                for line in lines {
                    output::line(line);
                }
            }
        }
    }
    if ok { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}
