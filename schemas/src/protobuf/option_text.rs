//! Message-valued options as text: the same text for the same value.

use prost_reflect::{DynamicMessage, Kind, MapKey, MessageDescriptor, Value};

/// A message-valued option in text format, the same for the same value:
/// prost-reflect's own text where no map is inside, else with the fields
/// that hold maps after the others and map entries in key order
/// (prost-reflect writes a map in the order of its hash table, which
/// differs from one parse to the next).
pub(super) fn message_text(message: &DynamicMessage) -> String {
    let mut rest = message.clone();
    let mut held = Vec::new();
    for (field, value) in message.fields() {
        if !holds_map(value) {
            continue;
        }
        rest.clear_field(&field);
        let name = field.name();
        match value {
            Value::Map(map) => {
                let Kind::Message(entry) = field.kind() else {
                    continue;
                };
                let mut entries: Vec<_> = map.iter().collect();
                entries.sort_by(|a, b| a.0.cmp(b.0));
                for (key, value) in entries {
                    held.push(format!("{name} {{ {} }}", entry_text(&entry, key, value)));
                }
            }
            Value::List(items) => {
                for item in items {
                    if let Value::Message(m) = item {
                        held.push(format!("{name} {{ {} }}", message_text(m)));
                    }
                }
            }
            Value::Message(m) => held.push(format!("{name} {{ {} }}", message_text(m))),
            _ => {}
        }
    }
    let mut parts = vec![rest.to_text_format()];
    parts.extend(held);
    parts.retain(|part| !part.is_empty());
    parts.join(" ")
}

/// Whether `value` is a map or holds one.
fn holds_map(value: &Value) -> bool {
    match value {
        Value::Map(_) => true,
        Value::List(items) => items.iter().any(holds_map),
        Value::Message(m) => m.fields().any(|(_, v)| holds_map(v)),
        _ => false,
    }
}

/// One entry of a map whose entry message is `entry`, in text format.
fn entry_text(entry: &MessageDescriptor, key: &MapKey, value: &Value) -> String {
    let mut text = DynamicMessage::new(entry.clone());
    text.set_field_by_number(1, Value::from(key.clone()));
    match value {
        Value::Message(m) if holds_map(value) => {
            format!("{} value {{ {} }}", text.to_text_format(), message_text(m))
        }
        _ => {
            text.set_field_by_number(2, value.clone());
            text.to_text_format()
        }
    }
}
