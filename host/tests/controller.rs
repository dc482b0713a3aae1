//! The controller driven as a library: operator actions by name, and a second thread that
//! stops, restarts and replaces programs and reads snapshots while the scan runs at 1 ms.

mod support;

use std::time::{Duration, Instant};

use plc_host::remote::{self, Command};
use plc_host::scheduler::Scheduler;
use plc_host::watch::Change;
use plc_host::{Applied, Compiled, ControlError, Controller, InMemoryEnvironment, Limits, Program, Status, Value};
use support::{healthy, host_log};

fn healthy_program(i: u32) -> Program {
    Program::new(format!("healthy{i}"), healthy(i).as_bytes(), Limits::default()).unwrap()
}

#[test]
fn operator_actions_by_name() {
    let mut controller = Controller::new(InMemoryEnvironment::new(0, 2));
    controller.add(healthy_program(0)).unwrap();
    controller.add(healthy_program(1)).unwrap();
    assert_eq!(controller.add(healthy_program(1)), Err(ControlError::DuplicateName("healthy1".into())));
    controller.scan();
    controller.stop("healthy0").unwrap();
    controller.scan();
    assert_eq!(controller.env().outputs, [1, 2], "a stopped program's outputs hold");
    assert_eq!(controller.program("healthy0").unwrap().status(), Status::Stopped);
    controller.start("healthy0").unwrap();
    controller.scan();
    assert_eq!(controller.env().outputs, [2, 3]);
    assert_eq!(controller.stop("nope"), Err(ControlError::UnknownProgram("nope".into())));
    assert!(controller.remove("healthy1"));
    assert_eq!(controller.programs().len(), 1);
}

/// The warm-up before a scan stops at its deadline (looking at the clock every 32 programs)
/// and changes nothing: the scans after it find every output and poll as without it.
#[test]
fn a_warm_up_stops_at_its_deadline_and_changes_nothing() {
    let mut controller = Controller::new(InMemoryEnvironment::new(0, 40));
    for i in 0..40 {
        controller.add(healthy_program(i)).unwrap();
    }
    assert!(controller.warm_up(Instant::now() + Duration::from_secs(3600)), "through every program before a far deadline");
    assert!(!controller.warm_up(Instant::now()), "cut short at a deadline already past");
    assert!(controller.scan().is_empty());
    assert!(controller.warm_up(Instant::now() + Duration::from_secs(3600)));
    assert!(controller.scan().is_empty());
    assert_eq!(controller.env().outputs, vec![2; 40], "two polls each, as without a warm-up");
    assert!(controller.programs().iter().all(|p| p.polls() == 2));
}

/// `wait_warming` calls the warm-up with the deadline, before it, on a cycle with room for
/// one; never returns before the deadline; and never calls it when the warm-up is off.
#[test]
fn the_scheduler_warms_up_before_each_deadline_when_asked() {
    for on in [true, false] {
        let mut scheduler = Scheduler::new(Duration::from_millis(2)).with_warm_up(on);
        let mut warmed = 0;
        for _ in 0..50 {
            let deadline = scheduler.deadline();
            assert!(scheduler.free_until() <= deadline);
            scheduler.wait_warming(|until| {
                assert_eq!(until, deadline);
                assert!(Instant::now() < deadline + Duration::from_millis(1), "called before the deadline, not long after");
                warmed += 1;
                true
            });
            assert!(scheduler.woke() >= deadline, "the scan never starts early");
            scheduler.done();
        }
        let stats = scheduler.stats();
        match on {
            true => assert!(warmed > 0 && stats.warm_ups == warmed, "{warmed} warm-ups, {stats:?}"),
            false => assert_eq!((warmed, stats.warm_ups), (0, 0)),
        }
    }
}

#[test]
fn changes_from_the_watcher_are_applied_and_reported() {
    let mut controller = Controller::new(InMemoryEnvironment::new(0, 1));
    let compiled = Compiled::new("healthy0", healthy(0).as_bytes(), Limits::default()).unwrap();
    assert_eq!(controller.apply(Change::Load(compiled)), Applied::Loaded("healthy0".into()));
    let rejected = Change::Rejected { name: "healthy0".into(), reason: "not wasm".into() };
    assert_eq!(
        controller.apply(rejected),
        Applied::Rejected { name: "healthy0".into(), reason: "not wasm".into(), running: true }
    );
    let new = Change::Rejected { name: "fresh".into(), reason: "not wasm".into() };
    assert!(matches!(controller.apply(new), Applied::Rejected { running: false, .. }));
    assert_eq!(controller.apply(Change::Removed { name: "healthy0".into() }), Applied::Removed("healthy0".into(), true));
}

#[test]
fn a_rejected_version_is_logged_for_what_is_loaded() {
    let _ = host_log();
    let mut controller = Controller::new(InMemoryEnvironment::new(0, 1));
    controller.add(healthy_program(0)).unwrap();
    let reject = |controller: &mut Controller, name: &str| {
        controller.apply(Change::Rejected { name: name.into(), reason: "not wasm".into() });
        let logged = host_log().into_iter().rev().find(|w| w.contains(&format!("online change: {name} "))).expect("logged");
        logged.split_once(": ").expect("target: message").1.to_owned()
    };
    assert_eq!(reject(&mut controller, "healthy0"), "online change: healthy0 rejected, the running version stays: not wasm");
    assert_eq!(reject(&mut controller, "brandnew"), "online change: brandnew rejected, no version of it is loaded: not wasm");
    controller.stop("healthy0").unwrap();
    assert_eq!(reject(&mut controller, "healthy0"), "online change: healthy0 rejected, the loaded version stays stopped: not wasm");
    let stopped = controller.apply(Change::Rejected { name: "healthy0".into(), reason: "not wasm".into() });
    assert!(matches!(stopped, Applied::Rejected { running: false, .. }), "a stopped program does not run: {stopped:?}");
}

/// A second thread stops, starts, restarts and replaces a program and reads snapshots while
/// the controller scans on a 1 ms cycle: each command is answered after the scan it was
/// applied in, every running program is polled in every scan, and the snapshots move on.
#[test]
fn a_second_thread_drives_the_controller_while_it_scans() {
    const SCANS: u64 = 1500;
    let (remote, mut mailbox) = remote::channel(8);
    let mut controller = Controller::new(InMemoryEnvironment::new(0, 2));
    controller.add(healthy_program(0)).unwrap();
    controller.add(healthy_program(1)).unwrap();
    let replacement = Compiled::new("healthy1", healthy(1).as_bytes(), Limits::default()).unwrap();

    let operator = std::thread::spawn(move || {
        let ask = |command| remote.send(command).unwrap().wait(Duration::from_secs(10)).expect("answered");
        let mut seen = Vec::new();
        let mut watch = |what: &str| {
            let snapshot = remote.snapshot().expect("a snapshot");
            seen.push((what.to_owned(), snapshot.scans, snapshot.programs[0].status));
        };
        std::thread::sleep(Duration::from_millis(100));
        assert_eq!(ask(Command::Stop("healthy0".into())), Ok(()));
        watch("stopped");
        std::thread::sleep(Duration::from_millis(100));
        assert_eq!(ask(Command::Start("healthy0".into())), Ok(()));
        watch("started");
        assert_eq!(ask(Command::Restart("healthy0".into())), Ok(()));
        assert_eq!(ask(Command::Replace(Box::new(replacement))), Ok(()));
        assert_eq!(ask(Command::Stop("nope".into())), Err(ControlError::UnknownProgram("nope".into())));
        watch("replaced");
        seen
    });

    let mut scheduler = Scheduler::new(Duration::from_millis(1));
    let started = Instant::now();
    let mut stopped_scans = 0;
    while controller.scans() < SCANS && started.elapsed() < Duration::from_secs(30) {
        let now = scheduler.wait();
        controller.env_mut().elapsed = now;
        let before: Vec<(Status, u64)> = controller.programs().iter().map(|p| (p.status(), p.polls())).collect();
        assert!(controller.scan().is_empty());
        for ((status, polls), program) in before.iter().zip(controller.programs()) {
            if *status == Status::Running && program.status() == Status::Running {
                assert_eq!(program.polls(), polls + 1, "{} polled in scan {}", program.name(), controller.scans());
            }
        }
        stopped_scans += u64::from(before[0].0 == Status::Stopped);
        scheduler.done();
        controller.serve(&mut mailbox, now);
    }
    let seen = operator.join().expect("the operator's thread");
    assert_eq!(controller.scans(), SCANS, "the scan ran on");
    assert!(stopped_scans >= 50, "healthy0 sat stopped for about 100 scans: {stopped_scans}");
    assert_eq!(seen[0].2, Status::Stopped, "{seen:?}");
    assert_eq!(seen[1].2, Status::Running, "{seen:?}");
    assert!(seen.windows(2).all(|w| w[0].1 < w[1].1), "snapshots move on: {seen:?}");
    // healthy1 counted through its replacement: the variable lives in the controller.
    let count = controller.env().variables.get("healthy1").copied();
    assert_eq!(count, Some(Value::Int(SCANS as i32)));
    println!("overruns: {} of {SCANS} scans, snapshots skipped: {}", scheduler.stats().overruns, mailbox.skipped());
}

/// A snapshot goes out after every scan that answers a command, and otherwise at most every
/// `SNAPSHOT_INTERVAL` of the controller's time: building one is work for the scan thread.
#[test]
fn snapshots_go_out_with_answers_and_otherwise_at_most_every_interval() {
    let (remote, mut mailbox) = remote::channel(4);
    let mut controller = Controller::new(InMemoryEnvironment::new(0, 2));
    controller.add(healthy_program(0)).unwrap();
    let scans = |remote: &remote::Remote| remote.snapshot().map(|s| s.scans);
    let at = |ms: u64| Duration::from_millis(ms);
    controller.scan();
    controller.serve(&mut mailbox, at(0));
    assert_eq!(scans(&remote), Some(1), "the first one goes out at once");
    controller.scan();
    controller.serve(&mut mailbox, at(1));
    assert_eq!(scans(&remote), Some(1), "1 ms later, with nothing to answer: none");
    let answer = remote.try_send(Command::Stop("healthy0".into())).unwrap();
    controller.scan();
    controller.serve(&mut mailbox, at(2));
    assert_eq!(answer.wait(Duration::ZERO), Some(Ok(())));
    assert_eq!(scans(&remote), Some(3), "an answer brings one at once");
    controller.scan();
    controller.serve(&mut mailbox, at(2) + remote::SNAPSHOT_INTERVAL - Duration::from_nanos(1));
    assert_eq!(scans(&remote), Some(3));
    controller.scan();
    controller.serve(&mut mailbox, at(2) + remote::SNAPSHOT_INTERVAL);
    assert_eq!(scans(&remote), Some(5), "one interval after the last");
}
