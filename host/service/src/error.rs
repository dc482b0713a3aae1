//! Errors as the API answers them: a status and `{"error": "one line"}`, with `problems` (one
//! string each) for a refused upload.

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use plc_host::ControlError;

/// An error answer.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    message: String,
    problems: Vec<String>,
}

impl ApiError {
    /// An error of that status.
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        let message = message.into();
        // One line, whatever the cause said.
        let message = message.lines().map(str::trim).collect::<Vec<_>>().join("; ");
        ApiError { status, message, problems: Vec::new() }
    }

    /// 400: the request is malformed.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }

    /// 404: no such thing.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, message)
    }

    /// 422: understood, and refused; every problem on a line of its own.
    pub fn unprocessable(message: impl Into<String>, problems: Vec<String>) -> Self {
        ApiError { problems, ..Self::new(StatusCode::UNPROCESSABLE_ENTITY, message) }
    }

    /// 412: `If-Match` names another version.
    pub fn precondition(message: impl Into<String>) -> Self {
        Self::new(StatusCode::PRECONDITION_FAILED, message)
    }

    /// 503: the controller cannot take it now.
    pub fn unavailable(message: impl Into<String>) -> Self {
        Self::new(StatusCode::SERVICE_UNAVAILABLE, message)
    }

    /// 504: the controller did not answer in time.
    pub fn timeout(message: impl Into<String>) -> Self {
        Self::new(StatusCode::GATEWAY_TIMEOUT, message)
    }

    /// 401: no token, or not the right one.
    pub fn unauthorized() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "a valid `Authorization: Bearer <token>` is needed")
    }
}

impl From<ControlError> for ApiError {
    fn from(e: ControlError) -> Self {
        let status = match &e {
            ControlError::UnknownProgram(_) | ControlError::UnknownVariable(_) | ControlError::NotForced(_) => StatusCode::NOT_FOUND,
            ControlError::AddressOutOfBounds(_) => StatusCode::NOT_FOUND,
            ControlError::DuplicateName(_) | ControlError::Forced(_) => StatusCode::CONFLICT,
            ControlError::VersionMismatch(_) => StatusCode::PRECONDITION_FAILED,
            ControlError::Instantiation(_) => return ApiError::unprocessable("the program was refused", vec![e.to_string()]),
            _ => StatusCode::UNPROCESSABLE_ENTITY,
        };
        ApiError::new(status, e.to_string())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut body = serde_json::json!({"error": self.message});
        if !self.problems.is_empty() {
            body["problems"] = serde_json::json!(self.problems);
        }
        let mut response = (self.status, Json(body)).into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(header::WWW_AUTHENTICATE, header::HeaderValue::from_static("Bearer"));
        }
        response
    }
}
