//! Soundness: the engine never calls a change compatible when a JSON document
//! exists that the writer's schema accepts and the reader's schema rejects.
//!
//! Property tests generate small, realistic schemas (drafts 7 and 2020-12),
//! derive a second version by random mutations (add, remove or tweak a
//! keyword, wrap in a combinator, replace a subschema), and hunt for a
//! document that proves a "compatible" verdict wrong: random JSON from a
//! small domain, and the counterexample search of `json::example`, which
//! builds documents from both schemas. Every document is judged by the real
//! validators (formats asserted). Also: `check` never panics, attached
//! examples are always real counterexamples, and the canonical form ignores
//! key order, whitespace and number spelling.
//!
//! `PROPTEST_CASES` sets the number of soundness cases (default [`CASES`]);
//! the other properties scale with it.

use std::collections::BTreeMap;

use proptest::prelude::*;
use proptest::sample::{Index, select};
use proptest::test_runner::Config;
use schemas::json::JsonSchema;
use schemas::json::example::{Probe, counterexample};
use schemas::pointer::escape;
use schemas::{CompatibilityMode, NoReferences, Policy, Schema, SchemaType};
use serde_json::{Map, Value, json};

/// Cases of the soundness property unless `PROPTEST_CASES` says otherwise
/// (the other properties run a fraction of it).
const CASES: u32 = 2000;

const DRAFT_2020: &str = "https://json-schema.org/draft/2020-12/schema";
const DRAFT_7: &str = "http://json-schema.org/draft-07/schema#";
const NAMES: [&str; 5] = ["a", "b", "c", "d", "x1"];
const PATTERNS: [&str; 4] = ["^x", "^a", "b$", "^[a-z]+$"];
const STRING_PATTERNS: [&str; 5] = ["^[a-z]+$", "^a", "x", "^[0-9]{2}$", "^(ab|c)*$"];
const FORMATS: [&str; 5] = ["date-time", "date", "email", "uuid", "uri"];

/// `default` cases (scaled by `PROPTEST_CASES`/[`CASES`] when it is set).
fn config(default: u32) -> Config {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse::<u32>().ok())
        .map_or(default, |c| {
            (u64::from(c) * u64::from(default) / u64::from(CASES)).max(1) as u32
        });
    Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    }
}

// ---------------------------------------------------------------- values

/// Scalars that schemas mention and documents carry.
fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        (-3i64..12).prop_map(Value::from),
        select(vec![9_007_199_254_740_992_u64, 9_007_199_254_740_993_u64]).prop_map(Value::from),
        select(vec![0.5, 1.5, -0.25, 2.5, 1e6]).prop_map(Value::from),
        select(vec![
            "",
            "a",
            "b",
            "c",
            "ab",
            "x",
            "xa",
            "ab1",
            "aaaaaaaaaa",
            "12",
            "2024-01-01T00:00:00Z",
            "2024-01-01",
            "user@example.com",
            "123e4567-e89b-12d3-a456-426614174000",
            "https://example.com/a",
        ])
        .prop_map(Value::from),
    ]
}

/// Random JSON documents over the names and scalars the schemas use.
fn document() -> BoxedStrategy<Value> {
    scalar()
        .prop_recursive(3, 24, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::btree_map(select(NAMES.to_vec()), inner, 0..4).prop_map(|m| {
                    Value::Object(m.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
                }),
            ]
        })
        .boxed()
}

// ---------------------------------------------------------------- schemas

fn object(pairs: Vec<(&str, Value)>) -> Value {
    Value::Object(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}

fn set(map: &mut Map<String, Value>, key: &str, value: Option<Value>) {
    if let Some(value) = value {
        map.insert(key.to_string(), value);
    }
}

fn string_schema() -> impl Strategy<Value = Value> {
    (
        prop::option::of(0u64..4),
        prop::option::of(2u64..9),
        prop::option::weighted(0.3, select(STRING_PATTERNS.to_vec())),
        prop::option::weighted(0.3, select(FORMATS.to_vec())),
        any::<bool>(),
    )
        .prop_map(|(min, max, pattern, format, typed)| {
            let mut m = Map::new();
            if typed {
                m.insert("type".into(), json!("string"));
            }
            set(&mut m, "minLength", min.map(Value::from));
            set(&mut m, "maxLength", max.map(Value::from));
            set(&mut m, "pattern", pattern.map(Value::from));
            set(&mut m, "format", format.map(Value::from));
            if m.is_empty() {
                m.insert("type".into(), json!("string"));
            }
            Value::Object(m)
        })
}

fn number_schema() -> impl Strategy<Value = Value> {
    let bound = || prop::option::weighted(0.35, select(vec![-2.0, 0.0, 1.0, 2.5, 3.0, 5.0, 10.0]));
    (
        select(vec!["number", "integer"]),
        (bound(), bound(), bound(), bound()),
        prop::option::weighted(0.3, select(vec![0.5, 1.0, 2.0, 3.0, 0.25])),
    )
        .prop_map(|(ty, (min, max, xmin, xmax), multiple)| {
            let mut m = Map::new();
            m.insert("type".into(), json!(ty));
            let num = |x: f64| {
                if x.fract() == 0.0 {
                    Value::from(x as i64)
                } else {
                    Value::from(x)
                }
            };
            set(&mut m, "minimum", min.map(num));
            set(&mut m, "maximum", max.map(num));
            set(&mut m, "exclusiveMinimum", xmin.map(num));
            set(&mut m, "exclusiveMaximum", xmax.map(num));
            set(&mut m, "multipleOf", multiple.map(num));
            Value::Object(m)
        })
}

fn enum_schema() -> impl Strategy<Value = Value> {
    prop::collection::vec(scalar(), 1..4).prop_map(|values| {
        let mut unique: Vec<Value> = Vec::new();
        for v in values {
            if !unique.contains(&v) {
                unique.push(v);
            }
        }
        json!({ "enum": unique })
    })
}

/// Schemas without subschemas (references to the two definitions included).
fn leaf() -> BoxedStrategy<Value> {
    prop_oneof![
        3 => string_schema(),
        3 => number_schema(),
        2 => enum_schema(),
        1 => scalar().prop_map(|v| json!({ "const": v })),
        1 => select(vec!["boolean", "null", "object", "array"]).prop_map(|t| json!({ "type": t })),
        1 => select(vec![json!(true), json!({}), json!(false)]),
        1 => select(vec!["string", "integer", "number", "boolean"])
            .prop_map(|t| json!({ "type": [t, "null"] })),
        1 => select(vec!["d0", "d1"]).prop_map(|d| json!({ "$ref": format!("#/$defs/{d}") })),
    ]
    .boxed()
}

fn object_schema(inner: BoxedStrategy<Value>) -> impl Strategy<Value = Value> {
    (
        prop::collection::btree_map(select(NAMES.to_vec()), inner.clone(), 0..4),
        prop::collection::btree_set(select(NAMES.to_vec()), 0..3),
        prop::option::weighted(
            0.4,
            prop_oneof![Just(json!(false)), Just(json!(true)), inner.clone()],
        ),
        prop::collection::btree_map(select(PATTERNS.to_vec()), inner, 0..2),
        (
            prop::option::weighted(0.15, 0u64..3),
            prop::option::weighted(0.15, 1u64..4),
        ),
        prop::option::weighted(
            0.2,
            (
                select(NAMES.to_vec()),
                prop::collection::btree_set(select(NAMES.to_vec()), 1..3),
            ),
        ),
    )
        .prop_map(
            |(properties, required, additional, patterns, (minp, maxp), dependency)| {
                let mut m = Map::new();
                m.insert("type".into(), json!("object"));
                if !properties.is_empty() {
                    m.insert("properties".into(), to_object(properties));
                }
                if !required.is_empty() {
                    m.insert("required".into(), json!(required));
                }
                set(&mut m, "additionalProperties", additional);
                if !patterns.is_empty() {
                    m.insert("patternProperties".into(), to_object(patterns));
                }
                set(&mut m, "minProperties", minp.map(Value::from));
                set(&mut m, "maxProperties", maxp.map(Value::from));
                if let Some((name, names)) = dependency {
                    m.insert("dependentRequired".into(), json!({ name: names }));
                }
                Value::Object(m)
            },
        )
}

fn to_object(map: BTreeMap<&str, Value>) -> Value {
    Value::Object(map.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}

fn array_schema(inner: BoxedStrategy<Value>) -> impl Strategy<Value = Value> {
    (
        prop::option::weighted(0.6, inner.clone()),
        prop::option::weighted(0.3, prop::collection::vec(inner.clone(), 1..3)),
        (
            prop::option::weighted(0.2, 0u64..3),
            prop::option::weighted(0.2, 1u64..4),
        ),
        prop::option::weighted(0.15, Just(true)),
        prop::option::weighted(
            0.15,
            (inner, prop::option::of(0u64..3), prop::option::of(0u64..3)),
        ),
        prop::option::weighted(0.1, prop_oneof![Just(json!(false)), leaf()]),
    )
        .prop_map(
            |(items, prefix, (min, max), unique, contains, unevaluated)| {
                let mut m = Map::new();
                m.insert("type".into(), json!("array"));
                set(&mut m, "items", items);
                set(&mut m, "prefixItems", prefix.map(Value::Array));
                set(&mut m, "minItems", min.map(Value::from));
                set(&mut m, "maxItems", max.map(Value::from));
                set(&mut m, "uniqueItems", unique.map(Value::from));
                if let Some((schema, min_contains, max_contains)) = contains {
                    m.insert("contains".into(), schema);
                    set(&mut m, "minContains", min_contains.map(Value::from));
                    set(&mut m, "maxContains", max_contains.map(Value::from));
                }
                set(&mut m, "unevaluatedItems", unevaluated);
                Value::Object(m)
            },
        )
}

/// A schema body in 2020-12 spelling (converted for draft 7 afterwards).
fn body() -> BoxedStrategy<Value> {
    leaf()
        .prop_recursive(3, 20, 4, |inner| {
            prop_oneof![
                3 => object_schema(inner.clone()),
                2 => array_schema(inner.clone()),
                2 => (select(vec!["anyOf", "oneOf", "allOf"]), prop::collection::vec(inner.clone(), 1..4))
                    .prop_map(|(k, branches)| object(vec![(k, Value::Array(branches))])),
                1 => inner.clone().prop_map(|s| json!({ "not": s })),
                1 => (inner.clone(), inner.clone(), prop::option::of(inner.clone()))
                    .prop_map(|(c, t, e)| {
                        let mut m = Map::new();
                        m.insert("if".into(), c);
                        m.insert("then".into(), t);
                        set(&mut m, "else", e);
                        Value::Object(m)
                    }),
                1 => (inner.clone(), inner).prop_map(|(a, b)| {
                    // Keyword groups side by side: a typed schema with extra
                    // constraints of another schema merged in.
                    match (a, b) {
                        (Value::Object(mut a), Value::Object(b)) => {
                            for (k, v) in b {
                                a.entry(k).or_insert(v);
                            }
                            Value::Object(a)
                        }
                        (a, _) => a,
                    }
                }),
            ]
        })
        .boxed()
}

fn definitions() -> impl Strategy<Value = Value> {
    let recursive = leaf().prop_map(
        |v| json!({"type": "object", "properties": {"next": {"$ref": "#/$defs/d1"}, "v": v}}),
    );
    let d0 = leaf().prop_filter("no reference", |v| v.get("$ref").is_none());
    let d1 = prop_oneof![
        leaf().prop_filter("no self reference", |v| v.get("$ref")
            != Some(&json!("#/$defs/d1"))),
        recursive
    ];
    (d0, d1).prop_map(|(d0, d1)| json!({ "d0": d0, "d1": d1 }))
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Draft {
    Seven,
    Twenty,
}

/// A whole schema: `$schema`, the two definitions and a body.
fn root() -> impl Strategy<Value = (Draft, Value)> {
    (
        select(vec![Draft::Seven, Draft::Twenty]),
        definitions(),
        body(),
    )
        .prop_map(|(draft, defs, body)| {
            let mut m = match body {
                Value::Object(m) => m,
                Value::Bool(true) => Map::new(),
                _ => object(vec![("not", json!({}))])
                    .as_object()
                    .cloned()
                    .unwrap_or_default(),
            };
            m.insert("$defs".into(), defs);
            m.insert("$schema".into(), json!(DRAFT_2020));
            let value = Value::Object(m);
            let value = if draft == Draft::Seven {
                to_draft7(value)
            } else {
                value
            };
            (draft, value)
        })
}

/// Rewrites 2020-12 keywords the draft-7 way.
fn to_draft7(value: Value) -> Value {
    match value {
        Value::Array(items) => Value::Array(items.into_iter().map(to_draft7).collect()),
        Value::Object(map) => {
            let mut out = Map::new();
            let mut map: Map<String, Value> =
                map.into_iter().map(|(k, v)| (k, to_draft7(v))).collect();
            if let Some(prefix) = map.remove("prefixItems") {
                if let Some(items) = map.remove("items") {
                    out.insert("additionalItems".into(), items);
                }
                out.insert("items".into(), prefix);
            }
            for (k, v) in map {
                match k.as_str() {
                    "$schema" => {
                        out.insert(k, json!(DRAFT_7));
                    }
                    "$defs" => {
                        out.insert("definitions".into(), v);
                    }
                    "dependentRequired" => {
                        out.insert("dependencies".into(), v);
                    }
                    "minContains"
                    | "maxContains"
                    | "unevaluatedItems"
                    | "unevaluatedProperties" => {}
                    "dependentSchemas" => {
                        if let (Value::Object(deps), Some(Value::Object(into))) =
                            (&v, out.get_mut("dependencies"))
                        {
                            into.extend(deps.clone());
                        } else if !out.contains_key("dependencies") {
                            out.insert("dependencies".into(), v);
                        }
                    }
                    "$ref" => {
                        let text = v
                            .as_str()
                            .unwrap_or_default()
                            .replace("/$defs/", "/definitions/");
                        out.insert(k, Value::String(text));
                    }
                    _ => {
                        out.insert(k, v);
                    }
                }
            }
            Value::Object(out)
        }
        other => other,
    }
}

// ---------------------------------------------------------------- mutations

#[derive(Debug, Clone)]
enum Op {
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

const REMOVABLE: [&str; 41] = [
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

fn op() -> BoxedStrategy<Op> {
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
fn subschemas(value: &Value, pointer: &str, out: &mut Vec<String>) {
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
fn mutate(schema: &mut Value, draft: Draft, target: Index, op: &Op) {
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
fn pair() -> impl Strategy<Value = (Value, Value)> {
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

// ---------------------------------------------------------------- the checks

fn parse(value: &Value) -> Option<Schema> {
    Schema::parse(SchemaType::Json, &value.to_string(), &NoReferences).ok()
}

/// The same text as a JSON Schema, for the counterexample search.
fn json(value: &Value) -> Option<JsonSchema> {
    JsonSchema::parse(&value.to_string(), &NoReferences).ok()
}

/// A document `writer` accepts and `reader` rejects, among `documents` and
/// the counterexample search.
fn proof(writer: &Probe<'_>, reader: &Probe<'_>, documents: &[Value]) -> Option<Value> {
    documents
        .iter()
        .find(|d| writer.accepts(d) && !reader.accepts(d))
        .cloned()
        .or_else(|| counterexample(writer, reader))
}

/// Asserts that `mode` calls `candidate` against `previous` compatible only
/// when no document proves otherwise; `writer`/`reader` are the schemas in
/// the roles the mode protects.
fn assert_sound(
    (old_text, new_text): (&Value, &Value),
    report: &schemas::CompatReport,
    writer: &Probe<'_>,
    reader: &Probe<'_>,
    documents: &[Value],
) -> Result<(), TestCaseError> {
    if !report.compatible {
        return Ok(());
    }
    if let Some(doc) = proof(writer, reader, documents) {
        return Err(TestCaseError::fail(format!(
            "{} called compatible, but the writer accepts and the reader rejects\n  document: {doc}\n  old: {old_text}\n  new: {new_text}\n  changes: {:#?}",
            report.mode,
            report
                .changes
                .iter()
                .map(|c| format!("{} {}", c.kind, c.path))
                .collect::<Vec<_>>()
        )));
    }
    Ok(())
}

fn soundness_case(
    old_text: &Value,
    new_text: &Value,
    documents: &[Value],
) -> Result<(), TestCaseError> {
    let (Some(old), Some(new)) = (parse(old_text), parse(new_text)) else {
        return Ok(()); // a mutation made something that is not a schema
    };
    let (Some(o), Some(n)) = (json(old_text), json(new_text)) else {
        return Ok(());
    };
    let (Ok(old_probe), Ok(new_probe)) = (Probe::new(&o), Probe::new(&n)) else {
        return Ok(());
    };
    let texts = (old_text, new_text);
    for (mode, writer, reader) in [
        (CompatibilityMode::Backward, &old_probe, &new_probe),
        (CompatibilityMode::Forward, &new_probe, &old_probe),
    ] {
        let Ok(report) = schemas::check(&new, &[&old], mode, Policy::Strict) else {
            continue;
        };
        assert_sound(texts, &report, writer, reader, documents)?;
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(CASES))]

    /// A compatible verdict (backward or forward, strict) has no
    /// counterexample.
    #[test]
    fn compatible_verdicts_have_no_counterexample(
        (old, new) in pair(),
        documents in prop::collection::vec(document(), 0..8),
    ) {
        soundness_case(&old, &new, &documents)?;
        // The same pair the other way round.
        soundness_case(&new, &old, &documents)?;
    }
}

proptest! {
    #![proptest_config(config(CASES / 4))]

    /// `check` answers (never panics) in every mode and policy, and every
    /// example it attaches is accepted by the writer and rejected by the reader.
    #[test]
    fn check_never_panics_and_examples_are_real((old_text, new_text) in pair()) {
        let (Some(old), Some(new)) = (parse(&old_text), parse(&new_text)) else { return Ok(()); };
        for mode in CompatibilityMode::ALL {
            for policy in [Policy::Strict, Policy::Lenient] {
                let _ = schemas::check(&new, &[&old], mode, policy);
                let _ = schemas::check(&old, &[&new, &old], mode, policy);
            }
        }
        let Ok(mut changes) = schemas::diff(&old, &new, Policy::Strict) else { return Ok(()); };
        changes.retain(|c| c.is_breaking());
        changes.truncate(3);
        schemas::attach_diff_examples(&mut changes, &old, &new);
        let (Some(o), Some(n)) = (json(&old_text), json(&new_text)) else { return Ok(()); };
        let (Ok(o), Ok(n)) = (Probe::new(&o), Probe::new(&n)) else { return Ok(()); };
        for change in &changes {
            let Some(example) = &change.example else { continue };
            let (writer, reader) = if change.breaks.backward { (&o, &n) } else { (&n, &o) };
            prop_assert!(writer.accepts(example) && !reader.accepts(example),
                "{} at {}: {example} is no counterexample", change.kind, change.path);
        }
    }
}

proptest! {
    #![proptest_config(config(CASES / 2))]

    /// Key order, whitespace and number spelling do not change the canonical
    /// form or the fingerprint.
    #[test]
    fn canonical_form_ignores_spelling((_, schema) in root(), seed in any::<u64>()) {
        let Some(plain) = parse(&schema) else { return Ok(()); };
        let respelled = respell(&schema, seed);
        let other = Schema::parse(SchemaType::Json, &respelled, &NoReferences)
            .map_err(|e| TestCaseError::fail(format!("{e}\n{respelled}")))?;
        prop_assert_eq!(plain.canonical(), other.canonical(), "{}", respelled);
        prop_assert_eq!(plain.fingerprint(), other.fingerprint());
    }
}

/// `value` as JSON text with keys in a shuffled order, random whitespace and
/// integers spelled `5`, `5.0` or `5e0`.
fn respell(value: &Value, seed: u64) -> String {
    let mut state = seed | 1;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut out = String::new();
    write_respelled(value, &mut next, &mut out);
    out
}

fn write_respelled(value: &Value, next: &mut impl FnMut() -> u64, out: &mut String) {
    let space = |next: &mut dyn FnMut() -> u64, out: &mut String| {
        out.push_str([" ", "", "\n  ", "\t", ""][(next() % 5) as usize]);
    };
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            for i in (1..entries.len()).rev() {
                entries.swap(i, (next() % (i as u64 + 1)) as usize);
            }
            out.push('{');
            for (i, (k, v)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                space(next, out);
                out.push_str(&serde_json::to_string(k).unwrap());
                space(next, out);
                out.push(':');
                write_respelled(v, next, out);
            }
            space(next, out);
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                space(next, out);
                write_respelled(v, next, out);
            }
            out.push(']');
        }
        // Integers a double holds exactly: beyond 2^53, `N.0` is read as a double
        // and is another number to Charter (a known limit of the canonical form).
        Value::Number(n) if n.as_i64().is_some_and(|i| i.unsigned_abs() <= 1 << 53) => {
            let i = n.as_i64().unwrap_or_default();
            match next() % 3 {
                0 => out.push_str(&format!("{i}.0")),
                1 => out.push_str(&format!("{i}e0")),
                _ => out.push_str(&i.to_string()),
            }
        }
        Value::Number(n) if n.is_f64() => {
            let x = n.as_f64().unwrap_or_default();
            match next() % 3 {
                0 => out.push_str(&format!("{x:e}")),
                1 if x.to_string().contains('.') => out.push_str(&format!("{x}0")),
                _ => out.push_str(&n.to_string()),
            }
        }
        other => out.push_str(&other.to_string()),
    }
}
