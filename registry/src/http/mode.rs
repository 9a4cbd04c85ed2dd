//! `/mode`: READWRITE, READONLY or IMPORT, globally and per subject.

use axum::Router;
use axum::extract::State;
use axum::routing::get;
use serde::{Deserialize, Serialize};

use super::error::ApiError;
use super::extract::{JsonBody, Params, Segments};
use super::{ApiResult, AppState, ok};
use crate::model::{InvalidMode, Mode, Scope};
use crate::service::Error;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/mode",
            get(get_global).put(put_global).delete(delete_global),
        )
        .route(
            "/mode/{subject}",
            get(get_subject).put(put_subject).delete(delete_subject),
        )
}

/// `ModeUpdateRequest`.
#[derive(Debug, Deserialize)]
struct ModeBody {
    mode: Option<String>,
}

/// `{"mode": ...}`, or `{}` when there is none.
#[derive(Debug, Serialize)]
struct ModeView {
    #[serde(skip_serializing_if = "Option::is_none")]
    mode: Option<&'static str>,
}

fn view(mode: Option<Mode>) -> ModeView {
    ModeView {
        mode: mode.map(Mode::as_str),
    }
}

fn subject_scope(segments: &Segments) -> Result<Scope, ApiError> {
    Ok(Scope::Subject(segments.subject()?))
}

async fn get_mode(state: &AppState, scope: Scope, params: &Params) -> ApiResult {
    let mode = state
        .registry()
        .mode(&scope, params.flag("defaultToGlobal")?)
        .await?;
    Ok(ok(&view(Some(mode))))
}

async fn put_mode(state: &AppState, scope: Scope, params: &Params, body: ModeBody) -> ApiResult {
    let requested = body
        .mode
        .ok_or_else(|| Error::InvalidMode(InvalidMode("(missing `mode` field)".to_string())))?;
    let mode = state
        .registry()
        .set_mode(&scope, &requested, params.flag("force")?)
        .await?;
    Ok(ok(&view(Some(mode))))
}

async fn delete_mode(state: &AppState, scope: Scope, params: &Params) -> ApiResult {
    let previous = state
        .registry()
        .delete_mode(&scope, params.flag("recursive")?)
        .await?;
    Ok(ok(&view(previous)))
}

async fn get_global(State(state): State<AppState>, params: Params) -> ApiResult {
    get_mode(&state, Scope::Global, &params).await
}

async fn put_global(
    State(state): State<AppState>,
    params: Params,
    JsonBody(body): JsonBody<ModeBody>,
) -> ApiResult {
    put_mode(&state, Scope::Global, &params, body).await
}

async fn delete_global(State(state): State<AppState>, params: Params) -> ApiResult {
    delete_mode(&state, Scope::Global, &params).await
}

async fn get_subject(
    State(state): State<AppState>,
    segments: Segments,
    params: Params,
) -> ApiResult {
    get_mode(&state, subject_scope(&segments)?, &params).await
}

async fn put_subject(
    State(state): State<AppState>,
    segments: Segments,
    params: Params,
    JsonBody(body): JsonBody<ModeBody>,
) -> ApiResult {
    put_mode(&state, subject_scope(&segments)?, &params, body).await
}

async fn delete_subject(
    State(state): State<AppState>,
    segments: Segments,
    params: Params,
) -> ApiResult {
    delete_mode(&state, subject_scope(&segments)?, &params).await
}
