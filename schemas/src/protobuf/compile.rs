//! From `.proto` text or a base64 serialized `FileDescriptorProto` to linked
//! descriptors: the file is parsed with protox's parser, its imports are
//! fetched through the caller's [`Resolver`] (the well-known
//! `google/protobuf/*.proto` files are built in), and everything is linked in
//! a prost-reflect [`DescriptorPool`], which resolves type names and rejects
//! invalid definitions.

use std::collections::{HashMap, HashSet};

use base64::Engine;
use prost_reflect::prost::Message;
use prost_reflect::prost_types::field_descriptor_proto::{Label, Type};
use prost_reflect::prost_types::{
    DescriptorProto, EnumDescriptorProto, FieldDescriptorProto, FileDescriptorProto,
};
use prost_reflect::{
    Cardinality, DescriptorError, DescriptorPool, ExtensionDescriptor, FieldDescriptor,
    FileDescriptor, Kind, MessageDescriptor,
};

use super::error::{Location, ParseError};
use crate::limits::{Limit, LimitExceeded, SchemaLimits};
use crate::resolver::Resolver;

/// The file name given to a schema that arrives as `.proto` text (a
/// serialized descriptor keeps its own name).
pub(crate) const SCHEMA_FILE: &str = "schema.proto";

/// Nesting limit for imports, far beyond any real schema.
const MAX_FILES: usize = 10_000;

/// Checks the file's declarations against `limits`: messages nested in
/// messages, fields per message, values per enum. Places are full names.
fn within(file: &FileDescriptorProto, limits: &SchemaLimits) -> Result<(), LimitExceeded> {
    let name = |scope: &str, local: &str| {
        if scope.is_empty() {
            local.to_string()
        } else {
            format!("{scope}.{local}")
        }
    };
    let enums = |scope: &str, list: &[EnumDescriptorProto]| {
        list.iter().try_for_each(|e| {
            limits.check(Limit::EnumSymbols, e.value.len(), || name(scope, e.name()))
        })
    };
    // Iterative, so that nesting is bounded by the limit and not the stack.
    let mut todo: Vec<(String, &DescriptorProto, u64)> = file
        .message_type
        .iter()
        .map(|m| (name(file.package(), m.name()), m, 1))
        .collect();
    enums(file.package(), &file.enum_type)?;
    while let Some((full, message, depth)) = todo.pop() {
        if depth > limits.max_depth {
            return Err(limits.passed(Limit::Depth, full));
        }
        limits.check(Limit::Fields, message.field.len(), || full.clone())?;
        enums(&full, &message.enum_type)?;
        for nested in &message.nested_type {
            todo.push((name(&full, nested.name()), nested, depth + 1));
        }
    }
    Ok(())
}

/// One file before linking.
struct Loaded {
    descriptor: FileDescriptorProto,
    /// The serialized form, for a file that arrived serialized (its custom
    /// options are kept as they were encoded).
    encoded: Option<Vec<u8>>,
    /// The `.proto` text, for error locations.
    source: Option<String>,
}

/// Parses and links `text` (`.proto` source or base64 of a serialized
/// `FileDescriptorProto`) with its imports. Also answers whether `text` was
/// `.proto` source (rather than a serialized descriptor).
/// A compiled schema: its linked file, and for `.proto` source the paths
/// (in its `FileDescriptorProto`) of the fields whose `json_name` the source
/// sets, which linking no longer tells apart (it fills in every field's).
pub(crate) struct Compiled {
    pub(crate) file: FileDescriptor,
    pub(crate) json_names: Option<HashSet<Vec<i32>>>,
}

pub(crate) fn compile(
    text: &str,
    resolver: &dyn Resolver,
    limits: &SchemaLimits,
) -> Result<Compiled, ParseError> {
    if text.trim().is_empty() {
        return Err(ParseError::Empty);
    }
    let main = load(None, text)?;
    within(&main.descriptor, limits)?;
    let json_names = main
        .source
        .is_some()
        .then(|| explicit_json_names(&main.descriptor));
    let main_name = main.descriptor.name().to_string();
    let builtin = builtin_pool().clone();
    let mut files: HashMap<String, Loaded> = HashMap::new();
    let mut order: Vec<String> = Vec::new();
    let mut pending = vec![main_name.clone()];
    files.insert(main_name.clone(), main);
    while let Some(name) = pending.pop() {
        let dependencies = files[&name].descriptor.dependency.clone();
        for (index, dependency) in dependencies.into_iter().enumerate() {
            if files.contains_key(&dependency) || builtin.get_file_by_name(&dependency).is_some() {
                continue;
            }
            let Some(text) = resolver.resolve(&dependency) else {
                return Err(ParseError::MissingImport {
                    location: import_location(&name, &files[&name], index),
                    import: dependency,
                });
            };
            let loaded = load(Some(&dependency), &text)?;
            files.insert(dependency.clone(), loaded);
            pending.push(dependency);
            if files.len() > MAX_FILES {
                return Err(ParseError::Invalid {
                    location: Location::file(&main_name),
                    message: format!("more than {MAX_FILES} imported files"),
                });
            }
        }
    }
    topological(&main_name, &files, &mut Vec::new(), &mut order)?;
    let mut needed: Vec<String> = Vec::new();
    for name in &order {
        for dependency in &files[name].descriptor.dependency {
            builtin_closure(&builtin, dependency, &mut needed);
        }
    }
    // Source positions (a location for every element: as much memory as the
    // descriptor itself, and more again once linked) only place an error.
    // Link without them; only a file that fails to link is linked again
    // with them, to say where.
    let mut positions = HashMap::new();
    for (name, file) in files.iter_mut() {
        if let Some(info) = file.descriptor.source_code_info.take() {
            positions.insert(name.clone(), info);
        }
    }
    let pool = match link(&builtin, &needed, &order, &files) {
        Ok(pool) => pool,
        Err(unplaced) => {
            for (name, info) in positions {
                if let Some(file) = files.get_mut(&name) {
                    file.descriptor.source_code_info = Some(info);
                }
            }
            return Err(link(&builtin, &needed, &order, &files)
                .err()
                .unwrap_or(unplaced));
        }
    };
    for name in order.iter().filter(|n| files[*n].encoded.is_some()) {
        let linked = pool.get_file_by_name(name).expect("every file was added");
        if let Some(reason) = bad_map_entry(&linked) {
            return Err(ParseError::BadDescriptor {
                file: name.clone(),
                reason,
            });
        }
    }
    let file = pool
        .get_file_by_name(&main_name)
        .expect("the main file was just added");
    Ok(Compiled { file, json_names })
}

/// The paths of the fields and extensions of `file` that set `json_name`.
fn explicit_json_names(file: &FileDescriptorProto) -> HashSet<Vec<i32>> {
    fn fields(list: &[FieldDescriptorProto], path: &[i32], tag: i32, out: &mut HashSet<Vec<i32>>) {
        for (i, field) in list.iter().enumerate() {
            if field.json_name.is_some() {
                out.insert([path, &[tag, i as i32]].concat());
            }
        }
    }
    fn message(proto: &DescriptorProto, path: Vec<i32>, out: &mut HashSet<Vec<i32>>) {
        fields(&proto.field, &path, 2, out);
        fields(&proto.extension, &path, 6, out);
        for (i, nested) in proto.nested_type.iter().enumerate() {
            message(nested, [&path[..], &[3, i as i32]].concat(), out);
        }
    }
    let mut out = HashSet::new();
    fields(&file.extension, &[], 7, &mut out);
    for (i, proto) in file.message_type.iter().enumerate() {
        message(proto, vec![4, i as i32], &mut out);
    }
    out
}

/// Reads one file: `name` is the import path, or `None` for the schema itself.
/// A fresh pool of the well-known files `needed` (cheaper than a copy of
/// the whole built-in set) and `files` in `order`, each after its imports.
fn link(
    builtin: &DescriptorPool,
    needed: &[String],
    order: &[String],
    files: &HashMap<String, Loaded>,
) -> Result<DescriptorPool, ParseError> {
    let mut pool = DescriptorPool::new();
    for name in needed {
        let file = builtin
            .get_file_by_name(name)
            .expect("listed by the closure");
        pool.add_file_descriptor_proto(file.file_descriptor_proto().clone())
            .map_err(|e| invalid(name, e))?;
    }
    for name in order {
        let file = &files[name];
        let added = match &file.encoded {
            Some(bytes) => pool.decode_file_descriptor_proto(bytes.as_slice()),
            None => pool.add_file_descriptor_proto(file.descriptor.clone()),
        };
        added.map_err(|e| invalid(name, e))?;
    }
    Ok(pool)
}

fn load(name: Option<&str>, text: &str) -> Result<Loaded, ParseError> {
    let trimmed = text.trim();
    if looks_like_base64(trimmed) {
        match decode_descriptor(name, trimmed) {
            Ok(loaded) => return Ok(loaded),
            // Not base64 after all: it may be text made of base64 characters
            // only (a file holding a `//` comment); report the descriptor
            // problem if it is not valid text either.
            Err(bad) => {
                return parse_text(name.unwrap_or(SCHEMA_FILE), text).map_err(|_| bad);
            }
        }
    }
    parse_text(name.unwrap_or(SCHEMA_FILE), text)
}

fn parse_text(name: &str, text: &str) -> Result<Loaded, ParseError> {
    match protox_parse::parse(name, text) {
        Ok(descriptor) => Ok(Loaded {
            descriptor,
            encoded: None,
            source: Some(text.to_string()),
        }),
        Err(e) => {
            let location = match e.span() {
                Some(span) => Location::at_offset(name, text, span.start),
                None => Location::at_offset(name, text, text.len()),
            };
            Err(ParseError::Syntax {
                location,
                message: e.to_string(),
            })
        }
    }
}

/// Base64 text: only the base64 alphabet, at least one full quantum. `.proto`
/// text always holds a `;`, `{` or `"`, none of which is base64.
fn looks_like_base64(text: &str) -> bool {
    text.len() >= 4
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=' | b'\n' | b'\r'))
}

fn decode_descriptor(name: Option<&str>, text: &str) -> Result<Loaded, ParseError> {
    let file = name.unwrap_or(SCHEMA_FILE);
    let compact: String = text.split_whitespace().collect();
    let bad = |reason: String| ParseError::BadDescriptor {
        file: file.to_string(),
        reason,
    };
    let mut bytes = base64::engine::general_purpose::STANDARD
        .decode(compact.as_bytes())
        .map_err(|e| bad(format!("bad base64: {e}")))?;
    let mut descriptor =
        FileDescriptorProto::decode(bytes.as_slice()).map_err(|e| bad(e.to_string()))?;
    // The pool knows proto2 and proto3 only, and cannot report another
    // syntax (prost-reflect 0.16 panics labelling the error with a file it
    // has not added yet), so any other is refused here. `.proto` text never
    // gets this far with one: its parser knows the same two.
    if let Some(syntax) = descriptor
        .syntax
        .as_deref()
        .filter(|s| !matches!(*s, "proto2" | "proto3"))
    {
        return Err(bad(format!(
            "its syntax is {syntax:?}, not \"proto2\" or \"proto3\""
        )));
    }
    // The pool does not check that names are identifiers, and the schema's
    // `.proto` text (its canonical form) must parse again.
    if let Some(name) = bad_name(&descriptor) {
        return Err(bad(format!("{name:?} is not a Protobuf identifier")));
    }
    if let Some((entry, key)) = bad_map_key(&descriptor) {
        return Err(bad(format!(
            "the map entry {entry:?} has a key of type {key}, where a map key \
             must be an integer, boolean or string type"
        )));
    }
    // An import must carry the name it is imported by, and the schema a name;
    // a later occurrence of field 1 overrides the earlier one on the wire,
    // which keeps every other byte (custom options included) as it was.
    let wanted = match name {
        Some(import) => Some(import),
        None if descriptor.name().is_empty() => Some(SCHEMA_FILE),
        None => None,
    };
    if let Some(wanted) = wanted.filter(|w| *w != descriptor.name()) {
        FileDescriptorProto {
            name: Some(wanted.to_string()),
            ..Default::default()
        }
        .encode(&mut bytes)
        .map_err(|e| bad(e.to_string()))?;
        descriptor.name = Some(wanted.to_string());
    }
    Ok(Loaded {
        descriptor,
        encoded: Some(bytes),
        source: None,
    })
}

/// The first map entry of `file` whose key type `.proto` text cannot write
/// (prost-reflect links a descriptor's `map<bytes, ...>`, whose printed
/// text then does not parse again), with that type.
fn bad_map_key(file: &FileDescriptorProto) -> Option<(String, &'static str)> {
    let mut todo: Vec<&DescriptorProto> = file.message_type.iter().collect();
    while let Some(message) = todo.pop() {
        todo.extend(&message.nested_type);
        if !message.options.as_ref().is_some_and(|o| o.map_entry()) {
            continue;
        }
        let key = message.field.iter().find(|f| f.number() == 1);
        let found = match key.map(|k| k.r#type()) {
            Some(Type::Double) => "double",
            Some(Type::Float) => "float",
            Some(Type::Bytes) => "bytes",
            Some(Type::Message) => "a message",
            Some(Type::Group) => "a group",
            Some(Type::Enum) => "an enum",
            _ => continue,
        };
        return Some((message.name().to_string(), found));
    }
    None
}

/// Why a field, extension or method of a linked serialized descriptor uses a
/// map entry message (`option map_entry = true`) as `.proto` text could not
/// write it, if one does: protoc's `ValidateMapEntry` ("map_entry should not
/// be set explicitly"). The text writes a map entry only as `map<K, V> name`,
/// a repeated field of the message that declares the entry, named after
/// the field, with an optional `key` 1 and `value` 2 and nothing else;
/// the printer prints such a field as `map<K, V>` and never the entry
/// itself, so any other use would print a text that does not parse again
/// or means something else (and an entry without its key or value panicked
/// prost-reflect's accessors).
fn bad_map_entry(file: &FileDescriptor) -> Option<String> {
    fn entry_problem(field: &FieldDescriptor, entry: &MessageDescriptor) -> Option<&'static str> {
        let proto = entry.descriptor_proto();
        let optional = |number: u32, name: &str| {
            entry.get_field(number).is_some_and(|f| {
                f.name() == name && f.field_descriptor_proto().label() == Label::Optional
            })
        };
        if field.cardinality() != Cardinality::Repeated {
            Some("the field is not repeated")
        } else if entry.parent_message().map(|m| m.full_name().to_string())
            != Some(field.parent_message().full_name().to_string())
        {
            Some("the entry is not declared in the field's message")
        } else if entry.name() != format!("{}Entry", pascal_case(field.name())) {
            Some("the entry is not named after the field")
        } else if proto.field.len() != 2 || !optional(1, "key") || !optional(2, "value") {
            Some("the entry does not hold exactly an optional key = 1 and value = 2")
        } else if !proto.nested_type.is_empty()
            || !proto.enum_type.is_empty()
            || !proto.extension.is_empty()
            || !proto.extension_range.is_empty()
        {
            Some("the entry declares more than its key and value")
        } else {
            None
        }
    }
    let mut extensions: Vec<ExtensionDescriptor> = file.extensions().collect();
    let mut todo: Vec<MessageDescriptor> = file.messages().collect();
    while let Some(message) = todo.pop() {
        todo.extend(message.child_messages());
        extensions.extend(message.child_extensions());
        for field in message.fields() {
            let Kind::Message(entry) = field.kind() else {
                continue;
            };
            if !entry.is_map_entry() {
                continue;
            }
            if let Some(problem) = entry_problem(&field, &entry) {
                return Some(format!(
                    "the field {:?} has the map entry {:?} as its type, which .proto text \
                     cannot write: {problem}",
                    field.full_name(),
                    entry.full_name()
                ));
            }
        }
    }
    for extension in extensions {
        if let Kind::Message(entry) = extension.kind()
            && entry.is_map_entry()
        {
            return Some(format!(
                "the extension {:?} has the map entry {:?} as its type, where an \
                 extension cannot be a map",
                extension.full_name(),
                entry.full_name()
            ));
        }
    }
    for method in file
        .services()
        .flat_map(|s| s.methods().collect::<Vec<_>>())
    {
        for message in [method.input(), method.output()] {
            if message.is_map_entry() {
                return Some(format!(
                    "the method {:?} takes or returns the map entry {:?}, which .proto \
                     text cannot name",
                    method.full_name(),
                    message.full_name()
                ));
            }
        }
    }
    None
}

/// protoc's `ToCamelCase(name, false)`, which names a map field's entry.
fn pascal_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper = true;
    for c in name.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.push(c.to_ascii_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// The first name a serialized descriptor declares that `.proto` text could
/// not: packages, messages, fields, oneofs, enums, enum values, extensions,
/// services and methods must be identifiers (`[A-Za-z_][A-Za-z0-9_]*`,
/// packages dot-separated ones), and so must reserved names, which the text
/// writes as strings but its parser holds to the same rule. Type references
/// are the pool's business: they must name a declared type.
fn bad_name(file: &FileDescriptorProto) -> Option<String> {
    fn identifier(name: &str) -> bool {
        let mut chars = name.chars();
        chars
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
    }
    fn first_bad<'a>(names: impl IntoIterator<Item = &'a str>) -> Option<String> {
        names
            .into_iter()
            .find(|n| !identifier(n))
            .map(str::to_string)
    }
    fn enums(list: &[EnumDescriptorProto]) -> Option<String> {
        first_bad(list.iter().flat_map(|e| {
            std::iter::once(e.name())
                .chain(e.value.iter().map(|v| v.name()))
                .chain(e.reserved_name.iter().map(String::as_str))
        }))
    }
    if !file.package().is_empty() && !file.package().split('.').all(identifier) {
        return Some(file.package().to_string());
    }
    let services = file
        .service
        .iter()
        .flat_map(|s| std::iter::once(s.name()).chain(s.method.iter().map(|m| m.name())));
    let found = enums(&file.enum_type)
        .or_else(|| first_bad(file.extension.iter().map(|f| f.name())))
        .or_else(|| first_bad(services));
    if found.is_some() {
        return found;
    }
    // Iterative, so that nesting is bounded by the heap and not the stack.
    let mut todo: Vec<&DescriptorProto> = file.message_type.iter().collect();
    while let Some(message) = todo.pop() {
        let names = std::iter::once(message.name())
            .chain(message.field.iter().map(|f| f.name()))
            .chain(message.extension.iter().map(|f| f.name()))
            .chain(message.oneof_decl.iter().map(|o| o.name()))
            .chain(message.reserved_name.iter().map(String::as_str));
        let found = first_bad(names).or_else(|| enums(&message.enum_type));
        if found.is_some() {
            return found;
        }
        todo.extend(&message.nested_type);
    }
    None
}

/// Appends the files `name` needs, then `name`, to `order` (dependencies
/// first), rejecting import cycles. Imports of built-in files are left to
/// the pool; `name` itself is always loaded, even when it carries a built-in
/// name (the Python serializer with `skip.known.types=False` registers
/// `google/protobuf/timestamp.proto` as a schema of its own).
fn topological(
    name: &str,
    files: &HashMap<String, Loaded>,
    stack: &mut Vec<String>,
    order: &mut Vec<String>,
) -> Result<(), ParseError> {
    if order.iter().any(|n| n == name) {
        return Ok(());
    }
    if let Some(start) = stack.iter().position(|n| n == name) {
        let mut cycle = stack[start..].join(" -> ");
        cycle.push_str(" -> ");
        cycle.push_str(name);
        return Err(ParseError::ImportCycle { cycle });
    }
    stack.push(name.to_string());
    for dependency in &files[name].descriptor.dependency {
        // Only built-in imports were left out of `files`: the pool has them.
        if !files.contains_key(dependency) {
            continue;
        }
        topological(dependency, files, stack, order)?;
    }
    stack.pop();
    order.push(name.to_string());
    Ok(())
}

/// Confluent's own files its registry knows without references
/// (`confluent/meta.proto` for the `(confluent.field_meta)` options that
/// hold schema tags, and `confluent/type/decimal.proto`), copied from
/// confluentinc/schema-registry's protobuf-types (Apache-2.0).
const CONFLUENT_FILES: [(&str, &str); 2] = [
    ("confluent/meta.proto", include_str!("confluent/meta.proto")),
    (
        "confluent/type/decimal.proto",
        include_str!("confluent/type/decimal.proto"),
    ),
];

/// The built-in files: protobuf's well-known `google/protobuf/*.proto` and
/// [`CONFLUENT_FILES`].
pub(crate) fn builtin_pool() -> &'static DescriptorPool {
    static POOL: std::sync::OnceLock<DescriptorPool> = std::sync::OnceLock::new();
    POOL.get_or_init(|| {
        let mut pool = DescriptorPool::global();
        for (name, text) in CONFLUENT_FILES {
            let file = protox_parse::parse(name, text).expect("a built-in file parses");
            pool.add_file_descriptor_proto(file)
                .expect("a built-in file links");
        }
        pool
    })
}

/// Appends the built-in file `name` (if it is one) after the built-in files
/// it imports, each once.
fn builtin_closure(builtin: &DescriptorPool, name: &str, needed: &mut Vec<String>) {
    if needed.iter().any(|n| n == name) {
        return;
    }
    let Some(file) = builtin.get_file_by_name(name) else {
        return;
    };
    for dependency in &file.file_descriptor_proto().dependency {
        builtin_closure(builtin, dependency, needed);
    }
    needed.push(name.to_string());
}

/// Where `file` imports its `index`th dependency.
fn import_location(name: &str, file: &Loaded, index: usize) -> Location {
    let span = file
        .descriptor
        .source_code_info
        .as_ref()
        .and_then(|info| {
            info.location
                .iter()
                .find(|l| l.path == [3, index as i32] && l.span.len() >= 3)
        })
        .map(|l| (l.span[0], l.span[1]));
    match (span, &file.source) {
        (Some((line, column)), Some(_)) => Location {
            file: name.to_string(),
            line: Some(line as usize + 1),
            column: Some(column as usize + 1),
        },
        _ => Location::file(name),
    }
}

fn invalid(name: &str, error: DescriptorError) -> ParseError {
    ParseError::Invalid {
        location: Location {
            file: error.file().unwrap_or(name).to_string(),
            line: error.line().map(|l| l + 1),
            column: error.column().map(|c| c + 1),
        },
        message: error.to_string(),
    }
}
