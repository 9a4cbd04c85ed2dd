//! A record as Confluent's rule executors see it: the whole message as a CEL
//! value, and its primitive fields with the facts a `CEL_FIELD` rule is
//! given (`name`, `fullName`, `typeName`, `tags`, `value`, and the message
//! that holds the field). Each format's walker (`json/rules.rs`,
//! `avro/rules.rs`, `protobuf/rules.rs`) builds one from a payload through
//! the format seam; [`crate::rules`] evaluates rules on it.
//!
//! A leaf: it imports nothing of the crate, so the formats and the rules can
//! both name it without a module cycle.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use cel::Value as Cel;
use cel::objects::{Key, Map};
use serde_json::Value;

/// Confluent's `RuleContext.Type`: what a field is, as `typeName` tells a
/// `CEL_FIELD` rule. Only the primitive ones reach a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TypeName {
    /// A record, JSON object with properties, Protobuf message.
    Record,
    /// An enum (JSON Schema `enum` or `const`).
    Enum,
    /// An array or repeated field.
    Array,
    /// A map.
    Map,
    /// A union, `anyOf`/`oneOf` of other than one type and null.
    Combined,
    /// A union of null and one type.
    Nullable,
    /// An Avro fixed.
    Fixed,
    /// A string.
    String,
    /// Bytes.
    Bytes,
    /// A 32-bit integer (JSON Schema `integer`).
    Int,
    /// A 64-bit integer.
    Long,
    /// A 32-bit float.
    Float,
    /// A 64-bit float (JSON Schema `number`).
    Double,
    /// A boolean.
    Boolean,
    /// Null.
    Null,
}

impl TypeName {
    /// The name a rule compares `typeName` with (`STRING`, `INT`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            TypeName::Record => "RECORD",
            TypeName::Enum => "ENUM",
            TypeName::Array => "ARRAY",
            TypeName::Map => "MAP",
            TypeName::Combined => "COMBINED",
            TypeName::Nullable => "NULLABLE",
            TypeName::Fixed => "FIXED",
            TypeName::String => "STRING",
            TypeName::Bytes => "BYTES",
            TypeName::Int => "INT",
            TypeName::Long => "LONG",
            TypeName::Float => "FLOAT",
            TypeName::Double => "DOUBLE",
            TypeName::Boolean => "BOOLEAN",
            TypeName::Null => "NULL",
        }
    }

    /// Whether a `CEL_FIELD` rule is evaluated on a field of this type
    /// (Confluent's `Type.isPrimitive`).
    pub fn is_primitive(self) -> bool {
        matches!(
            self,
            TypeName::String
                | TypeName::Bytes
                | TypeName::Int
                | TypeName::Long
                | TypeName::Float
                | TypeName::Double
                | TypeName::Boolean
                | TypeName::Null
        )
    }
}

/// One primitive value inside a record field: what a `CEL_FIELD` rule is
/// evaluated on. An array of strings gives one site per element, each with
/// the field's names.
#[derive(Debug, Clone)]
pub struct FieldSite {
    /// `fullName`: the record's full name and the field's (`com.acme.Order.id`;
    /// `$.customer.email` for JSON Schema).
    pub full_name: String,
    /// `name`: the field's name.
    pub name: String,
    /// `typeName`: the value's type.
    pub type_name: TypeName,
    /// The tags written on the field in the schema (`confluent:tags`, or
    /// Protobuf's `(confluent.field_meta).tags`).
    pub tags: BTreeSet<String>,
    /// `value`.
    pub value: Cel,
    /// `message`: the record holding the field.
    pub container: Cel,
    /// JSON pointer to the value in the payload (`/customer/email`).
    pub path: String,
}

/// The field a walker is in, whose primitive values become [`FieldSite`]s
/// (the Avro and JSON Schema walkers share it).
pub(crate) struct FieldContext<'f> {
    /// `fullName`.
    pub(crate) full_name: String,
    /// `name`.
    pub(crate) name: &'f str,
    /// The tags written on the field.
    pub(crate) tags: BTreeSet<String>,
    /// `message`: the record holding the field.
    pub(crate) container: Cel,
}

impl FieldContext<'_> {
    /// The site of `value`, a primitive of this field at `path`.
    pub(crate) fn site(&self, type_name: TypeName, value: Cel, path: &str) -> FieldSite {
        FieldSite {
            full_name: self.full_name.clone(),
            name: self.name.to_string(),
            type_name,
            tags: self.tags.clone(),
            value,
            container: self.container.clone(),
            path: path.to_string(),
        }
    }
}

/// A record as rules see it.
#[derive(Debug, Clone)]
pub struct RecordView {
    /// `message`.
    pub message: Cel,
    /// The primitive field values, in schema order (filled only when asked).
    pub fields: Vec<FieldSite>,
}

/// A JSON value as CEL sees it: objects are maps with string keys, integers
/// `int` (`uint` above `i64::MAX`), other numbers `double`.
pub fn cel_of(value: &Value) -> Cel {
    match value {
        Value::Null => Cel::Null,
        Value::Bool(b) => Cel::Bool(*b),
        Value::Number(n) => number(n),
        Value::String(s) => Cel::String(Arc::new(s.clone())),
        Value::Array(items) => Cel::List(Arc::new(items.iter().map(cel_of).collect())),
        Value::Object(object) => cel_map(object.iter().map(|(k, v)| (k.clone(), cel_of(v)))),
    }
}

fn number(n: &serde_json::Number) -> Cel {
    if let Some(i) = n.as_i64() {
        Cel::Int(i)
    } else if let Some(u) = n.as_u64() {
        Cel::UInt(u)
    } else {
        Cel::Float(n.as_f64().unwrap_or(f64::NAN))
    }
}

/// A CEL map of string keys.
pub fn cel_map(entries: impl Iterator<Item = (String, Cel)>) -> Cel {
    let map: HashMap<Key, Cel> = entries
        .map(|(k, v)| (Key::String(Arc::new(k)), v))
        .collect();
    Cel::Map(Map { map: Arc::new(map) })
}

/// A string as CEL sees it.
pub fn cel_string(s: &str) -> Cel {
    Cel::String(Arc::new(s.to_string()))
}

/// The strings of a `confluent:tags` array (Avro fields, JSON Schema
/// properties).
pub fn inline_tags(tags: Option<&Value>) -> BTreeSet<String> {
    tags.and_then(Value::as_array)
        .map(|tags| {
            tags.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}
