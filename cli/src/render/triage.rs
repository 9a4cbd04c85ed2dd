//! `charter triage` reports: [`Text`] for people (a block per message that
//! needs attention, then the summary by verdict, schema id and cause) and
//! [`Json`] for machines (`{"messages": [...], "summary": {...}}`, written
//! as the messages are judged).

use std::io::{self, Write};

use anstyle::Style;
use schemas::payload::PayloadIssue;
use schemas::triage::{MessageReport, SchemaGroup, Summary, Verdict};

use super::{BAD, DIM, GOOD, count, instance};
use crate::triage::Sink;

/// Most causes the text summary lists.
pub const TOP_CAUSES: usize = 10;

/// The text report: a block per message that is not valid (valid ones are
/// counted; a lone valid message is shown too), then the summary.
pub struct Text<W> {
    out: W,
    /// The first valid message, shown if it turns out to be the only one.
    first_valid: Option<MessageReport>,
}

impl<W: Write> Text<W> {
    /// A report to `out`.
    pub fn new(out: W) -> Self {
        Text {
            out,
            first_valid: None,
        }
    }
}

impl<W: Write> Sink for Text<W> {
    fn report(&mut self, report: &MessageReport) -> io::Result<()> {
        if report.verdict == Verdict::Valid {
            if self.first_valid.is_none() {
                self.first_valid = Some(report.clone());
            }
            return Ok(());
        }
        block(&mut self.out, report)
    }

    fn finish(&mut self, summary: &Summary) -> io::Result<()> {
        if summary.messages == 1
            && let Some(report) = &self.first_valid
        {
            block(&mut self.out, report)?;
        }
        summary_text(&mut self.out, summary)?;
        self.out.flush()
    }
}

fn style(verdict: Verdict) -> Style {
    match verdict {
        Verdict::Valid | Verdict::UnframedMatch => GOOD,
        _ => BAD,
    }
}

/// One message: the verdict line first, then what it rests on.
fn block(out: &mut impl Write, report: &MessageReport) -> io::Result<()> {
    let style = style(report.verdict);
    writeln!(
        out,
        "{style}{}{style:#} {}: {}",
        report.verdict, report.message, report.summary
    )?;
    write!(out, "  framing: {}", report.framing.detail)?;
    if let Some(indexes) = &report.framing.message_indexes {
        write!(out, ", message indexes {indexes:?}")?;
    }
    writeln!(out)?;
    if let Some(id) = report.schema_id
        && report.verdict != Verdict::UnknownSchema
    {
        if report.subject_versions.is_empty() {
            writeln!(out, "  schema id {id}: not registered under any subject")?;
        } else {
            writeln!(out, "  schema id {id}: {}", places(report))?;
        }
    }
    issues(out, "writer errors", &report.writer_errors)?;
    issues(out, "reader errors", &report.reader_errors)?;
    if !report.changes.is_empty() {
        writeln!(out, "  changes from the reader's schema to the writer's:")?;
        for change in report.changes.iter() {
            writeln!(
                out,
                "    {} {}: {}",
                change.kind, change.path, change.message
            )?;
        }
    }
    if !report.matches.is_empty() {
        writeln!(out, "  registered versions tried:")?;
        for tried in &report.matches {
            write!(
                out,
                "    {} v{} (schema id {}): ",
                tried.subject, tried.version, tried.schema_id
            )?;
            match &tried.first_error {
                None => writeln!(out, "{GOOD}conforms{GOOD:#}")?,
                Some(first) => writeln!(
                    out,
                    "{}, first {}",
                    count(tried.errors as u64, "error"),
                    issue(first)
                )?,
            }
        }
    }
    writeln!(out)
}

fn places(report: &MessageReport) -> String {
    let places: Vec<String> = report
        .subject_versions
        .iter()
        .map(ToString::to_string)
        .collect();
    places.join(", ")
}

fn issues(out: &mut impl Write, title: &str, issues: &[PayloadIssue]) -> io::Result<()> {
    if issues.is_empty() {
        return Ok(());
    }
    writeln!(out, "  {title}:")?;
    for one in issues {
        writeln!(out, "    {}", issue(one))?;
    }
    Ok(())
}

/// `/qty: must be at least 1 (minimum at #/properties/qty/minimum)`.
fn issue(issue: &PayloadIssue) -> String {
    let rule = if issue.schema_path.is_empty() {
        issue.keyword.clone()
    } else {
        format!("{} at {}", issue.keyword, issue.schema_path)
    };
    format!(
        "{}: {} {DIM}({rule}){DIM:#}",
        instance(&issue.instance_path),
        issue.message
    )
}

/// `3 valid, 2 producer_invalid` (verdicts with messages only).
fn verdicts<'a>(by_verdict: impl IntoIterator<Item = (&'a Verdict, &'a u64)>) -> String {
    let parts: Vec<String> = by_verdict
        .into_iter()
        .filter(|(_, n)| **n > 0)
        .map(|(v, n)| format!("{n} {v}"))
        .collect();
    parts.join(", ")
}

fn group_name(group: &SchemaGroup) -> String {
    let Some(id) = group.schema_id else {
        return "no schema id (not framed, or too short)".to_string();
    };
    if group.subject_versions.is_empty() {
        return format!("schema id {id}");
    }
    let places: Vec<String> = group
        .subject_versions
        .iter()
        .map(ToString::to_string)
        .collect();
    format!("schema id {id} ({})", places.join(", "))
}

fn summary_text(out: &mut impl Write, summary: &Summary) -> io::Result<()> {
    if summary.messages == 0 {
        return writeln!(out, "{GOOD}NO MESSAGES{GOOD:#}: the inputs hold none");
    }
    writeln!(out, "By verdict:")?;
    for (verdict, n) in summary.by_verdict.iter().filter(|(_, n)| **n > 0) {
        let style = style(*verdict);
        writeln!(out, "  {style}{:<18}{style:#}{n:>8}", verdict.name())?;
    }
    writeln!(out, "By writer schema id:")?;
    for group in &summary.by_schema_id {
        writeln!(
            out,
            "  {}: {}: {}",
            group_name(group),
            count(group.messages, "message"),
            verdicts(&group.by_verdict)
        )?;
    }
    if !summary.causes.is_empty() {
        writeln!(out, "Top causes:")?;
        for cause in summary.causes.iter().take(TOP_CAUSES) {
            let id = cause
                .schema_id
                .map_or("no schema id".to_string(), |id| format!("schema id {id}"));
            let reason = if cause.reason.is_empty() {
                String::new()
            } else {
                format!(": {}", cause.reason)
            };
            writeln!(
                out,
                "  {:>8}  {} ({id}){reason}",
                cause.messages, cause.verdict
            )?;
            writeln!(
                out,
                "            {DIM}e.g. {}: {}{DIM:#}",
                cause.example, cause.summary
            )?;
        }
        let more = summary.causes.len().saturating_sub(TOP_CAUSES);
        if more > 0 {
            writeln!(out, "  … and {}", count(more as u64, "more cause"))?;
        }
    }
    let (style, word) = if summary.all_good() {
        (GOOD, "ALL GOOD")
    } else {
        (BAD, "PROBLEMS FOUND")
    };
    writeln!(
        out,
        "{style}{word}{style:#}: {}: {}",
        count(summary.messages, "message"),
        verdicts(&summary.by_verdict)
    )
}

/// The JSON report: `{"messages": [REPORT, ...], "summary": SUMMARY}`, one
/// report per line, written as each message is judged.
pub struct Json<W> {
    out: W,
    written: u64,
}

impl<W: Write> Json<W> {
    /// A report to `out`.
    pub fn new(out: W) -> Self {
        Json { out, written: 0 }
    }
}

impl<W: Write> Sink for Json<W> {
    fn report(&mut self, report: &MessageReport) -> io::Result<()> {
        let head = if self.written == 0 {
            "{\"messages\":[\n"
        } else {
            ",\n"
        };
        self.out.write_all(head.as_bytes())?;
        serde_json::to_writer(&mut self.out, report)?;
        self.written += 1;
        Ok(())
    }

    fn finish(&mut self, summary: &Summary) -> io::Result<()> {
        let head = if self.written == 0 {
            "{\"messages\":[],\"summary\":"
        } else {
            "\n],\"summary\":"
        };
        self.out.write_all(head.as_bytes())?;
        serde_json::to_writer(&mut self.out, summary)?;
        self.out.write_all(b"}\n")?;
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use schemas::triage::{Context, Message, Triage};

    use super::*;

    fn reports() -> Vec<MessageReport> {
        let triage = Triage::new(Context::default());
        vec![
            triage.message("m:1", &Message::Bytes(vec![0, 0, 0]), None),
            triage.message(
                "m:2",
                &Message::Bytes(vec![0, 0, 0, 0, 9, b'{', b'}']),
                None,
            ),
        ]
    }

    fn run(sink: &mut dyn Sink) {
        let mut summary = Summary::new();
        for report in reports() {
            summary.add(&report);
            sink.report(&report).unwrap();
        }
        sink.finish(&summary.finish()).unwrap();
    }

    #[test]
    fn json_is_one_document_with_every_message_and_the_summary() {
        let mut out = Vec::new();
        run(&mut Json::new(&mut out));
        let value: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(value["messages"][0]["verdict"], "corrupt");
        assert_eq!(value["messages"][1]["verdict"], "unknown_schema");
        assert_eq!(value["messages"][1]["schema_id"], 9);
        assert_eq!(value["summary"]["messages"], 2);
        let mut empty = Vec::new();
        Json::new(&mut empty)
            .finish(&Summary::new().finish())
            .unwrap();
        let value: serde_json::Value = serde_json::from_slice(&empty).unwrap();
        assert_eq!(value["messages"], serde_json::json!([]));
    }

    #[test]
    fn text_leads_each_block_with_the_verdict_and_ends_with_the_causes() {
        let mut out = Vec::new();
        run(&mut Text::new(anstream::StripStream::new(&mut out)));
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.starts_with("corrupt m:1: payload is corrupt: "),
            "{text}"
        );
        assert!(
            text.contains("unknown_schema m:2: unknown schema id 9"),
            "{text}"
        );
        assert!(text.contains("Top causes:"), "{text}");
        assert!(
            text.ends_with("PROBLEMS FOUND: 2 messages: 1 corrupt, 1 unknown_schema\n"),
            "{text}"
        );
    }
}
