//! `/config`: compatibility settings, globally and per subject.
//!
//! `GET` and `DELETE` answer the level as `compatibilityLevel`; `PUT` takes
//! and echoes it as `compatibility` (the peer's `ConfigUpdateRequest`), and
//! also takes `compatibilityLevel`.

use axum::extract::State;
use serde::Deserialize;
use serde_json::Value;

use super::body::nullable;
use super::error::{ApiError, ErrorBody};
use super::extract::{JsonBody, Params, Segments};
use super::openapi::{BadQuery, BodyErrors, SubjectPath, Unavailable};
use super::wire::{ConfigView, LevelKey};
use super::{ApiResult, AppState, ok};
use crate::auth::Caller;
use crate::model::Scope;
use crate::service::{ConfigUpdate, Error};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_global, put_global, delete_global))
        .routes(routes!(get_subject, put_subject, delete_subject))
}

/// `ConfigUpdateRequest`. Settings Charter does not implement are refused
/// with 42203 unless null or false.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = ConfigUpdate, example = json!({"compatibility": "BACKWARD"}))]
struct ConfigBody {
    /// `NONE`, `BACKWARD`, `BACKWARD_TRANSITIVE`, `FORWARD`,
    /// `FORWARD_TRANSITIVE`, `FULL`, `FULL_TRANSITIVE`; null: unset.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    compatibility: Option<Option<String>>,
    /// `compatibility`, as `GET` spells it.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    compatibility_level: Option<Option<String>>,
    /// `STRICT`, `LENIENT` or `CONFLUENT`; null: unset.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    compatibility_policy: Option<Option<String>>,
    /// Normalize schemas before comparing; null: unset.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<bool>)]
    normalize: Option<Option<bool>>,
    /// Charter's check of registrations against consumers' readers.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    consumer_compatibility: Option<Option<String>>,
    #[schema(value_type = Option<Object>)]
    compatibility_group: Option<Value>,
    #[schema(value_type = Option<Object>)]
    validate_fields: Option<Value>,
    #[schema(value_type = Option<Object>)]
    validate_rules: Option<Value>,
    #[schema(value_type = Option<Object>)]
    alias: Option<Value>,
    #[schema(value_type = Option<Object>)]
    default_metadata: Option<Value>,
    #[schema(value_type = Option<Object>)]
    override_metadata: Option<Value>,
    #[schema(value_type = Option<Object>)]
    default_rule_set: Option<Value>,
    #[schema(value_type = Option<Object>)]
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

/// `GET /config`.
#[utoipa::path(
    get,
    path = "/config",
    tag = "config",
    params(("defaultToGlobal" = Option<bool>, Query, description = "Answer the global setting when the subject has none")),
    responses(
        (status = 200, description = "The global setting", body = ConfigView),
        BadQuery,
        Unavailable,
    ),
)]
async fn get_global(State(state): State<AppState>, params: Params) -> ApiResult {
    get_config(&state, Scope::Global, &params).await
}

/// `PUT /config`.
#[utoipa::path(
    put,
    path = "/config",
    tag = "config",
    request_body = ConfigBody,
    responses(
        (status = 200, description = "The new setting", body = ConfigView),
        (status = 422, description = "42203: an invalid or unsupported setting", body = ErrorBody),
        BodyErrors,
    ),
)]
async fn put_global(
    State(state): State<AppState>,
    caller: Caller,
    JsonBody(body): JsonBody<ConfigBody>,
) -> ApiResult {
    put_config(&state, &caller, Scope::Global, body).await
}

/// `DELETE /config`: back to the defaults.
#[utoipa::path(
    delete,
    path = "/config",
    tag = "config",
    responses(
        (status = 200, description = "The setting before", body = ConfigView),
        Unavailable,
    ),
)]
async fn delete_global(State(state): State<AppState>, caller: Caller) -> ApiResult {
    delete_config(&state, &caller, Scope::Global).await
}

/// `GET /config/{subject}`.
#[utoipa::path(
    get,
    path = "/config/{subject}",
    tag = "config",
    params(SubjectPath, ("defaultToGlobal" = Option<bool>, Query, description = "Answer the global setting when the subject has none")),
    responses(
        (status = 200, description = "The subject's setting", body = ConfigView),
        (status = 404, description = "40408: the subject has no setting", body = ErrorBody),
        (status = 422, description = "42208: invalid subject name", body = ErrorBody),
        BadQuery,
        Unavailable,
    ),
)]
async fn get_subject(
    State(state): State<AppState>,
    segments: Segments,
    params: Params,
) -> ApiResult {
    get_config(&state, segments.settings_scope()?, &params).await
}

/// `PUT /config/{subject}`.
#[utoipa::path(
    put,
    path = "/config/{subject}",
    tag = "config",
    params(SubjectPath),
    request_body = ConfigBody,
    responses(
        (status = 200, description = "The new setting", body = ConfigView),
        (status = 422, description = "42203: an invalid or unsupported setting; 42208: invalid subject name", body = ErrorBody),
        BodyErrors,
    ),
)]
async fn put_subject(
    State(state): State<AppState>,
    caller: Caller,
    segments: Segments,
    JsonBody(body): JsonBody<ConfigBody>,
) -> ApiResult {
    put_config(&state, &caller, segments.settings_scope()?, body).await
}

/// `DELETE /config/{subject}`.
#[utoipa::path(
    delete,
    path = "/config/{subject}",
    tag = "config",
    params(SubjectPath),
    responses(
        (status = 200, description = "The setting before", body = ConfigView),
        (status = 404, description = "40401: no such subject; 40408: the subject has no setting", body = ErrorBody),
        (status = 422, description = "42208: invalid subject name", body = ErrorBody),
        BadQuery,
        Unavailable,
    ),
)]
async fn delete_subject(
    State(state): State<AppState>,
    caller: Caller,
    segments: Segments,
) -> ApiResult {
    delete_config(&state, &caller, segments.settings_scope()?).await
}
