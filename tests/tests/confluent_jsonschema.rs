//! Confluent Schema Registry's own JSON Schema compatibility cases, read from
//! `../shared/conformance/confluent` (never copied into this repository).
//!
//! Every case runs under the strict and lenient policies and must agree on
//! the verdict; the
//! change kinds the peer knows must equal the peer's list as a set (kinds
//! only Charter reports are left out of that comparison). Where Charter is
//! convinced the peer is wrong, the case is listed in
//! `tests/conformance-exceptions.json` with the reasoning and, for a verdict
//! the peer calls compatible, a document that proves the break.
//!
//! Under the `confluent` policy every case must give the peer's verdict,
//! with no exception: it exists to reproduce the peer's answers.

use std::collections::BTreeSet;
use std::sync::Arc;

use conformance::{read_lenient_json, shared_dir, workspace_root};
use schemas::payload::PayloadValidator;
use schemas::{ChangeKind, NoReferences, Policy, Schema, SchemaType};
use serde_json::Value;

const FILES: [&str; 4] = [
    "jsonschema-diff-schema-examples.json",
    "jsonschema-diff-schema-examples-2020-12.json",
    "jsonschema-diff-combined-schema-examples.json",
    "jsonschema-diff-combined-schema-examples-2020-12.json",
];

struct Exception {
    file: String,
    index: usize,
    reason: String,
    proof: Option<Value>,
}

fn exceptions() -> Vec<Exception> {
    let path = workspace_root().join("tests/conformance-exceptions.json");
    let list: Vec<Value> = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    list.into_iter()
        .map(|e| Exception {
            file: e["file"].as_str().unwrap().to_string(),
            index: e["index"].as_u64().unwrap() as usize,
            reason: e["reason"].as_str().unwrap().to_string(),
            proof: e.get("proof").cloned(),
        })
        .collect()
}

fn parse(value: &Value) -> Arc<Schema> {
    Schema::parse(SchemaType::Json, &value.to_string(), &NoReferences)
        .map(Arc::new)
        .unwrap_or_else(|e| panic!("peer schema does not parse: {e}\n{value}"))
}

/// Charter's verdict and peer-known kinds for one case under one policy.
fn judge(original: &Schema, update: &Schema, policy: Policy) -> (bool, BTreeSet<String>) {
    let report = schemas::check(
        update,
        &[original],
        schemas::CompatibilityMode::Backward,
        policy,
    )
    .unwrap();
    let kinds = report
        .changes
        .iter()
        .filter(|c| c.kind.is_peer_kind())
        .map(|c| c.kind.name().to_string())
        .collect();
    (report.compatible, kinds)
}

#[test]
#[allow(clippy::print_stderr)] // the tally is for the person running the tests
fn charter_agrees_with_the_peer_on_every_case() {
    let dir = shared_dir().join("conformance/confluent");
    let exceptions = exceptions();
    let (mut total, mut agreed, mut excepted, mut confluent_agreed) = (0, 0, 0, 0);
    let mut failures = Vec::new();
    for file in FILES {
        let cases = read_lenient_json(&dir.join(file));
        for (index, case) in cases.as_array().unwrap().iter().enumerate() {
            total += 1;
            let original = parse(&case["original_schema"]);
            let update = parse(&case["update_schema"]);
            let expected_kinds: BTreeSet<String> = case["changes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c.as_str().unwrap().split(' ').next().unwrap().to_string())
                .collect();
            let strict = case["compatible"].as_bool().unwrap();
            let lenient = case
                .get("compatible_lenient")
                .and_then(Value::as_bool)
                .unwrap_or(strict);
            let mut problems = Vec::new();
            for (policy, expected) in [(Policy::Strict, strict), (Policy::Lenient, lenient)] {
                let (verdict, kinds) = judge(&original, &update, policy);
                if verdict != expected {
                    problems.push(format!("{policy}: verdict {verdict}, peer {expected}"));
                }
                let missing: Vec<_> = expected_kinds.difference(&kinds).collect();
                let extra: Vec<_> = kinds.difference(&expected_kinds).collect();
                if policy == Policy::Strict && (!missing.is_empty() || !extra.is_empty()) {
                    problems.push(format!("kinds: missing {missing:?}, extra {extra:?}"));
                }
            }
            let (confluent, _) = judge(&original, &update, Policy::Confluent);
            if confluent == strict {
                confluent_agreed += 1;
            } else {
                failures.push(format!(
                    "{file}[{index}] {}: confluent policy: verdict {confluent}, peer {strict}",
                    case["description"].as_str().unwrap_or_default()
                ));
            }
            let exception = exceptions
                .iter()
                .find(|e| e.file == file && e.index == index);
            match (problems.is_empty(), exception) {
                (true, None) => agreed += 1,
                (true, Some(e)) => failures.push(format!("{file}[{index}] is listed as an exception but agrees: {}", e.reason)),
                (false, Some(e)) => {
                    excepted += 1;
                    if let Some(proof) = &e.proof {
                        let accepts = |s: &Arc<Schema>| PayloadValidator::new(Arc::clone(s), None).unwrap().is_valid(proof);
                        assert!(accepts(&original) && !accepts(&update), "{file}[{index}]: the proof does not prove the break");
                    }
                }
                (false, None) => failures.push(format!(
                    "{file}[{index}] {}: {}\n    original: {}\n    update:   {}\n    peer kinds: {:?}",
                    case["description"].as_str().unwrap_or_default(),
                    problems.join("; "),
                    case["original_schema"],
                    case["update_schema"],
                    expected_kinds
                )),
            }
        }
    }
    eprintln!(
        "confluent JSON Schema cases: {total}, agreed {agreed}, listed exceptions {excepted}; \
         confluent policy: {confluent_agreed} of {total} verdicts agree"
    );
    assert!(
        failures.is_empty(),
        "{} disagreements:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(total, 263);
    assert_eq!(confluent_agreed, total);
}

#[test]
fn the_recursive_schema_is_equal_to_itself() {
    let path = shared_dir().join("conformance/confluent/jsonschema-recursive-schema.json");
    let text = std::fs::read_to_string(path).unwrap();
    let a = Schema::parse(SchemaType::Json, &text, &NoReferences).unwrap();
    let b = Schema::parse(SchemaType::Json, &text, &NoReferences).unwrap();
    let changes = schemas::diff(&a, &b, Policy::Strict).unwrap();
    assert!(changes.is_empty(), "{changes:?}");
    let _ = ChangeKind::ALL;
}
