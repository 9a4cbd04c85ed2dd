//! Values as JSON: field defaults (a union default is the bare value of a
//! branch) and records in the Avro JSON encoding (a non-null union value is
//! wrapped as `{"<branch type name>": value}`).
//!
//! In both, `bytes` and `fixed` values are strings whose code points
//! U+0000–U+00FF are the bytes, `float` and `double` accept the strings
//! `"NaN"`, `"Infinity"` and `"-Infinity"` besides numbers, and `int` and
//! `long` accept only integers in range.

use serde_json::Value;

use super::model::{Kind, Node, NodeId};
use crate::json::kind_of;
use crate::pointer;

/// Deepest nesting of values checked (deeper values are reported, not walked).
pub const MAX_VALUE_DEPTH: usize = 128;
/// Most errors reported for one value.
const MAX_ERRORS: usize = 100;

/// Why a value does not fit an Avro schema.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AvroValueError {
    /// JSON pointer into the value (`/lines/0/sku`; empty for the whole value).
    pub path: String,
    /// What is wrong there.
    pub message: String,
}

impl std::fmt::Display for AvroValueError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.path.is_empty() {
            write!(f, "at the root: {}", self.message)
        } else {
            write!(f, "at {}: {}", self.path, self.message)
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Encoding {
    /// A field default: unions unwrapped, record fields with defaults may be
    /// left out, unknown record keys ignored (as Apache Avro does).
    Default,
    /// The Avro JSON encoding of a datum.
    Json,
}

/// Checks a field default against its type: `Err` says where and why.
pub(crate) fn check_default(nodes: &[Node], ty: NodeId, value: &Value) -> Result<(), String> {
    let mut errors = Vec::new();
    let mut path = String::new();
    Checker {
        nodes,
        encoding: Encoding::Default,
        errors: &mut errors,
    }
    .check(ty, value, &mut path, 0);
    match errors.into_iter().next() {
        None => Ok(()),
        Some(e) if e.path.is_empty() => Err(e.message),
        Some(e) => Err(format!("at {}: {}", e.path, e.message)),
    }
}

/// Checks a datum in the Avro JSON encoding, collecting every error.
pub(crate) fn validate_json(
    nodes: &[Node],
    ty: NodeId,
    value: &Value,
) -> Result<(), Vec<AvroValueError>> {
    let mut errors = Vec::new();
    Checker {
        nodes,
        encoding: Encoding::Json,
        errors: &mut errors,
    }
    .check(ty, value, &mut String::new(), 0);
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// The bytes a `bytes` or `fixed` JSON string stands for, when every code
/// point is below 256.
pub(crate) fn latin1_bytes(text: &str) -> Option<Vec<u8>> {
    text.chars()
        .map(|c| u8::try_from(u32::from(c)).ok())
        .collect()
}

/// The JSON string for bytes (each byte one code point).
pub(crate) fn bytes_to_json(bytes: &[u8]) -> Value {
    Value::String(bytes.iter().map(|&b| char::from(b)).collect())
}

/// The non-finite floats as their JSON strings.
pub(crate) fn special_float(text: &str) -> Option<f64> {
    match text {
        "NaN" => Some(f64::NAN),
        "Infinity" => Some(f64::INFINITY),
        "-Infinity" => Some(f64::NEG_INFINITY),
        _ => None,
    }
}

struct Checker<'a> {
    nodes: &'a [Node],
    encoding: Encoding,
    errors: &'a mut Vec<AvroValueError>,
}

impl Checker<'_> {
    fn fail(&mut self, path: &str, message: String) {
        if self.errors.len() < MAX_ERRORS {
            self.errors.push(AvroValueError {
                path: path.to_string(),
                message,
            });
        }
    }

    fn expected(&mut self, path: &str, what: &str, value: &Value) {
        self.fail(path, format!("expected {what}, found {}", show(value)));
    }

    // Each kind of value that holds others is checked in its own small
    // frame, so that deep data uses little stack per level.
    fn check(&mut self, ty: NodeId, value: &Value, path: &mut String, depth: usize) {
        if depth > MAX_VALUE_DEPTH {
            self.fail(path, format!("nested deeper than {MAX_VALUE_DEPTH} levels"));
            return;
        }
        let nodes = self.nodes;
        match (&nodes[ty].kind, value) {
            (Kind::Array(items), Value::Array(list)) => self.array(*items, list, path, depth),
            (Kind::Map(values), Value::Object(map)) => self.map(*values, map, path, depth),
            (Kind::Record(r), Value::Object(map)) => self.record(r, map, path, depth),
            (Kind::Union(branches), v) => match self.encoding {
                Encoding::Default => self.check_union_default(branches, v, path, depth),
                Encoding::Json => self.check_union_json(branches, v, path, depth),
            },
            _ => self.scalar(ty, value, path),
        }
    }

    /// A value that holds no other, or one of the wrong JSON kind.
    #[inline(never)]
    fn scalar(&mut self, ty: NodeId, value: &Value, path: &str) {
        let nodes = self.nodes;
        match (&nodes[ty].kind, value) {
            (Kind::Null, Value::Null) | (Kind::Boolean, Value::Bool(_)) => {}
            (Kind::Null, v) => self.expected(path, "null", v),
            (Kind::Boolean, v) => self.expected(path, "a boolean", v),
            (Kind::Int, v) => {
                if v.as_i64().and_then(|i| i32::try_from(i).ok()).is_none() {
                    self.expected(path, "an int (a 32-bit integer)", v);
                }
            }
            (Kind::Long, v) => {
                if v.as_i64().is_none() {
                    self.expected(path, "a long (a 64-bit integer)", v);
                }
            }
            (Kind::Float | Kind::Double, Value::Number(_)) => {}
            (Kind::Float | Kind::Double, Value::String(s)) if special_float(s).is_some() => {}
            (Kind::Float, v) => self.expected(path, "a float", v),
            (Kind::Double, v) => self.expected(path, "a double", v),
            (Kind::String, Value::String(_)) => {}
            (Kind::String, v) => self.expected(path, "a string", v),
            (Kind::Bytes, Value::String(s)) => {
                if latin1_bytes(s).is_none() {
                    self.fail(
                        path,
                        "bytes are a string of code points U+0000 to U+00FF, one per byte".into(),
                    );
                }
            }
            (Kind::Bytes, v) => self.expected(path, "bytes (a string)", v),
            (Kind::Fixed(f), Value::String(s)) => match latin1_bytes(s) {
                Some(bytes) if bytes.len() as u64 == f.size => {}
                Some(bytes) => self.fail(
                    path,
                    format!(
                        "`{}` is {} bytes, found {} bytes",
                        f.named.name,
                        f.size,
                        bytes.len()
                    ),
                ),
                None => self.fail(
                    path,
                    "fixed values are a string of code points U+0000 to U+00FF, one per byte"
                        .into(),
                ),
            },
            (Kind::Fixed(f), v) => {
                self.expected(path, &format!("`{}` (a string of bytes)", f.named.name), v)
            }
            (Kind::Enum(e), Value::String(s)) => {
                if !e.symbols.contains(s) {
                    self.fail(
                        path,
                        format!(
                            "`{s}` is not a symbol of `{}` ({})",
                            e.named.name,
                            e.symbols.join(", ")
                        ),
                    );
                }
            }
            (Kind::Enum(e), v) => self.expected(path, &format!("a `{}` symbol", e.named.name), v),
            (Kind::Array(_), v) => self.expected(path, "an array", v),
            (Kind::Map(_), v) => self.expected(path, "a map (an object)", v),
            (Kind::Record(r), v) => {
                self.expected(path, &format!("a `{}` record (an object)", r.named.name), v)
            }
            (Kind::Union(_), _) => {}
        }
    }

    #[inline(never)]
    fn array(&mut self, items: NodeId, list: &[Value], path: &mut String, depth: usize) {
        let items = &items;
        for (i, item) in list.iter().enumerate() {
            let len = path.len();
            path.push_str(&format!("/{i}"));
            self.check(*items, item, path, depth + 1);
            path.truncate(len);
        }
    }

    #[inline(never)]
    fn map(
        &mut self,
        values: NodeId,
        map: &serde_json::Map<String, Value>,
        path: &mut String,
        depth: usize,
    ) {
        let values = &values;
        for (key, item) in map {
            let len = path.len();
            pointer::push(path, key);
            self.check(*values, item, path, depth + 1);
            path.truncate(len);
        }
    }

    #[inline(never)]
    fn record(
        &mut self,
        r: &super::model::Record,
        map: &serde_json::Map<String, Value>,
        path: &mut String,
        depth: usize,
    ) {
        for field in &r.fields {
            let len = path.len();
            pointer::push(path, &field.name);
            match map.get(&field.name) {
                Some(item) => self.check(field.ty, item, path, depth + 1),
                None if self.encoding == Encoding::Default && field.default.is_some() => {}
                None => self.fail(
                    path,
                    format!("missing field `{}` of `{}`", field.name, r.named.name),
                ),
            }
            path.truncate(len);
        }
        if self.encoding == Encoding::Json {
            for key in map.keys() {
                if !r.fields.iter().any(|f| &f.name == key) {
                    let here = format!("{path}/{}", pointer::escape(key));
                    self.fail(&here, format!("`{}` has no field `{key}`", r.named.name));
                }
            }
        }
    }

    /// A union default is the bare value of any branch (Avro 1.12; earlier
    /// versions wanted the first).
    #[inline(never)]
    fn check_union_default(
        &mut self,
        branches: &[NodeId],
        value: &Value,
        path: &mut String,
        depth: usize,
    ) {
        let nodes = self.nodes;
        for &branch in branches {
            let mut errors = Vec::new();
            Checker {
                nodes,
                encoding: self.encoding,
                errors: &mut errors,
            }
            .check(branch, value, path, depth + 1);
            if errors.is_empty() {
                return;
            }
        }
        let labels: Vec<&str> = branches.iter().map(|&b| nodes[b].kind.label()).collect();
        self.fail(
            path,
            format!(
                "{} fits no branch of the union [{}]",
                show(value),
                labels.join(", ")
            ),
        );
    }

    #[inline(never)]
    fn check_union_json(
        &mut self,
        branches: &[NodeId],
        value: &Value,
        path: &mut String,
        depth: usize,
    ) {
        let nodes = self.nodes;
        let labels = || {
            branches
                .iter()
                .map(|&b| nodes[b].kind.label())
                .collect::<Vec<_>>()
                .join(", ")
        };
        match value {
            Value::Null => {
                if !branches
                    .iter()
                    .any(|&b| matches!(nodes[b].kind, Kind::Null))
                {
                    self.fail(path, format!("null is not a branch of [{}]", labels()));
                }
            }
            Value::Object(map) if map.len() == 1 => {
                let Some((label, inner)) = map.iter().next() else {
                    return;
                };
                match branches
                    .iter()
                    .find(|&&b| nodes[b].kind.label() == label && !matches!(nodes[b].kind, Kind::Null))
                {
                    Some(&branch) => {
                        let len = path.len();
                        pointer::push(path, label);
                        self.check(branch, inner, path, depth + 1);
                        path.truncate(len);
                    }
                    None => self.fail(
                        path,
                        format!("`{label}` is not a branch of [{}]", labels()),
                    ),
                }
            }
            other => self.fail(
                path,
                format!(
                    "a union value is null or {{\"<branch>\": value}} with a branch of [{}], found {}",
                    labels(),
                    show(other)
                ),
            ),
        }
    }
}

/// A value for messages, shortened.
pub(crate) fn show(value: &Value) -> String {
    let text = value.to_string();
    if text.chars().count() > 60 {
        let cut: String = text.chars().take(57).collect();
        format!("{} {cut}...", kind_of(value))
    } else {
        text
    }
}
