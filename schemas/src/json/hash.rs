//! Structural hashes of compiled nodes, so the diff can skip identical
//! subtrees in constant time.
//!
//! A node's hash covers everything the diff reads from it and, through
//! references, from the nodes it reaches. Nodes that reach a reference cycle
//! get no hash: their meaning depends on the rest of the cycle, so equality
//! of their local structure proves nothing.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

use serde_json::Value;

use super::canonical::to_canonical_string;
use super::node::{Node, NodeId, Num, Shape};

/// Deepest reference chain hashed; deeper nodes simply get no hash.
const MAX_DEPTH: usize = 1_000;

#[derive(Clone, Copy)]
enum State {
    Unvisited,
    InProgress,
    Done(Option<u64>),
}

/// The structural hash of every node (`None` for nodes on reference cycles).
pub(crate) fn structural_hashes(nodes: &[Node]) -> Vec<Option<u64>> {
    let mut states = vec![State::Unvisited; nodes.len()];
    for id in 0..nodes.len() {
        hash_node(nodes, id, &mut states, 0);
    }
    states
        .into_iter()
        .map(|s| match s {
            State::Done(h) => h,
            _ => None,
        })
        .collect()
}

fn hash_node(nodes: &[Node], id: NodeId, states: &mut [State], depth: usize) -> Option<u64> {
    match states[id] {
        State::Done(h) => return h,
        State::InProgress => return None,
        State::Unvisited => {}
    }
    if depth > MAX_DEPTH {
        return None;
    }
    states[id] = State::InProgress;
    let result = compute(nodes, id, states, depth);
    states[id] = State::Done(result);
    result
}

fn compute(nodes: &[Node], id: NodeId, states: &mut [State], depth: usize) -> Option<u64> {
    let node = &nodes[id];
    let mut h = DefaultHasher::new();
    let child = |h: &mut DefaultHasher, c: NodeId, states: &mut [State]| -> Option<()> {
        hash_node(nodes, c, states, depth + 1)?.hash(h);
        Some(())
    };
    match &node.shape {
        // The diff looks through references, annotations included.
        Shape::Ref(target) => return hash_node(nodes, *target, states, depth + 1),
        Shape::Any => 0u8.hash(&mut h),
        Shape::Never => 1u8.hash(&mut h),
        Shape::Enum(values) => {
            2u8.hash(&mut h);
            values.iter().for_each(|v| value(&mut h, v));
        }
        Shape::Const(v) => {
            3u8.hash(&mut h);
            value(&mut h, v);
        }
        Shape::Not(c) => {
            4u8.hash(&mut h);
            child(&mut h, *c, states)?;
        }
        Shape::Combined {
            criterion,
            branches,
            synthetic,
        } => {
            5u8.hash(&mut h);
            criterion.hash(&mut h);
            synthetic.hash(&mut h);
            for b in branches {
                child(&mut h, *b, states)?;
            }
        }
        Shape::Conditional {
            condition,
            then,
            otherwise,
        } => {
            6u8.hash(&mut h);
            child(&mut h, *condition, states)?;
            for c in [then, otherwise] {
                c.is_some().hash(&mut h);
                if let Some(c) = c {
                    child(&mut h, *c, states)?;
                }
            }
        }
        Shape::Typed(t) => {
            7u8.hash(&mut h);
            (
                t.ty,
                t.explicit,
                t.min_length,
                t.max_length,
                &t.pattern,
                &t.format,
                &t.content_encoding,
                &t.content_media_type,
            )
                .hash(&mut h);
            for n in [
                &t.minimum,
                &t.maximum,
                &t.exclusive_minimum,
                &t.exclusive_maximum,
                &t.multiple_of,
            ] {
                num(&mut h, n);
            }
            for (name, c) in t
                .properties
                .iter()
                .chain(&t.pattern_properties)
                .chain(&t.dependent_schemas)
            {
                name.hash(&mut h);
                child(&mut h, *c, states)?;
            }
            (
                t.properties.len(),
                t.pattern_properties.len(),
                t.dependent_schemas.len(),
            )
                .hash(&mut h);
            (
                &t.required,
                &t.dependent_required,
                t.min_properties,
                t.max_properties,
            )
                .hash(&mut h);
            for slot in [
                t.additional_properties,
                t.unevaluated_properties,
                t.property_names,
                t.items,
                t.additional_items,
                t.unevaluated_items,
                t.contains,
            ] {
                slot.is_some().hash(&mut h);
                if let Some(c) = slot {
                    child(&mut h, c, states)?;
                }
            }
            t.prefix_items.as_ref().map(Vec::len).hash(&mut h);
            for c in t.prefix_items.iter().flatten() {
                child(&mut h, *c, states)?;
            }
            (
                t.additional_items_inert,
                t.min_contains,
                t.max_contains,
                t.min_items,
                t.max_items,
                t.unique_items,
            )
                .hash(&mut h);
        }
    }
    let a = &node.annotations;
    a.id.hash(&mut h);
    for v in [&a.title, &a.description, &a.default] {
        v.is_some().hash(&mut h);
        if let Some(v) = v {
            value(&mut h, v);
        }
    }
    Some(h.finish())
}

fn value(h: &mut DefaultHasher, v: &Value) {
    to_canonical_string(v).hash(h);
}

/// By canonical text: one spelling per value, and integers beyond 2^53
/// kept apart (their doubles are not).
fn num(h: &mut DefaultHasher, n: &Option<Num>) {
    n.as_ref()
        .map(|n| to_canonical_string(&Value::Number(n.written.clone())))
        .hash(h);
}
