//! Reading payloads with a schema: a JSON document in the Protobuf JSON
//! mapping, or the binary encoding (the Confluent framing, magic byte, schema
//! id and message indexes, is the caller's to strip).

use std::sync::Arc;

use prost_reflect::prost::Message as _;
use prost_reflect::{DynamicMessage, Kind, MessageDescriptor, ReflectMessage, Value as Field};
use serde_json::Value;

use super::ProtobufSchema;
use super::error::PayloadError;
use crate::issue::{BINARY_KEYWORD, Decoded, PayloadIssue};
use crate::pointer;

/// Which message of a schema a payload is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageSelector<'a> {
    /// By name: the full name (`pkg.Order`), or relative to the schema's
    /// package (`Order`, `Order.Line`).
    Name(&'a str),
    /// By Confluent message indexes: `[0]` is the first top-level message,
    /// `[1, 0]` the first message nested in the second.
    Indexes(&'a [usize]),
}

impl<'a> From<&'a str> for MessageSelector<'a> {
    fn from(name: &'a str) -> Self {
        MessageSelector::Name(name)
    }
}

impl<'a> From<&'a [usize]> for MessageSelector<'a> {
    fn from(indexes: &'a [usize]) -> Self {
        MessageSelector::Indexes(indexes)
    }
}

impl ProtobufSchema {
    /// The message `selector` names.
    pub(crate) fn message(
        &self,
        selector: MessageSelector<'_>,
    ) -> Result<MessageDescriptor, PayloadError> {
        match selector {
            MessageSelector::Name(name) => {
                let name = name.trim_start_matches('.');
                let pool = self.file().parent_pool();
                let package = self.package();
                let relative = (!package.is_empty())
                    .then(|| pool.get_message_by_name(&format!("{package}.{name}")))
                    .flatten();
                relative
                    .or_else(|| pool.get_message_by_name(name))
                    .ok_or_else(|| PayloadError::UnknownMessage {
                        name: name.to_string(),
                    })
            }
            MessageSelector::Indexes(indexes) => {
                let missing = || PayloadError::NoMessageAt {
                    indexes: indexes.to_vec(),
                };
                let (&first, rest) = indexes.split_first().ok_or_else(missing)?;
                let mut message = self.file().messages().nth(first).ok_or_else(missing)?;
                for &index in rest {
                    let child = message
                        .child_messages()
                        .filter(|m| !m.is_map_entry())
                        .nth(index)
                        .ok_or_else(missing)?;
                    message = child;
                }
                Ok(message)
            }
        }
    }

    /// The full name of the message `selector` names.
    pub fn message_name<'a>(
        &self,
        selector: impl Into<MessageSelector<'a>>,
    ) -> Result<String, PayloadError> {
        Ok(self.message(selector.into())?.full_name().to_string())
    }

    /// Checks that `document` is a valid JSON mapping of the message
    /// `selector` names: known fields only, values of the right types, and
    /// every proto2 `required` field present.
    pub fn validate_json<'a>(
        &self,
        selector: impl Into<MessageSelector<'a>>,
        document: &Value,
    ) -> Result<(), PayloadError> {
        self.read_json(selector.into(), document).map(drop)
    }

    /// Encodes `document`, a JSON mapping of the message `selector` names,
    /// in the binary encoding; the document is checked as
    /// [`validate_json`](Self::validate_json) checks it.
    pub fn encode_json<'a>(
        &self,
        selector: impl Into<MessageSelector<'a>>,
        document: &Value,
    ) -> Result<Vec<u8>, PayloadError> {
        Ok(self.read_json(selector.into(), document)?.encode_to_vec())
    }

    fn read_json(
        &self,
        selector: MessageSelector<'_>,
        document: &Value,
    ) -> Result<DynamicMessage, PayloadError> {
        let descriptor = self.message(selector)?;
        let message = DynamicMessage::deserialize(descriptor.clone(), document).map_err(|e| {
            PayloadError::Json {
                message: descriptor.full_name().to_string(),
                reason: e.to_string(),
            }
        })?;
        check_required(&message, "")?;
        Ok(message)
    }

    /// Decodes the binary encoding of the message `selector` names, and
    /// answers it in the JSON mapping (unknown fields are skipped, proto2
    /// `required` fields must be present).
    pub fn decode_binary<'a>(
        &self,
        selector: impl Into<MessageSelector<'a>>,
        bytes: &[u8],
    ) -> Result<Value, PayloadError> {
        let descriptor = self.message(selector.into())?;
        let message = DynamicMessage::decode(descriptor.clone(), bytes).map_err(|e| {
            PayloadError::Binary {
                message: descriptor.full_name().to_string(),
                reason: e.to_string(),
            }
        })?;
        check_required(&message, "")?;
        serde_json::to_value(&message).map_err(|e| PayloadError::Binary {
            message: descriptor.full_name().to_string(),
            reason: e.to_string(),
        })
    }
}

/// A Protobuf schema prepared for payloads of one message by default.
pub(crate) struct Prepared {
    schema: Arc<ProtobufSchema>,
    /// The full name of the message JSON payloads are, and binary ones
    /// when no message indexes say otherwise.
    message: String,
}

impl Prepared {
    /// Payloads of `message` (a full name) by default.
    pub(crate) fn new(schema: Arc<ProtobufSchema>, message: String) -> Prepared {
        Prepared { schema, message }
    }

    /// The full name of the default message.
    pub(crate) fn message(&self) -> &str {
        &self.message
    }

    /// A message in the JSON mapping as domain rules see it (see
    /// [`super::rules`]): the message `name` names, else the default one.
    pub(crate) fn view(
        &self,
        value: &Value,
        name: Option<&str>,
        fields: bool,
    ) -> Result<crate::record::RecordView, String> {
        let name = name.unwrap_or(&self.message);
        let descriptor = self
            .schema
            .message(MessageSelector::Name(name))
            .map_err(|e| e.to_string())?;
        super::rules::view(&descriptor, value, fields)
    }

    /// The full name of the message Confluent message `indexes` name.
    pub(crate) fn message_at(&self, indexes: &[usize]) -> Option<String> {
        self.schema.message_name(indexes).ok()
    }

    /// Why `value` is not a valid JSON mapping of the default message.
    pub(crate) fn check(&self, value: &Value) -> Vec<PayloadIssue> {
        match self.schema.validate_json(self.message.as_str(), value) {
            Ok(()) => Vec::new(),
            Err(e) => vec![issue(e)],
        }
    }

    /// The binary encoding of the message at `indexes` (from the framing),
    /// else of the default message, in the JSON mapping.
    pub(crate) fn decode(
        &self,
        bytes: &[u8],
        indexes: Option<&[usize]>,
    ) -> Result<Decoded, PayloadIssue> {
        let selector = match indexes {
            Some(indexes) => MessageSelector::Indexes(indexes),
            None => MessageSelector::Name(&self.message),
        };
        let name = self.schema.message_name(selector).map_err(issue)?;
        let value = self.schema.decode_binary(selector, bytes).map_err(issue)?;
        Ok(Decoded {
            value,
            message: Some(name),
        })
    }

    /// Why a consumer holding this schema cannot read `decoded`: its
    /// `bytes` decoded as they are when there are some, else its JSON
    /// mapping. The consumer reads the message under the writer's name
    /// when it knows it, else as the message it was built for.
    pub(crate) fn read(&self, decoded: &Decoded, bytes: Option<&[u8]>) -> Vec<PayloadIssue> {
        let name = decoded
            .message
            .as_deref()
            .filter(|name| self.schema.message_name(*name).is_ok())
            .unwrap_or(&self.message);
        let outcome = match bytes {
            Some(bytes) => self.schema.decode_binary(name, bytes).map(drop),
            None => self.schema.validate_json(name, &decoded.value),
        };
        match outcome {
            Ok(()) => Vec::new(),
            Err(e) => vec![issue(e)],
        }
    }

    /// A JSON mapping of the default message in the binary encoding.
    pub(crate) fn encode(&self, value: &Value) -> Result<Vec<u8>, Vec<PayloadIssue>> {
        self.schema
            .encode_json(self.message.as_str(), value)
            .map_err(|e| vec![issue(e)])
    }
}

/// A payload error as an issue: a missing proto2 `required` field at its
/// place, bytes that do not decode as `binary`, the rest as `protobuf`.
fn issue(e: PayloadError) -> PayloadIssue {
    match &e {
        PayloadError::MissingRequired { path, field, .. } => {
            let at = if path == "/" { "" } else { path.as_str() };
            PayloadIssue::new("required", format!("{at}/{field}"), e.to_string())
        }
        PayloadError::Binary { .. } => PayloadIssue::new(BINARY_KEYWORD, "", e.to_string()),
        PayloadError::UnknownMessage { .. }
        | PayloadError::NoMessageAt { .. }
        | PayloadError::Json { .. } => PayloadIssue::new("protobuf", "", e.to_string()),
    }
}

/// The first proto2 `required` field missing in `message` or below it;
/// `path` is the JSON pointer of `message` in the JSON mapping.
pub(crate) fn check_required(message: &DynamicMessage, path: &str) -> Result<(), PayloadError> {
    let descriptor = message.descriptor();
    for field in descriptor.fields() {
        if field.is_required() && !message.has_field(&field) {
            return Err(PayloadError::MissingRequired {
                message: descriptor.full_name().to_string(),
                path: if path.is_empty() {
                    "/".into()
                } else {
                    path.into()
                },
                field: field.name().to_string(),
            });
        }
        if !matches!(field.kind(), Kind::Message(_)) || !message.has_field(&field) {
            continue;
        }
        let at = format!("{path}/{}", field.json_name());
        match message.get_field(&field).as_ref() {
            Field::Message(inner) => check_required(inner, &at)?,
            Field::List(items) => {
                for (i, item) in items.iter().enumerate() {
                    if let Field::Message(inner) = item {
                        check_required(inner, &format!("{at}/{i}"))?;
                    }
                }
            }
            Field::Map(entries) => {
                for (key, value) in entries {
                    if let Field::Message(inner) = value {
                        check_required(inner, &format!("{at}/{}", map_key_text(key)))?;
                    }
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// A map key as a JSON pointer token.
fn map_key_text(key: &prost_reflect::MapKey) -> String {
    match key {
        prost_reflect::MapKey::String(s) => pointer::escape(s).into_owned(),
        key => super::print::map_key(key),
    }
}
