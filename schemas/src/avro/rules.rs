//! A datum in the Avro JSON encoding as Confluent's rule executors see the
//! `GenericRecord` it decodes to (see [`crate::record`]): unions unwrapped
//! to their branch's value, records as maps of their fields, enums as their
//! symbol, `bytes` and `fixed` as bytes, `int` and `long` as CEL `int`,
//! `float` and `double` as `double`; logical types keep their underlying
//! values (Confluent's default, without logical type converters).
//!
//! The fields a `CEL_FIELD` rule visits are the walk of Confluent's
//! `AvroSchema.toTransformedMessage`: every record field, through unions,
//! array items and map values, down to primitive values; `fullName` is the
//! record's full name and the field's, the inline tags are the field's
//! `confluent:tags`.

use std::sync::Arc;

use cel::Value as Cel;
use serde_json::Value;

use super::model::{Kind, Node, NodeId};
use crate::pointer;
use crate::record::{FieldContext, FieldSite, RecordView, TypeName, cel_map, inline_tags};

/// How deep the walk goes (deeper values are the datum's validator's
/// business: it refuses them first).
const MAX_DEPTH: usize = 128;

/// The view of `value`, a datum of `root` already checked against it.
pub(crate) fn view(nodes: &[Node], root: NodeId, value: &Value, fields: bool) -> RecordView {
    let walker = Walker { nodes };
    let mut sites = Vec::new();
    if fields {
        walker.walk(root, value, &mut String::new(), None, &mut sites, 0);
    }
    RecordView {
        message: walker.cel(root, value, 0),
        fields: sites,
    }
}

struct Walker<'a> {
    nodes: &'a [Node],
}

impl Walker<'_> {
    /// The CEL value of `value`, a datum of `ty`.
    fn cel(&self, ty: NodeId, value: &Value, depth: usize) -> Cel {
        if depth > MAX_DEPTH {
            return Cel::Null;
        }
        match (&self.nodes[ty].kind, value) {
            (Kind::Union(branches), value) => match self.branch(branches, value) {
                Some((branch, inner)) => self.cel(branch, inner, depth + 1),
                None => Cel::Null,
            },
            (Kind::Record(record), Value::Object(object)) => {
                cel_map(record.fields.iter().filter_map(|f| {
                    Some((
                        f.name.clone(),
                        self.cel(f.ty, object.get(&f.name)?, depth + 1),
                    ))
                }))
            }
            (Kind::Array(items), Value::Array(list)) => Cel::List(Arc::new(
                list.iter()
                    .map(|v| self.cel(*items, v, depth + 1))
                    .collect(),
            )),
            (Kind::Map(values), Value::Object(map)) => cel_map(
                map.iter()
                    .map(|(k, v)| (k.clone(), self.cel(*values, v, depth + 1))),
            ),
            (Kind::Bytes | Kind::Fixed(_), Value::String(s)) => {
                // The JSON encoding's code points U+0000–U+00FF are the bytes.
                Cel::Bytes(Arc::new(s.chars().map(|c| c as u32 as u8).collect()))
            }
            (Kind::Float | Kind::Double, Value::String(s)) => Cel::Float(match s.as_str() {
                "NaN" => f64::NAN,
                "Infinity" => f64::INFINITY,
                _ => f64::NEG_INFINITY,
            }),
            (Kind::Float | Kind::Double, Value::Number(n)) => {
                Cel::Float(n.as_f64().unwrap_or(f64::NAN))
            }
            (_, value) => crate::record::cel_of(value),
        }
    }

    /// The branch a union value in the JSON encoding names, and its value.
    fn branch<'v>(&self, branches: &[NodeId], value: &'v Value) -> Option<(NodeId, &'v Value)> {
        match value {
            Value::Null => branches
                .iter()
                .copied()
                .find(|b| matches!(self.nodes[*b].kind, Kind::Null))
                .map(|b| (b, value)),
            Value::Object(object) if object.len() == 1 => {
                let (label, inner) = object.iter().next()?;
                branches
                    .iter()
                    .copied()
                    .find(|b| self.nodes[*b].kind.label() == label)
                    .map(|b| (b, inner))
            }
            _ => None,
        }
    }

    fn walk(
        &self,
        ty: NodeId,
        value: &Value,
        path: &mut String,
        field: Option<&FieldContext<'_>>,
        sites: &mut Vec<FieldSite>,
        depth: usize,
    ) {
        if depth > MAX_DEPTH {
            return;
        }
        match (&self.nodes[ty].kind, value) {
            (Kind::Union(branches), value) => {
                if let Some((branch, inner)) = self.branch(branches, value) {
                    // The branch's key is a level of the JSON pointer.
                    let len = path.len();
                    if !value.is_null() {
                        pointer::push(path, self.nodes[branch].kind.label());
                    }
                    self.walk(branch, inner, path, field, sites, depth + 1);
                    path.truncate(len);
                }
            }
            (Kind::Record(record), Value::Object(object)) => {
                let container = self.cel(ty, value, depth);
                for f in &record.fields {
                    let Some(inner) = object.get(&f.name) else {
                        continue;
                    };
                    let here = FieldContext {
                        full_name: format!("{}.{}", record.named.name, f.name),
                        name: &f.name,
                        tags: inline_tags(f.attrs.get("confluent:tags")),
                        container: container.clone(),
                    };
                    let len = path.len();
                    pointer::push(path, &f.name);
                    self.walk(f.ty, inner, path, Some(&here), sites, depth + 1);
                    path.truncate(len);
                }
            }
            (Kind::Array(items), Value::Array(list)) => {
                for (i, item) in list.iter().enumerate() {
                    let len = path.len();
                    pointer::push(path, &i.to_string());
                    self.walk(*items, item, path, field, sites, depth + 1);
                    path.truncate(len);
                }
            }
            (Kind::Map(values), Value::Object(map)) => {
                for (key, item) in map {
                    let len = path.len();
                    pointer::push(path, key);
                    self.walk(*values, item, path, field, sites, depth + 1);
                    path.truncate(len);
                }
            }
            (kind, value) => {
                let (Some(field), Some(type_name)) = (field, primitive(kind)) else {
                    return;
                };
                sites.push(field.site(type_name, self.cel(ty, value, depth), path));
            }
        }
    }
}

/// The type name of a primitive Avro type; `None` for the others.
fn primitive(kind: &Kind) -> Option<TypeName> {
    Some(match kind {
        Kind::Null => TypeName::Null,
        Kind::Boolean => TypeName::Boolean,
        Kind::Int => TypeName::Int,
        Kind::Long => TypeName::Long,
        Kind::Float => TypeName::Float,
        Kind::Double => TypeName::Double,
        Kind::Bytes => TypeName::Bytes,
        Kind::String => TypeName::String,
        Kind::Array(_)
        | Kind::Map(_)
        | Kind::Union(_)
        | Kind::Record(_)
        | Kind::Enum(_)
        | Kind::Fixed(_) => return None,
    })
}
