//! `/associations` (Confluent 8.2+): which subjects a resource such as a
//! Kafka topic is bound to. Charter stores no associations yet, so every
//! read answers the empty list, as the peer does for a resource or subject
//! nobody bound (the default `AssociatedNameStrategy` of Confluent's
//! serializers then falls back to `<topic>-value`), and the other calls
//! answer 404/40410 (no such association).

use axum::routing::any;
use serde_json::Value;
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;

use super::error::{ApiError, ErrorBody};
use super::extract::Params;
use super::openapi::{BadQuery, Paging, SubjectPath};
use super::{ApiResult, AppState, ok};

pub(super) fn routes() -> OpenApiRouter<AppState> {
    // Every other method on these paths answers 40410 too.
    OpenApiRouter::new()
        .routes(routes!(of_subject).map(|m| m.fallback(not_found)))
        .routes(routes!(of_resource).map(|m| m.fallback(not_found)))
        .routes(routes!(of_named_resource).map(|m| m.fallback(not_found)))
        .routes(routes!(create).map(|m| m.fallback(not_found)))
        // A catch-all, which OpenAPI cannot describe: 40410 for any method.
        .route("/associations/{*rest}", any(not_found))
}

/// `GET /associations/subjects/{subject}`.
#[utoipa::path(
    get,
    path = "/associations/subjects/{subject}",
    tag = "associations",
    params(SubjectPath, Paging),
    responses((status = 200, description = "`[]`: none is stored", body = Vec<Object>), BadQuery),
)]
async fn of_subject(params: Params) -> ApiResult {
    none_bound(params)
}

/// `GET /associations/resources/{resource_id}`.
#[utoipa::path(
    get,
    path = "/associations/resources/{resource_id}",
    tag = "associations",
    params(("resource_id" = String, Path, description = "The resource's id"), Paging),
    responses((status = 200, description = "`[]`: none is stored", body = Vec<Object>), BadQuery),
)]
async fn of_resource(params: Params) -> ApiResult {
    none_bound(params)
}

/// `GET /associations/resources/{namespace}/{name}`.
#[utoipa::path(
    get,
    path = "/associations/resources/{namespace}/{name}",
    tag = "associations",
    params(
        ("namespace" = String, Path, description = "The resource's namespace"),
        ("name" = String, Path, description = "The resource's name"),
        Paging,
    ),
    responses((status = 200, description = "`[]`: none is stored", body = Vec<Object>), BadQuery),
)]
async fn of_named_resource(params: Params) -> ApiResult {
    none_bound(params)
}

/// `POST /associations` (and every other method): no association can be
/// created.
#[utoipa::path(
    post,
    path = "/associations",
    tag = "associations",
    responses((status = 404, description = "40410: associations are not stored", body = ErrorBody)),
)]
async fn create() -> ApiError {
    ApiError::AssociationNotFound
}

/// A listing of associations: none is stored, so `[]` (its paging
/// parameters still checked).
fn none_bound(params: Params) -> ApiResult {
    Ok(ok(&params.page(Vec::<Value>::new())?))
}

/// Creating, changing or deleting an association, and paths the peer does
/// not serve: 404 with 40410.
async fn not_found() -> ApiError {
    ApiError::AssociationNotFound
}
