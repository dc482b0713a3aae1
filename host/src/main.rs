//! `plc-host`: check, run and test PLC programs from the command line.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use clap::{Parser, Subcommand};
use plc_host::recipe::Recipe;
use plc_host::scheduler::{CycleStats, Scheduler};
use plc_host::watch::{Change, Watcher};
use plc_host::{Controller, FaultPolicy, InMemoryEnvironment, Limits, OutputsOnFault, Program, Value};

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
    Run {
        /// Program files (.wasm); each is named by its file stem.
        #[arg(required_unless_present = "watch")]
        programs: Vec<PathBuf>,
        /// Online change: load every *.wasm in this folder (named by file stem) and add, replace or
        /// remove programs as files appear, change or disappear, without stopping the scan.
        #[arg(long, value_name = "DIR")]
        watch: Option<PathBuf>,
        /// The scan cycle, e.g. 10ms.
        #[arg(long, default_value = "10ms", value_parser = humantime::parse_duration)]
        cycle: Duration,
        /// Stop after this many scans (default: run until killed).
        #[arg(long)]
        cycles: Option<u64>,
        /// The input image, as hex bytes (e.g. 0104ff).
        #[arg(long, default_value = "00000000000000000000000000000000", value_parser = parse_hex)]
        inputs: HexBytes,
        /// The size of the output image in bytes.
        #[arg(long, default_value_t = 16)]
        outputs: usize,
        /// What a program does after a fault: stay stopped, or restart with backoff.
        #[arg(long, default_value_t = FaultPolicy::Stop)]
        on_fault: FaultPolicy,
        /// What a faulted program's outputs do: hold their last good values, or go to zero.
        #[arg(long, default_value_t = OutputsOnFault::Hold)]
        outputs_on_fault: OutputsOnFault,
        /// Print a JSON summary on stdout at the end (logs go to stderr).
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        limits: LimitArgs,
    },
    /// Runs a behaviour recipe against a program, or several polled in order (exit 1 naming the failing pass).
    Test {
        /// The program files (.wasm), then the recipe (.json).
        #[arg(required = true, num_args = 2.., value_name = "PROGRAM.wasm... RECIPE.json")]
        files: Vec<PathBuf>,
        #[command(flatten)]
        limits: LimitArgs,
    },
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
    fn limits(&self, on_fault: FaultPolicy) -> Limits {
        Limits { cpu_budget: self.cpu_budget, memory_bytes: self.memory_limit, on_fault, ..Limits::default() }
    }
}

/// How often `--watch` looks at its folder.
const WATCH_INTERVAL: Duration = Duration::from_millis(20);

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
        Command::Check { programs, limits } => check(&programs, &limits.limits(FaultPolicy::Stop)),
        Command::Test { mut files, limits } => {
            let recipe = files.pop().unwrap_or_default();
            test(&files, &recipe, &limits.limits(FaultPolicy::Stop))
        }
        Command::Run { programs, watch, cycle, cycles, inputs, outputs, on_fault, outputs_on_fault, json, limits } => {
            let limits = Limits { outputs_on_fault, ..limits.limits(on_fault) };
            let options = RunOptions { cycle, cycles, outputs, json, watch };
            run(&programs, inputs, &options, &limits)
        }
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

fn run(paths: &[PathBuf], HexBytes(inputs): HexBytes, options: &RunOptions, limits: &Limits) -> ExitCode {
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
