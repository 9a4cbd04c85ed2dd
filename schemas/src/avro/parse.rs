//! From JSON to the node arena: names and namespaces, named-type references
//! within and across schemas, unions, logical types, and the checks that make
//! a schema usable (valid defaults, every record has a finite value).

use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value};

use super::error::{AvroError, UnionProblem};
use super::finite::finite_types;
use super::model::{
    Attrs, Enum, Field, Fixed, Kind, Logical, Named, Node, NodeId, Order, Record, namespace_of,
    primitive, short_name,
};
use super::value::check_default;
use crate::json::{self, kind_of};
use crate::limits::{Limit, SchemaLimits};
use crate::resolver::Resolver;

/// The parsed arena of one schema with every type it references.
pub(crate) struct Parsed {
    pub(crate) nodes: Vec<Node>,
    pub(crate) root: NodeId,
    /// Reference names by origin (index 0 is the schema itself, named "").
    pub(crate) references: Vec<String>,
}

/// Parses `text`, first parsing every schema the resolver lists (so their
/// named types are known), then looking up by full name any type still
/// unknown.
pub(crate) fn parse(
    text: &str,
    resolver: &dyn Resolver,
    limits: &SchemaLimits,
) -> Result<Parsed, AvroError> {
    let value = json::parse_text(text, limits.max_depth)?;
    let mut parser = Parser {
        limits: *limits,
        nodes: Vec::new(),
        names: HashMap::new(),
        resolver,
        references: vec![String::new()],
        loading: HashSet::new(),
        origin: 0,
    };
    for name in resolver.reference_names() {
        parser.load(&name)?;
    }
    parser.origin = 0;
    let root = parser.parse_type(&value, "", "#")?;
    parser.check_defaults()?;
    parser.check_finite()?;
    Ok(Parsed {
        nodes: parser.nodes,
        root,
        references: parser.references,
    })
}

struct Parser<'r> {
    limits: SchemaLimits,
    nodes: Vec<Node>,
    /// Full name → definition.
    names: HashMap<String, NodeId>,
    resolver: &'r dyn Resolver,
    references: Vec<String>,
    /// Reference names parsed or being parsed.
    loading: HashSet<String>,
    /// The document being parsed (an index into `references`).
    origin: usize,
}

/// Whether `name` is a valid simple Avro name: `[A-Za-z_][A-Za-z0-9_]*`.
pub(crate) fn is_simple_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn is_full_name(name: &str) -> bool {
    name.split('.').all(is_simple_name)
}

fn qualify(name: &str, namespace: &str) -> String {
    if name.contains('.') || namespace.is_empty() {
        name.to_string()
    } else {
        format!("{namespace}.{name}")
    }
}

impl Parser<'_> {
    fn push(&mut self, kind: Kind, attrs: Attrs) -> NodeId {
        let logical = logical_type(&kind, &attrs);
        self.nodes.push(Node {
            kind,
            attrs,
            logical,
        });
        self.nodes.len() - 1
    }

    /// Parses referenced schema `name` into the arena, once.
    fn load(&mut self, name: &str) -> Result<bool, AvroError> {
        if !self.loading.insert(name.to_string()) {
            return Ok(false);
        }
        let Some(text) = self.resolver.resolve(name) else {
            return Ok(false);
        };
        let saved = self.origin;
        self.references.push(name.to_string());
        self.origin = self.references.len() - 1;
        let result = json::parse_text(&text, self.limits.max_depth)
            .map_err(AvroError::from)
            .and_then(|value| self.parse_type(&value, "", "#"));
        self.origin = saved;
        result.map(|_| true).map_err(|e| e.in_reference(name))
    }

    /// Looks up a type name used at `pointer` in namespace `ns`: the
    /// primitives, then `ns.name`, then `name` itself, then the same names as
    /// references the resolver may give.
    fn lookup(&mut self, name: &str, ns: &str, pointer: &str) -> Result<NodeId, AvroError> {
        if let Some(kind) = primitive(name) {
            return Ok(self.push(kind, Attrs::new()));
        }
        let mut tried = Vec::new();
        if !name.contains('.') && !ns.is_empty() {
            tried.push(format!("{ns}.{name}"));
        }
        tried.push(name.to_string());
        for full in &tried {
            if let Some(&id) = self.names.get(full) {
                return Ok(id);
            }
        }
        // A reference named after the type, then any listed reference not
        // parsed yet (a reference may use types of one listed after it).
        let listed = self.resolver.reference_names();
        for reference in tried.iter().chain(&listed) {
            if self.load(reference)? {
                if let Some(&id) = tried.iter().find_map(|f| self.names.get(f)) {
                    return Ok(id);
                }
            }
        }
        if !is_full_name(name) {
            return Err(AvroError::BadName {
                pointer: pointer.to_string(),
                name: name.to_string(),
                what: "type name",
                rule: "names are [A-Za-z_][A-Za-z0-9_]* separated by dots",
            });
        }
        Err(AvroError::UnknownType {
            pointer: pointer.to_string(),
            name: name.to_string(),
            tried,
        })
    }

    fn parse_type(&mut self, value: &Value, ns: &str, pointer: &str) -> Result<NodeId, AvroError> {
        match value {
            Value::String(name) => self.lookup(name, ns, pointer),
            Value::Array(branches) => self.parse_union(branches, ns, pointer),
            Value::Object(object) => self.parse_object(object, ns, pointer),
            other => Err(AvroError::NotASchema {
                pointer: pointer.to_string(),
                found: kind_of(other),
            }),
        }
    }

    fn parse_union(
        &mut self,
        branches: &[Value],
        ns: &str,
        pointer: &str,
    ) -> Result<NodeId, AvroError> {
        if branches.is_empty() {
            return Err(AvroError::BadUnion {
                pointer: pointer.to_string(),
                problem: UnionProblem::Empty,
            });
        }
        let mut ids = Vec::with_capacity(branches.len());
        let mut labels = HashSet::new();
        for (i, branch) in branches.iter().enumerate() {
            let here = format!("{pointer}/{i}");
            let id = self.parse_type(branch, ns, &here)?;
            let kind = &self.nodes[id].kind;
            let problem = if matches!(kind, Kind::Union(_)) {
                Some(UnionProblem::Nested)
            } else if !labels.insert(kind.label().to_string()) {
                Some(UnionProblem::Duplicate)
            } else {
                None
            };
            if let Some(problem) = problem {
                return Err(AvroError::BadUnion {
                    pointer: here,
                    problem,
                });
            }
            ids.push(id);
        }
        Ok(self.push(Kind::Union(ids), Attrs::new()))
    }

    fn parse_object(
        &mut self,
        object: &Map<String, Value>,
        ns: &str,
        pointer: &str,
    ) -> Result<NodeId, AvroError> {
        let type_name = match object.get("type") {
            Some(Value::String(t)) => t.as_str(),
            Some(_) => {
                return Err(AvroError::BadAttribute {
                    pointer: format!("{pointer}/type"),
                    attribute: "type",
                    expected: "a type name string in a type object",
                });
            }
            None => {
                return Err(AvroError::MissingAttribute {
                    pointer: pointer.to_string(),
                    type_name: "type object",
                    attribute: "type",
                });
            }
        };
        match type_name {
            "record" | "error" => self.parse_record(object, ns, pointer, type_name == "error"),
            "enum" => self.parse_enum(object, ns, pointer),
            "fixed" => self.parse_fixed(object, ns, pointer),
            "array" | "map" => {
                let (key, type_name) = if type_name == "array" {
                    ("items", "array")
                } else {
                    ("values", "map")
                };
                let inner = object.get(key).ok_or_else(|| AvroError::MissingAttribute {
                    pointer: pointer.to_string(),
                    type_name,
                    attribute: key,
                })?;
                let id = self.parse_type(inner, ns, &format!("{pointer}/{key}"))?;
                let kind = if type_name == "array" {
                    Kind::Array(id)
                } else {
                    Kind::Map(id)
                };
                Ok(self.push(kind, rest(object, &["type", key])))
            }
            name => match primitive(name) {
                Some(kind) => Ok(self.push(kind, rest(object, &["type"]))),
                None => self.lookup(name, ns, &format!("{pointer}/type")),
            },
        }
    }

    /// The name, aliases and doc of a named type defined at `pointer`, and
    /// the namespace its nested types inherit.
    fn parse_named(
        &mut self,
        object: &Map<String, Value>,
        ns: &str,
        pointer: &str,
        type_name: &'static str,
    ) -> Result<Named, AvroError> {
        let name = match object.get("name") {
            Some(Value::String(name)) => name,
            Some(_) => return Err(bad(pointer, "name", "a string")),
            None => {
                return Err(AvroError::MissingAttribute {
                    pointer: pointer.to_string(),
                    type_name,
                    attribute: "name",
                });
            }
        };
        if !is_full_name(name) {
            return Err(AvroError::BadName {
                pointer: format!("{pointer}/name"),
                name: name.clone(),
                what: "name",
                rule: "names are [A-Za-z_][A-Za-z0-9_]*, optionally qualified by a dotted namespace",
            });
        }
        let namespace = match object.get("namespace") {
            None | Some(Value::Null) => ns,
            Some(Value::String(space)) => {
                if !space.is_empty() && !is_full_name(space) {
                    return Err(AvroError::BadName {
                        pointer: format!("{pointer}/namespace"),
                        name: space.clone(),
                        what: "namespace",
                        rule: "a namespace is names [A-Za-z_][A-Za-z0-9_]* separated by dots, or empty",
                    });
                }
                space
            }
            Some(_) => return Err(bad(pointer, "namespace", "a string")),
        };
        let full = qualify(name, namespace);
        if primitive(&full).is_some() {
            return Err(AvroError::BadName {
                pointer: format!("{pointer}/name"),
                name: name.clone(),
                what: "name",
                rule: "a primitive type name cannot be redefined",
            });
        }
        if let Some(&first) = self.names.get(&full) {
            let first = self.nodes[first]
                .kind
                .named()
                .filter(|n| n.origin == self.origin);
            return Err(AvroError::Redefined {
                pointer: format!("{pointer}/name"),
                name: full,
                first: first.map(|n| n.pointer.clone()),
            });
        }
        let own_namespace = namespace_of(&full).to_string();
        let aliases = aliases(object, pointer, |a| {
            is_full_name(a).then(|| qualify(a, &own_namespace))
        })?;
        Ok(Named {
            name: full,
            aliases,
            doc: doc(object, pointer)?,
            origin: self.origin,
            pointer: pointer.to_string(),
        })
    }

    /// Reserves a node for named type `named` (as `placeholder` until it is
    /// complete), so that references inside its own definition find it.
    fn define(&mut self, named: &Named, placeholder: Kind) -> NodeId {
        let id = self.push(placeholder, Attrs::new());
        self.names.insert(named.name.clone(), id);
        id
    }

    fn finish(&mut self, id: NodeId, kind: Kind, attrs: Attrs) -> NodeId {
        let logical = logical_type(&kind, &attrs);
        self.nodes[id] = Node {
            kind,
            attrs,
            logical,
        };
        id
    }

    fn parse_record(
        &mut self,
        object: &Map<String, Value>,
        ns: &str,
        pointer: &str,
        is_error: bool,
    ) -> Result<NodeId, AvroError> {
        let type_name = if is_error { "error" } else { "record" };
        let named = self.parse_named(object, ns, pointer, type_name)?;
        let list = match object.get("fields") {
            Some(Value::Array(list)) => list,
            Some(_) => return Err(bad(pointer, "fields", "an array of field objects")),
            None => {
                return Err(AvroError::MissingAttribute {
                    pointer: pointer.to_string(),
                    type_name,
                    attribute: "fields",
                });
            }
        };
        self.limits
            .check(Limit::Fields, list.len(), || format!("{pointer}/fields"))?;
        let placeholder = Kind::Record(Record {
            named: named.clone(),
            fields: Vec::new(),
            is_error,
            by_name: HashMap::new(),
        });
        let id = self.define(&named, placeholder);
        let inner_ns = namespace_of(&named.name).to_string();
        let mut fields: Vec<Field> = Vec::with_capacity(list.len());
        // Names seen, so that a record of many fields parses in linear time.
        let mut by_name: HashMap<String, usize> = HashMap::with_capacity(list.len());
        for (i, field) in list.iter().enumerate() {
            let here = format!("{pointer}/fields/{i}");
            let Value::Object(field) = field else {
                return Err(AvroError::NotASchema {
                    pointer: here,
                    found: kind_of(field),
                });
            };
            let field = self.parse_field(field, &inner_ns, &here)?;
            if by_name.insert(field.name.clone(), i).is_some() {
                return Err(AvroError::DuplicateField {
                    pointer: format!("{here}/name"),
                    record: named.name.clone(),
                    field: field.name,
                });
            }
            fields.push(field);
        }
        let attrs = rest(
            object,
            &["type", "name", "namespace", "doc", "aliases", "fields"],
        );
        let record = Record {
            named,
            fields,
            is_error,
            by_name,
        };
        Ok(self.finish(id, Kind::Record(record), attrs))
    }

    fn parse_field(
        &mut self,
        object: &Map<String, Value>,
        ns: &str,
        pointer: &str,
    ) -> Result<Field, AvroError> {
        let name = match object.get("name") {
            Some(Value::String(name)) if is_simple_name(name) => name.clone(),
            Some(Value::String(name)) => {
                return Err(AvroError::BadName {
                    pointer: format!("{pointer}/name"),
                    name: name.clone(),
                    what: "field name",
                    rule: "field names are [A-Za-z_][A-Za-z0-9_]*",
                });
            }
            Some(_) => return Err(bad(pointer, "name", "a string")),
            None => {
                return Err(AvroError::MissingAttribute {
                    pointer: pointer.to_string(),
                    type_name: "field",
                    attribute: "name",
                });
            }
        };
        let ty = object
            .get("type")
            .ok_or_else(|| AvroError::MissingAttribute {
                pointer: pointer.to_string(),
                type_name: "field",
                attribute: "type",
            })?;
        let ty = self.parse_type(ty, ns, &format!("{pointer}/type"))?;
        let order = match object.get("order") {
            None => Order::Ascending,
            Some(Value::String(o)) if o == "ascending" => Order::Ascending,
            Some(Value::String(o)) if o == "descending" => Order::Descending,
            Some(Value::String(o)) if o == "ignore" => Order::Ignore,
            Some(_) => {
                return Err(bad(
                    pointer,
                    "order",
                    "one of ascending, descending, ignore",
                ));
            }
        };
        let aliases = aliases(object, pointer, |a| {
            is_simple_name(a).then(|| a.to_string())
        })?;
        Ok(Field {
            name,
            aliases,
            doc: doc(object, pointer)?,
            ty,
            default: object.get("default").cloned(),
            order,
            attrs: rest(
                object,
                &["name", "type", "doc", "default", "order", "aliases"],
            ),
        })
    }

    fn parse_enum(
        &mut self,
        object: &Map<String, Value>,
        ns: &str,
        pointer: &str,
    ) -> Result<NodeId, AvroError> {
        let named = self.parse_named(object, ns, pointer, "enum")?;
        let list = match object.get("symbols") {
            Some(Value::Array(list)) => list,
            Some(_) => return Err(bad(pointer, "symbols", "an array of strings")),
            None => {
                return Err(AvroError::MissingAttribute {
                    pointer: pointer.to_string(),
                    type_name: "enum",
                    attribute: "symbols",
                });
            }
        };
        self.limits.check(Limit::EnumSymbols, list.len(), || {
            format!("{pointer}/symbols")
        })?;
        let mut symbols: Vec<String> = Vec::with_capacity(list.len());
        // Symbols seen, so that an enum of many symbols parses in linear time.
        let mut seen: HashSet<&str> = HashSet::with_capacity(list.len());
        for (i, symbol) in list.iter().enumerate() {
            let here = format!("{pointer}/symbols/{i}");
            let Value::String(symbol) = symbol else {
                return Err(bad(pointer, "symbols", "an array of strings"));
            };
            if !is_simple_name(symbol) {
                return Err(AvroError::BadName {
                    pointer: here,
                    name: symbol.clone(),
                    what: "enum symbol",
                    rule: "symbols are [A-Za-z_][A-Za-z0-9_]*",
                });
            }
            if !seen.insert(symbol.as_str()) {
                return Err(AvroError::DuplicateSymbol {
                    pointer: here,
                    name: named.name.clone(),
                    symbol: symbol.clone(),
                });
            }
            symbols.push(symbol.clone());
        }
        let default = match object.get("default") {
            None => None,
            Some(Value::String(d)) if symbols.contains(d) => Some(d.clone()),
            Some(other) => {
                return Err(AvroError::InvalidDefault {
                    pointer: format!("{pointer}/default"),
                    message: format!(
                        "an enum default must be one of its symbols ({}), found {other}",
                        symbols.join(", ")
                    ),
                });
            }
        };
        let id = self.define(&named, Kind::Null);
        let attrs = rest(
            object,
            &[
                "type",
                "name",
                "namespace",
                "doc",
                "aliases",
                "symbols",
                "default",
            ],
        );
        let kind = Kind::Enum(Enum {
            named,
            symbols,
            default,
        });
        Ok(self.finish(id, kind, attrs))
    }

    fn parse_fixed(
        &mut self,
        object: &Map<String, Value>,
        ns: &str,
        pointer: &str,
    ) -> Result<NodeId, AvroError> {
        let named = self.parse_named(object, ns, pointer, "fixed")?;
        let size = match object.get("size") {
            Some(Value::Number(n)) => n
                .as_u64()
                .filter(|&s| s <= i32::MAX as u64)
                .ok_or_else(|| bad(pointer, "size", "a non-negative integer below 2^31"))?,
            Some(_) => return Err(bad(pointer, "size", "a non-negative integer below 2^31")),
            None => {
                return Err(AvroError::MissingAttribute {
                    pointer: pointer.to_string(),
                    type_name: "fixed",
                    attribute: "size",
                });
            }
        };
        let id = self.define(&named, Kind::Null);
        let attrs = rest(
            object,
            &["type", "name", "namespace", "doc", "aliases", "size"],
        );
        Ok(self.finish(id, Kind::Fixed(Fixed { named, size }), attrs))
    }

    /// Every field default fits its field's type.
    fn check_defaults(&self) -> Result<(), AvroError> {
        for node in &self.nodes {
            let Kind::Record(record) = &node.kind else {
                continue;
            };
            for (i, field) in record.fields.iter().enumerate() {
                let Some(default) = &field.default else {
                    continue;
                };
                if let Err(message) = check_default(&self.nodes, field.ty, default) {
                    let error = AvroError::InvalidDefault {
                        pointer: format!("{}/fields/{i}/default", record.named.pointer),
                        message: format!("field `{}`: {message}", field.name),
                    };
                    return Err(self.located(record.named.origin, error));
                }
            }
        }
        Ok(())
    }

    /// Every record and enum has at least one finite value.
    fn check_finite(&self) -> Result<(), AvroError> {
        let finite = finite_types(&self.nodes);
        for (id, node) in self.nodes.iter().enumerate() {
            if finite[id] {
                continue;
            }
            let (named, reason) = match &node.kind {
                Kind::Enum(e) => (&e.named, "it has no symbols".to_string()),
                Kind::Record(r) => {
                    let field = r.fields.iter().find(|f| !finite[f.ty]);
                    let reason = match field {
                        Some(f) => format!(
                            "field `{}` always needs another value of a type without a finite value, so every `{}` contains another without end (make the field nullable, e.g. [\"null\", ...], or an array or map)",
                            f.name,
                            short_name(&r.named.name)
                        ),
                        None => "a field has no finite value".to_string(),
                    };
                    (&r.named, reason)
                }
                _ => continue,
            };
            let error = AvroError::NoFiniteValue {
                pointer: named.pointer.clone(),
                name: format!("`{}`", named.name),
                reason,
            };
            return Err(self.located(named.origin, error));
        }
        Ok(())
    }

    fn located(&self, origin: usize, error: AvroError) -> AvroError {
        if origin == 0 {
            error
        } else {
            error.in_reference(&self.references[origin])
        }
    }
}

fn bad(pointer: &str, attribute: &'static str, expected: &'static str) -> AvroError {
    AvroError::BadAttribute {
        pointer: format!("{pointer}/{attribute}"),
        attribute,
        expected,
    }
}

/// The `aliases` of a named type or field, each made full by `qualify`
/// (`None` for an invalid one), without repeats.
fn aliases(
    object: &Map<String, Value>,
    pointer: &str,
    qualify: impl Fn(&str) -> Option<String>,
) -> Result<Vec<String>, AvroError> {
    let list = match object.get("aliases") {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Array(list)) => list,
        Some(_) => return Err(bad(pointer, "aliases", "an array of strings")),
    };
    let mut aliases = Vec::new();
    for (i, alias) in list.iter().enumerate() {
        let Value::String(alias) = alias else {
            return Err(bad(pointer, "aliases", "an array of strings"));
        };
        let Some(full) = qualify(alias) else {
            return Err(AvroError::BadName {
                pointer: format!("{pointer}/aliases/{i}"),
                name: alias.clone(),
                what: "alias",
                rule: "aliases are names [A-Za-z_][A-Za-z0-9_]* (a type's may be qualified)",
            });
        };
        if !aliases.contains(&full) {
            aliases.push(full);
        }
    }
    Ok(aliases)
}

fn doc(object: &Map<String, Value>, pointer: &str) -> Result<Option<String>, AvroError> {
    match object.get("doc") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(d)) => Ok(Some(d.clone())),
        Some(_) => Err(bad(pointer, "doc", "a string")),
    }
}

/// The attributes of `object` other than `consumed`, in its order.
fn rest(object: &Map<String, Value>, consumed: &[&str]) -> Attrs {
    object
        .iter()
        .filter(|(k, _)| !consumed.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// The logical type `attrs` declare, when it is one the specification
/// defines and valid on `kind`.
fn logical_type(kind: &Kind, attrs: &Attrs) -> Option<Logical> {
    let Some(Value::String(name)) = attrs.get("logicalType") else {
        return None;
    };
    let logical = match (name.as_str(), kind) {
        ("decimal", Kind::Bytes | Kind::Fixed(_)) => {
            let precision = attrs.get("precision")?.as_u64().filter(|&p| p > 0)?;
            let scale = match attrs.get("scale") {
                None => 0,
                Some(s) => s.as_u64()?,
            };
            if scale > precision {
                return None;
            }
            if let Kind::Fixed(f) = kind {
                if f.size == 0 || precision > max_decimal_digits(f.size) {
                    return None;
                }
            }
            Logical::Decimal { precision, scale }
        }
        ("big-decimal", Kind::Bytes) => Logical::BigDecimal,
        ("uuid", Kind::String) => Logical::Uuid,
        ("uuid", Kind::Fixed(f)) if f.size == 16 => Logical::Uuid,
        ("date", Kind::Int) => Logical::Date,
        ("time-millis", Kind::Int) => Logical::TimeMillis,
        ("time-micros", Kind::Long) => Logical::TimeMicros,
        ("timestamp-millis", Kind::Long) => Logical::TimestampMillis,
        ("timestamp-micros", Kind::Long) => Logical::TimestampMicros,
        ("timestamp-nanos", Kind::Long) => Logical::TimestampNanos,
        ("local-timestamp-millis", Kind::Long) => Logical::LocalTimestampMillis,
        ("local-timestamp-micros", Kind::Long) => Logical::LocalTimestampMicros,
        ("local-timestamp-nanos", Kind::Long) => Logical::LocalTimestampNanos,
        ("duration", Kind::Fixed(f)) if f.size == 12 => Logical::Duration,
        _ => return None,
    };
    Some(logical)
}

/// The most decimal digits a two's-complement number of `size` bytes holds.
fn max_decimal_digits(size: u64) -> u64 {
    ((8 * size - 1) as f64 * std::f64::consts::LOG10_2).floor() as u64
}
