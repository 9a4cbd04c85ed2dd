//! The text the Confluent Schema Registry stores and serves for a Protobuf
//! schema registered with `normalize=true`: `ProtobufSchemaUtils.
//! toNormalizedString`, printed here from the linked file.
//!
//! The peer's layout: `syntax` only for proto3, `package`, imports sorted
//! (public ones after the others), file options, then every message and
//! every enum of a scope (messages first, declaration order kept: it is the
//! message index), `extend` blocks, services. Inside a message: reserved
//! numbers and names one per statement sorted by number, options, fields by
//! number, oneofs (ordered by their first field's number, fields by number),
//! extension ranges, `extend` blocks, nested messages then enums, each
//! section after a blank line; enum values by number then name. Type names
//! are fully qualified with a leading dot, options sorted by name (`json_name`
//! and `default` among them), several options of one field on one line each,
//! message-valued options as `{ key: value, ... }` blocks with sorted keys.
//! Groups come after the oneofs, as `group Name = number { ... }` with their
//! fields by number. Not reproduced: the entries of a map-valued option
//! field are sorted by key (the peer keeps their source order).

use prost_reflect::prost_types::FieldDescriptorProto;
use prost_reflect::{
    DynamicMessage, EnumDescriptor, ExtensionDescriptor, FieldDescriptor, FileDescriptor, Kind,
    MessageDescriptor, ServiceDescriptor, Syntax, Value,
};

use std::collections::HashSet;

use super::print::{
    default_json_name, enum_value_name, field_type, kind_name, map_key, option_list, range_text,
    rpc_head,
};

/// The largest field number (`max` in ranges).
const MAX_TAG: i32 = 536_870_911;

/// What the printer needs to know of the whole file.
struct Context<'a> {
    proto3: bool,
    /// The paths of the fields whose `json_name` the source sets (the peer
    /// writes it only then, and the linked file fills in every field's);
    /// `None` for a serialized descriptor, where a `json_name` other than
    /// the default is written.
    json_names: Option<&'a HashSet<Vec<i32>>>,
}

/// The peer's normalized text of `file`; `json_names` are the paths of the
/// fields whose `json_name` the source sets, when it was source.
pub(crate) fn normalized_text(
    file: &FileDescriptor,
    json_names: Option<&HashSet<Vec<i32>>>,
) -> String {
    let mut out = String::new();
    let ctx = &Context {
        proto3: file.syntax() == Syntax::Proto3,
        json_names,
    };
    if ctx.proto3 {
        out.push_str("syntax = \"proto3\";\n");
    }
    if !file.package_name().is_empty() {
        out.push_str(&format!("package {};\n", file.package_name()));
    }
    let proto = file.file_descriptor_proto();
    if !proto.dependency.is_empty() {
        out.push('\n');
        let public = |i: usize| proto.public_dependency.contains(&(i as i32));
        for want_public in [false, true] {
            let mut imports: Vec<&String> = (proto.dependency.iter().enumerate())
                .filter(|(i, _)| public(*i) == want_public)
                .map(|(_, name)| name)
                .collect();
            imports.sort();
            imports.dedup();
            let modifier = if want_public { "public " } else { "" };
            for name in imports {
                out.push_str(&format!("import {modifier}\"{name}\";\n"));
            }
        }
    }
    let options = options(&file.options());
    if !options.is_empty() {
        out.push('\n');
        for option in &options {
            out.push_str(&option_statement(option));
        }
    }
    let messages: Vec<MessageDescriptor> = file.messages().collect();
    let enums: Vec<EnumDescriptor> = file.enums().collect();
    if !messages.is_empty() || !enums.is_empty() {
        out.push('\n');
        for message in &messages {
            out.push_str(&message_text(message, ctx));
        }
        for enumeration in &enums {
            out.push_str(&enum_text(enumeration));
        }
    }
    let extensions: Vec<ExtensionDescriptor> = file.extensions().collect();
    if !extensions.is_empty() {
        out.push('\n');
        out.push_str(&extends_text(&extensions, ctx));
    }
    let services: Vec<ServiceDescriptor> = file.services().collect();
    if !services.is_empty() {
        out.push('\n');
        for service in &services {
            out.push_str(&service_text(service));
        }
    }
    out
}

/// `text` with every line indented by two spaces, as the peer's
/// `appendIndented` does (trailing empty lines dropped, as Java's `split`
/// drops them).
fn indented(text: &str, out: &mut String) {
    let mut lines: Vec<&str> = text.split('\n').collect();
    while lines.len() > 1 && lines.last() == Some(&"") {
        lines.pop();
    }
    for line in lines {
        out.push_str("  ");
        out.push_str(line);
        out.push('\n');
    }
}

fn message_text(message: &MessageDescriptor, ctx: &Context<'_>) -> String {
    let mut out = format!("message {} {{", message.name());
    let proto = message.descriptor_proto();
    let ranges: Vec<(i32, i32)> = (proto.reserved_range.iter())
        .map(|r| (r.start(), r.end() - 1))
        .collect();
    reserved(&ranges, &proto.reserved_name, &mut out);
    let options = options(&message.options());
    if !options.is_empty() {
        out.push('\n');
        for option in &options {
            indented(&option_statement(option), &mut out);
        }
    }
    let (groups, fields): (Vec<FieldDescriptor>, Vec<FieldDescriptor>) = message
        .fields()
        .filter(|f| f.containing_oneof().is_none_or(|o| o.is_synthetic()))
        .partition(FieldDescriptor::is_group);
    if !fields.is_empty() {
        out.push('\n');
        for field in &fields {
            indented(
                &field_text(field.field_descriptor_proto(), field, ctx),
                &mut out,
            );
        }
    }
    let mut oneofs: Vec<(u32, String)> = message
        .oneofs()
        .filter(|o| !o.is_synthetic())
        .filter_map(|oneof| {
            let fields: Vec<FieldDescriptor> = oneof.fields().collect();
            let first = fields.iter().map(FieldDescriptor::number).min()?;
            let mut text = format!("oneof {} {{", oneof.name());
            let options = self::options(&oneof.options());
            if !options.is_empty() {
                text.push('\n');
                for option in &options {
                    indented(&option_statement(option), &mut text);
                }
            }
            text.push('\n');
            let mut fields = fields;
            fields.sort_by_key(FieldDescriptor::number);
            for field in &fields {
                let line = field_text(field.field_descriptor_proto(), field, ctx);
                indented(&line, &mut text);
            }
            text.push_str("}\n");
            Some((first, text))
        })
        .collect();
    if !oneofs.is_empty() {
        out.push('\n');
        oneofs.sort_by_key(|(first, _)| *first);
        for (_, text) in &oneofs {
            indented(text, &mut out);
        }
    }
    if !groups.is_empty() {
        out.push('\n');
        for group in &groups {
            indented(&group_text(group, ctx), &mut out);
        }
    }
    let mut ranges: Vec<(i32, i32)> = (proto.extension_range.iter())
        .map(|r| (r.start(), r.end() - 1))
        .collect();
    if !ranges.is_empty() {
        out.push('\n');
        ranges.sort_by_key(|r| r.0);
        for (start, end) in ranges {
            indented(&format!("extensions {};\n", range(start, end)), &mut out);
        }
    }
    let extensions: Vec<ExtensionDescriptor> = message.child_extensions().collect();
    if !extensions.is_empty() {
        out.push('\n');
        indented(&extends_text(&extensions, ctx), &mut out);
    }
    let group_types: Vec<String> = (message.fields())
        .filter(FieldDescriptor::is_group)
        .filter_map(|f| f.kind().as_message().map(|m| m.full_name().to_string()))
        .collect();
    let children: Vec<MessageDescriptor> = message
        .child_messages()
        .filter(|m| !m.is_map_entry() && !group_types.iter().any(|g| g == m.full_name()))
        .collect();
    let enums: Vec<EnumDescriptor> = message.child_enums().collect();
    if !children.is_empty() || !enums.is_empty() {
        out.push('\n');
        for child in &children {
            indented(&message_text(child, ctx), &mut out);
        }
        for child in &enums {
            indented(&enum_text(child), &mut out);
        }
    }
    out.push_str("}\n");
    out
}

/// `label group Name = number { fields by number }`.
fn group_text(field: &FieldDescriptor, ctx: &Context<'_>) -> String {
    let line = field_text(field.field_descriptor_proto(), field, ctx);
    let label = ["optional ", "repeated ", "required "]
        .into_iter()
        .find(|l| line.starts_with(l))
        .unwrap_or("");
    let Some(group) = field.kind().as_message().cloned() else {
        return line;
    };
    let mut out = format!("{label}group {} = {} {{", group.name(), field.number());
    let fields: Vec<FieldDescriptor> = group.fields().collect();
    if !fields.is_empty() {
        out.push('\n');
        for member in &fields {
            indented(
                &field_text(member.field_descriptor_proto(), member, ctx),
                &mut out,
            );
        }
    }
    out.push_str("}\n");
    out
}

/// `reserved` statements, one per number, range or name: numbers by their
/// start, then names in order.
fn reserved(ranges: &[(i32, i32)], names: &[String], out: &mut String) {
    if ranges.is_empty() && names.is_empty() {
        return;
    }
    out.push('\n');
    let mut ranges = ranges.to_vec();
    ranges.sort_by_key(|r| r.0);
    for (start, end) in ranges {
        indented(&format!("reserved {};\n", range(start, end)), out);
    }
    let mut names: Vec<&String> = names.iter().collect();
    names.sort();
    for name in names {
        indented(&format!("reserved \"{name}\";\n"), out);
    }
}

/// `N`, `N to M` or `N to max` (the peer writes `max` from the largest
/// field number on, for enums too).
fn range(start: i32, end: i32) -> String {
    range_text(start, end, MAX_TAG)
}

fn enum_text(enumeration: &EnumDescriptor) -> String {
    let mut out = format!("enum {} {{", enumeration.name());
    let proto = enumeration.enum_descriptor_proto();
    let ranges: Vec<(i32, i32)> = (proto.reserved_range.iter())
        .map(|r| (r.start(), r.end()))
        .collect();
    reserved(&ranges, &proto.reserved_name, &mut out);
    let options = options(&enumeration.options());
    let mut values: Vec<_> = enumeration.values().collect();
    let reserves = !ranges.is_empty() || !proto.reserved_name.is_empty();
    if !reserves && (!options.is_empty() || !values.is_empty()) {
        out.push('\n');
    }
    for option in &options {
        indented(&option_statement(option), &mut out);
    }
    values.sort_by(|a, b| (a.number(), a.name()).cmp(&(b.number(), b.name())));
    for value in values {
        let mut line = format!("{} = {}", value.name(), value.number());
        let options = self::options(&value.options());
        if !options.is_empty() {
            line.push(' ');
            line.push_str(&bracketed(&options));
        }
        line.push_str(";\n");
        indented(&line, &mut out);
    }
    out.push_str("}\n");
    out
}

fn service_text(service: &ServiceDescriptor) -> String {
    let mut out = format!("service {} {{", service.name());
    let options = options(&service.options());
    if !options.is_empty() {
        out.push('\n');
        for option in &options {
            indented(&option_statement(option), &mut out);
        }
    }
    let methods: Vec<_> = service.methods().collect();
    if !methods.is_empty() {
        out.push('\n');
    }
    for method in methods {
        let mut line = rpc_head(&method);
        let options = self::options(&method.options());
        if !options.is_empty() {
            line.push_str(" {\n");
            for option in &options {
                indented(&option_statement(option), &mut line);
            }
            line.push('}');
        }
        line.push_str(";\n");
        indented(&line, &mut out);
    }
    out.push_str("}\n");
    out
}

/// `extend` blocks, one per extended message in order of first use,
/// fields by number.
fn extends_text(extensions: &[ExtensionDescriptor], ctx: &Context<'_>) -> String {
    let mut extendees: Vec<String> = Vec::new();
    for extension in extensions {
        let name = extension.containing_message().full_name().to_string();
        if !extendees.contains(&name) {
            extendees.push(name);
        }
    }
    let mut out = String::new();
    for extendee in extendees {
        out.push_str(&format!("extend .{extendee} {{\n"));
        let mut fields: Vec<&ExtensionDescriptor> = extensions
            .iter()
            .filter(|e| e.containing_message().full_name() == extendee)
            .collect();
        fields.sort_by_key(|e| e.number());
        for extension in fields {
            let proto = extension.field_descriptor_proto();
            let kind = extension.kind();
            let options = extension.options();
            let (path, name) = (extension.path(), kind_name(&kind));
            let line = field_line(proto, path, &name, &kind, &options, ctx);
            indented(&line, &mut out);
        }
        out.push_str("}\n");
    }
    out
}

fn field_text(proto: &FieldDescriptorProto, field: &FieldDescriptor, ctx: &Context<'_>) -> String {
    let mut line = field_line(
        proto,
        field.path(),
        &field_type(field),
        &field.kind(),
        &field.options(),
        ctx,
    );
    if field.is_map() || field.containing_oneof().is_some_and(|o| !o.is_synthetic()) {
        // No label for a map, nor inside a oneof.
        for label in ["optional ", "repeated ", "required "] {
            if let Some(rest) = line.strip_prefix(label) {
                line = rest.to_string();
            }
        }
    }
    line
}

/// `label type name = number [options];`
fn field_line(
    proto: &FieldDescriptorProto,
    path: &[i32],
    type_name: &str,
    kind: &Kind,
    options: &DynamicMessage,
    ctx: &Context<'_>,
) -> String {
    use prost_reflect::prost_types::field_descriptor_proto::Label;
    let label = match proto.label() {
        Label::Repeated => "repeated ",
        Label::Required => "required ",
        Label::Optional if !ctx.proto3 || proto.proto3_optional() => "optional ",
        Label::Optional => "",
    };
    let mut entries = self::options(options);
    if let Some(default) = &proto.default_value {
        let value = match kind {
            Kind::String => Opt::Text(default.clone()),
            Kind::Bool | Kind::Enum(_) => Opt::Raw(default.clone()),
            _ => Opt::Raw(number_text(default)),
        };
        entries.push(("default".to_string(), value));
    }
    if let Some(json_name) = &proto.json_name {
        let explicit = match ctx.json_names {
            Some(paths) => paths.contains(path),
            None => *json_name != default_json_name(proto.name()),
        };
        if explicit {
            entries.push(("json_name".to_string(), Opt::Text(json_name.clone())));
        }
    }
    sort(&mut entries);
    let mut line = format!("{label}{type_name} {} = {}", proto.name(), proto.number());
    if !entries.is_empty() {
        line.push(' ');
        line.push_str(&bracketed(&entries));
    }
    line.push_str(";\n");
    line
}

/// An option's value as the peer prints it.
enum Opt {
    /// A string, quoted and escaped when printed.
    Text(String),
    /// A number, boolean or enum value, as it is.
    Raw(String),
    /// A message: its fields.
    Map(Vec<(String, Opt)>),
    List(Vec<Opt>),
}

/// The options set in `options`, sorted by name (a custom option's name is
/// its full name, written in parentheses); a repeated option gives one entry
/// per element.
fn options(options: &DynamicMessage) -> Vec<(String, Opt)> {
    let mut entries = option_list(options, opt);
    sort(&mut entries);
    entries
}

/// Sorts options by name, parentheses ignored.
fn sort(entries: &mut [(String, Opt)]) {
    entries.sort_by(|a, b| {
        let bare = |name: &str| {
            name.trim_start_matches('(')
                .trim_end_matches(')')
                .to_string()
        };
        bare(&a.0).cmp(&bare(&b.0))
    });
}

fn opt(value: &Value, kind: &Kind) -> Opt {
    match value {
        Value::Bool(b) => Opt::Raw(b.to_string()),
        Value::I32(n) => Opt::Raw(n.to_string()),
        Value::I64(n) => Opt::Raw(n.to_string()),
        Value::U32(n) => Opt::Raw(n.to_string()),
        Value::U64(n) => Opt::Raw(n.to_string()),
        Value::F32(x) => Opt::Raw(float_text(f64::from(*x))),
        Value::F64(x) => Opt::Raw(float_text(*x)),
        Value::String(s) => Opt::Text(s.clone()),
        Value::Bytes(b) => Opt::Text(String::from_utf8_lossy(b).into_owned()),
        Value::EnumNumber(n) => Opt::Raw(enum_value_name(*n, kind)),
        Value::Message(m) => {
            let mut fields: Vec<(String, Opt)> = m
                .fields()
                .filter(|(_, v)| !matches!(v, Value::List(l) if l.is_empty()))
                .map(|(f, v)| (f.name().to_string(), opt(v, &f.kind())))
                .collect();
            fields.extend(
                m.extensions()
                    .map(|(e, v)| (format!("[{}]", e.full_name()), opt(v, &e.kind()))),
            );
            fields.sort_by(|a, b| a.0.cmp(&b.0));
            Opt::Map(fields)
        }
        Value::List(values) => Opt::List(values.iter().map(|v| opt(v, kind)).collect()),
        Value::Map(map) => {
            let entry = kind.as_message();
            let (key_kind, value_kind) = match entry {
                Some(e) => (
                    e.map_entry_key_field().kind(),
                    e.map_entry_value_field().kind(),
                ),
                None => (Kind::String, Kind::String),
            };
            let mut entries: Vec<(String, Opt, Opt)> = map
                .iter()
                .map(|(k, v)| {
                    let key = map_key(k);
                    let sort_key = key.clone();
                    let key = match key_kind {
                        Kind::String => Opt::Text(key),
                        _ => Opt::Raw(key),
                    };
                    (sort_key, key, opt(v, &value_kind))
                })
                .collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Opt::List(
                entries
                    .into_iter()
                    .map(|(_, k, v)| Opt::Map(vec![("key".into(), k), ("value".into(), v)]))
                    .collect(),
            )
        }
    }
}

/// `option name = value;`
fn option_statement(option: &(String, Opt)) -> String {
    format!("option {};\n", option_text(option))
}

/// `name = value`, or `name = {` and a block for a message.
fn option_text((name, value): &(String, Opt)) -> String {
    match value {
        Opt::Map(fields) => format!("{name} = {{\n{}}}", map_text(fields)),
        value => format!("{name} = {}", value_text(value)),
    }
}

/// `[option]`, or one option a line.
fn bracketed(options: &[(String, Opt)]) -> String {
    if let [only] = options {
        return format!("[{}]", option_text(only));
    }
    let mut out = String::from("[\n");
    for (i, option) in options.iter().enumerate() {
        let comma = if i + 1 < options.len() { "," } else { "" };
        indented(&format!("{}{comma}", option_text(option)), &mut out);
    }
    out.push(']');
    out
}

/// A message's fields, `key: value` a line, indented.
fn map_text(fields: &[(String, Opt)]) -> String {
    let mut out = String::new();
    for (i, (key, value)) in fields.iter().enumerate() {
        let comma = if i + 1 < fields.len() { "," } else { "" };
        indented(&format!("{key}: {}{comma}", value_text(value)), &mut out);
    }
    out
}

fn value_text(value: &Opt) -> String {
    match value {
        Opt::Text(s) => format!("\"{}\"", escape(s)),
        Opt::Raw(s) => s.clone(),
        Opt::Map(fields) => format!("{{\n{}}}", map_text(fields)),
        Opt::List(items) if items.len() == 1 => value_text(&items[0]),
        Opt::List(items) => {
            let mut out = String::from("[\n");
            for (i, item) in items.iter().enumerate() {
                let comma = if i + 1 < items.len() { "," } else { "" };
                indented(&format!("{}{comma}", value_text(item)), &mut out);
            }
            out.push(']');
            out
        }
    }
}

/// The peer's `escapeChars` (`ProtobufSchemaUtils`), which its normalized
/// text and its schema tags both write strings with.
pub(super) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '"' => out.push_str("\\\""),
            c => out.push(c),
        }
    }
    out
}

/// A number as the peer's `DecimalFormat` writes it: no grouping, at most
/// three fraction digits; what is not a number stays as it is.
fn number_text(text: &str) -> String {
    match text.parse::<i128>() {
        Ok(n) => n.to_string(),
        Err(_) => match text.parse::<f64>() {
            Ok(x) if x.is_finite() => float_text(x),
            _ => text.to_string(),
        },
    }
}

fn float_text(x: f64) -> String {
    if !x.is_finite() {
        return if x.is_nan() {
            "nan".into()
        } else if x > 0.0 {
            "inf".into()
        } else {
            "-inf".into()
        };
    }
    let text = format!("{x:.3}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" {
        "-0".into()
    } else {
        text.to_string()
    }
}
