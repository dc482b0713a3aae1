//! `plc-host`: check, run and test PLC programs from the command line.

mod config;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use clap::{Parser, Subcommand};
use plc_host::recipe::Recipe;
use config::RunConfig;
use plc_host::scheduler::{CycleStats, Scheduler};
use plc_host::watch::{Change, Watcher};
use plc_host::{Compiler, Controller, FaultPolicy, InMemoryEnvironment, Limits, OutputsOnFault, Program, Value};

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

/// `plc-host run`: every setting may also come from `--config`; a flag overrides the file.
#[derive(clap::Args)]
struct RunArgs {
    /// Program files (.wasm); each is named by its file stem.
    programs: Vec<PathBuf>,
    /// Settings from a TOML file (cycle, cycles, programs, watch, inputs, outputs, [limits]).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Online change: load every *.wasm in this folder (named by file stem) and add, replace or
    /// remove programs as files appear, change or disappear, without stopping the scan.
    #[arg(long, value_name = "DIR")]
    watch: Option<PathBuf>,
    /// The scan cycle [default: 10ms].
    #[arg(long, value_parser = humantime::parse_duration)]
    cycle: Option<Duration>,
    /// Stop after this many scans [default: run until SIGINT or SIGTERM].
    #[arg(long)]
    cycles: Option<u64>,
    /// The input image, as hex bytes (e.g. 0104ff) [default: 16 zero bytes].
    #[arg(long, value_parser = parse_hex)]
    inputs: Option<HexBytes>,
    /// The size of the output image in bytes [default: 16].
    #[arg(long)]
    outputs: Option<usize>,
    /// What a program does after a fault: stay stopped, or restart with backoff [default: stop].
    #[arg(long)]
    on_fault: Option<FaultPolicy>,
    /// What a faulted program's outputs do, and every program's when the run ends: hold their
    /// last good values, or go to zero, their safe state [default: hold].
    #[arg(long)]
    outputs_on_fault: Option<OutputsOnFault>,
    /// CPU budget of one poll, in wasm instructions [default: 1 per nanosecond of the cycle,
    /// about the cycle's length in time: a runaway poll is stopped within one cycle].
    #[arg(long)]
    cpu_budget: Option<u64>,
    /// Memory limit of one program, in bytes [default: 16 MiB].
    #[arg(long)]
    memory_limit: Option<u64>,
    /// The compiler: cranelift (optimising) or singlepass (faster to compile) [default: cranelift].
    #[arg(long)]
    compiler: Option<Compiler>,
    /// Print a JSON summary on stdout at the end (logs go to stderr).
    #[arg(long)]
    json: bool,
}

/// A policy from its flag, else from the file's text, else its default.
fn setting<T: std::str::FromStr<Err = String> + Default>(what: &str, flag: Option<T>, file: Option<String>) -> Result<T, String> {
    match (flag, file) {
        (Some(value), _) => Ok(value),
        (None, Some(text)) => text.parse().map_err(|e| format!("{what}: {e}")),
        (None, None) => Ok(T::default()),
    }
}

/// The run's settings: flags, else the config file, else the defaults.
fn run_settings(args: RunArgs) -> Result<(Vec<PathBuf>, Vec<u8>, RunOptions, Limits), String> {
    let file = match &args.config {
        Some(path) => RunConfig::load(path)?,
        None => RunConfig::default(),
    };
    let cycle = match (args.cycle, file.cycle) {
        (Some(cycle), _) => cycle,
        (None, Some(text)) => humantime::parse_duration(&text).map_err(|e| format!("cycle `{text}`: {e}"))?,
        (None, None) => Duration::from_millis(10),
    };
    let inputs = match (args.inputs, file.inputs) {
        (Some(HexBytes(bytes)), _) => bytes,
        (None, Some(text)) => parse_hex(&text).map_err(|e| format!("inputs: {e}"))?.0,
        (None, None) => vec![0; 16],
    };
    let programs = if args.programs.is_empty() { file.programs } else { args.programs };
    let watch = args.watch.or(file.watch);
    if programs.is_empty() && watch.is_none() {
        return Err("no programs: give program files, --watch DIR, or a --config that names them".into());
    }
    let defaults = Limits::default();
    let limits = Limits {
        cpu_budget: args
            .cpu_budget
            .or(file.limits.cpu_budget)
            .unwrap_or_else(|| u64::try_from(cycle.as_nanos()).unwrap_or(u64::MAX).clamp(100_000, 1_000_000_000)),
        memory_bytes: args.memory_limit.or(file.limits.memory_limit).unwrap_or(defaults.memory_bytes),
        on_fault: setting("on_fault", args.on_fault, file.limits.on_fault)?,
        outputs_on_fault: setting("outputs_on_fault", args.outputs_on_fault, file.limits.outputs_on_fault)?,
        restart_backoff_max: file.limits.restart_backoff_max.unwrap_or(defaults.restart_backoff_max),
        compiler: setting("compiler", args.compiler, file.limits.compiler)?,
        ..defaults
    };
    let outputs = args.outputs.or(file.outputs).unwrap_or(16);
    if outputs > MAX_IMAGE || inputs.len() > MAX_IMAGE {
        return Err(format!("a process image holds at most {MAX_IMAGE} bytes"));
    }
    let options = RunOptions {
        cycle,
        cycles: args.cycles.or(file.cycles),
        outputs,
        json: args.json,
        watch,
    };
    Ok((programs, inputs, options, limits))
}

#[derive(clap::Args)]
struct LimitArgs {
    /// CPU budget of one poll, in wasm instructions.
    #[arg(long, default_value_t = Limits::default().cpu_budget)]
    cpu_budget: u64,
    /// Memory limit of one program, in bytes.
    #[arg(long, default_value_t = Limits::default().memory_bytes)]
    memory_limit: u64,
}

impl LimitArgs {
    fn limits(&self) -> Limits {
        Limits { cpu_budget: self.cpu_budget, memory_bytes: self.memory_limit, ..Limits::default() }
    }
}

/// The largest process image `run` sets up, in bytes.
const MAX_IMAGE: usize = 1 << 20;

/// How often `--watch` looks at its folder.
const WATCH_INTERVAL: Duration = Duration::from_millis(10);

/// Bytes given as hex on the command line.
#[derive(Clone)]
struct HexBytes(Vec<u8>);

fn parse_hex(text: &str) -> Result<HexBytes, String> {
    let digits: Vec<char> = text.chars().filter(|c| !c.is_whitespace() && *c != '_').collect();
    if !digits.len().is_multiple_of(2) {
        return Err("an even number of hex digits is needed".into());
    }
    digits
        .chunks(2)
        .map(|pair| {
            let s: String = pair.iter().collect();
            u8::from_str_radix(&s, 16).map_err(|_| format!("`{s}` is not a hex byte"))
        })
        .collect::<Result<_, _>>()
        .map(HexBytes)
}

fn name_of(path: &Path) -> String {
    path.file_stem().map_or_else(|| path.display().to_string(), |s| s.to_string_lossy().into_owned())
}

/// Reads and loads a program, or returns the lines that say why not.
fn load(path: &Path, limits: &Limits) -> Result<Program, Vec<String>> {
    let wasm = std::fs::read(path).map_err(|e| vec![format!("{}: cannot read: {e}", path.display())])?;
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
    match cli.command {
        Command::Check { programs, limits } => check(&programs, &limits.limits()),
        Command::Test { mut files, limits } => {
            let recipe = files.pop().unwrap_or_default();
            test(&files, &recipe, &limits.limits())
        }
        Command::Run(args) => match run_settings(*args) {
            Ok((programs, inputs, options, limits)) => run(&programs, inputs, &options, &limits),
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::from(2)
            }
        },
    }
}

fn check(paths: &[PathBuf], limits: &Limits) -> ExitCode {
    let mut ok = true;
    for path in paths {
        match load(path, limits) {
            Ok(_) => println!("{}: ok", path.display()),
            Err(lines) => {
                ok = false;
                for line in lines {
                    println!("{line}");
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
            eprintln!("{}: not a valid recipe: {e}", recipe.display());
            return ExitCode::FAILURE;
        }
    };
    let mut programs = Vec::new();
    for path in paths {
        match load(path, limits) {
            Ok(p) => programs.push(p),
            Err(lines) => {
                eprintln!("{}", lines.join("\n"));
                return ExitCode::FAILURE;
            }
        }
    }
    let names = programs.iter().map(Program::name).collect::<Vec<_>>().join(" + ");
    match recipe.run(&mut programs) {
        Ok(()) => {
            println!("{names}: {} passes ok", recipe.passes.len());
            ExitCode::SUCCESS
        }
        Err(failure) => {
            println!("{names}: FAILED at {failure}");
            ExitCode::FAILURE
        }
    }
}

struct RunOptions {
    cycle: Duration,
    cycles: Option<u64>,
    outputs: usize,
    json: bool,
    watch: Option<PathBuf>,
}

/// Applies the watcher's changes between two scans; keeps the last rejection of each file.
fn apply_changes(watcher: &Watcher, controller: &mut Controller, rejected: &mut BTreeMap<String, String>) {
    for change in watcher.changes() {
        match change {
            Change::Load(compiled) => {
                let name = compiled.name().to_owned();
                match compiled.instantiate() {
                    Ok(program) => {
                        log::info!("online change: {name} loaded");
                        rejected.remove(&name);
                        controller.replace(program);
                    }
                    Err(e) => {
                        log::warn!("online change: {name} rejected, the running version stays: {e}");
                        rejected.insert(name, e.to_string());
                    }
                }
            }
            Change::Rejected { name, reason } => {
                log::warn!("online change: {name} rejected, the running version stays: {reason}");
                rejected.insert(name, reason);
            }
            Change::Removed { name } => {
                if controller.remove(&name) {
                    log::info!("online change: {name} removed");
                }
                rejected.remove(&name);
            }
        }
    }
}

fn run(paths: &[PathBuf], inputs: Vec<u8>, options: &RunOptions, limits: &Limits) -> ExitCode {
    let RunOptions { cycle, cycles, outputs, json, .. } = *options;
    let mut env = InMemoryEnvironment::new(0, outputs);
    env.inputs = inputs;
    let mut controller = Controller::new(env);
    let mut failed = false;
    for path in paths {
        match load(path, limits) {
            Ok(program) => controller.add(program),
            Err(lines) => {
                failed = true;
                eprintln!("{}", lines.join("\n"));
            }
        }
    }
    if failed {
        return ExitCode::FAILURE;
    }
    // SIGINT and SIGTERM end the run after the scan in progress.
    let stop = Arc::new(AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        if let Err(e) = signal_hook::flag::register(signal, stop.clone()) {
            log::warn!("cannot catch signal {signal}: {e}");
        }
    }
    let watcher = options.watch.as_ref().map(|dir| Watcher::spawn(dir, limits.clone(), WATCH_INTERVAL));
    let mut rejected = BTreeMap::new();
    let mut scheduler = Scheduler::new(cycle);
    let mut last_outputs = None;
    while cycles.is_none_or(|n| controller.scans() < n) && !stop.load(Ordering::Relaxed) {
        if let Some(watcher) = &watcher {
            apply_changes(watcher, &mut controller, &mut rejected);
        }
        let now = scheduler.wait();
        if let Some(env) = controller.env_mut::<InMemoryEnvironment>() {
            env.elapsed = now;
        }
        controller.scan();
        scheduler.done();
        let env = controller.env::<InMemoryEnvironment>();
        if let Some(env) = env.filter(|_| !json) {
            if last_outputs.as_ref() != Some(&env.outputs) {
                println!("scan {:>6}  t = {:>8.3} s  outputs {}", controller.scans(), env.elapsed.as_secs_f64(), hex(&env.outputs));
                last_outputs = Some(env.outputs.clone());
            }
        }
    }
    controller.shutdown();
    if json {
        let mut summary = summary(&controller, scheduler.stats());
        summary["rejected"] = rejected.iter().map(|(name, reason)| serde_json::json!({"name": name, "reason": reason})).collect();
        println!("{summary}");
    }
    ExitCode::SUCCESS
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect::<Vec<_>>().join(" ")
}

fn micros(d: Duration) -> u64 {
    u64::try_from(d.as_micros()).unwrap_or(u64::MAX)
}

fn summary(controller: &Controller, stats: &CycleStats) -> serde_json::Value {
    let programs: Vec<_> = controller
        .programs()
        .iter()
        .map(|p| {
            serde_json::json!({
                "name": p.name(),
                "status": p.status().to_string(),
                "fault": p.last_fault().map(ToString::to_string),
                "polls": p.polls(),
                "faults": p.faults(),
                "errors": p.errors(),
                "last_us": micros(p.last_poll_time()),
                "max_us": micros(p.max_poll_time()),
            })
        })
        .collect();
    let env = controller.env::<InMemoryEnvironment>();
    let variables: serde_json::Map<String, serde_json::Value> = env
        .map(|env| {
            env.variables
                .iter()
                .map(|(name, value)| {
                    let v = match *value {
                        Value::Bool(b) => serde_json::json!(b),
                        Value::Int(i) => serde_json::json!(i),
                        Value::Double(d) => serde_json::json!(d),
                    };
                    (name.clone(), v)
                })
                .collect()
        })
        .unwrap_or_default();
    serde_json::json!({
        "cycles": controller.scans(),
        "programs": programs,
        "inputs": env.map(|e| e.inputs.clone()).unwrap_or_default(),
        "outputs": env.map(|e| e.outputs.clone()).unwrap_or_default(),
        "variables": variables,
        "stats": {
            "cycles": stats.cycles,
            "overruns": stats.overruns,
            "last_us": micros(stats.last),
            "min_us": micros(stats.min),
            "max_us": micros(stats.max),
            "avg_us": micros(stats.avg()),
            "jitter_us": micros(stats.jitter),
        },
    })
}
