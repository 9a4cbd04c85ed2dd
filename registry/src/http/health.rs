//! `/health/live` and `/health/ready`.

use axum::extract::State;
use serde::Serialize;

use super::error::{ApiError, ErrorBody};
use super::{ApiResult, AppState, ok};

/// A health answer.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = Health)]
struct Status {
    status: &'static str,
}

/// Liveness: the process serves requests.
#[utoipa::path(
    get,
    path = "/health/live",
    tag = "operations",
    responses((status = 200, description = "`{\"status\": \"live\"}`", body = Status)),
)]
pub(super) async fn live() -> ApiResult {
    Ok(ok(&Status { status: "live" }))
}

/// Readiness: not shutting down, and the store answers.
#[utoipa::path(
    get,
    path = "/health/ready",
    tag = "operations",
    responses(
        (status = 200, description = "`{\"status\": \"ready\"}`", body = Status),
        (
            status = 503,
            description = "503: shutting down, or the store does not answer",
            body = ErrorBody,
            headers(("Retry-After" = u32, description = "Seconds to wait before retrying")),
        ),
    ),
)]
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
