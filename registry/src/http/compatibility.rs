//! `/compatibility`: would this schema be accepted?
//!
//! Verbose answers carry the peer's `messages` (strings) and Charter's
//! structured `changes` beside them (the breaking ones, each with an
//! `example` document the writer accepts and the reader rejects when one was
//! found), and `other_changes`: those that break no reader the level protects.

use axum::extract::State;
use serde::Serialize;
use serde_json::Value;

use super::auth::require_read;
use super::error::ErrorBody;
use super::extract::{JsonBody, Params, Segments};
use super::openapi::{BodyErrors, SubjectPath, Verbose, VersionPath};
use super::wire::SchemaBody;
use super::{ApiResult, AppState, ok};
use crate::auth::Caller;
use crate::service::{CheckTarget, CompatibilityOutcome, JudgedChange};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(check_all))
        .routes(routes!(check_version))
}

/// One change between the posted schema and a version.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = CompatibilityChange)]
struct ChangeView<'a> {
    /// The kind of change (`TYPE_CHANGED`, ...).
    kind: &'static str,
    /// Where, as a JSON pointer into the schema.
    path: &'a str,
    /// Which readers it breaks: `backward` and/or `forward`.
    breaks: Vec<&'static str>,
    /// What changed, for people.
    message: &'a str,
    /// The version it was found against.
    #[serde(skip_serializing_if = "Option::is_none")]
    version: Option<i32>,
    /// A document the writer accepts and the reader rejects.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<serde_json::Value>)]
    example: Option<&'a Value>,
}

impl<'a> ChangeView<'a> {
    fn of(change: &'a JudgedChange) -> ChangeView<'a> {
        ChangeView {
            kind: change.kind.name(),
            path: &change.path,
            breaks: change.breaks.sides(),
            message: &change.message,
            version: change.version.map(|v| v.0),
            example: change.example.as_ref(),
        }
    }
}

/// Whether a schema would be accepted.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = CompatibilityCheck)]
struct CompatibilityView<'a> {
    /// The verdict.
    is_compatible: bool,
    /// With `verbose`: the peer's messages.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Vec<String>>)]
    messages: Option<&'a [String]>,
    /// With `verbose`: the breaking changes.
    #[serde(skip_serializing_if = "Option::is_none")]
    changes: Option<Vec<ChangeView<'a>>>,
    /// With `verbose`: the changes that break no reader the level protects.
    #[serde(skip_serializing_if = "Option::is_none")]
    other_changes: Option<Vec<ChangeView<'a>>>,
}

fn views(changes: &[JudgedChange]) -> Vec<ChangeView<'_>> {
    changes.iter().map(ChangeView::of).collect()
}

fn answer(outcome: &CompatibilityOutcome, verbose: bool) -> ApiResult {
    Ok(ok(&CompatibilityView {
        is_compatible: outcome.compatible,
        messages: verbose.then_some(outcome.messages.as_slice()),
        changes: verbose.then(|| views(&outcome.changes)),
        other_changes: verbose.then(|| views(&outcome.other_changes)),
    }))
}

/// Checks the posted schema against `target` of the `{subject}` path.
async fn check(
    state: &AppState,
    caller: &Caller,
    segments: &Segments,
    params: &Params,
    body: SchemaBody,
    target: CheckTarget,
) -> ApiResult {
    let subject = segments.subject()?;
    let verbose = params.flag("verbose")?;
    let schema = body.into_schema()?.posted_to(&subject);
    require_read(caller, schema.referenced_subjects())?;
    let outcome = state
        .registry()
        .check_compatibility(&subject, &schema, target, verbose)
        .await?;
    answer(&outcome, verbose)
}

/// `POST /compatibility/subjects/{subject}/versions`: against the versions
/// the subject's level compares a registration with.
#[utoipa::path(
    post,
    path = "/compatibility/subjects/{subject}/versions",
    tag = "compatibility",
    params(SubjectPath, Verbose),
    request_body = SchemaBody,
    responses(
        (status = 200, description = "The verdict", body = CompatibilityView),
        (status = 422, description = "42201: the schema is invalid; 42208: invalid subject name; 422: the check's work budget was exceeded", body = ErrorBody),
        BodyErrors,
    ),
)]
async fn check_all(
    State(state): State<AppState>,
    caller: Caller,
    segments: Segments,
    params: Params,
    JsonBody(body): JsonBody<SchemaBody>,
) -> ApiResult {
    let target = CheckTarget::Registration;
    check(&state, &caller, &segments, &params, body, target).await
}

/// `POST /compatibility/subjects/{subject}/versions/{version}`: against one
/// version.
#[utoipa::path(
    post,
    path = "/compatibility/subjects/{subject}/versions/{version}",
    tag = "compatibility",
    params(VersionPath, Verbose),
    request_body = SchemaBody,
    responses(
        (status = 200, description = "The verdict", body = CompatibilityView),
        (status = 404, description = "40401: no such subject; 40402: no such version", body = ErrorBody),
        (status = 422, description = "42201: the schema is invalid; 42202: not a version number", body = ErrorBody),
        BodyErrors,
    ),
)]
async fn check_version(
    State(state): State<AppState>,
    caller: Caller,
    segments: Segments,
    params: Params,
    JsonBody(body): JsonBody<SchemaBody>,
) -> ApiResult {
    let target = CheckTarget::Version(segments.version()?);
    check(&state, &caller, &segments, &params, body, target).await
}
