//! Validating payload files against one compiled schema, streaming.
//!
//! The schema arrives parsed ([`schemas::Schema`]); where it came from (a
//! file, a registry) is the caller's business. [`Validator::new`] compiles it
//! once and [`run`] checks every record of every payload with that one
//! validator, shared by a pool of worker threads:
//!
//! ```text
//! reader thread ──batches──▶ workers (one per core) ──results──▶ caller's thread
//!      ▲                                                             │
//!      └──────────────── empty batch buffers (a fixed pool) ◀────────┘
//! ```
//!
//! *Architecture invariant:* memory does not grow with the input. The reader
//! fills batches from a fixed pool of buffers and cannot read ahead of the
//! pool; a buffer goes back to the pool only once its results were reported,
//! in input order. So the output is deterministic whatever the threads do,
//! and at most [`POOL_PER_WORKER`] batches per worker are in flight.
//!
//! Nothing here prints: results go to a [`Sink`] the caller chooses.

mod pipeline;
mod progress;
pub(crate) mod source;
mod worker;

use std::io;
use std::path::PathBuf;

use anyhow::{Result, bail};

pub use pipeline::run;
pub use progress::Progress;

/// Batches in flight per worker thread (queued, being checked, or waiting to
/// be reported in order).
pub const POOL_PER_WORKER: usize = 4;

/// The longest message reported for one error, in bytes; longer ones (they
/// quote the offending value) are cut with `…`.
pub const MAX_MESSAGE: usize = 400;

/// A schema compiled once for many records.
#[derive(Debug)]
pub struct Validator {
    inner: jsonschema::Validator,
    /// The base URI of the schema document, to tell keywords found in
    /// referenced documents apart in `schema_path`.
    base: String,
}

impl Validator {
    /// Compiles `schema` (a JSON Schema) with formats asserted and numbers
    /// compared exactly.
    pub fn new(schema: &schemas::Schema) -> Result<Validator> {
        let Some(json) = schema.as_json() else {
            bail!(
                "payloads can only be validated against a JSON Schema, this is {}",
                schema.schema_type()
            );
        };
        let inner = json
            .validator()
            .map_err(|e| anyhow::anyhow!("cannot build a validator: {e}"))?;
        let base = json
            .value()
            .get("$id")
            .and_then(|id| id.as_str())
            .map_or("charter:///root.json", |id| {
                id.split('#').next().unwrap_or(id)
            })
            .to_string();
        Ok(Validator { inner, base })
    }
}

/// How records are laid out in a payload input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// One JSON document per line (NDJSON, JSON Lines); blank lines are skipped.
    Lines,
    /// The whole input is one JSON document, one record.
    Document,
    /// The whole input is one JSON array; each element is a record.
    Array,
}

/// Where a payload input is read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// Standard input.
    Stdin,
    /// A file.
    File(PathBuf),
}

/// One payload input.
#[derive(Debug, Clone)]
pub struct Payload {
    /// Where it is read from.
    pub origin: Origin,
    /// How its records are laid out.
    pub layout: Layout,
}

impl Payload {
    /// The name reports use: the path as given, or `<stdin>`.
    pub fn name(&self) -> String {
        match &self.origin {
            Origin::Stdin => "<stdin>".to_string(),
            Origin::File(path) => path.display().to_string(),
        }
    }

    /// The file, when it is one (not stdin).
    pub fn file(&self) -> Option<&std::path::Path> {
        match &self.origin {
            Origin::Stdin => None,
            Origin::File(path) => Some(path),
        }
    }
}

/// How to run.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Worker threads (at least one).
    pub jobs: usize,
    /// Stop once this many invalid records were reported.
    pub max_invalid: Option<u64>,
}

/// One reason a record is invalid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    /// The line of the problem: the record's first line, or for invalid JSON
    /// the line the parser stopped at.
    pub line: u64,
    /// JSON pointer into the record (`""` for the record itself).
    pub instance_path: String,
    /// The failing keyword, or `json` when the record is not JSON.
    pub keyword: String,
    /// Where the keyword is in the schema, as a fragment (`#/$defs/Money/minimum`);
    /// empty for invalid JSON. A keyword of a referenced document is prefixed
    /// by that document's name.
    pub schema_path: String,
    /// What is wrong, for a person.
    pub message: String,
}

impl Issue {
    /// True when the record is not JSON at all.
    pub fn is_json_error(&self) -> bool {
        self.keyword == JSON_KEYWORD
    }
}

/// The keyword of [`Issue`]s for records that are not JSON.
pub const JSON_KEYWORD: &str = "json";

/// A record that failed, with every reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidRecord {
    /// The record's first line.
    pub line: u64,
    /// At least one.
    pub issues: Vec<Issue>,
}

/// Records counted in one payload input (or all of them).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// Records the schema accepts.
    pub valid: u64,
    /// Records it rejects, and records that are not JSON.
    pub invalid: u64,
}

impl Tally {
    /// Every record counted.
    pub fn records(&self) -> u64 {
        self.valid + self.invalid
    }

    fn add(&mut self, other: Tally) {
        self.valid += other.valid;
        self.invalid += other.invalid;
    }
}

/// The outcome of a run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    /// Every record checked.
    pub tally: Tally,
    /// Payload inputs read (fully, or up to the stop).
    pub inputs: usize,
    /// `Some(limit)` when the run stopped at `--max-errors limit` before the
    /// end of the input.
    pub stopped_at: Option<u64>,
}

/// Receives the results of a run, in input order.
pub trait Sink {
    /// A payload input is about to be read.
    fn begin(&mut self, payload: &Payload) -> io::Result<()>;
    /// A record of `payload` is invalid.
    fn invalid(&mut self, payload: &Payload, record: &InvalidRecord) -> io::Result<()>;
    /// `payload` was read up to its end (or up to the stop).
    fn end(&mut self, payload: &Payload, tally: Tally) -> io::Result<()>;
    /// The run is over.
    fn finish(&mut self, summary: &Summary) -> io::Result<()>;
    /// Pushes buffered output out (before a progress line is drawn).
    fn flush(&mut self) -> io::Result<()>;
}

/// Cuts `message` to [`MAX_MESSAGE`] bytes on a character boundary.
pub(crate) fn clip(mut message: String) -> String {
    if message.len() > MAX_MESSAGE {
        let mut end = MAX_MESSAGE;
        while !message.is_char_boundary(end) {
            end -= 1;
        }
        message.truncate(end);
        message.push('…');
    }
    message
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_messages_are_cut_on_a_character_boundary() {
        let message = "é".repeat(MAX_MESSAGE);
        let clipped = clip(message);
        assert!(clipped.len() <= MAX_MESSAGE + '…'.len_utf8());
        assert!(clipped.ends_with('…'));
        assert_eq!(clip("short".to_string()), "short");
    }
}
