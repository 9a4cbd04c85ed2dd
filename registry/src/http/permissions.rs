//! `GET /permissions[?subject=S]`: what the caller may do, Charter's own
//! endpoint, so that a client (the web page) shows only the controls its
//! caller may use:
//! `{"principal": "ci" | null, "subject": "S" | null, "permissions": ["read", "write"]}`.
//!
//! With `subject`, the permissions held on it (`admin` included when held);
//! without, only `admin` can be listed. On an open registry (no auth file)
//! every permission is held and `principal` is null. The answer is advice
//! for showing controls: every request is still checked on its own.

use axum::Router;
use axum::routing::get;
use serde::Serialize;

use super::extract::Params;
use super::{ApiResult, AppState, ok};
use crate::auth::{Caller, Permission};

pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/permissions", get(permissions))
}

#[derive(Serialize)]
struct PermissionsView<'a> {
    principal: Option<&'a str>,
    subject: Option<&'a str>,
    permissions: Vec<&'static str>,
}

async fn permissions(caller: Caller, params: Params) -> ApiResult {
    let subject = params.text("subject").filter(|s| !s.is_empty());
    let held = Permission::ALL
        .into_iter()
        .filter(|p| match subject {
            Some(subject) => caller.may(*p, subject),
            None => *p == Permission::Admin && caller.may(*p, ""),
        })
        .map(Permission::as_str)
        .collect();
    Ok(ok(&PermissionsView {
        principal: caller.name(),
        subject,
        permissions: held,
    }))
}
