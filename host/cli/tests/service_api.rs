//! The online service of a real `plc-host run --listen`: every endpoint, the token on each,
//! good, broken and trapping uploads, `If-Match`, one-shot writes, and what a client may send
//! that it should not.

mod online;

use online::*;
use serde_json::{json, Value};

/// Every endpoint, with a body where it takes one.
const ENDPOINTS: &[(&str, &str, Option<&str>)] = &[
    ("GET", "/api/v1/programs", None),
    ("GET", "/api/v1/programs/counter", None),
    ("PUT", "/api/v1/programs/counter", Some(TRAPPING)),
    ("DELETE", "/api/v1/programs/counter", None),
    ("POST", "/api/v1/programs/counter/stop", None),
    ("POST", "/api/v1/programs/counter/start", None),
    ("POST", "/api/v1/programs/counter/restart", None),
    ("GET", "/api/v1/variables", None),
    ("GET", "/api/v1/variables/count", None),
    ("PUT", "/api/v1/variables/count", Some(r#"{"value": 1}"#)),
    ("GET", "/api/v1/forces", None),
    ("DELETE", "/api/v1/forces", None),
    ("PUT", "/api/v1/forces/variables/count", Some(r#"{"value": 1}"#)),
    ("DELETE", "/api/v1/forces/variables/count", None),
    ("PUT", "/api/v1/forces/inputs/0.1", Some(r#"{"value": true}"#)),
    ("DELETE", "/api/v1/forces/inputs/0.1", None),
    ("PUT", "/api/v1/forces/outputs/1", Some(r#"{"value": 7}"#)),
    ("DELETE", "/api/v1/forces/outputs/1", None),
    ("GET", "/api/v1/images", None),
    ("GET", "/api/v1/stats", None),
    ("GET", "/api/v1/events", None),
    ("GET", "/api/v1/no-such-endpoint", None),
];

fn sha256(bytes: &[u8]) -> String {
    let path = file("hashed.bin", bytes);
    let out = std::process::Command::new("sha256sum").arg(&path).output().expect("sha256sum runs");
    String::from_utf8_lossy(&out.stdout).split(' ').next().unwrap().to_owned()
}

#[test]
fn every_endpoint_answers_401_without_the_token_and_nothing_happens() {
    let counter = file("401/counter.wasm", &wasm(COUNTER));
    let c = Controller::start(&[counter.to_str().unwrap()], true);
    let before = c.expect(200, "GET", "/api/v1/programs", None);
    for (method, path, body) in ENDPOINTS {
        let body = body.map(str::as_bytes);
        for headers in [vec![], vec![("Authorization", "Bearer not-the-token-at-all")], vec![("Authorization", TOKEN)]] {
            let (status, answer) = c.call_with(method, path, body, &headers);
            assert_eq!(status, 401, "{method} {path} with {headers:?}: {answer}");
            assert!(answer["error"].as_str().unwrap().contains("Bearer"), "{answer}");
        }
    }
    let state = c.state();
    assert_eq!(state["programs"].as_array().unwrap().len(), 1);
    assert_eq!(program(&state, "counter")["sha256"], before[0]["sha256"]);
    assert_eq!(program(&state, "counter")["status"], "running");
    assert_eq!(state["forces"], json!([]));
    // The page needs no token: it asks for it.
    let (status, _) = c.call_with("GET", "/", None, &[]);
    assert_eq!(status, 200);
}

#[test]
fn without_a_configured_token_one_is_generated_and_only_loopback_is_allowed() {
    let counter = file("generated/counter.wasm", &wasm(COUNTER));
    let c = Controller::start(&[counter.to_str().unwrap()], false);
    assert_eq!(c.token.len(), 32);
    c.expect(200, "GET", "/api/v1/stats", None);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_plc-host"))
        .args(["run", counter.to_str().unwrap(), "--listen", "0.0.0.0:0", "--cycles", "1"])
        .env_remove("PLC_TOKEN")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("without a token (token_file in the config, or PLC_TOKEN) the service listens on loopback only"), "{stderr}");
}

#[test]
fn good_broken_and_trapping_uploads() {
    let counter = file("uploads/counter.wasm", &wasm(COUNTER));
    let c = Controller::start(&[counter.to_str().unwrap(), "--cycle", "2ms", "--compiler", "singlepass"], true);
    let good = wasm(r#"(module
        (import "env" "wasm_write_output" (func $out (param i32 i32 i32) (result i32)))
        (memory (export "memory") 1) (data (i32.const 0) "\2a")
        (func (export "poll") (drop (call $out (i32.const 2) (i32.const 0) (i32.const 1)))))"#);
    let answer = c.expect(200, "PUT", "/api/v1/programs/good", Some(&good));
    assert_eq!(answer["sha256"], sha256(&good));
    assert_eq!(answer["polled"], true, "{answer}");
    assert_eq!(answer["program"]["status"], "running");
    assert_eq!(c.state()["images"]["outputs"]["bytes"][2], 42);

    // Broken: every problem on a line of its own, the running version untouched.
    let broken = wasm(r#"(module (import "env" "launch_missiles" (func)) (memory (export "memory") 1))"#);
    let answer = c.expect(422, "PUT", "/api/v1/programs/good", Some(&broken));
    assert_eq!(answer["error"], "`good` was refused; the running version is untouched", "{answer}");
    let problems: Vec<&str> = answer["problems"].as_array().unwrap().iter().map(|p| p.as_str().unwrap()).collect();
    assert_eq!(problems.len(), 2, "{answer}");
    assert!(problems[0].contains("launch_missiles") && problems[1].contains("poll"), "{problems:?}");
    assert_eq!(c.expect(200, "GET", "/api/v1/programs/good", None)["sha256"], sha256(&good));
    let junk = c.expect(422, "PUT", "/api/v1/programs/junk", Some(b"\0asm garbage"));
    assert_eq!(junk["problems"].as_array().unwrap().len(), 1);
    assert_eq!(junk["error"], "`junk` was refused; no version of it is loaded", "{junk}");

    // Trapping: accepted, faulted alone at its first poll; the counter missed no scan.
    let trapping = wasm(TRAPPING);
    let answer = c.expect(200, "PUT", "/api/v1/programs/trap", Some(&trapping));
    assert_eq!(answer["program"]["status"], "faulted", "{answer}");
    assert!(answer["program"]["last_fault"].as_str().unwrap().contains("unreachable"), "{answer}");
    let then = answer_scans(&c);
    let state = c.until("a few more scans", |s| s["scans"].as_u64().unwrap() > then + 5);
    let scans = state["scans"].as_u64().unwrap();
    assert_eq!(program(&state, "counter")["polls"], scans, "the counter polled every scan: {state}");
    assert_eq!(variable(&state, "count")["value"], scans);
    assert_eq!(program(&state, "good")["status"], "running");

    // If-Match: only over the version named.
    let v2 = wasm(r#"(module (memory (export "memory") 1) (func (export "poll")) (func (export "v2")))"#);
    let stale = sha256(&trapping);
    let (status, answer) = c.call_with("PUT", "/api/v1/programs/good", Some(&v2), &[("Authorization", &format!("Bearer {TOKEN}")), ("If-Match", &stale)]);
    assert_eq!(status, 412, "{answer}");
    let (status, _) = c.call_with("PUT", "/api/v1/programs/good", Some(&v2), &[("Authorization", &format!("Bearer {TOKEN}")), ("If-Match", "12ab")]);
    assert_eq!(status, 400);
    let (status, _) = c.call_with("PUT", "/api/v1/programs/nobody", Some(&v2), &[("Authorization", &format!("Bearer {TOKEN}")), ("If-Match", &stale)]);
    assert_eq!(status, 412);
    let current = format!("\"{}\"", sha256(&good));
    let (status, answer) = c.call_with("PUT", "/api/v1/programs/good", Some(&v2), &[("Authorization", &format!("Bearer {TOKEN}")), ("If-Match", &current)]);
    assert_eq!((status, answer["sha256"].as_str()), (200, Some(sha256(&v2).as_str())), "{answer}");

    // Stop, start, restart, remove.
    // Restarted from a fresh instance, which the next scan polls: it traps again.
    c.expect(200, "POST", "/api/v1/programs/trap/restart", None);
    c.until("the restarted program traps again", |s| program(s, "trap")["faults"] == 2);
    assert_eq!(c.expect(200, "POST", "/api/v1/programs/counter/stop", None)["program"]["status"], "stopped");
    assert_eq!(c.expect(200, "POST", "/api/v1/programs/counter/start", None)["program"]["status"], "running");
    c.expect(404, "POST", "/api/v1/programs/counter/explode", None);
    c.expect(404, "POST", "/api/v1/programs/nobody/stop", None);
    c.expect(200, "DELETE", "/api/v1/programs/trap", None);
    c.expect(404, "DELETE", "/api/v1/programs/trap", None);
    c.expect(404, "GET", "/api/v1/programs/trap", None);
    let names: Vec<Value> = c.expect(200, "GET", "/api/v1/programs", None).as_array().unwrap().iter().map(|p| p["name"].clone()).collect();
    assert_eq!(names, [json!("counter"), json!("good")]);
}

fn answer_scans(c: &Controller) -> u64 {
    c.expect(200, "GET", "/api/v1/stats", None)["scans"].as_u64().unwrap()
}

#[test]
fn what_a_client_should_not_send_gets_a_one_line_4xx() {
    let counter = file("bad/counter.wasm", &wasm(COUNTER));
    let c = Controller::start(&[counter.to_str().unwrap()], true);
    c.until("the variables exist", |s| s["scans"].as_u64().unwrap() > 1);
    let cases: &[(&str, &str, Option<&[u8]>, u16)] = &[
        ("PUT", "/api/v1/variables/count", Some(b"{\"value\": "), 400),
        ("PUT", "/api/v1/variables/count", Some(b"[1, 2]"), 400),
        ("PUT", "/api/v1/variables/count", Some(b"{\"value\": 1, \"extra\": 2}"), 400),
        ("PUT", "/api/v1/variables/count", Some(b"{\"value\": true}"), 422),
        ("PUT", "/api/v1/variables/count", Some(b"{\"value\": \"7\"}"), 422),
        ("PUT", "/api/v1/variables/count", Some(b"{\"value\": 1e40}"), 422),
        ("PUT", "/api/v1/variables/nobody", Some(b"{\"value\": 1}"), 404),
        ("GET", "/api/v1/variables/nobody", None, 404),
        ("PUT", "/api/v1/forces/inputs/x", Some(b"{\"value\": true}"), 400),
        ("PUT", "/api/v1/forces/inputs/0.8", Some(b"{\"value\": true}"), 400),
        ("PUT", "/api/v1/forces/inputs/99999", Some(b"{\"value\": 1}"), 404),
        ("PUT", "/api/v1/forces/outputs/15", Some(b"{\"value\": 1, \"type\": \"u16\"}"), 404),
        ("PUT", "/api/v1/forces/outputs/0", Some(b"{\"value\": 256}"), 422),
        ("PUT", "/api/v1/forces/outputs/0", Some(b"{\"value\": 1, \"type\": \"u128\"}"), 422),
        ("PUT", "/api/v1/forces/widgets/0", Some(b"{\"value\": 1}"), 404),
        ("PUT", "/api/v1/forces/variables/level", Some(b"{\"value\": false}"), 422),
        ("DELETE", "/api/v1/forces/outputs/5.5", None, 404),
        ("PUT", "/api/v1/programs/%00", Some(b"x"), 400),
        ("GET", "/api/v1/events", None, 400),
        ("PATCH", "/api/v1/stats", None, 405),
        ("GET", "/api/v2/programs", None, 404),
    ];
    for (method, path, body, status) in cases {
        let (got, answer) = c.call(method, path, *body);
        let reason = answer["error"].as_str().unwrap_or_else(|| panic!("{method} {path}: no reason: {answer}"));
        assert_eq!(got, *status, "{method} {path}: {reason}");
        assert!(!reason.is_empty() && !reason.contains('\n'), "{reason}");
    }
    // Bodies over the limits: 64 KiB of JSON, the module size limit for a program.
    let (status, answer) = c.call("PUT", "/api/v1/variables/count", Some(&vec![b' '; 65 * 1024]));
    assert_eq!(status, 413, "{answer}");
    // A module over the size limit is refused once the limit is passed (the rest is not read).
    let mut stream = std::net::TcpStream::connect(&c.addr).unwrap();
    stream.set_read_timeout(Some(std::time::Duration::from_secs(10))).unwrap();
    let head = format!("PUT /api/v1/programs/huge HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {TOKEN}\r\nContent-Length: {}\r\n\r\n", 9 << 20);
    std::io::Write::write_all(&mut stream, head.as_bytes()).unwrap();
    let mut writer = stream.try_clone().unwrap();
    let sender = std::thread::spawn(move || std::io::Write::write_all(&mut writer, &vec![0; 9 << 20]).is_ok());
    let mut answer = Vec::new();
    let _ = std::io::Read::read_to_end(&mut stream, &mut answer);
    let _ = sender.join();
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 413 "), "{answer}");
    assert!(answer.ends_with(r#"{"error":"the body is over the limit of 8388608 bytes"}"#), "{answer}");
    // Still scanning, still one program.
    let state = c.state();
    assert_eq!(program(&state, "counter")["status"], "running");
    assert_eq!(state["programs"].as_array().unwrap().len(), 1);
}

/// A program that counts its scans in its own state (u32 `scans`, carried to a new version)
/// and shows the count in output bytes 8..12; `v` in byte 12 tells the versions apart.
fn keeper(v: u8) -> Vec<u8> {
    wasm(&format!(
        r#"(module
        (import "env" "wasm_state_write" (func $w (param i32 i32 i32 i32 i32 i32) (result i32)))
        (import "env" "wasm_state_read" (func $r (param i32 i32 i32 i32 i32 i32) (result i32)))
        (import "env" "wasm_write_output" (func $out (param i32 i32 i32) (result i32)))
        (memory (export "memory") 1) (data (i32.const 0) "scansu32") (data (i32.const 20) "\{v:02x}")
        (func (export "plc_state_save") (drop (call $w (i32.const 0) (i32.const 5) (i32.const 5) (i32.const 3) (i32.const 16) (i32.const 4))))
        (func (export "plc_state_load") (drop (call $r (i32.const 0) (i32.const 5) (i32.const 5) (i32.const 3) (i32.const 16) (i32.const 4))))
        (func (export "poll")
            (i32.store (i32.const 16) (i32.add (i32.load (i32.const 16)) (i32.const 1)))
            (drop (call $out (i32.const 8) (i32.const 16) (i32.const 5)))))"#
    ))
}

#[test]
fn an_upload_carries_the_state_unless_it_asks_for_a_cold_start() {
    let c = Controller::start(&["--cycle", "2ms", "--compiler", "singlepass", "--outputs", "16"], true);
    let bytes = |s: &Value| {
        let b = &s["images"]["outputs"]["bytes"];
        (u32::from_le_bytes([8, 9, 10, 11].map(|i| b[i].as_u64().unwrap() as u8)), b[12].as_u64().unwrap())
    };
    c.expect(200, "PUT", "/api/v1/programs/keeper", Some(&keeper(1)));
    let before = bytes(&c.until("some scans", |s| bytes(s).0 > 200)).0;
    let answer = c.expect(200, "PUT", "/api/v1/programs/keeper", Some(&keeper(2)));
    assert_eq!(answer["polled"], true, "{answer}");
    let (count, v) = bytes(&c.until("v2 runs", |s| bytes(s).1 == 2));
    assert!(count > before, "warm: the count went on from {before}, at {count}");
    c.expect(200, "PUT", "/api/v1/programs/keeper?cold=true", Some(&keeper(3)));
    let (count, _) = bytes(&c.until("v3 runs", |s| bytes(s).1 == 3));
    assert!(count < before, "cold: the count started again, at {count}");
    assert_eq!(v, 2);
    c.expect(400, "PUT", "/api/v1/programs/keeper?cold=maybe", Some(&keeper(4)));
    c.expect(400, "PUT", "/api/v1/programs/keeper?colt=true", Some(&keeper(4)));
}
