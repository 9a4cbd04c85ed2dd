//! `/mode`: READWRITE, READONLY or IMPORT, globally and per subject, and
//! FORWARD at the global context (`/mode/:.__GLOBAL:`).

use axum::Router;
use axum::extract::State;
use axum::routing::get;
use serde::{Deserialize, Serialize};

use super::auth::{forbidden, refusal};
use super::extract::{JsonBody, Params, Segments};
use super::{ApiResult, AppState, ok};
use crate::audit::Action;
use crate::auth::{Caller, Permission};
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

async fn get_mode(state: &AppState, scope: Scope, params: &Params) -> ApiResult {
    let mode = state
        .registry()
        .mode(&scope, params.flag("defaultToGlobal")?)
        .await?;
    Ok(ok(&view(Some(mode))))
}

async fn put_mode(
    state: &AppState,
    caller: &Caller,
    scope: Scope,
    params: &Params,
    body: ModeBody,
) -> ApiResult {
    let requested = body
        .mode
        .ok_or_else(|| Error::InvalidMode(InvalidMode("(missing `mode` field)".to_string())))?;
    // IMPORT and FORWARD let ids be chosen by clients: an administrator's
    // decision even for one subject.
    if requested.parse::<Mode>().is_ok_and(Mode::imports) && !caller.may(Permission::Admin, "") {
        let subject = match &scope {
            Scope::Global => None,
            Scope::Subject(s) => Some(s.as_str()),
        };
        let refusal = refusal(caller, Action::SetMode, subject)
            .with("new", requested.trim().to_ascii_uppercase().into());
        state.registry().record_event(&refusal).await?;
        return Err(forbidden(
            caller,
            "`admin`, which IMPORT and FORWARD modes need",
        ));
    }
    let mode = state
        .registry()
        .set_mode(&scope, &requested, params.flag("force")?, &caller.actor())
        .await?;
    Ok(ok(&view(Some(mode))))
}

async fn delete_mode(
    state: &AppState,
    caller: &Caller,
    scope: Scope,
    params: &Params,
) -> ApiResult {
    let previous = state
        .registry()
        .delete_mode(&scope, params.flag("recursive")?, &caller.actor())
        .await?;
    Ok(ok(&view(previous)))
}

async fn get_global(State(state): State<AppState>, params: Params) -> ApiResult {
    get_mode(&state, Scope::Global, &params).await
}

async fn put_global(
    State(state): State<AppState>,
    caller: Caller,
    params: Params,
    JsonBody(body): JsonBody<ModeBody>,
) -> ApiResult {
    put_mode(&state, &caller, Scope::Global, &params, body).await
}

async fn delete_global(State(state): State<AppState>, caller: Caller, params: Params) -> ApiResult {
    delete_mode(&state, &caller, Scope::Global, &params).await
}

async fn get_subject(
    State(state): State<AppState>,
    segments: Segments,
    params: Params,
) -> ApiResult {
    get_mode(&state, segments.settings_scope()?, &params).await
}

async fn put_subject(
    State(state): State<AppState>,
    caller: Caller,
    segments: Segments,
    params: Params,
    JsonBody(body): JsonBody<ModeBody>,
) -> ApiResult {
    let scope = segments.settings_scope()?;
    put_mode(&state, &caller, scope, &params, body).await
}

async fn delete_subject(
    State(state): State<AppState>,
    caller: Caller,
    segments: Segments,
    params: Params,
) -> ApiResult {
    delete_mode(&state, &caller, segments.settings_scope()?, &params).await
}
