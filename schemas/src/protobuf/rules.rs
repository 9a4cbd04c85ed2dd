//! A message in the Protobuf JSON mapping as Confluent's rule executors see
//! the decoded message (see [`crate::record`]): a map of its fields by
//! their `.proto` names (not the JSON names), every field of the message
//! with its value or default (a message field only when set, a `oneof`
//! member only when it is the one set), 32- and 64-bit integers as CEL
//! `int` (Confluent's default `cel.unsigned.field.type`, `int`; a `uint64`
//! above `i64::MAX` as `uint`), enums as their number, bytes as bytes.
//!
//! The fields a `CEL_FIELD` rule visits are the walk of Confluent's
//! `ProtobufSchema.toTransformedMessage`: every field, through repeated
//! fields, map values and nested messages, down to scalar values;
//! `fullName` is the field's full name (`acme.Order.email`). Tags written
//! in the `.proto` (`(confluent.field_meta).tags`) are not read: use the
//! schema's `metadata.tags`.

use std::collections::BTreeSet;
use std::sync::Arc;

use cel::Value as Cel;
use cel::objects::{Key, Map};
use prost_reflect::{
    DynamicMessage, FieldDescriptor, Kind, MapKey, MessageDescriptor, ReflectMessage,
    Value as Proto,
};
use serde_json::Value;

use crate::pointer;
use crate::record::{FieldSite, RecordView, TypeName};

const MAX_DEPTH: usize = 100;

/// The view of `value`, a JSON mapping of `descriptor` already checked.
pub(crate) fn view(
    descriptor: &MessageDescriptor,
    value: &Value,
    fields: bool,
) -> Result<RecordView, String> {
    let message =
        DynamicMessage::deserialize(descriptor.clone(), value).map_err(|e| e.to_string())?;
    let mut sites = Vec::new();
    if fields {
        walk(&message, &mut String::new(), &mut sites, 0);
    }
    Ok(RecordView {
        message: cel_message(&message, 0),
        fields: sites,
    })
}

/// The fields present as Confluent's executors list them.
fn present(message: &DynamicMessage) -> Vec<FieldDescriptor> {
    message
        .descriptor()
        .fields()
        .filter(|f| {
            let member = f.containing_oneof().is_some_and(|o| !o.is_synthetic());
            let is_message = matches!(f.kind(), Kind::Message(_)) && !f.is_list() && !f.is_map();
            !(member || is_message) || message.has_field(f)
        })
        .collect()
}

fn cel_message(message: &DynamicMessage, depth: usize) -> Cel {
    let map: std::collections::HashMap<Key, Cel> = present(message)
        .into_iter()
        .map(|f| {
            let value = message.get_field(&f);
            (
                Key::String(Arc::new(f.name().to_string())),
                cel_value(&value, depth + 1),
            )
        })
        .collect();
    Cel::Map(Map { map: Arc::new(map) })
}

fn cel_value(value: &Proto, depth: usize) -> Cel {
    if depth > MAX_DEPTH {
        return Cel::Null;
    }
    match value {
        Proto::Bool(b) => Cel::Bool(*b),
        Proto::I32(i) => Cel::Int(i64::from(*i)),
        Proto::I64(i) => Cel::Int(*i),
        Proto::U32(u) => Cel::Int(i64::from(*u)),
        Proto::U64(u) => i64::try_from(*u).map_or(Cel::UInt(*u), Cel::Int),
        Proto::F32(f) => Cel::Float(f64::from(*f)),
        Proto::F64(f) => Cel::Float(*f),
        Proto::String(s) => Cel::String(Arc::new(s.clone())),
        Proto::Bytes(b) => Cel::Bytes(Arc::new(b.to_vec())),
        Proto::EnumNumber(n) => Cel::Int(i64::from(*n)),
        Proto::Message(m) => cel_message(m, depth),
        Proto::List(items) => Cel::List(Arc::new(
            items.iter().map(|v| cel_value(v, depth + 1)).collect(),
        )),
        Proto::Map(entries) => {
            let map = entries
                .iter()
                .map(|(k, v)| (map_key(k), cel_value(v, depth + 1)))
                .collect();
            Cel::Map(Map { map: Arc::new(map) })
        }
    }
}

fn map_key(key: &MapKey) -> Key {
    match key {
        MapKey::Bool(b) => Key::Bool(*b),
        MapKey::I32(i) => Key::Int(i64::from(*i)),
        MapKey::I64(i) => Key::Int(*i),
        MapKey::U32(u) => Key::Uint(u64::from(*u)),
        MapKey::U64(u) => Key::Uint(*u),
        MapKey::String(s) => Key::String(Arc::new(s.clone())),
    }
}

fn walk(message: &DynamicMessage, path: &mut String, sites: &mut Vec<FieldSite>, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    let container = cel_message(message, depth);
    for field in present(message) {
        let value = message.get_field(&field);
        let len = path.len();
        pointer::push(path, field.json_name());
        let site = Site {
            field: &field,
            container: &container,
        };
        site.value(&value, path, sites, depth + 1);
        path.truncate(len);
    }
}

struct Site<'a> {
    field: &'a FieldDescriptor,
    container: &'a Cel,
}

impl Site<'_> {
    fn value(&self, value: &Proto, path: &mut String, sites: &mut Vec<FieldSite>, depth: usize) {
        match value {
            Proto::Message(m) => walk(m, path, sites, depth),
            Proto::List(items) => {
                for (i, item) in items.iter().enumerate() {
                    let len = path.len();
                    pointer::push(path, &i.to_string());
                    self.value(item, path, sites, depth + 1);
                    path.truncate(len);
                }
            }
            Proto::Map(entries) => {
                for (key, item) in entries {
                    let len = path.len();
                    pointer::push(path, &key_text(key));
                    self.value(item, path, sites, depth + 1);
                    path.truncate(len);
                }
            }
            Proto::EnumNumber(_) => {}
            scalar => {
                let type_name = match scalar {
                    Proto::Bool(_) => TypeName::Boolean,
                    Proto::I32(_) | Proto::U32(_) => TypeName::Int,
                    Proto::I64(_) | Proto::U64(_) => TypeName::Long,
                    Proto::F32(_) => TypeName::Float,
                    Proto::F64(_) => TypeName::Double,
                    Proto::String(_) => TypeName::String,
                    _ => TypeName::Bytes,
                };
                sites.push(FieldSite {
                    full_name: self.field.full_name().to_string(),
                    name: self.field.name().to_string(),
                    type_name,
                    tags: BTreeSet::new(),
                    value: cel_value(scalar, depth),
                    container: self.container.clone(),
                    path: path.clone(),
                });
            }
        }
    }
}

fn key_text(key: &MapKey) -> String {
    match key {
        MapKey::Bool(b) => b.to_string(),
        MapKey::I32(i) => i.to_string(),
        MapKey::I64(i) => i.to_string(),
        MapKey::U32(u) => u.to_string(),
        MapKey::U64(u) => u.to_string(),
        MapKey::String(s) => s.clone(),
    }
}
