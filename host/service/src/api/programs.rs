//! `/api/v1/programs`: list, upload (checked, compiled here, swapped in between two scans),
//! remove, stop, start, restart.

use std::time::Duration;

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection, QueryRejection};
use axum::extract::{Path, Query, State as Extract};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use plc_host::remote::Command;
use plc_host::{Compiled, Status, Swap};
use serde_json::{json, Value as Json_};

use super::{bytes, path, program_name, snapshot};
use crate::error::ApiError;
use crate::state::State;
use crate::views::{self, hex};

/// How long an upload's answer waits for the new code's first poll.
const FIRST_POLL_WITHIN: Duration = Duration::from_secs(2);

/// `GET /api/v1/programs`.
pub async fn list(Extract(state): Extract<State>) -> Result<Json<Json_>, ApiError> {
    Ok(Json(views::programs(&*snapshot(&state)?)))
}

/// `GET /api/v1/programs/{name}`, with its sha256 as the `ETag`.
pub async fn one(Extract(state): Extract<State>, name: Result<Path<String>, PathRejection>) -> Result<Response, ApiError> {
    let name = path(name)?;
    let snapshot = snapshot(&state)?;
    let program = snapshot.programs.iter().find(|p| p.name == name).ok_or_else(|| ApiError::not_found(format!("no program named `{name}`")))?;
    let mut response = Json(views::program(program)).into_response();
    if let Ok(etag) = HeaderValue::from_str(&format!("\"{}\"", hex(&program.sha256))) {
        response.headers_mut().insert(header::ETAG, etag);
    }
    Ok(response)
}

/// The `If-Match` header: a sha256 in hex, quoted or not.
fn if_match(headers: &HeaderMap) -> Result<Option<[u8; 32]>, ApiError> {
    let Some(value) = headers.get(header::IF_MATCH) else { return Ok(None) };
    let bad = || ApiError::bad_request("If-Match: give the sha256 of the running version, 64 hex digits");
    let text = value.to_str().map_err(|_| bad())?.trim().trim_matches('"');
    if text.len() != 64 || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(bad());
    }
    let mut sha = [0u8; 32];
    for (i, byte) in sha.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&text[2 * i..2 * i + 2], 16).map_err(|_| bad())?;
    }
    Ok(Some(sha))
}

/// The query of an upload: `?cold=true` starts the new version from its initial state.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UploadQuery {
    cold: Option<bool>,
}

/// `PUT /api/v1/programs/{name}`: the body is the module. 200 once the new code has polled
/// (or faulted at its first poll: the answer says so); 422 with every problem when refused,
/// the running version untouched; 412 when `If-Match` names another version. The program's
/// state carries over to the new version, unless `?cold=true`.
pub async fn upload(
    Extract(state): Extract<State>,
    name: Result<Path<String>, PathRejection>,
    query: Result<Query<UploadQuery>, QueryRejection>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<Json_>, ApiError> {
    let name = path(name)?;
    let Query(query) = query.map_err(|e| ApiError::bad_request(e.body_text()))?;
    let swap = if query.cold == Some(true) { Swap::Cold } else { Swap::Warm };
    program_name(&name)?;
    let expected = if_match(&headers)?;
    let wasm = bytes(body, usize::try_from(state.limits.module_bytes).unwrap_or(usize::MAX))?;
    if let Some(expected) = expected {
        // Checked again by the controller, at the swap: this only spares a compile.
        let running = snapshot(&state)?.programs.iter().find(|p| p.name == name).map(|p| p.sha256);
        if running != Some(expected) {
            return Err(ApiError::precondition(match running {
                Some(sha) => format!("`{name}` runs version {}, not {}", hex(&sha), hex(&expected)),
                None => format!("no program named `{name}` runs"),
            }));
        }
    }
    let permit = state.compiling.acquire().await.map_err(|_| ApiError::unavailable("the service is stopping"))?;
    let limits = state.limits.clone();
    let compiling = name.clone();
    let compiled = tokio::task::spawn_blocking(move || Compiled::new(compiling, &wasm, limits))
        .await
        .map_err(|_| ApiError::unavailable("the compiler failed"))?
        .map_err(|e| ApiError::unprocessable(refused(&state, &name), e.lines()))?;
    drop(permit);
    let sha = *compiled.sha256();
    let command = Command::ReplaceWith { compiled: Box::new(compiled), if_match: expected, swap };
    state.ask(command).await?;
    log::info!("online: `{name}` uploaded, version {}", hex(&sha));
    // Swapped in between two scans: wait for a snapshot that shows its first poll.
    let has_polled = |s: &plc_host::Snapshot| {
        s.programs.iter().any(|p| p.name == name && p.sha256 == sha && (p.stats.polls + p.stats.faults > 0 || p.status != Status::Running))
    };
    if !state.remote.snapshot().is_some_and(|s| has_polled(&s)) {
        let mut frames = state.frames.clone();
        let polled = |frame: &std::sync::Arc<crate::frames::Frame>| frame.snapshot.as_deref().is_some_and(has_polled);
        let _ = tokio::time::timeout(FIRST_POLL_WITHIN, frames.wait_for(polled)).await;
    }
    let latest = snapshot(&state)?;
    let program = latest.programs.iter().find(|p| p.name == name && p.sha256 == sha);
    Ok(Json(match program {
        Some(p) => json!({"name": name, "sha256": hex(&sha), "polled": p.stats.polls > 0 || p.status != Status::Running, "program": views::program(p)}),
        None => json!({"name": name, "sha256": hex(&sha), "polled": false, "program": null}),
    }))
}

/// The first line of a refused upload: what stays of the program.
fn refused(state: &State, name: &str) -> String {
    match state.remote.snapshot().and_then(|s| s.programs.iter().find(|p| p.name == name).map(|p| p.status)) {
        Some(Status::Running) => format!("`{name}` was refused; the running version is untouched"),
        Some(status) => format!("`{name}` was refused; the loaded version is untouched ({status})"),
        None => format!("`{name}` was refused; no version of it is loaded"),
    }
}

/// `DELETE /api/v1/programs/{name}`.
pub async fn remove(Extract(state): Extract<State>, name: Result<Path<String>, PathRejection>) -> Result<Json<Json_>, ApiError> {
    let name = path(name)?;
    state.ask(Command::Remove(name.clone())).await?;
    log::info!("online: `{name}` removed");
    Ok(Json(json!({"name": name, "removed": true})))
}

/// `POST /api/v1/programs/{name}/{stop|start|restart}`.
pub async fn action(Extract(state): Extract<State>, params: Result<Path<(String, String)>, PathRejection>) -> Result<Json<Json_>, ApiError> {
    let (name, action) = path(params)?;
    let command = match action.as_str() {
        "stop" => Command::Stop(name.clone()),
        "start" => Command::Start(name.clone()),
        "restart" => Command::Restart(name.clone()),
        other => return Err(ApiError::not_found(format!("no action `{other}`: stop, start or restart"))),
    };
    state.ask(command).await?;
    log::info!("online: `{name}`: {action}");
    let latest = snapshot(&state)?;
    let program = latest.programs.iter().find(|p| p.name == name).map(views::program);
    Ok(Json(json!({"name": name, "done": action, "program": program})))
}
