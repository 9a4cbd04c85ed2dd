//! The texts the Confluent Schema Registry keeps for an Avro schema: its
//! `canonicalString()`, Avro Java's `Schema.toString`, over which the peer
//! tells one schema from another (the same text with the same references,
//! metadata and rule set is one id), and which it stores; and the same
//! printing of the schema `AvroSchema.normalize()` makes, which it stores
//! for a registration with `normalize=true`. Byte for byte.
//!
//! [`Printing::Parsed`] writes Avro Java's `Schema.toString` of the schema
//! as `Schema.Parser` reads it: Avro Java's own key order (`type`, `name`,
//! `namespace`, `doc`, `fields` or `symbols` or `size`, properties,
//! `aliases`; a field's `name`, `type`, `doc`, `default`, `order`,
//! `aliases`, properties), names written short where the enclosing
//! namespace is theirs (a type of the null namespace inside a namespaced
//! one with `"namespace":""`), properties and aliases in the document's
//! order, defaults and property values as Jackson reads and writes a tree
//! (`1.50` is `1.5`, `1e2` is `100.0`, an integer stays one; a `float` or
//! `double` field's default written as a string is read as a number), a
//! primitive without properties as its name, an `error` as an `error`.
//! Named types of referenced schemas are written by name when they are
//! the top of a referenced schema (the names `toString(referencedSchemas)`
//! knows); a type nested in one is written out where first used, as there.
//!
//! [`Printing::Normalized`]: the peer's `AvroSchema.normalize()` prints the
//! schema with `AvroSchemaUtils.toNormalizedString` (adapted from Avro's
//! `SchemaNormalization`: every name in full, `namespace` dropped, field
//! aliases and type aliases sorted, empty type docs dropped, custom
//! properties sorted by key after the logical type's, defaults and property
//! values converted to Java values and back (a `double` default `1` becomes
//! `1.0`, object keys sorted)), parses that text again, and serves
//! `canonicalString()` of the result. This module writes that final text in
//! one pass over the parsed model, reproducing the effects of the round
//! trip: a named type in the null namespace defined inside a namespaced
//! record moves into that namespace (its name is written without one, and
//! read again in the enclosing one), an `error` is read back as a `record`.
//! Printed with [`Printing::Parsed`] after parsing, a normalized text is
//! itself.

use std::collections::HashMap;

use serde_json::Value;

use super::model::{Attrs, Kind, Logical, Node, NodeId, Order, namespace_of, short_name};
use crate::jackson::{java_double, java_float, java_order, write_string};

/// The attributes Avro Java never keeps as properties of a type (its
/// `SCHEMA_RESERVED`).
const RESERVED: [&str; 10] = [
    "doc",
    "fields",
    "items",
    "name",
    "namespace",
    "size",
    "symbols",
    "values",
    "type",
    "aliases",
];

/// The Avro type names a short name equal to which is written in full.
const TYPE_NAMES: [&str; 14] = [
    "record", "enum", "array", "map", "union", "fixed", "string", "bytes", "int", "long", "float",
    "double", "boolean", "null",
];

/// Which of the peer's texts to write (see the module's documentation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Printing {
    /// Avro Java's `Schema.toString` of the schema as parsed: the peer's
    /// `canonicalString()`, its identity.
    Parsed,
    /// The same of the peer's normalized schema: what it stores when
    /// normalizing.
    Normalized,
}

/// The peer's text, printed as `printing` says, of the schema rooted at
/// `root`.
pub(crate) fn peer_text(nodes: &[Node], root: NodeId, printing: Printing) -> String {
    let mut writer = Writer {
        nodes,
        printing,
        out: String::new(),
        names: HashMap::new(),
    };
    writer.write(root, "");
    writer.out
}

struct Writer<'a> {
    nodes: &'a [Node],
    printing: Printing,
    out: String,
    /// The full name each named type defined so far was given.
    names: HashMap<NodeId, String>,
}

/// A value as Avro Java holds a default or a property between the two
/// texts: numbers typed by the schema, objects with sorted keys.
enum Datum {
    Null,
    Bool(bool),
    Integer(String),
    Float(f32),
    Double(f64),
    Text(String),
    List(Vec<Datum>),
    Map(Vec<(String, Datum)>),
}

impl Writer<'_> {
    fn key(&mut self, key: &str) {
        if !self.out.ends_with(['{', '[']) {
            self.out.push(',');
        }
        write_string(key, &mut self.out);
        self.out.push(':');
    }

    fn key_string(&mut self, key: &str, value: &str) {
        self.key(key);
        write_string(value, &mut self.out);
    }

    /// The name of named type `full` as written where the namespace is
    /// `ns` (Avro Java's `Name.getQualified`).
    fn qualified<'n>(full: &'n str, ns: &str) -> &'n str {
        let short = short_name(full);
        if namespace_of(full) == ns && !ns.is_empty() && !TYPE_NAMES.contains(&short) {
            short
        } else {
            full
        }
    }

    /// Writes type `id` where the enclosing namespace is `ns`.
    fn write(&mut self, id: NodeId, ns: &str) {
        let node = &self.nodes[id];
        if let Some(named) = node.kind.named() {
            if let Some(full) = self.names.get(&id) {
                let name = Self::qualified(full, ns).to_string();
                write_string(&name, &mut self.out);
                return;
            }
            let normalized = self.printing == Printing::Normalized;
            // A type of a referenced schema: by name (as Avro Java prints
            // it, when it is the top of that schema, whose name it knows).
            if named.origin != 0 && (normalized || named.pointer == "#") {
                write_string(Self::qualified(&named.name, ns), &mut self.out);
                return;
            }
            let full = if named.name.contains('.') || ns.is_empty() || !normalized {
                named.name.clone()
            } else {
                format!("{ns}.{}", named.name)
            };
            self.names.insert(id, full.clone());
            let own = namespace_of(&full).to_string();
            self.out.push('{');
            let shape = match &node.kind {
                Kind::Record(r) if r.is_error && !normalized => "error",
                Kind::Record(_) => "record",
                Kind::Enum(_) => "enum",
                _ => "fixed",
            };
            self.key_string("type", shape);
            self.key_string("name", short_name(&full));
            if own != ns {
                self.key_string("namespace", &own);
            }
            if let Some(doc) = named
                .doc
                .as_deref()
                .filter(|d| !d.is_empty() || !normalized)
            {
                self.key_string("doc", doc);
            }
            match &node.kind {
                Kind::Record(record) => {
                    self.key("fields");
                    self.out.push('[');
                    for field in &record.fields {
                        if !self.out.ends_with('[') {
                            self.out.push(',');
                        }
                        self.out.push('{');
                        self.key_string("name", &field.name);
                        self.key("type");
                        self.write(field.ty, &own);
                        if let Some(doc) = &field.doc {
                            self.key_string("doc", doc);
                        }
                        if let Some(default) = field.default.as_ref() {
                            self.default(default, field.ty);
                        }
                        if field.order != Order::Ascending {
                            self.key_string("order", field.order.as_str());
                        }
                        let mut aliases: Vec<&str> =
                            field.aliases.iter().map(String::as_str).collect();
                        if normalized {
                            aliases.sort_by(|a, b| java_order(a, b));
                        }
                        self.list("aliases", &aliases);
                        self.properties(&field.attrs, &[], None);
                        self.out.push('}');
                    }
                    self.out.push(']');
                }
                Kind::Enum(e) => {
                    let symbols: Vec<&str> = e.symbols.iter().map(String::as_str).collect();
                    self.key("symbols");
                    self.strings(&symbols);
                    if let Some(default) = &e.default {
                        self.key_string("default", default);
                    }
                }
                Kind::Fixed(f) => {
                    self.key("size");
                    self.out.push_str(&f.size.to_string());
                }
                _ => {}
            }
            // An enum's `default` is its symbol, consumed above.
            self.properties(&node.attrs, &RESERVED, node.logical);
            let mut aliases: Vec<String> = named
                .aliases
                .iter()
                .map(|a| {
                    if a.contains('.') || own.is_empty() {
                        a.clone()
                    } else {
                        format!("{own}.{a}")
                    }
                })
                .collect();
            if normalized {
                aliases.sort_by(|a, b| java_order(a, b));
            }
            let aliases: Vec<&str> = aliases.iter().map(|a| Self::qualified(a, &own)).collect();
            self.list("aliases", &aliases);
            self.out.push('}');
            return;
        }
        match &node.kind {
            Kind::Array(inner) | Kind::Map(inner) => {
                let (shape, key) = match node.kind {
                    Kind::Array(_) => ("array", "items"),
                    _ => ("map", "values"),
                };
                self.out.push('{');
                self.key_string("type", shape);
                self.key(key);
                self.write(*inner, ns);
                self.properties(&node.attrs, &RESERVED, node.logical);
                self.out.push('}');
            }
            Kind::Union(branches) => {
                self.out.push('[');
                for &branch in branches {
                    if !self.out.ends_with('[') {
                        self.out.push(',');
                    }
                    self.write(branch, ns);
                }
                self.out.push(']');
            }
            primitive => {
                let name = primitive.shape();
                let kept = node.attrs.keys().any(|k| !RESERVED.contains(&k.as_str()));
                if kept {
                    self.out.push('{');
                    self.key_string("type", name);
                    self.properties(&node.attrs, &RESERVED, node.logical);
                    self.out.push('}');
                } else {
                    write_string(name, &mut self.out);
                }
            }
        }
    }

    /// A list of strings under `key`, unless empty.
    fn list(&mut self, key: &str, items: &[&str]) {
        if !items.is_empty() {
            self.key(key);
            self.strings(items);
        }
    }

    fn strings(&mut self, items: &[&str]) {
        self.out.push('[');
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                self.out.push(',');
            }
            write_string(item, &mut self.out);
        }
        self.out.push(']');
    }

    /// A field's default: normalized, as Avro Java reads it for the
    /// field's type; otherwise as Jackson read it, a string default of a
    /// `float` or `double` field read as a number (`Schema.parseField`).
    fn default(&mut self, default: &Value, ty: NodeId) {
        if self.printing == Printing::Parsed {
            self.key("default");
            match (&self.nodes[ty].kind, default) {
                (Kind::Float | Kind::Double, Value::String(text)) => {
                    match java_parse_double(text) {
                        Some(x) if x.is_finite() => self.out.push_str(&java_double(x)),
                        Some(x) => write_string(&java_special(x), &mut self.out),
                        None => write_string(text, &mut self.out),
                    }
                }
                _ => tree_text(default, &mut self.out),
            }
        } else if let Some(datum) = self.datum(default, Some(ty)) {
            self.key("default");
            self.datum_text(&datum);
        }
    }

    /// The properties of a type or field, `skip` aside. Normalized: those
    /// of its valid logical type first (`logicalType`, a decimal's
    /// `precision` and non-zero `scale`), then the others sorted by key,
    /// values as Java values. Otherwise: in the document's order, values as
    /// Jackson read them.
    fn properties(&mut self, attrs: &Attrs, skip: &[&str], logical: Option<Logical>) {
        if self.printing == Printing::Parsed {
            for (key, value) in attrs.iter().filter(|(k, _)| !skip.contains(&k.as_str())) {
                self.key(key);
                tree_text(value, &mut self.out);
            }
            return;
        }
        let mut first: Vec<&str> = Vec::new();
        if let Some(logical) = logical {
            first.push("logicalType");
            if let Logical::Decimal { scale, .. } = logical {
                first.push("precision");
                if scale != 0 {
                    first.push("scale");
                }
            }
        }
        let mut rest: Vec<&str> = attrs
            .keys()
            .map(String::as_str)
            .filter(|k| !skip.contains(k) && !first.contains(k))
            .collect();
        rest.sort_by(|a, b| java_order(a, b));
        for key in first.into_iter().chain(rest) {
            let Some(value) = attrs.get(key) else {
                continue;
            };
            if let Some(datum) = self.datum(value, None) {
                self.key(key);
                self.datum_text(&datum);
            }
        }
    }

    /// `value` as Avro Java's `JacksonUtils.toObject` reads it for a value
    /// of type `ty` (any type when `None`): `None` where it reads nothing.
    fn datum(&self, value: &Value, ty: Option<NodeId>) -> Option<Datum> {
        let kind = ty.map(|id| &self.nodes[id].kind);
        if value.is_null() {
            return Some(Datum::Null);
        }
        if let Some(Kind::Union(branches)) = kind {
            return branches
                .iter()
                .filter(|&&b| !matches!(self.nodes[b].kind, Kind::Null))
                .find_map(|&b| self.datum(value, Some(b)));
        }
        Some(match value {
            Value::Null => Datum::Null,
            Value::Bool(b) => Datum::Bool(*b),
            Value::Number(n) => match (n.as_i64(), kind) {
                (Some(_), None | Some(Kind::Int | Kind::Long)) => Datum::Integer(n.to_string()),
                (Some(i), Some(Kind::Float)) => Datum::Float(i as f64 as f32),
                (Some(i), Some(Kind::Double)) => Datum::Double(i as f64),
                (None, _) if n.is_u64() => return None,
                (None, None | Some(Kind::Double)) => Datum::Double(n.as_f64()?),
                (None, Some(Kind::Float)) => Datum::Float(n.as_f64()? as f32),
                _ => return None,
            },
            Value::String(s) => match kind {
                None | Some(Kind::String | Kind::Enum(_)) => Datum::Text(s.clone()),
                // Read as ISO-8859-1 bytes and written back.
                Some(Kind::Bytes | Kind::Fixed(_)) => Datum::Text(
                    s.chars()
                        .map(|c| if (c as u32) < 0x100 { c } else { '?' })
                        .collect(),
                ),
                Some(_) => return None,
            },
            Value::Array(items) => {
                let inner = match kind {
                    Some(Kind::Array(inner)) => Some(*inner),
                    _ => None,
                };
                Datum::List(
                    items
                        .iter()
                        .map(|item| self.datum(item, inner).unwrap_or(Datum::Null))
                        .collect(),
                )
            }
            Value::Object(map) => {
                let mut entries: Vec<(String, Datum)> = map
                    .iter()
                    .map(|(key, item)| {
                        let inner = match kind {
                            Some(Kind::Map(values)) => Some(*values),
                            Some(Kind::Record(record)) => {
                                record.fields.iter().find(|f| &f.name == key).map(|f| f.ty)
                            }
                            _ => None,
                        };
                        let datum = self.datum(item, inner).unwrap_or(Datum::Null);
                        (key.clone(), datum)
                    })
                    .collect();
                entries.sort_by(|a, b| java_order(&a.0, &b.0));
                Datum::Map(entries)
            }
        })
    }

    /// Writes `datum` as the final text has it: read again as JSON by Avro
    /// Java (a float's text read as a double) and written by Jackson.
    fn datum_text(&mut self, datum: &Datum) {
        match datum {
            Datum::Null => self.out.push_str("null"),
            Datum::Bool(b) => self.out.push_str(if *b { "true" } else { "false" }),
            Datum::Integer(i) => self.out.push_str(i),
            Datum::Float(f) => {
                let again = java_float(*f).parse::<f64>().unwrap_or(f64::from(*f));
                self.out.push_str(&java_double(again));
            }
            Datum::Double(d) => self.out.push_str(&java_double(*d)),
            Datum::Text(s) => write_string(s, &mut self.out),
            Datum::List(items) => {
                self.out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        self.out.push(',');
                    }
                    self.datum_text(item);
                }
                self.out.push(']');
            }
            Datum::Map(entries) => {
                self.out.push('{');
                for (i, (key, item)) in entries.iter().enumerate() {
                    if i > 0 {
                        self.out.push(',');
                    }
                    write_string(key, &mut self.out);
                    self.out.push(':');
                    self.datum_text(item);
                }
                self.out.push('}');
            }
        }
    }
}

/// `value` as Jackson writes the tree it read it as: integers as written,
/// other numbers as `double`s (`Double.toString`), objects in their order.
fn tree_text(value: &Value, out: &mut String) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) if n.is_i64() || n.is_u64() => out.push_str(&n.to_string()),
        Value::Number(n) => out.push_str(&java_double(n.as_f64().unwrap_or(0.0))),
        Value::String(s) => write_string(s, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                tree_text(item, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            for (i, (key, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(key, out);
                out.push(':');
                tree_text(item, out);
            }
            out.push('}');
        }
    }
}

/// Java's `Double.parseDouble` of a default written as a string, for the
/// spellings both languages read alike (`NaN`, `Infinity`, decimal
/// numbers); `None` for others (which Avro Java refuses).
fn java_parse_double(text: &str) -> Option<f64> {
    let trimmed = text.trim_matches(|c: char| c <= ' ');
    match trimmed.trim_start_matches(['+', '-']) {
        "NaN" => return Some(f64::NAN),
        "Infinity" => {
            return Some(if trimmed.starts_with('-') {
                f64::NEG_INFINITY
            } else {
                f64::INFINITY
            });
        }
        _ => {}
    }
    let decimal = trimmed
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'));
    if decimal { trimmed.parse().ok() } else { None }
}

/// How Jackson writes a `double` that is not finite: as a string (its
/// `QUOTE_NON_NUMERIC_NUMBERS`).
fn java_special(x: f64) -> String {
    if x.is_nan() {
        "NaN".to_string()
    } else if x > 0.0 {
        "Infinity".to_string()
    } else {
        "-Infinity".to_string()
    }
}
