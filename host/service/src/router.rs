//! The routes: the page at `/`, the API under `/api/v1/` behind the token.

use axum::extract::{DefaultBodyLimit, OriginalUri, Request};
use axum::middleware::from_fn_with_state;
use axum::routing::{get, post, put};
use axum::Router;

use crate::api::{programs, values, JSON_BYTES};
use crate::error::ApiError;
use crate::state::State;
use crate::{auth, events, page};

async fn no_route(OriginalUri(uri): OriginalUri, request: Request) -> ApiError {
    ApiError::not_found(format!("no endpoint {} {}: see docs/online.md", request.method(), uri.path()))
}

async fn no_method(OriginalUri(uri): OriginalUri, request: Request) -> ApiError {
    ApiError::new(axum::http::StatusCode::METHOD_NOT_ALLOWED, format!("{} is not allowed on {}", request.method(), uri.path()))
}

/// Every route, with its state.
pub fn router(state: State) -> Router {
    let module_bytes = usize::try_from(state.limits.module_bytes).unwrap_or(usize::MAX);
    let v1 = Router::new()
        .route("/programs", get(programs::list))
        .route(
            "/programs/{name}",
            put(programs::upload).layer(DefaultBodyLimit::max(module_bytes)).get(programs::one).delete(programs::remove),
        )
        .route("/programs/{name}/{action}", post(programs::action))
        .route("/variables", get(values::variables))
        .route("/variables/{name}", get(values::variable).put(values::write))
        .route("/forces", get(values::forces).delete(values::release_all))
        .route("/forces/{kind}/{place}", put(values::force).delete(values::release))
        .route("/images", get(values::images))
        .route("/stats", get(values::stats))
        .route("/events", get(events::events));
    let api = Router::new()
        .nest("/v1", v1)
        .fallback(no_route)
        .method_not_allowed_fallback(no_method)
        .layer(DefaultBodyLimit::max(JSON_BYTES))
        .layer(from_fn_with_state(state.clone(), auth::require_token));
    Router::new()
        .route("/", get(page::index))
        .route("/app.js", get(page::script))
        .route("/style.css", get(page::style))
        .nest("/api", api)
        .fallback(no_route)
        .method_not_allowed_fallback(no_method)
        .with_state(state)
}
