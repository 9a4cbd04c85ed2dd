//! Prints a linked file back as `.proto` text, deterministically.
//!
//! Type names are always fully qualified with a leading dot (`.foo.Bar`), so
//! the text means the same wherever it is read and `Status`, `.Status` and
//! `TestMessage.Status` spelling one type print alike. Options are sorted by
//! name, imports by path. Messages, enums, enum values, services and methods
//! keep their declaration order: a message's position is its Confluent
//! message index, and the first enum value is a proto2 enum's default.
//! [`Style::Canonical`] also orders fields by number (declaration order means
//! nothing on the wire or in the JSON mapping); [`Style::Declared`] keeps it.
//! Comments and whitespace are not kept.

use std::collections::HashMap;
use std::collections::hash_map::DefaultHasher;
use std::fmt::Write;
use std::hash::Hasher;

use prost_reflect::prost::Message;
use prost_reflect::prost_types::FieldDescriptorProto;
use prost_reflect::{
    DynamicMessage, EnumDescriptor, ExtensionDescriptor, FieldDescriptor, FileDescriptor, Kind,
    MessageDescriptor, MethodDescriptor, ServiceDescriptor, Syntax, Value,
};

/// How much of the declaration order to keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Style {
    /// Fields in declaration order: the text a reader of the schema expects.
    Declared,
    /// Fields by number: the form equal schemas share.
    Canonical,
}

/// The largest field number (`max` in reserved and extension ranges).
const MAX_FIELD_NUMBER: i32 = 536_870_911;

/// `file` as `.proto` text.
pub(crate) fn print(file: &FileDescriptor, style: Style) -> String {
    let mut printer = Printer::new(file, style);
    printer.file(file);
    printer.out
}

/// `file` as canonical `.proto` text, and the digest of every message and
/// enum of it (see [`message_digests`]), computed from the text as it is
/// printed instead of printing each message again: a message's digest
/// covers the lines the file's text gives it, nested types included, and
/// the text of the other files' messages it refers to. Map entries and
/// groups, which the text does not print as messages, are printed on their
/// own as [`message_digests`] does.
pub(crate) fn canonical_with_digests(file: &FileDescriptor) -> (String, HashMap<String, u64>) {
    let mut printer = Printer::new(file, Style::Canonical);
    printer.digests = Some(HashMap::new());
    printer.file(file);
    let mut digests = printer.digests.take().unwrap_or_default();
    let unprinted = |name: &str| !digests.contains_key(name);
    let mut missing = Vec::new();
    let mut pending: Vec<MessageDescriptor> = file.messages().collect();
    let mut enums: Vec<EnumDescriptor> = file.enums().collect();
    while let Some(message) = pending.pop() {
        pending.extend(message.child_messages());
        enums.extend(message.child_enums());
        if unprinted(message.full_name()) {
            missing.push((
                message.full_name().to_string(),
                message_digest(&message, file),
            ));
        }
    }
    for enumeration in enums {
        if unprinted(enumeration.full_name()) {
            let text = printed(|p| p.enumeration(&enumeration, 0), file);
            missing.push((enumeration.full_name().to_string(), digest_of(&text, &[])));
        }
    }
    digests.extend(missing);
    (printer.out, digests)
}

/// The digest of `text` followed by `more`.
fn digest_of(text: &str, more: &[String]) -> u64 {
    let mut hasher = DefaultHasher::new();
    hasher.write(text.as_bytes());
    for other in more {
        hasher.write(other.as_bytes());
    }
    hasher.finish()
}

/// The texts of the other files' messages `message` refers to, in name
/// order.
fn foreign_texts(message: &MessageDescriptor, file: &FileDescriptor) -> Vec<String> {
    let mut foreign = Vec::new();
    foreign_references(message, file.name(), &mut foreign);
    foreign.sort_by(|a, b| a.full_name().cmp(b.full_name()));
    foreign
        .iter()
        .map(|other| printed(|p| p.message(other, 0), &other.parent_file()))
        .collect()
}

/// The digest of `message` of `file` printed on its own.
fn message_digest(message: &MessageDescriptor, file: &FileDescriptor) -> u64 {
    let text = printed(|p| p.message(message, 0), &message.parent_file());
    digest_of(&text, &foreign_texts(message, file))
}

/// A digest of every message and enum of `file`, by full name, over all the
/// diff looks at: a message's printed text and that of every message of
/// another file it refers to (directly or through them), whose content the
/// diff compares too. Equal digests mean no differences, so the diff skips
/// the pair. Each message is printed on its own here; the schema computes
/// the same digests with [`canonical_with_digests`], and this is the oracle
/// its test compares with.
#[cfg(test)]
pub(crate) fn message_digests(file: &FileDescriptor) -> HashMap<String, u64> {
    let mut digests = HashMap::new();
    let mut pending: Vec<MessageDescriptor> = file.messages().collect();
    let mut enums: Vec<EnumDescriptor> = file.enums().collect();
    while let Some(message) = pending.pop() {
        pending.extend(message.child_messages());
        enums.extend(message.child_enums());
        digests.insert(
            message.full_name().to_string(),
            message_digest(&message, file),
        );
    }
    for enumeration in enums {
        let text = printed(|p| p.enumeration(&enumeration, 0), file);
        digests.insert(enumeration.full_name().to_string(), digest_of(&text, &[]));
    }
    digests
}

fn printed(print: impl FnOnce(&mut Printer), file: &FileDescriptor) -> String {
    let mut printer = Printer::new(file, Style::Canonical);
    print(&mut printer);
    printer.out
}

/// The messages of files other than `file` that `message` (its nested
/// messages included) refers to, directly or through them.
fn foreign_references(message: &MessageDescriptor, file: &str, found: &mut Vec<MessageDescriptor>) {
    for field in message.fields() {
        let Kind::Message(target) = field.kind() else {
            continue;
        };
        if target.is_map_entry() {
            foreign_references(&target, file, found);
        } else if target.parent_file().name() != file
            && !found.iter().any(|m| m.full_name() == target.full_name())
        {
            found.push(target.clone());
            foreign_references(&target, file, found);
        }
    }
    for child in message.child_messages() {
        foreign_references(&child, file, found);
    }
}

struct Printer {
    out: String,
    style: Style,
    proto3: bool,
    /// The digest of each message and enum printed, by full name, when
    /// asked for ([`canonical_with_digests`]).
    digests: Option<HashMap<String, u64>>,
}

impl Printer {
    fn new(file: &FileDescriptor, style: Style) -> Printer {
        Printer {
            out: String::new(),
            style,
            proto3: file.syntax() == Syntax::Proto3,
            digests: None,
        }
    }

    /// Records the digest of what was printed since `start` as that of
    /// `full_name`, followed by `more`.
    fn record(&mut self, full_name: &str, start: usize, more: &[String]) {
        if let Some(digests) = &mut self.digests {
            let digest = digest_of(&self.out[start..], more);
            digests.insert(full_name.to_string(), digest);
        }
    }

    fn line(&mut self, depth: usize, text: &str) {
        for _ in 0..depth {
            self.out.push_str("  ");
        }
        self.out.push_str(text);
        self.out.push('\n');
    }

    fn file(&mut self, file: &FileDescriptor) {
        let proto = file.file_descriptor_proto();
        let syntax = if self.proto3 { "proto3" } else { "proto2" };
        self.line(0, &format!("syntax = \"{syntax}\";"));
        if !file.package_name().is_empty() {
            self.out.push('\n');
            self.line(0, &format!("package {};", file.package_name()));
        }
        let mut imports: Vec<(String, &str)> = proto
            .dependency
            .iter()
            .enumerate()
            .map(|(i, name)| {
                let modifier = if proto.public_dependency.contains(&(i as i32)) {
                    "public "
                } else if proto.weak_dependency.contains(&(i as i32)) {
                    "weak "
                } else {
                    ""
                };
                (name.clone(), modifier)
            })
            .collect();
        imports.sort();
        if !imports.is_empty() {
            self.out.push('\n');
        }
        for (name, modifier) in imports {
            self.line(0, &format!("import {modifier}{};", quote(name.as_bytes())));
        }
        let options = option_entries(&file.options());
        if !options.is_empty() {
            self.out.push('\n');
        }
        for (name, value) in options {
            self.line(0, &format!("option {name} = {value};"));
        }
        for message in file.messages() {
            self.out.push('\n');
            self.message(&message, 0);
        }
        for enumeration in file.enums() {
            self.out.push('\n');
            self.enumeration(&enumeration, 0);
        }
        for service in file.services() {
            self.out.push('\n');
            self.service(&service);
        }
        let extensions: Vec<ExtensionDescriptor> = file.extensions().collect();
        if !extensions.is_empty() {
            self.out.push('\n');
            self.extends(&extensions, 0);
        }
    }

    fn message(&mut self, message: &MessageDescriptor, depth: usize) {
        let start = self.out.len();
        self.line(depth, &format!("message {} {{", message.name()));
        self.message_body(message, depth + 1);
        self.line(depth, "}");
        if self.digests.is_some() {
            let foreign = foreign_texts(message, &message.parent_file());
            self.record(message.full_name(), start, &foreign);
        }
    }

    fn message_body(&mut self, message: &MessageDescriptor, depth: usize) {
        for (name, value) in option_entries(&message.options()) {
            self.line(depth, &format!("option {name} = {value};"));
        }
        // prost-reflect lists fields by number; the descriptor keeps the
        // declaration order.
        let fields: Vec<FieldDescriptor> = match self.style {
            Style::Canonical => message.fields().collect(),
            Style::Declared => message
                .descriptor_proto()
                .field
                .iter()
                .filter_map(|f| message.get_field(f.number() as u32))
                .collect(),
        };
        let mut printed_oneofs: Vec<String> = Vec::new();
        for field in &fields {
            match field.containing_oneof().filter(|o| !o.is_synthetic()) {
                Some(oneof) => {
                    if printed_oneofs.iter().any(|n| n == oneof.name()) {
                        continue;
                    }
                    printed_oneofs.push(oneof.name().to_string());
                    self.line(depth, &format!("oneof {} {{", oneof.name()));
                    for (name, value) in option_entries(&oneof.options()) {
                        self.line(depth + 1, &format!("option {name} = {value};"));
                    }
                    let members = fields.iter().filter(|f| {
                        f.containing_oneof()
                            .is_some_and(|o| o.name() == oneof.name())
                    });
                    for member in members {
                        self.field(member, depth + 1, true);
                    }
                    self.line(depth, "}");
                }
                None => self.field(field, depth, false),
            }
        }
        let proto = message.descriptor_proto();
        let ranges = proto
            .reserved_range
            .iter()
            .map(|r| range_text(r.start(), r.end().saturating_sub(1), MAX_FIELD_NUMBER))
            .collect();
        self.reserved(ranges, &proto.reserved_name, depth);
        for range in &proto.extension_range {
            let text = range_text(
                range.start(),
                range.end().saturating_sub(1),
                MAX_FIELD_NUMBER,
            );
            self.line(depth, &format!("extensions {text};"));
        }
        let groups: Vec<String> = message
            .fields()
            .filter(FieldDescriptor::is_group)
            .filter_map(|f| f.kind().as_message().map(|m| m.full_name().to_string()))
            .collect();
        for child in message.child_messages() {
            if child.is_map_entry() || groups.iter().any(|g| g == child.full_name()) {
                continue;
            }
            self.message(&child, depth);
        }
        for child in message.child_enums() {
            self.enumeration(&child, depth);
        }
        let extensions: Vec<ExtensionDescriptor> = message.child_extensions().collect();
        self.extends(&extensions, depth);
    }

    /// `reserved` statements: number ranges (already as text), then names.
    fn reserved(&mut self, ranges: Vec<String>, names: &[String], depth: usize) {
        if !ranges.is_empty() {
            self.line(depth, &format!("reserved {};", ranges.join(", ")));
        }
        if !names.is_empty() {
            let names: Vec<String> = names.iter().map(|n| quote(n.as_bytes())).collect();
            self.line(depth, &format!("reserved {};", names.join(", ")));
        }
    }

    fn field(&mut self, field: &FieldDescriptor, depth: usize, in_oneof: bool) {
        let proto = field.field_descriptor_proto();
        let label = if in_oneof {
            ""
        } else {
            label(proto, field.is_map(), self.proto3)
        };
        let options = field_options(proto, &field.options(), &field.kind());
        if field.is_group() {
            let Some(group) = field.kind().as_message().cloned() else {
                return;
            };
            self.line(
                depth,
                &format!(
                    "{label}group {} = {}{options} {{",
                    group.name(),
                    field.number()
                ),
            );
            self.message_body(&group, depth + 1);
            self.line(depth, "}");
            return;
        }
        let type_name = field_type(field);
        self.line(
            depth,
            &format!(
                "{label}{type_name} {} = {}{options};",
                field.name(),
                field.number()
            ),
        );
    }

    fn enumeration(&mut self, enumeration: &EnumDescriptor, depth: usize) {
        let start = self.out.len();
        self.line(depth, &format!("enum {} {{", enumeration.name()));
        for (name, value) in option_entries(&enumeration.options()) {
            self.line(depth + 1, &format!("option {name} = {value};"));
        }
        // Declaration order: the first value is a proto2 enum's default
        // (prost-reflect lists values by number).
        let declared = enumeration.enum_descriptor_proto().value.iter();
        for value in declared.filter_map(|v| enumeration.get_value_by_name(v.name())) {
            let options = bracket(option_entries(&value.options()));
            self.line(
                depth + 1,
                &format!("{} = {}{options};", value.name(), value.number()),
            );
        }
        let proto = enumeration.enum_descriptor_proto();
        let ranges = proto
            .reserved_range
            .iter()
            .map(|r| range_text(r.start(), r.end(), i32::MAX))
            .collect();
        self.reserved(ranges, &proto.reserved_name, depth + 1);
        self.line(depth, "}");
        self.record(enumeration.full_name(), start, &[]);
    }

    fn service(&mut self, service: &ServiceDescriptor) {
        self.line(0, &format!("service {} {{", service.name()));
        for (name, value) in option_entries(&service.options()) {
            self.line(1, &format!("option {name} = {value};"));
        }
        for method in service.methods() {
            let head = rpc_head(&method);
            let options = option_entries(&method.options());
            if options.is_empty() {
                self.line(1, &format!("{head};"));
            } else {
                self.line(1, &format!("{head} {{"));
                for (name, value) in options {
                    self.line(2, &format!("option {name} = {value};"));
                }
                self.line(1, "}");
            }
        }
        self.line(0, "}");
    }

    /// `extend` blocks, one per run of extensions of the same message.
    fn extends(&mut self, extensions: &[ExtensionDescriptor], depth: usize) {
        let mut start = 0;
        while start < extensions.len() {
            let extendee = extensions[start].containing_message();
            let end = extensions[start..]
                .iter()
                .position(|e| e.containing_message().full_name() != extendee.full_name())
                .map_or(extensions.len(), |n| start + n);
            self.line(depth, &format!("extend .{} {{", extendee.full_name()));
            for extension in &extensions[start..end] {
                let proto = extension.field_descriptor_proto();
                let label = label(proto, false, self.proto3);
                let kind = extension.kind();
                let type_name = kind_name(&kind);
                let options = field_options(proto, &extension.options(), &kind);
                self.line(
                    depth + 1,
                    &format!(
                        "{label}{type_name} {} = {}{options};",
                        extension.name(),
                        extension.number()
                    ),
                );
            }
            self.line(depth, "}");
            start = end;
        }
    }
}

/// `rpc Name ([stream ].In) returns ([stream ].Out)`.
pub(crate) fn rpc_head(method: &MethodDescriptor) -> String {
    let stream = |yes: bool| if yes { "stream " } else { "" };
    format!(
        "rpc {} ({}.{}) returns ({}.{})",
        method.name(),
        stream(method.is_client_streaming()),
        method.input().full_name(),
        stream(method.is_server_streaming()),
        method.output().full_name()
    )
}

/// A map key as text (a string as it is).
pub(crate) fn map_key(key: &prost_reflect::MapKey) -> String {
    use prost_reflect::MapKey;
    match key {
        MapKey::Bool(b) => b.to_string(),
        MapKey::I32(n) => n.to_string(),
        MapKey::I64(n) => n.to_string(),
        MapKey::U32(n) => n.to_string(),
        MapKey::U64(n) => n.to_string(),
        MapKey::String(s) => s.clone(),
    }
}

/// The label a field is written with.
fn label(proto: &FieldDescriptorProto, is_map: bool, proto3: bool) -> &'static str {
    use prost_reflect::prost_types::field_descriptor_proto::Label;
    match proto.label() {
        _ if is_map => "",
        Label::Repeated => "repeated ",
        Label::Required => "required ",
        Label::Optional if !proto3 || proto.proto3_optional() => "optional ",
        Label::Optional => "",
    }
}

/// The type of a field as written: a scalar name, `.full.Name`, or `map<K, V>`.
pub(crate) fn field_type(field: &FieldDescriptor) -> String {
    match field.kind() {
        Kind::Message(entry) if field.is_map() => format!(
            "map<{}, {}>",
            kind_name(&entry.map_entry_key_field().kind()),
            kind_name(&entry.map_entry_value_field().kind())
        ),
        kind => kind_name(&kind),
    }
}

/// The name of a kind: `int32`, `.pkg.Message`.
pub(crate) fn kind_name(kind: &Kind) -> String {
    match kind {
        Kind::Double => "double".into(),
        Kind::Float => "float".into(),
        Kind::Int32 => "int32".into(),
        Kind::Int64 => "int64".into(),
        Kind::Uint32 => "uint32".into(),
        Kind::Uint64 => "uint64".into(),
        Kind::Sint32 => "sint32".into(),
        Kind::Sint64 => "sint64".into(),
        Kind::Fixed32 => "fixed32".into(),
        Kind::Fixed64 => "fixed64".into(),
        Kind::Sfixed32 => "sfixed32".into(),
        Kind::Sfixed64 => "sfixed64".into(),
        Kind::Bool => "bool".into(),
        Kind::String => "string".into(),
        Kind::Bytes => "bytes".into(),
        Kind::Message(m) => format!(".{}", m.full_name()),
        Kind::Enum(e) => format!(".{}", e.full_name()),
    }
}

/// ` [default = …, json_name = …, options…]`, or nothing.
fn field_options(proto: &FieldDescriptorProto, options: &DynamicMessage, kind: &Kind) -> String {
    let mut entries = Vec::new();
    if let Some(default) = &proto.default_value {
        let value = match kind {
            Kind::String => quote(default.as_bytes()),
            Kind::Bytes => format!("\"{default}\""),
            _ => default.clone(),
        };
        entries.push(("default".to_string(), value));
    }
    if let Some(json_name) = &proto.json_name {
        if *json_name != default_json_name(proto.name()) {
            entries.push(("json_name".to_string(), quote(json_name.as_bytes())));
        }
    }
    entries.extend(option_entries(options));
    bracket(entries)
}

fn bracket(entries: Vec<(String, String)>) -> String {
    if entries.is_empty() {
        return String::new();
    }
    let inner: Vec<String> = entries
        .into_iter()
        .map(|(name, value)| format!("{name} = {value}"))
        .collect();
    format!(" [{}]", inner.join(", "))
}

/// protoc's default JSON name: lowerCamelCase of the field name.
pub(crate) fn default_json_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper = false;
    for c in name.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// Every option set in `options`, as `(name, value)` sorted by name: standard
/// options by their field name, custom ones as `(full.name)`; a repeated
/// option gives one entry per element.
fn option_entries(options: &DynamicMessage) -> Vec<(String, String)> {
    let mut entries = option_list(options, option_value);
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    entries
}

/// Every option set in `options` in the message's order, each value
/// written by `write`: standard options by their field name, custom ones as
/// `(full.name)`; a repeated option gives one entry per element.
pub(crate) fn option_list<T>(
    options: &DynamicMessage,
    write: impl Fn(&Value, &Kind) -> T,
) -> Vec<(String, T)> {
    let mut entries = Vec::new();
    let mut push = |name: String, value: &Value, kind: &Kind| match value {
        Value::List(values) => {
            for value in values {
                entries.push((name.clone(), write(value, kind)));
            }
        }
        value => entries.push((name, write(value, kind))),
    };
    for (field, value) in options.fields() {
        if field.name() != "uninterpreted_option" {
            push(field.name().to_string(), value, &field.kind());
        }
    }
    for (extension, value) in options.extensions() {
        push(
            format!("({})", extension.full_name()),
            value,
            &extension.kind(),
        );
    }
    entries
}

/// The name of enum value `number` of `kind`, or the number.
pub(crate) fn enum_value_name(number: i32, kind: &Kind) -> String {
    match kind {
        Kind::Enum(e) => e
            .get_value(number)
            .map_or_else(|| number.to_string(), |v| v.name().to_string()),
        _ => number.to_string(),
    }
}

fn option_value(value: &Value, kind: &Kind) -> String {
    match value {
        Value::Bool(b) => b.to_string(),
        Value::I32(n) => n.to_string(),
        Value::I64(n) => n.to_string(),
        Value::U32(n) => n.to_string(),
        Value::U64(n) => n.to_string(),
        Value::F32(x) => float_text(f64::from(*x)),
        Value::F64(x) => float_text(*x),
        Value::String(s) => quote(s.as_bytes()),
        Value::Bytes(b) => quote(b),
        Value::EnumNumber(n) => enum_value_name(*n, kind),
        Value::Message(m) => {
            let text = super::option_text::message_text(m);
            if text.is_empty() {
                "{}".to_string()
            } else {
                format!("{{ {text} }}")
            }
        }
        Value::List(values) => {
            let items: Vec<String> = values.iter().map(|v| option_value(v, kind)).collect();
            format!("[{}]", items.join(", "))
        }
        Value::Map(_) => "{}".to_string(),
    }
}

fn float_text(x: f64) -> String {
    if x.is_nan() {
        "nan".into()
    } else if x.is_infinite() {
        if x > 0.0 { "inf".into() } else { "-inf".into() }
    } else {
        format!("{x:?}")
    }
}

/// `N`, `N to M` or `N to max`, for an inclusive range.
pub(crate) fn range_text(start: i32, end: i32, max: i32) -> String {
    if start == end {
        start.to_string()
    } else if end >= max {
        format!("{start} to max")
    } else {
        format!("{start} to {end}")
    }
}

/// A double-quoted string literal: printable ASCII and UTF-8 text as they
/// are, other bytes as octal escapes.
pub(crate) fn quote(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() + 2);
    out.push('"');
    let text = String::from_utf8_lossy(bytes);
    let valid_utf8 = matches!(text, std::borrow::Cow::Borrowed(_));
    if valid_utf8 {
        for c in text.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                    let _ = write!(out, "\\{:03o}", c as u32);
                }
                c => out.push(c),
            }
        }
    } else {
        for &b in bytes {
            match b {
                b'"' => out.push_str("\\\""),
                b'\\' => out.push_str("\\\\"),
                0x20..=0x7e => out.push(b as char),
                b => {
                    let _ = write!(out, "\\{b:03o}");
                }
            }
        }
    }
    out.push('"');
    out
}

/// The serialized `FileDescriptorProto` of `file` without source positions,
/// named `name`, custom options included.
pub(crate) fn encode_file(file: &FileDescriptor, name: &str) -> Vec<u8> {
    // The typed descriptor drops custom options; the linked file's own
    // encoding keeps them, and reflection edits it without losing them.
    let reflected = file
        .parent_pool()
        .get_message_by_name("google.protobuf.FileDescriptorProto")
        .or_else(|| {
            prost_reflect::DescriptorPool::global()
                .get_message_by_name("google.protobuf.FileDescriptorProto")
        })
        .and_then(|d| DynamicMessage::decode(d, file.encode_to_vec().as_slice()).ok());
    match reflected {
        Some(mut message) => {
            message.clear_field_by_name("source_code_info");
            message.set_field_by_name("name", Value::String(name.to_string()));
            message.encode_to_vec()
        }
        None => {
            let mut proto = file.file_descriptor_proto().clone();
            proto.source_code_info = None;
            proto.name = Some(name.to_string());
            proto.encode_to_vec()
        }
    }
}
