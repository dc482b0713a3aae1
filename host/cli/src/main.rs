//! `plc-host`: check, run and test PLC programs from the command line.

mod check;
mod client;
mod config;
mod handoff;
mod logger;
mod online;
mod output;
mod realtime;
mod retain;
mod run;
mod settings;
mod summary;
mod test;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
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
    #[command(flatten)]
    Client(client::ClientCommand),
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
    logger::init();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let settled = match cli.command {
        Command::Check { programs, limits } => limits.limits().map(|limits| check::check(&programs, &limits)),
        Command::Test { mut files, limits } => limits.limits().map(|limits| {
            let recipe = files.pop().unwrap_or_default();
            test::test(&files, &recipe, &limits)
        }),
        Command::Run(args) => args.settings().map(run::run),
        Command::Client(command) => Ok(command.run()),
    };
    let code = settled.unwrap_or_else(|e| {
        output::error(format_args!("error: {e}"));
        ExitCode::from(2)
    });
    log::logger().flush();
    code
}
