//! A parsed schema of any format, with its canonical form and fingerprint.

use crate::avro::{AvroError, AvroSchema};
use crate::fingerprint::Fingerprint;
use crate::json::{self, JsonSchema};
use crate::protobuf::{self, ProtobufSchema};
use crate::resolver::Resolver;
use crate::schema_type::SchemaType;

/// Why a schema text could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SchemaError {
    /// A JSON Schema problem.
    #[error(transparent)]
    Json(#[from] json::ParseError),
    /// An Avro problem.
    #[error(transparent)]
    Avro(#[from] AvroError),
    /// A Protobuf schema that does not compile.
    #[error(transparent)]
    Protobuf(#[from] protobuf::ParseError),
}

/// The format-specific part of a [`Schema`].
#[derive(Debug)]
pub(crate) enum SchemaKind {
    /// A compiled JSON Schema.
    Json(JsonSchema),
    /// A parsed Avro schema.
    Avro(AvroSchema),
    /// A compiled Protobuf file.
    Protobuf(ProtobufSchema),
}

/// A parsed schema: its format, canonical text and fingerprint, and what the
/// engine needs to judge it.
#[derive(Debug)]
pub struct Schema {
    schema_type: SchemaType,
    canonical: String,
    fingerprint: Fingerprint,
    kind: SchemaKind,
}

impl Schema {
    /// Parses `text` as a schema of `schema_type`, resolving references to
    /// other schemas through `resolver`.
    ///
    /// JSON Schema is parsed, checked against its draft's meta-schema, and
    /// compiled with every `$ref` resolved. Protobuf (`.proto` text or base64
    /// of a serialized `FileDescriptorProto`) is compiled with its imports
    /// fetched by import path; its canonical form is the normalised `.proto`
    /// text of [`ProtobufSchema::canonical`]. Avro schemas are parsed with
    /// the named types of their references; their canonical form keeps
    /// defaults, aliases and logical types (see [`crate::avro::canonical`]).
    pub fn parse(
        schema_type: SchemaType,
        text: &str,
        resolver: &dyn Resolver,
    ) -> Result<Schema, SchemaError> {
        let (canonical, kind) = match schema_type {
            SchemaType::Json => {
                let schema = JsonSchema::parse(text, resolver)?;
                (schema.canonical().to_string(), SchemaKind::Json(schema))
            }
            SchemaType::Avro => {
                let schema = AvroSchema::parse(text, resolver)?;
                (schema.canonical().to_string(), SchemaKind::Avro(schema))
            }
            SchemaType::Protobuf => {
                let schema = ProtobufSchema::parse(text, resolver)?;
                (schema.canonical().to_string(), SchemaKind::Protobuf(schema))
            }
        };
        Ok(Schema {
            schema_type,
            fingerprint: Fingerprint::of(&canonical),
            canonical,
            kind,
        })
    }

    /// The format.
    pub fn schema_type(&self) -> SchemaType {
        self.schema_type
    }

    /// The canonical text: equal for schemas that differ only in key order,
    /// whitespace or number spelling.
    pub fn canonical(&self) -> &str {
        &self.canonical
    }

    /// The SHA-256 of the canonical text.
    pub fn fingerprint(&self) -> Fingerprint {
        self.fingerprint
    }

    /// The compiled JSON Schema, for a `JSON` schema.
    pub fn as_json(&self) -> Option<&JsonSchema> {
        match &self.kind {
            SchemaKind::Json(s) => Some(s),
            _ => None,
        }
    }

    /// The compiled Protobuf file, for a `PROTOBUF` schema.
    pub fn as_protobuf(&self) -> Option<&ProtobufSchema> {
        match &self.kind {
            SchemaKind::Protobuf(s) => Some(s),
            _ => None,
        }
    }

    /// The parsed Avro schema, for an `AVRO` schema.
    pub fn as_avro(&self) -> Option<&AvroSchema> {
        match &self.kind {
            SchemaKind::Avro(s) => Some(s),
            _ => None,
        }
    }

    pub(crate) fn kind(&self) -> &SchemaKind {
        &self.kind
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::NoReferences;

    fn json(text: &str) -> Schema {
        Schema::parse(SchemaType::Json, text, &NoReferences).unwrap()
    }

    #[test]
    fn equal_schemas_share_a_fingerprint() {
        let a = json(r#"{"type":"object","properties":{"a":{"type":"number","maximum":100}}}"#);
        let b = json(
            "{ \"properties\" : { \"a\": {\"maximum\": 1e2, \"type\": \"number\"} },\n \"type\": \"object\" }",
        );
        assert_eq!(a.canonical(), b.canonical());
        assert_eq!(a.fingerprint(), b.fingerprint());
        let c = json(r#"{"type":"object","properties":{"a":{"type":"number","maximum":101}}}"#);
        assert_ne!(a.fingerprint(), c.fingerprint());
    }

    #[test]
    fn fingerprint_is_hex_sha256() {
        assert_eq!(json("true").fingerprint().to_hex().len(), 64);
    }
}
