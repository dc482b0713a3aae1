//! `plc-host test`: a behaviour recipe run against one program, or several polled in order.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use plc_host::recipe::Recipe;
use plc_host::{Limits, Program};

use crate::{load, output};

/// Runs the recipe: "N passes ok", or the failing pass and exit 1.
pub fn test(paths: &[PathBuf], recipe: &Path, limits: &Limits) -> ExitCode {
    let recipe = match std::fs::read_to_string(recipe).map_err(|e| e.to_string()).and_then(|json| Recipe::from_json(&json)) {
        Ok(recipe) => recipe,
        Err(e) => {
            output::error(format_args!("{}: not a valid recipe: {e}", recipe.display()));
            return ExitCode::FAILURE;
        }
    };
    let mut programs = Vec::new();
    for path in paths {
        match load(path, limits) {
            Ok(p) => programs.push(p),
            Err(lines) => {
                output::error(lines.join("\n"));
                return ExitCode::FAILURE;
            }
        }
    }
    let names = programs.iter().map(Program::name).collect::<Vec<_>>().join(" + ");
    match recipe.run(&mut programs) {
        Ok(()) => {
            output::line(format_args!("{names}: {} passes ok", recipe.passes.len()));
            ExitCode::SUCCESS
        }
        Err(failure) => {
            output::line(format_args!("{names}: FAILED at {failure}"));
            ExitCode::FAILURE
        }
    }
}
