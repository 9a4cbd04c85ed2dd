//! A JSON Schema instance as Confluent's rule executors see it (see
//! [`crate::record`]): the instance itself as a CEL value, and for
//! `CEL_FIELD` rules the walk of Confluent's `JsonSchema.toTransformedMessage`
//! over the schema document: `properties` present in the instance, array
//! `items`, local `$ref`s, every `allOf` branch, and of `anyOf`/`oneOf` (or
//! a `type` list) the first branch whose type fits the value (Confluent
//! walks the branches the value validates against). `fullName` is the
//! path from `$` (`$.customer.email`, `$.lines[0].sku`); the inline tags are
//! a property's `confluent:tags`. `enum` and `const` are ENUM, not
//! primitive, so field rules skip them, as Confluent's do.

use serde_json::Value;

use crate::pointer;
use crate::record::{FieldContext, FieldSite, RecordView, TypeName, cel_of, inline_tags};

/// How deep the walk goes (references included).
const MAX_DEPTH: usize = 128;

/// The view of `value` under the schema document `root`.
pub(crate) fn view(root: &Value, value: &Value, fields: bool) -> RecordView {
    let mut sites = Vec::new();
    if fields {
        let walker = Walker { root };
        walker.walk(root, value, "$", &mut String::new(), None, &mut sites, 0);
    }
    RecordView {
        message: cel_of(value),
        fields: sites,
    }
}

struct Walker<'a> {
    root: &'a Value,
}

impl Walker<'_> {
    #[allow(clippy::too_many_arguments)]
    fn walk(
        &self,
        schema: &Value,
        value: &Value,
        full: &str,
        path: &mut String,
        field: Option<&FieldContext<'_>>,
        sites: &mut Vec<FieldSite>,
        depth: usize,
    ) {
        if depth > MAX_DEPTH {
            return;
        }
        let Value::Object(schema) = schema else {
            return;
        };
        if let Some(target) = schema.get("$ref").and_then(Value::as_str) {
            if let Some(target) = target
                .strip_prefix('#')
                .and_then(|p| self.root.pointer(&pointer_of(p)))
            {
                self.walk(target, value, full, path, field, sites, depth + 1);
            }
            return;
        }
        if let Some(Value::Array(all)) = schema.get("allOf") {
            for branch in all {
                self.walk(branch, value, full, path, field, sites, depth + 1);
            }
        }
        for key in ["anyOf", "oneOf"] {
            if let Some(Value::Array(branches)) = schema.get(key)
                && let Some(branch) = branches.iter().find(|b| self.fits(b, value, depth))
            {
                self.walk(branch, value, full, path, field, sites, depth + 1);
                return;
            }
        }
        if schema.contains_key("enum") || schema.contains_key("const") {
            return;
        }
        match (kind(schema, value), value) {
            (Some(Kind::Object), Value::Object(object)) => {
                let Some(Value::Object(properties)) = schema.get("properties") else {
                    return;
                };
                let container = cel_of(value);
                for (name, sub) in properties {
                    let Some(inner) = object.get(name) else {
                        continue;
                    };
                    let full_name = format!("{full}.{name}");
                    let here = FieldContext {
                        name,
                        full_name: full_name.clone(),
                        tags: inline_tags(sub.get("confluent:tags")),
                        container: container.clone(),
                    };
                    let len = path.len();
                    pointer::push(path, name);
                    self.walk(sub, inner, &full_name, path, Some(&here), sites, depth + 1);
                    path.truncate(len);
                }
            }
            (Some(Kind::Array), Value::Array(items)) => {
                let Some(item_schema) = schema.get("items") else {
                    return;
                };
                for (i, item) in items.iter().enumerate() {
                    // Draft 4–2019-09 tuple `items` give each position its own.
                    let sub = match item_schema {
                        Value::Array(tuple) => match tuple.get(i) {
                            Some(sub) => sub,
                            None => continue,
                        },
                        sub => sub,
                    };
                    let len = path.len();
                    pointer::push(path, &i.to_string());
                    let full = format!("{full}[{i}]");
                    self.walk(sub, item, &full, path, field, sites, depth + 1);
                    path.truncate(len);
                }
            }
            (Some(Kind::Scalar(type_name)), value) => {
                if let Some(field) = field {
                    sites.push(field.site(type_name, cel_of(value), path));
                }
            }
            _ => {}
        }
    }

    /// Whether the branch `schema` is one `value` could be an instance of,
    /// by its type alone.
    fn fits(&self, schema: &Value, value: &Value, depth: usize) -> bool {
        if depth > MAX_DEPTH {
            return false;
        }
        match schema {
            Value::Bool(b) => *b,
            Value::Object(object) => {
                if let Some(target) = object.get("$ref").and_then(Value::as_str) {
                    return target
                        .strip_prefix('#')
                        .and_then(|p| self.root.pointer(&pointer_of(p)))
                        .is_some_and(|t| self.fits(t, value, depth + 1));
                }
                match object.get("type") {
                    None => true,
                    Some(Value::String(t)) => type_fits(t, value),
                    Some(Value::Array(types)) => types
                        .iter()
                        .filter_map(Value::as_str)
                        .any(|t| type_fits(t, value)),
                    Some(_) => false,
                }
            }
            _ => false,
        }
    }
}

/// A fragment (`/$defs/Money`, percent-encoding aside) as a JSON pointer.
fn pointer_of(fragment: &str) -> String {
    percent_encoding::percent_decode_str(fragment)
        .decode_utf8_lossy()
        .into_owned()
}

enum Kind {
    Object,
    Array,
    Scalar(TypeName),
}

/// What `schema` says `value` is: its `type` (the entry of a type list the
/// value has), else what its keywords imply.
fn kind(schema: &serde_json::Map<String, Value>, value: &Value) -> Option<Kind> {
    let named = match schema.get("type") {
        Some(Value::String(t)) => Some(t.as_str()),
        Some(Value::Array(types)) => types
            .iter()
            .filter_map(Value::as_str)
            .find(|t| type_fits(t, value)),
        _ => None,
    };
    let named = named.or_else(|| {
        let has = |keys: &[&str]| keys.iter().any(|k| schema.contains_key(*k));
        if has(&["properties", "required", "additionalProperties"]) {
            Some("object")
        } else if has(&["items", "prefixItems", "minItems", "maxItems"]) {
            Some("array")
        } else if has(&["minLength", "maxLength", "pattern", "format"]) {
            Some("string")
        } else if has(&[
            "minimum",
            "maximum",
            "exclusiveMinimum",
            "exclusiveMaximum",
            "multipleOf",
        ]) {
            Some("number")
        } else {
            None
        }
    })?;
    Some(match named {
        "object" => Kind::Object,
        "array" => Kind::Array,
        "string" => Kind::Scalar(TypeName::String),
        "integer" => Kind::Scalar(TypeName::Int),
        "number" => Kind::Scalar(TypeName::Double),
        "boolean" => Kind::Scalar(TypeName::Boolean),
        "null" => Kind::Scalar(TypeName::Null),
        _ => return None,
    })
}

fn type_fits(t: &str, value: &Value) -> bool {
    match (t, value) {
        ("object", Value::Object(_))
        | ("array", Value::Array(_))
        | ("string", Value::String(_))
        | ("boolean", Value::Bool(_))
        | ("null", Value::Null)
        | ("number", Value::Number(_)) => true,
        ("integer", Value::Number(n)) => {
            n.is_i64() || n.is_u64() || n.as_f64().is_some_and(|f| f.fract() == 0.0)
        }
        _ => false,
    }
}
