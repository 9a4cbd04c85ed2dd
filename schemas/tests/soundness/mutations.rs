//! Mutations that derive a new version from an old one: keywords added,
//! removed or tweaked, subschemas wrapped in combinators or replaced.

use proptest::prelude::*;
use proptest::sample::{Index, select};
use schemas::pointer::escape;
use serde_json::{Value, json};

use crate::documents::scalar;
use crate::schema_strategy::{Draft, leaf, object, root, string_schema, to_draft7};
use crate::{FORMATS, NAMES, PATTERNS, STRING_PATTERNS};

#[derive(Debug, Clone)]
pub(crate) enum Op {
    SetNumber(&'static str, Value),
    Remove(&'static str),
    RemoveAnyKey(Index),
    SetType(Value),
    ToggleRequired(&'static str),
    AddProperty(&'static str, Value),
    RemoveProperty(&'static str),
    SetAdditional(Value),
    EnumAdd(Value),
    EnumRemove(Index),
    SetConst(Value),
    Wrap(&'static str, Value),
    Unwrap(Index),
    Replace(Value),
    SetText(&'static str, &'static str),
    ToggleUnique,
    AddPatternProperty(&'static str, Value),
    AddDependency(&'static str, &'static str),
    SetContains(Value),
    ToggleNull,
    SetItems(Value),
    AddPrefixItem(Value),
    RemovePrefixItem,
    SetNot(Value),
    SetConditional(Value, Value),
    SetPropertyNames(Value),
    /// A keyword set as written, whatever the draft makes of it.
    SetRaw(&'static str, Value),
    AddDependentSchema(&'static str, Value),
    SetUnevaluated(&'static str, Value),
}

pub(crate) const REMOVABLE: [&str; 41] = [
    "type",
    "enum",
    "const",
    "required",
    "properties",
    "additionalProperties",
    "patternProperties",
    "items",
    "prefixItems",
    "additionalItems",
    "contains",
    "minContains",
    "maxContains",
    "pattern",
    "format",
    "not",
    "anyOf",
    "oneOf",
    "allOf",
    "if",
    "then",
    "else",
    "uniqueItems",
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minItems",
    "maxItems",
    "minProperties",
    "maxProperties",
    "dependentRequired",
    "dependencies",
    "$ref",
    "propertyNames",
    "unevaluatedProperties",
    "unevaluatedItems",
    "dependentSchemas",
];

pub(crate) fn op() -> BoxedStrategy<Op> {
    let counts = select(vec![
        "minLength",
        "maxLength",
        "minItems",
        "maxItems",
        "minProperties",
        "maxProperties",
        "minContains",
        "maxContains",
    ]);
    let bounds = select(vec![
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
    ]);
    let types = select(vec![
        json!("string"),
        json!("number"),
        json!("integer"),
        json!("object"),
        json!("array"),
        json!("null"),
        json!("boolean"),
        json!(["string", "null"]),
        json!(["number", "string"]),
    ]);
    prop_oneof![
        3 => (counts, 0u64..6).prop_map(|(k, n)| Op::SetNumber(k, Value::from(n))),
        3 => (bounds, select(vec![json!(-2), json!(0), json!(1), json!(2.5), json!(3), json!(5), json!(10)]))
            .prop_map(|(k, v)| Op::SetNumber(k, v)),
        1 => select(vec![json!(0.5), json!(1), json!(2), json!(3), json!(4), json!(6)])
            .prop_map(|v| Op::SetNumber("multipleOf", v)),
        3 => select(REMOVABLE.to_vec()).prop_map(Op::Remove),
        2 => any::<Index>().prop_map(Op::RemoveAnyKey),
        2 => types.prop_map(Op::SetType),
        3 => select(NAMES.to_vec()).prop_map(Op::ToggleRequired),
        3 => (select(NAMES.to_vec()), leaf()).prop_map(|(n, s)| Op::AddProperty(n, s)),
        2 => select(NAMES.to_vec()).prop_map(Op::RemoveProperty),
        2 => prop_oneof![Just(json!(false)), Just(json!(true)), leaf()].prop_map(Op::SetAdditional),
        2 => scalar().prop_map(Op::EnumAdd),
        2 => any::<Index>().prop_map(Op::EnumRemove),
        1 => scalar().prop_map(Op::SetConst),
        2 => (select(vec!["anyOf", "oneOf", "allOf"]), leaf()).prop_map(|(k, s)| Op::Wrap(k, s)),
        1 => any::<Index>().prop_map(Op::Unwrap),
        2 => leaf().prop_map(Op::Replace),
        1 => select(STRING_PATTERNS.to_vec()).prop_map(|p| Op::SetText("pattern", p)),
        1 => select(FORMATS.to_vec()).prop_map(|f| Op::SetText("format", f)),
        1 => Just(Op::ToggleUnique),
        1 => (select(PATTERNS.to_vec()), leaf()).prop_map(|(p, s)| Op::AddPatternProperty(p, s)),
        1 => (select(NAMES.to_vec()), select(NAMES.to_vec())).prop_map(|(a, b)| Op::AddDependency(a, b)),
        1 => leaf().prop_map(Op::SetContains),
        2 => Just(Op::ToggleNull),
        1 => prop_oneof![leaf(), Just(json!(false))].prop_map(Op::SetItems),
        1 => leaf().prop_map(Op::AddPrefixItem),
        1 => Just(Op::RemovePrefixItem),
        1 => leaf().prop_map(Op::SetNot),
        1 => (leaf(), leaf()).prop_map(|(a, b)| Op::SetConditional(a, b)),
        1 => prop_oneof![string_schema(), leaf()].prop_map(Op::SetPropertyNames),
        1 => prop_oneof![
            prop_oneof![Just(json!(false)), leaf()].prop_map(|v| ("additionalItems", v)),
            Just(("contentEncoding", json!("base64"))),
            Just(("contentMediaType", json!("application/json"))),
            select(vec!["uuid", "duration", "iri", "x-custom", "hostname"])
                .prop_map(|f| ("format", json!(f))),
            select(vec![9_007_199_254_740_992_u64, 9_007_199_254_740_993_u64])
                .prop_map(|n| ("maximum", json!(n))),
        ]
        .prop_map(|(k, v)| Op::SetRaw(k, v)),
        1 => (select(NAMES.to_vec()), leaf()).prop_map(|(n, s)| Op::AddDependentSchema(n, s)),
        1 => (
            select(vec!["unevaluatedProperties", "unevaluatedItems"]),
            prop_oneof![Just(json!(false)), leaf()],
        )
            .prop_map(|(k, s)| Op::SetUnevaluated(k, s)),
    ]
    .boxed()
}

/// JSON pointers to every subschema of `value`.
pub(crate) fn subschemas(value: &Value, pointer: &str, out: &mut Vec<String>) {
    out.push(pointer.to_string());
    let Value::Object(map) = value else { return };
    for (k, v) in map {
        let here = format!("{pointer}/{}", escape(k));
        match (k.as_str(), v) {
            (
                "properties" | "patternProperties" | "$defs" | "definitions" | "dependentSchemas"
                | "dependencies",
                Value::Object(children),
            ) => {
                for (name, child) in children {
                    if child.is_object() || child.is_boolean() {
                        subschemas(child, &format!("{here}/{}", escape(name)), out);
                    }
                }
            }
            ("items" | "prefixItems" | "allOf" | "anyOf" | "oneOf", Value::Array(children)) => {
                for (i, child) in children.iter().enumerate() {
                    subschemas(child, &format!("{here}/{i}"), out);
                }
            }
            (
                "items"
                | "additionalItems"
                | "additionalProperties"
                | "contains"
                | "not"
                | "if"
                | "then"
                | "else"
                | "propertyNames"
                | "unevaluatedProperties"
                | "unevaluatedItems",
                Value::Object(_) | Value::Bool(_),
            ) => subschemas(v, &here, out),
            _ => {}
        }
    }
}

/// Applies `op` to the subschema at `target` (chosen among all of them).
pub(crate) fn mutate(schema: &mut Value, draft: Draft, target: Index, op: &Op) {
    let mut pointers = Vec::new();
    subschemas(schema, "", &mut pointers);
    let pointer = target.get(&pointers).clone();
    let Some(node) = schema.pointer_mut(&pointer) else {
        return;
    };
    if let Op::Replace(v) = op {
        *node = v.clone();
        return;
    }
    if let Op::Wrap(k, other) = op {
        *node = object(vec![(k, json!([node.clone(), other.clone()]))]);
        return;
    }
    if let Value::Bool(b) = node {
        *node = if *b { json!({}) } else { json!({"not": {}}) };
    }
    let Value::Object(m) = node else { return };
    let (tuple, extra, dependencies) = match draft {
        Draft::Seven => ("items", "additionalItems", "dependencies"),
        Draft::Twenty => ("prefixItems", "items", "dependentRequired"),
    };
    match op {
        Op::SetNumber(k, v) => {
            m.insert(k.to_string(), v.clone());
        }
        Op::Remove(k) => {
            m.remove(*k);
        }
        Op::RemoveAnyKey(i) => {
            let keys: Vec<String> = m.keys().filter(|k| *k != "$schema").cloned().collect();
            if !keys.is_empty() {
                m.remove(i.get(&keys));
            }
        }
        Op::SetType(t) => {
            m.insert("type".into(), t.clone());
        }
        Op::ToggleRequired(name) => {
            let mut required: Vec<Value> = m
                .get("required")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            if let Some(at) = required.iter().position(|r| r == name) {
                required.remove(at);
            } else {
                required.push(json!(name));
            }
            m.insert("required".into(), Value::Array(required));
        }
        Op::AddProperty(name, s) => {
            let props = m.entry("properties").or_insert_with(|| json!({}));
            if let Value::Object(props) = props {
                props.insert(name.to_string(), s.clone());
            }
        }
        Op::RemoveProperty(name) => {
            if let Some(Value::Object(props)) = m.get_mut("properties") {
                props.remove(*name);
            }
        }
        Op::SetAdditional(s) => {
            m.insert("additionalProperties".into(), s.clone());
        }
        Op::EnumAdd(v) => match m.get_mut("enum") {
            Some(Value::Array(values)) if !values.contains(v) => values.push(v.clone()),
            Some(_) => {}
            None => {
                m.insert("enum".into(), json!([v]));
            }
        },
        Op::EnumRemove(i) => {
            if let Some(Value::Array(values)) = m.get_mut("enum") {
                if values.len() > 1 {
                    let at = i.index(values.len());
                    values.remove(at);
                }
            }
        }
        Op::SetConst(v) => {
            m.insert("const".into(), v.clone());
        }
        Op::Unwrap(i) => {
            for k in ["anyOf", "oneOf", "allOf"] {
                if let Some(Value::Array(branches)) = m.get(k) {
                    if !branches.is_empty() {
                        let branch = i.get(branches).clone();
                        *node = branch;
                        return;
                    }
                }
            }
        }
        Op::SetText(k, text) => {
            m.insert(k.to_string(), json!(text));
        }
        Op::ToggleUnique => {
            let unique = m.get("uniqueItems") == Some(&json!(true));
            m.insert("uniqueItems".into(), json!(!unique));
        }
        Op::AddPatternProperty(re, s) => {
            let patterns = m.entry("patternProperties").or_insert_with(|| json!({}));
            if let Value::Object(patterns) = patterns {
                patterns.insert(re.to_string(), s.clone());
            }
        }
        Op::AddDependency(name, needs) => {
            let deps = m.entry(dependencies).or_insert_with(|| json!({}));
            if let Value::Object(deps) = deps {
                deps.insert(name.to_string(), json!([needs]));
            }
        }
        Op::SetContains(s) => {
            m.insert("contains".into(), s.clone());
        }
        Op::ToggleNull => match m.get("type").cloned() {
            Some(Value::String(t)) if t != "null" => {
                m.insert("type".into(), json!([t, "null"]));
            }
            Some(Value::Array(types)) if types.len() > 1 => {
                let kept: Vec<Value> = types.into_iter().filter(|t| t != "null").collect();
                m.insert("type".into(), Value::Array(kept));
            }
            _ => {}
        },
        Op::SetItems(s) => {
            m.insert(extra.into(), s.clone());
            if draft == Draft::Seven && !matches!(m.get(tuple), Some(Value::Array(_))) {
                m.remove("additionalItems");
                m.insert("items".into(), s.clone());
            }
        }
        Op::AddPrefixItem(s) => match m.get_mut(tuple) {
            Some(Value::Array(list)) => list.push(s.clone()),
            _ => {
                if draft == Draft::Seven {
                    if let Some(items) = m.remove("items") {
                        m.insert("additionalItems".into(), items);
                    }
                }
                m.insert(tuple.into(), json!([s]));
            }
        },
        Op::RemovePrefixItem => {
            if let Some(Value::Array(list)) = m.get_mut(tuple) {
                if list.len() > 1 {
                    list.pop();
                }
            }
        }
        Op::SetNot(s) => {
            m.insert("not".into(), s.clone());
        }
        Op::SetConditional(c, t) => {
            m.insert("if".into(), c.clone());
            m.insert("then".into(), t.clone());
        }
        Op::SetRaw(k, v) => {
            m.insert(k.to_string(), v.clone());
        }
        Op::SetPropertyNames(s) => {
            m.insert("propertyNames".into(), s.clone());
        }
        Op::AddDependentSchema(name, s) => {
            let keyword = match draft {
                Draft::Seven => "dependencies",
                Draft::Twenty => "dependentSchemas",
            };
            let deps = m.entry(keyword).or_insert_with(|| json!({}));
            if let Value::Object(deps) = deps {
                deps.insert(name.to_string(), s.clone());
            }
        }
        Op::SetUnevaluated(k, s) => {
            // Draft 7 has no such keyword (its validator ignores it).
            if draft == Draft::Twenty {
                m.insert(k.to_string(), s.clone());
            }
        }
        Op::Replace(_) | Op::Wrap(..) => {}
    }
}

/// An old schema and a new one derived from it by one to three mutations;
/// one pair in ten also moves the new version from 2020-12 to draft 7.
pub(crate) fn pair() -> impl Strategy<Value = (Value, Value)> {
    (
        root(),
        prop::collection::vec((any::<Index>(), op()), 1..4),
        prop::bool::weighted(0.1),
    )
        .prop_map(|((draft, old), ops, retarget)| {
            let mut new = old.clone();
            for (target, op) in &ops {
                mutate(&mut new, draft, *target, op);
            }
            if draft == Draft::Seven || retarget {
                new = to_draft7(new);
            }
            (old, new)
        })
}
