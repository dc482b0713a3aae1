//! The handlers of `/api/v1/`, and what they share: bodies read within a limit, JSON parsed
//! with a one-line reason, the latest snapshot.

pub mod programs;
pub mod values;

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::extract::Path;
use axum::http::StatusCode;
use plc_host::Snapshot;
use serde::de::DeserializeOwned;

use crate::error::ApiError;
use crate::state::Shared;

/// The most bytes of a JSON body.
pub const JSON_BYTES: usize = 64 * 1024;

/// A body, or why it could not be read (413 over the limit).
pub fn bytes(body: Result<Bytes, BytesRejection>, limit: usize) -> Result<Bytes, ApiError> {
    body.map_err(|e| match e.status() {
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::new(e.status(), format!("the body is over the limit of {limit} bytes")),
        status => ApiError::new(status, e.body_text()),
    })
}

/// A JSON body of type `T`, within [`JSON_BYTES`]; 400 with the parser's reason otherwise.
pub fn json<T: DeserializeOwned>(body: Result<Bytes, BytesRejection>) -> Result<T, ApiError> {
    let body = bytes(body, JSON_BYTES)?;
    serde_json::from_slice(&body).map_err(|e| ApiError::bad_request(format!("malformed JSON: {e}")))
}

/// A path parameter, or 400.
pub fn path<T>(path: Result<Path<T>, PathRejection>) -> Result<T, ApiError> {
    path.map(|Path(p)| p).map_err(|e| ApiError::bad_request(e.body_text()))
}

/// The latest snapshot, or 503 before the first.
pub fn snapshot(state: &Shared) -> Result<Arc<Snapshot>, ApiError> {
    state.remote.snapshot().ok_or_else(|| ApiError::unavailable("the controller has not published a snapshot yet"))
}

/// A program's name as a client may give it: 1 to 255 bytes, no control characters.
pub fn program_name(name: &str) -> Result<(), ApiError> {
    if name.is_empty() || name.len() > 255 || name.chars().any(char::is_control) {
        return Err(ApiError::bad_request("a program's name has 1 to 255 bytes and no control characters"));
    }
    Ok(())
}
