//! Reading payloads with a schema, whatever its format.
//!
//! A [`PayloadValidator`] is a schema prepared once for many payloads. It
//! answers three questions, the same way for JSON Schema, Avro and Protobuf:
//!
//! - [`check`](PayloadValidator::check): is this JSON value a valid payload?
//!   (a JSON Schema instance, a datum in the Avro JSON encoding, a message in
//!   the Protobuf JSON mapping);
//! - [`decode`](PayloadValidator::decode): what do these serialized bytes
//!   hold? (UTF-8 JSON text, Avro binary, Protobuf binary; the Confluent
//!   framing already removed, see [`crate::wire`]);
//! - [`read_as`](PayloadValidator::read_as): can a consumer holding another
//!   schema read what this one wrote?
//!
//! Every problem is a [`PayloadIssue`]: where in the payload (a JSON
//! pointer), which rule, where that rule is in the schema, and a message.
//!
//! A validator may also hold the schema's domain rules
//! ([`with_rules`](PayloadValidator::with_rules)):
//! [`check_rules`](PayloadValidator::check_rules) evaluates them on a valid
//! payload, as Confluent's serializers do when a producer writes.

use std::sync::Arc;

use serde_json::Value;

pub use crate::format::PrepareError;
pub use crate::issue::{
    BINARY_KEYWORD, DecodeLimits, Decoded, JSON_KEYWORD, MAX_MESSAGE, PayloadIssue, clip,
    parse_json,
};

use crate::format::Prepared;
use crate::rules::DomainRules;
use crate::schema::Schema;

/// A schema prepared for reading many payloads. Cheap to share across
/// threads (`Send + Sync`).
pub struct PayloadValidator {
    schema: Arc<Schema>,
    prepared: Prepared,
    limits: DecodeLimits,
    rules: Option<DomainRules>,
}

impl std::fmt::Debug for PayloadValidator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PayloadValidator")
            .field("schema_type", &self.schema.schema_type())
            .field("message", &self.message())
            .finish_non_exhaustive()
    }
}

impl PayloadValidator {
    /// Prepares `schema`. `message` names the Protobuf message JSON payloads
    /// are (full name, or relative to the package); by default the first
    /// top-level message. It must be `None` for other formats.
    pub fn new(schema: Arc<Schema>, message: Option<&str>) -> Result<Self, PrepareError> {
        let prepared = Prepared::new(schema.kind(), message)?;
        Ok(PayloadValidator {
            schema,
            prepared,
            limits: DecodeLimits::default(),
            rules: None,
        })
    }

    /// The same validator, decoding within `limits` instead of the default.
    pub fn with_limits(mut self, limits: DecodeLimits) -> Self {
        self.limits = limits;
        self
    }

    /// The same validator, evaluating `rules` in
    /// [`check_rules`](Self::check_rules) (none when they are empty).
    pub fn with_rules(mut self, rules: DomainRules) -> Self {
        self.rules = (!rules.is_empty()).then_some(rules);
        self
    }

    /// Whether [`check_rules`](Self::check_rules) has rules to evaluate.
    pub fn has_rules(&self) -> bool {
        self.rules.is_some()
    }

    /// Every domain rule `value`, a valid payload (the JSON form
    /// [`check`](Self::check) takes, or what [`decode`](Self::decode)
    /// answered), fails; empty when it passes them all or there are none.
    /// `message` names the Protobuf message it is (by default the prepared
    /// one).
    pub fn check_rules(&self, value: &Value, message: Option<&str>) -> Vec<PayloadIssue> {
        let Some(rules) = &self.rules else {
            return Vec::new();
        };
        match self.prepared.view(value, message, rules.wants_fields()) {
            Ok(view) => rules.check(&view),
            Err(reason) => vec![PayloadIssue::new(
                crate::rules::CEL,
                "",
                format!("the record cannot be read for its rules: {reason}"),
            )],
        }
    }

    /// The schema.
    pub fn schema(&self) -> &Arc<Schema> {
        &self.schema
    }

    /// For Protobuf, the full name of the message JSON payloads are.
    pub fn message(&self) -> Option<&str> {
        self.prepared.message()
    }

    /// For Protobuf, the full name of the message Confluent message
    /// `indexes` name (`[0]` the first top-level message); `None` for other
    /// formats and for indexes that name no message.
    pub fn message_at(&self, indexes: &[usize]) -> Option<String> {
        self.prepared.message_at(indexes)
    }

    /// True when `value` is a valid payload; faster than [`check`](Self::check)
    /// when most payloads are valid.
    pub fn is_valid(&self, value: &Value) -> bool {
        self.prepared.is_valid(value)
    }

    /// Every reason `value` is not a valid payload; empty when it is.
    pub fn check(&self, value: &Value) -> Vec<PayloadIssue> {
        self.prepared.check(value)
    }

    /// Every reason a payload [`decode`](Self::decode) answered is not valid.
    /// Decoding Avro and Protobuf binary already checks every value (and
    /// proto2 `required` fields), so only JSON Schema instances have
    /// anything left to check.
    pub fn check_decoded(&self, decoded: &Decoded) -> Vec<PayloadIssue> {
        self.prepared.check_decoded(decoded)
    }

    /// Decodes serialized bytes (the framing removed): UTF-8 JSON text for
    /// JSON Schema, one binary datum for Avro, the binary encoding of a
    /// message for Protobuf (the message at `indexes` when given, from the
    /// framing, else the prepared one). Decoding does not validate a JSON
    /// Schema instance: [`check`](Self::check) does.
    pub fn decode(&self, bytes: &[u8], indexes: Option<&[usize]>) -> Result<Decoded, PayloadIssue> {
        self.prepared.decode(bytes, indexes, self.limits)
    }

    /// Every reason a consumer holding `reader` cannot read `decoded`, a
    /// payload this schema wrote; empty when it reads it. `bytes` are the
    /// serialized payload when there were any (Protobuf readers decode them
    /// as they are; without them the JSON mapping is read).
    pub fn read_as(
        &self,
        reader: &PayloadValidator,
        decoded: &Decoded,
        bytes: Option<&[u8]>,
    ) -> Vec<PayloadIssue> {
        self.prepared.read_as(&reader.prepared, decoded, bytes)
    }

    /// Serializes `value`, the inverse of [`decode`](Self::decode): JSON
    /// text for JSON Schema (written as it is; [`check`](Self::check) it
    /// first), the binary encoding of a datum for Avro and of the prepared
    /// message for Protobuf, which are checked as they are encoded.
    pub fn encode(&self, value: &Value) -> Result<Vec<u8>, Vec<PayloadIssue>> {
        self.prepared.encode(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::NoReferences;
    use crate::schema_type::SchemaType;
    use crate::wire;

    fn prepared(schema_type: SchemaType, text: &str) -> PayloadValidator {
        let schema = Schema::parse(schema_type, text, &NoReferences).unwrap();
        PayloadValidator::new(Arc::new(schema), None).unwrap()
    }

    const AVRO_V1: &str = r#"{"type":"record","name":"Order","fields":[{"name":"id","type":"string"},{"name":"qty","type":"int"}]}"#;
    const AVRO_V2: &str = r#"{"type":"record","name":"Order","fields":[{"name":"id","type":"string"},{"name":"qty","type":"int"},{"name":"note","type":"string"}]}"#;

    #[test]
    fn json_schema_payloads_are_checked_with_places() {
        let v = prepared(
            SchemaType::Json,
            r#"{"type":"object","properties":{"qty":{"type":"integer","minimum":1}},"required":["qty"]}"#,
        );
        let decoded = v.decode(br#"{"qty":0}"#, None).unwrap();
        let issues = v.check(&decoded.value);
        assert_eq!(issues.len(), 1);
        assert_eq!(issues[0].instance_path, "/qty");
        assert_eq!(issues[0].keyword, "minimum");
        assert_eq!(issues[0].schema_path, "#/properties/qty/minimum");
        let broken = v.decode(b"{\"qty\":", None).unwrap_err();
        assert_eq!(broken.keyword, JSON_KEYWORD);
    }

    #[test]
    fn keywords_of_a_schema_with_an_id_are_paths_in_that_schema() {
        let v = prepared(
            SchemaType::Json,
            r#"{"$id":"https://example.com/order.json#","properties":{"qty":{"minimum":1}}}"#,
        );
        let issues = v.check(&serde_json::json!({"qty": 0}));
        assert_eq!(issues[0].schema_path, "#/properties/qty/minimum");
    }

    #[test]
    fn avro_binary_decodes_and_an_older_reader_is_told_why_it_cannot_read() {
        let v1 = prepared(SchemaType::Avro, AVRO_V1);
        let v2 = prepared(SchemaType::Avro, AVRO_V2);
        let datum = serde_json::json!({"id": "a", "qty": 2, "note": "n"});
        let bytes = v2.encode(&datum).unwrap();
        let decoded = v2.decode(&bytes, None).unwrap();
        assert_eq!(decoded.value, datum);
        // An old reader ignores the new field; a new reader cannot fill
        // `note` in data written without it.
        assert!(v2.read_as(&v1, &decoded, Some(&bytes)).is_empty());
        let old = v1
            .decode(
                &v1.encode(&serde_json::json!({"id":"a","qty":2})).unwrap(),
                None,
            )
            .unwrap();
        let issues = v1.read_as(&v2, &old, None);
        assert_eq!(issues.len(), 1);
        assert_eq!(issues[0].keyword, "resolution");
        assert!(v1.decode(&bytes[..2], None).is_err());
    }

    #[test]
    fn protobuf_binary_is_decoded_as_the_message_the_indexes_name() {
        let v = prepared(
            SchemaType::Protobuf,
            "syntax = \"proto3\"; package p; message A { string s = 1; } message B { int32 n = 1; }",
        );
        assert_eq!(v.message(), Some("p.A"));
        let framed = wire::frame(7, Some(&[1]), &[0x08, 0x05]);
        let (header, rest) = wire::Header::parse(&framed).unwrap();
        assert_eq!(header.schema_id, 7);
        let (indexes, payload) = wire::message_indexes(rest).unwrap();
        let decoded = v.decode(payload, Some(&indexes)).unwrap();
        assert_eq!(decoded.message.as_deref(), Some("p.B"));
        assert_eq!(decoded.value, serde_json::json!({"n": 5}));
        assert_eq!(v.check(&serde_json::json!({"s": 1})).len(), 1);
        assert!(v.check(&serde_json::json!({"s": "x"})).is_empty());
    }

    #[test]
    fn encoding_is_the_inverse_of_decoding_in_every_format() {
        for (schema_type, text, value) in [
            (
                SchemaType::Json,
                r#"{"type":"object"}"#,
                serde_json::json!({"a": [1, "x"]}),
            ),
            (
                SchemaType::Avro,
                AVRO_V1,
                serde_json::json!({"id": "a", "qty": 2}),
            ),
            (
                SchemaType::Protobuf,
                "syntax = \"proto3\"; message A { string s = 1; repeated int32 n = 2; }",
                serde_json::json!({"s": "x", "n": [1, 2]}),
            ),
        ] {
            let v = prepared(schema_type, text);
            let bytes = v.encode(&value).unwrap();
            assert_eq!(
                v.decode(&bytes, None).unwrap().value,
                value,
                "{schema_type}"
            );
        }
        let avro = prepared(SchemaType::Avro, AVRO_V1);
        let issues = avro.encode(&serde_json::json!({"id": 1})).unwrap_err();
        assert_eq!(issues[0].keyword, "avro");
        let protobuf = prepared(
            SchemaType::Protobuf,
            "syntax = \"proto3\"; message A { string s = 1; }",
        );
        let issues = protobuf.encode(&serde_json::json!({"s": 1})).unwrap_err();
        assert_eq!(issues[0].keyword, "protobuf");
    }

    #[test]
    fn readers_of_another_format_are_told_so() {
        let json = prepared(SchemaType::Json, "{}");
        let avro = prepared(SchemaType::Avro, AVRO_V1);
        let decoded = json.decode(b"{}", None).unwrap();
        let issues = json.read_as(&avro, &decoded, None);
        assert_eq!(issues.len(), 1);
        assert_eq!(issues[0].keyword, "schemaType");
        assert_eq!(
            issues[0].message,
            "the writer schema is JSON and the reader schema is AVRO"
        );
    }

    #[test]
    fn protobuf_message_indexes_name_messages() {
        let v = prepared(
            SchemaType::Protobuf,
            "syntax = \"proto3\"; package p; message A { message In {} } message B {}",
        );
        assert_eq!(v.message_at(&[1]).as_deref(), Some("p.B"));
        assert_eq!(v.message_at(&[0, 0]).as_deref(), Some("p.A.In"));
        assert_eq!(v.message_at(&[2]), None);
        assert_eq!(prepared(SchemaType::Avro, AVRO_V1).message_at(&[0]), None);
    }

    #[test]
    fn a_prepared_schema_is_shared_across_threads() {
        fn shared<T: Send + Sync>() {}
        shared::<PayloadValidator>();
    }

    #[test]
    fn a_message_name_for_another_format_is_refused() {
        let schema = Schema::parse(SchemaType::Avro, AVRO_V1, &NoReferences).unwrap();
        let e = PayloadValidator::new(Arc::new(schema), Some("Order")).unwrap_err();
        assert_eq!(e, PrepareError::MessageNotProtobuf(SchemaType::Avro));
    }
}
