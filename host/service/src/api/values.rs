//! `/api/v1/variables`, `/api/v1/forces`, `/api/v1/images`, `/api/v1/stats`.

use std::sync::atomic::Ordering;

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::extract::{Path, State as Extract};
use axum::Json;
use plc_host::remote::Command;
use plc_host::{Force, ForceTarget, Image};
use serde_json::{json, Value as Json_};

use super::{json, path, snapshot};
use crate::address::{io_address, io_value, variable_value, ValueBody};
use crate::error::ApiError;
use crate::state::State;
use crate::views;

/// `GET /api/v1/variables`.
pub async fn variables(Extract(state): Extract<State>) -> Result<Json<Json_>, ApiError> {
    Ok(Json(views::variables(&*snapshot(&state)?)))
}

/// One variable of the latest snapshot, as listed.
fn variable_view(state: &State, name: &str) -> Result<Json_, ApiError> {
    let listed = views::variables(&*snapshot(state)?);
    listed
        .as_array()
        .and_then(|all| all.iter().find(|v| v["name"] == name).cloned())
        .ok_or_else(|| ApiError::not_found(format!("no variable named `{name}`")))
}

/// `GET /api/v1/variables/{name}`.
pub async fn variable(Extract(state): Extract<State>, name: Result<Path<String>, PathRejection>) -> Result<Json<Json_>, ApiError> {
    Ok(Json(variable_view(&state, &path(name)?)?))
}

/// The variable's value now, to read a JSON number with its type.
fn current(state: &State, name: &str) -> Option<plc_host::Value> {
    state.remote.snapshot()?.variables.iter().find(|(n, _)| n == name).map(|(_, v)| *v)
}

/// `PUT /api/v1/variables/{name}` with `{"value": ...}`: a one-shot write between two scans.
pub async fn write(
    Extract(state): Extract<State>,
    name: Result<Path<String>, PathRejection>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<Json_>, ApiError> {
    let name = path(name)?;
    let body: ValueBody = json(body)?;
    let value = variable_value(&body, current(&state, &name))?;
    state.ask(Command::WriteVariable(name.clone(), value)).await?;
    log::info!("online: `{name}` written: {value}");
    Ok(Json(variable_view(&state, &name)?))
}

/// `GET /api/v1/forces`.
pub async fn forces(Extract(state): Extract<State>) -> Result<Json<Json_>, ApiError> {
    Ok(Json(views::forces(&*snapshot(&state)?)))
}

/// The place of `/api/v1/forces/{kind}/{place}`.
fn target(kind: &str, place: &str) -> Result<ForceTarget, ApiError> {
    let image = match kind {
        "variables" => return Ok(ForceTarget::Variable(place.to_owned())),
        "inputs" => Image::Inputs,
        "outputs" => Image::Outputs,
        other => return Err(ApiError::not_found(format!("no force kind `{other}`: variables, inputs or outputs"))),
    };
    let (address, bit) = io_address(place)?;
    Ok(ForceTarget::Io { image, address, bit })
}

/// `PUT /api/v1/forces/{variables|inputs|outputs}/{place}` with `{"value": ...}` (and
/// `"type"` for a typed IO value).
pub async fn force(
    Extract(state): Extract<State>,
    params: Result<Path<(String, String)>, PathRejection>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<Json_>, ApiError> {
    let (kind, place) = path(params)?;
    let target = target(&kind, &place)?;
    let body: ValueBody = json(body)?;
    let force = match target {
        ForceTarget::Variable(name) => {
            let value = variable_value(&body, current(&state, &name))?;
            Force::Variable { name, value }
        }
        ForceTarget::Io { image, address, bit } => Force::Io { image, address, value: io_value(bit, &body)? },
    };
    let shown = views::force(&force);
    state.ask(Command::Force(force)).await?;
    log::info!("online: {} forced to {}", shown["place"].as_str().unwrap_or("?"), shown["value"]);
    Ok(Json(shown))
}

/// `DELETE /api/v1/forces/{variables|inputs|outputs}/{place}`.
pub async fn release(Extract(state): Extract<State>, params: Result<Path<(String, String)>, PathRejection>) -> Result<Json<Json_>, ApiError> {
    let (kind, place) = path(params)?;
    let target = target(&kind, &place)?;
    let described = plc_host::forces::describe(&target);
    state.ask(Command::Release(target)).await?;
    log::info!("online: {described} released");
    Ok(Json(json!({"released": described})))
}

/// `DELETE /api/v1/forces`: releases every force.
pub async fn release_all(Extract(state): Extract<State>) -> Result<Json<Json_>, ApiError> {
    state.ask(Command::ReleaseAll).await?;
    log::info!("online: every force released");
    Ok(Json(json!({"released": "all"})))
}

/// `GET /api/v1/images`.
pub async fn images(Extract(state): Extract<State>) -> Result<Json<Json_>, ApiError> {
    Ok(Json(views::images(&*snapshot(&state)?)))
}

/// `GET /api/v1/stats`: the scan's cycle statistics and the service's own counters.
pub async fn stats(Extract(state): Extract<State>) -> Result<Json<Json_>, ApiError> {
    let s = snapshot(&state)?;
    Ok(Json(json!({
        "scans": s.scans,
        "elapsed_ms": u64::try_from(s.elapsed.as_millis()).unwrap_or(u64::MAX),
        "cycle": views::cycle(&s.cycle),
        "service": {
            "websocket_clients": state.clients.load(Ordering::Relaxed),
            "log_records_dropped": crate::logs::dropped(),
            "log_records_missed_by_clients": state.lagged.load(Ordering::Relaxed),
        },
    })))
}
