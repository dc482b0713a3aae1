//! The round trip of one holding-register read (FC 3, 10 registers) over loopback TCP, from
//! one blocking client: through our server, with a controller scanning every millisecond on
//! its own thread, and through pymodbus's own server (Debian's python3-pymodbus, asyncio),
//! in the same run (results: docs/benchmarks.md).
//!
//! `cargo bench -p plc-modbus --bench roundtrip`

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion};
use plc_host::{Controller, InMemoryEnvironment, Limits, Program};
use plc_modbus::config::ServerConfig;
use plc_modbus::{Modbus, ModbusConfig};

/// pymodbus's TCP server on the port given, every table 1000 words long.
const PYMODBUS_SERVER: &str = r#"
import sys
from pymodbus.server import StartTcpServer
from pymodbus.datastore import ModbusSequentialDataBlock, ModbusSlaveContext, ModbusServerContext
block = lambda: ModbusSequentialDataBlock(0, [0] * 1000)
store = ModbusSlaveContext(di=block(), co=block(), hr=block(), ir=block())
StartTcpServer(context=ModbusServerContext(slaves=store, single=True), address=("127.0.0.1", int(sys.argv[1])))
"#;

/// Counts its scans in output byte 0.
const PROGRAM: &str = r#"(module
    (import "env" "wasm_read_output" (func $read (param i32 i32 i32) (result i32)))
    (import "env" "wasm_write_output" (func $write (param i32 i32 i32) (result i32)))
    (memory (export "memory") 1)
    (func (export "poll")
        (drop (call $read (i32.const 0) (i32.const 0) (i32.const 1)))
        (i32.store8 (i32.const 0) (i32.add (i32.load8_u (i32.const 0)) (i32.const 1)))
        (drop (call $write (i32.const 0) (i32.const 0) (i32.const 1)))))"#;

/// A blocking client that sends the same FC 3 request each time.
struct Client {
    stream: TcpStream,
    transaction: u16,
}

impl Client {
    fn connect(addr: SocketAddr) -> Client {
        let deadline = Instant::now() + Duration::from_secs(20);
        let stream = loop {
            match TcpStream::connect(addr) {
                Ok(stream) => break stream,
                Err(e) if Instant::now() < deadline => {
                    let _ = e;
                    std::thread::sleep(Duration::from_millis(20));
                }
                Err(e) => panic!("{addr}: {e}"),
            }
        };
        stream.set_nodelay(true).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        Client { stream, transaction: 0 }
    }

    /// Holding registers 0..10, answered.
    fn read(&mut self) -> [u8; 29] {
        self.transaction = self.transaction.wrapping_add(1);
        let [t0, t1] = self.transaction.to_be_bytes();
        self.stream.write_all(&[t0, t1, 0, 0, 0, 6, 1, 3, 0, 0, 0, 10]).unwrap();
        let mut answer = [0u8; 29];
        self.stream.read_exact(&mut answer).unwrap();
        assert_eq!((answer[0], answer[1], answer[7], answer[8]), (t0, t1, 3, 20), "a read of 10 registers");
        answer
    }
}

/// Our server on a free port, a controller scanning each millisecond until the flag drops.
fn ours(stop: Arc<AtomicBool>) -> (SocketAddr, std::thread::JoinHandle<()>) {
    let (tx, rx) = std::sync::mpsc::channel();
    let scan = std::thread::spawn(move || {
        let mut controller = Controller::new(InMemoryEnvironment::new(16, 32));
        controller.add(Program::new("count", PROGRAM.as_bytes(), Limits::default()).unwrap()).unwrap();
        // Unpaced: the default pace (10,000 requests a second per connection) would be measured.
        let server = ServerConfig { requests_per_second: Some(1_000_000), ..ServerConfig::default() };
        let config = ModbusConfig { server: Some(server), client: Vec::new() };
        let settings = config.settings(Some("127.0.0.1:0".into()), 16, 32).unwrap().unwrap();
        let mut modbus = Modbus::start(settings, &mut controller).unwrap();
        tx.send(modbus.server_addr().unwrap()).unwrap();
        while !stop.load(Ordering::Relaxed) {
            modbus.exchange().before_scan(&mut controller);
            controller.scan();
            modbus.exchange().after_scan(&controller);
            std::thread::sleep(Duration::from_millis(1));
        }
    });
    (rx.recv_timeout(Duration::from_secs(20)).unwrap(), scan)
}

/// pymodbus's server on a free port.
fn pymodbus() -> (SocketAddr, Child) {
    let addr = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let child = Command::new("/usr/bin/python3")
        .args(["-c", PYMODBUS_SERVER, &addr.port().to_string()])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("/usr/bin/python3 with python3-pymodbus (.ci/install-tools)");
    (addr, child)
}

fn roundtrip(c: &mut Criterion) {
    let stop = Arc::new(AtomicBool::new(false));
    let (our_addr, scan) = ours(stop.clone());
    let (py_addr, mut python) = pymodbus();
    // Both answer before either is measured: Python's start-up is over.
    let (mut our_client, mut py_client) = (Client::connect(our_addr), Client::connect(py_addr));
    our_client.read();
    py_client.read();
    let mut group = c.benchmark_group("holding_read_10");
    group.bench_function("plc-modbus", |b| b.iter(|| our_client.read()));
    group.bench_function("pymodbus", |b| b.iter(|| py_client.read()));
    group.finish();
    let _ = python.kill();
    let _ = python.wait();
    stop.store(true, Ordering::Relaxed);
    scan.join().unwrap();
}

criterion_group! {
    name = benches;
    config = Criterion::default().measurement_time(Duration::from_secs(5)).warm_up_time(Duration::from_secs(1));
    targets = roundtrip
}
criterion_main!(benches);
