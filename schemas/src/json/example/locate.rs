//! From a schema path such as `#/properties/a/items/maxLength` to the place
//! in a document that it constrains (`/a/0`), with the writer's subschemas
//! that apply on the way; and the list of such places a schema has.

use std::collections::{HashSet, VecDeque};

use crate::json::JsonSchema;
use crate::json::diff::deref;
use crate::json::node::{Criterion, NodeId, Shape, Typed};
use crate::pointer;

/// Most nodes gathered when looking through combinators.
const MAX_PARTS: usize = 64;
/// Highest array position a walk steps to (documents stay small).
pub(super) const MAX_INDEX: usize = 4096;

/// A step into a value, as the schema path names it.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Want {
    /// The property of this name.
    Key(String),
    /// A property no keyword declares, matching the pattern if there is one.
    NewKey(Option<String>),
    /// This array position.
    Index(usize),
    /// The first array position past the tuple.
    Extra,
}

/// One step of a walk: the schemas of the value it leaves, and where it goes.
#[derive(Debug, Clone)]
pub(super) struct Level {
    pub(super) nodes: Vec<NodeId>,
    pub(super) want: Want,
}

/// Where a schema path leads.
#[derive(Debug, Clone, Default)]
pub(super) struct Walk {
    pub(super) levels: Vec<Level>,
    /// The schemas at the place itself (the narrowest first); empty when
    /// nothing there constrains it.
    pub(super) target: Vec<NodeId>,
    /// Property names the path mentions without entering them (`required`,
    /// dependencies).
    pub(super) names: Vec<String>,
}

/// Follows `path` through `schema`.
pub(super) fn walk(schema: &JsonSchema, path: &str) -> Walk {
    let segments: Vec<String> = path
        .trim_start_matches('#')
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| pointer::unescape(s).into_owned())
        .collect();
    let mut current = vec![schema.root];
    let mut full = current.clone();
    let mut out = Walk::default();
    let mut i = 0;
    while i < segments.len() {
        let next = segments.get(i + 1).map(String::as_str);
        let index = next.and_then(|n| n.parse::<usize>().ok());
        if index.is_some_and(|i| i > MAX_INDEX) {
            break;
        }
        let parts = typed(schema, &current);
        let (want, target, used) = match (segments[i].as_str(), next) {
            ("properties", Some(name)) => (
                Want::Key(name.to_string()),
                property(schema, &parts, name),
                2,
            ),
            ("patternProperties", Some(re)) => {
                let found: Vec<NodeId> = parts
                    .iter()
                    .filter_map(|t| t.pattern_properties.iter().find(|(r, _)| r == re))
                    .map(|(_, id)| *id)
                    .collect();
                let target = if found.is_empty() {
                    extra_properties(&parts)
                } else {
                    found
                };
                (Want::NewKey(Some(re.to_string())), target, 2)
            }
            ("additionalProperties" | "unevaluatedProperties", _) => {
                (Want::NewKey(None), extra_properties(&parts), 1)
            }
            ("items" | "prefixItems", _) if index.is_some() => {
                let n = index.unwrap_or(0);
                (Want::Index(n), position(&parts, n), 2)
            }
            ("items", _) if parts.iter().any(|t| t.items.is_some()) => {
                (Want::Index(0), position(&parts, 0), 1)
            }
            ("items" | "additionalItems" | "unevaluatedItems", _) => {
                let rest = parts
                    .iter()
                    .filter_map(|t| super::accepts::rest_items(t).or(t.unevaluated_items))
                    .collect();
                (Want::Extra, rest, 1)
            }
            ("contains", _) => (
                Want::Index(0),
                parts.iter().filter_map(|t| t.contains).collect(),
                1,
            ),
            ("allOf" | "anyOf" | "oneOf", Some(_)) => {
                let criterion = match segments[i].as_str() {
                    "allOf" => Criterion::AllOf,
                    "anyOf" => Criterion::AnyOf,
                    _ => Criterion::OneOf,
                };
                let found = branch(schema, &current, criterion, index.unwrap_or(usize::MAX));
                if !found.is_empty() {
                    current = found;
                }
                i += 2;
                continue;
            }
            ("then" | "else", _) => {
                let then = segments[i] == "then";
                let found = conditional(schema, &current, then);
                if !found.is_empty() {
                    current = found;
                }
                i += 1;
                continue;
            }
            ("dependentSchemas" | "dependencies" | "dependentRequired", Some(name)) => {
                out.names.push(name.to_string());
                let found: Vec<NodeId> = parts
                    .iter()
                    .filter_map(|t| t.dependent_schemas.iter().find(|(n, _)| n == name))
                    .map(|(_, id)| *id)
                    .collect();
                if !found.is_empty() {
                    current = found;
                }
                i += 2;
                continue;
            }
            ("required", Some(name)) => {
                out.names.push(name.to_string());
                break;
            }
            _ => break,
        };
        let mut nodes = current.clone();
        nodes.extend(full.iter().filter(|id| !current.contains(id)));
        out.levels.push(Level { nodes, want });
        current = target;
        full = current.clone();
        i += used;
    }
    let extra: Vec<NodeId> = full
        .into_iter()
        .filter(|id| !current.contains(id))
        .collect();
    out.target = current;
    out.target.extend(extra);
    out
}

/// The schemas of property `name` in objects of `parts`: its declaration, or
/// what covers an undeclared name.
fn property(schema: &JsonSchema, parts: &[&Typed], name: &str) -> Vec<NodeId> {
    let mut out = Vec::new();
    for t in parts {
        if let Some(id) = t.property(name) {
            out.push(id);
            continue;
        }
        let patterns: Vec<NodeId> = t
            .pattern_properties
            .iter()
            .filter(|(re, _)| {
                fancy_regex::Regex::new(re)
                    .ok()
                    .and_then(|re| re.is_match(name).ok())
                    .unwrap_or(false)
            })
            .map(|(_, id)| *id)
            .collect();
        if patterns.is_empty() {
            out.extend(t.additional_properties.or(t.unevaluated_properties));
        } else {
            out.extend(patterns);
        }
    }
    out.retain(|id| !matches!(schema.nodes[deref(&schema.nodes, *id)].shape, Shape::Any));
    out
}

fn extra_properties(parts: &[&Typed]) -> Vec<NodeId> {
    parts
        .iter()
        .filter_map(|t| t.additional_properties.or(t.unevaluated_properties))
        .collect()
}

/// The schemas of array position `n` in arrays of `parts`.
fn position(parts: &[&Typed], n: usize) -> Vec<NodeId> {
    parts
        .iter()
        .filter_map(|t| {
            t.prefix_items
                .as_ref()
                .and_then(|p| p.get(n).copied())
                .or_else(|| super::accepts::rest_items(t))
        })
        .collect()
}

/// Branch `index` of the `criterion` combinators among `nodes`, looking
/// through references and synthetic groupings.
fn branch(
    schema: &JsonSchema,
    nodes: &[NodeId],
    criterion: Criterion,
    index: usize,
) -> Vec<NodeId> {
    let mut out = Vec::new();
    let mut queue: VecDeque<NodeId> = nodes.iter().copied().collect();
    let mut seen = HashSet::new();
    while let Some(id) = queue.pop_front() {
        let id = deref(&schema.nodes, id);
        if !seen.insert(id) || seen.len() > MAX_PARTS {
            continue;
        }
        if let Shape::Combined {
            criterion: c,
            branches,
            synthetic,
        } = &schema.nodes[id].shape
        {
            if *synthetic {
                queue.extend(branches);
            } else if *c == criterion {
                out.extend(branches.get(index));
            }
        }
    }
    out
}

fn conditional(schema: &JsonSchema, nodes: &[NodeId], then: bool) -> Vec<NodeId> {
    expand(schema, nodes)
        .into_iter()
        .filter_map(|id| match &schema.nodes[id].shape {
            Shape::Conditional {
                then: t,
                otherwise: e,
                ..
            } => {
                if then {
                    *t
                } else {
                    *e
                }
            }
            _ => None,
        })
        .collect()
}

/// `nodes` and every node reachable from them through references,
/// combinators and conditionals (the schemas that apply to the same value).
pub(super) fn expand(schema: &JsonSchema, nodes: &[NodeId]) -> Vec<NodeId> {
    let mut out = Vec::new();
    let mut queue: VecDeque<NodeId> = nodes.iter().copied().collect();
    while let Some(id) = queue.pop_front() {
        let id = deref(&schema.nodes, id);
        if out.contains(&id) || out.len() >= MAX_PARTS {
            continue;
        }
        out.push(id);
        match &schema.nodes[id].shape {
            Shape::Combined { branches, .. } => queue.extend(branches),
            Shape::Conditional {
                then, otherwise, ..
            } => queue.extend(then.iter().chain(otherwise)),
            _ => {}
        }
    }
    out
}

/// The typed nodes among `expand(nodes)`.
pub(super) fn typed_parts(schema: &JsonSchema, nodes: &[NodeId]) -> Vec<NodeId> {
    expand(schema, nodes)
        .into_iter()
        .filter(|id| matches!(schema.nodes[*id].shape, Shape::Typed(_)))
        .collect()
}

fn typed<'s>(schema: &'s JsonSchema, nodes: &[NodeId]) -> Vec<&'s Typed> {
    typed_parts(schema, nodes)
        .into_iter()
        .filter_map(|id| match &schema.nodes[id].shape {
            Shape::Typed(t) => Some(t.as_ref()),
            _ => None,
        })
        .collect()
}

/// Schema paths to the places a schema constrains, shallowest first: the
/// root, properties, items, tuple positions, extra properties and items, and
/// the branches of combinators and conditionals on the way.
pub(super) fn places(schema: &JsonSchema, limit: usize) -> Vec<String> {
    let mut out = vec!["#/".to_string()];
    let mut queue: VecDeque<(NodeId, String)> = VecDeque::from([(schema.root, String::new())]);
    let mut seen = HashSet::new();
    while let Some((id, path)) = queue.pop_front() {
        if out.len() >= limit {
            break;
        }
        let id = deref(&schema.nodes, id);
        if !seen.insert(id) {
            continue;
        }
        let mut children: Vec<(NodeId, String)> = Vec::new();
        match &schema.nodes[id].shape {
            Shape::Combined {
                criterion,
                branches,
                synthetic,
            } => {
                for (i, b) in branches.iter().enumerate() {
                    if *synthetic {
                        // The same schema object: explored, not listed.
                        queue.push_front((*b, path.clone()));
                    } else {
                        children.push((*b, format!("{path}/{}/{i}", criterion.keyword())));
                    }
                }
            }
            Shape::Conditional {
                then, otherwise, ..
            } => {
                for (keyword, b) in [("then", then), ("else", otherwise)] {
                    if let Some(b) = b {
                        children.push((*b, format!("{path}/{keyword}")));
                    }
                }
            }
            Shape::Typed(t) => {
                for (name, p) in &t.properties {
                    children.push((*p, format!("{path}/properties/{}", pointer::escape(name))));
                }
                for (re, p) in &t.pattern_properties {
                    children.push((
                        *p,
                        format!("{path}/patternProperties/{}", pointer::escape(re)),
                    ));
                }
                if let Some(a) = t.additional_properties.or(t.unevaluated_properties) {
                    children.push((a, format!("{path}/additionalProperties")));
                }
                if let Some(items) = t.items {
                    children.push((items, format!("{path}/items")));
                }
                for (i, p) in t.prefix_items.iter().flatten().enumerate() {
                    children.push((*p, format!("{path}/prefixItems/{i}")));
                }
                if t.prefix_items.is_some() {
                    if let Some(a) = t.additional_items {
                        children.push((a, format!("{path}/additionalItems")));
                    }
                }
                if let Some(c) = t.contains {
                    children.push((c, format!("{path}/contains")));
                }
                for (name, d) in &t.dependent_schemas {
                    children.push((
                        *d,
                        format!("{path}/dependentSchemas/{}", pointer::escape(name)),
                    ));
                }
            }
            _ => {}
        }
        for (child, child_path) in children {
            let listed = format!("#{child_path}");
            if !out.contains(&listed) {
                out.push(listed);
            }
            queue.push_back((child, child_path));
        }
    }
    out.truncate(limit);
    out
}
