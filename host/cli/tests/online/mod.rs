//! A real `plc-host run --listen 127.0.0.1:0` for the service's tests: started as a child,
//! its address read from its stderr, talked to over HTTP (ureq) and WebSocket (tungstenite),
//! stopped by its pid. Every wait is bounded.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;
use tungstenite::client::IntoClientRequest;
use tungstenite::{Message, WebSocket};

/// The token the tests give the controller through `PLC_TOKEN`.
pub const TOKEN: &str = "test-token-0123456789abcdef";

/// A program: `count` (int) counts its polls; output byte 0 = input byte 0; `mirror` (int) =
/// input byte 0; `level` (double) = count / 2.
pub const COUNTER: &str = r#"(module
    (import "env" "wasm_variable_read_int" (func $get (param i32 i32 i32) (result i32)))
    (import "env" "wasm_variable_write_int" (func $set (param i32 i32 i32) (result i32)))
    (import "env" "wasm_variable_write_double" (func $setd (param i32 i32 f64) (result i32)))
    (import "env" "wasm_read_input" (func $in (param i32 i32 i32) (result i32)))
    (import "env" "wasm_write_output" (func $out (param i32 i32 i32) (result i32)))
    (memory (export "memory") 1)
    (data (i32.const 0) "count")
    (data (i32.const 16) "mirror")
    (data (i32.const 32) "level")
    (func (export "poll")
        (local $n i32)
        (drop (call $get (i32.const 0) (i32.const 5) (i32.const 8)))
        (local.set $n (i32.add (i32.load (i32.const 8)) (i32.const 1)))
        (drop (call $set (i32.const 0) (i32.const 5) (local.get $n)))
        (drop (call $setd (i32.const 32) (i32.const 5) (f64.div (f64.convert_i32_u (local.get $n)) (f64.const 2))))
        (drop (call $in (i32.const 0) (i32.const 48) (i32.const 1)))
        (drop (call $set (i32.const 16) (i32.const 6) (i32.load8_u (i32.const 48))))
        (drop (call $out (i32.const 0) (i32.const 48) (i32.const 1)))))"#;

/// A program that traps at every poll.
pub const TRAPPING: &str = r#"(module (memory (export "memory") 1) (func (export "poll") unreachable))"#;

/// The binary form of a WAT text.
pub fn wasm(wat: &str) -> Vec<u8> {
    wasmer::wat2wasm(wat.as_bytes()).expect("valid WAT").into_owned()
}

/// The folder of this test binary's files, in cargo's folder for test files (not the system's
/// temporary folder, which the runs would fill): emptied at its first use in each run.
fn files_dir() -> &'static std::path::Path {
    static DIR: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("online-{}", env!("CARGO_CRATE_NAME")));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    })
}

/// A file of its own for this test binary: `name` may be `folder/file`.
pub fn file(name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let path = files_dir().join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, bytes).unwrap();
    path
}

/// A running controller with its service.
pub struct Controller {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    /// `127.0.0.1:PORT`.
    pub addr: String,
    /// The token it accepts.
    pub token: String,
    /// Its stderr, line by line.
    pub stderr: Arc<Mutex<Vec<String>>>,
}

/// Waits up to 20 s for a line containing `marker`; the lines go on being collected.
fn wait_for_line(lines: &Receiver<String>, marker: &str, all: &Mutex<Vec<String>>) -> String {
    let deadline = Instant::now() + Duration::from_secs(20);
    while let Some(left) = deadline.checked_duration_since(Instant::now()) {
        match lines.recv_timeout(left) {
            Ok(line) if line.contains(marker) => return line,
            Ok(_) => continue,
            Err(_) => break,
        }
    }
    panic!("no line with `{marker}` within 20 s; stderr: {:#?}", all.lock().unwrap());
}

impl Controller {
    /// `plc-host run ARGS --listen 127.0.0.1:0`, with `PLC_TOKEN` = [`TOKEN`] (or none).
    pub fn start(args: &[&str], with_token: bool) -> Controller {
        let mut command = Command::new(env!("CARGO_BIN_EXE_plc-host"));
        command.arg("run").args(args).args(["--listen", "127.0.0.1:0"]).env("RUST_LOG", "info");
        command.stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::piped());
        if with_token {
            command.env("PLC_TOKEN", TOKEN);
        } else {
            command.env_remove("PLC_TOKEN");
        }
        let mut child = command.spawn().expect("plc-host starts");
        let stderr = child.stderr.take().unwrap();
        let all = Arc::new(Mutex::new(Vec::new()));
        let (tx, lines) = mpsc::channel();
        let collected = all.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                collected.lock().unwrap().push(line.clone());
                let _ = tx.send(line);
            }
        });
        let listening = wait_for_line(&lines, "listening on http://", &all);
        let url = listening[listening.find("http://").unwrap()..].trim().to_owned();
        let token = if with_token {
            TOKEN.to_owned()
        } else {
            let line = wait_for_line(&lines, "token (generated", &all);
            line.rsplit(' ').next().unwrap().to_owned()
        };
        let addr = url.trim_start_matches("http://").to_owned();
        Controller { child, url, addr, token, stderr: all }
    }

    /// A request with the token; the status and the JSON answer (`Null` if none).
    pub fn call(&self, method: &str, path: &str, body: Option<&[u8]>) -> (u16, Value) {
        self.call_with(method, path, body, &[("Authorization", &format!("Bearer {}", self.token))])
    }

    /// A request with these headers only.
    pub fn call_with(&self, method: &str, path: &str, body: Option<&[u8]>, headers: &[(&str, &str)]) -> (u16, Value) {
        let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).timeout_global(Some(Duration::from_secs(20))).build().into();
        let url = format!("{}{path}", self.url);
        let mut request = ureq::http::Request::builder().method(method).uri(&url);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let sent = match body {
            Some(bytes) => agent.run(request.body(bytes.to_vec()).unwrap()),
            None => agent.run(request.body(()).unwrap()),
        };
        let mut response = sent.unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        let status = response.status().as_u16();
        let text = response.body_mut().with_config().limit(64 << 20).read_to_string().unwrap_or_default();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    /// `call`, asserting the status.
    pub fn expect(&self, status: u16, method: &str, path: &str, body: Option<&[u8]>) -> Value {
        let (got, answer) = self.call(method, path, body);
        assert_eq!(got, status, "{method} {path}: {answer}");
        answer
    }

    /// A WebSocket on `/api/v1/events` (with the token in the header).
    pub fn events(&self, query: &str) -> WebSocket<TcpStream> {
        let mut request = format!("ws://{}/api/v1/events{query}", self.addr).into_client_request().unwrap();
        request.headers_mut().insert("Authorization", format!("Bearer {}", self.token).parse().unwrap());
        let stream = TcpStream::connect(&self.addr).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let (socket, _) = tungstenite::client(request, stream).expect("the WebSocket handshake");
        socket
    }

    /// The next snapshot event of a socket (within its read timeout).
    pub fn next_snapshot(socket: &mut WebSocket<TcpStream>) -> Value {
        loop {
            match socket.read().expect("an event") {
                Message::Text(text) => {
                    let event: Value = serde_json::from_str(text.as_str()).unwrap();
                    if event["type"] == "snapshot" {
                        return event["snapshot"].clone();
                    }
                }
                Message::Close(_) => panic!("the socket closed"),
                _ => {}
            }
        }
    }

    /// One whole snapshot (programs, variables, images, forces, cycle) as of now.
    pub fn state(&self) -> Value {
        let mut socket = self.events("?interval_ms=20");
        let state = Self::next_snapshot(&mut socket);
        let _ = socket.close(None);
        state
    }

    /// Waits up to 10 s until `f` holds for a snapshot; returns that snapshot.
    pub fn until(&self, what: &str, f: impl Fn(&Value) -> bool) -> Value {
        let mut socket = self.events("?interval_ms=20");
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            let state = Self::next_snapshot(&mut socket);
            if f(&state) {
                let _ = socket.close(None);
                return state;
            }
        }
        panic!("not within 10 s: {what}");
    }

    /// Its process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Stops it by its pid: SIGTERM, then SIGKILL if it has not ended within 10 s.
    pub fn stop(&mut self) -> std::process::ExitStatus {
        let _ = Command::new("kill").arg(self.child.id().to_string()).status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        self.child.wait().unwrap()
    }
}

impl Drop for Controller {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            self.stop();
        }
    }
}

/// A variable's value in a snapshot.
pub fn variable<'a>(state: &'a Value, name: &str) -> &'a Value {
    state["variables"].as_array().unwrap().iter().find(|v| v["name"] == name).unwrap_or_else(|| panic!("no variable {name}: {state}"))
}

/// A program in a snapshot.
pub fn program<'a>(state: &'a Value, name: &str) -> &'a Value {
    state["programs"].as_array().unwrap().iter().find(|p| p["name"] == name).unwrap_or_else(|| panic!("no program {name}: {state}"))
}
