//! Rendering reports, one module per `--output` format: [`text`] for people,
//! [`json`] for machines, [`github`] for workflow annotations and [`junit`]
//! for the test reports CI servers display.
//!
//! Data goes to stdout, diagnostics to stderr; colour only in text, and only
//! on a terminal (anstream strips it otherwise and honours `NO_COLOR`).
//!
//! Each format renders both kinds of report: a compatibility report (`diff`,
//! `check`) through a function, and a validation run through a
//! [`Sink`](crate::validate::Sink) that receives records as they are judged.

pub mod github;
pub mod json;
pub mod junit;
mod locate;
pub mod text;
pub mod triage;

use std::io::{self, Write};

use anstyle::{AnsiColor, Style};

use crate::client::{DeployAnswer, MatrixRow, WriterRef};

pub(crate) const BAD: Style = AnsiColor::Red.on_default().bold();
pub(crate) const GOOD: Style = AnsiColor::Green.on_default().bold();
pub(crate) const DIM: Style = Style::new().dimmed();
pub(crate) const NOTE: Style = AnsiColor::Yellow.on_default().bold();

/// One line for an error: `error: <file>: <problem>`.
pub fn error_line(out: &mut impl Write, error: &anyhow::Error) -> io::Result<()> {
    writeln!(out, "{BAD}error{BAD:#}: {error:#}")
}

/// Names of the files a report's `against` indices point to.
pub type Labels<'a> = &'a [String];

/// The files a compatibility report is about.
#[derive(Debug, Clone, Copy)]
pub struct CompatFiles<'a> {
    /// The new schema (`diff`'s NEW, `check`'s candidate), as given.
    pub schema: &'a str,
    /// Its text, to find the line of a change.
    pub text: &'a str,
    /// The files [`Change::against`](schemas::Change::against) indexes,
    /// oldest first (`diff`: the old file alone).
    pub against: Labels<'a>,
}

impl CompatFiles<'_> {
    /// The file a change was found against: its `against` index, else the
    /// latest.
    pub(crate) fn against_label(&self, change: &schemas::Change) -> Option<&str> {
        let index = change.against.or(self.against.len().checked_sub(1))?;
        self.against.get(index).map(String::as_str)
    }
}

/// How a can-i-deploy matrix names a writer: `candidate` or `v3`.
pub(crate) fn writer_label(writer: &WriterRef) -> String {
    match writer.version {
        Some(version) if !writer.candidate => format!("v{version}"),
        _ => "candidate".to_string(),
    }
}

/// How a can-i-deploy matrix names a consumer:
/// `fulfillment (prod, version 1.4.2)`.
pub(crate) fn consumer_label(row: &MatrixRow) -> String {
    match &row.consumer_version {
        Some(version) => format!("{} ({}, version {version})", row.consumer, row.environment),
        None => format!("{} ({})", row.consumer, row.environment),
    }
}

/// The closing line of a can-i-deploy answer: the verdict word and the
/// rest, `NO`, `: 1 of 2 consumer readings fail; do not deploy`.
pub(crate) fn deploy_verdict(answer: &DeployAnswer) -> (&'static str, String) {
    let failing = answer.matrix.iter().filter(|r| !r.compatible).count();
    if answer.ok {
        let rest = if answer.matrix.is_empty() {
            ": no consumer and no deployed version to check".to_string()
        } else {
            format!(
                ": every reading of the matrix works ({})",
                count(answer.matrix.len() as u64, "reading")
            )
        };
        ("YES", rest)
    } else {
        (
            "NO",
            format!(
                ": {failing} of {} fail; do not deploy",
                count(answer.matrix.len() as u64, "reading")
            ),
        )
    }
}

/// `1 thing` or `N things`.
pub(crate) fn count(n: u64, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

/// How a record's place is shown to people: its JSON pointer, `(root)` for
/// the record itself.
pub(crate) fn instance(pointer: &str) -> &str {
    if pointer.is_empty() {
        "(root)"
    } else {
        pointer
    }
}

/// Where a record or an issue is: `FILE:LINE`, or `FILE` for a binary
/// record (the whole file).
pub(crate) fn place(name: &str, line: Option<u64>) -> String {
    match line {
        Some(line) => format!("{name}:{line}"),
        None => name.to_string(),
    }
}

/// The rule an issue broke, for people: `minimum at #/properties/qty/minimum`,
/// or the keyword alone when the format gives no place in the schema.
pub(crate) fn rule(issue: &crate::validate::Issue) -> String {
    if issue.schema_path.is_empty() {
        issue.keyword.clone()
    } else {
        format!("{} at {}", issue.keyword, issue.schema_path)
    }
}

/// One issue as plain text: `invalid JSON: MESSAGE`, or
/// `POINTER: MESSAGE (RULE)`.
pub(crate) fn describe(issue: &crate::validate::Issue) -> String {
    match issue.unreadable() {
        Some(what) => format!("{what}: {}", issue.message),
        None => format!(
            "{}: {} ({})",
            instance(&issue.instance_path),
            issue.message,
            rule(issue)
        ),
    }
}

/// The plain-text sentence closing a validation run.
pub(crate) fn validation_verdict(summary: &crate::validate::Summary) -> (&'static str, String) {
    let tally = summary.tally;
    let verdict = if tally.invalid == 0 {
        "VALID"
    } else {
        "INVALID"
    };
    let inputs = count(summary.inputs as u64, "file");
    (
        verdict,
        format!(
            "{} valid, {} invalid ({} in {inputs})",
            tally.valid,
            tally.invalid,
            count(tally.records(), "record"),
        ),
    )
}

/// The note for a run stopped by `--max-errors`.
pub(crate) fn stopped_note(limit: u64) -> String {
    format!(
        "stopped after {} (--max-errors {limit}): records after the last one reported were not checked",
        count(limit, "invalid record")
    )
}

#[cfg(test)]
pub(crate) mod tests {
    use schemas::{Breaks, Change, ChangeKind, CompatReport, CompatibilityMode, Policy};

    /// A BACKWARD report with one breaking change (with an example) at
    /// `#/properties/id/type` and one compatible change.
    pub(crate) fn report() -> CompatReport {
        let change = |kind, path: &str, backward, message: &str, example| Change {
            kind,
            path: path.to_string(),
            old: None,
            new: None,
            breaks: Breaks {
                backward,
                forward: false,
            },
            message: message.to_string(),
            example,
            against: None,
        };
        CompatReport::new(
            CompatibilityMode::Backward,
            Policy::Strict,
            vec![
                change(
                    ChangeKind::TypeChanged,
                    "#/properties/id/type",
                    true,
                    "type changed from string to integer",
                    Some(serde_json::json!({"id": "a<b"})),
                ),
                change(
                    ChangeKind::DescriptionChanged,
                    "#/description",
                    false,
                    "description changed",
                    None,
                ),
            ],
        )
    }

    /// [`report`] rendered by `render` (a `compat` function), as on
    /// `new.json` against `old.json`.
    pub(crate) fn rendered(
        render: fn(&mut Vec<u8>, &CompatReport, super::CompatFiles<'_>) -> std::io::Result<()>,
    ) -> String {
        let against = ["old.json".to_string()];
        let files = super::CompatFiles {
            schema: "new.json",
            text: NEW,
            against: &against,
        };
        let mut out = Vec::new();
        render(&mut out, &report(), files).unwrap();
        String::from_utf8(out).unwrap()
    }

    /// The new schema of [`report`].
    pub(crate) const NEW: &str = "{\n  \"description\": \"v2\",\n  \"properties\": {\n    \"id\": {\"type\": \"integer\"}\n  }\n}";
}
