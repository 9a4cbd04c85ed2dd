//! The format seam: the one module that knows which schema formats exist.
//!
//! A [`Schema`](crate::Schema) holds a [`SchemaKind`], and every question
//! whose answer depends on the format is answered here, each by one
//! exhaustive `match`: parsing, the changes between two schemas in given
//! [`Directions`], an example for a change, a payload validator
//! ([`Prepared`], behind [`crate::payload::PayloadValidator`]), and the facts
//! callers need ([`Capabilities`], Protobuf message names, the Avro
//! single-object fingerprint, the [`Form`]s a registry serves). The work
//! itself is each format's (`json`, `avro`, `protobuf`); this module only
//! picks it.
//!
//! *Architecture invariant:* no other module matches on `SchemaKind` or asks
//! a schema which format it is in order to treat it apart; callers ask the
//! seam. A fourth format is a fourth variant of `SchemaKind`, and the
//! compiler then stops at the matches of this module and nowhere else (no
//! match here has a `_` arm).

use std::borrow::Cow;
use std::sync::Arc;

use serde_json::Value;

use crate::avro::{self, AvroError, AvroSchema};
use crate::change::{Breaks, Change, ChangeKind};
use crate::issue::{DecodeLimits, Decoded, PayloadIssue, parse_json};
use crate::json::{self, JsonSchema};
use crate::limits::{LimitExceeded, SchemaLimits, Work};
use crate::protobuf::{self, PayloadError as ProtobufError, ProtobufSchema};
use crate::resolver::Resolver;
use crate::schema_type::SchemaType;
use crate::tags::{EntityTags, TagEdit, TagError};
use crate::vocabulary::{CompatError, Directions, Policy};

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
    /// A schema over one of the [`SchemaLimits`] it was parsed within.
    #[error(transparent)]
    Limit(#[from] LimitExceeded),
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

/// What a schema's format offers, for callers that must treat formats apart
/// without naming them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Capabilities {
    /// Payloads are messages chosen by Confluent message indexes, which the
    /// Confluent framing carries after the schema id (Protobuf).
    pub message_indexes: bool,
    /// Serialized payloads are a binary encoding that the schema decodes, so
    /// decoding checks every value and a reader decodes the bytes
    /// themselves (Avro, Protobuf); otherwise they are UTF-8 JSON text,
    /// checked once parsed (JSON Schema).
    pub binary: bool,
    /// A payload has a yes/no check cheaper than listing its issues, worth
    /// asking first when most payloads are valid (JSON Schema).
    pub quick_check: bool,
}

/// A form of a schema's text besides its canonical one, which a registry
/// serves on request (the Confluent `format` of `GET /schemas/ids/{id}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Form {
    /// Avro: one self-contained schema, the named types of its references
    /// written in full at their first use.
    Resolved,
    /// Protobuf: base64 of the serialized `FileDescriptorProto`.
    Serialized,
}

impl Form {
    /// Whether schemas of `schema_type` have this form.
    pub fn applies_to(self, schema_type: SchemaType) -> bool {
        match (self, schema_type) {
            (Form::Resolved, SchemaType::Avro) | (Form::Serialized, SchemaType::Protobuf) => true,
            (Form::Resolved, SchemaType::Json | SchemaType::Protobuf)
            | (Form::Serialized, SchemaType::Json | SchemaType::Avro) => false,
        }
    }
}

/// The schema `text` of format `schema_type` with `edit`'s tags added to
/// and removed from its records and fields, every other byte as it was
/// (see [`crate::tags`]). The text is what a registry keeps; the result is
/// parsed again by the caller like any submitted text.
pub fn edit_tags(schema_type: SchemaType, text: &str, edit: &TagEdit) -> Result<String, TagError> {
    match schema_type {
        SchemaType::Avro => avro::tags::edit_tags(text, edit),
        SchemaType::Json => json::tags::edit_tags(text, edit),
        SchemaType::Protobuf => protobuf::tags::edit_tags(text, edit),
    }
}

/// The tagged records and fields of the schema `text` of format
/// `schema_type`, in Confluent's order and with its paths.
pub fn tagged_entities(schema_type: SchemaType, text: &str) -> Result<Vec<EntityTags>, TagError> {
    match schema_type {
        SchemaType::Avro => avro::tags::tagged_entities(text),
        SchemaType::Json => json::tags::tagged_entities(text),
        SchemaType::Protobuf => protobuf::tags::tagged_entities(text),
    }
}

/// A schema's text as a registry keeps it without normalizing (see
/// [`Schema::as_submitted`](crate::Schema::as_submitted)).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submitted {
    /// The text to keep and serve.
    pub text: String,
    /// Whether `text` is the submitted source; `false` when it was printed
    /// from a serialized Protobuf descriptor, which then is the same schema
    /// as any registered one with the same canonical form.
    pub is_source: bool,
}

/// The format-specific part of a [`Schema`](crate::Schema). Avro and
/// Protobuf schemas are shared with the payload validators prepared from
/// them.
#[derive(Debug)]
pub(crate) enum SchemaKind {
    /// A compiled JSON Schema.
    Json(JsonSchema),
    /// A parsed Avro schema.
    Avro(Arc<AvroSchema>),
    /// A compiled Protobuf file.
    Protobuf(Arc<ProtobufSchema>),
}

impl SchemaKind {
    /// Parses `text` as a schema of `schema_type`, resolving references to
    /// other schemas through `resolver`.
    pub(crate) fn parse(
        schema_type: SchemaType,
        text: &str,
        resolver: &dyn Resolver,
        limits: &SchemaLimits,
    ) -> Result<SchemaKind, SchemaError> {
        Ok(match schema_type {
            SchemaType::Json => SchemaKind::Json(JsonSchema::parse_within(text, resolver, limits)?),
            SchemaType::Avro => {
                SchemaKind::Avro(Arc::new(AvroSchema::parse_within(text, resolver, limits)?))
            }
            SchemaType::Protobuf => SchemaKind::Protobuf(Arc::new(ProtobufSchema::parse_within(
                text, resolver, limits,
            )?)),
        })
    }

    /// The format.
    pub(crate) fn schema_type(&self) -> SchemaType {
        match self {
            SchemaKind::Json(_) => SchemaType::Json,
            SchemaKind::Avro(_) => SchemaType::Avro,
            SchemaKind::Protobuf(_) => SchemaType::Protobuf,
        }
    }

    /// The format's canonical text.
    pub(crate) fn canonical(&self) -> &str {
        match self {
            SchemaKind::Json(s) => s.canonical(),
            SchemaKind::Avro(s) => s.canonical(),
            SchemaKind::Protobuf(s) => s.canonical(),
        }
    }

    /// What the format offers.
    pub(crate) fn capabilities(&self) -> Capabilities {
        let (message_indexes, binary, quick_check) = match self {
            SchemaKind::Json(_) => (false, false, true),
            SchemaKind::Avro(_) => (false, true, false),
            SchemaKind::Protobuf(_) => (true, true, false),
        };
        Capabilities {
            message_indexes,
            binary,
            quick_check,
        }
    }

    /// The full names of the top-level messages (Protobuf); none for formats
    /// without messages.
    pub(crate) fn message_names(&self) -> Vec<String> {
        match self {
            SchemaKind::Protobuf(s) => s.message_names(),
            SchemaKind::Json(_) | SchemaKind::Avro(_) => Vec::new(),
        }
    }

    /// Whether the schema has a top-level field named `name`, as the
    /// Confluent Schema Registry's `hasTopLevelField` judges reserved
    /// fields: a property of the root object (JSON Schema), a field of the
    /// root record (Avro), a field of the first message (Protobuf).
    pub(crate) fn has_top_level_field(&self, name: &str) -> bool {
        match self {
            SchemaKind::Json(s) => s
                .value()
                .get("properties")
                .and_then(Value::as_object)
                .is_some_and(|properties| properties.contains_key(name)),
            SchemaKind::Avro(s) => s.has_field(name),
            SchemaKind::Protobuf(s) => s
                .top_messages()
                .first()
                .is_some_and(|message| message.get_field_by_name(name).is_some()),
        }
    }

    /// The CRC-64-AVRO fingerprint of the Parsing Canonical Form, which the
    /// Avro single-object encoding puts before a datum; `None` for formats
    /// without that encoding.
    pub(crate) fn single_object_fingerprint(&self) -> Option<u64> {
        match self {
            SchemaKind::Avro(s) => Some(s.rabin_fingerprint()),
            SchemaKind::Json(_) | SchemaKind::Protobuf(_) => None,
        }
    }

    /// The text a registry keeps of `submitted` (this schema's text as it
    /// was parsed) when it does not normalize: JSON-based formats without
    /// insignificant whitespace, Protobuf source as given (comments kept),
    /// and a Protobuf serialized descriptor printed as `.proto` text.
    pub(crate) fn submitted(&self, submitted: &str) -> Submitted {
        match self {
            SchemaKind::Json(_) | SchemaKind::Avro(_) => Submitted {
                text: crate::compact::compact_json(submitted),
                is_source: true,
            },
            SchemaKind::Protobuf(s) if s.is_source() => Submitted {
                text: submitted.to_string(),
                is_source: true,
            },
            SchemaKind::Protobuf(s) => Submitted {
                text: s.to_proto_text(),
                is_source: false,
            },
        }
    }

    /// The text the Confluent Schema Registry keeps of `submitted` (this
    /// schema's text as it was parsed) when it normalizes: Avro as Avro
    /// Java prints the peer's normalized schema, JSON Schema with every
    /// object's keys sorted and numbers as Jackson writes them back,
    /// Protobuf as the peer's normalizing printer writes the file.
    pub(crate) fn normalized_text(&self, submitted: &str) -> String {
        match self {
            SchemaKind::Json(s) => json::confluent::normalized_text(submitted)
                .unwrap_or_else(|| s.canonical().to_string()),
            SchemaKind::Avro(s) => s.normalized_text(),
            SchemaKind::Protobuf(s) => s.normalized_text(),
        }
    }

    /// The text the Confluent Schema Registry tells schemas apart by (its
    /// `canonicalString()`) for this schema kept as `kept` (the text it was
    /// parsed from, as a registry keeps it): Avro Java's printing of the
    /// parsed Avro schema; for JSON Schema and Protobuf `kept` itself,
    /// which is whitespace apart what the peer compares for JSON Schema
    /// (Jackson's printing of the tree) and keeps what its Protobuf printer
    /// drops (comments, formatting).
    pub(crate) fn identity_text<'t>(&self, kept: &'t str) -> Cow<'t, str> {
        match self {
            SchemaKind::Avro(s) => Cow::Owned(s.canonical_string()),
            SchemaKind::Json(_) | SchemaKind::Protobuf(_) => Cow::Borrowed(kept),
        }
    }

    /// The text in `form`, when the format has it.
    pub(crate) fn form(&self, form: Form) -> Option<String> {
        match (self, form) {
            (SchemaKind::Avro(s), Form::Resolved) => Some(s.resolved()),
            (SchemaKind::Protobuf(s), Form::Serialized) => Some(s.file_descriptor_base64()),
            (SchemaKind::Avro(_), Form::Serialized)
            | (SchemaKind::Protobuf(_), Form::Resolved)
            | (SchemaKind::Json(_), Form::Resolved | Form::Serialized) => None,
        }
    }

    /// One incompatibility as the Confluent Schema Registry writes it in
    /// its compatibility `messages`: JSON Schema and Protobuf as
    /// `{errorType:"TYPE", description:"..."}`, Avro as
    /// `{errorType:'TYPE', description:'...', additionalInfo:'...'}` (the
    /// quote character escaped with a backslash inside the values).
    pub(crate) fn incompatibility(
        &self,
        error_type: &str,
        description: &str,
        additional_info: &str,
    ) -> String {
        match self {
            SchemaKind::Json(_) | SchemaKind::Protobuf(_) => format!(
                "{{errorType:\"{error_type}\", description:\"{}\"}}",
                escape_quotes(description, '"')
            ),
            SchemaKind::Avro(_) => format!(
                "{{errorType:'{error_type}', description:'{}', additionalInfo:'{}'}}",
                escape_quotes(description, '\''),
                escape_quotes(additional_info, '\'')
            ),
        }
    }

    /// Every change from `old` to `new`, breaking marked in `directions`
    /// (unjudged directions are still listed). Schemas of two formats differ
    /// in one change, SCHEMA_TYPE_CHANGED, which breaks both directions.
    pub(crate) fn changes(
        old: &SchemaKind,
        new: &SchemaKind,
        policy: Policy,
        directions: Directions,
        work: &Work,
    ) -> Result<Vec<Change>, CompatError> {
        // A differ whose budget ran out stops descending; what it found is
        // then incomplete and is never a verdict.
        let changes = match (old, new) {
            (SchemaKind::Json(o), SchemaKind::Json(n)) => {
                json::diff::changes(o, n, policy, directions, work)?
            }
            (SchemaKind::Avro(o), SchemaKind::Avro(n)) => {
                avro::changes(o, n, policy, directions, work)
            }
            (SchemaKind::Protobuf(o), SchemaKind::Protobuf(n)) => {
                protobuf::diff::changes(o, n, directions, work)
            }
            (SchemaKind::Json(_) | SchemaKind::Avro(_) | SchemaKind::Protobuf(_), _) => {
                vec![schema_type_change(old.schema_type(), new.schema_type())]
            }
        };
        work.verdict()?;
        Ok(changes)
    }
}

/// `text` with `quote` and backslashes escaped by a backslash.
fn escape_quotes(text: &str, quote: char) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c == quote || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn schema_type_change(old: SchemaType, new: SchemaType) -> Change {
    Change {
        kind: ChangeKind::SchemaTypeChanged,
        path: "#/".to_string(),
        old: Some(old.as_str().into()),
        new: Some(new.as_str().into()),
        breaks: Breaks {
            backward: true,
            forward: true,
        },
        message: format!(
            "the schema type changed from {old} to {new} — no reader of one format can read the other"
        ),
        example: None,
        against: None,
    }
}

/// Examples for the changes between schemas of one list (a history and a
/// candidate), with what a format builds once per schema or per pair kept
/// for the next change.
pub(crate) struct Examples<'s> {
    kinds: Vec<&'s SchemaKind>,
    /// JSON Schema: each schema's validators, built on first use.
    json: json::example::Probes<'s>,
}

impl<'s> Examples<'s> {
    pub(crate) fn new(kinds: Vec<&'s SchemaKind>) -> Self {
        let json = json::example::Probes::new(kinds.len());
        Examples { kinds, json }
    }

    /// Sets the example of `change`, found between the schemas at `old` and
    /// `new`: a payload the writer's schema accepts and the reader's
    /// rejects. The old schema writes for a change that breaks backward, the
    /// new one for a change that breaks only forward; a change that breaks
    /// no reader, or between two formats, is left as it is.
    pub(crate) fn attach(&self, change: &mut Change, old: usize, new: usize) {
        let (Some(&o), Some(&n)) = (self.kinds.get(old), self.kinds.get(new)) else {
            return;
        };
        change.example = match (o, n) {
            (SchemaKind::Json(o), SchemaKind::Json(n)) => {
                let Some((writer, reader)) = roles(change, (old, o), (new, n)) else {
                    return;
                };
                match self.json.example(change, writer, reader) {
                    Some(found) => found,
                    None => return,
                }
            }
            (SchemaKind::Avro(o), SchemaKind::Avro(n)) => {
                let Some((writer, reader)) = roles(change, o, n) else {
                    return;
                };
                avro::example::find(writer, reader, &change.path)
            }
            (SchemaKind::Protobuf(o), SchemaKind::Protobuf(n)) => {
                protobuf::example::example(change, o, n)
            }
            (SchemaKind::Json(_) | SchemaKind::Avro(_) | SchemaKind::Protobuf(_), _) => return,
        };
    }
}

/// The writer and the reader of a change's example: the old schema writes
/// for a change that breaks backward, the new one for a change that breaks
/// only forward; none for a change that breaks no reader.
fn roles<T>(change: &Change, old: T, new: T) -> Option<(T, T)> {
    match (change.breaks.backward, change.breaks.forward) {
        (true, _) => Some((old, new)),
        (false, true) => Some((new, old)),
        (false, false) => None,
    }
}

/// A schema prepared for reading many payloads (see
/// [`crate::payload::PayloadValidator`], which holds one).
pub(crate) enum Prepared {
    Json(json::payload::Prepared),
    Avro(avro::payload::Prepared),
    Protobuf(protobuf::payload::Prepared),
}

impl Prepared {
    /// Prepares `kind`; `message` names the Protobuf message JSON payloads
    /// are (by default the first top-level one) and is refused for other
    /// formats.
    pub(crate) fn new(kind: &SchemaKind, message: Option<&str>) -> Result<Prepared, PrepareError> {
        let no_message = || match message {
            Some(_) => Err(PrepareError::MessageNotProtobuf(kind.schema_type())),
            None => Ok(()),
        };
        Ok(match kind {
            SchemaKind::Json(s) => {
                no_message()?;
                Prepared::Json(json::payload::Prepared::new(s).map_err(PrepareError::Validator)?)
            }
            SchemaKind::Avro(s) => {
                no_message()?;
                Prepared::Avro(avro::payload::Prepared::new(Arc::clone(s)))
            }
            SchemaKind::Protobuf(s) => {
                let message = match message {
                    Some(name) => s.message_name(name)?,
                    None => s
                        .message_names()
                        .into_iter()
                        .next()
                        .ok_or(PrepareError::NoMessage)?,
                };
                Prepared::Protobuf(protobuf::payload::Prepared::new(Arc::clone(s), message))
            }
        })
    }

    /// For Protobuf, the full name of the message JSON payloads are.
    pub(crate) fn message(&self) -> Option<&str> {
        match self {
            Prepared::Protobuf(p) => Some(p.message()),
            Prepared::Json(_) | Prepared::Avro(_) => None,
        }
    }

    /// For Protobuf, the full name of the message Confluent message
    /// `indexes` name.
    pub(crate) fn message_at(&self, indexes: &[usize]) -> Option<String> {
        match self {
            Prepared::Protobuf(p) => p.message_at(indexes),
            Prepared::Json(_) | Prepared::Avro(_) => None,
        }
    }

    /// A valid payload as domain rules see it; `message` names the
    /// Protobuf message it is (by default the prepared one).
    pub(crate) fn view(
        &self,
        value: &Value,
        message: Option<&str>,
        fields: bool,
    ) -> Result<crate::record::RecordView, String> {
        match self {
            Prepared::Json(p) => Ok(p.view(value, fields)),
            Prepared::Avro(p) => Ok(p.view(value, fields)),
            Prepared::Protobuf(p) => p.view(value, message, fields),
        }
    }

    /// Whether `value` is a valid payload.
    pub(crate) fn is_valid(&self, value: &Value) -> bool {
        match self {
            Prepared::Json(p) => p.is_valid(value),
            Prepared::Avro(_) | Prepared::Protobuf(_) => self.check(value).is_empty(),
        }
    }

    /// Every reason `value` is not a valid payload.
    pub(crate) fn check(&self, value: &Value) -> Vec<PayloadIssue> {
        match self {
            Prepared::Json(p) => p.check(value),
            Prepared::Avro(p) => p.check(value),
            Prepared::Protobuf(p) => p.check(value),
        }
    }

    /// What is left to check of a decoded payload: decoding a binary
    /// encoding checked every value already.
    pub(crate) fn check_decoded(&self, decoded: &Decoded) -> Vec<PayloadIssue> {
        match self {
            Prepared::Json(p) => p.check(&decoded.value),
            Prepared::Avro(_) | Prepared::Protobuf(_) => Vec::new(),
        }
    }

    /// Decodes serialized bytes (the framing removed).
    pub(crate) fn decode(
        &self,
        bytes: &[u8],
        indexes: Option<&[usize]>,
        limits: DecodeLimits,
    ) -> Result<Decoded, PayloadIssue> {
        match self {
            Prepared::Json(_) => Ok(Decoded {
                value: parse_json(bytes)?,
                message: None,
            }),
            Prepared::Avro(p) => p.decode(bytes, limits),
            Prepared::Protobuf(p) => p.decode(bytes, indexes),
        }
    }

    /// Why a consumer holding `reader` cannot read `decoded`, a payload
    /// this schema wrote (`bytes` when it was serialized).
    pub(crate) fn read_as(
        &self,
        reader: &Prepared,
        decoded: &Decoded,
        bytes: Option<&[u8]>,
    ) -> Vec<PayloadIssue> {
        match (self, reader) {
            (Prepared::Json(_), Prepared::Json(r)) => r.check(&decoded.value),
            (Prepared::Avro(w), Prepared::Avro(r)) => w.read_as(r, &decoded.value),
            (Prepared::Protobuf(_), Prepared::Protobuf(r)) => r.read(decoded, bytes),
            (Prepared::Json(_) | Prepared::Avro(_) | Prepared::Protobuf(_), _) => {
                vec![PayloadIssue::new(
                    "schemaType",
                    "",
                    format!(
                        "the writer schema is {} and the reader schema is {}",
                        self.schema_type(),
                        reader.schema_type()
                    ),
                )]
            }
        }
    }

    /// Serializes `value`: JSON text for JSON Schema (as it is; see
    /// [`check`](Self::check)), the binary encoding for Avro and Protobuf
    /// (checked as it is encoded).
    pub(crate) fn encode(&self, value: &Value) -> Result<Vec<u8>, Vec<PayloadIssue>> {
        match self {
            Prepared::Json(_) => Ok(value.to_string().into_bytes()),
            Prepared::Avro(p) => p.encode(value),
            Prepared::Protobuf(p) => p.encode(value),
        }
    }

    fn schema_type(&self) -> SchemaType {
        match self {
            Prepared::Json(_) => SchemaType::Json,
            Prepared::Avro(_) => SchemaType::Avro,
            Prepared::Protobuf(_) => SchemaType::Protobuf,
        }
    }
}
