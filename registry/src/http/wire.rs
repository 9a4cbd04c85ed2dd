//! The Confluent wire shapes shared by several resources, and their mapping
//! from and to domain types (by hand, field by field).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::model::{ConfigRecord, Reference, StoredSchema};
use crate::service::{Error, InvalidSchema, ReferenceRequest, SchemaRequest, SubjectVersion};

/// `RegisterSchemaRequest`: the body of register, lookup and compatibility.
/// Unknown fields are ignored, as the peer ignores unknown properties;
/// `metadata` and `ruleSet`, which the peer makes part of a schema's
/// identity, are refused when set rather than silently dropped.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SchemaBody {
    schema: Option<String>,
    schema_type: Option<String>,
    references: Option<Vec<ReferenceBody>>,
    version: Option<i64>,
    id: Option<i64>,
    metadata: Option<Value>,
    #[serde(alias = "ruleset")]
    rule_set: Option<Value>,
}

/// One element of `references`.
#[derive(Debug, Default, Deserialize)]
pub struct ReferenceBody {
    name: Option<String>,
    subject: Option<String>,
    version: Option<i64>,
}

/// Whether a JSON value carries something: not null, not an empty object.
fn is_set(value: &Option<Value>) -> bool {
    match value {
        None | Some(Value::Null) => false,
        Some(Value::Object(map)) => !map.is_empty(),
        Some(_) => true,
    }
}

impl SchemaBody {
    /// The request the service takes, or 42201 for a part Charter does not
    /// implement.
    pub fn into_request(self) -> Result<SchemaRequest, Error> {
        for (field, value) in [("metadata", &self.metadata), ("ruleSet", &self.rule_set)] {
            if is_set(value) {
                return Err(InvalidSchema::Unsupported(field).into());
            }
        }
        Ok(SchemaRequest {
            schema: self.schema.unwrap_or_default(),
            schema_type: self.schema_type,
            references: self
                .references
                .unwrap_or_default()
                .into_iter()
                .map(|r| ReferenceRequest {
                    name: r.name,
                    subject: r.subject,
                    version: r.version,
                })
                .collect(),
            version: self.version,
            id: self.id,
        })
    }
}

/// A reference as answered.
#[derive(Debug, Serialize)]
pub struct ReferenceView<'a> {
    name: &'a str,
    subject: &'a str,
    version: i32,
}

/// The references of a schema as answered.
pub fn references(refs: &[Reference]) -> Vec<ReferenceView<'_>> {
    refs.iter()
        .map(|r| ReferenceView {
            name: &r.name,
            subject: &r.subject,
            version: r.version.0,
        })
        .collect()
}

/// `Schema`: a subject version with its schema. Also the registration
/// answer, which leaves `subject` out.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SchemaView<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    subject: Option<&'a str>,
    version: i32,
    id: i64,
    schema_type: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    references: Vec<ReferenceView<'a>>,
    schema: &'a str,
    ts: i64,
    deleted: bool,
}

/// Whether the answer names its subject.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WithSubject {
    /// `GET /subjects/{s}/versions/{v}`, lookup, `GET /schemas`.
    Yes,
    /// The registration answer.
    No,
}

impl<'a> SchemaView<'a> {
    /// The view of a subject version, with its schema as `text` (the stored
    /// text, or another `format` of it).
    pub fn of(
        found: &'a SubjectVersion,
        with_subject: WithSubject,
        text: &'a str,
    ) -> SchemaView<'a> {
        let record = &found.schema.record;
        SchemaView {
            subject: (with_subject == WithSubject::Yes).then_some(found.record.subject.as_str()),
            version: found.record.version.0,
            id: found.record.schema_id.0,
            schema_type: record.schema_type.as_str(),
            references: references(&record.references),
            schema: text,
            ts: found.record.registered_at_ms,
            deleted: found.record.deleted,
        }
    }
}

/// `SchemaString`: a schema by id.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SchemaStringView<'a> {
    schema: &'a str,
    schema_type: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    references: Vec<ReferenceView<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_id: Option<i64>,
}

impl<'a> SchemaStringView<'a> {
    /// The view of a stored schema with its schema as `text`, without the
    /// optional fields.
    pub fn of(record: &'a StoredSchema, text: &'a str) -> SchemaStringView<'a> {
        SchemaStringView {
            schema: text,
            schema_type: record.schema_type.as_str(),
            references: references(&record.references),
            subject: None,
            version: None,
            max_id: None,
        }
    }
}

/// `Config` as `GET` answers it (`compatibilityLevel`), or as `PUT` echoes
/// it (`compatibility`).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConfigView {
    #[serde(skip_serializing_if = "Option::is_none")]
    compatibility_level: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    compatibility: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    compatibility_policy: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    normalize: Option<bool>,
}

/// Which spelling a config answer uses for the level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LevelKey {
    /// `compatibilityLevel`, as `GET` and `DELETE` answer.
    Level,
    /// `compatibility`, as `PUT` echoes.
    Update,
}

impl ConfigView {
    /// The view of a config record.
    pub fn of(config: ConfigRecord, key: LevelKey) -> ConfigView {
        let level = config.compatibility.map(|c| c.as_str());
        ConfigView {
            compatibility_level: if key == LevelKey::Level { level } else { None },
            compatibility: if key == LevelKey::Update { level } else { None },
            compatibility_policy: config.policy.map(|p| match p {
                schemas::Policy::Strict => "STRICT",
                schemas::Policy::Lenient => "LENIENT",
            }),
            normalize: config.normalize,
        }
    }
}
