//! `plc-host run`: the scan loop, online change between scans, and the safe state at the end,
//! however the loop ends.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use plc_host::scheduler::Scheduler;
use plc_host::watch::{Change, Watcher};
use plc_host::{Applied, Controller, InMemoryEnvironment};

use crate::online::Online;
use crate::settings::RunSettings;
use crate::summary::{hex, Summary};
use crate::handoff::Handoff;
use crate::realtime::RealtimeReport;
use crate::retain::Retaining;
use crate::{load, output};

/// How often `--watch` looks at its folder.
const WATCH_INTERVAL: Duration = Duration::from_millis(10);

/// Puts the outputs in their safe state ([`Controller::shutdown`]) when dropped: at the end of
/// the run, and also when something panics inside the scan loop.
struct ShutdownOnDrop<'a>(&'a mut Controller);

impl Drop for ShutdownOnDrop<'_> {
    fn drop(&mut self) {
        self.0.shutdown();
    }
}

/// Applies the watcher's changes between two scans (each is logged); keeps the last rejection
/// of each file; says once if online change has stopped.
fn apply_changes(watcher: &Watcher, controller: &mut Controller, rejected: &mut BTreeMap<String, String>) {
    apply_all(watcher.changes(), controller, rejected);
    if let Some(reason) = watcher.stopped() {
        log::error!("online change has stopped ({reason}); the programs keep running as they are");
    }
}

/// Applies `changes` (each is logged), keeping the last rejection of each file.
fn apply_all(changes: impl IntoIterator<Item = Change>, controller: &mut Controller, rejected: &mut BTreeMap<String, String>) {
    for change in changes {
        match controller.apply(change) {
            Applied::Loaded(name) | Applied::Removed(name, _) => {
                rejected.remove(&name);
            }
            Applied::Rejected { name, reason, .. } => {
                rejected.insert(name, reason);
            }
            _ => {}
        }
    }
}

/// Why the program of `path` is refused: `first` has its name.
fn duplicate(path: &Path, name: &str, first: &Path) -> String {
    format!(
        "{}: a program named `{name}` is already loaded (from {}): a program is named by its file's stem; rename one of the two files",
        path.display(),
        first.display()
    )
}

/// Loads the programs, then scans until the count of cycles or a signal.
pub fn run(settings: RunSettings) -> ExitCode {
    let RunSettings { programs: paths, inputs, options, limits } = settings;
    let mut env = InMemoryEnvironment::new(0, options.outputs);
    env.inputs = inputs;
    env.variable_limits = options.variables;
    let mut controller = Controller::new(env);
    controller.set_swap(options.swap);
    let mut failed = false;
    // The file each name was loaded from: two files of the same stem are refused, and the
    // message names both.
    let mut files: BTreeMap<String, &Path> = BTreeMap::new();
    for path in &paths {
        let added = load(path, &limits).and_then(|program| {
            let name = program.name().to_owned();
            controller.add(program).map_err(|e| match files.get(&name) {
                Some(first) => vec![duplicate(path, &name, first)],
                None => vec![format!("{}: {e}", path.display())],
            })?;
            files.insert(name, path.as_path());
            Ok(())
        });
        match added {
            Ok(()) => {}
            Err(lines) => {
                failed = true;
                output::error(lines.join("\n"));
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
    // The programs in the folder now are compiled before it returns, loaded before scan 1.
    let watcher = options.watch.as_ref().map(|dir| Watcher::spawn(dir, limits.clone(), WATCH_INTERVAL));
    let mut rejected = BTreeMap::new();
    if let (Some(watcher), Some(dir)) = (&watcher, &options.watch) {
        // The folder's programs may not take the name of one given on the command line.
        let first: Vec<Change> = watcher.changes().collect();
        let clash = first.iter().find_map(|change| match change {
            Change::Load(compiled) => files.get(compiled.name()).map(|path| (compiled.name(), path)),
            _ => None,
        });
        if let Some((name, path)) = clash {
            output::error(duplicate(&dir.join(format!("{name}.wasm")), name, path));
            return ExitCode::FAILURE;
        }
        apply_all(first, &mut controller, &mut rejected);
        apply_changes(watcher, &mut controller, &mut rejected);
    }
    let mut retaining = Retaining::start(&options.retain, &mut controller);
    let mut online = match options.service.as_ref().map(|service| Online::start(service, &limits, &mut controller)).transpose() {
        Ok(online) => online,
        Err(e) => {
            output::error(format_args!("error: {e}"));
            return ExitCode::from(2);
        }
    };
    let mut modbus = match options.modbus.map(|settings| plc_modbus::Modbus::start(settings, &mut controller)).transpose() {
        Ok(modbus) => modbus,
        Err(e) => {
            output::error(format_args!("error: {e}"));
            return ExitCode::from(2);
        }
    };
    if let Some(addr) = modbus.as_ref().and_then(plc_modbus::Modbus::server_addr) {
        output::error(format_args!("plc-host: modbus listening on {addr}"));
    }
    // Output lines are written by a thread of their own: the scan never waits on stdout.
    let printer = (!options.json).then(|| Handoff::spawn("plc-output", 256, |line| output::line(line))).flatten();
    // Last, once every other thread is running (a thread inherits its creator's policy).
    let realtime = RealtimeReport::new(options.realtime.apply(), options.realtime.spin, options.realtime.warm_up);
    let mut scheduler = Scheduler::new(options.cycle).with_spin(options.realtime.spin).with_warm_up(options.realtime.warm_up);
    {
        let running = ShutdownOnDrop(&mut controller);
        let controller = &mut *running.0;
        let mut last_outputs = None;
        while options.cycles.is_none_or(|n| controller.scans() < n) && !stop.load(Ordering::Relaxed) {
            if let Some(watcher) = &watcher {
                apply_changes(watcher, controller, &mut rejected);
            }
            if let Some(online) = &mut online {
                online.idle(controller, scheduler.free_until());
            }
            let now = scheduler.wait_warming(|until| controller.warm_up(until));
            controller.env_mut().elapsed = now;
            if let Some(modbus) = &mut modbus {
                modbus.exchange().before_scan(controller);
            }
            let (_, ended) = controller.scan_from(scheduler.woke());
            scheduler.done_at(ended);
            controller.record_cycle(scheduler.stats());
            if let Some(modbus) = &mut modbus {
                modbus.exchange().after_scan(controller);
            }
            if let Some(retaining) = &mut retaining {
                retaining.tick(controller, now);
            }
            if let Some(online) = &mut online {
                online.between_scans(controller, now);
            }
            let env = controller.env();
            if let Some(printer) = printer.as_ref().filter(|_| last_outputs.as_ref() != Some(&env.outputs)) {
                printer.send(format!("scan {:>6}  t = {:>8.3} s  outputs {}", controller.scans(), env.elapsed.as_secs_f64(), hex(&env.outputs)));
                last_outputs = Some(env.outputs.clone());
            }
        }
    } // the outputs go to their safe state here, or while unwinding from a panic above
    let retained = retaining.map(|r| r.finish(&controller));
    if let Some(printer) = &printer {
        printer.flush(Duration::from_secs(2));
        if printer.dropped() > 0 {
            log::warn!("{} output lines were dropped: stdout could not keep up", printer.dropped());
        }
    }
    drop(online);
    if let Some(skipped) = modbus.as_mut().map(|m| m.exchange().skipped()).filter(|n| *n > 0) {
        log::info!("modbus: {skipped} exchanges waited for the next scan (the Modbus thread held a table)");
    }
    drop(modbus);
    log::info!("run ended after {} scans", controller.scans());
    if options.json {
        output::line(Summary::new(&controller, scheduler.stats(), &rejected).with(realtime, retained).to_json());
    }
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;
    use plc_host::{Limits, OutputsOnFault, Program};

    /// A panic inside the scan loop still puts the outputs in their safe state.
    #[test]
    fn a_panic_in_the_loop_still_zeroes_the_outputs() {
        let wat = br#"(module
            (import "env" "wasm_write_output" (func $write (param i32 i32 i32) (result i32)))
            (memory (export "memory") 1)
            (data (i32.const 0) "\2a")
            (func (export "poll") (drop (call $write (i32.const 0) (i32.const 0) (i32.const 1)))))"#;
        let limits = Limits { outputs_on_fault: OutputsOnFault::Zero, ..Limits::default() };
        let mut controller = Controller::new(InMemoryEnvironment::new(0, 1));
        controller.add(Program::new("answer", wat, limits).unwrap()).unwrap();
        let outputs = |c: &Controller| c.env().outputs.clone();
        controller.scan();
        assert_eq!(outputs(&controller), [42]);
        let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let running = ShutdownOnDrop(&mut controller);
            running.0.scan();
            panic!("a bug in the loop");
        }));
        assert!(panicked.is_err());
        assert_eq!(outputs(&controller), [0], "the outputs went to their safe state");
    }
}
