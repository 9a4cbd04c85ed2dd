//! `/health/live` and `/health/ready`.

use axum::extract::State;
use serde::Serialize;

use super::error::ApiError;
use super::{ApiResult, AppState, ok};

#[derive(Serialize)]
struct Status {
    status: &'static str,
}

/// Liveness: the process serves requests.
pub(super) async fn live() -> ApiResult {
    Ok(ok(&Status { status: "live" }))
}

/// Readiness: not shutting down, and the store answers.
pub(super) async fn ready(State(state): State<AppState>) -> ApiResult {
    if state.is_shutting_down() {
        return Err(ApiError::NotReady("shutting down"));
    }
    if let Err(e) = state.registry().ready().await {
        tracing::error!(error = %e, "readiness check failed");
        return Err(ApiError::NotReady("the store does not answer"));
    }
    Ok(ok(&Status { status: "ready" }))
}
