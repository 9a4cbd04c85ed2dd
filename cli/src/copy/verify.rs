//! After a copy, both registries read again and compared: every subject
//! version (id, soft deletion, schema), every id by id, each subject's
//! config and mode, and the global ones when they were copied.

use std::fmt;

use super::content::same;
use super::read::{Selection, read};
use super::{Progress, Snapshot, parallel};
use crate::client::{Client, Error, ExportedVersion, SchemaById};

/// One way the target differs from the source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Difference {
    /// A subject version the target lacks.
    Missing(String, i32),
    /// A subject version only the target has.
    Extra(String, i32),
    /// A subject version with another id in the target.
    Id(String, i32, i64, i64),
    /// A subject version soft-deleted on one side only (`true`: in the
    /// source).
    Deleted(String, i32, bool),
    /// A subject version whose schema differs.
    Schema(String, i32),
    /// An id the target does not serve.
    IdMissing(i64),
    /// An id the target serves with another schema.
    IdContent(i64),
    /// A config that differs (`None`: the registry's).
    Config(Option<String>),
    /// A mode that differs, with the source's and the target's.
    Mode(Option<String>, Option<String>, Option<String>),
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scope = |s: &Option<String>| match s {
            Some(s) => format!("subject '{s}'"),
            None => "the registry".to_string(),
        };
        let mode = |m: &Option<String>| m.clone().unwrap_or_else(|| "none of its own".into());
        match self {
            Difference::Missing(s, v) => {
                write!(f, "subject '{s}' version {v} is missing from the target")
            }
            Difference::Extra(s, v) => write!(f, "subject '{s}' version {v} is only in the target"),
            Difference::Id(s, v, a, b) => {
                write!(
                    f,
                    "subject '{s}' version {v} is id {a} in the source, id {b} in the target"
                )
            }
            Difference::Deleted(s, v, in_source) => write!(
                f,
                "subject '{s}' version {v} is soft-deleted in the {} only",
                if *in_source { "source" } else { "target" }
            ),
            Difference::Schema(s, v) => write!(
                f,
                "subject '{s}' version {v} holds another schema in the target"
            ),
            Difference::IdMissing(id) => write!(f, "id {id} is not served by the target"),
            Difference::IdContent(id) => write!(f, "id {id} is another schema in the target"),
            Difference::Config(s) => write!(f, "the config of {} differs", scope(s)),
            Difference::Mode(s, a, b) => write!(
                f,
                "the mode of {} is {} in the source, {} in the target",
                scope(s),
                mode(a),
                mode(b)
            ),
        }
    }
}

/// What a verification compared, and what differed.
#[derive(Debug, Default)]
pub struct Verification {
    /// Subject versions compared.
    pub versions: usize,
    /// Ids compared.
    pub ids: usize,
    /// Subjects whose config and mode were compared.
    pub subjects: usize,
    /// The differences.
    pub differences: Vec<Difference>,
}

/// Reads both registries again (the source as `prefix` selects it) and
/// compares them.
pub fn verify(
    source: &Client,
    target: &Client,
    prefix: Option<&str>,
    jobs: usize,
    progress: &Progress,
) -> Result<Verification, Error> {
    let global = prefix.is_none();
    let there = read(source, Selection::Prefix(prefix), global, jobs, progress)?;
    let names: Vec<String> = there.subjects.keys().cloned().collect();
    let here = read(target, Selection::Names(&names), global, jobs, progress)?;
    let mut verification = compare(&there, &here, global);
    let ids: Vec<(i64, &ExportedVersion)> = there
        .ids()
        .into_iter()
        .map(|(id, held)| (id, &held.version))
        .collect();
    progress.phase("reading ids back", ids.len());
    let served = parallel(jobs, &ids, progress, |(id, _)| {
        Ok::<_, Error>((source.schema_if_any(*id)?, target.schema_if_any(*id)?))
    })?;
    for ((id, held), (a, b)) in ids.iter().zip(served) {
        verification.ids += 1;
        let as_version = |s: SchemaById| ExportedVersion {
            schema_type: s.schema_type,
            references: s.references,
            schema: s.schema,
            ..(*held).clone()
        };
        match (a.map(as_version), b.map(as_version)) {
            (_, None) => verification.differences.push(Difference::IdMissing(*id)),
            (Some(a), Some(b)) if !same(&there, &a, &here, &b) => {
                verification.differences.push(Difference::IdContent(*id));
            }
            _ => {}
        }
    }
    Ok(verification)
}

/// The differences between two snapshots' subjects (and global settings).
fn compare(there: &Snapshot, here: &Snapshot, global: bool) -> Verification {
    let mut out = Verification::default();
    let empty = super::SubjectState::default();
    for (name, a) in &there.subjects {
        let b = here.subjects.get(name).unwrap_or(&empty);
        out.subjects += 1;
        for (number, held) in &a.versions {
            out.versions += 1;
            let Some(copy) = b.versions.get(number) else {
                out.differences
                    .push(Difference::Missing(name.clone(), *number));
                continue;
            };
            if copy.version.id != held.version.id {
                out.differences.push(Difference::Id(
                    name.clone(),
                    *number,
                    held.version.id,
                    copy.version.id,
                ));
            } else if !same(there, &held.version, here, &copy.version) {
                out.differences
                    .push(Difference::Schema(name.clone(), *number));
            }
            if copy.deleted != held.deleted {
                out.differences
                    .push(Difference::Deleted(name.clone(), *number, held.deleted));
            }
        }
        for number in b.versions.keys().filter(|n| !a.versions.contains_key(n)) {
            out.differences
                .push(Difference::Extra(name.clone(), *number));
        }
        let subject = Some(name.clone());
        if !configs_agree(a.config.as_ref(), b.config.as_ref()) {
            out.differences.push(Difference::Config(subject.clone()));
        }
        if a.mode != b.mode {
            out.differences
                .push(Difference::Mode(subject, a.mode.clone(), b.mode.clone()));
        }
    }
    if global {
        if !configs_agree(there.config.as_ref(), here.config.as_ref()) {
            out.differences.push(Difference::Config(None));
        }
        if there.mode.is_some() && there.mode != here.mode {
            out.differences.push(Difference::Mode(
                None,
                there.mode.clone(),
                here.mode.clone(),
            ));
        }
    }
    out
}

/// The target's config agrees when it has every setting the source's has
/// (or neither has one).
fn configs_agree(
    source: Option<&crate::client::ScopeConfig>,
    target: Option<&crate::client::ScopeConfig>,
) -> bool {
    match (source, target) {
        (None, None) => true,
        (Some(a), Some(b)) => a.is_within(b),
        _ => false,
    }
}
