//! `--output text`: reports for people, coloured on a terminal.

use std::io::{self, Write};

use schemas::{Change, CompatReport, Policy};

use super::{
    BAD, DIM, GOOD, Labels, NOTE, consumer_label, count, deploy_verdict, instance, place, rule,
    stopped_note, validation_verdict, writer_label,
};
use crate::client::DeployAnswer;
use crate::validate::{Framing, Payload, RecordReport, Sink, Summary, Tally};

/// The text report: breaking changes (with examples), then the others, then
/// a summary line.
pub fn compat(
    out: &mut impl Write,
    report: &CompatReport,
    labels: Labels<'_>,
    quiet: bool,
) -> io::Result<()> {
    let breaking: Vec<&Change> = report.breaking().collect();
    let other: Vec<&Change> = report
        .changes
        .iter()
        .filter(|c| !breaking.iter().any(|b| std::ptr::eq(*b, *c)))
        .collect();
    for change in &breaking {
        write!(out, "{BAD}BREAKING{BAD:#} ")?;
        line(out, change, labels)?;
        if let Some(example) = &change.example {
            writeln!(
                out,
                "    {DIM}example (writer accepts, reader rejects):{DIM:#} {example}"
            )?;
        }
    }
    if quiet {
        return Ok(());
    }
    if !other.is_empty() {
        if !breaking.is_empty() {
            writeln!(out)?;
        }
        writeln!(out, "Compatible under {}:", report.mode)?;
        for change in &other {
            write!(out, "  ")?;
            line(out, change, labels)?;
        }
    }
    if !report.changes.is_empty() {
        writeln!(out)?;
    }
    let style = if report.compatible { GOOD } else { BAD };
    let (verdict, rest) = compat_verdict(report);
    writeln!(out, "{style}{verdict}{style:#}{rest}")?;
    if let Some(note) = accepted_note(report) {
        writeln!(out, "{NOTE}note{NOTE:#}: {note}")?;
    }
    Ok(())
}

/// For a refusal that another policy accepts, the sentence that names it:
/// `--policy lenient or --policy confluent would accept this change (the
/// Confluent Schema Registry's verdict)`.
pub(crate) fn accepted_note(report: &CompatReport) -> Option<String> {
    if report.accepted_by.is_empty() {
        return None;
    }
    let flags: Vec<String> = report
        .accepted_by
        .iter()
        .map(|p| format!("--policy {p}"))
        .collect();
    let peer = if report.accepted_by.contains(&Policy::Confluent) {
        " (the Confluent Schema Registry's verdict)"
    } else {
        ""
    };
    Some(format!(
        "{} would accept this change{peer}",
        flags.join(" or ")
    ))
}

/// A can-i-deploy answer for people: the matrix (consumers × writers, ✔ or
/// ✘), then each consumer that cannot read with every breaking change and
/// its example, then the verdict.
pub fn deploy(out: &mut impl Write, answer: &DeployAnswer, title: &str) -> io::Result<()> {
    writeln!(out, "{title}")?;
    let mut consumers: Vec<String> = Vec::new();
    let mut writers: Vec<String> = Vec::new();
    for row in &answer.matrix {
        let (consumer, writer) = (consumer_label(row), writer_label(&row.writer));
        if !consumers.contains(&consumer) {
            consumers.push(consumer);
        }
        if !writers.contains(&writer) {
            writers.push(writer);
        }
    }
    if !answer.matrix.is_empty() {
        let width = consumers
            .iter()
            .map(|c| c.chars().count())
            .max()
            .unwrap_or(0);
        let cells: Vec<usize> = writers.iter().map(|w| w.chars().count().max(1)).collect();
        writeln!(out)?;
        write!(out, "  {:width$}", "")?;
        for writer in &writers {
            write!(out, "  {writer}")?;
        }
        writeln!(out)?;
        for consumer in &consumers {
            write!(out, "  {consumer:width$}")?;
            let last = writers.len().saturating_sub(1);
            for (index, (writer, cell)) in writers.iter().zip(&cells).enumerate() {
                let found = answer
                    .matrix
                    .iter()
                    .find(|r| consumer_label(r) == *consumer && writer_label(&r.writer) == *writer);
                let mark = match found {
                    Some(row) if row.compatible => format!("{GOOD}✔{GOOD:#}"),
                    Some(_) => format!("{BAD}✘{BAD:#}"),
                    None => "·".to_string(),
                };
                // Cells line up under their writer; the last is not padded.
                let pad = if index == last { 0 } else { cell - 1 };
                write!(out, "  {mark}{:pad$}", "")?;
            }
            writeln!(out)?;
        }
    }
    for row in answer.matrix.iter().filter(|r| !r.compatible) {
        writeln!(out)?;
        writeln!(
            out,
            "{BAD}✘{BAD:#} {} cannot read data written with {}:",
            consumer_label(row),
            writer_label(&row.writer)
        )?;
        for change in &row.changes {
            writeln!(
                out,
                "    {BAD}{}{BAD:#} at {}: {}",
                change.kind, change.path, change.message
            )?;
            if let Some(example) = &change.example {
                writeln!(
                    out,
                    "      {DIM}example (writer accepts, reader rejects):{DIM:#} {example}"
                )?;
            }
        }
    }
    writeln!(out)?;
    let (verdict, rest) = deploy_verdict(answer);
    let style = if answer.ok { GOOD } else { BAD };
    writeln!(out, "{style}{verdict}{style:#}{rest}")
}

/// The closing sentence of a compatibility report, as the verdict word and
/// the rest: `INCOMPATIBLE`, ` under BACKWARD (policy: strict): 2 breaking
/// changes, 0 other changes`.
pub(crate) fn compat_verdict(report: &CompatReport) -> (&'static str, String) {
    let breaking = report.breaking().count() as u64;
    let other = report.changes.len() as u64 - breaking;
    let verdict = if report.compatible {
        "COMPATIBLE"
    } else {
        "INCOMPATIBLE"
    };
    (
        verdict,
        format!(
            " under {} (policy: {}): {}, {}",
            report.mode,
            report.policy,
            count(breaking, "breaking change"),
            count(other, "other change"),
        ),
    )
}

fn line(out: &mut impl Write, change: &Change, labels: Labels<'_>) -> io::Result<()> {
    let against = match change.against {
        Some(i) if labels.len() > 1 => format!(
            " {DIM}(against {}){DIM:#}",
            labels.get(i).map_or("?", String::as_str)
        ),
        _ => String::new(),
    };
    writeln!(out, "{}: {}{against}", change.path, change.message)
}

/// The text report of a validation run: one line per error as
/// `FILE:LINE: POINTER: MESSAGE (KEYWORD at SCHEMA_PATH)` (`FILE:` alone for
/// a binary record, followed by its framing), a note per empty file and per
/// framing worth telling, then the summary (notes and summary left out when
/// `quiet`).
pub struct Validation<W> {
    out: W,
    quiet: bool,
}

impl<W: Write> Validation<W> {
    /// A report to `out`.
    pub fn new(out: W, quiet: bool) -> Self {
        Validation { out, quiet }
    }
}

impl<W: Write> Sink for Validation<W> {
    fn begin(&mut self, _: &Payload) -> io::Result<()> {
        Ok(())
    }

    fn record(&mut self, payload: &Payload, record: &RecordReport) -> io::Result<()> {
        let name = payload.name();
        for issue in &record.issues {
            let at = place(&name, issue.line);
            match issue.unreadable() {
                Some(what) => writeln!(self.out, "{at}: {BAD}{what}{BAD:#}: {}", issue.message)?,
                None => writeln!(
                    self.out,
                    "{at}: {BAD}{}{BAD:#}: {} {DIM}({}){DIM:#}",
                    instance(&issue.instance_path),
                    issue.message,
                    rule(issue)
                )?,
            }
        }
        let Some(binary) = &record.binary else {
            return Ok(());
        };
        if record.is_invalid() && binary.framing != Framing::Unframed {
            writeln!(self.out, "{name}: {DIM}read as {}{DIM:#}", binary.framing)?;
        }
        if record.is_invalid() || !self.quiet {
            for note in &binary.notes {
                writeln!(self.out, "{name}: {NOTE}note{NOTE:#}: {note}")?;
            }
        }
        Ok(())
    }

    fn end(&mut self, payload: &Payload, tally: Tally) -> io::Result<()> {
        if tally.records() == 0 && !self.quiet {
            writeln!(self.out, "{}: empty, no records", payload.name())?;
        }
        Ok(())
    }

    fn finish(&mut self, summary: &Summary) -> io::Result<()> {
        if self.quiet {
            return Ok(());
        }
        if let Some(limit) = summary.stopped_at {
            writeln!(self.out, "{}", stopped_note(limit))?;
        }
        let style = if summary.tally.invalid == 0 {
            GOOD
        } else {
            BAD
        };
        let (verdict, rest) = validation_verdict(summary);
        writeln!(self.out, "{style}{verdict}{style:#}: {rest}")
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}
