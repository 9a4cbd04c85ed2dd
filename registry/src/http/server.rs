//! The server's own resources: `/`, `/v1/metadata/*` and `/contexts`.

use serde::Serialize;
use serde_json::{Map, Value, json};

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;

use super::error::ErrorBody;
use super::extract::{Params, Segments};
use super::openapi::{BadQuery, Paging, Unavailable};
use super::{ApiResult, AppState, ok};
use crate::auth::Caller;

/// `GET /` and `POST /`: `{}`.
#[utoipa::path(
    method(get, post),
    path = "/",
    tag = "server",
    responses((status = 200, description = "An empty object", body = Object)),
)]
pub(super) async fn root() -> ApiResult {
    Ok(ok(&Map::<String, Value>::new()))
}

/// `GET /v1/metadata/id`, as the peer's `ServerClusterId`: Charter is
/// backed by no Kafka cluster (`null`), and its instances form the cluster
/// the peer names by its default group id.
#[utoipa::path(
    get,
    path = "/v1/metadata/id",
    tag = "server",
    responses((status = 200, description = "The cluster this server belongs to", body = Object)),
)]
pub(super) async fn metadata_id() -> ApiResult {
    Ok(ok(&json!({
        "id": "",
        "scope": {
            "path": [],
            "clusters": {
                "kafka-cluster": null,
                "schema-registry-cluster": "schema-registry",
            },
        },
    })))
}

/// `GET /v1/metadata/deployment` (8.1+): the peer's deployment attributes,
/// none unless its operator configured some; Charter has none.
#[utoipa::path(
    get,
    path = "/v1/metadata/deployment",
    tag = "server",
    responses((
        status = 200,
        description = "Deployment attributes: `{\"attributes\": []}`",
        body = Object,
    )),
)]
pub(super) async fn metadata_deployment() -> ApiResult {
    Ok(ok(&json!({"attributes": []})))
}

/// The server's version.
#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = ServerVersion)]
struct VersionView {
    version: &'static str,
    commit_id: &'static str,
}

/// `GET /v1/metadata/version`.
#[utoipa::path(
    get,
    path = "/v1/metadata/version",
    tag = "server",
    responses((status = 200, description = "The server's version", body = VersionView)),
)]
pub(super) async fn metadata_version() -> ApiResult {
    Ok(ok(&VersionView {
        version: env!("CARGO_PKG_VERSION"),
        commit_id: "",
    }))
}

/// `GET /contexts`: the contexts that exist, the default one (`.`) first,
/// those starting with `contextPrefix` (the peer's 8.2+), paged by
/// `offset` and `limit`.
#[utoipa::path(
    get,
    path = "/contexts",
    tag = "server",
    params(
        ("contextPrefix" = Option<String>, Query, description = "Only contexts starting with this (`.ctx`)"),
        Paging,
    ),
    responses(
        (status = 200, description = "The contexts: `[\".\", \".ctx1\"]`", body = Vec<String>),
        BadQuery,
        Unavailable,
    ),
)]
pub(super) async fn contexts(State(state): State<AppState>, params: Params) -> ApiResult {
    let mut names = state.registry().contexts().await?;
    if let Some(prefix) = params.text("contextPrefix").filter(|p| !p.is_empty()) {
        names.retain(|name| name.starts_with(prefix));
    }
    Ok(ok(&params.page(names)?))
}

/// `DELETE /contexts/{context}` (the peer's 8.1+): removes an empty
/// context from the list (its ids stay taken).
#[utoipa::path(
    delete,
    path = "/contexts/{context}",
    tag = "server",
    params(("context" = String, Path, description = "The context: `.ctx`, `ctx` or `:.ctx:`")),
    responses(
        (status = 204, description = "Deleted (or there was no such context)"),
        (status = 422, description = "42211: the context holds subjects; 42208: no context name", body = ErrorBody),
        Unavailable,
    ),
)]
pub(super) async fn delete_context(
    State(state): State<AppState>,
    caller: Caller,
    segments: Segments,
) -> ApiResult {
    state
        .registry()
        .delete_context(segments.named("context"), &caller.actor())
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
