//! Example messages for breaking changes: a message the writer's schema can
//! produce that the reader's schema cannot read, shown in the Protobuf JSON
//! mapping. Each example is checked on the wire: it is encoded with the
//! writer's schema and decoded with the reader's, and kept only when that
//! fails (a wire-type clash), reads another value (a reinterpretation),
//! drops a oneof member, collapses fields a oneof now makes exclusive, or
//! misses a field the reader requires. The example is a message of the type
//! the change's path names (`#/Order/Line/3` gives an `Order.Line`).

use prost_reflect::prost::Message;
use prost_reflect::{DynamicMessage, Kind, MapKey, MessageDescriptor, Value as Field};
use serde_json::Value;
use std::collections::HashMap;

use super::ProtobufSchema;
use super::diff::local_name;
use super::payload::check_required;
use crate::change::Change;

/// How deep sample sub-messages are filled.
const SAMPLE_DEPTH: usize = 3;

/// An example for `change`, found between `old` and `new`: old writes and new
/// reads for a backward break, the reverse for a forward one (tried in that
/// order when it breaks both).
pub(crate) fn example(
    change: &Change,
    old: &ProtobufSchema,
    new: &ProtobufSchema,
) -> Option<Value> {
    let mut tries = Vec::new();
    if change.breaks.backward {
        tries.push((old, new));
    }
    if change.breaks.forward {
        tries.push((new, old));
    }
    tries
        .into_iter()
        .find_map(|(writer, reader)| probe(&change.path, writer, reader))
}

fn probe(path: &str, writer: &ProtobufSchema, reader: &ProtobufSchema) -> Option<Value> {
    let segments: Vec<&str> = path
        .trim_start_matches('#')
        .split('/')
        .filter(|s| !s.is_empty())
        .collect();
    let (message, rest) = resolve(writer, &segments)?;
    let read_as = resolve(reader, &segments)
        .filter(|(m, r)| local_name(m) == local_name(&message) && r.len() == rest.len());
    match rest {
        // The reader has no message of that name.
        [] => match read_as {
            None => to_json(&sample_message(&message, SAMPLE_DEPTH)),
            Some(_) => None,
        },
        [last] => match last.parse() {
            Ok(number) => field_example(&message, &read_as?.0, number, None),
            Err(_) => exclusive_example(&message, &read_as?.0, last),
        },
        [oneof, number] => field_example(&message, &read_as?.0, number.parse().ok()?, Some(*oneof)),
        _ => None,
    }
}

/// The message a path names in `schema`, and the segments after it.
fn resolve<'p, 's>(
    schema: &ProtobufSchema,
    segments: &'p [&'s str],
) -> Option<(MessageDescriptor, &'p [&'s str])> {
    let pool = schema.file().parent_pool();
    (1..=segments.len()).rev().find_map(|n| {
        let local = segments[..n].join(".");
        let full = if schema.package().is_empty() {
            local.clone()
        } else {
            format!("{}.{local}", schema.package())
        };
        pool.get_message_by_name(&full)
            .or_else(|| pool.all_messages().find(|m| local_name(m) == local))
            .map(|m| (m, &segments[n..]))
    })
}

/// A writer message with field `number` set (or, when the writer lacks it,
/// without it), kept when the reader misreads it.
fn field_example(
    writer: &MessageDescriptor,
    reader: &MessageDescriptor,
    number: u32,
    oneof: Option<&str>,
) -> Option<Value> {
    let mut message = minimal_message(writer);
    let written = writer.get_field(number);
    if let (Some(oneof), Some(field)) = (oneof, &written) {
        let in_oneof = field.containing_oneof().is_some_and(|o| o.name() == oneof);
        let reader_in_oneof = reader
            .get_field(number)
            .and_then(|f| f.containing_oneof())
            .is_some_and(|o| o.name() == oneof);
        if !in_oneof && !reader_in_oneof {
            return None;
        }
    }
    if let Some(field) = &written {
        message.set_field(field, sample_field(field, SAMPLE_DEPTH));
    }
    let bytes = message.encode_to_vec();
    let Ok(read) = DynamicMessage::decode(reader.clone(), bytes.as_slice()) else {
        return to_json(&message);
    };
    if check_required(&read, "").is_err() {
        return to_json(&message);
    }
    let field = written?;
    let value = message.get_field(&field);
    let shown = match reader.get_field(number) {
        // A oneof member the reader does not know: the oneof reads unset.
        None => field.containing_oneof().is_some_and(|o| !o.is_synthetic()),
        Some(read_field) => {
            let read_value = read.get_field(&read_field);
            !same_value(&numbered(&value), &numbered(&read_value))
        }
    };
    if shown { to_json(&message) } else { None }
}

/// A writer message setting fields from different origins that the reader's
/// oneof `oneof` makes exclusive, kept when the reader loses some.
fn exclusive_example(
    writer: &MessageDescriptor,
    reader: &MessageDescriptor,
    oneof: &str,
) -> Option<Value> {
    let reader_oneof = reader.oneofs().find(|o| o.name() == oneof)?;
    let mut message = minimal_message(writer);
    let mut set = Vec::new();
    let mut origins = Vec::new();
    for member in reader_oneof.fields() {
        let Some(field) = writer.get_field(member.number()) else {
            continue;
        };
        let origin = field
            .containing_oneof()
            .filter(|o| !o.is_synthetic())
            .map_or_else(|| format!("#{}", field.number()), |o| o.name().to_string());
        if origins.contains(&origin) {
            continue;
        }
        origins.push(origin);
        message.set_field(&field, sample_field(&field, SAMPLE_DEPTH));
        set.push(field.number());
    }
    if set.len() < 2 {
        return None;
    }
    let read = DynamicMessage::decode(reader.clone(), message.encode_to_vec().as_slice()).ok();
    let kept = read.map_or(0, |r| {
        set.iter().filter(|n| r.has_field_by_number(**n)).count()
    });
    if kept < set.len() {
        to_json(&message)
    } else {
        None
    }
}

fn to_json(message: &DynamicMessage) -> Option<Value> {
    serde_json::to_value(message).ok()
}

/// A message with only its proto2 `required` fields set.
fn minimal_message(descriptor: &MessageDescriptor) -> DynamicMessage {
    let mut message = DynamicMessage::new(descriptor.clone());
    for field in descriptor.fields().filter(|f| f.is_required()) {
        message.set_field(&field, sample_field(&field, SAMPLE_DEPTH));
    }
    message
}

/// A message with every field set (one member per oneof), `depth` levels deep.
fn sample_message(descriptor: &MessageDescriptor, depth: usize) -> DynamicMessage {
    let mut message = DynamicMessage::new(descriptor.clone());
    let mut oneofs = Vec::new();
    for field in descriptor.fields() {
        if let Some(oneof) = field.containing_oneof() {
            if oneofs.contains(&oneof.name().to_string()) {
                continue;
            }
            oneofs.push(oneof.name().to_string());
        }
        if matches!(field.kind(), Kind::Message(_)) && depth == 0 && !field.is_required() {
            continue;
        }
        message.set_field(&field, sample_field(&field, depth));
    }
    message
}

/// A value for `field` that is not its default (defaults are not encoded):
/// two elements for a list, one entry for a map.
fn sample_field(field: &prost_reflect::FieldDescriptor, depth: usize) -> Field {
    let kind = field.kind();
    if field.is_map() {
        let Kind::Message(entry) = &kind else {
            return Field::Map(HashMap::new());
        };
        let key = match sample(&entry.map_entry_key_field().kind(), depth) {
            Field::Bool(b) => MapKey::Bool(b),
            Field::I32(n) => MapKey::I32(n),
            Field::I64(n) => MapKey::I64(n),
            Field::U32(n) => MapKey::U32(n),
            Field::U64(n) => MapKey::U64(n),
            Field::String(s) => MapKey::String(s),
            _ => MapKey::String("key".into()),
        };
        let value = sample(
            &entry.map_entry_value_field().kind(),
            depth.saturating_sub(1),
        );
        return Field::Map(HashMap::from([(key, value)]));
    }
    if field.is_list() {
        return Field::List(vec![sample(&kind, depth), sample(&kind, depth)]);
    }
    sample(&kind, depth)
}

fn sample(kind: &Kind, depth: usize) -> Field {
    match kind {
        Kind::Double => Field::F64(1.5),
        Kind::Float => Field::F32(1.5),
        Kind::Int32 | Kind::Sint32 | Kind::Sfixed32 => Field::I32(150),
        Kind::Int64 | Kind::Sint64 | Kind::Sfixed64 => Field::I64(150),
        Kind::Uint32 | Kind::Fixed32 => Field::U32(150),
        Kind::Uint64 | Kind::Fixed64 => Field::U64(150),
        Kind::Bool => Field::Bool(true),
        Kind::String => Field::String("text".into()),
        Kind::Bytes => Field::Bytes(b"bytes".as_slice().into()),
        Kind::Enum(e) => Field::EnumNumber(
            e.values()
                .map(|v| v.number())
                .find(|n| *n != 0)
                .unwrap_or(1),
        ),
        Kind::Message(m) => Field::Message(sample_message(m, depth.saturating_sub(1))),
    }
}

/// A value with message fields keyed by number, so that renamed fields
/// compare equal.
fn numbered(value: &Field) -> Value {
    match value {
        Field::Bool(b) => Value::Bool(*b),
        Field::I32(n) => Value::from(*n),
        Field::I64(n) => Value::from(*n),
        Field::U32(n) => Value::from(*n),
        Field::U64(n) => Value::from(*n),
        Field::F32(x) => Value::from(f64::from(*x)),
        Field::F64(x) => Value::from(*x),
        Field::String(s) => Value::from(s.as_bytes()),
        Field::Bytes(b) => Value::from(b.as_ref()),
        Field::EnumNumber(n) => Value::from(*n),
        Field::Message(m) => {
            let mut object = serde_json::Map::new();
            for (field, value) in m.fields() {
                object.insert(field.number().to_string(), numbered(value));
            }
            for unknown in m.unknown_fields() {
                object.insert(format!("unknown {}", unknown.number()), Value::Null);
            }
            Value::Object(object)
        }
        Field::List(items) => Value::Array(items.iter().map(numbered).collect()),
        Field::Map(entries) => {
            let mut pairs: Vec<(String, Value)> = entries
                .iter()
                .map(|(k, v)| (format!("{k:?}"), numbered(v)))
                .collect();
            pairs.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Object(pairs.into_iter().collect())
        }
    }
}

/// Equal values, a single value counting as equal to a one-element list (a
/// repeated reader reads a single value that way).
fn same_value(written: &Value, read: &Value) -> bool {
    match (written, read) {
        (w, Value::Array(items)) if !w.is_array() => items.len() == 1 && items[0] == *w,
        (w, r) => w == r,
    }
}
