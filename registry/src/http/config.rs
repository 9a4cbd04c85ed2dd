//! `/config`: compatibility settings, globally and per subject.
//!
//! `GET` and `DELETE` answer the level as `compatibilityLevel`; `PUT` takes
//! and echoes it as `compatibility` (the peer's `ConfigUpdateRequest`), and
//! also takes `compatibilityLevel`. The data-contract fields
//! (`compatibilityGroup`, `defaultMetadata`, `overrideMetadata`,
//! `defaultRuleSet`, `overrideRuleSet`, `validateFields`, `validateRules`,
//! `alias`) are taken, stored and answered in the peer's shapes.

use axum::extract::State;
use serde::Deserialize;
use serde_json::Value;

use super::body::{decode, nullable};
use super::error::{ApiError, ErrorBody};
use super::extract::{JsonBody, Params, Segments};
use super::openapi::{BadQuery, BodyErrors, SubjectPath, Unavailable};
use super::wire::{ConfigView, InvalidSchemaBody, LevelKey, check_rules};
use super::{ApiResult, AppState, ok};
use crate::auth::Caller;
use crate::model::{Metadata, RuleSet, Scope};
use crate::service::{ConfigUpdate, Error};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_global, put_global, delete_global))
        .routes(routes!(get_subject, put_subject, delete_subject))
}

/// `ConfigUpdateRequest`. Each field may be absent (left as it is), `null`
/// (cleared) or set, as the peer's `Optional` fields.
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
    /// The metadata property whose value splits the subject into lines.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    compatibility_group: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<bool>)]
    validate_fields: Option<Option<bool>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<bool>)]
    validate_rules: Option<Option<bool>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    alias: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<Object>)]
    default_metadata: Option<Option<Value>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<Object>)]
    override_metadata: Option<Option<Value>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<Object>)]
    default_rule_set: Option<Option<Value>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<Object>)]
    override_rule_set: Option<Option<Value>>,
}

/// The data-contract fields of a config body, decoded together so that an
/// error names its place (`defaultRuleSet.domainRules[0].kind`).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ContractFields {
    default_metadata: Option<Metadata>,
    override_metadata: Option<Metadata>,
    default_rule_set: Option<RuleSet>,
    override_rule_set: Option<RuleSet>,
}

/// A field as the update takes it: absent, cleared, or `present`'s value.
fn field<T>(sent: &Option<Option<Value>>, present: Option<T>) -> Option<Option<T>> {
    sent.as_ref().map(|value| value.as_ref().and(present))
}

impl ConfigBody {
    /// The update. Metadata that cannot be decoded answers 42203; a rule set
    /// that cannot be used 42210 (the peer's `RestInvalidRuleSetException`),
    /// both naming where.
    fn into_update(self) -> Result<ConfigUpdate, ApiError> {
        let mut sent = serde_json::Map::new();
        for (name, value) in [
            ("defaultMetadata", &self.default_metadata),
            ("overrideMetadata", &self.override_metadata),
            ("defaultRuleSet", &self.default_rule_set),
            ("overrideRuleSet", &self.override_rule_set),
        ] {
            if let Some(Some(value)) = value {
                sent.insert(name.to_string(), value.clone());
            }
        }
        let decoded: ContractFields = decode(Value::Object(sent)).map_err(|e| -> ApiError {
            if e.path().contains("RuleSet") {
                InvalidSchemaBody::RuleSet(e.to_string()).into()
            } else {
                Error::InvalidConfig(e.to_string()).into()
            }
        })?;
        for (name, rules) in [
            ("defaultRuleSet", &decoded.default_rule_set),
            ("overrideRuleSet", &decoded.override_rule_set),
        ] {
            if let Some(rules) = rules {
                check_rules(name, rules).map_err(InvalidSchemaBody::RuleSet)?;
            }
        }
        Ok(ConfigUpdate {
            compatibility: self.compatibility.or(self.compatibility_level),
            policy: self.compatibility_policy,
            normalize: self.normalize,
            consumer_compatibility: self.consumer_compatibility,
            compatibility_group: self.compatibility_group,
            validate_fields: self.validate_fields,
            validate_rules: self.validate_rules,
            alias: self.alias,
            default_metadata: field(&self.default_metadata, decoded.default_metadata),
            override_metadata: field(&self.override_metadata, decoded.override_metadata),
            default_rule_set: field(&self.default_rule_set, decoded.default_rule_set),
            override_rule_set: field(&self.override_rule_set, decoded.override_rule_set),
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
