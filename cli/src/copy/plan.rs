//! What a copy must write, decided from complete reads of both registries
//! before anything is written, and what stops it: an id or a subject
//! version the target holds with other content, a schema the target would
//! give another id, a version the target soft-deleted, a schema Charter
//! cannot read.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;

use super::content::{Content, content, same};
use super::{Held, Snapshot};
use crate::client::{ExportedVersion, ScopeConfig};

/// One version to register, and whether to soft-delete it at once (before
/// anything referencing it is registered).
#[derive(Debug, Clone, PartialEq)]
pub struct Task {
    /// The version, with its id.
    pub version: ExportedVersion,
    /// Soft-deleted in the source.
    pub delete: bool,
}

/// A setting to give the target: a config or mode, of a subject or (no
/// subject) the registry; `None` removes a subject's own.
#[derive(Debug, Clone, PartialEq)]
pub enum Setting {
    /// A config.
    Config(Option<String>, Option<ScopeConfig>),
    /// A mode.
    Mode(Option<String>, Option<String>),
}

/// Why a copy cannot be made without overwriting what the target holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Conflict {
    /// The target holds the subject version with another id.
    VersionTaken {
        /// The subject.
        subject: String,
        /// The version.
        version: i32,
        /// Its id in the source.
        source_id: i64,
        /// Its id in the target.
        target_id: i64,
    },
    /// The target holds the id with other content.
    IdTaken {
        /// The id.
        id: i64,
        /// A source version holding it.
        source: (String, i32),
        /// A target version holding it.
        target: (String, i32),
    },
    /// The target, or the source under another id, already has this
    /// schema, and Charter gives one schema one id.
    ContentTaken {
        /// A version holding the schema.
        subject: String,
        /// Its number.
        version: i32,
        /// Its id.
        id: i64,
        /// The id the same schema has.
        existing: i64,
    },
    /// Live in the source, soft-deleted in the target.
    DeletedInTarget {
        /// The subject.
        subject: String,
        /// The version.
        version: i32,
    },
    /// Charter cannot parse the schema.
    Unreadable {
        /// The subject.
        subject: String,
        /// The version.
        version: i32,
        /// Its id.
        id: i64,
        /// The parser's reason.
        reason: String,
    },
}

impl fmt::Display for Conflict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Conflict::VersionTaken {
                subject,
                version,
                source_id,
                target_id,
            } => write!(
                f,
                "subject '{subject}' version {version} is id {source_id} in the source but id {target_id} in the target"
            ),
            Conflict::IdTaken { id, source, target } => write!(
                f,
                "id {id} is subject '{}' version {} in the source, but the target holds another schema under it (subject '{}' version {})",
                source.0, source.1, target.0, target.1
            ),
            Conflict::ContentTaken {
                subject,
                version,
                id,
                existing,
            } => write!(
                f,
                "subject '{subject}' version {version} (id {id}): the same schema already has id {existing}, and Charter gives one schema one id"
            ),
            Conflict::DeletedInTarget { subject, version } => write!(
                f,
                "subject '{subject}' version {version} is live in the source but soft-deleted in the target (a soft delete cannot be undone)"
            ),
            Conflict::Unreadable {
                subject,
                version,
                id,
                reason,
            } => write!(
                f,
                "subject '{subject}' version {version} (id {id}) cannot be read by Charter: {reason}"
            ),
        }
    }
}

/// What a copy writes, in order.
#[derive(Debug, Default)]
pub struct Plan {
    /// Versions to register, level by level: each only after every version
    /// of the levels before (those it references, its subject's earlier
    /// ones).
    pub levels: Vec<Vec<Task>>,
    /// Versions the target holds live that the source soft-deleted.
    pub deletions: Vec<(String, i32)>,
    /// Subjects put in IMPORT mode for the writes, by name.
    pub importing: Vec<String>,
    /// Configs and modes to set afterwards: subjects', then the global ones.
    pub settings: Vec<Setting>,
    /// Why the copy must not start.
    pub conflicts: Vec<Conflict>,
    /// Versions the target already holds as the source does.
    pub present: usize,
}

impl Plan {
    /// The plan to make `target` hold what `source` holds; the global
    /// config and mode too when `global`.
    pub fn make(source: &Snapshot, target: &Snapshot, global: bool) -> Plan {
        let mut plan = Plan::default();
        let mut tasks: Vec<Task> = Vec::new();
        for held in source.held() {
            let v = &held.version;
            match target.version(&v.subject, v.version) {
                None => tasks.push(Task {
                    version: v.clone(),
                    delete: held.deleted,
                }),
                Some(there) if there.version.id != v.id => {
                    plan.conflicts.push(Conflict::VersionTaken {
                        subject: v.subject.clone(),
                        version: v.version,
                        source_id: v.id,
                        target_id: there.version.id,
                    });
                }
                Some(there) => match (held.deleted, there.deleted) {
                    (false, true) => plan.conflicts.push(Conflict::DeletedInTarget {
                        subject: v.subject.clone(),
                        version: v.version,
                    }),
                    (true, false) => plan.deletions.push((v.subject.clone(), v.version)),
                    _ => plan.present += 1,
                },
            }
        }
        let target_ids = target.ids();
        for (id, held) in source.ids() {
            if let Some(there) = target_ids.get(&id) {
                if !same(source, &held.version, target, &there.version) {
                    plan.conflicts.push(Conflict::IdTaken {
                        id,
                        source: (held.version.subject.clone(), held.version.version),
                        target: (there.version.subject.clone(), there.version.version),
                    });
                }
            }
        }
        if !tasks.is_empty() {
            plan.conflicts
                .extend(content_conflicts(source, target, &tasks, &target_ids));
        }
        let mut importing: BTreeSet<String> =
            tasks.iter().map(|t| t.version.subject.clone()).collect();
        importing.extend(plan.deletions.iter().map(|(s, _)| s.clone()));
        plan.settings = settings(source, target, &importing, global);
        plan.importing = importing.into_iter().collect();
        plan.levels = levels(tasks);
        plan
    }

    /// How many versions the plan registers.
    pub fn registrations(&self) -> usize {
        self.levels.iter().map(Vec::len).sum()
    }

    /// Whether the plan writes nothing.
    pub fn is_empty(&self) -> bool {
        self.levels.is_empty() && self.deletions.is_empty() && self.settings.is_empty()
    }
}

/// Schemas Charter cannot read, and schemas that would get a second id.
fn content_conflicts(
    source: &Snapshot,
    target: &Snapshot,
    tasks: &[Task],
    target_ids: &BTreeMap<i64, &Held>,
) -> Vec<Conflict> {
    let mut conflicts = Vec::new();
    let mut ids: HashMap<Content, i64> = HashMap::new();
    for (id, held) in target_ids {
        if let Ok(found) = content(target, &held.version) {
            ids.insert(found, *id);
        }
    }
    let mut seen = BTreeSet::new();
    for task in tasks {
        let v = &task.version;
        if target_ids.contains_key(&v.id) || !seen.insert(v.id) {
            continue;
        }
        match content(source, v) {
            Err(reason) => conflicts.push(Conflict::Unreadable {
                subject: v.subject.clone(),
                version: v.version,
                id: v.id,
                reason,
            }),
            Ok(found) => {
                if let Some(existing) = ids.get(&found).filter(|e| **e != v.id) {
                    conflicts.push(Conflict::ContentTaken {
                        subject: v.subject.clone(),
                        version: v.version,
                        id: v.id,
                        existing: *existing,
                    });
                } else {
                    ids.insert(found, v.id);
                }
            }
        }
    }
    conflicts
}

/// The configs and modes that make the target's the source's. Subjects put
/// in IMPORT mode always get their mode back.
fn settings(
    source: &Snapshot,
    target: &Snapshot,
    importing: &BTreeSet<String>,
    global: bool,
) -> Vec<Setting> {
    let mut settings = Vec::new();
    let empty = super::SubjectState::default();
    for (name, wanted) in &source.subjects {
        let there = target.subjects.get(name).unwrap_or(&empty);
        let subject = Some(name.clone());
        match (&wanted.config, &there.config) {
            (None, Some(_)) => settings.push(Setting::Config(subject.clone(), None)),
            (Some(c), had) if had.as_ref().is_none_or(|had| !c.is_within(had)) => {
                settings.push(Setting::Config(subject.clone(), Some(c.clone())));
            }
            _ => {}
        }
        if importing.contains(name) || wanted.mode != there.mode {
            settings.push(Setting::Mode(subject, wanted.mode.clone()));
        }
    }
    if global {
        if let Some(c) = &source.config {
            if target.config.as_ref().is_none_or(|had| !c.is_within(had)) {
                settings.push(Setting::Config(None, Some(c.clone())));
            }
        }
        if source.mode.is_some() && source.mode != target.mode {
            settings.push(Setting::Mode(None, source.mode.clone()));
        }
    }
    settings
}

/// The tasks in levels: a version after its subject's earlier ones and
/// after the versions it references (Kahn's algorithm). Tasks left in a
/// cycle, which no registry can hold, go last, for the target to refuse.
fn levels(tasks: Vec<Task>) -> Vec<Vec<Task>> {
    let index: HashMap<(String, i32), usize> = tasks
        .iter()
        .enumerate()
        .map(|(i, t)| ((t.version.subject.clone(), t.version.version), i))
        .collect();
    let mut waiting = vec![0usize; tasks.len()];
    let mut dependents: Vec<Vec<usize>> = vec![Vec::new(); tasks.len()];
    let mut previous: HashMap<&str, usize> = HashMap::new();
    for (i, task) in tasks.iter().enumerate() {
        let v = &task.version;
        let mut deps: BTreeSet<usize> = v
            .references
            .iter()
            .filter_map(|r| index.get(&(r.subject.clone(), r.version)).copied())
            .collect();
        // Tasks come in subject and version order.
        if let Some(before) = previous.insert(v.subject.as_str(), i) {
            deps.insert(before);
        }
        deps.remove(&i);
        waiting[i] = deps.len();
        for dep in deps {
            dependents[dep].push(i);
        }
    }
    let mut ready: Vec<usize> = (0..tasks.len()).filter(|i| waiting[*i] == 0).collect();
    let mut order: Vec<Vec<usize>> = Vec::new();
    let mut placed = vec![false; tasks.len()];
    while !ready.is_empty() {
        let mut next = Vec::new();
        for &i in &ready {
            placed[i] = true;
            for &d in &dependents[i] {
                waiting[d] -= 1;
                if waiting[d] == 0 {
                    next.push(d);
                }
            }
        }
        next.sort_unstable();
        order.push(std::mem::replace(&mut ready, next));
    }
    let stuck: Vec<usize> = (0..tasks.len()).filter(|i| !placed[*i]).collect();
    if !stuck.is_empty() {
        order.push(stuck);
    }
    let mut slots: Vec<Option<Task>> = tasks.into_iter().map(Some).collect();
    order
        .into_iter()
        .map(|level| level.into_iter().filter_map(|i| slots[i].take()).collect())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::values::SchemaReference;
    use schemas::SchemaType;

    fn version(subject: &str, version: i32, id: i64, schema: &str, refs: &[(&str, i32)]) -> Held {
        Held {
            version: ExportedVersion {
                subject: subject.into(),
                version,
                id,
                schema_type: SchemaType::Json,
                references: refs
                    .iter()
                    .map(|(s, v)| SchemaReference {
                        name: format!("{s}.json"),
                        subject: s.to_string(),
                        version: *v,
                    })
                    .collect(),
                schema: schema.into(),
                metadata: None,
                rule_set: None,
            },
            deleted: false,
        }
    }

    fn snapshot(held: Vec<Held>) -> Snapshot {
        let mut snapshot = Snapshot::default();
        for h in held {
            snapshot
                .subjects
                .entry(h.version.subject.clone())
                .or_default()
                .versions
                .insert(h.version.version, h);
        }
        snapshot
    }

    fn names(plan: &Plan) -> Vec<Vec<String>> {
        plan.levels
            .iter()
            .map(|l| {
                l.iter()
                    .map(|t| format!("{}:{}", t.version.subject, t.version.version))
                    .collect()
            })
            .collect()
    }

    #[test]
    fn referenced_versions_and_earlier_versions_come_first() {
        let source = snapshot(vec![
            version("a", 1, 3, r#"{"$ref": "z.json"}"#, &[("z", 1)]),
            version("a", 2, 4, r#"{"type": "string"}"#, &[]),
            version("m", 1, 5, r#"{"type": "integer"}"#, &[]),
            version("z", 1, 1, r#"{"type": "object"}"#, &[]),
        ]);
        let plan = Plan::make(&source, &Snapshot::default(), false);
        assert_eq!(plan.conflicts, []);
        assert_eq!(names(&plan), [vec!["m:1", "z:1"], vec!["a:1"], vec!["a:2"]]);
        assert_eq!(plan.importing, ["a", "m", "z"]);
        // Each subject put in IMPORT gets its own mode back (here: none).
        assert_eq!(plan.settings.len(), 3);
        assert!(Plan::make(&source, &source, false).is_empty());
    }

    #[test]
    fn what_the_target_holds_otherwise_stops_the_copy() {
        let source = snapshot(vec![
            version("a", 1, 1, r#"{"type": "object"}"#, &[]),
            version("b", 1, 2, r#"{"type": "string"}"#, &[]),
            version("c", 1, 3, r#"{"type": "integer"}"#, &[]),
        ]);
        let target = snapshot(vec![
            version("a", 1, 9, r#"{"type": "object"}"#, &[]),
            version("x", 1, 2, r#"{"type": "boolean"}"#, &[]),
            version("y", 1, 7, r#"{ "type" : "integer" }"#, &[]),
        ]);
        let plan = Plan::make(&source, &target, false);
        let said: Vec<String> = plan.conflicts.iter().map(ToString::to_string).collect();
        assert_eq!(
            said,
            [
                "subject 'a' version 1 is id 1 in the source but id 9 in the target",
                "id 2 is subject 'b' version 1 in the source, but the target holds another schema under it (subject 'x' version 1)",
                "subject 'c' version 1 (id 3): the same schema already has id 7, and Charter gives one schema one id",
            ]
        );
    }
}
