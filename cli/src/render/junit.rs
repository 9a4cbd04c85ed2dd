//! `--output junit`: a JUnit XML report, the format CI servers (GitLab,
//! Jenkins, Azure Pipelines, test-reporter actions) display as tests.
//!
//! A compatibility report has one testsuite per schema it was judged
//! against and one testcase per change, failing for a breaking change. A
//! validation run has one testsuite per payload file, one failing testcase
//! per invalid record and one passing testcase for the valid ones (an empty
//! file is a skipped testcase).

use std::fmt::Write as _;
use std::io::{self, Write};

use schemas::{Change, CompatReport};

use super::{
    CompatFiles, consumer_label, count, describe, instance, place, stopped_note, writer_label,
};
use crate::client::DeployAnswer;
use crate::validate::{Payload, RecordReport, Sink, Summary, Tally};

/// The JUnit report of a compatibility check.
pub fn compat(
    out: &mut impl Write,
    report: &CompatReport,
    files: CompatFiles<'_>,
) -> io::Result<()> {
    let breaking: Vec<&Change> = report.breaking().collect();
    // One suite per file judged against, in the order they were given; the
    // latest always, older ones only when a change was found against them.
    let latest = files.against.len().saturating_sub(1);
    let mut suites: Vec<(usize, Vec<&Change>)> = vec![(latest, Vec::new())];
    for change in &report.changes {
        let index = change.against.unwrap_or(latest);
        match suites.iter_mut().find(|(i, _)| *i == index) {
            Some((_, changes)) => changes.push(change),
            None => suites.push((index, vec![change])),
        }
    }
    suites.sort_by_key(|(index, _)| *index);

    let mut doc = Document::default();
    for (index, changes) in suites {
        let against = files.against.get(index).map_or("", String::as_str);
        let mut suite = Suite::new(&format!("{} against {against}", files.schema));
        if changes.is_empty() {
            suite.case(files.schema, "no changes", None);
        }
        for change in changes {
            let name = format!("{} {}", change.path, change.kind.name());
            let failure = breaking.iter().any(|b| std::ptr::eq(*b, change)).then(|| {
                let mut body = change.message.clone();
                if let Some(example) = &change.example {
                    body.push_str(&format!(
                        "\nexample (writer accepts, reader rejects): {example}"
                    ));
                }
                Failure {
                    kind: change.kind.name().to_string(),
                    message: change.message.clone(),
                    body,
                }
            });
            suite.case(files.schema, &name, failure);
        }
        doc.push(suite);
    }
    doc.write(out, "charter")
}

/// The JUnit report of a validation run. A testsuite's counts come before
/// its testcases, so the report is kept until the run ends (its size grows
/// with the invalid records, not with the input).
pub struct Validation<W> {
    out: W,
    doc: Document,
    suite: Option<Suite>,
}

impl<W: Write> Validation<W> {
    /// A report to `out`.
    pub fn new(out: W) -> Self {
        Validation {
            out,
            doc: Document::default(),
            suite: None,
        }
    }
}

impl<W: Write> Sink for Validation<W> {
    fn begin(&mut self, payload: &Payload) -> io::Result<()> {
        self.suite = Some(Suite::new(&payload.name()));
        Ok(())
    }

    fn record(&mut self, payload: &Payload, record: &RecordReport) -> io::Result<()> {
        let name = payload.name();
        let Some(suite) = self.suite.as_mut() else {
            return Ok(());
        };
        if let Some(binary) = &record.binary {
            let mut out = format!("read as {}", binary.framing);
            for note in &binary.notes {
                out.push_str(&format!("\nnote: {note}"));
            }
            suite.system_out = Some(out);
        }
        let Some(first) = record.issues.first() else {
            return Ok(());
        };
        let mut body = String::new();
        for issue in &record.issues {
            let _ = writeln!(body, "{}: {}", place(&name, issue.line), describe(issue));
        }
        let mut message = match first.unreadable() {
            Some(what) => format!("{what}: {}", first.message),
            None => format!("{}: {}", instance(&first.instance_path), first.message),
        };
        if record.issues.len() > 1 {
            message.push_str(&format!(
                " (and {})",
                count(record.issues.len() as u64 - 1, "more problem")
            ));
        }
        let failure = Failure {
            kind: first.keyword.clone(),
            message,
            body,
        };
        let case = match record.line {
            Some(line) => format!("line {line}"),
            None => "binary record".to_string(),
        };
        suite.case(&name, &case, Some(failure));
        Ok(())
    }

    fn end(&mut self, payload: &Payload, tally: Tally) -> io::Result<()> {
        let Some(mut suite) = self.suite.take() else {
            return Ok(());
        };
        let name = payload.name();
        if tally.records() == 0 {
            suite.skipped(&name, "empty file", "no records to validate");
        } else if tally.valid > 0 {
            suite.case(&name, &count(tally.valid, "valid record"), None);
        }
        self.doc.push(suite);
        Ok(())
    }

    fn finish(&mut self, summary: &Summary) -> io::Result<()> {
        if let (Some(limit), Some(last)) = (summary.stopped_at, self.doc.suites.last_mut()) {
            last.system_out = Some(stopped_note(limit));
        }
        self.doc.write(&mut self.out, "charter validate")
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// A can-i-deploy answer as a JUnit report: one testsuite per consumer, one
/// testcase per writer it must read, failing with every breaking change and
/// its example.
pub fn deploy(out: &mut impl Write, answer: &DeployAnswer) -> io::Result<()> {
    let mut doc = Document::default();
    for row in &answer.matrix {
        let name = consumer_label(row);
        if doc.suites.last().is_none_or(|s| s.name != name) {
            doc.push(Suite::new(&name));
        }
        let failure = (!row.compatible).then(|| {
            let mut body = String::new();
            for change in &row.changes {
                let _ = writeln!(
                    body,
                    "{} at {}: {}",
                    change.kind, change.path, change.message
                );
                if let Some(example) = &change.example {
                    let _ = writeln!(
                        body,
                        "  example (writer accepts, reader rejects): {example}"
                    );
                }
            }
            Failure {
                kind: row
                    .changes
                    .first()
                    .map_or_else(|| "UNREADABLE".to_string(), |c| c.kind.clone()),
                message: format!("{name} cannot read {}", writer_label(&row.writer)),
                body,
            }
        });
        let suite = doc.suites.last_mut().expect("a suite was pushed");
        suite.case(
            &name,
            &format!("reads {}", writer_label(&row.writer)),
            failure,
        );
    }
    doc.write(out, "charter can-i-deploy")
}

#[derive(Debug, Default)]
struct Document {
    suites: Vec<Suite>,
}

impl Document {
    fn push(&mut self, suite: Suite) {
        self.suites.push(suite);
    }

    fn write(&self, out: &mut impl Write, name: &str) -> io::Result<()> {
        let tests: usize = self.suites.iter().map(|s| s.tests).sum();
        let failures: usize = self.suites.iter().map(|s| s.failures).sum();
        let skipped: usize = self.suites.iter().map(|s| s.skipped).sum();
        writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
        writeln!(
            out,
            r#"<testsuites name="{}" tests="{tests}" failures="{failures}" errors="0" skipped="{skipped}">"#,
            attr(name)
        )?;
        for suite in &self.suites {
            writeln!(
                out,
                r#"  <testsuite name="{}" tests="{}" failures="{}" errors="0" skipped="{}">"#,
                attr(&suite.name),
                suite.tests,
                suite.failures,
                suite.skipped
            )?;
            out.write_all(suite.cases.as_bytes())?;
            if let Some(text) = &suite.system_out {
                writeln!(out, "    <system-out>{}</system-out>", content(text))?;
            }
            writeln!(out, "  </testsuite>")?;
        }
        writeln!(out, "</testsuites>")
    }
}

/// A testsuite, its testcases already rendered.
#[derive(Debug)]
struct Suite {
    name: String,
    tests: usize,
    failures: usize,
    skipped: usize,
    cases: String,
    system_out: Option<String>,
}

struct Failure {
    /// The `type` attribute: a change kind or a keyword.
    kind: String,
    /// The one-line `message` attribute.
    message: String,
    /// The element's text: every detail.
    body: String,
}

impl Suite {
    fn new(name: &str) -> Suite {
        Suite {
            name: name.to_string(),
            tests: 0,
            failures: 0,
            skipped: 0,
            cases: String::new(),
            system_out: None,
        }
    }

    fn case(&mut self, classname: &str, name: &str, failure: Option<Failure>) {
        self.tests += 1;
        let head = format!(
            r#"    <testcase classname="{}" name="{}""#,
            attr(classname),
            attr(name)
        );
        match failure {
            None => {
                let _ = writeln!(self.cases, "{head}/>");
            }
            Some(failure) => {
                self.failures += 1;
                let _ = writeln!(
                    self.cases,
                    "{head}>\n      <failure type=\"{}\" message=\"{}\">{}</failure>\n    </testcase>",
                    attr(&failure.kind),
                    attr(&failure.message),
                    content(failure.body.trim_end())
                );
            }
        }
    }

    fn skipped(&mut self, classname: &str, name: &str, message: &str) {
        self.tests += 1;
        self.skipped += 1;
        let _ = writeln!(
            self.cases,
            "    <testcase classname=\"{}\" name=\"{}\">\n      <skipped message=\"{}\"/>\n    </testcase>",
            attr(classname),
            attr(name),
            attr(message)
        );
    }
}

/// Escapes an attribute value: as [`content`], and quotes and line breaks.
fn attr(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c => push_content(&mut out, c),
        }
    }
    out
}

/// Escapes element text for XML 1.0. Characters XML 1.0 cannot hold at all
/// (most control characters) are written as `\u{..}`.
fn content(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        push_content(&mut out, c);
    }
    out
}

fn push_content(out: &mut String, c: char) {
    match c {
        '&' => out.push_str("&amp;"),
        '<' => out.push_str("&lt;"),
        '>' => out.push_str("&gt;"),
        '\n' | '\r' | '\t' => out.push(c),
        c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        }
        c => out.push(c),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn breaking_changes_fail_with_their_example() {
        assert_eq!(
            crate::render::tests::rendered(compat),
            r##"<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="charter" tests="2" failures="1" errors="0" skipped="0">
  <testsuite name="new.json against old.json" tests="2" failures="1" errors="0" skipped="0">
    <testcase classname="new.json" name="#/properties/id/type TYPE_CHANGED">
      <failure type="TYPE_CHANGED" message="type changed from string to integer">type changed from string to integer
example (writer accepts, reader rejects): {"id":"a&lt;b"}</failure>
    </testcase>
    <testcase classname="new.json" name="#/description DESCRIPTION_CHANGED"/>
  </testsuite>
</testsuites>
"##
        );
    }

    #[test]
    fn escaping_keeps_xml_well_formed() {
        assert_eq!(
            attr("a<b & \"c\" 'd'>\n\u{1}"),
            "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;&#10;\\u{1}"
        );
        assert_eq!(content("a<b\n\"c\"\u{1}"), "a&lt;b\n\"c\"\\u{1}");
    }
}
