//! Deserialization-failure triage: which contract wrote a message, and
//! exactly why it does not read.
//!
//! The caller brings what only it can fetch (a registry, files): the writer
//! schema for a framed message's id ([`Writer`]), the consumer's reader
//! schema ([`Reader`]), and for unframed messages the registered versions to
//! try ([`Candidate`]). Triage itself is pure:
//!
//! ```text
//! Message ──schema_id()──▶ caller fetches Writer (once per id)
//!    │                                  │
//!    └──────────── Triage::message(label, message, writer) ──▶ MessageReport
//!                                                                  │
//!                                                   Summary::add ◀─┘
//! ```
//!
//! The verdict rules, in order:
//! 1. no bytes, a header cut short, malformed Protobuf message indexes, or a
//!    payload the writer schema does not decode: `corrupt`;
//! 2. a schema id the caller could not find: `unknown_schema`;
//! 3. errors against the writer schema: `producer_invalid`;
//! 4. a reader that cannot read it: `consumer_behind` when the writer schema
//!    is a compatible evolution of the reader in the consumer's subject (a
//!    consumer upgraded to it reads old and new data alike), else
//!    `contract_broken` (the writer cannot read what the reader's version
//!    wrote, the writer is an older version the newer reader cannot read,
//!    or the writer is registered under another subject);
//! 5. otherwise `valid`.
//!
//! Unframed messages (a JSON value, JSON text, or bytes without the magic
//! byte) are tried against every candidate: `unframed_match` when one
//! accepts them, else `unframed_no_match` (or `corrupt` for bytes that are
//! neither framed nor JSON and match nothing).

mod message;
mod report;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use serde_json::Value;

pub use message::{ENVELOPE_KEYS, GuidFramed, Message, Record, decode_base64, is_envelope};
pub use report::{
    Cause, Framing, FramingKind, MAX_CAUSES, Match, MessageReport, SchemaGroup, SubjectVersion,
    Summary, Verdict,
};

use crate::change::Change;
use crate::compat::diff;
use crate::payload::{PayloadValidator, parse_json};
use crate::vocabulary::Policy;
use crate::wire::{self, FramingError, Header};

/// Most near misses listed for an unframed message that matches nothing.
pub const NEAREST_MISSES: usize = 3;
/// Most matches listed for an unframed message.
pub const MAX_MATCHES: usize = 10;

/// The schema a framed message names, as the caller found it.
#[derive(Debug, Clone)]
pub struct Writer {
    /// The schema id.
    pub schema_id: u32,
    /// The schema, prepared.
    pub validator: Arc<PayloadValidator>,
    /// Where it is registered (deleted versions included, marked).
    pub subject_versions: Vec<SubjectVersion>,
}

/// The consumer's reader schema.
#[derive(Debug, Clone)]
pub struct Reader {
    /// How reports name it (`orders-value v2`, `consumer/order.avsc`).
    pub label: String,
    /// The schema, prepared.
    pub validator: Arc<PayloadValidator>,
    /// The registered version it is, when it came from the registry.
    pub subject_version: Option<SubjectVersion>,
}

/// A registered version an unframed message is tried against.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// The subject.
    pub subject: String,
    /// The version.
    pub version: i32,
    /// Its schema id.
    pub schema_id: u32,
    /// The schema, prepared.
    pub validator: Arc<PayloadValidator>,
}

/// What triage knows besides the messages.
#[derive(Debug, Clone, Default)]
pub struct Context {
    /// The consumer's reader schema, if any.
    pub reader: Option<Reader>,
    /// The consumer's subject: where the writer should be registered (by
    /// default the reader's subject).
    pub subject: Option<String>,
    /// The versions unframed messages are tried against, in the order to
    /// prefer them on a tie (newest first).
    pub candidates: Vec<Candidate>,
}

/// The schema id a message names, for the caller to fetch; `None` when it
/// is not framed (or too short to say).
pub fn schema_id(message: &Message) -> Option<u32> {
    let bytes = message.bytes()?;
    Header::parse(bytes).ok().map(|(h, _)| h.schema_id)
}

/// Judges messages against one context. Shareable across threads; the
/// writer-versus-reader explanation is worked out once per writer id.
#[derive(Debug)]
pub struct Triage {
    context: Context,
    explanations: Mutex<HashMap<u32, Arc<Explanation>>>,
}

/// Why a reader cannot read what a writer wrote, worked out once per writer.
#[derive(Debug)]
struct Explanation {
    /// The differences that break the reader.
    changes: Arc<Vec<Change>>,
    /// True when the writer schema reads what the reader's schema accepts:
    /// the writer is a compatible evolution the consumer can upgrade to.
    writer_reads_reader: bool,
}

impl Triage {
    /// Triage in `context`.
    pub fn new(context: Context) -> Triage {
        Triage {
            context,
            explanations: Mutex::new(HashMap::new()),
        }
    }

    /// The context.
    pub fn context(&self) -> &Context {
        &self.context
    }

    /// Judges one message. `writer` is the schema the caller found for
    /// [`schema_id`]`(message)` (`None` when it is unknown or the message is
    /// not framed).
    pub fn message(
        &self,
        label: &str,
        message: &Message,
        writer: Option<&Writer>,
    ) -> MessageReport {
        let mut report = MessageReport {
            message: label.to_string(),
            verdict: Verdict::Valid,
            summary: String::new(),
            framing: Framing {
                kind: FramingKind::None,
                detail: String::new(),
                message_indexes: None,
            },
            schema_id: None,
            subject_versions: Vec::new(),
            writer_errors: Vec::new(),
            reader_errors: Vec::new(),
            changes: Arc::new(Vec::new()),
            matches: Vec::new(),
        };
        let bytes = match message {
            Message::Json(value) => {
                report.framing.detail = "none: a JSON value".to_string();
                self.unframed(&mut report, Unframed::Json(value));
                return report;
            }
            Message::Bytes(bytes) => bytes,
        };
        let rest = match Header::parse(bytes) {
            Ok((header, rest)) => {
                report.schema_id = Some(header.schema_id);
                report.framing.kind = FramingKind::Confluent;
                report.framing.detail = format!(
                    "magic byte 0, schema id {}, {} bytes after the header",
                    header.schema_id,
                    rest.len()
                );
                rest
            }
            Err(FramingError::WrongMagic { found }) => {
                match parse_json(bytes) {
                    Ok(value) => {
                        report.framing.detail = "none: JSON text".to_string();
                        self.unframed(&mut report, Unframed::Json(&value));
                    }
                    Err(_) => {
                        report.framing.kind = FramingKind::WrongMagic;
                        report.framing.detail =
                            format!("none: the first byte is 0x{found:02x}, not the magic byte 0");
                        self.unframed(&mut report, Unframed::Binary(bytes));
                    }
                }
                return report;
            }
            Err(e) => {
                report.framing.kind = match e {
                    FramingError::Empty => FramingKind::Empty,
                    _ => FramingKind::TooShort,
                };
                report.framing.detail = e.to_string();
                report.verdict = Verdict::Corrupt;
                report.summary = format!("payload is corrupt: {e}");
                return report;
            }
        };
        let Some(writer) = writer else {
            let id = report.schema_id.unwrap_or_default();
            report.verdict = Verdict::UnknownSchema;
            report.summary =
                format!("unknown schema id {id}: the registry has no schema with this id");
            return report;
        };
        report.subject_versions = writer.subject_versions.clone();
        self.framed(&mut report, writer, rest);
        report
    }

    fn framed(&self, report: &mut MessageReport, writer: &Writer, rest: &[u8]) {
        let described = describe(writer);
        let (indexes, payload) = if writer.validator.schema().capabilities().message_indexes {
            match wire::message_indexes(rest) {
                Ok((indexes, payload)) => (Some(indexes), payload),
                Err(e) => {
                    report.framing.kind = FramingKind::BadMessageIndexes;
                    report.framing.detail = e.to_string();
                    report.verdict = Verdict::Corrupt;
                    report.summary = format!("payload is corrupt: {e}");
                    return;
                }
            }
        } else {
            (None, rest)
        };
        report.framing.message_indexes = indexes.clone();
        let decoded = match writer.validator.decode(payload, indexes.as_deref()) {
            Ok(decoded) => decoded,
            Err(issue) => {
                // A proto2 required field missing decodes otherwise: the
                // producer's fault, not the bytes'.
                let producer = issue.keyword == "required";
                report.verdict = if producer {
                    Verdict::ProducerInvalid
                } else {
                    Verdict::Corrupt
                };
                report.summary = if producer {
                    format!("producer wrote invalid data: {issue}, against its schema {described}")
                } else {
                    format!(
                        "payload is corrupt: it does not decode with its schema {described}: {}",
                        issue.message
                    )
                };
                report.writer_errors.push(issue);
                return;
            }
        };
        report.writer_errors = writer.validator.check_decoded(&decoded);
        if !report.writer_errors.is_empty() {
            let n = report.writer_errors.len();
            report.verdict = Verdict::ProducerInvalid;
            report.summary = format!(
                "producer wrote invalid data: {n} error{} against its own schema {described}, first {}",
                plural(n),
                report.writer_errors[0]
            );
            return;
        }
        let Some(reader) = &self.context.reader else {
            report.summary = format!("valid: written with schema {described}");
            return;
        };
        let raw = writer
            .validator
            .schema()
            .capabilities()
            .binary
            .then_some(payload);
        report.reader_errors = writer.validator.read_as(&reader.validator, &decoded, raw);
        if report.reader_errors.is_empty() {
            report.summary = format!(
                "valid: written with schema {described}, readable by {}",
                reader.label
            );
            return;
        }
        self.unreadable(report, writer, reader, &described);
    }

    /// The reader cannot read the message: whose fault is it?
    fn unreadable(
        &self,
        report: &mut MessageReport,
        writer: &Writer,
        reader: &Reader,
        described: &str,
    ) {
        let explanation = self.explanation(writer, reader);
        report.changes = explanation.changes.clone();
        let subject = self.context.subject.as_deref().or(reader
            .subject_version
            .as_ref()
            .map(|sv| sv.subject.as_str()));
        let in_subject = subject.map(|subject| {
            writer
                .subject_versions
                .iter()
                .filter(|sv| sv.subject == subject)
                .map(|sv| sv.version)
                .max()
        });
        let first = &report.reader_errors[0];
        let n = report.reader_errors.len();
        let why = format!("{n} reason{}, first {first}", plural(n));
        let broken = |report: &mut MessageReport, because: String| {
            report.verdict = Verdict::ContractBroken;
            report.summary = format!(
                "producer broke the contract: {} cannot read schema {described} ({because}); {why}",
                reader.label
            );
        };
        match in_subject {
            Some(None) => broken(
                report,
                format!(
                    "the writer is not registered under {}",
                    subject.unwrap_or_default()
                ),
            ),
            Some(Some(writer_version))
                if reader.subject_version.as_ref().is_some_and(|r| {
                    Some(r.subject.as_str()) == subject && writer_version < r.version
                }) =>
            {
                broken(
                    report,
                    "the writer is an older version the newer reader must read".to_string(),
                )
            }
            _ if !explanation.writer_reads_reader => broken(
                report,
                "the change is incompatible both ways, as only mode NONE lets through".to_string(),
            ),
            _ => {
                let target = match (subject, in_subject.flatten()) {
                    (Some(subject), Some(version)) => format!("{subject} v{version}"),
                    _ => format!("schema {}", writer.schema_id),
                };
                report.verdict = Verdict::ConsumerBehind;
                report.summary = format!(
                    "consumer is behind the producer: {} cannot read schema {described}, a later compatible version; upgrade the consumer to {target}; {why}",
                    reader.label
                );
            }
        }
    }

    fn explanation(&self, writer: &Writer, reader: &Reader) -> Arc<Explanation> {
        if let Some(known) = self
            .explanations
            .lock()
            .expect("no panic while holding the lock")
            .get(&writer.schema_id)
        {
            return known.clone();
        }
        let (old, new) = (reader.validator.schema(), writer.validator.schema());
        let explanation = match diff(old, new, Policy::Strict) {
            Ok(changes) => Explanation {
                writer_reads_reader: !changes.iter().any(|c| c.breaks.backward),
                changes: Arc::new(changes.into_iter().filter(|c| c.breaks.forward).collect()),
            },
            // Schemas of different formats: nothing to compare.
            Err(_) => Explanation {
                writer_reads_reader: false,
                changes: Arc::new(Vec::new()),
            },
        };
        let explanation = Arc::new(explanation);
        self.explanations
            .lock()
            .expect("no panic while holding the lock")
            .insert(writer.schema_id, explanation.clone());
        explanation
    }

    fn unframed(&self, report: &mut MessageReport, payload: Unframed<'_>) {
        let mut tried: Vec<Match> = self
            .context
            .candidates
            .iter()
            .map(|candidate| {
                let issues = match payload {
                    Unframed::Json(value) => candidate.validator.check(value),
                    Unframed::Binary(bytes) => match candidate.validator.decode(bytes, None) {
                        Ok(decoded) => candidate.validator.check(&decoded.value),
                        Err(issue) => vec![issue],
                    },
                };
                Match {
                    subject: candidate.subject.clone(),
                    version: candidate.version,
                    schema_id: candidate.schema_id,
                    errors: issues.len(),
                    first_error: issues.into_iter().next(),
                }
            })
            .collect();
        // Stable: among equals, the caller's order (newest first).
        tried.sort_by_key(|m| m.errors);
        let matched = tried.iter().take_while(|m| m.errors == 0).count();
        tried.truncate(if matched > 0 {
            matched.min(MAX_MATCHES)
        } else {
            NEAREST_MISSES
        });
        report.matches = tried;
        let binary = matches!(payload, Unframed::Binary(_));
        if matched > 0 {
            let best = &report.matches[0];
            report.verdict = Verdict::UnframedMatch;
            report.summary = format!(
                "not framed: the payload conforms to {} v{} (schema id {}){}",
                best.subject,
                best.version,
                best.schema_id,
                match matched {
                    1 => String::new(),
                    n => format!(" and {} other version{}", n - 1, plural(n - 1)),
                }
            );
            return;
        }
        report.verdict = if binary {
            Verdict::Corrupt
        } else {
            Verdict::UnframedNoMatch
        };
        let what = if binary {
            format!(
                "payload is corrupt or not framed: {}",
                report.framing.detail
            )
        } else {
            "not framed".to_string()
        };
        report.summary = match report.matches.first() {
            None if self.context.candidates.is_empty() => {
                format!(
                    "{what}, and there are no registered versions to match it against (give a subject)"
                )
            }
            None => format!("{what}, and it conforms to no registered version"),
            Some(nearest) => format!(
                "{what}, and it conforms to no registered version; nearest {} v{} with {} error{}",
                nearest.subject,
                nearest.version,
                nearest.errors,
                plural(nearest.errors)
            ),
        };
    }
}

#[derive(Clone, Copy)]
enum Unframed<'a> {
    Json(&'a Value),
    Binary(&'a [u8]),
}

/// `12 (orders-value v3)`.
fn describe(writer: &Writer) -> String {
    if writer.subject_versions.is_empty() {
        return writer.schema_id.to_string();
    }
    let places: Vec<String> = writer
        .subject_versions
        .iter()
        .map(ToString::to_string)
        .collect();
    format!("{} ({})", writer.schema_id, places.join(", "))
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

#[cfg(test)]
mod tests;
