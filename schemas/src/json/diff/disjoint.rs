//! A conservative proof that no value matches two schemas: `true` only when
//! it is certain (different types, different constants, or a required
//! discriminator property with different constants).

use serde_json::Value;

use super::deref;
use crate::json::JsonSchema;
use crate::json::canonical::json_equal;
use crate::json::node::{Criterion, JsonType, NodeId, Shape};

const MAX_DEPTH: usize = 8;

/// A set of JSON types, as bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Types(u8);

impl Types {
    const ALL: Types = Types(0b11_1111);

    fn of(ty: JsonType) -> Types {
        Types(match ty {
            JsonType::Null => 1,
            JsonType::Boolean => 2,
            JsonType::Object => 4,
            JsonType::Array => 8,
            JsonType::Number | JsonType::Integer => 16,
            JsonType::String => 32,
        })
    }

    fn of_value(value: &Value) -> Types {
        Types(match value {
            Value::Null => 1,
            Value::Bool(_) => 2,
            Value::Object(_) => 4,
            Value::Array(_) => 8,
            Value::Number(_) => 16,
            Value::String(_) => 32,
        })
    }
}

fn types(schema: &JsonSchema, id: NodeId, depth: usize) -> Types {
    if depth > MAX_DEPTH {
        return Types::ALL;
    }
    let id = deref(&schema.nodes, id);
    match &schema.nodes[id].shape {
        Shape::Never => Types(0),
        Shape::Typed(t) if t.explicit => t.ty.map_or(Types::ALL, Types::of),
        Shape::Enum(values) => Types(values.iter().fold(0, |acc, v| acc | Types::of_value(v).0)),
        Shape::Const(value) => Types::of_value(value),
        Shape::Combined {
            criterion,
            branches,
            ..
        } => {
            let each = branches.iter().map(|b| types(schema, *b, depth + 1).0);
            match criterion {
                Criterion::AllOf => Types(each.fold(Types::ALL.0, |acc, t| acc & t)),
                _ => Types(each.fold(0, |acc, t| acc | t)),
            }
        }
        _ => Types::ALL,
    }
}

/// The finite set of values a schema allows, when it has one.
fn constants(schema: &JsonSchema, id: NodeId, depth: usize) -> Option<Vec<Value>> {
    if depth > MAX_DEPTH {
        return None;
    }
    let id = deref(&schema.nodes, id);
    match &schema.nodes[id].shape {
        Shape::Enum(values) => Some(values.clone()),
        Shape::Const(value) => Some(vec![value.clone()]),
        Shape::Combined {
            criterion: Criterion::AllOf,
            branches,
            ..
        } => branches
            .iter()
            .find_map(|b| constants(schema, *b, depth + 1)),
        _ => None,
    }
}

/// Whether no value can match both `a` and `b` (both in `schema`).
pub(crate) fn disjoint(schema: &JsonSchema, a: NodeId, b: NodeId) -> bool {
    disjoint_at(schema, a, b, 0)
}

fn disjoint_at(schema: &JsonSchema, a: NodeId, b: NodeId, depth: usize) -> bool {
    if depth > MAX_DEPTH {
        return false;
    }
    if types(schema, a, depth).0 & types(schema, b, depth).0 == 0 {
        return true;
    }
    if let (Some(x), Some(y)) = (constants(schema, a, depth), constants(schema, b, depth)) {
        if !x.iter().any(|v| y.iter().any(|w| json_equal(v, w))) {
            return true;
        }
    }
    let (a, b) = (deref(&schema.nodes, a), deref(&schema.nodes, b));
    let parts = |id: NodeId| -> Vec<NodeId> {
        match &schema.nodes[id].shape {
            Shape::Combined {
                criterion: Criterion::AllOf,
                branches,
                ..
            } => branches.clone(),
            _ => vec![id],
        }
    };
    // An allOf is disjoint from b when any one of its parts is.
    let (pa, pb) = (parts(a), parts(b));
    if pa.len() > 1 || pb.len() > 1 {
        return pa
            .iter()
            .any(|x| pb.iter().any(|y| disjoint_at(schema, *x, *y, depth + 1)));
    }
    if let (
        Shape::Combined {
            criterion,
            branches,
            ..
        },
        _,
    ) = (&schema.nodes[a].shape, ())
    {
        if criterion.is_sum() {
            return branches
                .iter()
                .all(|x| disjoint_at(schema, *x, b, depth + 1));
        }
    }
    if let Shape::Combined {
        criterion,
        branches,
        ..
    } = &schema.nodes[b].shape
    {
        if criterion.is_sum() {
            return branches
                .iter()
                .all(|y| disjoint_at(schema, a, *y, depth + 1));
        }
    }
    // Objects told apart by a property both require.
    if let (Shape::Typed(ta), Shape::Typed(tb)) = (&schema.nodes[a].shape, &schema.nodes[b].shape) {
        if ta.ty == Some(JsonType::Object)
            && tb.ty == Some(JsonType::Object)
            && (ta.explicit || tb.explicit)
        {
            for name in ta.required.iter().filter(|n| tb.is_required(n)) {
                if let (Some(x), Some(y)) = (ta.property(name), tb.property(name)) {
                    if disjoint_at(schema, x, y, depth + 1) {
                        return true;
                    }
                }
            }
        }
    }
    false
}
