//! A quick, approximate check of a value against one node, used to keep the
//! generator's candidates plausible before whole documents are validated.
//!
//! It errs towards "accepted": formats are not checked, and a pattern the
//! regex engine cannot compile lets everything through. Nothing it says is
//! shown to anyone; every example is checked by the real validators.

use std::collections::HashMap;

use serde_json::{Number, Value};

use crate::json::JsonSchema;
use crate::json::canonical::json_equal;
use crate::json::diff::deref;
use crate::json::node::{Criterion, JsonType, NodeId, Shape, Typed};

/// Deepest nesting checked; deeper values are assumed accepted.
const MAX_DEPTH: usize = 24;

/// Approximate validation against the nodes of one schema.
pub(super) struct Checker<'a> {
    schema: &'a JsonSchema,
    regexes: HashMap<String, Option<fancy_regex::Regex>>,
}

impl<'a> Checker<'a> {
    pub(super) fn new(schema: &'a JsonSchema) -> Self {
        Checker {
            schema,
            regexes: HashMap::new(),
        }
    }

    /// Whether node `id` (probably) accepts `value`.
    pub(super) fn accepts(&mut self, id: NodeId, value: &Value) -> bool {
        self.at(id, value, 0)
    }

    /// Whether `pattern` finds a match in `text` (true when it cannot tell).
    pub(super) fn matches(&mut self, pattern: &str, text: &str) -> bool {
        let re = self
            .regexes
            .entry(pattern.to_string())
            .or_insert_with(|| fancy_regex::Regex::new(pattern).ok());
        re.as_ref()
            .is_none_or(|re| re.is_match(text).unwrap_or(true))
    }

    fn at(&mut self, id: NodeId, value: &Value, depth: usize) -> bool {
        if depth > MAX_DEPTH {
            return true;
        }
        let schema = self.schema;
        let id = deref(&schema.nodes, id);
        match &schema.nodes[id].shape {
            Shape::Any | Shape::Ref(_) => true,
            Shape::Never => false,
            Shape::Enum(values) => values.iter().any(|v| json_equal(v, value)),
            Shape::Const(v) => json_equal(v, value),
            Shape::Not(inner) => !self.at(*inner, value, depth + 1),
            Shape::Combined {
                criterion,
                branches,
                ..
            } => {
                let mut matched = 0;
                for branch in branches {
                    let ok = self.at(*branch, value, depth + 1);
                    match (criterion, ok) {
                        (Criterion::AllOf, false) => return false,
                        (Criterion::AnyOf, true) => return true,
                        (_, true) => matched += 1,
                        _ => {}
                    }
                }
                match criterion {
                    Criterion::AllOf => true,
                    Criterion::AnyOf => false,
                    Criterion::OneOf => matched == 1,
                }
            }
            Shape::Conditional {
                condition,
                then,
                otherwise,
            } => {
                let branch = if self.at(*condition, value, depth + 1) {
                    then
                } else {
                    otherwise
                };
                branch.is_none_or(|b| self.at(b, value, depth + 1))
            }
            Shape::Typed(t) => self.typed(t, value, depth),
        }
    }

    fn typed(&mut self, t: &'a Typed, value: &Value, depth: usize) -> bool {
        let Some(ty) = t.ty else { return true };
        if !has_type(ty, value) {
            return !t.explicit;
        }
        match value {
            Value::String(s) => self.string(t, s),
            Value::Number(n) => number(t, n),
            Value::Object(map) => self.object(t, map, depth),
            Value::Array(items) => self.array(t, items, depth),
            _ => true,
        }
    }

    fn string(&mut self, t: &Typed, s: &str) -> bool {
        let len = s.chars().count() as u64;
        t.min_length.is_none_or(|m| len >= m)
            && t.max_length.is_none_or(|m| len <= m)
            && t.pattern.as_ref().is_none_or(|p| self.matches(p, s))
    }

    fn object(&mut self, t: &'a Typed, map: &serde_json::Map<String, Value>, depth: usize) -> bool {
        if !t.required.iter().all(|r| map.contains_key(r)) {
            return false;
        }
        let count = map.len() as u64;
        if t.min_properties.is_some_and(|m| count < m)
            || t.max_properties.is_some_and(|m| count > m)
        {
            return false;
        }
        for (key, v) in map {
            let mut declared = false;
            if let Some(p) = t.property(key) {
                declared = true;
                if !self.at(p, v, depth + 1) {
                    return false;
                }
            }
            for (re, p) in &t.pattern_properties {
                if self.matches(re, key) {
                    declared = true;
                    if !self.at(*p, v, depth + 1) {
                        return false;
                    }
                }
            }
            let extra = t.additional_properties.or(t.unevaluated_properties);
            if let Some(extra) = extra.filter(|_| !declared) {
                if !self.at(extra, v, depth + 1) {
                    return false;
                }
            }
            if let Some(names) = t.property_names {
                if !self.at(names, &Value::String(key.clone()), depth + 1) {
                    return false;
                }
            }
        }
        for (name, deps) in &t.dependent_required {
            if map.contains_key(name) && !deps.iter().all(|d| map.contains_key(d)) {
                return false;
            }
        }
        let whole = Value::Object(map.clone());
        for (name, dep) in &t.dependent_schemas {
            if map.contains_key(name) && !self.at(*dep, &whole, depth + 1) {
                return false;
            }
        }
        true
    }

    fn array(&mut self, t: &'a Typed, items: &[Value], depth: usize) -> bool {
        let count = items.len() as u64;
        if t.min_items.is_some_and(|m| count < m) || t.max_items.is_some_and(|m| count > m) {
            return false;
        }
        let prefix = t.prefix_items.as_deref().unwrap_or(&[]);
        let rest = rest_items(t);
        for (i, item) in items.iter().enumerate() {
            let schema = prefix.get(i).copied().or(rest);
            if schema.is_some_and(|s| !self.at(s, item, depth + 1)) {
                return false;
            }
        }
        if t.unique_items {
            for (i, a) in items.iter().enumerate() {
                if items[i + 1..].iter().any(|b| json_equal(a, b)) {
                    return false;
                }
            }
        }
        if let Some(contains) = t.contains {
            let found = items
                .iter()
                .filter(|item| self.at(contains, item, depth + 1))
                .count() as u64;
            if found < t.min_contains.unwrap_or(1) || t.max_contains.is_some_and(|m| found > m) {
                return false;
            }
        }
        true
    }
}

/// The schema of array positions past the tuple (or of every position when
/// there is no tuple), if any.
pub(super) fn rest_items(t: &Typed) -> Option<NodeId> {
    let additional = t.additional_items.filter(|_| !t.additional_items_inert);
    if t.prefix_items.is_some() {
        additional
    } else {
        t.items.or(additional)
    }
}

fn has_type(ty: JsonType, value: &Value) -> bool {
    match (ty, value) {
        (JsonType::Null, Value::Null)
        | (JsonType::Boolean, Value::Bool(_))
        | (JsonType::Object, Value::Object(_))
        | (JsonType::Array, Value::Array(_))
        | (JsonType::Number, Value::Number(_))
        | (JsonType::String, Value::String(_)) => true,
        (JsonType::Integer, Value::Number(n)) => is_integer(n),
        _ => false,
    }
}

pub(super) fn is_integer(n: &Number) -> bool {
    n.is_i64() || n.is_u64() || n.as_f64().is_some_and(|f| f.fract() == 0.0)
}

fn number(t: &Typed, n: &Number) -> bool {
    let Some(x) = n.as_f64() else { return true };
    in_bounds(t, x)
}

/// Whether `x` satisfies the numeric keywords of `t`.
pub(super) fn in_bounds(t: &Typed, x: f64) -> bool {
    let ok = t.minimum.as_ref().is_none_or(|m| x >= m.value)
        && t.maximum.as_ref().is_none_or(|m| x <= m.value)
        && t.exclusive_minimum.as_ref().is_none_or(|m| x > m.value)
        && t.exclusive_maximum.as_ref().is_none_or(|m| x < m.value);
    let multiple = t.multiple_of.as_ref().is_none_or(|m| {
        let q = x / m.value;
        m.value <= 0.0 || (q - q.round()).abs() <= 1e-9 * q.abs().max(1.0)
    });
    let integer = t.ty != Some(JsonType::Integer) || x.fract() == 0.0;
    ok && multiple && integer
}
