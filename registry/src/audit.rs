//! The audit trail's vocabulary: who changed what, when, from which address,
//! and how it ended.
//!
//! The service builds an [`AuditEvent`] for every change and hands it to the
//! store *with* the change: the store writes both in one transaction, so no
//! change is without its record and no record tells of a change that did not
//! happen. Refusals (by compatibility, by permission) change nothing and are
//! written on their own. Each event is also logged once, after it is stored,
//! as one structured line under the target [`LOG_TARGET`], so a log shipper
//! can pick the trail out of the rest.
//!
//! An event never holds a secret (credentials are not part of it) or a
//! payload (schema text and triage messages are not recorded; `detail` holds
//! settings, version lists and compatibility messages).

use std::fmt;
use std::str::FromStr;

use serde_json::Value;

use crate::model::{SchemaId, Version};

/// The log target audit events are written under.
pub const LOG_TARGET: &str = "charter::audit";

/// How many events `GET /audit` answers when no `limit` is given.
pub const DEFAULT_LIMIT: u32 = 100;

/// The most events one `GET /audit` answers.
pub const MAX_LIMIT: u32 = 1000;

/// Who asked for a change.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Actor {
    /// The principal's name; `None` on an open registry (no auth file).
    pub principal: Option<String>,
    /// The client's address (the TCP peer), when known.
    pub address: Option<String>,
}

/// What a change does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// A new version of a subject.
    Register,
    /// A version with its id given, in IMPORT mode.
    Import,
    /// A version soft-deleted.
    SoftDeleteVersion,
    /// A version deleted for good.
    DeleteVersion,
    /// Every version of a subject soft-deleted.
    SoftDeleteSubject,
    /// A subject deleted for good.
    DeleteSubject,
    /// A config set (global or a subject's).
    SetConfig,
    /// A config removed.
    DeleteConfig,
    /// A mode set.
    SetMode,
    /// A mode removed.
    DeleteMode,
    /// The auth file re-read (SIGHUP): principals and grants replaced.
    ReloadAuthFile,
    /// A consumer's reader of a subject recorded (or replaced).
    RecordConsumer,
    /// A consumer's reader of a subject forgotten.
    ForgetConsumer,
    /// A version of a subject recorded as running in an environment.
    RecordDeployment,
    /// From which version on an environment's data of a subject is read.
    SetRetention,
    /// An empty context removed from the list of contexts.
    DeleteContext,
    /// Associations of a resource created or changed.
    SetAssociations,
    /// Associations of a resource deleted.
    DeleteAssociations,
}

impl Action {
    /// Every action.
    pub const ALL: [Action; 18] = [
        Action::Register,
        Action::Import,
        Action::SoftDeleteVersion,
        Action::DeleteVersion,
        Action::SoftDeleteSubject,
        Action::DeleteSubject,
        Action::SetConfig,
        Action::DeleteConfig,
        Action::SetMode,
        Action::DeleteMode,
        Action::ReloadAuthFile,
        Action::RecordConsumer,
        Action::ForgetConsumer,
        Action::RecordDeployment,
        Action::SetRetention,
        Action::DeleteContext,
        Action::SetAssociations,
        Action::DeleteAssociations,
    ];

    /// Its name in the store, the log and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Register => "register",
            Action::Import => "import",
            Action::SoftDeleteVersion => "soft_delete_version",
            Action::DeleteVersion => "delete_version",
            Action::SoftDeleteSubject => "soft_delete_subject",
            Action::DeleteSubject => "delete_subject",
            Action::SetConfig => "set_config",
            Action::DeleteConfig => "delete_config",
            Action::SetMode => "set_mode",
            Action::DeleteMode => "delete_mode",
            Action::ReloadAuthFile => "reload_auth_file",
            Action::RecordConsumer => "record_consumer",
            Action::ForgetConsumer => "forget_consumer",
            Action::RecordDeployment => "record_deployment",
            Action::SetRetention => "set_retention",
            Action::DeleteContext => "delete_context",
            Action::SetAssociations => "set_associations",
            Action::DeleteAssociations => "delete_associations",
        }
    }
}

/// How an attempted change ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// It was made (committed with this record).
    Done,
    /// Refused: the schema is incompatible under the subject's config.
    Incompatible,
    /// Refused: the principal lacks the permission.
    Forbidden,
}

impl Outcome {
    /// Its name in the store, the log and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Done => "done",
            Outcome::Incompatible => "incompatible",
            Outcome::Forbidden => "forbidden",
        }
    }
}

/// A name the store holds that is no action or outcome.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown audit name `{0}`")]
pub struct UnknownName(pub String);

impl FromStr for Action {
    type Err = UnknownName;

    fn from_str(s: &str) -> Result<Action, UnknownName> {
        Action::ALL
            .into_iter()
            .find(|a| a.as_str() == s)
            .ok_or_else(|| UnknownName(s.to_string()))
    }
}

impl FromStr for Outcome {
    type Err = UnknownName;

    fn from_str(s: &str) -> Result<Outcome, UnknownName> {
        [Outcome::Done, Outcome::Incompatible, Outcome::Forbidden]
            .into_iter()
            .find(|o| o.as_str() == s)
            .ok_or_else(|| UnknownName(s.to_string()))
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One entry of the audit trail.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEvent {
    /// When, in milliseconds since the Unix epoch.
    pub time_ms: i64,
    /// Who (`None` on an open registry, and for what no request asked: an
    /// auth file reload).
    pub principal: Option<String>,
    /// From which address.
    pub address: Option<String>,
    /// What.
    pub action: Action,
    /// The subject changed (`None` for the global config and mode).
    pub subject: Option<String>,
    /// The version, for a change to one version.
    pub version: Option<Version>,
    /// The schema id, for a registration (filled in by the store, which
    /// draws it) or a change to one version.
    pub id: Option<SchemaId>,
    /// How it ended.
    pub outcome: Outcome,
    /// The rest, as a JSON object: old and new settings, the versions a
    /// subject delete removed, why a change was refused.
    pub detail: Value,
}

impl AuditEvent {
    /// An event of `actor` doing `action` on `subject` now, done, with no
    /// detail yet.
    pub fn new(actor: &Actor, action: Action, subject: Option<&str>) -> AuditEvent {
        AuditEvent {
            time_ms: now_ms(),
            principal: actor.principal.clone(),
            address: actor.address.clone(),
            action,
            subject: subject.map(str::to_string),
            version: None,
            id: None,
            outcome: Outcome::Done,
            detail: Value::Object(Default::default()),
        }
    }

    /// Sets `detail[key]`.
    pub fn with(mut self, key: &str, value: Value) -> AuditEvent {
        if let Value::Object(map) = &mut self.detail {
            map.insert(key.to_string(), value);
        }
        self
    }

    /// Writes the event to the log, under [`LOG_TARGET`].
    pub fn log(&self) {
        tracing::info!(
            target: LOG_TARGET,
            time_ms = self.time_ms,
            principal = self.principal.as_deref(),
            address = self.address.as_deref(),
            action = self.action.as_str(),
            subject = self.subject.as_deref(),
            version = self.version.map(|v| v.0),
            id = self.id.map(|i| i.0),
            outcome = self.outcome.as_str(),
            detail = %self.detail,
            "audit"
        );
    }
}

/// Which events to read; the store answers them newest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditQuery {
    /// Only events about this subject.
    pub subject: Option<String>,
    /// Only events of this principal.
    pub principal: Option<String>,
    /// Only events at or after this time (ms since the epoch).
    pub since_ms: Option<i64>,
    /// Only events at or before this time (ms since the epoch).
    pub until_ms: Option<i64>,
    /// At most this many (1 to [`MAX_LIMIT`]).
    pub limit: u32,
}

impl Default for AuditQuery {
    fn default() -> AuditQuery {
        AuditQuery {
            subject: None,
            principal: None,
            since_ms: None,
            until_ms: None,
            limit: DEFAULT_LIMIT,
        }
    }
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for action in Action::ALL {
            assert_eq!(action.as_str().parse::<Action>(), Ok(action));
        }
        for outcome in [Outcome::Done, Outcome::Incompatible, Outcome::Forbidden] {
            assert_eq!(outcome.as_str().parse::<Outcome>(), Ok(outcome));
        }
        assert!("drop_table".parse::<Action>().is_err());
    }

    #[test]
    fn detail_is_an_object_of_what_was_added() {
        let actor = Actor {
            principal: Some("ci".into()),
            address: None,
        };
        let event = AuditEvent::new(&actor, Action::SetMode, None)
            .with("old", "READWRITE".into())
            .with("new", "IMPORT".into());
        assert_eq!(
            event.detail.to_string(),
            r#"{"old":"READWRITE","new":"IMPORT"}"#
        );
        assert_eq!(event.principal.as_deref(), Some("ci"));
        assert_eq!(event.outcome, Outcome::Done);
    }
}
