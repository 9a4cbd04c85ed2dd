//! `GET /permissions[?subject=S]`: what the caller may do, Charter's own
//! endpoint, so that a client (the web page) shows only the controls its
//! caller may use:
//! `{"principal": "ci" | null, "subject": "S" | null, "permissions": ["read", "write"]}`.
//!
//! With `subject`, the permissions held on it (`admin` included when held);
//! without, only `admin` can be listed. On an open registry (no auth file)
//! every permission is held and `principal` is null. The answer is advice
//! for showing controls: every request is still checked on its own.
//!
//! `GET /grants[?principal=P]`: the grants in force (the auth file's, as
//! last loaded), for administrators: every grant, or those given to one
//! principal by name or through a role the file gives it. How an
//! administrator sees what others may do without reading the file.

use serde::Serialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use axum::extract::State;

use super::extract::Params;
use super::{ApiResult, AppState, ok};
use crate::auth::{Caller, Grant, Grantee, Permission};

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(permissions))
        .routes(routes!(grants))
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

/// One grant: to a principal or a role, permissions on the subjects its
/// globs match.
#[derive(Serialize, utoipa::ToSchema)]
struct GrantView<'a> {
    /// The principal it is given to (absent for a role's grant).
    #[serde(skip_serializing_if = "Option::is_none")]
    principal: Option<&'a str>,
    /// The role it is given to (absent for a principal's grant).
    #[serde(skip_serializing_if = "Option::is_none")]
    role: Option<&'a str>,
    /// Subject globs, as the file writes them.
    subjects: &'a [String],
    /// `read`, `write`, `delete`, `configure`, `admin`.
    permissions: Vec<&'static str>,
}

impl<'a> GrantView<'a> {
    fn of(grant: &'a Grant) -> GrantView<'a> {
        let (principal, role) = match &grant.grantee {
            Grantee::Principal(p) => (Some(p.as_str()), None),
            Grantee::Role(r) => (None, Some(r.as_str())),
        };
        GrantView {
            principal,
            role,
            subjects: grant.subjects.patterns(),
            permissions: grant.permission_names(),
        }
    }
}

/// The grants in force.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = Grants)]
struct GrantsView<'a> {
    /// `on` with an auth file, `off` on an open registry (where anyone may
    /// do anything, and there are no grants).
    authentication: &'static str,
    /// The principal asked about, when one was.
    #[serde(skip_serializing_if = "Option::is_none")]
    principal: Option<&'a str>,
    /// For one principal: whether the auth file defines it (a principal
    /// named only by a certificate or a token is not).
    #[serde(skip_serializing_if = "Option::is_none")]
    defined: Option<bool>,
    /// For one principal: the roles the file gives it (roles a JWT carries
    /// are added per token and are not known here).
    #[serde(skip_serializing_if = "Option::is_none")]
    roles: Option<Vec<String>>,
    /// The grants, in the file's order.
    grants: Vec<GrantView<'a>>,
}

/// `GET /grants`.
#[utoipa::path(
    get,
    path = "/grants",
    tag = "audit",
    params(("principal" = Option<String>, Query, description = "Only the grants given to this principal, by name or through its roles")),
    responses((status = 200, description = "The grants in force", body = GrantsView)),
)]
async fn grants(State(state): State<AppState>, params: Params) -> ApiResult {
    let principal = params.text("principal").filter(|p| !p.is_empty());
    let Some(policy) = state.auth().policy() else {
        return Ok(ok(&GrantsView {
            authentication: "off",
            principal,
            defined: None,
            roles: None,
            grants: Vec::new(),
        }));
    };
    let found = policy.grants_of(principal);
    Ok(ok(&GrantsView {
        authentication: "on",
        principal,
        defined: found.defined,
        roles: found.defined.map(|_| found.roles),
        grants: found.grants.into_iter().map(GrantView::of).collect(),
    }))
}
