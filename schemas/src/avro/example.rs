//! Counterexamples: for a breaking change, a datum the writer's schema
//! produces and the reader's schema cannot read, in the Avro JSON encoding.
//!
//! The search is generate-and-check. Candidates are the writer's smallest
//! datum and its variations one place at a time: every enum symbol, every
//! union branch, an array or map with one element of each variation of its
//! items, recursive types unrolled a few levels. Each candidate is checked
//! against the writer's schema ([`AvroSchema::validate_json`]) and resolved
//! against the reader's ([`AvroSchema::resolve_json`]); the first that fails
//! at or around the change's place is the example, else the first that
//! fails anywhere. The work is bounded by [`MAX_CANDIDATES`] and the result
//! deterministic. A change that no datum exposes (a logical type read with
//! another meaning) gets none.

use std::collections::HashMap;

use serde_json::{Map, Value};

use super::AvroSchema;
use super::model::{Kind, NodeId};
use super::value::bytes_to_json;

/// Most candidates built and checked for one change.
pub const MAX_CANDIDATES: usize = 2000;
/// How many times one named type may nest inside itself in a candidate.
const MAX_UNROLL: usize = 2;
/// Deepest nesting of a candidate.
const MAX_DEPTH: usize = 12;

/// A datum `writer` produces that `reader` cannot read, preferably failing
/// at or under (or above) `path`.
pub fn find(writer: &AvroSchema, reader: &AvroSchema, path: &str) -> Option<Value> {
    let mut generator = Generator::new(writer);
    let segments: Vec<&str> = path.split('/').skip(1).collect();
    let mut candidates = generator.at(writer.root, &segments, 0);
    generator.budget = MAX_CANDIDATES;
    candidates.extend(generator.variants(writer.root, 0));
    let mut anywhere = None;
    for candidate in candidates {
        if writer.validate_json(&candidate).is_err() {
            continue;
        }
        let Err(error) = writer.resolve_json(reader, &candidate) else {
            continue;
        };
        if near(&error.schema_path, path) {
            return Some(candidate);
        }
        anywhere.get_or_insert(candidate);
    }
    anywhere
}

/// Whether one path is a prefix of the other, by whole segments.
fn near(a: &str, b: &str) -> bool {
    let prefix = |short: &str, long: &str| {
        long.strip_prefix(short)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    };
    prefix(a, b) || prefix(b, a)
}

struct Generator<'a> {
    schema: &'a AvroSchema,
    /// Nesting of each named type on the way down.
    open: HashMap<NodeId, usize>,
    /// Steps to a finite datum per type (`u32::MAX`: none).
    rank: Vec<u32>,
    budget: usize,
}

impl<'a> Generator<'a> {
    fn new(schema: &'a AvroSchema) -> Self {
        Generator {
            schema,
            open: HashMap::new(),
            rank: ranks(schema),
            budget: MAX_CANDIDATES,
        }
    }

    /// The smallest datum: first symbols, empty arrays and maps, the union
    /// branch nearest a finite datum.
    fn minimal(&self, id: NodeId) -> Value {
        let schema = self.schema;
        match &schema.nodes[id].kind {
            Kind::Null => Value::Null,
            Kind::Boolean => Value::Bool(false),
            Kind::Int | Kind::Long => Value::from(0),
            Kind::Float | Kind::Double => Value::from(0.0),
            Kind::Bytes | Kind::String => Value::from(""),
            Kind::Fixed(f) => bytes_to_json(&vec![0; f.size as usize]),
            Kind::Enum(e) => Value::from(e.symbols.first().cloned().unwrap_or_default()),
            Kind::Array(_) => Value::Array(Vec::new()),
            Kind::Map(_) => Value::Object(Map::new()),
            Kind::Union(branches) => {
                let best = branches
                    .iter()
                    .copied()
                    .min_by_key(|&b| self.rank[b])
                    .unwrap_or(branches[0]);
                self.wrap(best, self.minimal(best))
            }
            Kind::Record(r) => Value::Object(
                r.fields
                    .iter()
                    .map(|f| (f.name.clone(), self.minimal(f.ty)))
                    .collect(),
            ),
        }
    }

    fn wrap(&self, branch: NodeId, value: Value) -> Value {
        let kind = &self.schema.nodes[branch].kind;
        if matches!(kind, Kind::Null) {
            Value::Null
        } else {
            let mut map = Map::new();
            map.insert(kind.label().to_string(), value);
            Value::Object(map)
        }
    }

    /// The minimal datum first, then its variations, within the budget.
    fn variants(&mut self, id: NodeId, depth: usize) -> Vec<Value> {
        let minimal = self.minimal(id);
        let opened = self.schema.nodes[id].kind.named().is_some();
        let nesting = self.open.get(&id).copied().unwrap_or(0);
        if depth > MAX_DEPTH || self.budget == 0 || (opened && nesting >= MAX_UNROLL) {
            return vec![minimal];
        }
        if opened {
            *self.open.entry(id).or_default() += 1;
        }
        let schema = self.schema;
        let mut out = vec![minimal.clone()];
        match &schema.nodes[id].kind {
            Kind::Boolean => self.push(&mut out, Value::Bool(true)),
            Kind::Enum(e) => {
                for symbol in e.symbols.iter().skip(1) {
                    self.push(&mut out, Value::from(symbol.as_str()));
                }
            }
            Kind::Array(items) => {
                for v in self.variants(*items, depth + 1) {
                    self.push(&mut out, Value::Array(vec![v]));
                }
            }
            Kind::Map(values) => {
                for v in self.variants(*values, depth + 1) {
                    let mut map = Map::new();
                    map.insert("key".to_string(), v);
                    self.push(&mut out, Value::Object(map));
                }
            }
            Kind::Union(branches) => {
                for &branch in branches {
                    if self.rank[branch] == u32::MAX {
                        continue;
                    }
                    for v in self.variants(branch, depth + 1) {
                        let wrapped = self.wrap(branch, v);
                        if wrapped != minimal {
                            self.push(&mut out, wrapped);
                        }
                    }
                }
            }
            Kind::Record(r) => {
                for field in &r.fields {
                    for v in self.variants(field.ty, depth + 1).into_iter().skip(1) {
                        let mut datum = minimal.clone();
                        if let Value::Object(map) = &mut datum {
                            map.insert(field.name.clone(), v);
                        }
                        self.push(&mut out, datum);
                    }
                }
            }
            _ => {}
        }
        if opened {
            if let Some(n) = self.open.get_mut(&id) {
                *n -= 1;
            }
        }
        out
    }

    /// Variations at the place `segments` (a change path) names, inside the
    /// smallest datum around it; the variations of the deepest type the path
    /// reaches when the writer's schema has no such place.
    fn at(&mut self, id: NodeId, segments: &[&str], depth: usize) -> Vec<Value> {
        let schema = self.schema;
        let kind = &schema.nodes[id].kind;
        match (kind, segments) {
            (Kind::Record(r), ["fields", name, rest @ ..]) => {
                let Some(field) = r.fields.iter().find(|f| f.name == *name) else {
                    return self.variants(id, depth);
                };
                let inner = match rest {
                    ["type", deeper @ ..] => self.at(field.ty, deeper, depth + 1),
                    _ => self.variants(field.ty, depth + 1),
                };
                let minimal = self.minimal(id);
                inner
                    .into_iter()
                    .map(|v| {
                        let mut datum = minimal.clone();
                        if let Value::Object(map) = &mut datum {
                            map.insert(field.name.clone(), v);
                        }
                        datum
                    })
                    .collect()
            }
            (Kind::Array(items), ["items", rest @ ..]) => self
                .at(*items, rest, depth + 1)
                .into_iter()
                .map(|v| Value::Array(vec![v]))
                .collect(),
            (Kind::Map(values), ["values", rest @ ..]) => self
                .at(*values, rest, depth + 1)
                .into_iter()
                .map(|v| {
                    let mut map = Map::new();
                    map.insert("key".to_string(), v);
                    Value::Object(map)
                })
                .collect(),
            (Kind::Union(branches), [label, rest @ ..]) => {
                match branches
                    .iter()
                    .find(|&&b| schema.nodes[b].kind.label() == *label)
                {
                    Some(&branch) => self
                        .at(branch, rest, depth + 1)
                        .into_iter()
                        .map(|v| self.wrap(branch, v))
                        .collect(),
                    None => self.variants(id, depth),
                }
            }
            _ => self.variants(id, depth),
        }
    }

    /// Adds a variation while the budget lasts.
    fn push(&mut self, out: &mut Vec<Value>, value: Value) {
        if self.budget > 0 {
            self.budget -= 1;
            out.push(value);
        }
    }
}

/// Steps from each type to a finite datum (a least fixpoint; `u32::MAX`
/// where there is none).
fn ranks(schema: &AvroSchema) -> Vec<u32> {
    let mut rank = vec![u32::MAX; schema.nodes.len()];
    loop {
        let mut changed = false;
        for (id, node) in schema.nodes.iter().enumerate() {
            let now = match &node.kind {
                Kind::Union(branches) => {
                    branches.iter().map(|&b| rank[b]).min().unwrap_or(u32::MAX)
                }
                Kind::Record(r) => r
                    .fields
                    .iter()
                    .map(|f| rank[f.ty])
                    .max()
                    .map_or(1, |m| m.saturating_add(1)),
                Kind::Enum(e) if e.symbols.is_empty() => u32::MAX,
                _ => 0,
            };
            if now < rank[id] {
                rank[id] = now;
                changed = true;
            }
        }
        if !changed {
            return rank;
        }
    }
}
