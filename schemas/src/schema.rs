//! A parsed schema of any format, with its canonical form and fingerprint.

use std::borrow::Cow;

use crate::change::ChangeKind;
use crate::fingerprint::Fingerprint;
use crate::format::{Capabilities, Form, SchemaError, SchemaKind, Submitted};
use crate::limits::{Limit, SchemaLimits};
use crate::resolver::Resolver;
use crate::schema_type::SchemaType;

/// A parsed schema: its format, canonical text and fingerprint, and what the
/// engine needs to judge it. What depends on the format is asked of the
/// format seam ([`crate::format`]).
#[derive(Debug)]
pub struct Schema {
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
    /// text of [`ProtobufSchema::canonical`](crate::protobuf::ProtobufSchema::canonical).
    /// Avro schemas are parsed with the named types of their references;
    /// their canonical form keeps defaults, aliases and logical types (see
    /// [`crate::avro::canonical`]).
    pub fn parse(
        schema_type: SchemaType,
        text: &str,
        resolver: &dyn Resolver,
    ) -> Result<Schema, SchemaError> {
        Schema::parse_within(schema_type, text, resolver, &SchemaLimits::default())
    }

    /// [`Schema::parse`] within `limits`: a schema over one of them is
    /// refused with [`SchemaError::Limit`], which names the limit, the value
    /// seen and where it was met. The text's size and the number of
    /// references are checked before anything is parsed.
    pub fn parse_within(
        schema_type: SchemaType,
        text: &str,
        resolver: &dyn Resolver,
        limits: &SchemaLimits,
    ) -> Result<Schema, SchemaError> {
        limits.check(Limit::SchemaBytes, text.len(), || "#".into())?;
        let references = resolver.reference_names().len();
        limits.check(Limit::References, references, || "#".into())?;
        let kind = SchemaKind::parse(schema_type, text, resolver, limits)?;
        let canonical = kind.canonical().to_string();
        Ok(Schema {
            fingerprint: Fingerprint::of(&canonical),
            canonical,
            kind,
        })
    }

    /// The format.
    pub fn schema_type(&self) -> SchemaType {
        self.kind.schema_type()
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

    /// What the format offers (message indexes, a binary encoding, a quick
    /// payload check).
    pub fn capabilities(&self) -> Capabilities {
        self.kind.capabilities()
    }

    /// One incompatibility of a check of this schema, as the Confluent
    /// Schema Registry writes it in its `messages` for this format:
    /// `{errorType:"...", description:"..."}` (JSON Schema, Protobuf) or
    /// `{errorType:'...', description:'...', additionalInfo:'...'}` (Avro),
    /// so that tools parsing the peer's messages find the `errorType`.
    pub fn incompatibility(
        &self,
        kind: ChangeKind,
        description: &str,
        additional_info: &str,
    ) -> String {
        self.kind
            .incompatibility(kind.error_type(), description, additional_info)
    }

    /// The full names of the top-level messages, in order (Protobuf); empty
    /// for formats without messages.
    pub fn message_names(&self) -> Vec<String> {
        self.kind.message_names()
    }

    /// Whether the schema has a top-level field named `name` (a property
    /// of the root object, a field of the root record or of the first
    /// Protobuf message), which a registry's reserved fields
    /// (`confluent:reserved`) must not be.
    pub fn has_top_level_field(&self, name: &str) -> bool {
        self.kind.has_top_level_field(name)
    }

    /// The CRC-64-AVRO (Rabin) fingerprint of the Parsing Canonical Form,
    /// which Avro's single-object encoding writes before a datum; `None`
    /// for formats without that encoding.
    pub fn single_object_fingerprint(&self) -> Option<u64> {
        self.kind.single_object_fingerprint()
    }

    /// The schema's text in `form` (Avro `resolved`, Protobuf
    /// `serialized`); `None` when the format has no such form (see
    /// [`Form::applies_to`]).
    pub fn form(&self, form: Form) -> Option<String> {
        self.kind.form(form)
    }

    /// The text a registry keeps of `submitted` (the text this schema was
    /// parsed from) when it does not normalize, as the Confluent Schema
    /// Registry keeps it: JSON Schema and Avro as submitted minus
    /// insignificant whitespace (keys in their own order, names and
    /// namespaces as written), Protobuf `.proto` source as given (comments
    /// kept). A Protobuf schema submitted as a serialized descriptor has no
    /// source: its `.proto` text is printed, fields in declaration order.
    pub fn as_submitted(&self, submitted: &str) -> Submitted {
        self.kind.submitted(submitted)
    }

    /// The text a registry keeps of `submitted` (the text this schema was
    /// parsed from) when it normalizes, as the Confluent Schema Registry
    /// keeps it, so that tools comparing the served text with the file see
    /// what they would see there: Avro as Avro Java prints the peer's
    /// normalized schema (names short with their `namespace`, Avro Java's
    /// key order, properties sorted), JSON Schema with every object's keys
    /// sorted, Protobuf as the peer's normalizing printer writes the file.
    /// Identity does not depend on it: equal schemas share
    /// [`Schema::canonical`], whatever this text is.
    pub fn normalized_text(&self, submitted: &str) -> String {
        self.kind.normalized_text(submitted)
    }

    /// The text whose equality makes two registrations of this format one
    /// schema in the Confluent Schema Registry (its `canonicalString()`,
    /// which with the references, metadata and rule set is its identity),
    /// for this schema kept as `kept` (the text it was parsed from, as
    /// [`Schema::as_submitted`] or [`Schema::normalized_text`] gave it).
    /// Avro: Avro Java's `Schema.toString` of the parsed schema, so key
    /// order, `{"type":"string"}` for `"string"`, a namespace in the name or
    /// beside it, and a number's spelling do not count; a normalized text
    /// is its own. JSON Schema and Protobuf: `kept`.
    pub fn identity_text<'t>(&self, kept: &'t str) -> Cow<'t, str> {
        self.kind.identity_text(kept)
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

    fn has_field(schema_type: SchemaType, text: &str, name: &str) -> bool {
        Schema::parse(schema_type, text, &NoReferences)
            .unwrap()
            .has_top_level_field(name)
    }

    #[test]
    fn top_level_fields_are_the_roots() {
        let object =
            r#"{"type":"object","properties":{"id":{"type":"object","properties":{"x":{}}}}}"#;
        assert!(has_field(SchemaType::Json, object, "id"));
        assert!(!has_field(SchemaType::Json, object, "x"));
        let record = r#"{"type":"record","name":"R","fields":[{"name":"id","type":
            {"type":"record","name":"Inner","fields":[{"name":"x","type":"int"}]}}]}"#;
        assert!(has_field(SchemaType::Avro, record, "id"));
        assert!(!has_field(SchemaType::Avro, record, "x"));
        assert!(!has_field(SchemaType::Avro, r#""string""#, "id"));
        let proto =
            "syntax = \"proto3\";\nmessage A { string id = 1; }\nmessage B { string x = 1; }\n";
        assert!(has_field(SchemaType::Protobuf, proto, "id"));
        assert!(!has_field(SchemaType::Protobuf, proto, "x"));
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
    fn submitted_text_keeps_what_was_written() {
        let avro = r#"{ "type": "record", "name": "User", "namespace": "a.b",
            "fields": [ {"name": "id", "type": "long"} ] }"#;
        let parsed = Schema::parse(SchemaType::Avro, avro, &NoReferences).unwrap();
        let kept = parsed.as_submitted(avro);
        assert_eq!(
            kept.text,
            r#"{"type":"record","name":"User","namespace":"a.b","fields":[{"name":"id","type":"long"}]}"#
        );
        assert!(kept.is_source);
        let proto = "syntax = \"proto3\";\n// who\nmessage A { string b = 1; }\n";
        let parsed = Schema::parse(SchemaType::Protobuf, proto, &NoReferences).unwrap();
        assert_eq!(parsed.as_submitted(proto).text, proto);
        let serialized = parsed.form(Form::Serialized).unwrap();
        let decoded = Schema::parse(SchemaType::Protobuf, &serialized, &NoReferences).unwrap();
        let printed = decoded.as_submitted(&serialized);
        assert!(!printed.is_source);
        assert!(printed.text.contains("message A"), "{}", printed.text);
    }

    #[test]
    fn fingerprint_is_hex_sha256() {
        assert_eq!(json("true").fingerprint().to_hex().len(), 64);
    }

    /// Each format writes an incompatibility as the Confluent Schema
    /// Registry does, with the peer's `errorType` name.
    #[test]
    fn incompatibilities_are_written_as_the_peer_writes_them() {
        let avro = Schema::parse(SchemaType::Avro, r#""string""#, &NoReferences).unwrap();
        let proto = Schema::parse(SchemaType::Protobuf, "syntax = \"proto3\";", &NoReferences);
        let check = |schema: &Schema, kind: ChangeKind, expected: &str| {
            let line = schema.incompatibility(kind, "a 'b' \"c\"", "#/x");
            assert_eq!(line, expected);
        };
        check(
            &json("{}"),
            ChangeKind::PropertyRemovedFromClosedContentModel,
            r#"{errorType:"PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL", description:"a 'b' \"c\""}"#,
        );
        check(
            &avro,
            ChangeKind::ReaderFieldMissingDefaultValue,
            r#"{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'a \'b\' "c"', additionalInfo:'#/x'}"#,
        );
        check(
            &avro,
            ChangeKind::AvroTypeNarrowed,
            r#"{errorType:'TYPE_MISMATCH', description:'a \'b\' "c"', additionalInfo:'#/x'}"#,
        );
        check(
            &proto.unwrap(),
            ChangeKind::FieldRemovedWithoutReserving,
            r#"{errorType:"FIELD_REMOVED", description:"a 'b' \"c\""}"#,
        );
    }
}
