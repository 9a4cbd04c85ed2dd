//! The structural diff of two Protobuf files, following the Confluent Schema
//! Registry's Protobuf rules so that verdicts agree with the peer.
//!
//! One call compares an *original* file (the writer) with an *update* (the
//! reader):
//! - the packages (PACKAGE_CHANGED);
//! - messages and enums matched by name at each nesting level (synthetic map
//!   entries ignored), with a message's position among its siblings
//!   (MESSAGE_MOVED) since it is its Confluent message index;
//! - fields matched by number across the whole message, oneof members
//!   included; names are reported but do not matter on the wire;
//! - field kinds (scalar with enums, message, map), scalar wire groups,
//!   map key and value types, explicit labels of scalars;
//! - message-typed fields by the message's package-relative name, and, when
//!   a side's message comes from an import, by diffing the two messages (their
//!   differences reported under the message's own path, an incompatibility
//!   also as FIELD_NAMED_TYPE_CHANGED on the field; a pair met again while it
//!   is compared counts as compatible, which cuts cycles);
//! - oneofs: a oneof of the update that gathers members from more than one
//!   origin (an old oneof, or each old plain field) makes formerly
//!   independent fields exclusive.
//!
//! Charter departs from the peer in two places, both only adding warnings or
//! catching a wire break the peer misses: a removed field whose number the
//! update does not reserve is FIELD_REMOVED_WITHOUT_RESERVING (the peer's
//! FIELD_REMOVED, still compatible), and a numeric field that becomes
//! repeated or singular is FIELD_NUMERIC_LABEL_CHANGED even when one side's
//! label is implicit (a proto3 field without `optional`), which the peer
//! does not compare although the encodings differ the same way.

mod enumeration;
mod report;

use std::collections::HashMap;

use prost_reflect::prost_types::field_descriptor_proto::Label;
use prost_reflect::{EnumDescriptor, FieldDescriptor, Kind, MessageDescriptor, Syntax};

use super::ProtobufSchema;
use super::print::field_type;
use crate::change::ChangeKind;
use crate::limits::Work;
use crate::vocabulary::Policy;

pub(crate) use report::changes;

/// What one side has at the place of a change.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Side {
    Nothing,
    Package(String),
    /// A message's full name.
    Message(String),
    /// An enum's full name.
    Enum(String),
    /// An enum value's name.
    EnumValue(String),
    Oneof(String),
    Field(FieldInfo),
}

/// A field as the change needs it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct FieldInfo {
    pub(crate) name: String,
    pub(crate) number: u32,
    /// As declared: `repeated int32 tags = 7`.
    pub(crate) declaration: String,
    /// `int32`, `.pkg.Message`, `map<string, int32>`.
    pub(crate) type_name: String,
    pub(crate) shape: ShapeName,
    /// The wire group of a scalar, or of a map's values when its keys
    /// are what they were.
    pub(crate) group: Option<Group>,
    pub(crate) repeated: bool,
}

/// A field's kind as the diff sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ShapeName {
    Scalar(Group),
    Message,
    Map,
}

/// The wire-compatibility groups of scalars: values of one group read as
/// each other on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Group {
    /// int32, int64, uint32, uint64, bool and enums.
    Varint,
    /// sint32, sint64.
    ZigZag,
    /// string, bytes.
    Bytes,
    /// fixed32, sfixed32.
    Fixed32,
    /// fixed64, sfixed64.
    Fixed64,
    Float,
    Double,
}

impl Group {
    fn of(kind: &Kind) -> Option<Group> {
        Some(match kind {
            Kind::Int32
            | Kind::Int64
            | Kind::Uint32
            | Kind::Uint64
            | Kind::Bool
            | Kind::Enum(_) => Group::Varint,
            Kind::Sint32 | Kind::Sint64 => Group::ZigZag,
            Kind::String | Kind::Bytes => Group::Bytes,
            Kind::Fixed32 | Kind::Sfixed32 => Group::Fixed32,
            Kind::Fixed64 | Kind::Sfixed64 => Group::Fixed64,
            Kind::Float => Group::Float,
            Kind::Double => Group::Double,
            Kind::Message(_) => return None,
        })
    }

    /// How a value of the group travels: its wire type and what the bytes are.
    pub(crate) fn encoding(self) -> &'static str {
        match self {
            Group::Varint => "a varint (wire type 0)",
            Group::ZigZag => "a zigzag varint (wire type 0)",
            Group::Bytes => "length-delimited bytes (wire type 2)",
            Group::Fixed32 => "4 bytes of integer (wire type 5)",
            Group::Fixed64 => "8 bytes of integer (wire type 1)",
            Group::Float => "4 bytes of float (wire type 5)",
            Group::Double => "8 bytes of double (wire type 1)",
        }
    }

    pub(crate) fn wire_type(self) -> u8 {
        match self {
            Group::Varint | Group::ZigZag => 0,
            Group::Bytes => 2,
            Group::Fixed32 | Group::Float => 5,
            Group::Fixed64 | Group::Double => 1,
        }
    }
}

/// One difference found by one call of the diff.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RawChange {
    pub(crate) kind: ChangeKind,
    pub(crate) path: String,
    /// What the change is about, the same from both sides of a pair
    /// (`field:#/Message/2`), to pair the two reading directions.
    pub(crate) key: String,
    /// The original's side.
    pub(crate) old: Side,
    /// The update's side.
    pub(crate) new: Side,
    /// Facts for the message: the members a oneof gathered, positions.
    pub(crate) detail: Vec<String>,
}

/// A field's kind: scalar (with its group), message, or map.
enum Shape {
    Scalar(Group),
    Message(MessageDescriptor),
    Map(FieldDescriptor, FieldDescriptor),
}

fn shape(field: &FieldDescriptor) -> Shape {
    match field.kind() {
        Kind::Message(entry) if field.is_map() => {
            Shape::Map(entry.map_entry_key_field(), entry.map_entry_value_field())
        }
        Kind::Message(message) => Shape::Message(message),
        kind => Shape::Scalar(Group::of(&kind).expect("not a message")),
    }
}

fn shape_name(field: &FieldDescriptor) -> ShapeName {
    match shape(field) {
        Shape::Scalar(group) => ShapeName::Scalar(group),
        Shape::Message(_) => ShapeName::Message,
        Shape::Map(..) => ShapeName::Map,
    }
}

/// The oneof a field is declared in, unless synthetic (proto3 `optional`).
fn real_oneof(field: &FieldDescriptor) -> Option<String> {
    field
        .containing_oneof()
        .filter(|o| !o.is_synthetic())
        .map(|o| o.name().to_string())
}

pub(crate) fn field_info(field: &FieldDescriptor) -> FieldInfo {
    let label = match explicit_label(field) {
        Some(Label::Repeated) => "repeated ",
        Some(Label::Required) => "required ",
        Some(Label::Optional) => "optional ",
        None if field.is_list() => "repeated ",
        None => "",
    };
    let type_name = field_type(field);
    FieldInfo {
        name: field.name().to_string(),
        number: field.number(),
        declaration: format!("{label}{type_name} {} = {}", field.name(), field.number()),
        type_name,
        shape: shape_name(field),
        group: match shape(field) {
            Shape::Scalar(group) => Some(group),
            Shape::Map(_, value) => Group::of(&value.kind()),
            Shape::Message(_) => None,
        },
        repeated: field.is_list(),
    }
}

/// The label written in the source: none for proto3 fields without
/// `optional`, oneof members and maps.
fn explicit_label(field: &FieldDescriptor) -> Option<Label> {
    if field.is_map() || real_oneof(field).is_some() {
        return None;
    }
    let proto = field.field_descriptor_proto();
    match proto.label() {
        Label::Repeated => Some(Label::Repeated),
        Label::Required => Some(Label::Required),
        Label::Optional
            if field.parent_file().syntax() == Syntax::Proto2 || proto.proto3_optional() =>
        {
            Some(Label::Optional)
        }
        Label::Optional => None,
    }
}

/// A message's name relative to its package (`outer.GoogleHome`).
pub(crate) fn local_name(message: &MessageDescriptor) -> &str {
    let package = message.package_name();
    if package.is_empty() {
        message.full_name()
    } else {
        message.full_name()[package.len()..].trim_start_matches('.')
    }
}

/// Every difference from `original` (writer) to `update` (reader).
pub(crate) fn raw_changes(
    original: &ProtobufSchema,
    update: &ProtobufSchema,
    work: &Work,
) -> Vec<RawChange> {
    let mut differ = Differ {
        original,
        update,
        work,
        out: Vec::new(),
        referenced: HashMap::new(),
    };
    if original.package() != update.package() {
        differ.push(
            ChangeKind::PackageChanged,
            "#/".into(),
            "package".into(),
            Side::Package(original.package().into()),
            Side::Package(update.package().into()),
        );
    }
    differ.types(
        "#",
        original.top_messages(),
        original.top_enums(),
        update.top_messages(),
        update.top_enums(),
    );
    let mut seen = std::collections::HashSet::new();
    differ
        .out
        .into_iter()
        .filter(|c| seen.insert((c.kind, c.path.clone())))
        .collect()
}

struct Differ<'a> {
    original: &'a ProtobufSchema,
    update: &'a ProtobufSchema,
    /// The check's budget, one step per message or enum pair compared; once
    /// spent the differ descends no further (and the caller gives no verdict).
    work: &'a Work,
    out: Vec<RawChange>,
    /// Pairs of referenced messages compared so far, with whether they were
    /// found incompatible (`None` while the comparison is under way).
    referenced: HashMap<(String, String), Option<bool>>,
}

impl Differ<'_> {
    fn push(&mut self, kind: ChangeKind, path: String, key: String, old: Side, new: Side) {
        self.push_with(kind, path, key, old, new, Vec::new());
    }

    fn push_with(
        &mut self,
        kind: ChangeKind,
        path: String,
        key: String,
        old: Side,
        new: Side,
        detail: Vec<String>,
    ) {
        self.out.push(RawChange {
            kind,
            path,
            key,
            old,
            new,
            detail,
        });
    }

    /// Messages and enums declared at one level, matched by name.
    fn types(
        &mut self,
        prefix: &str,
        original_messages: &[MessageDescriptor],
        original_enums: &[EnumDescriptor],
        update_messages: &[MessageDescriptor],
        update_enums: &[EnumDescriptor],
    ) {
        // Looked up by name, so that a file of many messages compares in
        // linear time.
        let (original_positions, update_positions) = (
            by_name(original_messages, MessageDescriptor::name),
            by_name(update_messages, MessageDescriptor::name),
        );
        for (index, original) in original_messages.iter().enumerate() {
            let path = format!("{prefix}/{}", original.name());
            let key = format!("message:{path}");
            match update_positions.get(original.name()).copied() {
                None => self.push(
                    ChangeKind::MessageRemoved,
                    path,
                    key,
                    Side::Message(original.full_name().into()),
                    Side::Nothing,
                ),
                Some(moved_to) => {
                    let update = &update_messages[moved_to];
                    self.message(&path, original, update);
                    if moved_to != index {
                        self.push_with(
                            ChangeKind::MessageMoved,
                            path,
                            key,
                            Side::Message(original.full_name().into()),
                            Side::Message(update.full_name().into()),
                            vec![(index + 1).to_string(), (moved_to + 1).to_string()],
                        );
                    }
                }
            }
        }
        for update in update_messages {
            if !original_positions.contains_key(update.name()) {
                let path = format!("{prefix}/{}", update.name());
                self.push(
                    ChangeKind::MessageAdded,
                    path.clone(),
                    format!("message:{path}"),
                    Side::Nothing,
                    Side::Message(update.full_name().into()),
                );
            }
        }
        let (original_enum_names, update_enum_names) = (
            by_name(original_enums, EnumDescriptor::name),
            by_name(update_enums, EnumDescriptor::name),
        );
        for original in original_enums {
            let path = format!("{prefix}/{}", original.name());
            match update_enum_names
                .get(original.name())
                .map(|&i| &update_enums[i])
            {
                None => self.push(
                    ChangeKind::EnumRemoved,
                    path.clone(),
                    format!("enum:{path}"),
                    Side::Enum(original.full_name().into()),
                    Side::Nothing,
                ),
                Some(update) => self.enumeration(&path, original, update),
            }
        }
        for update in update_enums {
            if !original_enum_names.contains_key(update.name()) {
                let path = format!("{prefix}/{}", update.name());
                self.push(
                    ChangeKind::EnumAdded,
                    path.clone(),
                    format!("enum:{path}"),
                    Side::Nothing,
                    Side::Enum(update.full_name().into()),
                );
            }
        }
    }

    fn message(&mut self, path: &str, original: &MessageDescriptor, update: &MessageDescriptor) {
        let digest = |schema: &ProtobufSchema, m: &MessageDescriptor| {
            (m.parent_file().name() == schema.file_name())
                .then(|| schema.digest(m.full_name()))
                .flatten()
        };
        if let (Some(a), Some(b)) = (digest(self.original, original), digest(self.update, update)) {
            if a == b {
                return;
            }
        }
        if !self.work.step(|| path.to_string()) {
            return;
        }
        // Both lists are ordered by number: walk them side by side.
        let (mut olds, mut news) = (original.fields().peekable(), update.fields().peekable());
        loop {
            let pair = match (
                olds.peek().map(|f| f.number()),
                news.peek().map(|f| f.number()),
            ) {
                (None, None) => break,
                (Some(a), Some(b)) if a == b => (olds.next(), news.next()),
                (Some(a), Some(b)) if a < b => (olds.next(), None),
                (Some(_), None) => (olds.next(), None),
                _ => (None, news.next()),
            };
            let number = pair
                .0
                .as_ref()
                .or(pair.1.as_ref())
                .map_or(0, |f| f.number());
            let key = || format!("field:{path}/{number}");
            match pair {
                (Some(old), None) => self.field_removed(path, key(), original, update, &old),
                (None, Some(new)) => {
                    let oneof = real_oneof(&new);
                    let kind = if new.is_required() {
                        ChangeKind::RequiredFieldAdded
                    } else if oneof.is_some() {
                        ChangeKind::OneofFieldAdded
                    } else {
                        ChangeKind::FieldAdded
                    };
                    let field_path = member_path(path, oneof.as_deref(), number);
                    self.push(
                        kind,
                        field_path,
                        key(),
                        Side::Nothing,
                        Side::Field(field_info(&new)),
                    );
                }
                (Some(old), Some(new)) => {
                    let at = FieldAt {
                        message: path,
                        oneof: real_oneof(&new),
                        number,
                    };
                    if real_oneof(&old).is_some() && at.oneof.is_none() {
                        self.push(
                            ChangeKind::OneofFieldMovedToTopLevel,
                            at.path(),
                            at.key(),
                            Side::Field(field_info(&old)),
                            Side::Field(field_info(&new)),
                        );
                    }
                    self.field(&at, &old, &new);
                }
                (None, None) => {}
            }
        }
        self.oneofs(path, original, update);
        let nested = |m: &MessageDescriptor| -> (Vec<MessageDescriptor>, Vec<EnumDescriptor>) {
            (
                m.child_messages().filter(|c| !c.is_map_entry()).collect(),
                m.child_enums().collect(),
            )
        };
        let ((om, oe), (um, ue)) = (nested(original), nested(update));
        self.types(path, &om, &oe, &um, &ue);
    }

    fn field_removed(
        &mut self,
        path: &str,
        key: String,
        original: &MessageDescriptor,
        update: &MessageDescriptor,
        old: &FieldDescriptor,
    ) {
        let oneof = real_oneof(old);
        let field_path = member_path(path, oneof.as_deref(), old.number());
        let kind = if old.is_required() {
            ChangeKind::RequiredFieldRemoved
        } else if let Some(oneof) = &oneof {
            // Removing a whole oneof, all its members with it, is allowed;
            // removing a member of a oneof that lives on is not.
            let survives = update
                .oneofs()
                .any(|o| !o.is_synthetic() && o.name() == oneof)
                || original
                    .oneofs()
                    .find(|o| o.name() == oneof)
                    .is_some_and(|o| o.fields().any(|f| update.get_field(f.number()).is_some()));
            if !survives {
                return;
            }
            ChangeKind::OneofFieldRemoved
        } else if update.reserved_ranges().any(|r| r.contains(&old.number())) {
            ChangeKind::FieldRemoved
        } else {
            ChangeKind::FieldRemovedWithoutReserving
        };
        self.push(
            kind,
            field_path,
            key,
            Side::Field(field_info(old)),
            Side::Nothing,
        );
    }

    fn field(&mut self, at: &FieldAt<'_>, old: &FieldDescriptor, new: &FieldDescriptor) {
        let sides = || (Side::Field(field_info(old)), Side::Field(field_info(new)));
        if old.name() != new.name() {
            let (o, n) = sides();
            self.push(ChangeKind::FieldNameChanged, at.path(), at.key(), o, n);
        }
        let shapes = (shape(old), shape(new));
        let mismatch = match &shapes {
            (Shape::Scalar(a), Shape::Scalar(b)) => {
                if a != b {
                    Some(ChangeKind::FieldScalarKindChanged)
                } else {
                    None
                }
            }
            (Shape::Message(a), Shape::Message(b)) => self.named(a, b),
            (Shape::Map(ok, ov), Shape::Map(nk, nv)) => {
                if Group::of(&ok.kind()) != Group::of(&nk.kind()) {
                    Some(ChangeKind::FieldScalarKindChanged)
                } else {
                    match (shape(ov), shape(nv)) {
                        (Shape::Scalar(a), Shape::Scalar(b)) if a != b => {
                            Some(ChangeKind::FieldScalarKindChanged)
                        }
                        (Shape::Scalar(_), Shape::Scalar(_)) => None,
                        (Shape::Message(a), Shape::Message(b)) => self.named(&a, &b),
                        _ => Some(ChangeKind::FieldKindChanged),
                    }
                }
            }
            _ => Some(ChangeKind::FieldKindChanged),
        };
        if let Some(kind) = mismatch {
            let (o, n) = sides();
            let detail = self.referenced_detail(kind, old, new);
            self.push_with(kind, at.path(), at.key(), o, n, detail);
            if kind == ChangeKind::FieldKindChanged {
                return;
            }
        }
        if let (Shape::Scalar(group), Shape::Scalar(_)) = shapes {
            let changed = match (explicit_label(old), explicit_label(new)) {
                (Some(a), Some(b)) => a != b,
                _ => old.is_list() != new.is_list(),
            };
            if changed {
                let kind = if group == Group::Bytes {
                    ChangeKind::FieldStringOrBytesLabelChanged
                } else {
                    ChangeKind::FieldNumericLabelChanged
                };
                let (o, n) = sides();
                self.push(kind, at.path(), at.key(), o, n);
            }
        }
    }

    /// For FIELD_NAMED_TYPE_CHANGED on a type of the same name: where the
    /// referenced message's own changes are.
    fn referenced_detail(
        &self,
        kind: ChangeKind,
        old: &FieldDescriptor,
        new: &FieldDescriptor,
    ) -> Vec<String> {
        if kind != ChangeKind::FieldNamedTypeChanged {
            return Vec::new();
        }
        let message = |f: &FieldDescriptor| match shape(f) {
            Shape::Message(m) => Some(m),
            Shape::Map(_, v) => v.kind().as_message().cloned(),
            Shape::Scalar(_) => None,
        };
        match (message(old), message(new)) {
            (Some(a), Some(b)) if local_name(&a) == local_name(&b) => {
                vec![format!("#/{}", local_name(&a).replace('.', "/"))]
            }
            _ => Vec::new(),
        }
    }

    /// Compares the message types of a field: by package-relative name, and
    /// by content when a side's message comes from an import.
    fn named(&mut self, old: &MessageDescriptor, new: &MessageDescriptor) -> Option<ChangeKind> {
        if local_name(old) != local_name(new) {
            return Some(ChangeKind::FieldNamedTypeChanged);
        }
        let local = old.parent_file().name() == self.original.file_name()
            && new.parent_file().name() == self.update.file_name();
        if local {
            // Both are this file's messages: the walk over types compares them.
            return None;
        }
        let pair = (old.full_name().to_string(), new.full_name().to_string());
        let incompatible = match self.referenced.get(&pair) {
            Some(known) => known.unwrap_or(false),
            None => {
                self.referenced.insert(pair.clone(), None);
                let start = self.out.len();
                let path = format!("#/{}", local_name(old).replace('.', "/"));
                self.message(&path, old, new);
                let incompatible = self.out[start..]
                    .iter()
                    .any(|c| !c.kind.is_compatible(Policy::Strict));
                self.referenced.insert(pair, Some(incompatible));
                incompatible
            }
        };
        incompatible.then_some(ChangeKind::FieldNamedTypeChanged)
    }

    fn oneofs(&mut self, path: &str, original: &MessageDescriptor, update: &MessageDescriptor) {
        let names = |m: &MessageDescriptor| -> Vec<String> {
            m.oneofs()
                .filter(|o| !o.is_synthetic())
                .map(|o| o.name().to_string())
                .collect()
        };
        let (old_names, new_names) = (names(original), names(update));
        for name in old_names.iter().filter(|n| !new_names.contains(n)) {
            let oneof_path = format!("{path}/{name}");
            self.push(
                ChangeKind::OneofRemoved,
                oneof_path.clone(),
                format!("oneof:{oneof_path}"),
                Side::Oneof(name.clone()),
                Side::Nothing,
            );
        }
        for name in new_names.iter().filter(|n| !old_names.contains(n)) {
            let oneof_path = format!("{path}/{name}");
            self.push(
                ChangeKind::OneofAdded,
                oneof_path.clone(),
                format!("oneof:{oneof_path}"),
                Side::Nothing,
                Side::Oneof(name.clone()),
            );
        }
        for oneof in update.oneofs().filter(|o| !o.is_synthetic()) {
            // Where the members that existed before come from: one group per
            // old oneof, one per old plain field.
            let mut origins: Vec<String> = Vec::new();
            let mut plain = 0;
            let mut members = Vec::new();
            for member in oneof.fields() {
                let Some(old) = original.get_field(member.number()) else {
                    continue;
                };
                let origin = match real_oneof(&old) {
                    Some(name) => format!("oneof `{name}`"),
                    None => format!("field `{}` ({})", old.name(), old.number()),
                };
                members.push(format!("`{}` ({})", old.name(), old.number()));
                if !origins.contains(&origin) {
                    if real_oneof(&old).is_none() {
                        plain += 1;
                    }
                    origins.push(origin);
                }
            }
            if origins.len() > 1 {
                let kind = if plain >= 2 {
                    ChangeKind::MultipleFieldsMovedToOneof
                } else {
                    ChangeKind::FieldMovedToExistingOneof
                };
                let oneof_path = format!("{path}/{}", oneof.name());
                let mut detail = vec![members.join(", ")];
                detail.extend(origins);
                self.push_with(
                    kind,
                    oneof_path.clone(),
                    format!("oneofgroup:{oneof_path}"),
                    Side::Nothing,
                    Side::Oneof(oneof.name().to_string()),
                    detail,
                );
            }
        }
    }
}

/// Where a field of both sides is, its path and key made only when a change
/// is reported.
struct FieldAt<'p> {
    message: &'p str,
    /// The update's oneof of the field.
    oneof: Option<String>,
    number: u32,
}

impl FieldAt<'_> {
    fn path(&self) -> String {
        member_path(self.message, self.oneof.as_deref(), self.number)
    }

    fn key(&self) -> String {
        format!("field:{}/{}", self.message, self.number)
    }
}

/// `#/Message/3`, or `#/Message/oneof/3` for a oneof member.
/// The position of the first item of each name.
fn by_name<T>(items: &[T], name: impl Fn(&T) -> &str) -> HashMap<&str, usize> {
    let mut positions = HashMap::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        positions.entry(name(item)).or_insert(index);
    }
    positions
}

fn member_path(message: &str, oneof: Option<&str>, number: u32) -> String {
    match oneof {
        Some(oneof) => format!("{message}/{oneof}/{number}"),
        None => format!("{message}/{number}"),
    }
}
