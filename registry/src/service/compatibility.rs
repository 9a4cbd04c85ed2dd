//! Compatibility verdicts: for registration, and for the check endpoints.

use std::sync::Arc;

use schemas::{Breaks, ChangeKind, CompatError, CompatibilityMode, Policy, Schema};

use super::{Error, InvalidSchema, Registry, SchemaInput, live};
use crate::model::{ConfigRecord, Subject, Version, VersionRecord, VersionSelector};
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

/// One breaking change, with the version it breaks against.
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
}

/// The verdict of a compatibility check.
#[derive(Debug, Clone)]
pub struct CompatibilityOutcome {
    /// Whether the candidate may be registered.
    pub compatible: bool,
    /// The peer's `messages`: one per breaking change, then context lines.
    pub messages: Vec<String>,
    /// Every breaking change, structured.
    pub changes: Vec<JudgedChange>,
}

impl CompatibilityOutcome {
    fn compatible() -> CompatibilityOutcome {
        CompatibilityOutcome {
            compatible: true,
            messages: Vec::new(),
            changes: Vec::new(),
        }
    }
}

/// At most this much of an old schema is quoted in a context line.
const QUOTE_LIMIT: usize = 10 * 1024;

impl Registry {
    /// Judges `candidate` against the part of `history` that `target` names,
    /// under the level and policy of `config`.
    pub(super) async fn judge(
        &self,
        candidate: &Schema,
        history: &History,
        target: CheckTarget,
        config: ConfigRecord,
    ) -> Result<CompatibilityOutcome, Error> {
        let mode = config.compatibility.unwrap_or(super::DEFAULT_COMPATIBILITY);
        let policy = config.policy.unwrap_or(Policy::Strict);
        let against: Vec<&VersionRecord> = match target {
            CheckTarget::Registration if mode.is_transitive() => live(history).collect(),
            CheckTarget::Registration => live(history).next_back().into_iter().collect(),
            CheckTarget::Version(VersionSelector::Latest) => {
                live(history).next_back().into_iter().collect()
            }
            CheckTarget::Version(VersionSelector::Number(v)) => {
                let found = live(history).find(|r| r.version == v);
                vec![found.ok_or_else(|| {
                    Error::VersionNotFound {
                        subject: history
                            .versions
                            .first()
                            .map(|r| r.subject.clone())
                            .unwrap_or_default(),
                        version: v.to_string(),
                    }
                })?]
            }
        };
        if against.is_empty() || mode == CompatibilityMode::None {
            return Ok(CompatibilityOutcome::compatible());
        }
        let mut parsed: Vec<Arc<Schema>> = Vec::with_capacity(against.len());
        for record in &against {
            parsed.push(self.parsed(record.schema_id).await?);
        }
        let refs: Vec<&Schema> = parsed.iter().map(|s| s.as_ref()).collect();
        let report = match schemas::check(candidate, &refs, mode, policy) {
            Ok(report) => report,
            Err(e @ CompatError::TooDeep { .. }) => {
                return Err(InvalidSchema::TooDeep(e.to_string()).into());
            }
        };
        if report.compatible {
            return Ok(CompatibilityOutcome::compatible());
        }
        let changes: Vec<JudgedChange> = report
            .breaking()
            .map(|c| JudgedChange {
                kind: c.kind,
                path: c.path.clone(),
                breaks: c.breaks,
                message: c.message.clone(),
                version: c.against.and_then(|i| against.get(i)).map(|r| r.version),
            })
            .collect();
        let mut messages: Vec<String> = changes.iter().map(message).collect();
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
        messages.push(format!(
            "{{validateFields: 'false', compatibility: '{}'}}",
            mode.as_str()
        ));
        Ok(CompatibilityOutcome {
            compatible: false,
            messages,
            changes,
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
                });
            }
            Err(e) => return Err(e),
        };
        let config = self.effective_config(Some(subject)).await?;
        self.judge(&candidate.schema, &history, target, config)
            .await
    }
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
        };
        let text = message(&change);
        assert!(text.contains("TYPE_CHANGED"), "{text}");
        assert!(text.contains("#/properties/id"), "{text}");
        assert!(text.contains("against version 2"), "{text}");
    }
}
