//! `/config`: compatibility settings, globally and per subject.
//!
//! `GET` and `DELETE` answer the level as `compatibilityLevel`; `PUT` takes
//! and echoes it as `compatibility` (the peer's `ConfigUpdateRequest`), and
//! also takes `compatibilityLevel`.

use axum::Router;
use axum::extract::State;
use axum::routing::get;
use serde::Deserialize;
use serde_json::Value;

use super::body::nullable;
use super::error::ApiError;
use super::extract::{JsonBody, Params, Segments};
use super::wire::{ConfigView, LevelKey};
use super::{ApiResult, AppState, ok};
use crate::auth::Caller;
use crate::model::Scope;
use crate::service::{ConfigUpdate, Error};

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/config",
            get(get_global).put(put_global).delete(delete_global),
        )
        .route(
            "/config/{subject}",
            get(get_subject).put(put_subject).delete(delete_subject),
        )
}

/// `ConfigUpdateRequest`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ConfigBody {
    #[serde(default, deserialize_with = "nullable")]
    compatibility: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    compatibility_level: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    compatibility_policy: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    normalize: Option<Option<bool>>,
    #[serde(default, deserialize_with = "nullable")]
    consumer_compatibility: Option<Option<String>>,
    compatibility_group: Option<Value>,
    validate_fields: Option<Value>,
    validate_rules: Option<Value>,
    alias: Option<Value>,
    default_metadata: Option<Value>,
    override_metadata: Option<Value>,
    default_rule_set: Option<Value>,
    override_rule_set: Option<Value>,
}

impl ConfigBody {
    /// The update, or 42203 naming a setting Charter does not implement
    /// (accepting it silently would promise a behaviour that never happens).
    fn into_update(self) -> Result<ConfigUpdate, ApiError> {
        let unsupported = [
            ("compatibilityGroup", &self.compatibility_group),
            ("validateFields", &self.validate_fields),
            ("validateRules", &self.validate_rules),
            ("alias", &self.alias),
            ("defaultMetadata", &self.default_metadata),
            ("overrideMetadata", &self.override_metadata),
            ("defaultRuleSet", &self.default_rule_set),
            ("overrideRuleSet", &self.override_rule_set),
        ];
        for (name, value) in unsupported {
            if value
                .as_ref()
                .is_some_and(|v| !v.is_null() && *v != Value::Bool(false))
            {
                return Err(Error::InvalidConfig(format!(
                    "`{name}` is not supported by Charter; supported settings are compatibility, compatibilityPolicy, normalize and consumerCompatibility"
                ))
                .into());
            }
        }
        Ok(ConfigUpdate {
            compatibility: self.compatibility.or(self.compatibility_level),
            policy: self.compatibility_policy,
            normalize: self.normalize,
            consumer_compatibility: self.consumer_compatibility,
        })
    }
}

async fn get_config(state: &AppState, scope: Scope, params: &Params) -> ApiResult {
    let config = state
        .registry()
        .config(&scope, params.flag("defaultToGlobal")?)
        .await?;
    Ok(ok(&ConfigView::of(config, LevelKey::Level)))
}

async fn put_config(
    state: &AppState,
    caller: &Caller,
    scope: Scope,
    body: ConfigBody,
) -> ApiResult {
    let config = state
        .registry()
        .set_config(&scope, &body.into_update()?, &caller.actor())
        .await?;
    Ok(ok(&ConfigView::of(config, LevelKey::Update)))
}

async fn delete_config(state: &AppState, caller: &Caller, scope: Scope) -> ApiResult {
    let previous = state
        .registry()
        .delete_config(&scope, &caller.actor())
        .await?;
    Ok(ok(&ConfigView::of(previous, LevelKey::Level)))
}

async fn get_global(State(state): State<AppState>, params: Params) -> ApiResult {
    get_config(&state, Scope::Global, &params).await
}

async fn put_global(
    State(state): State<AppState>,
    caller: Caller,
    JsonBody(body): JsonBody<ConfigBody>,
) -> ApiResult {
    put_config(&state, &caller, Scope::Global, body).await
}

async fn delete_global(State(state): State<AppState>, caller: Caller) -> ApiResult {
    delete_config(&state, &caller, Scope::Global).await
}

async fn get_subject(
    State(state): State<AppState>,
    segments: Segments,
    params: Params,
) -> ApiResult {
    get_config(&state, segments.settings_scope()?, &params).await
}

async fn put_subject(
    State(state): State<AppState>,
    caller: Caller,
    segments: Segments,
    JsonBody(body): JsonBody<ConfigBody>,
) -> ApiResult {
    put_config(&state, &caller, segments.settings_scope()?, body).await
}

async fn delete_subject(
    State(state): State<AppState>,
    caller: Caller,
    segments: Segments,
) -> ApiResult {
    delete_config(&state, &caller, segments.settings_scope()?).await
}
