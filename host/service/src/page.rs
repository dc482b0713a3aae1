//! The web page: HTML, CSS and plain JavaScript embedded in the binary (no build step). It
//! holds no data: it asks for the token and talks to the API like any client.

use axum::http::header;
use axum::response::IntoResponse;

/// The headers of every part of the page: its own origin only, no framing.
const SECURITY: [(header::HeaderName, &str); 3] = [
    (header::CONTENT_SECURITY_POLICY, "default-src 'self'; connect-src 'self'; frame-ancestors 'none'"),
    (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    (header::CACHE_CONTROL, "no-cache"),
];

fn part(content_type: &'static str, body: &'static str) -> impl IntoResponse {
    let [a, b, c] = SECURITY;
    ([(header::CONTENT_TYPE, content_type), a, b, c], body)
}

/// `GET /`.
pub async fn index() -> impl IntoResponse {
    part("text/html; charset=utf-8", include_str!("../web/index.html"))
}

/// `GET /app.js`.
pub async fn script() -> impl IntoResponse {
    part("text/javascript; charset=utf-8", include_str!("../web/app.js"))
}

/// `GET /style.css`.
pub async fn style() -> impl IntoResponse {
    part("text/css; charset=utf-8", include_str!("../web/style.css"))
}
