//! Debian's `chromium`, headless, driven over the Chrome DevTools Protocol (a WebSocket,
//! tungstenite) without any driver: start it, open a page, evaluate JavaScript in it, take a
//! screenshot, close it by its pid. Every wait is bounded.

use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tungstenite::{Message, WebSocket};

/// A headless chromium and its one page.
pub struct Browser {
    child: Child,
    page: WebSocket<TcpStream>,
    next_id: u64,
    profile: PathBuf,
}

impl Browser {
    /// Starts chromium with a new empty profile; panics with the way to install it if it is missing.
    pub fn start() -> Browser {
        let profile = std::env::temp_dir().join(format!("plc-browser-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&profile);
        std::fs::create_dir_all(&profile).unwrap();
        let flags = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--remote-debugging-port=0",
            "--window-size=1280,1600",
        ];
        let child = Command::new("chromium")
            .args(flags)
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg("about:blank")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("chromium does not start ({e}): run `bash .ci/install-tools`, which installs it"));
        // Chromium writes its DevTools port into the profile once it listens.
        let port_file = profile.join("DevToolsActivePort");
        let deadline = Instant::now() + Duration::from_secs(30);
        let port = loop {
            if let Some(port) = std::fs::read_to_string(&port_file).ok().and_then(|t| t.lines().next().and_then(|l| l.parse::<u16>().ok())) {
                break port;
            }
            assert!(Instant::now() < deadline, "chromium did not open its DevTools port within 30 s");
            std::thread::sleep(Duration::from_millis(50));
        };
        let text = ureq::get(&format!("http://127.0.0.1:{port}/json/list")).call().unwrap().body_mut().read_to_string().unwrap();
        let list: Value = serde_json::from_str(&text).unwrap();
        let url = list.as_array().unwrap().iter().find(|t| t["type"] == "page").expect("a page")["webSocketDebuggerUrl"].as_str().unwrap().to_owned();
        let stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        let (page, _) = tungstenite::client(url.as_str(), stream).expect("the DevTools WebSocket");
        Browser { child, page, next_id: 0, profile }
    }

    /// Calls a DevTools method and returns its result (events in between are skipped).
    pub fn call(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.page.send(Message::Text(json!({"id": id, "method": method, "params": params}).to_string().into())).unwrap();
        loop {
            if let Message::Text(text) = self.page.read().unwrap_or_else(|e| panic!("{method}: {e}")) {
                let message: Value = serde_json::from_str(text.as_str()).unwrap();
                if message["id"] == id {
                    assert!(message["error"].is_null(), "{method}: {message}");
                    return message["result"].clone();
                }
            }
        }
    }

    /// Evaluates a JavaScript expression in the page; its value (awaited if a promise).
    pub fn eval(&mut self, expression: &str) -> Value {
        let result = self.call("Runtime.evaluate", json!({"expression": expression, "returnByValue": true, "awaitPromise": true}));
        assert!(result["exceptionDetails"].is_null(), "{expression}: {}", result["exceptionDetails"]);
        result["result"]["value"].clone()
    }

    /// Waits up to 15 s for the expression to be truthy (an exception, as while a page
    /// loads, is not); its value then.
    pub fn until(&mut self, what: &str, expression: &str) -> Value {
        let deadline = Instant::now() + Duration::from_secs(15);
        while Instant::now() < deadline {
            let result = self.call("Runtime.evaluate", json!({"expression": expression, "returnByValue": true}));
            let value = if result["exceptionDetails"].is_null() { result["result"]["value"].clone() } else { Value::Null };
            if !(value.is_null() || value == false || value == "" || value == 0) {
                return value;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let text = self.eval("document.body ? document.body.innerText : ''");
        panic!("not within 15 s: {what}; the page says: {text}");
    }

    /// Opens `url` and waits for it to load.
    pub fn open(&mut self, url: &str) {
        self.call("Page.navigate", json!({"url": url}));
        self.until("the page loads", "document.readyState === 'complete'");
    }

    /// A PNG of the page.
    pub fn screenshot(&mut self) -> Vec<u8> {
        let result = self.call("Page.captureScreenshot", json!({"format": "png", "captureBeyondViewport": true}));
        base64(result["data"].as_str().unwrap())
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = Command::new("kill").arg(self.child.id().to_string()).status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline && matches!(self.child.try_wait(), Ok(None)) {
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

/// Decodes standard base64 (what DevTools sends).
fn base64(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => panic!("not base64: {c}"),
    };
    let digits: Vec<u8> = text.bytes().filter(|&c| c != b'=' && !c.is_ascii_whitespace()).map(value).collect();
    let mut out = Vec::with_capacity(digits.len() * 3 / 4);
    for chunk in digits.chunks(4) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, &d)| n | u32::from(d) << (18 - 6 * i));
        out.extend_from_slice(&n.to_be_bytes()[1..chunk.len()]);
    }
    out
}
