//! The WebSocket of a real `plc-host run --listen`: snapshots at the rate a client asks for
//! (capped), log records as they come, and 50 clients at the highest rate while the scan
//! keeps its cycle (measured and printed; the numbers are in docs/benchmarks.md).

mod online;

use std::net::TcpStream;
use std::time::{Duration, Instant};

use online::*;
use serde_json::Value;
use tungstenite::{Message, WebSocket};

fn next_event(socket: &mut WebSocket<TcpStream>) -> Value {
    loop {
        if let Message::Text(text) = socket.read().expect("an event") {
            return serde_json::from_str(text.as_str()).unwrap();
        }
    }
}

fn event_of(socket: &mut WebSocket<TcpStream>, kind: &str, test: impl Fn(&Value) -> bool) -> Value {
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        let event = next_event(socket);
        if event["type"] == kind && test(&event) {
            return event;
        }
    }
    panic!("no {kind} event within 10 s");
}

#[test]
fn snapshots_at_the_asked_rate_and_log_records() {
    let counter = file("events/counter.wasm", &wasm(COUNTER));
    let c = Controller::start(&[counter.to_str().unwrap(), "--cycle", "2ms"], true);
    let mut socket = c.events("?interval_ms=100");
    assert_eq!(next_event(&mut socket), serde_json::json!({"type": "hello", "interval_ms": 100}));
    let mut scans = Vec::new();
    for _ in 0..3 {
        scans.push(Controller::next_snapshot(&mut socket)["scans"].as_u64().unwrap());
    }
    assert!(scans.windows(2).all(|w| w[1] > w[0] + 10), "about 50 scans apart at 100 ms: {scans:?}");

    socket.send(Message::Text(r#"{"interval_ms": 1}"#.into())).unwrap();
    assert_eq!(event_of(&mut socket, "rate", |_| true)["interval_ms"], 20, "capped at 50 per second");
    socket.send(Message::Text("not json".into())).unwrap();
    assert!(event_of(&mut socket, "error", |_| true)["error"].as_str().unwrap().starts_with("malformed message"));

    // The host's and the programs' log records, as they come.
    c.expect(200, "PUT", "/api/v1/programs/trap", Some(&wasm(TRAPPING)));
    // The fault (at the first poll) and the upload (logged once answered) in either order.
    let (mut uploaded, mut fault) = (None, None);
    while uploaded.is_none() || fault.is_none() {
        let event = event_of(&mut socket, "log", |e| e["target"] == "trap" || e["message"].as_str().unwrap().contains("uploaded"));
        if event["target"] == "trap" { fault = Some(event) } else { uploaded = Some(event) }
    }
    let (uploaded, fault) = (uploaded.unwrap(), fault.unwrap());
    assert!(uploaded["message"].as_str().unwrap().starts_with("online: `trap` uploaded, version "), "{uploaded}");
    assert_eq!(fault["level"], "ERROR");
    assert!(fault["message"].as_str().unwrap().starts_with("fault: unreachable"), "{fault}");
    assert!(fault["file"].is_null() && fault["line"].is_null(), "the host's record has no source location: {fault}");
    // A program's record says where in its source it was written.
    let speaker = wasm(r#"(module
        (import "env" "wasm_log" (func $log (param i32 i32 i32 i32 i32 i32) (result i32)))
        (memory (export "memory") 1) (data (i32.const 0) "tank.c") (data (i32.const 16) "hello")
        (global $said (mut i32) (i32.const 0))
        (func (export "poll") (if (i32.eqz (global.get $said)) (then
            (global.set $said (i32.const 1))
            (drop (call $log (i32.const 2) (i32.const 0) (i32.const 6) (i32.const 42) (i32.const 16) (i32.const 5)))))))"#);
    c.expect(200, "PUT", "/api/v1/programs/speaker", Some(&speaker));
    let said = event_of(&mut socket, "log", |e| e["target"] == "speaker");
    assert_eq!((&said["message"], &said["file"], &said["line"]), (&Value::from("hello"), &Value::from("tank.c"), &Value::from(42)), "{said}");
    // A client that connects later gets the last records first.
    let mut late = c.events("");
    event_of(&mut late, "log", |e| e["target"] == "trap");
    assert_eq!(c.expect(200, "GET", "/api/v1/stats", None)["service"]["websocket_clients"], 2);
}

/// (cycles, overruns, average scan in µs) over a stretch, from two readings of `/stats`.
fn stretch(c: &Controller, during: impl FnOnce()) -> (u64, u64, f64) {
    let read = || {
        let cycle = c.expect(200, "GET", "/api/v1/stats", None)["cycle"].clone();
        let n = cycle["cycles"].as_u64().unwrap();
        (n, cycle["overruns"].as_u64().unwrap(), cycle["avg_us"].as_f64().unwrap() * n as f64)
    };
    let before = read();
    during();
    let after = read();
    let cycles = after.0 - before.0;
    (cycles, after.1 - before.1, (after.2 - before.2) / cycles.max(1) as f64)
}

#[test]
fn fifty_clients_while_the_scan_keeps_its_statistics() {
    const CLIENTS: usize = 50;
    const STRETCH: Duration = Duration::from_secs(3);
    let counter = file("fifty/counter.wasm", &wasm(COUNTER));
    let c = Controller::start(&[counter.to_str().unwrap(), "--cycle", "1ms"], true);
    std::thread::sleep(Duration::from_millis(500));
    let idle = stretch(&c, || std::thread::sleep(STRETCH));

    let mut sockets: Vec<_> = (0..CLIENTS).map(|_| c.events("?interval_ms=20")).collect();
    for socket in &mut sockets {
        Controller::next_snapshot(socket);
    }
    assert_eq!(c.expect(200, "GET", "/api/v1/stats", None)["service"]["websocket_clients"], CLIENTS as u64);
    let mut received = Vec::new();
    let busy = stretch(&c, || {
        let readers: Vec<_> = sockets
            .drain(..)
            .map(|mut socket| {
                std::thread::spawn(move || {
                    let started = Instant::now();
                    let mut scans = Vec::new();
                    while started.elapsed() < STRETCH {
                        scans.push(Controller::next_snapshot(&mut socket)["scans"].as_u64().unwrap());
                    }
                    scans
                })
            })
            .collect();
        received = readers.into_iter().map(|r| r.join().unwrap()).collect();
    });
    for scans in &received {
        assert!(scans.len() >= 10, "every client got snapshots: {}", scans.len());
        assert!(scans.windows(2).all(|w| w[1] > w[0]), "each a newer scan");
    }
    let total: usize = received.iter().map(Vec::len).sum();
    println!(
        "1 ms cycle, {} s each: idle {} cycles, {} overruns, avg scan {:.1} µs; {CLIENTS} clients at 50/s ({total} snapshots): {} cycles, {} overruns, avg scan {:.1} µs",
        STRETCH.as_secs(),
        idle.0,
        idle.1,
        idle.2,
        busy.0,
        busy.1,
        busy.2
    );
    assert!(busy.0 > 0, "the scan went on");
}
