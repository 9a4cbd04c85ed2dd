//! `GET /audit`: the audit trail, newest first, as
//! `{"events": [{"time", "principal", "address", "action", "subject",
//! "version", "id", "outcome", "detail"}]}`.
//!
//! Query: `subject`, `principal`, `since` and `until` (RFC 3339 times, or
//! milliseconds since the Unix epoch; both ends included), `limit` (1 to
//! 1000, 100 by default). Who may read what is decided by the auth layer:
//! `admin` reads everything, `read` on a subject reads that subject's own
//! history (`?subject=` it).

use axum::extract::State;
use serde::Serialize;
use serde_json::Value;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::error::ApiError;
use super::extract::Params;
use super::openapi::{BadQuery, Unavailable};
use super::{ApiResult, AppState, ok};
use crate::audit::{AuditEvent, AuditQuery, DEFAULT_LIMIT, MAX_LIMIT};

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(events))
}

/// `GET /audit`: the audit trail, newest first.
#[utoipa::path(
    get,
    path = "/audit",
    tag = "audit",
    params(
        ("subject" = Option<String>, Query, description = "Only events on this subject"),
        ("principal" = Option<String>, Query, description = "Only events by this principal"),
        ("since" = Option<String>, Query, description = "From this time: RFC 3339 or milliseconds since the epoch"),
        ("until" = Option<String>, Query, description = "Until this time: RFC 3339 or milliseconds since the epoch"),
        ("limit" = Option<u32>, Query, minimum = 1, maximum = 1000, description = "The most events (default 100)"),
    ),
    responses(
        (status = 200, description = "The events", body = AuditView),
        BadQuery,
        Unavailable,
    ),
)]
async fn events(State(state): State<AppState>, params: Params) -> ApiResult {
    let query = audit_query(&params)?;
    let events = state.registry().audit_events(&query).await?;
    Ok(ok(&AuditView {
        events: events.iter().map(EventView::of).collect(),
    }))
}

/// The query's parameters, checked.
fn audit_query(params: &Params) -> Result<AuditQuery, ApiError> {
    let text = |name: &str| params.text(name).filter(|v| !v.is_empty());
    let limit = match text("limit") {
        None => DEFAULT_LIMIT,
        Some(v) => v
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=MAX_LIMIT).contains(n))
            .ok_or_else(|| ApiError::InvalidQuery {
                name: "limit",
                value: v.to_string(),
                expected: "a number of events from 1 to 1000",
            })?,
    };
    Ok(AuditQuery {
        subject: text("subject").map(str::to_string),
        principal: text("principal").map(str::to_string),
        since_ms: text("since").map(|v| instant("since", v)).transpose()?,
        until_ms: text("until").map(|v| instant("until", v)).transpose()?,
        limit,
    })
}

/// A time given as RFC 3339 or as milliseconds since the Unix epoch.
fn instant(name: &'static str, value: &str) -> Result<i64, ApiError> {
    let value = value.trim();
    if let Ok(ms) = value.parse::<i64>() {
        return Ok(ms);
    }
    OffsetDateTime::parse(value, &Rfc3339)
        .map(|t| (t.unix_timestamp_nanos() / 1_000_000) as i64)
        .map_err(|_| ApiError::InvalidQuery {
            name,
            value: value.to_string(),
            expected: "an RFC 3339 time (2026-12-07T08:00:00Z) or milliseconds since the Unix epoch",
        })
}

/// An event's time as RFC 3339 in UTC, to the millisecond.
fn rfc3339(ms: i64) -> String {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_else(|| ms.to_string())
}

/// The audit trail's answer.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = AuditEvents)]
struct AuditView<'a> {
    /// The events, newest first.
    events: Vec<EventView<'a>>,
}

/// One event.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = AuditEvent)]
struct EventView<'a> {
    /// When, RFC 3339 in UTC.
    time: String,
    /// Who (null: an open registry or anonymous).
    principal: Option<&'a str>,
    /// From which address.
    address: Option<&'a str>,
    /// What was attempted (`register`, `set_config`, ...).
    action: &'static str,
    /// On which subject.
    subject: Option<&'a str>,
    /// Which version.
    version: Option<i32>,
    /// Which schema id.
    id: Option<i64>,
    /// `done`, `incompatible` or `forbidden`.
    outcome: &'static str,
    /// The action's own details.
    #[schema(value_type = serde_json::Value)]
    detail: &'a Value,
}

impl<'a> EventView<'a> {
    fn of(event: &'a AuditEvent) -> EventView<'a> {
        EventView {
            time: rfc3339(event.time_ms),
            principal: event.principal.as_deref(),
            address: event.address.as_deref(),
            action: event.action.as_str(),
            subject: event.subject.as_deref(),
            version: event.version.map(|v| v.0),
            id: event.id.map(|i| i.0),
            outcome: event.outcome.as_str(),
            detail: &event.detail,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_read_and_print_as_rfc_3339() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_765_094_400_123), "2025-12-07T08:00:00.123Z");
        assert_eq!(
            instant("since", "2025-12-07T08:00:00.123Z").unwrap(),
            1_765_094_400_123
        );
        assert_eq!(
            instant("since", "1765094400123").unwrap(),
            1_765_094_400_123
        );
        assert!(instant("until", "yesterday").is_err());
    }

    #[test]
    fn the_query_is_checked() {
        let query = audit_query(&Params::parse("subject=a&limit=5&principal=ci")).unwrap();
        assert_eq!(query.subject.as_deref(), Some("a"));
        assert_eq!(query.principal.as_deref(), Some("ci"));
        assert_eq!(query.limit, 5);
        assert_eq!(audit_query(&Params::parse("")).unwrap().limit, 100);
        for bad in ["limit=0", "limit=1001", "limit=x", "since=noon"] {
            assert!(audit_query(&Params::parse(bad)).is_err(), "{bad}");
        }
    }
}
