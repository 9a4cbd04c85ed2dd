//! `--output github`: GitHub Actions workflow commands, which the runner
//! shows as annotations on the file and line (`::error file=F,line=N,title=T::message`).

use std::io::{self, Write};

use schemas::CompatReport;

use super::text::compat_verdict;
use super::{
    CompatFiles, consumer_label, deploy_verdict, describe, instance, locate, stopped_note,
    validation_verdict, writer_label,
};
use crate::client::DeployAnswer;
use crate::validate::{Framing, Payload, RecordReport, Sink, Summary, Tally};

/// One annotation per change at its line in the new schema: an `error` for a
/// breaking change, a `notice` for the others; then the verdict as a plain
/// log line.
pub fn compat(
    out: &mut impl Write,
    report: &CompatReport,
    files: CompatFiles<'_>,
) -> io::Result<()> {
    let breaking: Vec<&schemas::Change> = report.breaking().collect();
    for change in &report.changes {
        let is_breaking = breaking.iter().any(|b| std::ptr::eq(*b, change));
        let (level, title) = if is_breaking {
            ("error", format!("breaking change: {}", change.kind.name()))
        } else {
            (
                "notice",
                format!("compatible change: {}", change.kind.name()),
            )
        };
        let mut message = format!("{}: {}", change.path, change.message);
        if files.against.len() > 1 {
            if let Some(against) = files.against_label(change) {
                message.push_str(&format!(" (against {against})"));
            }
        }
        if let Some(example) = &change.example {
            message.push_str(&format!(
                "\nexample (writer accepts, reader rejects): {example}"
            ));
        }
        let line = locate::line_of(files.text, &change.path);
        annotation(out, level, Some((files.schema, line)), &title, &message)?;
    }
    let (verdict, rest) = compat_verdict(report);
    writeln!(out, "{verdict}{rest}")
}

/// A can-i-deploy answer as annotations: an `error` per breaking change of
/// each consumer that cannot read, with its example; then the verdict as a
/// plain log line.
pub fn deploy(out: &mut impl Write, answer: &DeployAnswer) -> io::Result<()> {
    for row in answer.matrix.iter().filter(|r| !r.compatible) {
        let title = format!(
            "{} cannot read {}",
            consumer_label(row),
            writer_label(&row.writer)
        );
        for change in &row.changes {
            let mut message = format!("{} at {}: {}", change.kind, change.path, change.message);
            if let Some(example) = &change.example {
                message.push_str(&format!(
                    "\nexample (writer accepts, reader rejects): {example}"
                ));
            }
            annotation(out, "error", None, &title, &message)?;
        }
    }
    let (verdict, rest) = deploy_verdict(answer);
    writeln!(out, "{verdict}{rest}")
}

/// The annotations of a validation run: an `error` per problem at the
/// record's file and line (the file alone for a binary record), a `warning`
/// per framing note, a `notice` per empty file, a `warning` when
/// `--max-errors` stopped the run, and the summary as a plain log line
/// (left out when `quiet`).
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
        let file = payload.file().map(|f| f.display().to_string());
        let framing = record
            .binary
            .as_ref()
            .filter(|b| b.framing != Framing::Unframed)
            .map(|b| format!(" [read as {}]", b.framing))
            .unwrap_or_default();
        for issue in &record.issues {
            let title = match issue.unreadable() {
                Some(what) => what.to_string(),
                None => format!("{} at {}", issue.keyword, instance(&issue.instance_path)),
            };
            let text = match issue.unreadable() {
                Some(_) => issue.message.clone(),
                None => describe(issue),
            };
            let mut message = format!("{text}{framing}");
            if file.is_none() {
                let name = payload.name();
                message = match issue.line {
                    Some(line) => format!("{name} line {line}: {message}"),
                    None => format!("{name}: {message}"),
                };
            }
            let place = file.as_deref().map(|f| (f, issue.line.map(|l| l as usize)));
            annotate(&mut self.out, "error", place, &title, &message)?;
        }
        if record.is_invalid() || !self.quiet {
            for note in record.notes() {
                let place = file.as_deref().map(|f| (f, None));
                annotate(&mut self.out, "warning", place, "framing", note)?;
            }
        }
        Ok(())
    }

    fn end(&mut self, payload: &Payload, tally: Tally) -> io::Result<()> {
        if tally.records() == 0 && !self.quiet {
            let name = payload.name();
            let place = payload.file().map(|_| (name.as_str(), 1));
            let message = format!("{name} is empty: no records to validate");
            annotation(
                &mut self.out,
                "notice",
                place,
                "empty payload file",
                &message,
            )?;
        }
        Ok(())
    }

    fn finish(&mut self, summary: &Summary) -> io::Result<()> {
        if let Some(limit) = summary.stopped_at {
            annotation(
                &mut self.out,
                "warning",
                None,
                "stopped early",
                &stopped_note(limit),
            )?;
        }
        if !self.quiet {
            let (verdict, rest) = validation_verdict(summary);
            writeln!(self.out, "{verdict}: {rest}")?;
        }
        Ok(())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// `::LEVEL file=F,line=N,title=T::MESSAGE`, escaped.
pub(crate) fn annotation(
    out: &mut impl Write,
    level: &str,
    place: Option<(&str, usize)>,
    title: &str,
    message: &str,
) -> io::Result<()> {
    let place = place.map(|(file, line)| (file, Some(line)));
    annotate(out, level, place, title, message)
}

/// [`annotation`], with a file but maybe no line (`::LEVEL file=F,title=T::`).
fn annotate(
    out: &mut impl Write,
    level: &str,
    place: Option<(&str, Option<usize>)>,
    title: &str,
    message: &str,
) -> io::Result<()> {
    let mut properties = Vec::new();
    if let Some((file, line)) = place {
        properties.push(format!("file={}", property(file)));
        if let Some(line) = line {
            properties.push(format!("line={line}"));
        }
    }
    properties.push(format!("title={}", property(title)));
    writeln!(out, "::{level} {}::{}", properties.join(","), data(message))
}

/// Escapes a message: `%`, `\r` and `\n`.
fn data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value: as [`data`], and `:` and `,`.
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_are_annotated_at_their_line_with_the_example() {
        assert_eq!(
            crate::render::tests::rendered(compat),
            "::error file=new.json,line=4,title=breaking change%3A TYPE_CHANGED::\
             #/properties/id/type: type changed from string to integer%0A\
             example (writer accepts, reader rejects): {\"id\":\"a<b\"}\n\
             ::notice file=new.json,line=2,title=compatible change%3A DESCRIPTION_CHANGED::\
             #/description: description changed\n\
             INCOMPATIBLE under BACKWARD (policy: strict): 1 breaking change, 1 other change\n"
        );
    }

    #[test]
    fn escaping_follows_the_runner() {
        assert_eq!(
            data("100% done\r\nnext: a, b"),
            "100%25 done%0D%0Anext: a, b"
        );
        assert_eq!(property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
    }

    #[test]
    fn annotations_name_file_line_and_title() {
        let mut out = Vec::new();
        annotation(
            &mut out,
            "error",
            Some(("dir/a,b.ndjson", 3)),
            "type at /x",
            "bad: 1%",
        )
        .unwrap();
        annotation(&mut out, "warning", None, "stopped", "two\nlines").unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "::error file=dir/a%2Cb.ndjson,line=3,title=type at /x::bad: 1%25\n\
             ::warning title=stopped::two%0Alines\n"
        );
    }
}
