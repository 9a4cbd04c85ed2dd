//! `/mode`: READWRITE, READONLY or IMPORT, globally and per subject, and
//! FORWARD at the global context (`/mode/:.__GLOBAL:`).

use axum::extract::State;
use serde::{Deserialize, Serialize};

use super::auth::{forbidden, refusal};
use super::error::ErrorBody;
use super::extract::{JsonBody, Params, Segments};
use super::openapi::{BadQuery, BodyErrors, SubjectPath, Unavailable};
use super::{ApiResult, AppState, ok};
use crate::audit::Action;
use crate::auth::{Caller, Permission};
use crate::model::{InvalidMode, Mode, Scope};
use crate::service::Error;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_global, put_global, delete_global))
        .routes(routes!(get_subject, put_subject, delete_subject))
}

/// `ModeUpdateRequest`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[schema(as = ModeUpdate, example = json!({"mode": "READWRITE"}))]
struct ModeBody {
    /// `READWRITE`, `READONLY`, `READONLY_OVERRIDE`, `IMPORT` or `FORWARD`.
    mode: Option<String>,
}

/// `{"mode": ...}`, or `{}` when there is none.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = Mode)]
struct ModeView {
    /// The mode.
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

/// `GET /mode`.
#[utoipa::path(
    get,
    path = "/mode",
    tag = "mode",
    params(("defaultToGlobal" = Option<bool>, Query, description = "Answer the global mode when the subject has none")),
    responses(
        (status = 200, description = "The global mode", body = ModeView),
        BadQuery,
        Unavailable,
    ),
)]
async fn get_global(State(state): State<AppState>, params: Params) -> ApiResult {
    get_mode(&state, Scope::Global, &params).await
}

/// `PUT /mode`.
#[utoipa::path(
    put,
    path = "/mode",
    tag = "mode",
    params(("force" = Option<bool>, Query, description = "IMPORT even where schemas exist")),
    request_body = ModeBody,
    responses(
        (status = 200, description = "The new mode", body = ModeView),
        (status = 422, description = "42204: an invalid mode; 42205: IMPORT where schemas exist (without `force`)", body = ErrorBody),
        BodyErrors,
    ),
)]
async fn put_global(
    State(state): State<AppState>,
    caller: Caller,
    params: Params,
    JsonBody(body): JsonBody<ModeBody>,
) -> ApiResult {
    put_mode(&state, &caller, Scope::Global, &params, body).await
}

/// `DELETE /mode`.
#[utoipa::path(
    delete,
    path = "/mode",
    tag = "mode",
    params(("recursive" = Option<bool>, Query, description = "Also the subjects under a context")),
    responses(
        (status = 200, description = "The mode before", body = ModeView),
        BadQuery,
        Unavailable,
    ),
)]
async fn delete_global(State(state): State<AppState>, caller: Caller, params: Params) -> ApiResult {
    delete_mode(&state, &caller, Scope::Global, &params).await
}

/// `GET /mode/{subject}`.
#[utoipa::path(
    get,
    path = "/mode/{subject}",
    tag = "mode",
    params(SubjectPath, ("defaultToGlobal" = Option<bool>, Query, description = "Answer the global mode when the subject has none")),
    responses(
        (status = 200, description = "The subject's mode", body = ModeView),
        (status = 404, description = "40409: the subject has no mode", body = ErrorBody),
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
    get_mode(&state, segments.settings_scope()?, &params).await
}

/// `PUT /mode/{subject}`.
#[utoipa::path(
    put,
    path = "/mode/{subject}",
    tag = "mode",
    params(SubjectPath, ("force" = Option<bool>, Query, description = "IMPORT even where schemas exist")),
    request_body = ModeBody,
    responses(
        (status = 200, description = "The new mode", body = ModeView),
        (status = 422, description = "42204: an invalid mode; 42205: IMPORT where schemas exist; 42208: invalid subject name", body = ErrorBody),
        BodyErrors,
    ),
)]
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

/// `DELETE /mode/{subject}`.
#[utoipa::path(
    delete,
    path = "/mode/{subject}",
    tag = "mode",
    params(SubjectPath, ("recursive" = Option<bool>, Query, description = "Also the subjects under a context")),
    responses(
        (status = 200, description = "The mode before", body = ModeView),
        (status = 404, description = "40401: no such subject; 40409: the subject has no mode", body = ErrorBody),
        (status = 422, description = "42208: invalid subject name", body = ErrorBody),
        BadQuery,
        Unavailable,
    ),
)]
async fn delete_subject(
    State(state): State<AppState>,
    caller: Caller,
    segments: Segments,
    params: Params,
) -> ApiResult {
    delete_mode(&state, &caller, segments.settings_scope()?, &params).await
}
