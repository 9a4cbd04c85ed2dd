//! The Confluent JSON the client sends and reads, and its mapping to the
//! typed answers. Lenient where registries differ (a missing `schemaType`
//! is Avro, `compatibility` may stand for `compatibilityLevel`), strict
//! where a command relies on a field.

use schemas::SchemaType;
use serde::Deserialize;
use serde_json::{Value, json};

use super::answers::{NewSchema, RegisteredSchema, RegistryChange, SubjectConfig, Verdict};
use crate::values::SchemaReference;

/// Why an answer is not what the API documents (the client adds which
/// registry and which call).
pub(super) type Unreadable = String;

impl NewSchema {
    /// The request body of a registration, lookup or check.
    pub(super) fn body(&self) -> Value {
        let mut body = json!({
            "schema": self.schema,
            "schemaType": self.schema_type.as_str(),
            "references": self.references,
        });
        if let Some(metadata) = &self.contract.metadata {
            body["metadata"] = metadata.clone();
        }
        if let Some(rule_set) = &self.contract.rule_set {
            body["ruleSet"] = rule_set.clone();
        }
        body
    }
}

/// `Schema` and `SchemaString` as answered.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct WireSchema {
    subject: Option<String>,
    version: Option<i32>,
    id: Option<i64>,
    schema_type: Option<String>,
    #[serde(default)]
    pub(super) references: Vec<SchemaReference>,
    pub(super) schema: String,
    pub(super) metadata: Option<Value>,
    pub(super) rule_set: Option<Value>,
}

impl WireSchema {
    /// The format; `AVRO` when the registry leaves it out.
    pub(super) fn schema_type(&self) -> Result<SchemaType, Unreadable> {
        match self.schema_type.as_deref() {
            None => Ok(SchemaType::Avro),
            Some(name) => name.parse().map_err(|e| format!("{e}")),
        }
    }

    /// A version of `subject` (the answer's own subject when it names one).
    pub(super) fn registered(self, subject: &str) -> Result<RegisteredSchema, Unreadable> {
        let missing = |field: &str| format!("missing `{field}`");
        Ok(RegisteredSchema {
            schema_type: self.schema_type()?,
            subject: self.subject.unwrap_or_else(|| subject.to_string()),
            version: self.version.ok_or_else(|| missing("version"))?,
            id: self.id.ok_or_else(|| missing("id"))?,
            references: self.references,
            schema: self.schema,
            metadata: self.metadata.filter(|v| !v.is_null()),
            rule_set: self.rule_set.filter(|v| !v.is_null()),
        })
    }
}

/// `Config` as `GET /config` answers it.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct WireConfig {
    compatibility_level: Option<String>,
    compatibility: Option<String>,
    compatibility_policy: Option<String>,
    compatibility_group: Option<String>,
}

impl WireConfig {
    pub(super) fn config(self) -> Result<SubjectConfig, Unreadable> {
        let level = self
            .compatibility_level
            .or(self.compatibility)
            .ok_or_else(|| "missing `compatibilityLevel`".to_string())?;
        Ok(SubjectConfig {
            level: level.parse().map_err(|e| format!("{e}"))?,
            // A policy Charter does not know (Confluent's LOGICAL) judges as
            // strict does for JSON Schema.
            policy: self.compatibility_policy.and_then(|p| p.parse().ok()),
            group: self.compatibility_group.filter(|g| !g.is_empty()),
        })
    }
}

/// The answer of `POST /compatibility/...?verbose=true`: the peer's
/// `messages`, and Charter's structured `changes` beside them when the
/// registry is Charter's.
#[derive(Deserialize)]
pub(super) struct WireVerdict {
    is_compatible: bool,
    #[serde(default)]
    messages: Vec<Value>,
    #[serde(default)]
    changes: Option<Vec<WireChange>>,
}

/// One of Charter's structured changes (`registry/src/http/compatibility.rs`).
#[derive(Deserialize)]
struct WireChange {
    kind: String,
    path: String,
    message: String,
    #[serde(default)]
    version: Option<i32>,
}

impl From<WireVerdict> for Verdict {
    fn from(wire: WireVerdict) -> Verdict {
        Verdict {
            is_compatible: wire.is_compatible,
            messages: wire
                .messages
                .into_iter()
                .map(|m| match m {
                    Value::String(s) => s,
                    other => other.to_string(),
                })
                .collect(),
            changes: wire.changes.map(|changes| {
                changes
                    .into_iter()
                    .map(|c| RegistryChange {
                        kind: c.kind,
                        path: c.path,
                        message: c.message,
                        version: c.version,
                    })
                    .collect()
            }),
        }
    }
}

/// The API's error object: `error_code` and `message`, when the body is one.
pub(super) fn error_body(text: &str) -> Option<(Option<i64>, String)> {
    #[derive(Deserialize)]
    struct Body {
        error_code: Option<i64>,
        message: Option<String>,
    }
    let body = serde_json::from_str::<Body>(text).ok()?;
    (body.error_code.is_some() || body.message.is_some())
        .then(|| (body.error_code, body.message.unwrap_or_default()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verdict(body: &str) -> Verdict {
        serde_json::from_str::<WireVerdict>(body).unwrap().into()
    }

    #[test]
    fn structured_changes_are_read_when_the_registry_answers_them() {
        let charter = verdict(
            r##"{"is_compatible": false,
                "messages": ["TYPE_CHANGED at #/a: x (against version 1)", "{oldSchemaVersion: 1}"],
                "changes": [{"kind": "TYPE_CHANGED", "path": "#/a", "breaks": ["backward"],
                             "message": "x", "version": 1}]}"##,
        );
        assert_eq!(
            charter.changes,
            Some(vec![RegistryChange {
                kind: "TYPE_CHANGED".into(),
                path: "#/a".into(),
                message: "x".into(),
                version: Some(1),
            }])
        );
        assert_eq!(charter.messages.len(), 2);
        let confluent = verdict(
            r#"{"is_compatible": false, "messages": ["{errorType:'TYPE_MISMATCH'}", {"odd": 1}]}"#,
        );
        assert_eq!(confluent.changes, None);
        assert_eq!(
            confluent.messages,
            ["{errorType:'TYPE_MISMATCH'}", r#"{"odd":1}"#]
        );
    }

    #[test]
    fn error_bodies_are_the_apis_object_or_nothing() {
        assert_eq!(
            error_body(r#"{"error_code": 40401, "message": "Subject 'x' not found."}"#),
            Some((Some(40401), "Subject 'x' not found.".to_string()))
        );
        assert_eq!(error_body("<html>bad gateway</html>"), None);
        assert_eq!(error_body("{}"), None);
    }
}
