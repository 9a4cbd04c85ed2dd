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

use std::sync::Arc;

use serde::Serialize;
use serde_json::Value;

use crate::avro::AvroSchema;
use crate::protobuf::{MessageSelector, PayloadError as ProtobufError, ProtobufSchema};
use crate::schema::Schema;
use crate::schema_type::SchemaType;

/// The longest message of one issue, in bytes; longer ones (they quote the
/// offending value) are cut with `…`.
pub const MAX_MESSAGE: usize = 400;

/// The keyword of an issue with payload bytes that are not JSON text.
pub const JSON_KEYWORD: &str = "json";
/// The keyword of an issue with bytes that are not a binary datum.
pub const BINARY_KEYWORD: &str = "binary";

/// One reason a payload is not valid, or not readable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PayloadIssue {
    /// JSON pointer into the payload (`""` for the payload itself).
    pub instance_path: String,
    /// The rule that failed: a JSON Schema keyword, or for Avro and Protobuf
    /// `avro`, `protobuf`, `required`, `resolution`; `json` for text that is
    /// not JSON and `binary` for bytes that do not decode.
    pub keyword: String,
    /// Where the rule is in the schema (`#/properties/id/type`); empty when
    /// the format gives no place. A JSON Schema keyword of a referenced
    /// document is prefixed by that document's name.
    pub schema_path: String,
    /// What is wrong, for a person.
    pub message: String,
}

impl PayloadIssue {
    fn new(keyword: &str, instance_path: impl Into<String>, message: impl Into<String>) -> Self {
        PayloadIssue {
            instance_path: instance_path.into(),
            keyword: keyword.to_string(),
            schema_path: String::new(),
            message: clip(message.into()),
        }
    }
}

impl std::fmt::Display for PayloadIssue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let at = if self.instance_path.is_empty() {
            "the root"
        } else {
            &self.instance_path
        };
        write!(f, "at {at} ({}): {}", self.keyword, self.message)
    }
}

/// Why a schema cannot be prepared for payloads.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PrepareError {
    /// The JSON Schema validator could not be built.
    #[error("cannot build a validator: {0}")]
    Validator(String),
    /// A message name was given for a schema that is not Protobuf.
    #[error("a message name applies to Protobuf schemas only, this is {0}")]
    MessageNotProtobuf(SchemaType),
    /// The Protobuf schema has no such message, or no message at all.
    #[error(transparent)]
    Message(#[from] ProtobufError),
    /// A Protobuf file without messages has no payloads.
    #[error("the Protobuf schema defines no message")]
    NoMessage,
}

/// A payload decoded from bytes, as JSON: a JSON Schema instance, a datum
/// in the Avro JSON encoding, or a message in the Protobuf JSON mapping.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    /// The payload.
    pub value: Value,
    /// For Protobuf, the full name of the message it was decoded as.
    pub message: Option<String>,
}

enum Prepared {
    Json {
        validator: jsonschema::Validator,
        /// The schema document's base URI, to tell keywords of referenced
        /// documents apart in schema paths.
        base: String,
    },
    Avro,
    Protobuf {
        /// The message payloads are by default (the first top-level one, or
        /// the one named when preparing).
        message: String,
    },
}

/// A schema prepared for reading many payloads. Cheap to share across
/// threads (`Send + Sync`).
pub struct PayloadValidator {
    schema: Arc<Schema>,
    prepared: Prepared,
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
        if message.is_some() && schema.schema_type() != SchemaType::Protobuf {
            return Err(PrepareError::MessageNotProtobuf(schema.schema_type()));
        }
        let prepared = if let Some(json) = schema.as_json() {
            Prepared::Json {
                validator: json.validator().map_err(PrepareError::Validator)?,
                base: document_base(json),
            }
        } else if let Some(protobuf) = schema.as_protobuf() {
            let message = match message {
                Some(name) => protobuf.message_name(name)?,
                None => protobuf
                    .message_names()
                    .into_iter()
                    .next()
                    .ok_or(PrepareError::NoMessage)?,
            };
            Prepared::Protobuf { message }
        } else {
            Prepared::Avro
        };
        Ok(PayloadValidator { schema, prepared })
    }

    /// The schema.
    pub fn schema(&self) -> &Arc<Schema> {
        &self.schema
    }

    /// For Protobuf, the full name of the message JSON payloads are.
    pub fn message(&self) -> Option<&str> {
        match &self.prepared {
            Prepared::Protobuf { message } => Some(message),
            _ => None,
        }
    }

    fn avro(&self) -> &AvroSchema {
        self.schema.as_avro().expect("prepared as Avro")
    }

    fn protobuf(&self) -> &ProtobufSchema {
        self.schema.as_protobuf().expect("prepared as Protobuf")
    }

    /// True when `value` is a valid payload; faster than [`check`](Self::check)
    /// when most payloads are valid.
    pub fn is_valid(&self, value: &Value) -> bool {
        match &self.prepared {
            Prepared::Json { validator, .. } => validator.is_valid(value),
            _ => self.check(value).is_empty(),
        }
    }

    /// Every reason `value` is not a valid payload; empty when it is.
    pub fn check(&self, value: &Value) -> Vec<PayloadIssue> {
        match &self.prepared {
            Prepared::Json { validator, base } => validator
                .iter_errors(value)
                .map(|e| PayloadIssue {
                    instance_path: e.instance_path().as_str().to_string(),
                    keyword: e.kind().keyword().to_string(),
                    schema_path: schema_path(base, &e),
                    message: clip(e.to_string()),
                })
                .collect(),
            Prepared::Avro => match self.avro().validate_json(value) {
                Ok(()) => Vec::new(),
                Err(errors) => errors
                    .into_iter()
                    .map(|e| PayloadIssue::new("avro", e.path, e.message))
                    .collect(),
            },
            Prepared::Protobuf { message } => {
                match self.protobuf().validate_json(message.as_str(), value) {
                    Ok(()) => Vec::new(),
                    Err(e) => vec![protobuf_issue(e)],
                }
            }
        }
    }

    /// Every reason a payload [`decode`](Self::decode) answered is not valid.
    /// Decoding Avro and Protobuf binary already checks every value (and
    /// proto2 `required` fields), so only JSON Schema instances have
    /// anything left to check.
    pub fn check_decoded(&self, decoded: &Decoded) -> Vec<PayloadIssue> {
        match &self.prepared {
            Prepared::Json { .. } => self.check(&decoded.value),
            Prepared::Avro | Prepared::Protobuf { .. } => Vec::new(),
        }
    }

    /// Decodes serialized bytes (the framing removed): UTF-8 JSON text for
    /// JSON Schema, one binary datum for Avro, the binary encoding of a
    /// message for Protobuf (the message at `indexes` when given, from the
    /// framing, else the prepared one). Decoding does not validate a JSON
    /// Schema instance: [`check`](Self::check) does.
    pub fn decode(&self, bytes: &[u8], indexes: Option<&[usize]>) -> Result<Decoded, PayloadIssue> {
        match &self.prepared {
            Prepared::Json { .. } => {
                let value = parse_json(bytes)?;
                Ok(Decoded {
                    value,
                    message: None,
                })
            }
            Prepared::Avro => match self.avro().decode_binary(bytes) {
                Ok(value) => Ok(Decoded {
                    value,
                    message: None,
                }),
                Err(e) => Err(PayloadIssue::new(BINARY_KEYWORD, e.path(), e.to_string())),
            },
            Prepared::Protobuf { message } => {
                let protobuf = self.protobuf();
                let selector = match indexes {
                    Some(indexes) => MessageSelector::Indexes(indexes),
                    None => MessageSelector::Name(message),
                };
                let name = protobuf.message_name(selector).map_err(protobuf_issue)?;
                let value = protobuf
                    .decode_binary(selector, bytes)
                    .map_err(protobuf_issue)?;
                Ok(Decoded {
                    value,
                    message: Some(name),
                })
            }
        }
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
        let (writer_type, reader_type) = (self.schema.schema_type(), reader.schema.schema_type());
        if writer_type != reader_type {
            return vec![PayloadIssue::new(
                "schemaType",
                "",
                format!(
                    "the writer schema is {writer_type} and the reader schema is {reader_type}"
                ),
            )];
        }
        match &reader.prepared {
            Prepared::Json { .. } => reader.check(&decoded.value),
            Prepared::Avro => match self.avro().resolve_json(reader.avro(), &decoded.value) {
                Ok(()) => Vec::new(),
                Err(e) => vec![PayloadIssue {
                    instance_path: e.path,
                    keyword: "resolution".to_string(),
                    schema_path: e.schema_path,
                    message: clip(e.message),
                }],
            },
            Prepared::Protobuf { message } => {
                let protobuf = reader.protobuf();
                // The consumer reads the message under the writer's name when
                // it knows it, else as the message it was built for.
                let name = decoded
                    .message
                    .as_deref()
                    .filter(|name| protobuf.message_name(*name).is_ok())
                    .unwrap_or(message);
                let outcome = match bytes {
                    Some(bytes) => protobuf.decode_binary(name, bytes).map(drop),
                    None => protobuf.validate_json(name, &decoded.value),
                };
                match outcome {
                    Ok(()) => Vec::new(),
                    Err(e) => vec![protobuf_issue(e)],
                }
            }
        }
    }
}

/// Parses UTF-8 JSON text, saying where it is broken.
pub fn parse_json(bytes: &[u8]) -> Result<Value, PayloadIssue> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        PayloadIssue::new(
            JSON_KEYWORD,
            "",
            format!("invalid UTF-8 at byte {}", e.valid_up_to()),
        )
    })?;
    serde_json::from_str(text)
        .map_err(|e| PayloadIssue::new(JSON_KEYWORD, "", format!("not JSON: {e}")))
}

fn protobuf_issue(e: ProtobufError) -> PayloadIssue {
    match &e {
        ProtobufError::MissingRequired { path, field, .. } => {
            let at = if path == "/" { "" } else { path.as_str() };
            PayloadIssue::new("required", format!("{at}/{field}"), e.to_string())
        }
        ProtobufError::Binary { .. } => PayloadIssue::new(BINARY_KEYWORD, "", e.to_string()),
        _ => PayloadIssue::new("protobuf", "", e.to_string()),
    }
}

/// The URI keywords of the schema document itself are reported under: its
/// `$id` (the validator resolves against it) or else the default base.
fn document_base(json: &crate::json::JsonSchema) -> String {
    match json.value().get("$id").and_then(Value::as_str) {
        Some(id) => id.split('#').next().unwrap_or(id).to_string(),
        None => json.base_uri().to_string(),
    }
}

/// `#/pointer` for a keyword of the schema document itself, and
/// `DOCUMENT#/pointer` for one found in a referenced document.
fn schema_path(base: &str, e: &jsonschema::ValidationError<'_>) -> String {
    let pointer = e.schema_path().as_str();
    let document = e
        .absolute_keyword_location()
        .map(|uri| uri.as_str().split('#').next().unwrap_or_default())
        .filter(|document| *document != base);
    match document {
        Some(document) => format!(
            "{}#{pointer}",
            document.strip_prefix("charter:///").unwrap_or(document)
        ),
        None => format!("#{pointer}"),
    }
}

/// Cuts `message` to [`MAX_MESSAGE`] bytes on a character boundary.
pub fn clip(mut message: String) -> String {
    if message.len() > MAX_MESSAGE {
        let mut end = MAX_MESSAGE;
        while !message.is_char_boundary(end) {
            end -= 1;
        }
        message.truncate(end);
        message.push('…');
    }
    message
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::NoReferences;
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
        let bytes = v2
            .schema()
            .as_avro()
            .unwrap()
            .encode_binary(&datum)
            .unwrap();
        let decoded = v2.decode(&bytes, None).unwrap();
        assert_eq!(decoded.value, datum);
        // An old reader ignores the new field; a new reader cannot fill
        // `note` in data written without it.
        assert!(v2.read_as(&v1, &decoded, Some(&bytes)).is_empty());
        let old = v1
            .decode(
                &v1.schema()
                    .as_avro()
                    .unwrap()
                    .encode_binary(&serde_json::json!({"id":"a","qty":2}))
                    .unwrap(),
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
