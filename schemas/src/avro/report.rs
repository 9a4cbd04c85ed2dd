//! Findings of both reading directions merged into [`Change`]s: one per
//! place and kind, marked with the readers it breaks, with a sentence that
//! says what changed and, for each side it breaks, why.

use std::collections::HashMap;

use serde_json::Value;

use crate::change::{Breaks, Change, ChangeKind};

/// One difference seen while walking the two schemas, in old → new terms.
#[derive(Debug, Clone)]
pub(crate) struct Finding {
    pub(crate) kind: ChangeKind,
    pub(crate) path: String,
    pub(crate) old: Option<Value>,
    pub(crate) new: Option<Value>,
    /// What changed.
    pub(crate) what: String,
    /// Why readers using the new schema fail on old data, when they do.
    pub(crate) backward: Option<String>,
    /// Why readers still on the old schema fail on new data, when they do.
    pub(crate) forward: Option<String>,
}

/// Findings grouped by place and kind, in the order first seen.
#[derive(Default)]
pub(crate) struct Findings {
    list: Vec<Finding>,
    index: HashMap<(String, ChangeKind), usize>,
}

impl Findings {
    pub(crate) fn push(&mut self, finding: Finding) {
        let key = (finding.path.clone(), finding.kind);
        match self.index.get(&key) {
            Some(&i) => {
                let known = &mut self.list[i];
                if known.backward.is_none() {
                    known.backward = finding.backward;
                }
                if known.forward.is_none() {
                    known.forward = finding.forward;
                }
            }
            None => {
                self.index.insert(key, self.list.len());
                self.list.push(finding);
            }
        }
    }

    /// The changes, each with its message.
    pub(crate) fn into_changes(self) -> Vec<Change> {
        self.list
            .into_iter()
            .map(|f| {
                let mut parts = Vec::new();
                if let Some(why) = &f.backward {
                    parts.push(format!("breaks readers using the new schema: {why}"));
                }
                if let Some(why) = &f.forward {
                    parts.push(format!("breaks readers still on the old schema: {why}"));
                }
                let consequence = if parts.is_empty() {
                    "compatible".to_string()
                } else {
                    parts.join("; ")
                };
                Change {
                    kind: f.kind,
                    message: format!("{} — {consequence}", f.what),
                    breaks: Breaks {
                        backward: f.backward.is_some(),
                        forward: f.forward.is_some(),
                    },
                    path: f.path,
                    old: f.old,
                    new: f.new,
                    example: None,
                    against: None,
                }
            })
            .collect()
    }
}

/// `a`, `a` and `b`, `a`, `b` and `c`: names in backticks.
pub(crate) fn list(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    match quoted.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(kind: ChangeKind, backward: Option<&str>, forward: Option<&str>) -> Finding {
        Finding {
            kind,
            path: "#/fields/a".into(),
            old: None,
            new: None,
            what: "field `a` was removed".into(),
            backward: backward.map(str::to_string),
            forward: forward.map(str::to_string),
        }
    }

    #[test]
    fn findings_of_both_directions_merge_into_one_change() {
        let mut findings = Findings::default();
        findings.push(finding(ChangeKind::AvroFieldRemoved, None, None));
        findings.push(finding(
            ChangeKind::AvroFieldRemoved,
            None,
            Some("old readers need `a`"),
        ));
        let changes = findings.into_changes();
        assert_eq!(changes.len(), 1);
        assert_eq!(
            changes[0].breaks,
            Breaks {
                backward: false,
                forward: true
            }
        );
        assert_eq!(
            changes[0].message,
            "field `a` was removed — breaks readers still on the old schema: old readers need `a`"
        );
    }

    #[test]
    fn lists_read_as_prose() {
        assert_eq!(list(&["a"]), "`a`");
        assert_eq!(list(&["a", "b", "c"]), "`a`, `b` and `c`");
    }
}
