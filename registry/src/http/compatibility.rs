//! `/compatibility`: would this schema be accepted?
//!
//! Verbose answers carry the peer's `messages` (strings) and Charter's
//! structured `changes` beside them (the breaking ones, each with an
//! `example` document the writer accepts and the reader rejects when one was
//! found), and `other_changes`: those that break no reader the level protects.

use axum::Router;
use axum::extract::State;
use axum::routing::post;
use serde::Serialize;
use serde_json::Value;

use super::auth::require_read;
use super::extract::{JsonBody, Params, Segments};
use super::wire::SchemaBody;
use super::{ApiResult, AppState, ok};
use crate::auth::Caller;
use crate::service::{CheckTarget, CompatibilityOutcome, JudgedChange};

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/compatibility/subjects/{subject}/versions",
            post(check_all),
        )
        .route(
            "/compatibility/subjects/{subject}/versions/{version}",
            post(check_version),
        )
}

#[derive(Serialize)]
struct ChangeView<'a> {
    kind: &'static str,
    path: &'a str,
    breaks: Vec<&'static str>,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    version: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
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

#[derive(Serialize)]
struct CompatibilityView<'a> {
    is_compatible: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    messages: Option<&'a [String]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    changes: Option<Vec<ChangeView<'a>>>,
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
    let schema = body.into_schema()?;
    require_read(caller, schema.referenced_subjects())?;
    let outcome = state
        .registry()
        .check_compatibility(&subject, &schema, target, verbose)
        .await?;
    answer(&outcome, verbose)
}

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
