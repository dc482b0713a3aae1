//! A program tries, as an attacker would, to stall, bloat or crash the controller: tables,
//! bulk memory, intrinsics asked for huge lengths, endless variables, bits of another program,
//! shared memory, a budget taken twice, a huge module, forged log lines. Each is refused or
//! bounded, with the result the ABI documents.

mod support;

use std::sync::atomic::{AtomicUsize, Ordering};

use plc_host::{Compiler, Environment, InMemoryEnvironment, FaultKind, Limits, LoadError, OutputsOnFault, Program, Status, Value, VariableLimits};
use plc_abi::wasm_result_t;
use support::*;

/// Loads WAT under `limits`, panicking with the problems if it is refused.
fn load_with(wat: &str, limits: Limits) -> Program {
    Program::new("attacker", wat.as_bytes(), limits).unwrap_or_else(|e| panic!("{e}"))
}

/// The problems a refused module has, as one string.
fn refused(wat: &str, limits: Limits) -> String {
    match Program::new("attacker", wat.as_bytes(), limits) {
        Ok(_) => panic!("accepted:\n{wat}"),
        Err(e) => e.to_string(),
    }
}

/// The i32 the poll stored little-endian in output bytes 0..4.
fn output_i32(env: &mut InMemoryEnvironment) -> i32 {
    i32::from_le_bytes(env.outputs[..4].try_into().unwrap())
}

const WRITE: &str = r#"(import "env" "wasm_write_output" (func $write (param i32 i32 i32) (result i32)))"#;

/// `$publish`: stores an i32 at address 0 and publishes it as output bytes 0..4.
const PUBLISH_FN: &str = "(func $publish (param $v i32)
    (i32.store (i32.const 0) (local.get $v)) (drop (call $write (i32.const 0) (i32.const 0) (i32.const 4))))";

/// Publishes the i32 on the stack (with [`PUBLISH_FN`] in the module).
const PUBLISH: &str = "(call $publish)";

#[test]
fn a_huge_table_grow_returns_minus_one_and_allocates_nothing() {
    // The 16 GB of one instruction: a table without a maximum grown by 0x7fffffff.
    let wat = format!(
        r#"(module {WRITE} (memory (export "memory") 1) (table 1 funcref)
            {PUBLISH_FN} (func (export "poll") (table.grow (ref.null func) (i32.const 0x7fffffff)) {PUBLISH}))"#
    );
    for compiler in [Compiler::Cranelift, Compiler::Singlepass] {
        let limits = Limits { compiler, cpu_budget: 1 << 40, ..Limits::default() };
        let mut program = load_with(&wat, limits);
        let mut env = env(0, 4);
        let rss = resident_kib();
        program.poll(&mut env).unwrap();
        assert_eq!(output_i32(&mut env), -1, "{compiler}: the grow is refused");
        assert!(resident_kib() < rss + 64 * 1024, "{compiler}: the host did not allocate the table");
    }
}

#[test]
fn a_table_grows_up_to_its_limit_and_no_further() {
    let limits = Limits { table_elements: 100, ..Limits::default() };
    // Declared maximum above the limit: the limit wins. 1 + 99 fits, one more does not.
    let grow = |by: u32| {
        let wat = format!(
            r#"(module {WRITE} (memory (export "memory") 1) (table 1 1000 funcref)
                {PUBLISH_FN} (func (export "poll") (table.grow (ref.null func) (i32.const {by})) {PUBLISH}))"#
        );
        let mut env = env(0, 4);
        load_with(&wat, limits.clone()).poll(&mut env).unwrap();
        output_i32(&mut env)
    };
    assert_eq!(grow(99), 1, "grown from 1 element");
    assert_eq!(grow(100), -1);
}

#[test]
fn tables_over_the_limits_are_refused_at_load() {
    let limits = Limits { tables: 2, table_elements: 1000, ..Limits::default() };
    let big = r#"(module (memory (export "memory") 1) (table 1001 funcref) (func (export "poll")))"#;
    assert!(refused(big, limits.clone()).contains("table 0 starts with 1001 elements, over this host's limit of 1000"), "{}", refused(big, limits.clone()));
    let many = r#"(module (memory (export "memory") 1) (table 1 funcref) (table 1 funcref) (table 1 funcref) (func (export "poll")))"#;
    assert!(refused(many, limits.clone()).contains("declares 3 tables, over this host's limit of 2"), "{}", refused(many, limits));
}

/// A poll doing `count` times `op` (a bulk instruction whose length operand is `len`).
fn bulk(op: &str, len: u32, count: u32) -> String {
    format!(
        r#"(module {WRITE} (memory (export "memory") 32 32)
            (table $t 70000 funcref) (table $u 70000 funcref)
            (data $d "{data}") (elem $e func {elems})
            (func $f) {PUBLISH_FN}
            (func (export "poll") (local $i i32)
                (loop $again
                    {op}
                    (br_if $again (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const {count}))))
                (i32.const 7) {PUBLISH}))"#,
        data = "x".repeat(65_536),
        elems = "$f ".repeat(4096),
        op = op.replace("LEN", &len.to_string())
    )
}

/// Bulk instructions are charged by their length: a poll whose bulk work fits the budget
/// runs, the same with twice the work runs out of it, whatever each instruction's length.
#[test]
fn bulk_memory_and_table_instructions_are_charged_by_length() {
    // 1 MiB fills and copies: 65,536 points each (16 bytes a point).
    let ops = [
        ("(memory.fill (i32.const 0) (i32.const 0) (i32.const LEN))", 1 << 20, 65_536),
        ("(memory.copy (i32.const 0) (i32.const 1048576) (i32.const LEN))", 1 << 20, 65_536),
        ("(memory.init $d (i32.const 0) (i32.const 0) (i32.const LEN))", 65_536, 4096),
        ("(table.fill $t (i32.const 0) (ref.null func) (i32.const LEN))", 65_536, 65_536),
        ("(table.copy $t $u (i32.const 0) (i32.const 0) (i32.const LEN))", 65_536, 65_536),
        ("(table.init $t $e (i32.const 0) (i32.const 0) (i32.const LEN))", 4096, 4096),
    ];
    for compiler in [Compiler::Cranelift, Compiler::Singlepass] {
        for (op, len, points) in ops {
            // Room for 10 such instructions, their loop and the publishing call.
            let limits = Limits { compiler, cpu_budget: 10 * points + 400, table_elements: 70_000, ..Limits::default() };
            let mut env = env(0, 4);
            load_with(&bulk(op, len, 10), limits.clone()).poll(&mut env).unwrap_or_else(|f| panic!("{op}: {f}"));
            assert_eq!(output_i32(&mut env), 7, "{compiler} {op}");
            let fault = load_with(&bulk(op, len, 20), limits).poll(&mut env).unwrap_err();
            assert_eq!(fault.kind, FaultKind::CpuBudget, "{compiler} {op}: {fault}");
        }
    }
}

#[test]
fn an_endless_loop_of_huge_fills_ends_within_its_budget() {
    let wat = r#"(module (memory (export "memory") 256 256)
        (func (export "poll") (loop $l (memory.fill (i32.const 0) (i32.const 1) (i32.const 16777216)) (br $l))))"#;
    let mut program = load_with(wat, Limits { cpu_budget: 10_000_000, ..Limits::default() });
    let fault = program.poll(&mut env(0, 0)).unwrap_err();
    assert_eq!(fault.kind, FaultKind::CpuBudget, "{fault}");
    assert_eq!(program.status(), Status::Faulted);
}

/// An environment that records the largest buffer the host asked it to fill.
struct Recording {
    inner: plc_host::InMemoryEnvironment,
    largest_read: AtomicUsize,
}

impl Environment for Recording {
    fn elapsed(&self) -> Result<std::time::Duration, plc_host::EnvError> {
        self.inner.elapsed()
    }
    fn input_len(&self) -> usize {
        self.inner.input_len()
    }
    fn output_len(&self) -> usize {
        self.inner.output_len()
    }
    fn read_input(&self, address: usize, buffer: &mut [u8]) -> Result<(), plc_host::EnvError> {
        self.largest_read.fetch_max(buffer.len(), Ordering::Relaxed);
        self.inner.read_input(address, buffer)
    }
    fn read_output(&self, address: usize, buffer: &mut [u8]) -> Result<(), plc_host::EnvError> {
        self.largest_read.fetch_max(buffer.len(), Ordering::Relaxed);
        self.inner.read_output(address, buffer)
    }
    fn write_output(&mut self, address: usize, data: &[u8]) -> Result<(), plc_host::EnvError> {
        self.inner.write_output(address, data)
    }
    fn get_variable(&self, name: &str) -> Result<Value, plc_host::EnvError> {
        self.inner.get_variable(name)
    }
    fn set_variable(&mut self, name: &str, value: Value) -> Result<(), plc_host::EnvError> {
        self.inner.set_variable(name, value)
    }
}

#[test]
fn an_image_read_past_the_image_is_refused_before_any_work() {
    // 16 MiB of guest memory and a 16-byte image: 1000 reads of 16 MiB.
    let wat = r#"(module
        (import "env" "wasm_read_input" (func $in (param i32 i32 i32) (result i32)))
        (import "env" "wasm_read_output" (func $out (param i32 i32 i32) (result i32)))
        (import "env" "wasm_write_output" (func $write (param i32 i32 i32) (result i32)))
        (memory (export "memory") 257 257)
        (func (export "poll") (local $i i32) (local $codes i32)
            (loop $again
                (local.set $codes (i32.add (local.get $codes)
                    (i32.add (call $in (i32.const 0) (i32.const 16) (i32.const 16777216))
                             (call $out (i32.const 0) (i32.const 16) (i32.const 16777216)))))
                (br_if $again (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 1000))))
            (i32.store (i32.const 0) (local.get $codes))
            (drop (call $write (i32.const 0) (i32.const 0) (i32.const 4)))))"#;
    // Asking for 16 MiB costs 1M points a call, refused or not: a budget for all of them.
    let mut program = load_with(wat, Limits { memory_bytes: 32 << 20, cpu_budget: 1 << 40, ..Limits::default() });
    let recording = Recording { inner: plc_host::InMemoryEnvironment::new(16, 16), largest_read: AtomicUsize::new(0) };
    let mut recording = recording;
    program.poll(&mut recording).unwrap();
    let codes = i32::from_le_bytes(recording.inner.outputs[..4].try_into().unwrap());
    assert_eq!(codes, 2000 * wasm_result_t::WASM_ADDRESS_OUT_OF_BOUNDS as i32, "every read refused with code 2");
    let largest = recording.largest_read.load(Ordering::Relaxed);
    assert!(largest <= 16, "the host asked for {largest} bytes");
}

#[test]
fn staged_outputs_of_alternating_lengths_all_land() {
    // 100,000 writes of 1 and 2 bytes in turn (a list of writes would fill up and refuse them),
    // each read back: byte 0 ends as the last value written, byte 1 as the last 2-byte write.
    let wat = r#"(module
        (import "env" "wasm_write_output" (func $write (param i32 i32 i32) (result i32)))
        (import "env" "wasm_read_output" (func $read (param i32 i32 i32) (result i32)))
        (memory (export "memory") 1)
        (func (export "poll") (local $i i32) (local $failed i32)
            (loop $again
                (i32.store16 (i32.const 0) (local.get $i))
                (local.set $failed (i32.or (local.get $failed)
                    (call $write (i32.const 0) (i32.const 0) (i32.add (i32.const 1) (i32.and (local.get $i) (i32.const 1))))))
                (local.set $failed (i32.or (local.get $failed) (call $read (i32.const 0) (i32.const 8) (i32.const 2))))
                (local.set $failed (i32.or (local.get $failed) (i32.ne (i32.load8_u (i32.const 8)) (i32.and (local.get $i) (i32.const 255)))))
                (br_if $again (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 100000))))
            (i32.store8 (i32.const 0) (local.get $failed))
            (drop (call $write (i32.const 2) (i32.const 0) (i32.const 1)))))"#;
    let mut program = load_with(wat, Limits { cpu_budget: 100_000_000, ..Limits::default() });
    let mut env = env(0, 3);
    program.poll(&mut env).unwrap();
    // Last i = 99,999 (odd: a 2-byte write of 0x869f): byte 0 = 0x9f, byte 1 = 0x86.
    assert_eq!(env.outputs, [0x9f, 0x86, 0], "every write and read-back succeeded");
}

#[test]
fn the_variable_table_is_bounded_and_says_so() {
    // Each poll creates 10 new variables named by a running counter: "v" + 4 bytes.
    let wat = r#"(module
        (import "env" "wasm_variable_write_int" (func $set (param i32 i32 i32) (result i32)))
        (import "env" "wasm_write_output" (func $write (param i32 i32 i32) (result i32)))
        (memory (export "memory") 1)
        (data (i32.const 100) "v")
        (global $n (mut i32) (i32.const 0))
        (func (export "poll") (local $i i32) (local $code i32)
            (loop $again
                (i32.store (i32.const 101) (global.get $n))
                (global.set $n (i32.add (global.get $n) (i32.const 1)))
                (local.set $code (call $set (i32.const 100) (i32.const 5) (i32.const 1)))
                (br_if $again (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 10))))
            (i32.store (i32.const 0) (local.get $code))
            (drop (call $write (i32.const 0) (i32.const 0) (i32.const 4)))))"#;
    let mut program = load_with(wat, Limits::default());
    let mut env = env(0, 4);
    env.variable_limits = VariableLimits { variables: 25, name_bytes: 1 << 20 };
    let mut codes = Vec::new();
    for _ in 0..4 {
        program.poll(&mut env).unwrap();
        codes.push(output_i32(&mut env));
    }
    let full = wasm_result_t::WASM_VARIABLE_TABLE_FULL as i32;
    assert_eq!(codes, [0, 0, full, full]);
    assert_eq!(env.variables.len(), 25, "the table holds its limit and no more");
    // The names bound too: 5 bytes each, room for 3.
    let mut program = load_with(wat, Limits::default());
    let mut small = support::env(0, 4);
    small.variable_limits = VariableLimits { variables: 1000, name_bytes: 15 };
    program.poll(&mut small).unwrap();
    assert_eq!((output_i32(&mut small), small.variables.len()), (full, 3));
}

#[test]
fn zero_on_fault_clears_only_the_bits_the_program_changed() {
    // Program `own` sets bit `bit` of output byte 0 (read, or, write); it traps when input 0 is 1.
    let setter = |bit: u8| {
        format!(
            r#"(module
                (import "env" "wasm_read_output" (func $read (param i32 i32 i32) (result i32)))
                (import "env" "wasm_read_input" (func $in (param i32 i32 i32) (result i32)))
                {WRITE}
                (memory (export "memory") 1)
                (func (export "poll")
                    (drop (call $in (i32.const 0) (i32.const 4) (i32.const 1)))
                    (if (i32.load8_u (i32.const 4)) (then unreachable))
                    (drop (call $read (i32.const 0) (i32.const 0) (i32.const 1)))
                    (i32.store8 (i32.const 0) (i32.or (i32.load8_u (i32.const 0)) (i32.const {mask})))
                    (drop (call $write (i32.const 0) (i32.const 0) (i32.const 1)))))"#,
            mask = 1u8 << bit
        )
    };
    let zero = Limits { outputs_on_fault: OutputsOnFault::Zero, ..Limits::default() };
    let mut a = load_with(&setter(0), zero.clone());
    let mut b = load_with(&setter(7), Limits::default());
    let mut env = env(1, 1);
    for _ in 0..3 {
        a.poll(&mut env).unwrap();
        b.poll(&mut env).unwrap();
    }
    assert_eq!(env.outputs[0], 0x81);
    env.inputs[0] = 1;
    a.poll(&mut env).unwrap_err();
    assert_eq!(env.outputs[0], 0x80, "A's bit 0 is cleared, B's bit 7 stays");
}

#[test]
fn shared_and_extra_memories_are_refused() {
    let shared = r#"(module (memory (export "memory") 1 2 shared) (func (export "poll")))"#;
    assert!(refused(shared, Limits::default()).contains("the memory is shared"), "{}", refused(shared, Limits::default()));
    let two = r#"(module (memory (export "memory") 1) (memory 1) (func (export "poll")))"#;
    assert!(refused(two, Limits::default()).contains("declares 2 memories"), "{}", refused(two, Limits::default()));
}

/// The start function, `plc_abi_version` and `init` share one budget: each may use 40 % of
/// it, but not 120 % together.
#[test]
fn start_abi_version_and_init_share_one_budget() {
    let burn = |name: &str, export: &str, result: &str, iterations: u32| {
        format!(
            r#"(func ${name} {export} {result} (local $i i32)
                (loop $l (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const {iterations}))))
                {ret})"#,
            ret = if result.is_empty() { "" } else { "(i32.const 1)" }
        )
    };
    let module = |start: u32, version: u32, init: u32| {
        format!(
            r#"(module (memory (export "memory") 1) {} {} {} (start $start) (func (export "poll")))"#,
            burn("start", "", "", start),
            burn("version", r#"(export "plc_abi_version")"#, "(result i32)", version),
            burn("init", r#"(export "init")"#, "", init)
        )
    };
    // About 6 points an iteration: 100,000 points; 6,000 iterations is about 36 %.
    let limits = Limits { cpu_budget: 100_000, ..Limits::default() };
    let mut lone = load_with(&module(6_000, 1, 1), limits.clone());
    lone.poll(&mut env(0, 0)).unwrap();
    let mut lone = load_with(&module(1, 1, 6_000), limits.clone());
    lone.poll(&mut env(0, 0)).unwrap();
    let mut together = load_with(&module(6_000, 6_000, 6_000), limits);
    let fault = together.poll(&mut env(0, 0)).unwrap_err();
    assert_eq!(fault.kind, FaultKind::CpuBudget, "{fault}");
    assert!(fault.message.contains("init used the last of the 100000 instructions"), "{fault}");
}

/// Every poll starts on the full budget, whatever the poll before it used (the host writes the
/// meter's global itself before each call): 60 % of it in each of ten polls is fine, 120 % in
/// one is not, and the globals of the program's own are left alone.
#[test]
fn every_poll_starts_on_a_full_budget() {
    let module = |iterations: u32| {
        format!(
            r#"(module
                (import "env" "wasm_write_output" (func $out (param i32 i32 i32) (result i32)))
                (memory (export "memory") 1)
                (global $polls (mut i64) (i64.const 0))
                (func (export "poll") (local $i i32)
                  (global.set $polls (i64.add (global.get $polls) (i64.const 1)))
                  (i64.store (i32.const 0) (global.get $polls))
                  (drop (call $out (i32.const 0) (i32.const 0) (i32.const 8)))
                  (loop $l (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const {iterations}))))))"#
        )
    };
    // About 6 points an iteration: 100,000 points; 10,000 iterations is about 60 %.
    let limits = Limits { cpu_budget: 100_000, ..Limits::default() };
    for compiler in [Compiler::Cranelift, Compiler::Singlepass] {
        let limits = Limits { compiler, ..limits.clone() };
        let mut program = load_with(&module(10_000), limits.clone());
        let mut env = env(0, 8);
        for _ in 0..10 {
            program.poll(&mut env).unwrap_or_else(|fault| panic!("{compiler:?}: {fault}"));
        }
        assert_eq!(program.polls(), 10, "{compiler:?}");
        assert_eq!(u64::from_le_bytes(env.outputs[..8].try_into().unwrap()), 10, "{compiler:?}: the program's own global");
        let fault = load_with(&module(20_000), limits).poll(&mut env).unwrap_err();
        assert_eq!(fault.kind, FaultKind::CpuBudget, "{compiler:?}: {fault}");
    }
}

#[test]
fn a_module_over_the_size_limit_is_refused_before_compiling() {
    let wasm = rust_guest("guest-abi-all");
    let limits = Limits { module_bytes: wasm.len() as u64 - 1, ..Limits::default() };
    match Program::new("big", &wasm, limits) {
        Err(LoadError::Compile(reason)) => assert!(reason.contains("over this host's limit"), "{reason}"),
        other => panic!("{other:?}"),
    }
    Program::new("big", &wasm, Limits { module_bytes: wasm.len() as u64, ..Limits::default() }).unwrap();
}

#[test]
fn guest_log_text_cannot_forge_log_lines() {
    let wat = r#"(module
        (import "env" "wasm_log" (func $log (param i32 i32 i32 i32 i32 i32) (result i32)))
        (memory (export "memory") 1)
        (data (i32.const 0) "a.rs\nINFO  fake")
        (data (i32.const 100) "ok\nERROR plc_host] forged\1b[31m\00end")
        (func (export "poll") (drop (call $log (i32.const 2) (i32.const 0) (i32.const 15) (i32.const 1) (i32.const 100) (i32.const 34)))))"#;
    let mut env = env(0, 0);
    load_with(wat, Limits::default()).poll(&mut env).unwrap();
    let record = env.logs.back().cloned().unwrap();
    assert_eq!(record.message, r"ok\nERROR plc_host] forged\u{1b}[31m\u{0}end");
    assert_eq!(record.file, r"a.rs\nINFO  fake");
}

/// The resident memory of this process, in KiB.
fn resident_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

#[test]
fn a_cut_log_message_ends_on_a_character_boundary() {
    // 4095 bytes of 'a', then 'é' (2 bytes) across the 4096-byte cut.
    let wat = format!(
        r#"(module
            (import "env" "wasm_log" (func $log (param i32 i32 i32 i32 i32 i32) (result i32)))
            (memory (export "memory") 1)
            (data (i32.const 0) "{}\c3\a9")
            (func (export "poll") (drop (call $log (i32.const 2) (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 0) (i32.const 4097)))))"#,
        "a".repeat(4095)
    );
    let mut env = env(0, 0);
    load_with(&wat, Limits::default()).poll(&mut env).unwrap();
    let message = env.logs.back().cloned().unwrap().message;
    assert_eq!(message, "a".repeat(4095), "no half character, no U+FFFD");
}

/// An intrinsic call costs 150 points, and one that copies a buffer one more per 8 bytes it
/// copies: ten 1 MiB reads of the input image fit a budget that twenty do not.
#[test]
fn intrinsic_calls_are_charged_by_their_length() {
    let reads = |count: u32| {
        format!(
            r#"(module
                (import "env" "wasm_read_input" (func $in (param i32 i32 i32) (result i32)))
                (memory (export "memory") 17 17)
                (func (export "poll") (local $i i32)
                    (loop $again
                        (drop (call $in (i32.const 0) (i32.const 0) (i32.const 1048576)))
                        (br_if $again (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const {count}))))))"#
        )
    };
    let limits = Limits { cpu_budget: 10 * (131_072 + 150) + 200, memory_bytes: 17 << 16, ..Limits::default() };
    let mut env = InMemoryEnvironment::new(1 << 20, 0);
    load_with(&reads(10), limits.clone()).poll(&mut env).unwrap();
    let fault = load_with(&reads(20), limits).poll(&mut env).unwrap_err();
    assert_eq!(fault.kind, FaultKind::CpuBudget, "{fault}");
}

/// A trap deep in a recursion: the default 128 KiB stack ends the recursion (a stack overflow)
/// long before 20,000 frames; on a stack large enough to reach the trap, the fault keeps the
/// innermost 16 and the outermost 4 frames and counts the rest.
#[test]
fn a_trap_deep_in_a_recursion_keeps_a_short_backtrace() {
    let wat = r#"(module (memory (export "memory") 1)
        (func $down (param $n i32) (if (i32.eqz (local.get $n)) (then unreachable)) (call $down (i32.sub (local.get $n) (i32.const 1))))
        (func (export "poll") (call $down (i32.const 20000))))"#;
    let fault = load_with(wat, Limits::default()).poll(&mut env(0, 0)).unwrap_err();
    assert_eq!(fault.kind, FaultKind::Trap(wasmer::sys::vm::TrapCode::StackOverflow), "{fault}");
    let deep = Limits { stack_bytes: 4 << 20, ..Limits::default() };
    let fault = load_with(wat, deep).poll(&mut env(0, 0)).unwrap_err();
    assert_eq!(fault.kind, FaultKind::Trap(wasmer::sys::vm::TrapCode::UnreachableCodeReached), "{fault}");
    assert_eq!(fault.backtrace.len(), 21, "{:?}", fault.backtrace.first());
    assert!(fault.backtrace[16].contains("19982 more frames"), "{}", fault.backtrace[16]);
}
