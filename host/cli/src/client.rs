//! `plc-host upload|status|force|release URL ...`: the command line as a client of a running
//! controller's online service (docs/online.md). The token comes from `PLC_TOKEN`. Exit 0 when
//! done, 1 when the controller refused (its reason on stderr) or cannot be reached, 2 on a
//! usage error.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use serde_json::{json, Value};

use crate::output;

/// The client commands.
#[derive(clap::Subcommand)]
pub enum ClientCommand {
    /// Uploads a program into a running controller: checked, compiled, swapped in between two scans.
    Upload {
        /// The controller's address, e.g. http://10.0.0.5:8600.
        url: String,
        /// The program's name.
        name: String,
        /// The module (.wasm).
        file: PathBuf,
        /// Replace only this version (the sha256 `status` shows): nobody else's upload is overwritten.
        #[arg(long, value_name = "SHA256")]
        if_match: Option<String>,
        /// Start the new version from its initial state: the running version's state does not
        /// carry over (by default it does, field by field).
        #[arg(long)]
        cold: bool,
    },
    /// Shows the programs and the scan statistics of a running controller.
    Status {
        /// The controller's address.
        url: String,
    },
    /// Forces a variable, or an input or output: %IX3.2 / %QX0.1 (a bit), %IB3, %IW2, %ID4 (u8, u16, u32).
    Force {
        /// The controller's address.
        url: String,
        /// A variable's name, or an IEC address.
        place: String,
        /// true, false, or a number.
        value: String,
        /// The type of a byte address's value: u8, i8, u16, i16, u32, i32 or f32 [default: from the address].
        #[arg(long = "type", value_name = "TYPE")]
        ty: Option<String>,
    },
    /// Releases the force on a variable, or on an input or output.
    Release {
        /// The controller's address.
        url: String,
        /// A variable's name, or an IEC address (%IX3.2, %QB1, ...).
        place: String,
    },
}

/// A place as the API's path names it, and the type its letter implies.
fn place(text: &str) -> (String, Option<&'static str>) {
    let upper = text.to_ascii_uppercase();
    let io = |rest: &str| -> Option<(String, Option<&'static str>)> {
        let (kind, rest) = match rest.as_bytes().first()? {
            b'I' => ("inputs", &rest[1..]),
            b'Q' => ("outputs", &rest[1..]),
            _ => return None,
        };
        let (ty, address) = match rest.as_bytes().first()? {
            b'X' => (Some("bit"), &rest[1..]),
            b'B' => (Some("u8"), &rest[1..]),
            b'W' => (Some("u16"), &rest[1..]),
            b'D' => (Some("u32"), &rest[1..]),
            _ => return None,
        };
        Some((format!("{kind}/{address}"), ty))
    };
    match upper.strip_prefix('%').and_then(io) {
        Some(found) => found,
        None => (format!("variables/{}", segment(text)), None),
    }
}

/// Percent-encodes a path segment.
fn segment(text: &str) -> String {
    text.bytes()
        .map(|b| if b.is_ascii_alphanumeric() || b"-._~".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}

/// A value from the command line: true, false, or a JSON number.
fn value(text: &str) -> Result<Value, String> {
    match text {
        "true" | "false" => Ok(Value::Bool(text == "true")),
        _ => serde_json::from_str::<serde_json::Number>(text).map(Value::Number).map_err(|_| format!("`{text}` is not true, false or a number")),
    }
}

/// An answer: its status and its JSON (or text).
struct Answer(u16, Value);

/// A request with the token (and `extra` headers) to `url`'s API.
fn ask(method: &str, url: &str, path: &str, body: Option<(Vec<u8>, &str)>, extra: &[(&str, &str)]) -> Result<Answer, String> {
    let token = std::env::var("PLC_TOKEN").map_err(|_| "set PLC_TOKEN to the controller's token".to_owned())?;
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).timeout_global(Some(Duration::from_secs(60))).build().into();
    let full = format!("{}/api/v1/{path}", url.trim_end_matches('/'));
    let auth = format!("Bearer {}", token.trim());
    let mut request = ureq::http::Request::builder().method(method).uri(&full).header("Authorization", &auth);
    for (name, value) in extra {
        request = request.header(*name, *value);
    }
    let sent = match body {
        Some((bytes, content_type)) => request.header("Content-Type", content_type).body(bytes).map(|r| agent.run(r)),
        None => request.body(()).map(|r| agent.run(r)),
    };
    let sent = sent.map_err(|e| format!("{url}: {e}"))?;
    let mut response = sent.map_err(|e| format!("{url}: {e}"))?;
    let status = response.status().as_u16();
    let text = response.body_mut().read_to_string().map_err(|e| format!("{url}: {e}"))?;
    Ok(Answer(status, serde_json::from_str(&text).unwrap_or(Value::String(text))))
}

/// The answer's JSON if it is a success; else the lines that say why not.
fn ok(answer: Answer) -> Result<Value, String> {
    let Answer(status, body) = answer;
    if (200..300).contains(&status) {
        return Ok(body);
    }
    let mut lines = vec![format!("{status}: {}", body["error"].as_str().unwrap_or(&body.to_string()))];
    lines.extend(body["problems"].as_array().into_iter().flatten().filter_map(|p| p.as_str()).map(|p| format!("  {p}")));
    Err(lines.join("\n"))
}

fn json_body(value: &Value) -> Option<(Vec<u8>, &'static str)> {
    Some((value.to_string().into_bytes(), "application/json"))
}

impl ClientCommand {
    /// Runs the command.
    pub fn run(self) -> ExitCode {
        match self.answer() {
            Ok(lines) => {
                output::line(lines);
                ExitCode::SUCCESS
            }
            Err(e) => {
                output::error(format_args!("error: {e}"));
                ExitCode::FAILURE
            }
        }
    }

    /// What to print.
    fn answer(self) -> Result<String, String> {
        match self {
            ClientCommand::Upload { url, name, file, if_match, cold } => {
                let wasm = std::fs::read(&file).map_err(|e| format!("{}: {e}", file.display()))?;
                let path = format!("programs/{}{}", segment(&name), if cold { "?cold=true" } else { "" });
                let if_match: Vec<(&str, &str)> = if_match.iter().map(|sha| ("If-Match", sha.as_str())).collect();
                let answer = ask("PUT", &url, &path, Some((wasm, "application/wasm")), &if_match)?;
                let body = ok(answer)?;
                let status = body["program"]["status"].as_str().unwrap_or("not yet polled");
                let line = format!("{name}: runs {} ({status})", body["sha256"].as_str().unwrap_or("?"));
                match body["program"]["last_fault"].as_str().filter(|_| status == "faulted") {
                    Some(fault) => Err(format!("{line}: {fault}")),
                    None => Ok(line),
                }
            }
            ClientCommand::Status { url } => {
                let programs = ok(ask("GET", &url, "programs", None, &[])?)?;
                let stats = ok(ask("GET", &url, "stats", None, &[])?)?;
                let mut lines = Vec::new();
                for p in programs.as_array().into_iter().flatten() {
                    lines.push(format!(
                        "{}: {}, {} polls, {} faults, last {} µs, max {} µs, sha256 {}{}",
                        p["name"].as_str().unwrap_or("?"),
                        p["status"].as_str().unwrap_or("?"),
                        p["polls"],
                        p["faults"],
                        p["last_poll_us"],
                        p["max_poll_us"],
                        p["sha256"].as_str().unwrap_or("?"),
                        p["last_fault"].as_str().map(|f| format!(", last fault: {f}")).unwrap_or_default()
                    ));
                }
                let c = &stats["cycle"];
                lines.push(format!(
                    "scans {}: last {} µs, min {}, max {}, avg {}, jitter {} µs, {} overruns",
                    stats["scans"], c["last_us"], c["min_us"], c["max_us"], c["avg_us"], c["jitter_us"], c["overruns"]
                ));
                Ok(lines.join("\n"))
            }
            ClientCommand::Force { url, place: text, value: v, ty } => {
                let (path, implied) = place(&text);
                let mut body = json!({"value": value(&v)?});
                if let Some(ty) = ty.as_deref().or(implied.filter(|t| *t != "bit")) {
                    body["type"] = json!(ty);
                }
                let forced = ok(ask("PUT", &url, &format!("forces/{path}"), json_body(&body), &[])?)?;
                Ok(format!("{text}: forced to {}", forced["value"]))
            }
            ClientCommand::Release { url, place: text } => {
                ok(ask("DELETE", &url, &format!("forces/{}", place(&text).0), None, &[])?)?;
                Ok(format!("{text}: released"))
            }
        }
    }
}
