//! Reading payloads with a schema: a JSON document in the Protobuf JSON
//! mapping, or the binary encoding (the Confluent framing, magic byte, schema
//! id and message indexes, is the caller's to strip).

use prost_reflect::{DynamicMessage, Kind, MessageDescriptor, ReflectMessage, Value as Field};
use serde_json::Value;

use super::ProtobufSchema;
use super::error::PayloadError;
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
        let descriptor = self.message(selector.into())?;
        let message = DynamicMessage::deserialize(descriptor.clone(), document).map_err(|e| {
            PayloadError::Json {
                message: descriptor.full_name().to_string(),
                reason: e.to_string(),
            }
        })?;
        check_required(&message, "")
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

fn map_key_text(key: &prost_reflect::MapKey) -> String {
    use prost_reflect::MapKey;
    match key {
        MapKey::Bool(b) => b.to_string(),
        MapKey::I32(n) => n.to_string(),
        MapKey::I64(n) => n.to_string(),
        MapKey::U32(n) => n.to_string(),
        MapKey::U64(n) => n.to_string(),
        MapKey::String(s) => pointer::escape(s).into_owned(),
    }
}
