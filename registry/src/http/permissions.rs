//! `GET /permissions[?subject=S]`: what the caller may do, Charter's own
//! endpoint, so that a client (the web page) shows only the controls its
//! caller may use:
//! `{"principal": "ci" | null, "subject": "S" | null, "permissions": ["read", "write"]}`.
//!
//! With `subject`, the permissions held on it (`admin` included when held);
//! without, only `admin` can be listed. On an open registry (no auth file)
//! every permission is held and `principal` is null. The answer is advice
//! for showing controls: every request is still checked on its own.

use serde::Serialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::Params;
use super::{ApiResult, AppState, ok};
use crate::auth::{Caller, Permission};

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(permissions))
}

/// What the caller may do.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = Permissions)]
struct PermissionsView<'a> {
    /// Who is asking (null: an open registry or anonymous).
    principal: Option<&'a str>,
    /// The subject asked about.
    subject: Option<&'a str>,
    /// The permissions held: `read`, `write`, `delete`, `configure`, `admin`.
    permissions: Vec<&'static str>,
}

/// `GET /permissions`.
#[utoipa::path(
    get,
    path = "/permissions",
    tag = "audit",
    params(("subject" = Option<String>, Query, description = "The permissions held on this subject")),
    responses((status = 200, description = "The permissions held", body = PermissionsView)),
)]
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
