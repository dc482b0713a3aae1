//! Online change keeps a program's state: a tank fill (a latched pump, a running alarm timer,
//! an edge detector and a counter of starts) in Rust and in C, swapped for a version that only
//! changes a log text in the middle of 1000 scans at 1 ms of controller time, then for a
//! version with one field added and one removed; and a cold swap that resets everything.

mod support;
#[path = "support/host_logs.rs"]
mod host_logs;

use std::time::Duration;

use host_logs::host_logs;

use plc_host::{Controller, InMemoryEnvironment, Limits, LoadError, Program};
use support::*;

/// The versions of the tank fill in one language.
struct Versions {
    v1: Vec<u8>,
    v2: Vec<u8>,
    v3: Vec<u8>,
}

fn rust() -> Versions {
    Versions { v1: rust_guest("guest-state-v1"), v2: rust_guest("guest-state-v2"), v3: rust_guest("guest-state-v3") }
}

fn c() -> Versions {
    let source = root().join("host/tests/c/state_tank.c");
    let build = |flag: &str| c_guest_with(&[&source], &[flag]);
    Versions { v1: build("-DVERSION=\"v1\""), v2: build("-DVERSION=\"v2\""), v3: build("-DV3") }
}

/// The plant around the program: the level switches, the clock, the outputs.
struct Tank {
    controller: Controller<InMemoryEnvironment>,
    name: String,
}

impl Tank {
    fn new(name: &str, wasm: &[u8]) -> Tank {
        host_logs(name);
        let mut controller = Controller::new(InMemoryEnvironment::new(1, 6));
        controller.add(load(name, wasm)).unwrap();
        Tank { controller, name: name.into() }
    }

    /// One scan at `ms` of controller time with the switches as given.
    fn scan(&mut self, ms: u64, low: bool, high: bool) {
        let env = self.controller.env_mut();
        env.elapsed = Duration::from_millis(ms);
        env.inputs = vec![u8::from(low) | u8::from(high) << 1];
        let faults = self.controller.scan();
        assert!(faults.is_empty(), "{}: at {ms} ms: {faults:?}", self.name);
    }

    fn pump(&self) -> bool {
        self.controller.env().outputs[0] & 1 != 0
    }
    fn alarm(&self) -> bool {
        self.controller.env().outputs[0] & 2 != 0
    }
    fn starts(&self) -> u8 {
        self.controller.env().outputs[1]
    }
    fn alarm_et(&self) -> u16 {
        u16::from_le_bytes([self.controller.env().outputs[2], self.controller.env().outputs[3]])
    }

    /// The guest's log messages.
    fn messages(&self) -> Vec<String> {
        self.controller.env().logs.iter().map(|r| r.message.clone()).collect()
    }

    fn program(&self) -> &Program {
        self.controller.program(&self.name).unwrap()
    }
}

/// The tank is low at 0 ms (the pump latches on), fills from 5 ms on (both switches off: the
/// latch holds it); the alarm is due 800 ms after the start. The program is swapped for `v2`
/// between the scans at 499 and 500 ms. At every scan: the pump on, the alarm exactly from
/// 800 ms, its ET the time since the start, one start counted, logged by v1 only.
fn swap_in_the_middle_of_a_fill(name: &str, versions: &Versions) -> Tank {
    let mut tank = Tank::new(name, &versions.v1);
    for ms in 0..1000u64 {
        if ms == 500 {
            tank.controller.replace(load(name, &versions.v2));
        }
        tank.scan(ms, ms < 5, false);
        assert!(tank.pump(), "{name}: the pump dropped at {ms} ms");
        assert_eq!(tank.alarm(), ms >= 800, "{name}: the alarm at {ms} ms");
        assert_eq!(u64::from(tank.alarm_et()), ms.min(800), "{name}: the alarm timer at {ms} ms");
        assert_eq!(tank.starts(), 1, "{name}: the starts at {ms} ms");
    }
    assert_eq!(tank.messages(), ["pump started (v1)"], "{name}: the edge fired once");
    assert_eq!(tank.program().sha256(), load(name, &versions.v2).sha256(), "{name}: v2 runs");
    let carried = tank.program().carried().expect("v2 took over v1's state");
    assert_eq!((carried.kept, carried.new.len(), carried.dropped.len(), carried.retyped.len()), (4, 0, 0, 0), "{name}: {carried:?}");
    assert!(host_logs(name).contains(&"online change: state taken over: 4 fields kept, 0 new, 0 dropped, 0 retyped".to_owned()), "{name}: {:?}", host_logs(name));

    // v2 runs and counts on: a new fill (high, then low) is its first start.
    tank.scan(1000, false, true);
    assert!(!tank.pump());
    tank.scan(1001, true, false);
    assert!(tank.pump());
    assert_eq!(tank.starts(), 2, "{name}");
    assert_eq!(tank.messages(), ["pump started (v1)", "pump started (v2)"], "{name}");
    tank
}

/// Then v3 replaces v2 during the second fill: the latch, the running timer and the edge
/// carry over; the count of starts is dropped, the run time is new; each logged once.
fn swap_to_a_version_with_a_field_added_and_one_removed(mut tank: Tank, versions: &Versions) {
    let name = tank.name.clone();
    for ms in 1002..1010 {
        tank.scan(ms, false, false);
    }
    tank.controller.replace(load(&name, &versions.v3));
    for ms in 1010..1900u64 {
        tank.scan(ms, false, false);
        assert!(tank.pump(), "{name}: the pump dropped at {ms} ms");
        assert_eq!(tank.alarm(), ms >= 1801, "{name}: the alarm at {ms} ms (the second fill started at 1001 ms)");
    }
    let run_scans = u16::from_le_bytes([tank.controller.env().outputs[4], tank.controller.env().outputs[5]]);
    assert_eq!(run_scans, 1900 - 1010, "{name}: the new field started from its Default");
    assert_eq!(tank.messages().len(), 2, "{name}: v3 saw no new start: {:?}", tank.messages());
    let carried = tank.program().carried().unwrap();
    assert_eq!(carried.kept, 3, "{name}");
    let fields = |list: &[plc_host::state::Field]| list.iter().map(|f| format!("{} {}", f.name, f.type_name)).collect::<Vec<_>>();
    assert_eq!(fields(&carried.new), ["run_scans u16"], "{name}");
    assert_eq!(fields(&carried.dropped), ["starts Ctu/1"], "{name}");
    let logs = host_logs(&name);
    let once = |text: &str| assert_eq!(logs.iter().filter(|l| l.as_str() == text).count(), 1, "{name}: {text:?} in {logs:#?}");
    once("online change: state field `run_scans` (u16) is new: it starts from its initial value");
    once("online change: state field `starts` (Ctu/1) was dropped: the new version has no such field");
}

#[test]
fn a_rust_program_keeps_its_state_across_new_versions() {
    let versions = rust();
    let tank = swap_in_the_middle_of_a_fill("tank_rust", &versions);
    swap_to_a_version_with_a_field_added_and_one_removed(tank, &versions);
}

#[test]
fn a_c_program_keeps_its_state_across_new_versions() {
    let versions = c();
    let tank = swap_in_the_middle_of_a_fill("tank_c", &versions);
    swap_to_a_version_with_a_field_added_and_one_removed(tank, &versions);
}

/// An operator's cold swap: the new version starts from its initial state, as at load; with
/// both switches off the pump (no longer latched) stops, the count and the timer restart.
#[test]
fn a_cold_swap_resets_everything() {
    for (name, versions) in [("cold_rust", rust()), ("cold_c", c())] {
        let mut tank = Tank::new(name, &versions.v1);
        for ms in 0..500 {
            tank.scan(ms, ms < 5, false);
        }
        assert!(tank.pump() && tank.starts() == 1 && tank.alarm_et() == 499, "{name}");
        tank.controller.replace_cold(load(name, &versions.v2));
        tank.scan(500, false, false);
        assert!(!tank.pump(), "{name}: the latch was reset");
        assert_eq!((tank.starts(), tank.alarm_et(), tank.alarm()), (0, 0, false), "{name}");
        assert!(tank.program().carried().is_none(), "{name}");
        assert!(host_logs(name).contains(&"online change: the new version starts cold, as asked".to_owned()), "{name}");
        // The new version starts like a fresh one: the next low level is its first start.
        tank.scan(501, true, false);
        assert_eq!((tank.pump(), tank.starts()), (true, 1), "{name}");
        assert_eq!(tank.messages(), ["pump started (v1)", "pump started (v2)"], "{name}");
    }
}

/// The state of both twins measured at load: the same records, names and types.
#[test]
fn the_state_is_measured_at_load_and_the_twins_agree() {
    let (rust, c) = (rust(), c());
    let records = |wasm: &[u8]| {
        let program = load("measured", wasm);
        let state = program.initial_state().expect("it exports plc_state_save");
        state.iter().map(|r| (r.name.to_owned(), r.type_name.to_owned(), r.bytes.len())).collect::<Vec<_>>()
    };
    let expected = [("pump", "Sr/1", 1), ("alarm", "Ton/1", 18), ("started", "RTrig/1", 2), ("starts", "Ctu/1", 7)]
        .map(|(n, t, l)| (n.to_owned(), t.to_owned(), l));
    assert_eq!(records(&rust.v1), expected);
    assert_eq!(records(&c.v1), expected);
    let size = load("measured", &rust.v1).initial_state().unwrap().size();
    assert_eq!(size, 4 + 4 + 1 + 5 + 5 + 18 + 7 + 7 + 2 + 6 + 5 + 7, "names, types and bytes");
}

/// A program whose state is over the limit is refused at load, with the reason.
#[test]
fn a_state_over_the_limit_is_refused_at_load() {
    for wasm in [rust().v1, c().v1] {
        for limits in [Limits { state_bytes: 40, ..Limits::default() }, Limits { state_records: 3, ..Limits::default() }] {
            match Program::new("big", &wasm, limits.clone()) {
                Err(LoadError::Invalid(problems)) => {
                    let text = problems[0].to_string();
                    assert!(text.starts_with("its state cannot be carried to a new version: the state "), "{text}");
                    assert!(text.contains("over the limit of 40 bytes") || text.contains("more than 3 fields"), "{text}");
                }
                other => panic!("{other:?}"),
            }
        }
        assert!(Program::new("fits", &wasm, Limits { state_bytes: 71, ..Limits::default() }).is_ok());
    }
}

/// Rust and C write the same records for the same state: after the same scans the twins'
/// records are equal byte for byte, and a Rust version can be replaced by a C one (and back)
/// with the state carried over.
#[test]
fn the_twins_write_the_same_records_and_can_replace_each_other() {
    let (rust, c) = (rust(), c());
    let mut saved = Vec::new();
    for (name, wasm) in [("same_rust", &rust.v1), ("same_c", &c.v1)] {
        let mut tank = Tank::new(name, wasm);
        for ms in 0..300 {
            tank.scan(ms, ms < 5, false);
        }
        let records = tank.controller.state(name).unwrap();
        saved.push(records.iter().map(|r| (r.name.to_owned(), r.type_name.to_owned(), r.bytes.to_vec())).collect::<Vec<_>>());
    }
    assert_eq!(saved[0], saved[1]);
    assert_eq!(saved[0][1].2[..9], [1, 0, 0, 0, 0, 0, 0, 0, 0], "alarm: running since 0 ns");

    let mut tank = Tank::new("mixed", &rust.v1);
    for ms in 0..1000u64 {
        match ms {
            300 => tank.controller.replace(load("mixed", &c.v2)),
            600 => tank.controller.replace(load("mixed", &rust.v2)),
            _ => {}
        }
        tank.scan(ms, ms < 5, false);
        assert!(tank.pump() && tank.starts() == 1 && tank.alarm() == (ms >= 800), "at {ms} ms");
    }
    assert_eq!(tank.messages(), ["pump started (v1)"]);
}

/// Two new versions in a row before a scan (the watcher's changes of one look, two commands):
/// the second takes over what the first was handed, never the first's untouched initial state.
#[test]
fn two_swaps_before_a_scan_pass_the_state_on() {
    let versions = rust();
    let mut tank = Tank::new("twice", &versions.v1);
    for ms in 0..100 {
        tank.scan(ms, ms < 5, false);
    }
    tank.controller.replace(load("twice", &versions.v2));
    tank.controller.replace(load("twice", &versions.v1));
    tank.scan(100, false, false);
    assert!(tank.pump() && tank.starts() == 1 && tank.alarm_et() == 100);
    assert_eq!(tank.program().carried().map(|c| c.kept), Some(4));
    assert_eq!(tank.messages(), ["pump started (v1)"]);
}
