//! `plc-host`: check, run and test PLC programs from the command line.

mod config;
mod output;
mod run;
mod settings;
mod summary;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use plc_host::recipe::Recipe;
use plc_host::watch::read_program;
use plc_host::{Limits, Program};
use settings::{LimitArgs, RunArgs};

/// The reference wasm-plc controller.
#[derive(Parser)]
#[command(name = "plc-host", version, about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Checks that each file is a valid program for this host (exit 1 and one line per problem otherwise).
    Check {
        /// Program files (.wasm).
        #[arg(required = true)]
        programs: Vec<PathBuf>,
        #[command(flatten)]
        limits: LimitArgs,
    },
    /// Scans the programs, in the order given, against in-memory IO.
    Run(Box<RunArgs>),
    /// Runs a behaviour recipe against a program, or several polled in order (exit 1 naming the failing pass).
    Test {
        /// The program files (.wasm), then the recipe (.json).
        #[arg(required = true, num_args = 2.., value_name = "PROGRAM.wasm... RECIPE.json")]
        files: Vec<PathBuf>,
        #[command(flatten)]
        limits: LimitArgs,
    },
}

fn name_of(path: &Path) -> String {
    path.file_stem().map_or_else(|| path.display().to_string(), |s| s.to_string_lossy().into_owned())
}

/// Reads and loads a program, or returns the lines that say why not.
fn load(path: &Path, limits: &Limits) -> Result<Program, Vec<String>> {
    let wasm = read_program(path, limits.module_bytes).map_err(|e| vec![format!("{}: {e}", path.display())])?;
    Program::new(name_of(path), &wasm, limits.clone())
        .map_err(|e| e.lines().into_iter().map(|line| format!("{}: {line}", path.display())).collect())
}

fn main() -> ExitCode {
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("info")).format_timestamp_millis().init();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let settled = match cli.command {
        Command::Check { programs, limits } => limits.limits().map(|limits| check(&programs, &limits)),
        Command::Test { mut files, limits } => limits.limits().map(|limits| {
            let recipe = files.pop().unwrap_or_default();
            test(&files, &recipe, &limits)
        }),
        Command::Run(args) => args.settings().map(run::run),
    };
    settled.unwrap_or_else(|e| {
        output::error(format_args!("error: {e}"));
        ExitCode::from(2)
    })
}

fn check(paths: &[PathBuf], limits: &Limits) -> ExitCode {
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

fn test(paths: &[PathBuf], recipe: &Path, limits: &Limits) -> ExitCode {
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
