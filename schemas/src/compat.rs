//! Compatibility modes, strictness policies, and the verdict over a history.
//!
//! Every format answers one question, "can a reader holding schema R read
//! every document written with schema W?", as a list of [`Change`]s. The modes
//! are built from it: BACKWARD asks it with R = the new schema and W = each
//! checked old one, FORWARD with the roles swapped, FULL both; the transitive
//! forms check every earlier version instead of only the latest.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;
use serde_json::Value;

use crate::change::{Breaks, Change};
use crate::json;
use crate::schema::{Schema, SchemaKind};
use crate::schema_type::SchemaType;

/// A subject's compatibility mode (`compatibilityLevel` in the Confluent API).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
#[serde(into = "&'static str")]
pub enum CompatibilityMode {
    /// The new schema reads data written with the latest version.
    #[default]
    Backward,
    /// The new schema reads data written with every earlier version.
    BackwardTransitive,
    /// The latest version reads data written with the new schema.
    Forward,
    /// Every earlier version reads data written with the new schema.
    ForwardTransitive,
    /// Backward and forward against the latest version.
    Full,
    /// Backward and forward against every earlier version.
    FullTransitive,
    /// No check.
    None,
}

impl CompatibilityMode {
    /// Every mode, in the order the Confluent documentation lists them.
    pub const ALL: [CompatibilityMode; 7] = [
        CompatibilityMode::Backward,
        CompatibilityMode::BackwardTransitive,
        CompatibilityMode::Forward,
        CompatibilityMode::ForwardTransitive,
        CompatibilityMode::Full,
        CompatibilityMode::FullTransitive,
        CompatibilityMode::None,
    ];

    /// The upper-case wire name, e.g. `BACKWARD_TRANSITIVE`.
    pub fn as_str(self) -> &'static str {
        match self {
            CompatibilityMode::Backward => "BACKWARD",
            CompatibilityMode::BackwardTransitive => "BACKWARD_TRANSITIVE",
            CompatibilityMode::Forward => "FORWARD",
            CompatibilityMode::ForwardTransitive => "FORWARD_TRANSITIVE",
            CompatibilityMode::Full => "FULL",
            CompatibilityMode::FullTransitive => "FULL_TRANSITIVE",
            CompatibilityMode::None => "NONE",
        }
    }

    /// Whether new readers must read old data.
    pub fn checks_backward(self) -> bool {
        matches!(
            self,
            Self::Backward | Self::BackwardTransitive | Self::Full | Self::FullTransitive
        )
    }

    /// Whether old readers must read new data.
    pub fn checks_forward(self) -> bool {
        matches!(
            self,
            Self::Forward | Self::ForwardTransitive | Self::Full | Self::FullTransitive
        )
    }

    /// Whether every earlier version is checked, not only the latest.
    pub fn is_transitive(self) -> bool {
        matches!(
            self,
            Self::BackwardTransitive | Self::ForwardTransitive | Self::FullTransitive
        )
    }
}

impl From<CompatibilityMode> for &'static str {
    fn from(mode: CompatibilityMode) -> Self {
        mode.as_str()
    }
}

impl fmt::Display for CompatibilityMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The error for a mode name that is not one of the seven.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown compatibility mode `{0}`: expected one of BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL, FULL_TRANSITIVE, NONE"
)]
pub struct UnknownMode(pub String);

impl FromStr for CompatibilityMode {
    type Err = UnknownMode;

    /// Accepts the names in any case, with `-` or `_`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_ascii_uppercase().replace('-', "_");
        Self::ALL
            .into_iter()
            .find(|m| m.as_str() == wanted)
            .ok_or_else(|| UnknownMode(s.to_string()))
    }
}

/// How much a verdict trusts producers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Policy {
    /// Only what the schemas guarantee counts (the default, and the peer's
    /// default). Adding a typed property to an open content model breaks,
    /// because old data may carry that name with another type.
    #[default]
    Strict,
    /// The peer's LENIENT policy: producers are trusted never to have sent
    /// properties their schema did not declare, and readers to fill defaults.
    Lenient,
}

impl Policy {
    /// The lower-case name used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Policy::Strict => "strict",
            Policy::Lenient => "lenient",
        }
    }
}

impl fmt::Display for Policy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The error for a policy name other than `strict` or `lenient`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown policy `{0}`: expected strict or lenient")]
pub struct UnknownPolicy(pub String);

impl FromStr for Policy {
    type Err = UnknownPolicy;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "strict" => Ok(Policy::Strict),
            "lenient" => Ok(Policy::Lenient),
            _ => Err(UnknownPolicy(s.to_string())),
        }
    }
}

/// Why a compatibility question could not be answered (as opposed to being
/// answered "incompatible", which is a [`CompatReport`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CompatError {
    /// Judging this format is not supported yet.
    #[error("compatibility checks for {0} schemas are not supported yet")]
    Unsupported(SchemaType),
    /// The schemas nest or reference each other too deeply to compare.
    #[error("the schemas are too deeply nested to compare (more than {limit} levels at {path})")]
    TooDeep {
        /// The nesting limit.
        limit: usize,
        /// Where the limit was reached.
        path: String,
    },
}

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
        }
    }

    /// The changes that break a reader the mode protects.
    pub fn breaking(&self) -> impl Iterator<Item = &Change> {
        let mode = self.mode;
        self.changes
            .iter()
            .filter(move |c| breaks_under(c.breaks, mode))
    }
}

fn breaks_under(breaks: Breaks, mode: CompatibilityMode) -> bool {
    mode != CompatibilityMode::None && (mode.checks_backward() && breaks.backward)
        || (mode.checks_forward() && breaks.forward)
}

/// Which reading directions to evaluate for one pair.
#[derive(Debug, Clone, Copy)]
struct Directions {
    backward: bool,
    forward: bool,
}

/// Every difference between `old` and `new`, each marked with the readers it
/// breaks (both directions are always evaluated).
pub fn diff(old: &Schema, new: &Schema, policy: Policy) -> Result<Vec<Change>, CompatError> {
    pair_changes(
        old,
        new,
        policy,
        Directions {
            backward: true,
            forward: true,
        },
    )
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
    let mut report = CompatReport {
        compatible: true,
        mode,
        policy,
        changes: Vec::new(),
    };
    let Some((latest_index, latest)) = history.len().checked_sub(1).map(|i| (i, history[i])) else {
        return Ok(report);
    };
    if mode == CompatibilityMode::None {
        return Ok(report);
    }
    let directions = Directions {
        backward: mode.checks_backward(),
        forward: mode.checks_forward(),
    };
    let mut changes = pair_changes(latest, candidate, policy, directions)?;
    for change in &mut changes {
        change.against = Some(latest_index);
    }
    report.changes = changes;
    if mode.is_transitive() {
        for (index, old) in history[..latest_index].iter().enumerate().rev() {
            let found = pair_changes(old, candidate, policy, directions)?;
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

fn pair_changes(
    old: &Schema,
    new: &Schema,
    policy: Policy,
    directions: Directions,
) -> Result<Vec<Change>, CompatError> {
    if old.schema_type() != new.schema_type() {
        return Ok(vec![schema_type_change(
            old.schema_type(),
            new.schema_type(),
        )]);
    }
    match (old.kind(), new.kind()) {
        (SchemaKind::Json(o), SchemaKind::Json(n)) => {
            json::diff::changes(o, n, policy, directions.backward, directions.forward)
        }
        (SchemaKind::Protobuf(o), SchemaKind::Protobuf(n)) => Ok(crate::protobuf::diff::changes(
            o,
            n,
            directions.backward,
            directions.forward,
        )),
        (SchemaKind::Avro(o), SchemaKind::Avro(n)) => Ok(crate::avro::changes(
            o,
            n,
            policy,
            directions.backward,
            directions.forward,
        )),
        _ => Err(CompatError::Unsupported(new.schema_type())),
    }
}

fn schema_type_change(old: SchemaType, new: SchemaType) -> Change {
    Change {
        kind: crate::ChangeKind::SchemaTypeChanged,
        path: "#/".to_string(),
        old: Some(old.as_str().into()),
        new: Some(new.as_str().into()),
        breaks: Breaks {
            backward: true,
            forward: true,
        },
        message: format!(
            "the schema type changed from {old} to {new} — no reader of one format can read the other"
        ),
        example: None,
        against: None,
    }
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
    let probes = Probes::new(schemas);
    let latest = history.len().checked_sub(1);
    for change in &mut report.changes {
        if let Some(against) = change.against.or(latest) {
            probes.attach(change, against, history.len());
        }
    }
}

/// [`attach_examples`] for the changes of [`diff`]`(old, new, ..)`: `old`
/// writes and `new` reads for backward breaks, and the reverse for breaks
/// that are forward only.
pub fn attach_diff_examples(changes: &mut [Change], old: &Schema, new: &Schema) {
    let probes = Probes::new(vec![old, new]);
    for change in changes {
        probes.attach(change, 0, 1);
    }
}

/// The validators of a list of schemas, each built on first use, and the
/// whole-document counterexample of each (writer, reader) pair, searched for
/// once.
struct Probes<'s> {
    schemas: Vec<&'s Schema>,
    built: Vec<std::cell::OnceCell<Option<json::example::Probe<'s>>>>,
    anywhere: std::cell::RefCell<std::collections::HashMap<(usize, usize), Option<Value>>>,
}

impl<'s> Probes<'s> {
    fn new(schemas: Vec<&'s Schema>) -> Self {
        let built = schemas.iter().map(|_| std::cell::OnceCell::new()).collect();
        Probes {
            schemas,
            built,
            anywhere: Default::default(),
        }
    }

    fn get(&self, index: usize) -> Option<&json::example::Probe<'s>> {
        let schema = *self.schemas.get(index)?;
        self.built[index]
            .get_or_init(|| {
                schema
                    .as_json()
                    .and_then(|s| json::example::Probe::new(s).ok())
            })
            .as_ref()
    }

    /// Sets the example of `change`, found between schemas `old` and `new`.
    fn attach(&self, change: &mut Change, old: usize, new: usize) {
        if let (Some(o), Some(n)) = (
            self.schemas.get(old).and_then(|s| s.as_avro()),
            self.schemas.get(new).and_then(|s| s.as_avro()),
        ) {
            let (writer, reader) = match (change.breaks.backward, change.breaks.forward) {
                (true, _) => (o, n),
                (false, true) => (n, o),
                (false, false) => return,
            };
            change.example = crate::avro::example::find(writer, reader, &change.path);
            return;
        }
        if let (Some(o), Some(n)) = (
            self.schemas.get(old).and_then(|s| s.as_protobuf()),
            self.schemas.get(new).and_then(|s| s.as_protobuf()),
        ) {
            change.example = crate::protobuf::example::example(change, o, n);
            return;
        }
        let (writer, reader) = match (change.breaks.backward, change.breaks.forward) {
            (true, _) => (old, new),
            (false, true) => (new, old),
            (false, false) => return,
        };
        let (Some(w), Some(r)) = (self.get(writer), self.get(reader)) else {
            return;
        };
        change.example = json::example::example_at(w, r, &change.path, change.kind).or_else(|| {
            self.anywhere
                .borrow_mut()
                .entry((writer, reader))
                .or_insert_with(|| json::example::counterexample(w, r))
                .clone()
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes_parse_in_any_case() {
        assert_eq!(
            "backward_transitive".parse::<CompatibilityMode>().unwrap(),
            CompatibilityMode::BackwardTransitive
        );
        assert_eq!(
            "FULL".parse::<CompatibilityMode>().unwrap(),
            CompatibilityMode::Full
        );
        let err = "sideways".parse::<CompatibilityMode>().unwrap_err();
        assert!(err.to_string().contains("sideways"));
    }

    fn json(text: &str) -> Schema {
        Schema::parse(SchemaType::Json, text, &crate::NoReferences).unwrap()
    }

    #[test]
    fn examples_are_attached_in_the_direction_that_breaks() {
        let v1 = json(r#"{"type":"object","properties":{"a":{"type":"string","maxLength":10}}}"#);
        let v2 = json(r#"{"type":"object","properties":{"a":{"type":"string","maxLength":5}}}"#);
        let mut report = check(&v2, &[&v1], CompatibilityMode::Full, Policy::Strict).unwrap();
        attach_examples(&mut report, &v2, &[&v1]);
        let change = report.breaking().next().unwrap();
        let example = change.example.clone().unwrap();
        let (old, new) = (v1.as_json().unwrap(), v2.as_json().unwrap());
        assert!(old.validator().unwrap().is_valid(&example), "{example}");
        assert!(!new.validator().unwrap().is_valid(&example), "{example}");

        // Forward only: the new schema writes, the old one reads.
        let mut changes = diff(&v2, &v1, Policy::Strict).unwrap();
        attach_diff_examples(&mut changes, &v2, &v1);
        let change = changes.iter().find(|c| c.is_breaking()).unwrap();
        assert!(
            !change.breaks.backward && change.breaks.forward,
            "{change:?}"
        );
        let example = change.example.clone().unwrap();
        assert!(old.validator().unwrap().is_valid(&example), "{example}");
        assert!(!new.validator().unwrap().is_valid(&example), "{example}");
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

    #[test]
    fn policies_parse() {
        assert_eq!("LENIENT".parse::<Policy>().unwrap(), Policy::Lenient);
        assert!("loose".parse::<Policy>().is_err());
    }
}
