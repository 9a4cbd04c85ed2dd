//! What the client sends and answers, typed: the commands never see the
//! registry's JSON.

use std::fmt;

use schemas::{CompatibilityMode, Policy, SchemaType};
use serde::Serialize;
use serde_json::Value;

use crate::contract::DataContract;
use crate::values::SchemaReference;

/// A schema to register, look up or check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSchema {
    /// The schema text, as written.
    pub schema: String,
    /// Its format.
    pub schema_type: SchemaType,
    /// What it references.
    pub references: Vec<SchemaReference>,
    /// Its `metadata` and `ruleSet`, sent when given (part of its identity).
    pub contract: DataContract,
}

/// A registered version of a subject.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RegisteredSchema {
    /// The subject.
    pub subject: String,
    /// The version number.
    pub version: i32,
    /// The global schema id.
    pub id: i64,
    /// Its format (`AVRO` when the registry leaves it out).
    #[serde(serialize_with = "type_name")]
    pub schema_type: SchemaType,
    /// What it references.
    pub references: Vec<SchemaReference>,
    /// The schema text as the registry holds it.
    pub schema: String,
    /// Its `metadata`, when it has some.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Value>,
    /// Its `ruleSet`, when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule_set: Option<Value>,
}

impl RegisteredSchema {
    /// Its data contract.
    pub fn contract(&self) -> DataContract {
        DataContract::answered(self.metadata.clone(), self.rule_set.clone())
    }
}

fn type_name<S: serde::Serializer>(t: &SchemaType, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(t.as_str())
}

/// A schema looked up by id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SchemaById {
    /// The id asked for.
    pub id: i64,
    /// Its format.
    #[serde(serialize_with = "type_name")]
    pub schema_type: SchemaType,
    /// What it references.
    pub references: Vec<SchemaReference>,
    /// The schema text.
    pub schema: String,
    /// Its `metadata`, when it has some.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Value>,
    /// Its `ruleSet`, when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule_set: Option<Value>,
}

/// The answer to a registration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Registered {
    /// The global schema id.
    pub id: i64,
    /// The version, when the registry says (Confluent before 7.5 does not).
    pub version: Option<i32>,
}

/// The registry's verdict on a candidate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// Whether registering it would be accepted.
    pub is_compatible: bool,
    /// The registry's `messages` (verbose answers), as it words them: for a
    /// refusal, Confluent's registry and Charter's give one per breaking
    /// change and then context records (the old schema's version, the old
    /// schema quoted, the level).
    pub messages: Vec<String>,
    /// The breaking changes, when the registry answers them structured
    /// beside its messages (Charter's registry does); `None` when it does
    /// not.
    pub changes: Option<Vec<RegistryChange>>,
}

impl Verdict {
    /// The reasons to show a person for a refusal: one line per structured
    /// change when the registry answered any, else its messages as they are
    /// (a registry's words are never parsed).
    pub fn reasons(&self) -> Vec<String> {
        match &self.changes {
            Some(changes) if !changes.is_empty() => {
                changes.iter().map(RegistryChange::to_string).collect()
            }
            _ => self.messages.clone(),
        }
    }
}

/// One breaking change as a registry answers it structured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistryChange {
    /// The kind, by its stable name (`TYPE_CHANGED`).
    pub kind: String,
    /// Where, as a JSON pointer into the schema.
    pub path: String,
    /// What changed and why it breaks.
    pub message: String,
    /// The registered version it breaks against.
    pub version: Option<i32>,
}

impl fmt::Display for RegistryChange {
    /// `KIND at PATH: MESSAGE (against version N)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at {}: {}", self.kind, self.path, self.message)?;
        if let Some(version) = self.version {
            write!(f, " (against version {version})")?;
        }
        Ok(())
    }
}

/// A subject's compatibility settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubjectConfig {
    /// The level.
    pub level: CompatibilityMode,
    /// The policy, when the registry has one (Charter's, Confluent's
    /// `compatibilityPolicy`).
    pub policy: Option<Policy>,
    /// The metadata property whose value splits the subject's versions
    /// into lines judged apart (Confluent's `compatibilityGroup`).
    pub group: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(version: Option<i32>) -> RegistryChange {
        RegistryChange {
            kind: "TYPE_CHANGED".into(),
            path: "#/properties/a".into(),
            message: "type changed from integer to string".into(),
            version,
        }
    }

    #[test]
    fn reasons_are_the_structured_changes_when_there_are_any() {
        let messages = vec!["anything".to_string(), "{context: 'x'}".to_string()];
        let structured = Verdict {
            is_compatible: false,
            messages: messages.clone(),
            changes: Some(vec![change(Some(2)), change(None)]),
        };
        assert_eq!(
            structured.reasons(),
            [
                "TYPE_CHANGED at #/properties/a: type changed from integer to string (against version 2)",
                "TYPE_CHANGED at #/properties/a: type changed from integer to string",
            ]
        );
        // Another registry's words, or a refusal without changes (a schema
        // the registry cannot read), are shown as they are.
        for changes in [None, Some(Vec::new())] {
            let verdict = Verdict {
                is_compatible: false,
                messages: messages.clone(),
                changes,
            };
            assert_eq!(verdict.reasons(), messages);
        }
    }
}

/// Which audit events to ask for (`GET /audit`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    /// Only events about this subject.
    pub subject: Option<String>,
    /// Only events of this principal.
    pub principal: Option<String>,
    /// Only events at or after this time (RFC 3339 or ms since the epoch).
    pub since: Option<String>,
    /// Only events at or before this time.
    pub until: Option<String>,
    /// At most this many.
    pub limit: u32,
}

/// One event of a Charter registry's audit trail.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct AuditEntry {
    /// When (RFC 3339, UTC).
    pub time: String,
    /// Who (`None` on an open registry).
    pub principal: Option<String>,
    /// From which address.
    pub address: Option<String>,
    /// What (`register`, `set_config`, ...).
    pub action: String,
    /// The subject (`None` for the global config and mode).
    pub subject: Option<String>,
    /// The version, for a change to one version.
    pub version: Option<i32>,
    /// The schema id, for a registration or a change to one version.
    pub id: Option<i64>,
    /// `done`, `incompatible` or `forbidden`.
    pub outcome: String,
    /// The rest (old and new settings, versions, why a change was refused).
    pub detail: serde_json::Value,
}

impl fmt::Display for AuditEntry {
    /// One line: time, who (and from where), what, on what, how it ended,
    /// and the detail when there is any.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let who = self.principal.as_deref().unwrap_or("(open registry)");
        write!(f, "{}  {who}", self.time)?;
        if let Some(address) = &self.address {
            write!(f, "@{address}")?;
        }
        write!(f, "  {}", self.action)?;
        match &self.subject {
            Some(subject) => write!(f, "  {subject}")?,
            None => write!(f, "  (global)")?,
        }
        if let Some(version) = self.version {
            write!(f, " v{version}")?;
        }
        if let Some(id) = self.id {
            write!(f, " (id {id})")?;
        }
        write!(f, "  {}", self.outcome)?;
        let empty = self.detail.is_null() || self.detail.as_object().is_some_and(|o| o.is_empty());
        if !empty {
            write!(f, "  {}", self.detail)?;
        }
        Ok(())
    }
}
