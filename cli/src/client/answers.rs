//! What the client sends and answers, typed: the commands never see the
//! registry's JSON.

use schemas::{CompatibilityMode, Policy, SchemaType};
use serde::Serialize;

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
    /// The registry's reasons (verbose answers), one per line.
    pub messages: Vec<String>,
}

/// A subject's compatibility settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SubjectConfig {
    /// The level.
    pub level: CompatibilityMode,
    /// The policy, when the registry has one (Charter's, Confluent's
    /// `compatibilityPolicy`).
    pub policy: Option<Policy>,
}
