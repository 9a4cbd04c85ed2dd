//! Small, realistic schemas in 2020-12 spelling (converted for draft 7
//! afterwards), with two definitions to refer to.

use std::collections::BTreeMap;

use proptest::prelude::*;
use proptest::sample::select;
use serde_json::{Map, Value, json};

use crate::documents::scalar;
use crate::{DRAFT_7, DRAFT_2020, FORMATS, NAMES, PATTERNS, STRING_PATTERNS};

pub(crate) fn object(pairs: Vec<(&str, Value)>) -> Value {
    Value::Object(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}

pub(crate) fn set(map: &mut Map<String, Value>, key: &str, value: Option<Value>) {
    if let Some(value) = value {
        map.insert(key.to_string(), value);
    }
}

pub(crate) fn string_schema() -> impl Strategy<Value = Value> {
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

pub(crate) fn number_schema() -> impl Strategy<Value = Value> {
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

pub(crate) fn enum_schema() -> impl Strategy<Value = Value> {
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
pub(crate) fn leaf() -> BoxedStrategy<Value> {
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

pub(crate) fn object_schema(inner: BoxedStrategy<Value>) -> impl Strategy<Value = Value> {
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

pub(crate) fn to_object(map: BTreeMap<&str, Value>) -> Value {
    Value::Object(map.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}

pub(crate) fn array_schema(inner: BoxedStrategy<Value>) -> impl Strategy<Value = Value> {
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
pub(crate) fn body() -> BoxedStrategy<Value> {
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

pub(crate) fn definitions() -> impl Strategy<Value = Value> {
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
pub(crate) enum Draft {
    Seven,
    Twenty,
}

/// A whole schema: `$schema`, the two definitions and a body.
pub(crate) fn root() -> impl Strategy<Value = (Draft, Value)> {
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
pub(crate) fn to_draft7(value: Value) -> Value {
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
