//! Turns the raw differences of both reading directions into [`Change`]s:
//! one list in old → new terms, each marked with the readers it breaks and a
//! sentence saying what changed and why that breaks them on the wire.

use serde_json::Value;

use super::{FieldInfo, Group, RawChange, ShapeName, Side, raw_changes};
use crate::change::{Breaks, Change, ChangeKind};
use crate::limits::Work;
use crate::protobuf::ProtobufSchema;
use crate::vocabulary::{Directions, Policy};

/// One change while the two directions are merged.
struct Entry {
    /// In old → new terms.
    raw: RawChange,
    /// The difference found reading new data with the old schema, when it
    /// breaks those readers.
    reverse: Option<RawChange>,
    /// Found only in the reverse direction.
    reversed: bool,
    breaks: Breaks,
}

/// Every change from `old` to `new`. Judging `directions.backward`, changes
/// that stop new readers reading old data are marked; judging
/// `directions.forward`, those that stop old readers reading new data. The peer's policy has no effect on Protobuf.
pub(crate) fn changes(
    old: &ProtobufSchema,
    new: &ProtobufSchema,
    directions: Directions,
    work: &Work,
) -> Vec<Change> {
    let mut list: Vec<Entry> = Vec::new();
    if directions.any() {
        for raw in raw_changes(old, new, work) {
            let breaking = directions.backward && !raw.kind.is_compatible(Policy::Strict);
            list.push(Entry {
                raw,
                reverse: None,
                reversed: false,
                breaks: Breaks {
                    backward: breaking,
                    forward: false,
                },
            });
        }
    }
    if directions.forward {
        for raw in raw_changes(new, old, work) {
            if raw.kind.is_compatible(Policy::Strict) {
                continue;
            }
            let mirrored = mirror(raw.kind);
            let pair = list.iter().position(|e| {
                !e.reversed
                    && e.reverse.is_none()
                    && e.raw.key == raw.key
                    && (e.raw.kind == mirrored || e.raw.kind == raw.kind)
            });
            match pair {
                Some(i) => {
                    list[i].breaks.forward = true;
                    list[i].reverse = Some(raw);
                }
                None => list.push(Entry {
                    raw: RawChange {
                        kind: mirrored,
                        path: raw.path.clone(),
                        key: raw.key.clone(),
                        old: raw.new.clone(),
                        new: raw.old.clone(),
                        detail: raw.detail.clone(),
                    },
                    reverse: Some(raw),
                    reversed: true,
                    breaks: Breaks {
                        backward: false,
                        forward: true,
                    },
                }),
            }
        }
    }
    list.into_iter()
        .map(|entry| Change {
            message: message(&entry),
            kind: entry.raw.kind,
            path: entry.raw.path,
            old: side_value(&entry.raw.old),
            new: side_value(&entry.raw.new),
            breaks: entry.breaks,
            example: None,
            against: None,
        })
        .collect()
}

/// The kind naming the same difference seen from the other side.
fn mirror(kind: ChangeKind) -> ChangeKind {
    use ChangeKind::*;
    match kind {
        MessageAdded => MessageRemoved,
        MessageRemoved => MessageAdded,
        EnumAdded => EnumRemoved,
        EnumRemoved => EnumAdded,
        EnumConstAdded => EnumConstRemoved,
        EnumConstRemoved => EnumConstAdded,
        FieldAdded => FieldRemovedWithoutReserving,
        FieldRemoved | FieldRemovedWithoutReserving => FieldAdded,
        RequiredFieldAdded => RequiredFieldRemoved,
        RequiredFieldRemoved => RequiredFieldAdded,
        OneofAdded => OneofRemoved,
        OneofRemoved => OneofAdded,
        OneofFieldAdded => OneofFieldRemoved,
        OneofFieldRemoved => OneofFieldAdded,
        other => other,
    }
}

fn side_value(side: &Side) -> Option<Value> {
    match side {
        Side::Nothing => None,
        Side::Package(s) | Side::Message(s) | Side::Enum(s) | Side::EnumValue(s) => {
            Some(Value::String(s.clone()))
        }
        Side::Oneof(name) => Some(Value::String(format!("oneof {name}"))),
        Side::Field(field) => Some(Value::String(field.declaration.clone())),
    }
}

fn field(side: &Side) -> Option<&FieldInfo> {
    match side {
        Side::Field(f) => Some(f),
        _ => None,
    }
}

fn name_of(side: &Side) -> String {
    match side {
        Side::Nothing => String::new(),
        Side::Package(s) if s.is_empty() => "no package".into(),
        Side::Package(s) | Side::Message(s) | Side::Enum(s) | Side::EnumValue(s) => {
            format!("`{s}`")
        }
        Side::Oneof(name) => format!("`{name}`"),
        Side::Field(f) => format!("`{}`", f.declaration),
    }
}

/// The segment of a path before its last one (a oneof's name for a member).
fn parent_segment(path: &str) -> &str {
    let mut parts = path.rsplit('/');
    parts.next();
    parts.next().unwrap_or_default()
}

fn last_segment(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or_default()
}

fn shape_words(shape: ShapeName) -> &'static str {
    match shape {
        ShapeName::Scalar(_) => "a scalar",
        ShapeName::Message => "a message",
        ShapeName::Map => "a map",
    }
}

/// What changed, in old → new terms.
fn what(entry: &Entry) -> String {
    use ChangeKind::*;
    let raw = &entry.raw;
    let (old, new) = (name_of(&raw.old), name_of(&raw.new));
    let number = last_segment(&raw.path);
    let field_name = field(&raw.new)
        .or(field(&raw.old))
        .map(|f| format!("field {} `{}`", f.number, f.name))
        .unwrap_or_default();
    match raw.kind {
        PackageChanged => format!("the package changed from {old} to {new}"),
        MessageAdded => format!("message {new} was added"),
        MessageRemoved => format!("message {old} was removed"),
        MessageMoved => format!(
            "message {new} moved from position {} to {} among its siblings",
            raw.detail.first().map_or("?", String::as_str),
            raw.detail.get(1).map_or("?", String::as_str)
        ),
        EnumAdded => format!("enum {new} was added"),
        EnumRemoved => format!("enum {old} was removed"),
        EnumConstAdded => format!("enum value {new} = {number} was added"),
        EnumConstRemoved => format!("enum value {old} = {number} was removed"),
        EnumConstChanged => format!("enum value {number} was renamed from {old} to {new}"),
        FieldAdded => format!("field {new} was added"),
        FieldRemoved => format!("field {old} was removed; its number is reserved"),
        FieldRemovedWithoutReserving => {
            format!("field {old} was removed without reserving its number")
        }
        FieldNameChanged => format!(
            "field {number} was renamed from `{}` to `{}`",
            field(&raw.old).map_or("", |f| f.name.as_str()),
            field(&raw.new).map_or("", |f| f.name.as_str())
        ),
        FieldKindChanged => match (field(&raw.old), field(&raw.new)) {
            (Some(o), Some(n)) => format!(
                "{field_name} changed from {} ({}) to {} ({})",
                shape_words(o.shape),
                o.type_name,
                shape_words(n.shape),
                n.type_name
            ),
            _ => format!("{field_name} changed kind"),
        },
        FieldScalarKindChanged => match (field(&raw.old), field(&raw.new)) {
            (Some(o), Some(n)) => {
                format!(
                    "{field_name} changed type from {} to {}",
                    o.type_name, n.type_name
                )
            }
            _ => format!("{field_name} changed type"),
        },
        FieldNamedTypeChanged => match (field(&raw.old), field(&raw.new), raw.detail.first()) {
            (_, Some(n), Some(place)) => format!(
                "{field_name} still has type {}, but that message changed incompatibly (see the changes under {place})",
                n.type_name
            ),
            (Some(o), Some(n), None) => format!(
                "{field_name} changed message type from {} to {}",
                o.type_name, n.type_name
            ),
            _ => format!("{field_name} changed message type"),
        },
        FieldNumericLabelChanged | FieldStringOrBytesLabelChanged => {
            format!("field {number} changed from {old} to {new}")
        }
        RequiredFieldAdded => format!("required field {new} was added"),
        RequiredFieldRemoved => format!("required field {old} was removed"),
        OneofAdded => format!("oneof {new} was added"),
        OneofRemoved => format!("oneof {old} was removed"),
        OneofFieldAdded => format!(
            "field {new} was added to oneof `{}`",
            parent_segment(&raw.path)
        ),
        OneofFieldRemoved => format!(
            "field {old} was removed from oneof `{}`",
            parent_segment(&raw.path)
        ),
        OneofFieldMovedToTopLevel => format!("field {new} left its oneof"),
        MultipleFieldsMovedToOneof | FieldMovedToExistingOneof if entry.reversed => format!(
            "fields {} of oneof {old} are no longer exclusive in the new schema",
            raw.detail.first().map_or("", String::as_str)
        ),
        MultipleFieldsMovedToOneof | FieldMovedToExistingOneof => format!(
            "oneof {new} now makes {} exclusive with each other",
            raw.detail.get(1..).unwrap_or_default().join(" and ")
        ),
        other => format!("{other} at {}", raw.path),
    }
}

/// Why data written with one side fails the other side's reader, for a
/// difference found with `raw.old` as the writer; `writer` is "old" or "new".
fn why(raw: &RawChange, writer: &str) -> String {
    use ChangeKind::*;
    let written = field(&raw.old);
    let reading = field(&raw.new);
    let number = written.or(reading).map_or(0, |f| f.number);
    match raw.kind {
        PackageChanged => format!(
            "every message's full name changed, so readers that resolve types by name (google.protobuf.Any, gRPC, generated classes) do not find the {writer} types"
        ),
        MessageRemoved | MessageAdded => format!(
            "{writer} data of message {} has no message of that name to be read as",
            name_of(&raw.old)
        ),
        FieldKindChanged => match (written, reading) {
            (Some(w), Some(r)) => format!(
                "{writer} data carries field {number} as {}, which the reader decodes as {}",
                shape_words(w.shape),
                shape_words(r.shape)
            ),
            _ => format!("{writer} data carries field {number} in another encoding"),
        },
        FieldScalarKindChanged => match (written, reading) {
            (Some(w), Some(r)) => scalar_clash(writer, w, r),
            _ => format!("{writer} data carries field {number} in another encoding"),
        },
        FieldNamedTypeChanged => match (written, reading) {
            (Some(w), Some(r)) if w.type_name != r.type_name || raw.detail.is_empty() => format!(
                "{writer} data holds a {} in field {number}, which the reader parses as a {}",
                w.type_name, r.type_name
            ),
            _ => format!(
                "{writer} data in field {number} is a message the reader's version of it cannot read"
            ),
        },
        FieldNumericLabelChanged => match written {
            Some(w) if w.repeated => format!(
                "{writer} data may carry several values in field {number} (packed into one length-delimited record in proto3), where the reader expects one number: it fails on a packed list or keeps only the last value"
            ),
            _ => format!(
                "a repeated reader does read a single {writer} value as a one-element list, but the peer judges any label change of a numeric field incompatible, and the other direction (a list read as one number) loses data"
            ),
        },
        RequiredFieldAdded => format!(
            "{writer} data may lack field {number}, and proto2 parsers reject a message without a required field"
        ),
        RequiredFieldRemoved => format!(
            "{writer} data carries field {number}, which the reader skips; harmless on its own, but the same change read the other way rejects data without it, and the peer judges adding or removing a required field incompatible in both directions"
        ),
        OneofFieldRemoved => format!(
            "{writer} data may set field {number} of oneof `{}`, which the reader does not know: it sees the oneof unset",
            parent_segment(&raw.path)
        ),
        MultipleFieldsMovedToOneof | FieldMovedToExistingOneof => format!(
            "{writer} data may set fields of more than one of them at once (of {}); the reader's oneof keeps only the last one",
            raw.detail.first().map_or("", String::as_str)
        ),
        _ => format!("{writer} data may not be readable"),
    }
}

/// Why `w` written as `r` misreads.
fn scalar_clash(writer: &str, w: &FieldInfo, r: &FieldInfo) -> String {
    let groups = (w.group, r.group);
    let (Some(wg), Some(rg)) = groups.0.zip(groups.1).filter(|(a, b)| a != b).unzip() else {
        return format!(
            "the keys of {writer} map {} are not encoded like the reader's {}",
            w.type_name, r.type_name
        );
    };
    let values = if w.shape == ShapeName::Map {
        "the values of "
    } else {
        ""
    };
    let base = format!(
        "{writer} data carries {values}field {} ({}) as {}, but a reader of {} expects {}",
        w.number,
        w.type_name,
        wg.encoding(),
        r.type_name,
        rg.encoding()
    );
    if wg.wire_type() != rg.wire_type() {
        format!("{base}: the wire types differ, so parsing fails or drops the field")
    } else {
        let effect = match (wg, rg) {
            (Group::Varint, Group::ZigZag) => "150 reads as 75",
            (Group::ZigZag, Group::Varint) => "150 reads as 300",
            _ => "the same bits read as another number",
        };
        format!("{base}: the same bytes decode to another value ({effect})")
    }
}

/// Why a compatible change is fine, when it is worth saying.
fn note(raw: &RawChange) -> Option<String> {
    use ChangeKind::*;
    let number = field(&raw.old).or(field(&raw.new)).map(|f| f.number);
    Some(match raw.kind {
        FieldRemovedWithoutReserving => {
            let (number, name) = field(&raw.old).map_or((0, ""), |f| (f.number, f.name.as_str()));
            format!(
                "compatible on the wire (readers skip unknown field {number}), but reserve it (`reserved {number}; reserved \"{name}\";`) so that no later version reuses number {number} with another type and misreads old data"
            )
        }
        FieldNameChanged => format!(
            "compatible on the wire, where field {} is known by its number; JSON readers see another key",
            number.unwrap_or(0)
        ),
        FieldStringOrBytesLabelChanged => "compatible: a repeated reader reads a single value as a one-element list, a singular reader keeps the last element".into(),
        EnumConstRemoved => "compatible: proto3 readers keep the number as an unknown value, proto2 readers treat the field as unset".into(),
        MessageMoved => "compatible: Confluent framing carries the writer's message index, resolved against the writer's schema".into(),
        _ => return None,
    })
}

fn message(entry: &Entry) -> String {
    let mut parts = Vec::new();
    if entry.breaks.backward {
        parts.push(format!(
            "breaks readers using the new schema: {}",
            why(&entry.raw, "old")
        ));
    }
    if entry.breaks.forward {
        let reverse = entry.reverse.as_ref().unwrap_or(&entry.raw);
        parts.push(format!(
            "breaks readers still on the old schema: {}",
            why(reverse, "new")
        ));
    }
    let consequence = if parts.is_empty() {
        note(&entry.raw).unwrap_or_else(|| "compatible".to_string())
    } else {
        parts.join("; ")
    };
    format!("{} — {consequence}", what(entry))
}
