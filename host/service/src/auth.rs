//! Every `/api/` request needs the bearer token: `Authorization: Bearer <token>`, or, for the
//! WebSocket of a browser (which cannot set that header), the subprotocol `bearer.<token>`
//! offered beside `plc.v1`. Without it: 401, and the handler never runs.

use axum::extract::{Request, State as Extract};
use axum::http::{header, HeaderMap};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;
use crate::state::State;
use crate::token::Token;

/// Whether the request carries the token.
pub fn authorized(headers: &HeaderMap, token: &Token) -> bool {
    if let Some(value) = headers.get(header::AUTHORIZATION) {
        return value.as_bytes().strip_prefix(b"Bearer ").is_some_and(|t| token.matches(t.trim_ascii()));
    }
    if !headers.contains_key(header::UPGRADE) {
        return false;
    }
    headers
        .get_all(header::SEC_WEBSOCKET_PROTOCOL)
        .iter()
        .flat_map(|value| value.as_bytes().split(|&b| b == b','))
        .any(|protocol| protocol.trim_ascii().strip_prefix(b"bearer.").is_some_and(|t| token.matches(t)))
}

/// The middleware of `/api/`.
pub async fn require_token(Extract(state): Extract<State>, request: Request, next: Next) -> Response {
    if authorized(request.headers(), &state.token) {
        next.run(request).await
    } else {
        ApiError::unauthorized().into_response()
    }
}
