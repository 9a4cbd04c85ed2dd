//! `/associations` (Confluent 8.2+): which subjects a resource such as a
//! Kafka topic is bound to. Charter stores no associations yet, so every
//! read answers the empty list, as the peer does for a resource or subject
//! nobody bound (the default `AssociatedNameStrategy` of Confluent's
//! serializers then falls back to `<topic>-value`), and the other calls
//! answer 404/40410 (no such association).

use axum::Router;
use axum::routing::{any, get};
use serde_json::Value;

use super::error::ApiError;
use super::extract::Params;
use super::{ApiResult, AppState, ok};

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/associations/subjects/{subject}",
            get(none_bound).fallback(not_found),
        )
        .route(
            "/associations/resources/{resource_id}",
            get(none_bound).fallback(not_found),
        )
        .route(
            "/associations/resources/{namespace}/{name}",
            get(none_bound).fallback(not_found),
        )
        .route("/associations", any(not_found))
        .route("/associations/{*rest}", any(not_found))
}

/// A listing of associations: none is stored, so `[]` (its paging
/// parameters still checked).
async fn none_bound(params: Params) -> ApiResult {
    Ok(ok(&params.page(Vec::<Value>::new())?))
}

/// Creating, changing or deleting an association, and paths the peer does
/// not serve: 404 with 40410.
async fn not_found() -> ApiError {
    ApiError::AssociationNotFound
}
