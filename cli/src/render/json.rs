//! `--output json`: one JSON object per run.

use std::io::{self, Write};

use schemas::CompatReport;
use serde::Serialize;

use crate::client::DeployAnswer;
use crate::validate::{BinaryRecord, Framing, Payload, RecordReport, Sink, Summary, Tally};

/// The JSON report: `{"compatible", "mode", "policy", "changes": [...]}`.
pub fn compat(out: &mut impl Write, report: &CompatReport) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, report).map_err(io::Error::other)?;
    writeln!(out)
}

/// A can-i-deploy answer as the registry gave it, with the subject and
/// environment asked about: `{"subject", "environment", "ok", "matrix"}`.
pub fn deploy(
    out: &mut impl Write,
    answer: &DeployAnswer,
    subject: &str,
    environment: &str,
) -> io::Result<()> {
    let mut value = serde_json::to_value(answer).map_err(io::Error::other)?;
    value["subject"] = subject.into();
    value["environment"] = environment.into();
    serde_json::to_writer_pretty(&mut *out, &value).map_err(io::Error::other)?;
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
///
/// A binary record (`--binary`) has no `line`; its errors carry the
/// `schema_id` its framing names, and its `files` entry says how it was
/// framed: `"framing": "confluent" | "header" | "single-object" | "none"`,
/// `schema_id`, `schema_guid` (header framing by GUID), `message_indexes`,
/// `fingerprint` (hex), `message` (Protobuf) and `notes` when there are any.
pub struct Validation<W> {
    out: W,
    opened: bool,
    errors: usize,
    files: Vec<FileEntry>,
    /// The framing of the binary record of the file being read.
    binary: Option<BinaryRecord>,
}

#[derive(Serialize)]
struct ErrorEntry<'a> {
    file: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    schema_id: Option<u32>,
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
    #[serde(flatten)]
    binary: Option<BinaryEntry>,
}

#[derive(Serialize)]
struct BinaryEntry {
    framing: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    schema_id: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    schema_guid: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message_indexes: Option<Vec<usize>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fingerprint: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    notes: Vec<String>,
}

impl From<BinaryRecord> for BinaryEntry {
    fn from(binary: BinaryRecord) -> Self {
        let (message_indexes, fingerprint) = match &binary.framing {
            Framing::Confluent { indexes, .. } => (indexes.clone(), None),
            Framing::Header(header) => (header.indexes.clone(), None),
            Framing::SingleObject { fingerprint } => (None, Some(format!("{fingerprint:016x}"))),
            Framing::Unframed => (None, None),
        };
        BinaryEntry {
            framing: binary.framing.name(),
            schema_id: binary.framing.schema_id(),
            schema_guid: binary.framing.schema_guid(),
            message_indexes,
            fingerprint,
            message: binary.message,
            notes: binary.notes,
        }
    }
}

impl<W: Write> Validation<W> {
    /// A report to `out`.
    pub fn new(out: W) -> Self {
        Validation {
            out,
            opened: false,
            errors: 0,
            files: Vec::new(),
            binary: None,
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

    fn record(&mut self, payload: &Payload, record: &RecordReport) -> io::Result<()> {
        let file = payload.name();
        let schema_id = record.binary.as_ref().and_then(|b| b.framing.schema_id());
        for issue in &record.issues {
            let entry = ErrorEntry {
                file: &file,
                line: issue.line,
                schema_id,
                instance_path: &issue.instance_path,
                keyword: &issue.keyword,
                schema_path: &issue.schema_path,
                message: &issue.message,
            };
            let separator = if self.errors == 0 { "" } else { "," };
            write!(self.out, "{separator}\n    {}", compact(&entry)?)?;
            self.errors += 1;
        }
        if let Some(binary) = &record.binary {
            self.binary = Some(binary.clone());
        }
        Ok(())
    }

    fn end(&mut self, payload: &Payload, tally: Tally) -> io::Result<()> {
        self.files.push(FileEntry {
            file: payload.name(),
            valid: tally.valid,
            invalid: tally.invalid,
            binary: self.binary.take().map(BinaryEntry::from),
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
