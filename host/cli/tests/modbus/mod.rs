//! A real `plc-host run` serving Modbus TCP (and the online service, to watch it): the
//! program below, a config of the test's own, free loopback ports, and the external clients
//! (`mbpoll`, Debian's pymodbus under `/usr/bin/python3`) run as child processes, each bounded
//! in time. Controllers are stopped by their pid.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

pub use crate::online::{file, wasm, Controller};

/// Both controllers of the tests run it: output byte 0 = NOT input byte 0; output byte 1 =
/// `modbus.a.ok` (0 or 1); output bytes 4..6 = input bytes 2..4; `count` (int) counts polls;
/// `setpoint` (double, 0.5 when created) and `doubled` = 2 × setpoint; `enabled` (bool, false)
/// and `small` (int, -5) are created once. Nothing else touches the outputs.
pub const PROGRAM: &str = r#"(module
  (import "env" "wasm_read_input" (func $in (param i32 i32 i32) (result i32)))
  (import "env" "wasm_write_output" (func $out (param i32 i32 i32) (result i32)))
  (import "env" "wasm_variable_read_int" (func $geti (param i32 i32 i32) (result i32)))
  (import "env" "wasm_variable_write_int" (func $seti (param i32 i32 i32) (result i32)))
  (import "env" "wasm_variable_read_double" (func $getd (param i32 i32 i32) (result i32)))
  (import "env" "wasm_variable_write_double" (func $setd (param i32 i32 f64) (result i32)))
  (import "env" "wasm_variable_read_boolean" (func $getb (param i32 i32 i32) (result i32)))
  (import "env" "wasm_variable_write_boolean" (func $setb (param i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "count")
  (data (i32.const 16) "setpoint")
  (data (i32.const 32) "doubled")
  (data (i32.const 48) "modbus.a.ok")
  (data (i32.const 64) "enabled")
  (data (i32.const 80) "small")
  (func (export "poll")
    (drop (call $in (i32.const 0) (i32.const 128) (i32.const 4)))
    (i32.store8 (i32.const 136) (i32.xor (i32.load8_u (i32.const 128)) (i32.const 255)))
    (i32.store8 (i32.const 160) (i32.const 0))
    (drop (call $getb (i32.const 48) (i32.const 11) (i32.const 160)))
    (i32.store8 (i32.const 137) (i32.load8_u (i32.const 160)))
    (drop (call $out (i32.const 0) (i32.const 136) (i32.const 2)))
    (drop (call $out (i32.const 4) (i32.const 130) (i32.const 2)))
    (i32.store (i32.const 144) (i32.const 0))
    (drop (call $geti (i32.const 0) (i32.const 5) (i32.const 144)))
    (drop (call $seti (i32.const 0) (i32.const 5) (i32.add (i32.load (i32.const 144)) (i32.const 1))))
    (if (call $getd (i32.const 16) (i32.const 8) (i32.const 152))
      (then (drop (call $setd (i32.const 16) (i32.const 8) (f64.const 0.5))) (f64.store (i32.const 152) (f64.const 0.5))))
    (drop (call $setd (i32.const 32) (i32.const 7) (f64.mul (f64.load (i32.const 152)) (f64.const 2))))
    (if (call $getb (i32.const 64) (i32.const 7) (i32.const 160)) (then (drop (call $setb (i32.const 64) (i32.const 7) (i32.const 0)))))
    (if (call $geti (i32.const 80) (i32.const 5) (i32.const 144)) (then (drop (call $seti (i32.const 80) (i32.const 5) (i32.const -5)))))))"#;

/// The server's variables in the tests' configs: count (i32) at 1024, setpoint (f32) at 1026,
/// doubled (f32) at 1028, enabled (bool) at 1030, small (i16) at 1031, count (u16) at 1032,
/// doubled again (f32, low word first) at 1040.
pub const VARIABLES: &str = r#"
[[modbus.server.variables]]
register = 1024
name = "count"
type = "i32"
[[modbus.server.variables]]
register = 1026
name = "setpoint"
type = "f32"
[[modbus.server.variables]]
register = 1028
name = "doubled"
type = "f32"
[[modbus.server.variables]]
register = 1030
name = "enabled"
type = "bool"
[[modbus.server.variables]]
register = 1031
name = "small"
type = "i16"
[[modbus.server.variables]]
register = 1032
name = "count"
type = "u16"
[[modbus.server.variables]]
register = 1040
name = "doubled"
type = "f32"
word_order = "little"
"#;

/// A controller running [`PROGRAM`] with `config` (TOML) under `name`, and its Modbus
/// address (`127.0.0.1:PORT`).
pub fn start(name: &str, config: &str, args: &[&str]) -> (Controller, String) {
    let program = file(&format!("{name}/program.wasm"), &wasm(PROGRAM));
    let config = file(&format!("{name}/plc.toml"), config.as_bytes());
    let mut all = vec!["--config", config.to_str().unwrap(), program.to_str().unwrap()];
    all.extend_from_slice(args);
    let controller = Controller::start(&all, true);
    let addr = modbus_addr(&controller);
    (controller, addr)
}

/// The address from the controller's `modbus listening on ADDR` line (within 10 s).
pub fn modbus_addr(controller: &Controller) -> String {
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if let Some(line) = controller.stderr.lock().unwrap().iter().find(|l| l.contains("modbus listening on ")) {
            return line.rsplit(' ').next().unwrap().to_owned();
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    panic!("no `modbus listening on` line: {:#?}", controller.stderr.lock().unwrap());
}

/// Runs a command for at most 20 s: its exit code and its stdout and stderr together.
pub fn run(program: &str, args: &[&str]) -> (i32, String) {
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{program} runs (installed by .ci/install-tools): {e}"));
    let deadline = Instant::now() + Duration::from_secs(20);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("{program} {args:?} did not end within 20 s");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let output = child.wait_with_output().unwrap();
    let text = String::from_utf8_lossy(&output.stdout).into_owned() + &String::from_utf8_lossy(&output.stderr);
    (output.status.code().unwrap_or(-1), text)
}

/// `mbpoll -m tcp -a 1 -0 -1 -p PORT ARGS HOST [VALUES]`: one poll, 0-based addresses.
pub fn mbpoll(addr: &str, args: &[&str], values: &[&str]) -> (i32, String) {
    let (host, port) = addr.rsplit_once(':').unwrap();
    let mut all = vec!["-m", "tcp", "-a", "1", "-0", "-1", "-o", "2", "-p", port];
    all.extend_from_slice(args);
    all.push(host);
    all.extend_from_slice(values);
    run("mbpoll", &all)
}

/// The values mbpoll printed, `[n]: value` lines, in order.
pub fn mbpoll_values(text: &str) -> Vec<String> {
    text.lines().filter(|l| l.starts_with('[')).filter_map(|l| l.split_once(':')).map(|(_, v)| v.trim().to_owned()).collect()
}

/// The answer PDU (function code first) to a raw request PDU for unit 1 over `stream`.
pub fn request(stream: &mut TcpStream, transaction: u16, pdu: &[u8]) -> Vec<u8> {
    let mut frame = Vec::new();
    frame.extend_from_slice(&transaction.to_be_bytes());
    frame.extend_from_slice(&[0, 0]);
    frame.extend_from_slice(&(pdu.len() as u16 + 1).to_be_bytes());
    frame.push(1);
    frame.extend_from_slice(pdu);
    stream.write_all(&frame).unwrap();
    let mut header = [0u8; 7];
    stream.read_exact(&mut header).expect("an answer");
    assert_eq!(u16::from_be_bytes([header[0], header[1]]), transaction);
    let len = u16::from_be_bytes([header[4], header[5]]) as usize;
    let mut body = vec![0u8; len - 1];
    stream.read_exact(&mut body).unwrap();
    body
}

/// A connection with 5 s timeouts.
pub fn connect(addr: &str) -> TcpStream {
    let stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    stream.set_write_timeout(Some(Duration::from_secs(5))).unwrap();
    stream
}

/// Holding registers `first..first + count` read with a raw FC 3 request.
pub fn holding(addr: &str, first: u16, count: u16) -> Vec<u16> {
    let mut stream = connect(addr);
    let [a, b] = first.to_be_bytes();
    let [c, d] = count.to_be_bytes();
    let answer = request(&mut stream, 7, &[3, a, b, c, d]);
    assert_eq!(answer[0], 3, "not an exception: {answer:?}");
    answer[2..].chunks(2).map(|w| u16::from_be_bytes([w[0], w[1]])).collect()
}

/// Waits up to `limit` until `f` holds, polling every 10 ms; false if it never did.
pub fn within(limit: Duration, mut f: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + limit;
    loop {
        if f() {
            return true;
        }
        if Instant::now() > deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}
