//! Soundness of the Avro judgement: when a change list says a reader reads a
//! writer (no change breaks that direction), every datum the writer's schema
//! produces resolves under the reader's schema; and every example attached
//! to a breaking change is a datum the writer produces and the reader cannot
//! read.
//!
//! Writer schemas are small records over a pool of field types (primitives,
//! nullable unions, enums with and without defaults, fixed, arrays, maps, a
//! nested record, a recursive list); readers are derived by random mutations
//! (fields added, removed, renamed, retyped; symbols and branches added and
//! removed; defaults and aliases toggled; names and sizes changed). Data is
//! random datums of the writer, in the Avro JSON encoding, checked against
//! the writer's schema before use. Both directions are tested by swapping.
//!
//! `PROPTEST_CASES` sets the number of cases (default [`CASES`]).

use proptest::prelude::*;
use proptest::test_runner::Config;
use std::sync::Arc;

use schemas::payload::{Decoded, PayloadIssue, PayloadValidator};
use schemas::{NoReferences, Policy, Schema, SchemaType};
use serde_json::{Map, Value, json};

const CASES: u32 = 1500;

fn config() -> Config {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(CASES);
    Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    }
}

/// The field types schemas are made of.
fn field_type(choice: usize) -> Value {
    let types = [
        json!("int"),
        json!("long"),
        json!("float"),
        json!("double"),
        json!("string"),
        json!("bytes"),
        json!("boolean"),
        json!(["null", "string"]),
        json!(["null", "int", "long"]),
        json!(["string", "long"]),
        json!({"type": "enum", "name": "E", "symbols": ["A", "B", "C"]}),
        json!({"type": "enum", "name": "E", "symbols": ["A", "B"], "default": "A"}),
        json!({"type": "fixed", "name": "F", "size": 2}),
        json!({"type": "array", "items": "int"}),
        json!({"type": "array", "items": ["null", "double"]}),
        json!({"type": "map", "values": "long"}),
        json!({"type": "record", "name": "S", "fields": [{"name": "x", "type": "int"}]}),
        json!({"type": "record", "name": "L", "fields": [
            {"name": "v", "type": "int"}, {"name": "next", "type": ["null", "L"], "default": null}]}),
    ];
    types[choice % types.len()].clone()
}

/// A default that fits `ty` (of the pool or a mutation of it), when there is
/// an obvious one.
fn default_for(ty: &Value) -> Option<Value> {
    Some(match ty {
        Value::String(t) => match t.as_str() {
            "int" | "long" => json!(0),
            "float" | "double" => json!(0.5),
            "string" | "bytes" => json!(""),
            "boolean" => json!(false),
            "null" => Value::Null,
            _ => return None,
        },
        Value::Array(branches) => default_for(branches.first()?)?,
        Value::Object(o) => match o.get("type")?.as_str()? {
            "enum" => o.get("symbols")?.get(0)?.clone(),
            "array" => json!([]),
            "map" => json!({}),
            "fixed" => json!("\u{0}".repeat(o.get("size")?.as_u64()? as usize)),
            _ => return None,
        },
        _ => return None,
    })
}

fn writer_schema(types: &[usize], defaults: &[bool]) -> Value {
    let mut used_named = std::collections::HashSet::new();
    let fields: Vec<Value> = types
        .iter()
        .zip(defaults)
        .enumerate()
        .filter_map(|(i, (&t, &d))| {
            let ty = field_type(t);
            // A named type is defined once per schema.
            if let Some(name) = ty.get("name") {
                if !used_named.insert(name.to_string()) {
                    return None;
                }
            }
            let mut field = json!({"name": format!("f{i}"), "type": ty});
            if d {
                if let Some(default) = default_for(&field["type"]) {
                    field["default"] = default;
                }
            }
            Some(field)
        })
        .collect();
    json!({"type": "record", "name": "R", "namespace": "n", "fields": fields})
}

/// One mutation, chosen by `kind`, applied at field `at`.
fn mutate(schema: &mut Value, kind: usize, at: usize, pick: usize) {
    let fields = schema["fields"].as_array_mut().unwrap();
    let n = fields.len();
    match kind % 12 {
        0 => {
            let ty = field_type(pick);
            if ty.get("name").is_none() {
                let mut field = json!({"name": format!("g{pick}"), "type": ty});
                if pick % 2 == 0 {
                    if let Some(d) = default_for(&field["type"]) {
                        field["default"] = d;
                    }
                }
                if !fields.iter().any(|f| f["name"] == field["name"]) {
                    fields.push(field);
                }
            }
        }
        1 if n > 0 => {
            fields.remove(at % n);
        }
        2 if n > 0 => {
            let ty = field_type(pick);
            if ty.get("name").is_none() {
                let field = &mut fields[at % n];
                field["type"] = ty;
                field.as_object_mut().unwrap().remove("default");
            }
        }
        3 if n > 0 => {
            // Rename, with or without the old name as an alias.
            let field = &mut fields[at % n];
            let old = field["name"].clone();
            field["name"] = json!(format!("r{pick}"));
            if pick % 2 == 0 {
                field["aliases"] = json!([old]);
            }
        }
        4 if n > 0 => {
            // Toggle a default.
            let field = fields[at % n].as_object_mut().unwrap();
            if field.remove("default").is_none() {
                if let Some(d) = default_for(&field["type"]) {
                    field.insert("default".into(), d);
                }
            }
        }
        5 | 6 => {
            // Enum symbols and defaults, union branches, fixed size, names.
            for field in fields.iter_mut() {
                let ty = &mut field["type"];
                if let Some(symbols) = ty.get_mut("symbols").and_then(Value::as_array_mut) {
                    match pick % 4 {
                        0 => symbols.push(json!("D")),
                        1 if symbols.len() > 1 => {
                            symbols.pop();
                        }
                        _ => {}
                    }
                    if pick % 3 == 0 {
                        let o = ty.as_object_mut().unwrap();
                        if o.remove("default").is_none() {
                            o.insert("default".into(), json!("A"));
                        }
                    }
                    field.as_object_mut().unwrap().remove("default");
                } else if let Some(branches) = ty.as_array_mut() {
                    match pick % 3 {
                        0 if branches.len() > 1 => {
                            branches.pop();
                        }
                        1 if !branches.contains(&json!("boolean")) => {
                            branches.push(json!("boolean"))
                        }
                        _ => {}
                    }
                } else if ty.get("size").is_some() && pick % 2 == 0 {
                    ty["size"] = json!(3);
                    field.as_object_mut().unwrap().remove("default");
                } else if ty.get("name").is_some() && pick % 5 == 0 {
                    let old = ty["name"].as_str().unwrap().to_string();
                    ty["name"] = json!(format!("{old}2"));
                    if pick % 2 == 0 {
                        ty["aliases"] = json!([old]);
                    }
                }
            }
        }
        7 if n > 0 => {
            // A field's type becomes a union with it, or loses its union.
            let field = &mut fields[at % n];
            let ty = field["type"].clone();
            if ty.get("name").is_none() {
                field["type"] = match ty {
                    Value::Array(b) => b[b.len() - 1].clone(),
                    other => json!(["null", other]),
                };
                field.as_object_mut().unwrap().remove("default");
            }
        }
        8 => {
            schema["name"] = json!(if pick % 2 == 0 { "R2" } else { "m.R" });
            if pick % 4 == 0 {
                schema["aliases"] = json!(["n.R"]);
            }
        }
        _ => {}
    }
}

/// A tiny deterministic generator.
struct Rng(u64);

impl Rng {
    fn next(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n.max(1) as u64) as usize
    }
}

/// A random datum of `ty`, in the Avro JSON encoding. `named` holds the
/// named types seen so far, for references by name.
fn datum(
    ty: &Value,
    ns: &str,
    named: &mut Map<String, Value>,
    rng: &mut Rng,
    depth: usize,
) -> Value {
    match ty {
        Value::String(t) => match t.as_str() {
            "null" => Value::Null,
            "boolean" => json!(rng.next(2) == 1),
            "int" => json!([0, 1, -7, i32::MAX as i64, i32::MIN as i64][rng.next(5)]),
            "long" => json!([0, 3, -2, i64::MAX, i64::MIN][rng.next(5)]),
            "float" | "double" => json!([0.0, 1.5, -2.25][rng.next(3)]),
            "string" | "bytes" => json!(["", "a", "\u{00ff}z"][rng.next(3)]),
            name => {
                let full = if name.contains('.') {
                    name.to_string()
                } else {
                    format!("{ns}.{name}")
                };
                let def = named
                    .get(&full)
                    .or_else(|| named.get(name))
                    .cloned()
                    .expect("defined before use");
                datum(&def, ns, named, rng, depth + 1)
            }
        },
        Value::Array(branches) => {
            // Near the depth limit, prefer null to end recursion.
            let i = if depth > 4 && branches[0] == json!("null") {
                0
            } else {
                rng.next(branches.len())
            };
            let branch = &branches[i];
            let value = datum(branch, ns, named, rng, depth + 1);
            if *branch == json!("null") {
                Value::Null
            } else {
                let label = match branch {
                    Value::String(s)
                        if ![
                            "int", "long", "float", "double", "string", "bytes", "boolean",
                        ]
                        .contains(&s.as_str()) =>
                    {
                        if s.contains('.') {
                            s.clone()
                        } else {
                            format!("{ns}.{s}")
                        }
                    }
                    Value::String(s) => s.clone(),
                    Value::Object(o) => match o["type"].as_str().unwrap() {
                        t @ ("array" | "map") => t.to_string(),
                        t if o.get("name").is_none() => t.to_string(),
                        _ => full_name(o, ns),
                    },
                    _ => unreachable!("no nested unions"),
                };
                json!({ label: value })
            }
        }
        Value::Object(o) => {
            let kind = o["type"].as_str().unwrap();
            if let Some(name) = o.get("name").and_then(Value::as_str) {
                let _ = name;
                named.insert(full_name(o, ns), ty.clone());
            }
            match kind {
                "record" => {
                    let inner = full_name(o, ns);
                    let inner_ns = inner.rsplit_once('.').map_or("", |(n, _)| n).to_string();
                    let mut map = Map::new();
                    for field in o["fields"].as_array().unwrap() {
                        let v = datum(&field["type"], &inner_ns, named, rng, depth + 1);
                        map.insert(field["name"].as_str().unwrap().to_string(), v);
                    }
                    Value::Object(map)
                }
                "enum" => {
                    let symbols = o["symbols"].as_array().unwrap();
                    symbols[rng.next(symbols.len())].clone()
                }
                "fixed" => json!("\u{1}".repeat(o["size"].as_u64().unwrap() as usize)),
                "array" => {
                    let n = if depth > 4 { 0 } else { rng.next(3) };
                    Value::Array(
                        (0..n)
                            .map(|_| datum(&o["items"], ns, named, rng, depth + 1))
                            .collect(),
                    )
                }
                "map" => {
                    let n = if depth > 4 { 0 } else { rng.next(3) };
                    Value::Object(
                        (0..n)
                            .map(|i| {
                                (
                                    format!("k{i}"),
                                    datum(&o["values"], ns, named, rng, depth + 1),
                                )
                            })
                            .collect(),
                    )
                }
                primitive => datum(&json!(primitive), ns, named, rng, depth),
            }
        }
        _ => unreachable!("schemas are strings, arrays or objects"),
    }
}

fn full_name(o: &Map<String, Value>, ns: &str) -> String {
    let name = o["name"].as_str().unwrap();
    match o.get("namespace").and_then(Value::as_str) {
        _ if name.contains('.') => name.to_string(),
        Some(space) if !space.is_empty() => format!("{space}.{name}"),
        Some(_) => name.to_string(),
        None if ns.is_empty() => name.to_string(),
        None => format!("{ns}.{name}"),
    }
}

fn parse(value: &Value) -> Option<Arc<Schema>> {
    Schema::parse(SchemaType::Avro, &value.to_string(), &NoReferences)
        .ok()
        .map(Arc::new)
}

/// Why a consumer holding `reader` cannot read `value`, a datum `writer`
/// wrote in the Avro JSON encoding.
fn read(writer: &PayloadValidator, reader: &PayloadValidator, value: &Value) -> Vec<PayloadIssue> {
    let written = Decoded {
        value: value.clone(),
        message: None,
    };
    writer.read_as(reader, &written, None)
}

/// Checks one (writer, reader) pair in the backward direction of `diff(writer, reader)`.
fn check_direction(
    writer_json: &Value,
    writer: &Arc<Schema>,
    reader: &Arc<Schema>,
    seed: u64,
) -> Result<(), TestCaseError> {
    let mut changes = schemas::diff(writer, reader, Policy::Strict).unwrap();
    schemas::attach_diff_examples(&mut changes, writer, reader);
    let prepare = |schema: &Arc<Schema>| PayloadValidator::new(Arc::clone(schema), None).unwrap();
    let (w, r) = (&prepare(writer), &prepare(reader));
    for change in changes.iter().filter(|c| c.is_breaking()) {
        if let Some(example) = &change.example {
            let (ew, er) = if change.breaks.backward {
                (w, r)
            } else {
                (r, w)
            };
            prop_assert!(
                ew.check(example).is_empty(),
                "example not valid for its writer: {change:?}"
            );
            prop_assert!(
                !read(ew, er, example).is_empty(),
                "example read fine: {change:?}"
            );
        }
    }
    if changes.iter().any(|c| c.breaks.backward) {
        return Ok(());
    }
    let mut rng = Rng(seed | 1);
    for _ in 0..20 {
        let value = datum(writer_json, "", &mut Map::new(), &mut rng, 0);
        let invalid = w.check(&value);
        prop_assert!(
            invalid.is_empty(),
            "generated datum invalid: {value} {invalid:?}"
        );
        let resolved = read(w, r, &value);
        prop_assert!(
            resolved.is_empty(),
            "compatible verdict, yet {value} does not resolve: {resolved:?}\nwriter {}\nreader {}\nchanges {changes:#?}",
            writer.canonical(),
            reader.canonical()
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn a_compatible_verdict_means_every_datum_resolves(
        types in prop::collection::vec(0usize..64, 1..5),
        defaults in prop::collection::vec(any::<bool>(), 5),
        mutations in prop::collection::vec((0usize..12, 0usize..8, 0usize..64), 1..4),
        seed in any::<u64>(),
    ) {
        let old = writer_schema(&types, &defaults);
        let mut new = old.clone();
        for (kind, at, pick) in mutations {
            mutate(&mut new, kind, at, pick);
        }
        let (Some(o), Some(n)) = (parse(&old), parse(&new)) else {
            // A mutation may produce an invalid schema (a bad default).
            return Ok(());
        };
        check_direction(&old, &o, &n, seed)?;
        check_direction(&new, &n, &o, seed.rotate_left(7))?;
    }
}
