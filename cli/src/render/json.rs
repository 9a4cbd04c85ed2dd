//! `--output json`: one JSON object per run.

use std::io::{self, Write};

use schemas::CompatReport;
use serde::Serialize;

use crate::validate::{InvalidRecord, Payload, Sink, Summary, Tally};

/// The JSON report: `{"compatible", "mode", "policy", "changes": [...]}`.
pub fn compat(out: &mut impl Write, report: &CompatReport) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, report).map_err(io::Error::other)?;
    writeln!(out)
}

/// The JSON report of a validation run, one object:
///
/// ```json
/// {
///   "errors": [
///     {"file": "a.ndjson", "line": 3, "instance_path": "/id", "keyword": "format",
///      "schema_path": "#/properties/id/format", "message": "\"x\" is not a \"uuid\""}
///   ],
///   "valid": 9,
///   "invalid": 1,
///   "stopped_early": false,
///   "files": [{"file": "a.ndjson", "valid": 9, "invalid": 1}]
/// }
/// ```
///
/// Errors are written as records are judged, one per line, so the report
/// streams however many there are; that is why `errors` comes first.
pub struct Validation<W> {
    out: W,
    opened: bool,
    errors: usize,
    files: Vec<FileEntry>,
}

#[derive(Serialize)]
struct ErrorEntry<'a> {
    file: &'a str,
    line: u64,
    instance_path: &'a str,
    keyword: &'a str,
    schema_path: &'a str,
    message: &'a str,
}

#[derive(Serialize)]
struct FileEntry {
    file: String,
    valid: u64,
    invalid: u64,
}

impl<W: Write> Validation<W> {
    /// A report to `out`.
    pub fn new(out: W) -> Self {
        Validation {
            out,
            opened: false,
            errors: 0,
            files: Vec::new(),
        }
    }

    /// Writes the head of the object, once.
    fn open(&mut self) -> io::Result<()> {
        if !self.opened {
            self.opened = true;
            write!(self.out, "{{\n  \"errors\": [")?;
        }
        Ok(())
    }
}

impl<W: Write> Sink for Validation<W> {
    fn begin(&mut self, _: &Payload) -> io::Result<()> {
        self.open()
    }

    fn invalid(&mut self, payload: &Payload, record: &InvalidRecord) -> io::Result<()> {
        let file = payload.name();
        for issue in &record.issues {
            let entry = ErrorEntry {
                file: &file,
                line: issue.line,
                instance_path: &issue.instance_path,
                keyword: &issue.keyword,
                schema_path: &issue.schema_path,
                message: &issue.message,
            };
            let separator = if self.errors == 0 { "" } else { "," };
            write!(self.out, "{separator}\n    {}", compact(&entry)?)?;
            self.errors += 1;
        }
        Ok(())
    }

    fn end(&mut self, payload: &Payload, tally: Tally) -> io::Result<()> {
        self.files.push(FileEntry {
            file: payload.name(),
            valid: tally.valid,
            invalid: tally.invalid,
        });
        Ok(())
    }

    fn finish(&mut self, summary: &Summary) -> io::Result<()> {
        self.open()?;
        let close = if self.errors == 0 { "]" } else { "\n  ]" };
        writeln!(self.out, "{close},")?;
        writeln!(self.out, "  \"valid\": {},", summary.tally.valid)?;
        writeln!(self.out, "  \"invalid\": {},", summary.tally.invalid)?;
        writeln!(
            self.out,
            "  \"stopped_early\": {},",
            summary.stopped_at.is_some()
        )?;
        write!(self.out, "  \"files\": [")?;
        for (i, file) in self.files.iter().enumerate() {
            let separator = if i == 0 { "" } else { "," };
            write!(self.out, "{separator}\n    {}", compact(file)?)?;
        }
        let close = if self.files.is_empty() { "]" } else { "\n  ]" };
        writeln!(self.out, "{close}\n}}")
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

fn compact(value: &impl Serialize) -> io::Result<String> {
    serde_json::to_string(value).map_err(io::Error::other)
}
