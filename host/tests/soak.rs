//! A faulting program, an endless loop and a memory bomb, each restarted after every fault,
//! beside healthy programs for thousands of scans: the healthy ones scan every cycle, and the
//! host's memory stays flat. (A test binary of its own, so that its memory is its own.)

mod support;

use plc_host::{Controller, FaultPolicy, InMemoryEnvironment, Limits, Program, Value};
use support::*;

const MEMORY_BOMB: &str = r#"(module (memory (export "memory") 1)
    (func (export "poll") (loop $l (br_if $l (i32.ne (memory.grow (i32.const 1)) (i32.const -1))))))"#;

/// Resident memory of this process, in bytes.
fn resident() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap();
    statm.split_whitespace().nth(1).unwrap().parse::<u64>().unwrap() * 4096
}

#[test]
fn faulting_programs_beside_healthy_ones_for_thousands_of_scans() {
    const SCANS: u32 = 3000;
    let restart = Limits {
        on_fault: FaultPolicy::Restart,
        restart_backoff_max: 0,
        cpu_budget: 100_000,
        memory_bytes: 1 << 20,
        ..Limits::default()
    };
    let mut controller = Controller::new(InMemoryEnvironment::new(1, 8));
    controller.env_mut().inputs[0] = 1; // the faults guest panics
    controller.add(Program::new("healthy0", healthy(0).as_bytes(), Limits::default()).unwrap()).unwrap();
    controller.add(Program::new("panics", &rust_guest("guest-faults"), restart.clone()).unwrap()).unwrap();
    controller.add(Program::new("healthy1", healthy(1).as_bytes(), Limits::default()).unwrap()).unwrap();
    let endless = r#"(module (memory (export "memory") 1) (func (export "poll") (loop $l (br $l))))"#;
    controller.add(Program::new("endless", endless.as_bytes(), restart.clone()).unwrap()).unwrap();
    controller.add(Program::new("bomb", MEMORY_BOMB.as_bytes(), restart).unwrap()).unwrap();
    controller.add(Program::new("healthy2", healthy(2).as_bytes(), Limits::default()).unwrap()).unwrap();

    let mut warm = 0;
    for scan in 1..=SCANS {
        let faults = controller.scan();
        assert_eq!(faults.iter().map(|(i, _)| *i).collect::<Vec<_>>(), [1, 3, 4], "scan {scan}");
        let env = controller.env();
        for i in 0..3 {
            assert_eq!(env.outputs[i], scan as u8, "healthy{i} at scan {scan}");
            assert_eq!(env.variables[&format!("healthy{i}")], Value::Int(scan as i32));
        }
        if scan == 300 {
            warm = resident();
        }
    }
    let grown = resident().saturating_sub(warm);
    assert!(grown < 16 << 20, "resident memory grew by {} KiB over {} scans", grown / 1024, SCANS - 300);
    for (i, program) in controller.programs().iter().enumerate() {
        let faults = if [1, 3, 4].contains(&i) { u64::from(SCANS) } else { 0 };
        assert_eq!(program.faults(), faults, "{}", program.name());
    }
}
