//! The server's own resources: `/`, `/v1/metadata/*` and `/contexts`.

use serde::Serialize;
use serde_json::{Map, Value, json};

use super::{ApiResult, ok};

/// `GET /` and `POST /`: `{}`.
pub(super) async fn root() -> ApiResult {
    Ok(ok(&Map::<String, Value>::new()))
}

/// `GET /v1/metadata/id`: Charter runs no Kafka cluster.
pub(super) async fn metadata_id() -> ApiResult {
    Ok(ok(&json!({"scope": {"path": [], "clusters": {}}})))
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct VersionView {
    version: &'static str,
    commit_id: &'static str,
}

/// `GET /v1/metadata/version`.
pub(super) async fn metadata_version() -> ApiResult {
    Ok(ok(&VersionView {
        version: env!("CARGO_PKG_VERSION"),
        commit_id: "",
    }))
}

/// `GET /contexts`: only the default context exists.
pub(super) async fn contexts() -> ApiResult {
    Ok(ok(&["."]))
}
