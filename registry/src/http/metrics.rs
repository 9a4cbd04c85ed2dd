//! `/metrics`: Prometheus text exposition.

use axum::extract::State;
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::response::IntoResponse;

use super::openapi::Unavailable;
use super::{ApiResult, AppState};

/// The metrics, with the count of stored schemas read at scrape time.
#[utoipa::path(
    get,
    path = "/metrics",
    tag = "operations",
    responses(
        (
            status = 200,
            description = "Prometheus text exposition",
            content_type = "text/plain; version=0.0.4; charset=utf-8",
            body = String,
        ),
        Unavailable,
    ),
)]
pub(super) async fn render(State(state): State<AppState>) -> ApiResult {
    let stored = state.registry().schemas_stored().await?;
    let mut text = state.metrics().render(stored);
    state.auth().render_metrics(&mut text);
    Ok((
        StatusCode::OK,
        [(CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")],
        text,
    )
        .into_response())
}
