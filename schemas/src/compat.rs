//! The compatibility engine: the verdict over a history, the diff of two
//! versions, and the examples attached to breaking changes.
//!
//! Every format answers one question, "can a reader holding schema R read
//! every document written with schema W?", as a list of [`Change`]s. The modes
//! are built from it: BACKWARD asks it with R = the new schema and W = each
//! checked old one, FORWARD with the roles swapped, FULL both; the transitive
//! forms check every earlier version instead of only the latest.

use serde::Serialize;

use crate::change::{Breaks, Change};
use crate::format::{Examples, SchemaKind};
use crate::limits::{SchemaLimits, Work};
use crate::schema::Schema;
use crate::vocabulary::{CompatError, CompatibilityMode, Directions, Policy};

/// The verdict of a compatibility check, with every reason.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CompatReport {
    /// True when no change breaks a reader the mode protects.
    pub compatible: bool,
    /// The mode that was checked.
    pub mode: CompatibilityMode,
    /// The policy that decided.
    pub policy: Policy,
    /// Every change found: all changes against the latest version, and the
    /// breaking ones against older versions for transitive modes.
    pub changes: Vec<Change>,
    /// For an incompatible verdict, the other policies that would call the
    /// same change compatible (filled by [`note_accepting_policies`]; empty
    /// otherwise).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub accepted_by: Vec<Policy>,
}

impl CompatReport {
    /// A report over `changes`, compatible when none breaks a reader `mode`
    /// protects.
    pub fn new(mode: CompatibilityMode, policy: Policy, changes: Vec<Change>) -> CompatReport {
        let compatible = !changes.iter().any(|c| breaks_under(c.breaks, mode));
        CompatReport {
            compatible,
            mode,
            policy,
            changes,
            accepted_by: Vec::new(),
        }
    }

    /// The changes that break a reader the mode protects.
    pub fn breaking(&self) -> impl Iterator<Item = &Change> {
        let mode = self.mode;
        self.changes
            .iter()
            .filter(move |c| breaks_under(c.breaks, mode))
    }

    /// The changes that break no reader the mode protects.
    pub fn others(&self) -> impl Iterator<Item = &Change> {
        let mode = self.mode;
        self.changes
            .iter()
            .filter(move |c| !breaks_under(c.breaks, mode))
    }
}

fn breaks_under(breaks: Breaks, mode: CompatibilityMode) -> bool {
    mode != CompatibilityMode::None && (mode.checks_backward() && breaks.backward)
        || (mode.checks_forward() && breaks.forward)
}

/// Every difference between `old` and `new`, each marked with the readers it
/// breaks (both directions are always evaluated).
pub fn diff(old: &Schema, new: &Schema, policy: Policy) -> Result<Vec<Change>, CompatError> {
    diff_within(old, new, policy, &SchemaLimits::default())
}

/// [`diff`] within the work budget of `limits`
/// ([`SchemaLimits::max_compat_work`]): past it, [`CompatError::Limit`]
/// instead of a list that would be incomplete.
pub fn diff_within(
    old: &Schema,
    new: &Schema,
    policy: Policy,
    limits: &SchemaLimits,
) -> Result<Vec<Change>, CompatError> {
    pair_changes(old, new, policy, Directions::BOTH, &limits.work())
}

/// Judges `candidate` against `history` (oldest first) under `mode`.
///
/// Only the reading directions the mode protects are evaluated. Against the
/// latest version every change is reported, breaking or not. Against older versions (transitive modes) only the
/// breaking changes in the directions the mode checks are kept, each tagged
/// with `against`, the index of that version in `history`.
pub fn check(
    candidate: &Schema,
    history: &[&Schema],
    mode: CompatibilityMode,
    policy: Policy,
) -> Result<CompatReport, CompatError> {
    check_within(candidate, history, mode, policy, &SchemaLimits::default())
}

/// [`check`] within the work budget of `limits`
/// ([`SchemaLimits::max_compat_work`], for the whole history): a check that
/// needs more answers [`CompatError::Limit`], never a verdict.
pub fn check_within(
    candidate: &Schema,
    history: &[&Schema],
    mode: CompatibilityMode,
    policy: Policy,
    limits: &SchemaLimits,
) -> Result<CompatReport, CompatError> {
    let work = limits.work();
    let mut report = CompatReport {
        compatible: true,
        mode,
        policy,
        changes: Vec::new(),
        accepted_by: Vec::new(),
    };
    let Some((latest_index, latest)) = history.len().checked_sub(1).map(|i| (i, history[i])) else {
        return Ok(report);
    };
    if mode == CompatibilityMode::None {
        return Ok(report);
    }
    let directions = Directions::of(mode);
    let mut changes = pair_changes(latest, candidate, policy, directions, &work)?;
    for change in &mut changes {
        change.against = Some(latest_index);
    }
    report.changes = changes;
    if mode.is_transitive() {
        for (index, old) in history[..latest_index].iter().enumerate().rev() {
            let found = pair_changes(old, candidate, policy, directions, &work)?;
            report.changes.extend(
                found
                    .into_iter()
                    .filter(|c| breaks_under(c.breaks, mode))
                    .map(|mut c| {
                        c.against = Some(index);
                        c
                    }),
            );
        }
    }
    report.compatible = !report.changes.iter().any(|c| breaks_under(c.breaks, mode));
    Ok(report)
}

/// For an incompatible `report` of [`check`] on `candidate` against
/// `history`, records in [`CompatReport::accepted_by`] the other policies
/// under which the same check is compatible (a strict refusal of a newly
/// required property with a default is accepted by `lenient` and by
/// `confluent`, the Confluent Schema Registry's verdict). Asked only on
/// refusals: it judges the change again under each other policy.
pub fn note_accepting_policies(
    report: &mut CompatReport,
    candidate: &Schema,
    history: &[&Schema],
) -> Result<(), CompatError> {
    note_accepting_policies_within(report, candidate, history, &SchemaLimits::default())
}

/// [`note_accepting_policies`] with each check within the work budget of
/// `limits`.
pub fn note_accepting_policies_within(
    report: &mut CompatReport,
    candidate: &Schema,
    history: &[&Schema],
    limits: &SchemaLimits,
) -> Result<(), CompatError> {
    report.accepted_by.clear();
    if report.compatible {
        return Ok(());
    }
    for policy in Policy::ALL {
        if policy != report.policy
            && check_within(candidate, history, report.mode, policy, limits)?.compatible
        {
            report.accepted_by.push(policy);
        }
    }
    Ok(())
}

fn pair_changes(
    old: &Schema,
    new: &Schema,
    policy: Policy,
    directions: Directions,
    work: &Work,
) -> Result<Vec<Change>, CompatError> {
    SchemaKind::changes(old.kind(), new.kind(), policy, directions, work)
}

/// Whether a consumer holding `reader` reads every document written with
/// `writer`, and if not, why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reading {
    /// True when no change breaks the reader.
    pub compatible: bool,
    /// The changes from `writer` to `reader` that break the reader, each
    /// with an example document where one was found: a document the writer
    /// accepts and the reader cannot read.
    pub changes: Vec<Change>,
}

/// Can a reader holding `reader` read data written with `writer`? The one
/// question a consumer asks of a producer's schema: the backward direction
/// of the diff with `writer` as the old schema and `reader` as the new one,
/// keeping only what breaks the reader, each breaking change with its
/// example (see [`attach_diff_examples`]).
pub fn reads(writer: &Schema, reader: &Schema, policy: Policy) -> Result<Reading, CompatError> {
    reads_within(writer, reader, policy, &SchemaLimits::default())
}

/// [`reads`] within the work budget of `limits`.
pub fn reads_within(
    writer: &Schema,
    reader: &Schema,
    policy: Policy,
    limits: &SchemaLimits,
) -> Result<Reading, CompatError> {
    let directions = Directions {
        backward: true,
        forward: false,
    };
    let mut changes: Vec<Change> =
        pair_changes(writer, reader, policy, directions, &limits.work())?
            .into_iter()
            .filter(|c| c.breaks.backward)
            .collect();
    attach_diff_examples(&mut changes, writer, reader);
    Ok(Reading {
        compatible: changes.is_empty(),
        changes,
    })
}

/// Fills in [`Change::example`] for every breaking change of `report`, the
/// verdict of [`check`] on `candidate` against `history`: a document that the
/// writer's schema accepts and the reader's rejects, checked against both.
///
/// For a change that breaks backward the writer is the version it was found
/// against (`history[against]`, the latest when unset) and the reader is
/// `candidate`; for a change that breaks only forward the roles are swapped.
/// Each validator is built once, however many changes use it. A change for
/// which no document is found keeps `example: None`. Protobuf examples are
/// messages in the JSON mapping, checked on the wire (see
/// [`crate::protobuf`]). Avro examples
/// are data in the Avro JSON encoding, checked against the writer's schema
/// and resolved against the reader's (see [`crate::avro::example`]).
pub fn attach_examples(report: &mut CompatReport, candidate: &Schema, history: &[&Schema]) {
    let mut schemas = history.to_vec();
    schemas.push(candidate);
    let examples = Examples::new(schemas.iter().map(|s| s.kind()).collect());
    let latest = history.len().checked_sub(1);
    for change in &mut report.changes {
        if let Some(against) = change.against.or(latest) {
            examples.attach(change, against, history.len());
        }
    }
}

/// [`attach_examples`] for the changes of [`diff`]`(old, new, ..)`: `old`
/// writes and `new` reads for backward breaks, and the reverse for breaks
/// that are forward only.
pub fn attach_diff_examples(changes: &mut [Change], old: &Schema, new: &Schema) {
    let examples = Examples::new(vec![old.kind(), new.kind()]);
    for change in changes {
        examples.attach(change, 0, 1);
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::payload::PayloadValidator;
    use crate::schema_type::SchemaType;

    fn json(text: &str) -> Schema {
        Schema::parse(SchemaType::Json, text, &crate::NoReferences).unwrap()
    }

    fn accepts(text: &str, document: &serde_json::Value) -> bool {
        PayloadValidator::new(Arc::new(json(text)), None)
            .unwrap()
            .is_valid(document)
    }

    /// A required property added with a default: refused under strict,
    /// accepted by `lenient` and by `confluent` (the peer's verdict), and the
    /// refusal names them. Adding `format` is Charter's own break, which the
    /// peer ignores.
    #[test]
    fn a_strict_refusal_names_the_policies_that_accept_it() {
        let v1 = json(
            r#"{"type":"object","properties":{"a":{"type":"string"}},"additionalProperties":false}"#,
        );
        let v2 = json(
            r#"{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"string","default":"x"}},"required":["b"],"additionalProperties":false}"#,
        );
        let mode = CompatibilityMode::Backward;
        let mut report = check(&v2, &[&v1], mode, Policy::Strict).unwrap();
        assert!(!report.compatible);
        note_accepting_policies(&mut report, &v2, &[&v1]).unwrap();
        assert_eq!(report.accepted_by, [Policy::Lenient, Policy::Confluent]);
        let mut confluent = check(&v2, &[&v1], mode, Policy::Confluent).unwrap();
        assert!(confluent.compatible);
        note_accepting_policies(&mut confluent, &v2, &[&v1]).unwrap();
        assert!(confluent.accepted_by.is_empty());

        let v3 = json(
            r#"{"type":"object","properties":{"a":{"type":"string","format":"uuid"}},"additionalProperties":false}"#,
        );
        let mut report = check(&v3, &[&v1], mode, Policy::Strict).unwrap();
        note_accepting_policies(&mut report, &v3, &[&v1]).unwrap();
        assert_eq!(report.accepted_by, [Policy::Confluent]);
        let broken = check(&v1, &[&v2], mode, Policy::Confluent).unwrap();
        assert!(
            !broken.compatible,
            "removing a property from a closed model breaks"
        );
    }

    #[test]
    fn breaking_and_other_changes_split_the_report_by_mode() {
        let v1 = json(r#"{"type":"object","properties":{"a":{"type":"string","maxLength":10}}}"#);
        let v2 = json(r#"{"type":"object","properties":{"a":{"type":"string","maxLength":20}}}"#);
        let kinds = |mode| {
            let report = check(&v2, &[&v1], mode, Policy::Strict).unwrap();
            let names = |it: &mut dyn Iterator<Item = &Change>| -> Vec<&str> {
                it.map(|c| c.kind.name()).collect()
            };
            (names(&mut report.breaking()), names(&mut report.others()))
        };
        // A raised maxLength breaks old readers only: FORWARD refuses it.
        assert_eq!(
            kinds(CompatibilityMode::Backward),
            (vec![], vec!["MAX_LENGTH_INCREASED"])
        );
        assert_eq!(
            kinds(CompatibilityMode::Forward),
            (vec!["MAX_LENGTH_INCREASED"], vec![])
        );
    }

    #[test]
    fn examples_are_attached_in_the_direction_that_breaks() {
        let old = r#"{"type":"object","properties":{"a":{"type":"string","maxLength":10}}}"#;
        let new = r#"{"type":"object","properties":{"a":{"type":"string","maxLength":5}}}"#;
        let (v1, v2) = (json(old), json(new));
        let mut report = check(&v2, &[&v1], CompatibilityMode::Full, Policy::Strict).unwrap();
        attach_examples(&mut report, &v2, &[&v1]);
        let change = report.breaking().next().unwrap();
        let example = change.example.clone().unwrap();
        assert!(accepts(old, &example), "{example}");
        assert!(!accepts(new, &example), "{example}");

        // Forward only: the new schema writes, the old one reads.
        let mut changes = diff(&v2, &v1, Policy::Strict).unwrap();
        attach_diff_examples(&mut changes, &v2, &v1);
        let change = changes.iter().find(|c| c.is_breaking()).unwrap();
        assert!(
            !change.breaks.backward && change.breaks.forward,
            "{change:?}"
        );
        let example = change.example.clone().unwrap();
        assert!(accepts(old, &example), "{example}");
        assert!(!accepts(new, &example), "{example}");
        assert!(
            changes
                .iter()
                .all(|c| c.is_breaking() || c.example.is_none())
        );
    }

    #[test]
    fn transitive_examples_use_the_version_they_were_found_against() {
        let v1 = json(r#"{"type":"object","properties":{"a":{"enum":["x","y","z"]}}}"#);
        let v2 = json(r#"{"type":"object","properties":{"a":{"enum":["x","y"]}}}"#);
        let v3 = json(r#"{"type":"object","properties":{"a":{"enum":["x","y"]}}}"#);
        let mut report = check(
            &v3,
            &[&v1, &v2],
            CompatibilityMode::BackwardTransitive,
            Policy::Strict,
        )
        .unwrap();
        attach_examples(&mut report, &v3, &[&v1, &v2]);
        let change = report.breaking().next().unwrap();
        assert_eq!(change.against, Some(0));
        assert_eq!(change.example, Some(serde_json::json!({"a": "z"})));
    }

    /// The scenario of consumers in the registry: `reader` uses
    /// `warehouseId`, `other` does not; `v2` of the producer drops it, which
    /// breaks `reader` and not `other`.
    fn check_reads(schema_type: SchemaType, v1: &str, v2: &str, reader: &str, other: &str) {
        let parse = |text: &str| Schema::parse(schema_type, text, &crate::NoReferences).unwrap();
        let (v1, v2, reader, other) = (parse(v1), parse(v2), parse(reader), parse(other));
        let ok = reads(&v1, &reader, Policy::Strict).unwrap();
        assert!(ok.compatible, "{ok:?}");
        assert!(ok.changes.is_empty());
        let broken = reads(&v2, &reader, Policy::Strict).unwrap();
        assert!(!broken.compatible);
        assert!(!broken.changes.is_empty());
        for change in &broken.changes {
            assert!(
                change.breaks.backward && !change.breaks.forward,
                "{change:?}"
            );
            assert!(change.example.is_some(), "no example for {change:?}");
        }
        let fine = reads(&v2, &other, Policy::Strict).unwrap();
        assert!(fine.compatible, "{fine:?}");
    }

    #[test]
    fn a_json_reader_that_needs_a_field_the_writer_dropped_cannot_read() {
        let v1 = r#"{"type":"object","properties":{"sku":{"type":"string"},"warehouseId":{"type":"string"}},"required":["sku","warehouseId"]}"#;
        let v2 = r#"{"type":"object","properties":{"sku":{"type":"string"}},"required":["sku"]}"#;
        let other =
            r#"{"type":"object","properties":{"sku":{"type":"string"}},"required":["sku"]}"#;
        check_reads(SchemaType::Json, v1, v2, v1, other);
        let broken = reads(&json(v2), &json(v1), Policy::Strict).unwrap();
        for change in &broken.changes {
            let example = change.example.clone().unwrap();
            assert!(accepts(v2, &example), "{example}");
            assert!(!accepts(v1, &example), "{example}");
        }
    }

    #[test]
    fn an_avro_reader_with_a_field_without_default_cannot_read_a_writer_without_it() {
        let v1 = r#"{"type":"record","name":"InventoryReserved","fields":[{"name":"sku","type":"string"},{"name":"warehouseId","type":"string"}]}"#;
        let v2 = r#"{"type":"record","name":"InventoryReserved","fields":[{"name":"sku","type":"string"}]}"#;
        check_reads(SchemaType::Avro, v1, v2, v1, v2);
    }

    #[test]
    fn a_protobuf_reader_requiring_a_field_cannot_read_a_writer_without_it() {
        let v1 = "syntax = \"proto2\";\nmessage InventoryReserved {\n  required string sku = 1;\n  required string warehouse_id = 2;\n}\n";
        let v2 =
            "syntax = \"proto2\";\nmessage InventoryReserved {\n  required string sku = 1;\n}\n";
        check_reads(SchemaType::Protobuf, v1, v2, v1, v2);
    }
}
