//! Confluent Schema Registry's own Protobuf compatibility cases, read from
//! `../shared/conformance/confluent` (never copied into this repository).
//!
//! Every case must agree with the peer on the verdict and on the changes,
//! kind and path, as sets (Charter's FIELD_REMOVED_WITHOUT_RESERVING counts
//! as the peer's FIELD_REMOVED it refines). Imports come from the case's
//! `*_dependencies`; the with-meta case's `confluent/meta.proto` and
//! `confluent/type/decimal.proto`, which the shared folder does not hold, are
//! written below as minimal equivalents (they only declare the option
//! extensions and the message the case uses). A case where Charter is
//! convinced the peer is wrong would be listed in
//! `tests/conformance-exceptions-protobuf.json` with the reasoning.

use std::collections::BTreeSet;
use std::path::Path;

use conformance::{read_lenient_json, shared_dir, workspace_root};
use schemas::{CompatibilityMode, MapResolver, Policy, Schema, SchemaType};
use serde_json::Value;

const FILES: [&str; 2] = [
    "protobuf-diff-schema-examples.json",
    "protobuf-diff-schema-examples-with-meta.json",
];

/// Confluent's `confluent/meta.proto`, reduced to what the cases use: the
/// `Meta` message and its option extensions.
const CONFLUENT_META: &str = r#"
syntax = "proto3";
package confluent;
import "google/protobuf/descriptor.proto";
message Meta {
  string doc = 1;
  map<string, string> params = 2;
  repeated string tags = 3;
}
extend google.protobuf.FileOptions { Meta file_meta = 1088; }
extend google.protobuf.MessageOptions { Meta message_meta = 1088; }
extend google.protobuf.FieldOptions { Meta field_meta = 1088; }
extend google.protobuf.EnumOptions { Meta enum_meta = 1088; }
extend google.protobuf.EnumValueOptions { Meta enum_value_meta = 1088; }
"#;

/// Confluent's `confluent/type/decimal.proto`: the `Decimal` message.
const CONFLUENT_DECIMAL: &str = r#"
syntax = "proto3";
package confluent.type;
message Decimal {
  bytes value = 1;
  uint32 precision = 2;
  int32 scale = 3;
}
"#;

struct Exception {
    file: String,
    index: usize,
    reason: String,
}

fn exceptions() -> Vec<Exception> {
    let path = workspace_root().join("tests/conformance-exceptions-protobuf.json");
    let list: Vec<Value> = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    list.into_iter()
        .map(|e| Exception {
            file: e["file"].as_str().unwrap().to_string(),
            index: e["index"].as_u64().unwrap() as usize,
            reason: e["reason"].as_str().unwrap().to_string(),
        })
        .collect()
}

/// The schema text: inline, or a fixture named by its resource path.
fn schema_text(dir: &Path, value: &Value) -> String {
    let text = value.as_str().unwrap();
    if text.ends_with(".proto") {
        let file = text.rsplit('/').next().unwrap();
        std::fs::read_to_string(dir.join("protobuf-fixtures").join(file)).unwrap()
    } else {
        text.to_string()
    }
}

fn resolver(dependencies: Option<&Value>) -> MapResolver {
    let mut resolver = MapResolver::new();
    for dependency in dependencies.and_then(Value::as_array).into_iter().flatten() {
        let name = dependency["name"].as_str().unwrap();
        match (dependency.get("dependency").and_then(Value::as_str), name) {
            (Some(text), _) => resolver.insert(name, text),
            (None, "confluent/meta.proto") => resolver.insert(name, CONFLUENT_META),
            (None, "confluent/type/decimal.proto") => resolver.insert(name, CONFLUENT_DECIMAL),
            // The well-known google/protobuf files are built in.
            (None, _) => {}
        }
    }
    resolver
}

/// The case's `original` or `update` schema, compiled with its imports.
fn side(dir: &Path, case: &Value, which: &str) -> Schema {
    let text = schema_text(dir, &case[format!("{which}_schema")]);
    let resolver = resolver(case.get(format!("{which}_dependencies")));
    Schema::parse(SchemaType::Protobuf, &text, &resolver)
        .unwrap_or_else(|e| panic!("peer schema does not compile: {e}\n{text}"))
}

#[test]
#[allow(
    clippy::print_stderr,
    reason = "the pass count is what this test reports"
)]
fn charter_agrees_with_the_peer_on_every_case() {
    let dir = shared_dir().join("conformance/confluent");
    let exceptions = exceptions();
    let (mut total, mut agreed, mut excepted) = (0, 0, 0);
    let mut failures = Vec::new();
    for file in FILES {
        let cases = read_lenient_json(&dir.join(file));
        for (index, case) in cases.as_array().unwrap().iter().enumerate() {
            total += 1;
            let (original, update) = (side(&dir, case, "original"), side(&dir, case, "update"));
            let expected: BTreeSet<String> = case["changes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c.as_str().unwrap().to_string())
                .collect();
            let report = schemas::check(
                &update,
                &[&original],
                CompatibilityMode::Backward,
                Policy::Strict,
            )
            .unwrap();
            let found: BTreeSet<String> = report
                .changes
                .iter()
                .filter_map(|c| c.kind.peer_kind().map(|k| format!("{k} {}", c.path)))
                .collect();
            let mut problems = Vec::new();
            let peer_verdict = case["compatible"].as_bool().unwrap();
            if report.compatible != peer_verdict {
                problems.push(format!(
                    "verdict {}, peer {peer_verdict}",
                    report.compatible
                ));
            }
            let missing: Vec<_> = expected.difference(&found).collect();
            let extra: Vec<_> = found.difference(&expected).collect();
            if !missing.is_empty() || !extra.is_empty() {
                problems.push(format!("changes: missing {missing:?}, extra {extra:?}"));
            }
            let exception = exceptions
                .iter()
                .find(|e| e.file == file && e.index == index);
            match (problems.is_empty(), exception) {
                (true, None) => agreed += 1,
                (true, Some(e)) => failures.push(format!(
                    "{file}[{index}] is listed as an exception but agrees: {}",
                    e.reason
                )),
                (false, Some(_)) => excepted += 1,
                (false, None) => failures.push(format!(
                    "{file}[{index}] {}: {}",
                    case["description"].as_str().unwrap_or_default(),
                    problems.join("; "),
                )),
            }
        }
    }
    eprintln!("confluent Protobuf cases: {total}, agreed {agreed}, listed exceptions {excepted}");
    assert!(
        failures.is_empty(),
        "{} disagreements:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(total, 55);
}

/// Both reading directions of every case: the FORWARD verdict is the peer's
/// BACKWARD verdict with the inputs swapped, as the peer computes it.
#[test]
fn forward_is_backward_with_the_inputs_swapped() {
    let dir = shared_dir().join("conformance/confluent");
    for file in FILES {
        let cases = read_lenient_json(&dir.join(file));
        for (index, case) in cases.as_array().unwrap().iter().enumerate() {
            let (original, update) = (side(&dir, case, "original"), side(&dir, case, "update"));
            let verdict = |new: &Schema, old: &Schema, mode| {
                schemas::check(new, &[old], mode, Policy::Strict)
                    .unwrap()
                    .compatible
            };
            assert_eq!(
                verdict(&update, &original, CompatibilityMode::Forward),
                verdict(&original, &update, CompatibilityMode::Backward),
                "{file}[{index}]"
            );
            let full = verdict(&update, &original, CompatibilityMode::Full);
            assert_eq!(
                full,
                verdict(&update, &original, CompatibilityMode::Forward)
                    && verdict(&update, &original, CompatibilityMode::Backward),
                "{file}[{index}]"
            );
        }
    }
}
