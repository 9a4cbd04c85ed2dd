//! What an allowed request of the permission matrix does first, as the
//! administrator, so that it can succeed (see the crate root).

use serde_json::json;

use super::common::{self, Server};
use super::schema;

/// What an allowed request does first, as the administrator, so that it
/// can succeed.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Prepare {
    None,
    /// Register a version in the subject.
    Register,
    /// Register a version and soft-delete it.
    SoftDeleted,
    /// Set the subject's compatibility.
    Config,
    /// Set the subject's mode.
    Mode,
    /// Register a version and record consumer `billing` reading it in `prod`.
    Reader,
    /// Register a version and record it as deployed to `prod`.
    Deployed,
    /// Register a version and associate a resource with it.
    Associated,
}

pub(crate) async fn prepare(server: &Server, admin: &str, subject: &str, prepare: Prepare) {
    let ok = |answer: common::Answer, what: &str| {
        assert_eq!(
            answer.status, 200,
            "preparing {what} on {subject}: {}",
            answer.text
        );
    };
    let admin = Some(admin);
    match prepare {
        Prepare::None => {}
        Prepare::Register | Prepare::SoftDeleted => {
            let path = format!("/subjects/{subject}/versions");
            ok(
                server.call_as(admin, "POST", &path, Some(&schema(9))).await,
                "register",
            );
            if let Prepare::SoftDeleted = prepare {
                let path = format!("/subjects/{subject}/versions/1");
                ok(
                    server.call_as(admin, "DELETE", &path, None).await,
                    "soft delete",
                );
            }
        }
        Prepare::Config => {
            let body = json!({"compatibility": "NONE"});
            let path = format!("/config/{subject}");
            ok(
                server.call_as(admin, "PUT", &path, Some(&body)).await,
                "config",
            );
        }
        Prepare::Mode => {
            let body = json!({"mode": "READWRITE"});
            let path = format!("/mode/{subject}");
            ok(
                server.call_as(admin, "PUT", &path, Some(&body)).await,
                "mode",
            );
        }
        Prepare::Reader | Prepare::Deployed | Prepare::Associated => {
            let path = format!("/subjects/{subject}/versions");
            ok(
                server.call_as(admin, "POST", &path, Some(&schema(9))).await,
                "register",
            );
            let (method, path, body) = match prepare {
                Prepare::Reader => (
                    "PUT",
                    format!("/consumers/billing/subjects/{subject}"),
                    json!({"environment": "prod", "version": 1}),
                ),
                Prepare::Deployed => (
                    "PUT",
                    format!("/deployments/prod/subjects/{subject}"),
                    json!({"version": 1}),
                ),
                _ => (
                    "POST",
                    "/associations".to_string(),
                    json!({"resourceName": subject, "resourceNamespace": "lkc",
                           "resourceId": subject, "associations": [{"subject": subject}]}),
                ),
            };
            ok(
                server.call_as(admin, method, &path, Some(&body)).await,
                "record",
            );
        }
    }
}
