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
//!
//! This file holds the properties; the strategies are beside it:
//! `documents.rs` (random JSON), `schema_strategy.rs` (schemas),
//! `mutations.rs` (a new version from an old one), `respell.rs` (the same
//! schema spelled differently).

mod documents;
mod mutations;
mod respell;
mod schema_strategy;

use proptest::prelude::*;
use proptest::test_runner::Config;
use schemas::json::JsonSchema;
use schemas::json::example::{Probe, counterexample};
use schemas::{CompatibilityMode, NoReferences, Policy, Schema, SchemaType};
use serde_json::Value;

use documents::document;
use mutations::pair;
use respell::respell;
use schema_strategy::root;

/// Cases of the soundness property unless `PROPTEST_CASES` says otherwise
/// (the other properties run a fraction of it).
const CASES: u32 = 2000;

pub(crate) const DRAFT_2020: &str = "https://json-schema.org/draft/2020-12/schema";
pub(crate) const DRAFT_7: &str = "http://json-schema.org/draft-07/schema#";
pub(crate) const NAMES: [&str; 5] = ["a", "b", "c", "d", "x1"];
pub(crate) const PATTERNS: [&str; 4] = ["^x", "^a", "b$", "^[a-z]+$"];
pub(crate) const STRING_PATTERNS: [&str; 5] = ["^[a-z]+$", "^a", "x", "^[0-9]{2}$", "^(ab|c)*$"];
pub(crate) const FORMATS: [&str; 5] = ["date-time", "date", "email", "uuid", "uri"];

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

/// Found by `compatible_verdicts_have_no_counterexample` (a clean-clone run
/// of the test command): removing `items` beside `unevaluatedItems: false`
/// hands every item to `unevaluatedItems`, which rejects them, so the
/// removal narrows instead of widening.
#[test]
fn regression_items_removed_beside_unevaluated_items_false() {
    let old = serde_json::json!({"type": "array", "items": {"type": "object"}, "unevaluatedItems": false,
        "$schema": "https://json-schema.org/draft/2020-12/schema"});
    let new = serde_json::json!({"type": "array", "unevaluatedItems": false,
        "$schema": "https://json-schema.org/draft/2020-12/schema"});
    soundness_case(
        &old,
        &new,
        &[serde_json::json!([{}]), serde_json::json!([])],
    )
    .unwrap();
    let report = schemas::check(
        &parse(&new).unwrap(),
        &[&parse(&old).unwrap()],
        CompatibilityMode::Backward,
        Policy::Strict,
    )
    .unwrap();
    assert!(!report.compatible, "{:?}", report.changes);
}
