//! Candidate values for a schema node: a small, ordered list whose first
//! entry is meant to be a minimal valid value and whose others probe the
//! edges (longest and shortest strings, bounds, every enum value, optional
//! properties present, extra properties and items of every type, arrays of
//! several lengths).

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use serde_json::{Map, Number, Value, json};

use super::accepts::{Checker, in_bounds, rest_items};
use super::strings::{format_samples, pattern_samples};
use crate::json::JsonSchema;
use crate::json::canonical::to_canonical_string;
use crate::json::diff::deref;
use crate::json::node::{Criterion, JsonType, NodeId, Shape, Typed};

/// Most candidates kept per node.
const MAX_VALUES: usize = 40;
/// Deepest chain of nodes generated at once (recursive schemas stop here).
const MAX_ACTIVE: usize = 24;
/// Longest string or array built to cross a bound.
const MAX_LENGTH: u64 = 4096;

/// Boundaries of the reader's schema at the same place, so the writer's
/// candidates include values just past them.
#[derive(Debug, Default, Clone)]
pub(super) struct Hints {
    pub(super) lengths: Vec<u64>,
    pub(super) numbers: Vec<f64>,
    pub(super) counts: Vec<u64>,
    pub(super) keys: Vec<String>,
}

impl Hints {
    fn is_empty(&self) -> bool {
        self.lengths.is_empty()
            && self.numbers.is_empty()
            && self.counts.is_empty()
            && self.keys.is_empty()
    }

    /// The hints of `nodes` (of `schema`, the reader), plus property names.
    pub(super) fn from_nodes(schema: &JsonSchema, nodes: &[NodeId], names: &[String]) -> Hints {
        let mut hints = Hints {
            keys: names.to_vec(),
            ..Hints::default()
        };
        // The names `if` conditions look at count too: a document that
        // meets one condition and not the other tells them apart.
        let conditions: Vec<NodeId> = super::locate::expand(schema, nodes)
            .into_iter()
            .filter_map(|id| match &schema.nodes[id].shape {
                Shape::Conditional { condition, .. } => Some(*condition),
                _ => None,
            })
            .collect();
        let mut parts = super::locate::typed_parts(schema, nodes);
        parts.extend(super::locate::typed_parts(schema, &conditions));
        for id in parts {
            let Shape::Typed(t) = &schema.nodes[id].shape else {
                continue;
            };
            let around = |n: u64| [n.saturating_sub(1), n, n.saturating_add(1)];
            for n in [t.min_length, t.max_length].into_iter().flatten() {
                hints.lengths.extend(around(n));
            }
            let bounds = [
                &t.minimum,
                &t.maximum,
                &t.exclusive_minimum,
                &t.exclusive_maximum,
                &t.multiple_of,
            ];
            hints
                .numbers
                .extend(bounds.into_iter().flatten().map(|n| n.value));
            let counts = [
                t.min_items,
                t.max_items,
                t.min_properties,
                t.max_properties,
                t.min_contains,
                t.max_contains,
            ];
            for n in counts.into_iter().flatten() {
                hints.counts.extend(around(n));
            }
            if let Some(prefix) = &t.prefix_items {
                hints.counts.extend(around(prefix.len() as u64));
            }
            let names = t.properties.iter().map(|(n, _)| n.clone());
            let names = names.chain(t.required.iter().cloned());
            let names = names.chain(t.dependent_required.iter().map(|(n, _)| n.clone()));
            let names = names.chain(t.dependent_schemas.iter().map(|(n, _)| n.clone()));
            for name in names {
                if !hints.keys.contains(&name) {
                    hints.keys.push(name);
                }
            }
        }
        hints
    }
}

/// Values every schema may be probed with, friendliest first.
pub(super) fn generic() -> Vec<Value> {
    vec![
        json!("x"),
        json!(0),
        json!(true),
        json!(null),
        json!(1.5),
        json!(-1),
        json!(""),
        json!({}),
        json!([]),
        json!(false),
        json!(["x"]),
        json!({"x": "x"}),
        json!(1_000_000),
        json!("2024-01-01T00:00:00Z"),
    ]
}

/// Generates candidate values for the nodes of one schema.
pub(super) struct Generator<'a> {
    schema: &'a JsonSchema,
    checker: Checker<'a>,
    memo: HashMap<NodeId, Rc<Vec<Value>>>,
    active: Vec<NodeId>,
}

impl<'a> Generator<'a> {
    pub(super) fn new(schema: &'a JsonSchema) -> Self {
        Generator {
            schema,
            checker: Checker::new(schema),
            memo: HashMap::new(),
            active: Vec::new(),
        }
    }

    /// Candidates for node `id`, most plausible first.
    pub(super) fn values(&mut self, id: NodeId) -> Rc<Vec<Value>> {
        let id = deref(&self.schema.nodes, id);
        if let Some(found) = self.memo.get(&id) {
            return found.clone();
        }
        if self.active.contains(&id) || self.active.len() >= MAX_ACTIVE {
            return Rc::new(self.cheap(id));
        }
        self.active.push(id);
        let values = Rc::new(self.generate(id, &Hints::default()));
        self.active.pop();
        self.memo.insert(id, values.clone());
        values
    }

    /// The first candidate of `id`.
    pub(super) fn first(&mut self, id: NodeId) -> Value {
        self.values(id).first().cloned().unwrap_or(json!("x"))
    }

    /// A value for position `j` of an array where `nodes` apply: the tuple's
    /// schema there, or the schema of the other items (a different candidate
    /// per position, so `uniqueItems` holds).
    pub(super) fn element(&mut self, nodes: &[NodeId], j: usize) -> Value {
        let schema = self.schema;
        for id in super::locate::typed_parts(schema, nodes) {
            let Shape::Typed(t) = &schema.nodes[id].shape else {
                continue;
            };
            if t.ty != Some(JsonType::Array) {
                continue;
            }
            let prefix = t.prefix_items.as_deref().unwrap_or(&[]);
            if let Some(p) = prefix.get(j) {
                return self.first(*p);
            }
            if let Some(rest) = rest_items(t) {
                let values = self.values(rest);
                if let Some(v) = values.get((j - prefix.len()) % values.len().max(1)) {
                    return v.clone();
                }
            }
        }
        let values = generic();
        values[j % values.len()].clone()
    }

    /// Candidates for `id` that also probe `hints` (not memoised when there
    /// are hints).
    fn hinted(&mut self, id: NodeId, hints: &Hints) -> Vec<Value> {
        let id = deref(&self.schema.nodes, id);
        if hints.is_empty() || self.active.contains(&id) || self.active.len() >= MAX_ACTIVE {
            return self.values(id).as_ref().clone();
        }
        self.active.push(id);
        let values = self.generate(id, hints);
        self.active.pop();
        values
    }

    /// Candidates for a place where all of `nodes` apply (none: anything
    /// goes), probing the boundaries in `hints`; generic values come last.
    pub(super) fn values_at(&mut self, nodes: &[NodeId], hints: &Hints) -> Vec<Value> {
        let mut lists: Vec<Vec<Value>> = Vec::new();
        for &id in nodes {
            let id = deref(&self.schema.nodes, id);
            self.active.push(id);
            lists.push(self.generate(id, hints));
            self.active.pop();
        }
        let mut all = interleave(lists);
        all.extend(self.unconstrained(hints));
        dedup(all, usize::MAX)
    }

    /// Values of every type, including ones at the hinted boundaries.
    fn unconstrained(&mut self, hints: &Hints) -> Vec<Value> {
        let mut out = generic();
        let any = Typed::default();
        out.extend(strings(&any, hints).into_iter().skip(1));
        out.extend(numbers(&any, hints));
        for count in hints.counts.iter().filter(|c| **c <= MAX_LENGTH) {
            out.push(Value::Array(vec![json!("x"); *count as usize]));
        }
        for key in &hints.keys {
            out.push(json!({ key.clone(): "x" }));
            out.push(json!({ key.clone(): 0 }));
        }
        out
    }

    /// Candidates without recursion, for a node met again inside itself.
    fn cheap(&self, id: NodeId) -> Vec<Value> {
        match &self.schema.nodes[id].shape {
            Shape::Enum(values) => values.clone(),
            Shape::Const(value) => vec![value.clone()],
            Shape::Never => Vec::new(),
            Shape::Typed(t) => vec![match t.ty {
                Some(JsonType::Object) => json!({}),
                Some(JsonType::Array) => json!([]),
                Some(JsonType::String) => json!("a"),
                Some(JsonType::Number | JsonType::Integer) => json!(0),
                Some(JsonType::Boolean) => json!(true),
                Some(JsonType::Null) | None => Value::Null,
            }],
            _ => generic(),
        }
    }

    fn generate(&mut self, id: NodeId, hints: &Hints) -> Vec<Value> {
        let schema = self.schema;
        let raw = match &schema.nodes[id].shape {
            Shape::Any | Shape::Ref(_) => generic(),
            Shape::Never => Vec::new(),
            Shape::Enum(values) => values.clone(),
            Shape::Const(value) => vec![value.clone()],
            Shape::Not(_) => generic(),
            Shape::Typed(t) => {
                let mut values = self.typed(t, hints);
                if !t.explicit {
                    values.extend(generic());
                }
                values
            }
            Shape::Combined {
                criterion,
                branches,
                ..
            } => {
                let lists: Vec<Vec<Value>> =
                    branches.iter().map(|b| self.hinted(*b, hints)).collect();
                let mut values = Vec::new();
                if *criterion == Criterion::AllOf {
                    values.extend(merged(&lists));
                }
                values.extend(interleave(lists));
                values
            }
            Shape::Conditional {
                condition,
                then,
                otherwise,
            } => {
                let mut lists = Vec::new();
                for branch in [*then, *otherwise, Some(*condition)].into_iter().flatten() {
                    lists.push(self.hinted(branch, hints));
                }
                lists.push(generic());
                interleave(lists)
            }
        };
        let (valid, invalid): (Vec<Value>, Vec<Value>) = dedup(raw, usize::MAX)
            .into_iter()
            .partition(|v| self.checker.accepts(id, v));
        if valid.is_empty() {
            dedup(invalid, MAX_VALUES)
        } else {
            dedup(valid, MAX_VALUES)
        }
    }

    fn typed(&mut self, t: &'a Typed, hints: &Hints) -> Vec<Value> {
        match t.ty {
            Some(JsonType::String) => strings(t, hints),
            Some(JsonType::Number | JsonType::Integer) => numbers(t, hints),
            Some(JsonType::Boolean) => vec![json!(true), json!(false)],
            Some(JsonType::Null) => vec![Value::Null],
            Some(JsonType::Object) => self.objects(t, hints),
            Some(JsonType::Array) => self.arrays(t, hints),
            None => generic(),
        }
    }

    /// A value for property `name` of an object of `t`.
    fn property_value(&mut self, t: &'a Typed, name: &str) -> Value {
        if let Some(id) = t.property(name) {
            return self.first(id);
        }
        for (re, id) in &t.pattern_properties {
            if self.checker.matches(re, name) {
                return self.first(*id);
            }
        }
        match t.additional_properties.or(t.unevaluated_properties) {
            Some(id) => self.first(id),
            None => json!("x"),
        }
    }

    fn objects(&mut self, t: &'a Typed, hints: &Hints) -> Vec<Value> {
        // Required names, and the names they depend on.
        let mut names: Vec<String> = t.required.clone();
        let mut i = 0;
        while i < names.len() && names.len() < 64 {
            if let Some((_, deps)) = t.dependent_required.iter().find(|(n, _)| *n == names[i]) {
                for dep in deps {
                    if !names.contains(dep) {
                        names.push(dep.clone());
                    }
                }
            }
            i += 1;
        }
        let mut minimal = Map::new();
        for name in names {
            let value = self.property_value(t, &name);
            minimal.insert(name, value);
        }
        let optional: Vec<&String> = t
            .properties
            .iter()
            .map(|(n, _)| n)
            .filter(|n| !minimal.contains_key(*n))
            .collect();
        let wanted = t.min_properties.unwrap_or(0).min(64) as usize;
        let mut k = 0;
        while minimal.len() < wanted {
            match optional.get(k) {
                Some(name) => {
                    let value = self.property_value(t, name);
                    minimal.insert((*name).clone(), value);
                }
                None => {
                    minimal.insert(format!("extra{k}"), json!("x"));
                }
            }
            k += 1;
        }
        let with = |map: &Map<String, Value>, key: &str, value: Value| {
            let mut map = map.clone();
            map.insert(key.to_string(), value);
            Value::Object(map)
        };
        let mut out = vec![Value::Object(minimal.clone())];
        let mut all = minimal.clone();
        for name in &optional {
            let value = self.property_value(t, name);
            out.push(with(&minimal, name, value.clone()));
            all.insert((*name).clone(), value);
        }
        out.push(Value::Object(all));
        out.push(json!({}));
        let fresh = fresh_key(t, "extra");
        for value in [json!("x"), json!(0), json!(null), json!({}), json!([])] {
            out.push(with(&minimal, &fresh, value));
        }
        if let Some(names) = t.property_names {
            for name in self.values(names).iter().filter_map(Value::as_str).take(6) {
                out.push(with(&minimal, name, json!("x")));
            }
        }
        for (re, id) in &t.pattern_properties {
            if let Some(key) = pattern_samples(re)
                .into_iter()
                .find(|k| t.property(k).is_none())
            {
                let value = self.first(*id);
                out.push(with(&minimal, &key, value));
                out.push(with(&minimal, &key, json!(0)));
            }
        }
        for key in &hints.keys {
            let value = self.property_value(t, key);
            out.push(with(&minimal, key, value));
            out.push(with(&minimal, key, json!(0)));
        }
        for count in &hints.counts {
            let mut map = minimal.clone();
            let mut k = 0;
            while (map.len() as u64) < *count && map.len() < 64 {
                map.insert(format!("extra{k}"), json!("x"));
                k += 1;
            }
            out.push(Value::Object(map));
        }
        out
    }

    fn arrays(&mut self, t: &'a Typed, hints: &Hints) -> Vec<Value> {
        let prefix: Vec<NodeId> = t.prefix_items.clone().unwrap_or_default();
        let rest: Rc<Vec<Value>> = match rest_items(t) {
            Some(id) => self.values(id),
            None => Rc::new(generic()),
        };
        let firsts: Vec<Value> = prefix.iter().map(|p| self.first(*p)).collect();
        let element = |j: usize, distinct: bool| -> Option<Value> {
            if let Some(v) = firsts.get(j) {
                return Some(v.clone());
            }
            let k = if distinct { j - firsts.len() } else { 0 };
            rest.get(k % rest.len().max(1)).cloned()
        };
        let build = |len: u64| -> Option<Value> {
            let items: Option<Vec<Value>> = (0..len as usize)
                .map(|j| element(j, t.unique_items))
                .collect();
            items.map(Value::Array)
        };
        let contains: Option<(Value, u64)> = t
            .contains
            .map(|c| (self.first(c), t.min_contains.unwrap_or(1)));
        let min = t.min_items.unwrap_or(0);
        let max = t.max_items;
        let mut lengths = vec![min, min + 1, 1, 2, 3, 0, prefix.len() as u64];
        lengths.push(prefix.len() as u64 + 1);
        if let Some(max) = max {
            lengths.extend([max, max.saturating_sub(1)]);
        }
        lengths.extend(hints.counts.iter().copied());
        let mut out = Vec::new();
        if let Some((value, needed)) = &contains {
            // The minimal array, with its matching items first.
            let mut items = vec![value.clone(); (*needed).min(MAX_LENGTH) as usize];
            while (items.len() as u64) < min {
                match element(items.len(), t.unique_items) {
                    Some(v) => items.push(v),
                    None => break,
                }
            }
            out.push(Value::Array(items));
        }
        for len in lengths {
            if len < min || max.is_some_and(|m| len > m) || len > MAX_LENGTH {
                continue;
            }
            if let Some(array) = build(len) {
                out.push(array);
            }
        }
        // Each candidate item alone, after the tuple, and twice (duplicates).
        for v in rest.iter().take(8) {
            let mut items = firsts.clone();
            items.push(v.clone());
            out.push(Value::Array(items));
        }
        if let Some(v) = element(0, false) {
            out.push(Value::Array(vec![v.clone(), v]));
        }
        for v in generic().into_iter().take(6) {
            let mut items = firsts.clone();
            items.push(v);
            out.push(Value::Array(items));
        }
        out
    }
}

/// A property name `t` does not declare, starting from `stem`.
pub(super) fn fresh_key(t: &Typed, stem: &str) -> String {
    let mut key = stem.to_string();
    let mut i = 1;
    while t.property(&key).is_some() {
        key = format!("{stem}{i}");
        i += 1;
    }
    key
}

fn strings(t: &Typed, hints: &Hints) -> Vec<Value> {
    let min = t.min_length.unwrap_or(0);
    let max = t.max_length;
    let mut lengths = vec![min.max(1), min, min + 1, 0, 1, 2, 3, 5, 8, 17, 65, 257];
    if let Some(max) = max {
        lengths.extend([max, max.saturating_sub(1)]);
    }
    lengths.extend(hints.lengths.iter().copied());
    lengths.retain(|l| *l >= min && max.is_none_or(|m| *l <= m) && *l <= MAX_LENGTH);
    let mut bases: Vec<String> = Vec::new();
    if let Some(format) = &t.format {
        bases.extend(format_samples(format).iter().map(|s| s.to_string()));
    }
    if let Some(pattern) = &t.pattern {
        bases.extend(pattern_samples(pattern));
    }
    // `e30=` is `{}` in base64: valid for either content keyword or both.
    match (&t.content_encoding, &t.content_media_type) {
        (Some(_), _) => bases.push("e30=".to_string()),
        (None, Some(_)) => bases.push("{}".to_string()),
        (None, None) => {}
    }
    let mut out: Vec<String> = bases.clone();
    for &len in &lengths {
        let len = len as usize;
        for base in bases.iter().take(3) {
            let have = base.chars().count();
            if have < len {
                let pad = "a".repeat(len - have);
                out.push(format!("{base}{pad}"));
                out.push(format!("{pad}{base}"));
            }
        }
        out.push("a".repeat(len));
    }
    out.extend(["x", "A b", "0", "é", "-"].map(String::from));
    out.into_iter().map(Value::String).collect()
}

fn numbers(t: &Typed, hints: &Hints) -> Vec<Value> {
    let integer = t.ty == Some(JsonType::Integer);
    let bounds: Vec<f64> = [
        &t.minimum,
        &t.maximum,
        &t.exclusive_minimum,
        &t.exclusive_maximum,
    ]
    .into_iter()
    .flatten()
    .map(|n| n.value)
    .chain(hints.numbers.iter().copied())
    .collect();
    let mut seeds = vec![1.0, 0.0, -1.0, 2.0, 0.5, 1.5, -0.5, 10.0, 100.0, 12.5];
    for b in &bounds {
        for d in [
            0.0, 1.0, -1.0, 0.5, -0.5, 0.25, -0.25, 2.0, -2.0, 0.001, -0.001,
        ] {
            seeds.push(b + d);
        }
    }
    seeds.extend([1e6, -1e6, 1e12]);
    let lower = t
        .minimum
        .as_ref()
        .or(t.exclusive_minimum.as_ref())
        .map(|n| n.value);
    let upper = t
        .maximum
        .as_ref()
        .or(t.exclusive_maximum.as_ref())
        .map(|n| n.value);
    if let (Some(a), Some(b)) = (lower, upper) {
        seeds.push((a + b) / 2.0);
    }
    if let Some(m) = t.multiple_of.as_ref().map(|n| n.value) {
        if m > 0.0 && m.is_finite() {
            let mut multiples = vec![m, 0.0, 2.0 * m, 3.0 * m, -m, 7.0 * m];
            for s in &seeds {
                multiples.push((s / m).floor() * m);
                multiples.push((s / m).ceil() * m);
            }
            seeds = multiples;
        }
    }
    let values = seeds
        .into_iter()
        .map(round)
        .filter(|x| x.is_finite() && in_bounds(t, *x) && (!integer || x.fract() == 0.0))
        .filter_map(number_value)
        .collect();
    dedup(values, usize::MAX)
}

/// `x` rounded to 12 significant digits, so that `3 × 0.1` is `0.3`.
fn round(x: f64) -> f64 {
    format!("{x:.11e}").parse().unwrap_or(x)
}

fn number_value(x: f64) -> Option<Value> {
    if x.fract() == 0.0 && x.abs() < 9e15 {
        Some(Value::from(x as i64))
    } else {
        Number::from_f64(x).map(Value::Number)
    }
}

/// Objects from the first few candidates of every `allOf` branch, merged.
fn merged(lists: &[Vec<Value>]) -> Vec<Value> {
    let mut out = Vec::new();
    for k in 0..3 {
        let mut map = Map::new();
        for list in lists {
            match list.get(k).or_else(|| list.first()) {
                Some(Value::Object(m)) => {
                    for (key, v) in m {
                        map.entry(key.clone()).or_insert_with(|| v.clone());
                    }
                }
                _ => return out,
            }
        }
        out.push(Value::Object(map));
    }
    out
}

/// The first of each list, then the second of each, and so on.
pub(super) fn interleave(lists: Vec<Vec<Value>>) -> Vec<Value> {
    let longest = lists.iter().map(Vec::len).max().unwrap_or(0);
    let mut out = Vec::new();
    for i in 0..longest {
        for list in &lists {
            if let Some(v) = list.get(i) {
                out.push(v.clone());
            }
        }
    }
    out
}

/// `values` without repeats (by canonical text), at most `limit` of them.
pub(super) fn dedup(values: Vec<Value>, limit: usize) -> Vec<Value> {
    let mut seen = HashSet::new();
    values
        .into_iter()
        .filter(|v| seen.insert(to_canonical_string(v)))
        .take(limit)
        .collect()
}
