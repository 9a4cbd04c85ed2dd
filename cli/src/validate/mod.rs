//! Validating payload files against one prepared schema, streaming.
//!
//! The schema arrives parsed ([`schemas::Schema`]); where it came from (a
//! file, a registry) is the caller's business. [`Validator::new`] prepares it
//! once, in any format (JSON Schema, Avro, Protobuf), and [`run`] checks
//! every record of every payload with that one validator, shared by a pool of
//! worker threads (the threads, the pool and the ordering are
//! `crate::pipeline`'s, which `charter triage` runs too):
//!
//! ```text
//! reader thread ──batches──▶ workers (one per core) ──results──▶ caller's thread
//!      ▲                                                             │
//!      └──────────────── empty batch buffers (a fixed pool) ◀────────┘
//! ```
//!
//! Records are JSON text (NDJSON lines, array elements, one document: JSON
//! Schema instances, Avro datums in the JSON encoding, Protobuf messages in
//! the JSON mapping), or with `--binary` one binary-encoded record per file,
//! Confluent-framed or not ([`binary`]).
//!
//! *Architecture invariant:* memory does not grow with the input. The reader
//! fills batches from a fixed pool of buffers and cannot read ahead of the
//! pool; a buffer goes back to the pool only once its results were reported,
//! in input order. So the output is deterministic whatever the threads do,
//! and at most [`POOL_PER_WORKER`] batches per worker are in flight.
//!
//! Nothing here prints: results go to a [`Sink`] the caller chooses.

mod binary;
mod pipeline;
mod progress;
pub(crate) mod source;
mod worker;

use std::io;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Result, anyhow, bail};
use schemas::Schema;
use schemas::payload::{
    BINARY_KEYWORD, Decoded, JSON_KEYWORD, PayloadIssue, PayloadValidator, PrepareError,
};
use schemas::protobuf::PayloadError;
use schemas::wire;

pub use binary::{BinaryRecord, Framing, HeaderFraming};
pub use pipeline::run;
pub use progress::Progress;
pub(crate) use progress::thousands;

pub use crate::pipeline::POOL_PER_WORKER;

/// The keyword of [`Issue`]s for framing that cannot be read (Protobuf
/// message indexes or an Avro single-object header cut short).
pub const FRAMING_KEYWORD: &str = "framing";

/// A schema prepared once for many records.
#[derive(Debug)]
pub struct Validator {
    inner: PayloadValidator,
    /// The format has a cheap yes/no check (JSON Schema): the explaining
    /// walk runs only for rejected records.
    fast: bool,
    /// The schema's registry id and how reports name it, when it came from a
    /// registry: a framed record naming another id is told so.
    registered: Option<(i64, String)>,
    /// The schema-id header that frames every binary record
    /// (`--schema-id-header`).
    header: Option<HeaderFraming>,
}

impl Validator {
    /// Prepares `schema`. `message` names the Protobuf message JSON records
    /// are (full or package-relative name; by default the first top-level
    /// message). It is refused for other formats, and an unknown name is
    /// answered with the file's messages.
    pub fn new(schema: Arc<Schema>, message: Option<&str>) -> Result<Validator> {
        let fast = schema.capabilities().quick_check;
        let messages = schema.message_names();
        let inner = PayloadValidator::new(schema, message).map_err(|e| match &e {
            PrepareError::MessageNotProtobuf(t) => {
                anyhow!("--message applies to Protobuf schemas only, this is {t}")
            }
            PrepareError::Message(PayloadError::UnknownMessage { name }) => {
                anyhow!(
                    "--message {name}: no such message; the file's messages are {}",
                    messages.join(", ")
                )
            }
            _ => anyhow!(e),
        })?;
        Ok(Validator {
            inner,
            fast,
            registered: None,
            header: None,
        })
    }

    /// The same validator, decoding binary records within `limits`.
    pub fn within(mut self, limits: schemas::payload::DecodeLimits) -> Validator {
        self.inner = self.inner.with_limits(limits);
        self
    }

    /// Says the schema is registered with `id`, named `label` in reports
    /// (`orders-value version 2`).
    pub fn registered(mut self, id: i64, label: String) -> Validator {
        self.registered = Some((id, label));
        self
    }

    /// Reads every binary record as framed by a schema-id header: `schema`
    /// (with `schema_id`, its registry id when known) and `rest`, the bytes
    /// after the id or GUID, which are the message indexes for Protobuf and
    /// nothing for the other formats.
    pub fn framed_by_header(
        mut self,
        schema: wire::HeaderSchema,
        schema_id: Option<u32>,
        rest: &[u8],
    ) -> Result<Validator> {
        let indexes = if self.inner.schema().capabilities().message_indexes {
            let (indexes, after) = wire::message_indexes(rest)
                .map_err(|e| anyhow!("--schema-id-header: {e}, after the schema id or GUID"))?;
            if !after.is_empty() {
                bail!(
                    "--schema-id-header: {} bytes after the Protobuf message indexes; the header ends with them",
                    after.len()
                );
            }
            if self.inner.message_at(&indexes).is_none() {
                bail!(
                    "--schema-id-header: the message indexes {indexes:?} name no message of the schema"
                );
            }
            Some(indexes)
        } else if !rest.is_empty() {
            bail!(
                "--schema-id-header: {} bytes after the schema id or GUID; only a Protobuf schema's header has more (its message indexes)",
                rest.len()
            );
        } else {
            None
        };
        self.header = Some(HeaderFraming {
            schema,
            schema_id,
            indexes,
        });
        Ok(self)
    }

    /// The same validator, also evaluating the schema's domain `rules` on
    /// every record the schema accepts.
    pub fn with_rules(mut self, rules: schemas::rules::DomainRules) -> Validator {
        self.inner = self.inner.with_rules(rules);
        self
    }

    /// The issues of a JSON record (a JSON Schema instance, an Avro datum in
    /// the JSON encoding, a Protobuf message in the JSON mapping); empty when
    /// it is valid. A record the schema accepts is then held to the domain
    /// rules, if any.
    pub(crate) fn check(&self, value: &serde_json::Value) -> Vec<PayloadIssue> {
        let issues = if self.fast && self.inner.is_valid(value) {
            Vec::new()
        } else {
            self.inner.check(value)
        };
        if issues.is_empty() && self.inner.has_rules() {
            return self.inner.check_rules(value, None);
        }
        issues
    }

    /// The issues of a record decoded from bytes: decoding a binary encoding
    /// (Avro, Protobuf) checked every value, a JSON Schema instance is
    /// checked here; then the domain rules, as for [`check`](Self::check).
    pub(crate) fn check_decoded(&self, decoded: &Decoded) -> Vec<PayloadIssue> {
        let issues = if self.fast && self.inner.is_valid(&decoded.value) {
            Vec::new()
        } else {
            self.inner.check_decoded(decoded)
        };
        if issues.is_empty() && self.inner.has_rules() {
            return self
                .inner
                .check_rules(&decoded.value, decoded.message.as_deref());
        }
        issues
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
    /// The whole input is one serialized record (`--binary`), framed or not.
    Binary,
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
    /// Bounds on decoding one binary record.
    pub decode: schemas::payload::DecodeLimits,
}

/// One reason a record is invalid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    /// The line of the problem: the record's first line, or for invalid JSON
    /// the line the parser stopped at; `None` for a binary record.
    pub line: Option<u64>,
    /// JSON pointer into the record (`""` for the record itself).
    pub instance_path: String,
    /// The failing rule: a JSON Schema keyword, `avro`, `protobuf`,
    /// `required`; `json` when the record is not JSON, `binary` when its
    /// bytes do not decode, `framing` when its framing is broken.
    pub keyword: String,
    /// Where the rule is in the schema, as a fragment (`#/$defs/Money/minimum`);
    /// empty when the format gives no place. A keyword of a referenced
    /// document is prefixed by that document's name.
    pub schema_path: String,
    /// What is wrong, for a person.
    pub message: String,
}

impl Issue {
    /// `issue`, found at `line`.
    pub fn new(line: Option<u64>, issue: PayloadIssue) -> Issue {
        Issue {
            line,
            instance_path: issue.instance_path,
            keyword: issue.keyword,
            schema_path: issue.schema_path,
            message: issue.message,
        }
    }

    /// When the record could not be read at all, what it is (`invalid JSON`,
    /// `cannot decode`, `bad framing`); `None` for a record that was read
    /// and broke a rule of the schema.
    pub fn unreadable(&self) -> Option<&'static str> {
        match self.keyword.as_str() {
            JSON_KEYWORD => Some("invalid JSON"),
            BINARY_KEYWORD => Some("cannot decode"),
            FRAMING_KEYWORD => Some("bad framing"),
            _ => None,
        }
    }
}

/// A record with something to report: every reason it is invalid, and for a
/// binary record how it was framed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordReport {
    /// The record's first line; `None` for a binary record (the whole input).
    pub line: Option<u64>,
    /// Why the record is invalid; empty for a valid record (reported for
    /// what its framing says).
    pub issues: Vec<Issue>,
    /// For a binary record: its framing and notes.
    pub binary: Option<BinaryRecord>,
}

impl RecordReport {
    /// True when the schema rejects the record (or it cannot be read).
    pub fn is_invalid(&self) -> bool {
        !self.issues.is_empty()
    }

    /// Notes that do not make the record invalid (a framed schema id other
    /// than the one validated against, a fingerprint that does not match).
    pub fn notes(&self) -> &[String] {
        self.binary.as_ref().map_or(&[], |b| &b.notes)
    }
}

/// Records counted in one payload input (or all of them).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// Records the schema accepts.
    pub valid: u64,
    /// Records it rejects, and records that cannot be read.
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
    /// A record of `payload` has something to report: it is invalid, or it
    /// is a binary record (valid or not, with its framing).
    fn record(&mut self, payload: &Payload, record: &RecordReport) -> io::Result<()>;
    /// `payload` was read up to its end (or up to the stop).
    fn end(&mut self, payload: &Payload, tally: Tally) -> io::Result<()>;
    /// The run is over.
    fn finish(&mut self, summary: &Summary) -> io::Result<()>;
    /// Pushes buffered output out (before a progress line is drawn).
    fn flush(&mut self) -> io::Result<()>;
}
