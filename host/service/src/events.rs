//! `GET /api/v1/events`: a WebSocket of scan snapshots, at the rate the client asks for
//! (`?interval_ms=250`, or a text message `{"interval_ms": 100}`; 20 ms to 60 s), sent only
//! when a scan has run since the last one, and of log records as they come (the last ones
//! first). A client too slow for the log records gets `{"type": "dropped", "logs": n}`; a
//! slow client only ever delays itself.

use std::sync::atomic::Ordering;
use std::time::Duration;

use axum::extract::rejection::QueryRejection;
use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Query, State as Extract};
use axum::response::Response;
use serde::Deserialize;
use serde_json::json;
use tokio::sync::broadcast::error::RecvError;
use tokio::time::{interval, Interval, MissedTickBehavior};

use crate::error::ApiError;
use crate::frames::Frame;
use crate::logs::LogLine;
use crate::state::State;

/// The shortest interval between two snapshots (50 per second).
pub const MIN_INTERVAL: Duration = Duration::from_millis(20);
/// The longest.
const MAX_INTERVAL: Duration = Duration::from_secs(60);
/// The interval when the client names none.
const DEFAULT_INTERVAL: Duration = Duration::from_millis(250);
/// WebSocket clients at most, at once.
pub const MAX_CLIENTS: u64 = 256;

/// The query (and the text messages) a client sends.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rate {
    /// Milliseconds between two snapshots.
    interval_ms: Option<u64>,
}

fn ticker(ms: Option<u64>) -> (Interval, Duration) {
    let every = ms.map_or(DEFAULT_INTERVAL, Duration::from_millis).clamp(MIN_INTERVAL, MAX_INTERVAL);
    let mut ticker = interval(every);
    ticker.set_missed_tick_behavior(MissedTickBehavior::Skip);
    (ticker, every)
}

/// The upgrade.
pub async fn events(
    Extract(state): Extract<State>,
    rate: Result<Query<Rate>, QueryRejection>,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Result<Response, ApiError> {
    let Query(rate) = rate.map_err(|e| ApiError::bad_request(e.body_text()))?;
    let upgrade = upgrade.map_err(|e| ApiError::bad_request(format!("a WebSocket is needed here: {}", e.body_text())))?;
    if state.clients.load(Ordering::Relaxed) >= MAX_CLIENTS {
        return Err(ApiError::unavailable(format!("{MAX_CLIENTS} clients are connected already")));
    }
    Ok(upgrade.protocols(["plc.v1"]).max_message_size(4096).on_upgrade(move |socket| client(socket, state, rate.interval_ms)))
}

/// Counts a client while it is connected.
struct Connected(State);

impl Drop for Connected {
    fn drop(&mut self) {
        self.0.clients.fetch_sub(1, Ordering::Relaxed);
    }
}

fn log_event(line: &LogLine) -> String {
    json!({"type": "log", "level": line.level, "target": line.target, "message": line.message, "time_ms": line.time_ms, "file": line.file, "line": line.line}).to_string()
}

async fn client(mut socket: WebSocket, state: State, interval_ms: Option<u64>) {
    state.clients.fetch_add(1, Ordering::Relaxed);
    let _connected = Connected(state.clone());
    let mut logs = state.logs.subscribe();
    let (mut ticker, every) = ticker(interval_ms);
    let hello = json!({"type": "hello", "interval_ms": every.as_millis() as u64}).to_string();
    if socket.send(Message::Text(hello.into())).await.is_err() {
        return;
    }
    for line in state.tail() {
        if socket.send(Message::Text(log_event(&line).into())).await.is_err() {
            return;
        }
    }
    let mut sent_scans = None;
    loop {
        let out: Option<String> = tokio::select! {
            _ = ticker.tick() => {
                let frame = Frame::freshest(state.frames.borrow().clone(), state.remote.snapshot());
                match &frame.snapshot {
                    Some(s) if sent_scans != Some(s.scans) => {
                        sent_scans = Some(s.scans);
                        Some(frame.event().to_string())
                    }
                    _ => None,
                }
            }
            record = logs.recv() => match record {
                Ok(line) => Some(log_event(&line)),
                Err(RecvError::Lagged(n)) => {
                    state.lagged.fetch_add(n, Ordering::Relaxed);
                    Some(json!({"type": "dropped", "logs": n}).to_string())
                }
                Err(RecvError::Closed) => break,
            },
            message = socket.recv() => match message {
                Some(Ok(Message::Text(text))) => match serde_json::from_str::<Rate>(text.as_str()) {
                    Ok(rate) => {
                        let every;
                        (ticker, every) = self::ticker(rate.interval_ms);
                        Some(json!({"type": "rate", "interval_ms": every.as_millis() as u64}).to_string())
                    }
                    Err(e) => Some(json!({"type": "error", "error": format!("malformed message: {e}")}).to_string()),
                },
                Some(Ok(Message::Close(_))) | Some(Err(_)) | None => break,
                Some(Ok(_)) => None,
            },
        };
        if let Some(text) = out {
            if socket.send(Message::Text(text.into())).await.is_err() {
                break;
            }
        }
    }
}
