//! Compatibility verdicts: for registration, and for the check endpoints.

use std::sync::Arc;

use schemas::{Breaks, Change, ChangeKind, CompatError, CompatibilityMode, Policy, Schema};
use serde_json::Value;

use super::{Error, InvalidSchema, Registry, SchemaInput, live};
use crate::model::{ConfigRecord, Metadata, Subject, Version, VersionRecord, VersionSelector};
use crate::store::History;

/// What a candidate is checked against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckTarget {
    /// What registration checks: the latest live version, or every live
    /// version for transitive levels.
    Registration,
    /// Exactly one version (`latest` = the latest live one).
    Version(VersionSelector),
}

/// How much a check explains.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// The verdict and the breaking changes (registration, plain checks).
    Verdict,
    /// Also an example document for each change and the changes that break
    /// no reader the level protects (`verbose=true`).
    Explained,
}

/// One change, with the version it was found against.
#[derive(Debug, Clone)]
pub struct JudgedChange {
    /// The kind of change.
    pub kind: ChangeKind,
    /// Where, as a JSON pointer into the schema.
    pub path: String,
    /// Which readers it breaks.
    pub breaks: Breaks,
    /// A sentence saying what changed and why it breaks.
    pub message: String,
    /// The version it was found against.
    pub version: Option<Version>,
    /// A document the writer accepts and the reader rejects (explained
    /// checks only, when the core found one).
    pub example: Option<Value>,
}

impl JudgedChange {
    /// The change of the core, found against `version`.
    fn of(change: &Change, version: Option<Version>) -> JudgedChange {
        JudgedChange {
            kind: change.kind,
            path: change.path.clone(),
            breaks: change.breaks,
            message: change.message.clone(),
            version,
            example: change.example.clone(),
        }
    }
}

/// The verdict of a compatibility check.
#[derive(Debug, Clone)]
pub struct CompatibilityOutcome {
    /// Whether the candidate may be registered.
    pub compatible: bool,
    /// The peer's `messages`: one per breaking change (the peer's
    /// `{errorType:..., description:...}` with Charter's wording as the
    /// description), then context lines.
    pub messages: Vec<String>,
    /// Every breaking change, structured.
    pub changes: Vec<JudgedChange>,
    /// The changes that break no reader the level protects (explained
    /// checks only).
    pub other_changes: Vec<JudgedChange>,
}

impl CompatibilityOutcome {
    fn compatible() -> CompatibilityOutcome {
        CompatibilityOutcome {
            compatible: true,
            messages: Vec::new(),
            changes: Vec::new(),
            other_changes: Vec::new(),
        }
    }
}

/// At most this much of an old schema is quoted in a context line.
const QUOTE_LIMIT: usize = 10 * 1024;

impl Registry {
    /// The live versions of `history` in the line of a candidate with
    /// `metadata`: all of them, or with a `compatibilityGroup` those whose
    /// metadata has the candidate's value of that property (both absent
    /// counts as the same), as the peer judges.
    async fn in_line<'h>(
        &self,
        history: &'h History,
        config: &ConfigRecord,
        metadata: Option<&Metadata>,
    ) -> Result<Vec<&'h VersionRecord>, Error> {
        let Some(group) = &config.compatibility_group else {
            return Ok(live(history).collect());
        };
        let value = metadata.and_then(|m| m.property(group));
        let mut line = Vec::new();
        for record in live(history) {
            let held = self.held(record.schema_id).await?;
            if held
                .record
                .metadata
                .as_ref()
                .and_then(|m| m.property(group))
                == value
            {
                line.push(record);
            }
        }
        Ok(line)
    }

    /// Judges `candidate` (with `metadata`) against the part of `history`
    /// that `target` names, within its line when `config` has a
    /// `compatibilityGroup`, under the level and policy of `config`,
    /// explaining as much as `detail` asks. With `validateFields`, also as
    /// the peer does: the candidate must keep the reserved fields
    /// (`confluent:reserved`) of the version it follows and have no field
    /// of that name; each breach is a message before the others.
    pub(super) async fn judge(
        &self,
        (candidate, metadata): (&Arc<Schema>, Option<&Metadata>),
        history: &History,
        target: CheckTarget,
        config: &ConfigRecord,
        detail: Detail,
    ) -> Result<CompatibilityOutcome, Error> {
        let mut outcome = self
            .judge_changes((candidate, metadata), history, target, config, detail)
            .await?;
        if config.validate_fields != Some(true) {
            return Ok(outcome);
        }
        let previous = match target {
            CheckTarget::Registration | CheckTarget::Version(VersionSelector::Latest) => {
                live(history).next_back()
            }
            CheckTarget::Version(VersionSelector::Number(v)) => {
                live(history).find(|r| r.version == v)
            }
        };
        let mut breaches = Vec::new();
        let reserved = metadata.map(Metadata::reserved_fields).unwrap_or_default();
        if let Some(previous) = previous {
            let held = self.held(previous.schema_id).await?;
            let before = held.record.metadata.as_ref().map(Metadata::reserved_fields);
            for field in before.unwrap_or_default().difference(&reserved) {
                breaches.push(format!(
                    "The new schema has reserved field {field} removed from its metadata which is present in the old schema's metadata."
                ));
            }
        }
        for field in reserved.iter().filter(|f| candidate.has_top_level_field(f)) {
            breaches.push(format!(
                "The new schema has field that conflicts with the reserved field {field}."
            ));
        }
        if breaches.is_empty() {
            return Ok(outcome);
        }
        if outcome.compatible {
            let mode = config.compatibility.unwrap_or(super::DEFAULT_COMPATIBILITY);
            outcome.messages.push(context_line(true, mode));
        }
        outcome.compatible = false;
        outcome.messages.splice(0..0, breaches);
        Ok(outcome)
    }

    /// [`Registry::judge`] without the reserved fields: the changes.
    async fn judge_changes(
        &self,
        (candidate, metadata): (&Arc<Schema>, Option<&Metadata>),
        history: &History,
        target: CheckTarget,
        config: &ConfigRecord,
        detail: Detail,
    ) -> Result<CompatibilityOutcome, Error> {
        let mode = config.compatibility.unwrap_or(super::DEFAULT_COMPATIBILITY);
        let policy = config.policy.unwrap_or(Policy::Strict);
        let line = self.in_line(history, config, metadata).await?;
        let in_line = |record: &VersionRecord| line.iter().any(|r| r.version == record.version);
        let against: Vec<&VersionRecord> = match target {
            CheckTarget::Registration if mode.is_transitive() => line.clone(),
            CheckTarget::Registration => line.last().copied().into_iter().collect(),
            CheckTarget::Version(VersionSelector::Latest) => live(history)
                .next_back()
                .filter(|r| in_line(r))
                .into_iter()
                .collect(),
            CheckTarget::Version(VersionSelector::Number(v)) => {
                let found = live(history).find(|r| r.version == v);
                let found = found.ok_or_else(|| Error::VersionNotFound {
                    subject: history
                        .versions
                        .first()
                        .map(|r| r.subject.clone())
                        .unwrap_or_default(),
                    version: v.to_string(),
                })?;
                [found].into_iter().filter(|r| in_line(r)).collect()
            }
        };
        if against.is_empty() || mode == CompatibilityMode::None {
            return Ok(CompatibilityOutcome::compatible());
        }
        let mut parsed: Vec<Arc<Schema>> = Vec::with_capacity(against.len());
        for record in &against {
            parsed.push(self.parsed(record.schema_id).await?);
        }
        // The check and its examples are CPU work: on the schema work pool.
        let schema = Arc::clone(candidate);
        let explain = matches!(detail, Detail::Explained);
        let limits = self.limits;
        let checked = self
            .work
            .run(move || {
                let refs: Vec<&Schema> = parsed.iter().map(|s| s.as_ref()).collect();
                let mut report = schemas::check_within(&schema, &refs, mode, policy, &limits)?;
                if explain {
                    schemas::attach_examples(&mut report, &schema, &refs);
                }
                schemas::note_accepting_policies_within(&mut report, &schema, &refs, &limits)?;
                Ok::<_, CompatError>(report)
            })
            .await?;
        // No verdict (too deep, over the work budget): the schema is refused.
        let report = checked.map_err(InvalidSchema::from)?;
        let version_of = |c: &Change| c.against.and_then(|i| against.get(i)).map(|r| r.version);
        let other_changes = match detail {
            Detail::Verdict => Vec::new(),
            Detail::Explained => report
                .others()
                .map(|c| JudgedChange::of(c, version_of(c)))
                .collect(),
        };
        if report.compatible {
            return Ok(CompatibilityOutcome {
                other_changes,
                ..CompatibilityOutcome::compatible()
            });
        }
        let changes: Vec<JudgedChange> = report
            .breaking()
            .map(|c| JudgedChange::of(c, version_of(c)))
            .collect();
        let mut messages: Vec<String> = changes
            .iter()
            .map(|c| candidate.incompatibility(c.kind, &message(c), &c.path))
            .collect();
        let newest_failing = changes
            .iter()
            .filter_map(|c| c.version)
            .max()
            .and_then(|v| against.iter().find(|r| r.version == v));
        if let Some(old) = newest_failing {
            messages.push(format!("{{oldSchemaVersion: {}}}", old.version));
            let text = &self.held(old.schema_id).await?.record.text;
            messages.push(format!("{{oldSchema: '{}'}}", quote(text)));
        }
        messages.push(context_line(config.validate_fields.unwrap_or(false), mode));
        if let Some(note) = accepted_note(policy, &report.accepted_by) {
            messages.push(note);
        }
        Ok(CompatibilityOutcome {
            compatible: false,
            messages,
            changes,
            other_changes,
        })
    }

    /// Checks a posted schema against a subject, as the compatibility
    /// endpoints do. With `verbose`, an unparsable schema is a verdict
    /// (incompatible, with the parse error) rather than an error.
    #[tracing::instrument(skip(self, schema), fields(subject = %subject))]
    pub async fn check_compatibility(
        &self,
        subject: &Subject,
        schema: &SchemaInput,
        target: CheckTarget,
        verbose: bool,
    ) -> Result<CompatibilityOutcome, Error> {
        let history = self.history(subject).await?;
        if let CheckTarget::Version(VersionSelector::Number(v)) = target {
            if !live(&history).any(|r| r.version == v) {
                return Err(Error::VersionNotFound {
                    subject: subject.to_string(),
                    version: v.to_string(),
                });
            }
        }
        let candidate = match self.candidate(schema, &history).await {
            Ok(candidate) => candidate,
            Err(Error::InvalidSchema(e)) if verbose => {
                return Ok(CompatibilityOutcome {
                    compatible: false,
                    messages: vec![format!("Invalid schema: {e}")],
                    changes: Vec::new(),
                    other_changes: Vec::new(),
                });
            }
            Err(e) => return Err(e),
        };
        let config = self.effective_config(Some(subject)).await?;
        let detail = if verbose {
            Detail::Explained
        } else {
            Detail::Verdict
        };
        self.judge(
            (&candidate.schema, candidate.metadata.as_ref()),
            &history,
            target,
            &config,
            detail,
        )
        .await
    }
}

/// The peer's closing line of a refusal.
fn context_line(validate_fields: bool, mode: CompatibilityMode) -> String {
    format!(
        "{{validateFields: '{validate_fields}', compatibility: '{}'}}",
        mode.as_str()
    )
}

/// The message of one change: its kind, where, why, and against what.
fn message(change: &JudgedChange) -> String {
    let against = change
        .version
        .map(|v| format!(" (against version {v})"))
        .unwrap_or_default();
    format!(
        "{} at {}: {}{}",
        change.kind.name(),
        change.path,
        change.message,
        against
    )
}

/// For a refusal that another policy accepts, the context line that says
/// so: `{acceptedBy: 'CONFLUENT, LENIENT', note: '...'}`.
fn accepted_note(policy: Policy, accepted_by: &[Policy]) -> Option<String> {
    if accepted_by.is_empty() {
        return None;
    }
    let names: Vec<String> = accepted_by
        .iter()
        .map(|p| p.as_str().to_ascii_uppercase())
        .collect();
    let peer = if accepted_by.contains(&Policy::Confluent) {
        " (the Confluent Schema Registry accepts it)"
    } else {
        ""
    };
    Some(format!(
        "{{acceptedBy: '{}', note: 'refused under compatibilityPolicy {}; compatibilityPolicy {} would accept this schema{peer}'}}",
        names.join(", "),
        policy.as_str().to_ascii_uppercase(),
        names.join(" or "),
    ))
}

fn quote(text: &str) -> String {
    if text.len() <= QUOTE_LIMIT {
        return text.to_string();
    }
    let mut end = QUOTE_LIMIT;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}...", &text[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_are_cut_on_a_character_boundary() {
        let long = "é".repeat(QUOTE_LIMIT);
        let quoted = quote(&long);
        assert!(quoted.ends_with("..."));
        assert!(quoted.len() <= QUOTE_LIMIT + 3);
        assert_eq!(quote("short"), "short");
    }

    #[test]
    fn messages_name_kind_path_and_version() {
        let change = JudgedChange {
            kind: ChangeKind::TypeChanged,
            path: "#/properties/id".into(),
            breaks: Breaks {
                backward: true,
                forward: false,
            },
            message: "the type changed".into(),
            version: Some(Version(2)),
            example: None,
        };
        let text = message(&change);
        assert!(text.contains("TYPE_CHANGED"), "{text}");
        assert!(text.contains("#/properties/id"), "{text}");
        assert!(text.contains("against version 2"), "{text}");
    }
}
