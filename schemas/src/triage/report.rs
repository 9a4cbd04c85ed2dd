//! What triage says about one message, and about many.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Serialize;

use crate::change::Change;
use crate::payload::PayloadIssue;

/// The one-word outcome for a message, the first thing a person reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Framed, written with a known schema, valid against it, and readable
    /// by the consumer's reader (when one was given).
    Valid,
    /// The producer published data its own schema rejects.
    ProducerInvalid,
    /// The writer schema is a later, compatible evolution of the consumer's
    /// reader: upgrading the consumer fixes it.
    ConsumerBehind,
    /// The writer schema cannot be read by the consumer's reader and is no
    /// compatible evolution of it: an incompatible version was registered
    /// (under mode NONE, or in another subject).
    ContractBroken,
    /// The bytes are not a message: too short, malformed framing, or a
    /// payload that does not decode with its writer schema.
    Corrupt,
    /// Framed with a schema id the registry does not know.
    UnknownSchema,
    /// Not framed, and it conforms to at least one registered version.
    UnframedMatch,
    /// Not framed, and it conforms to no registered version tried.
    UnframedNoMatch,
}

impl Verdict {
    /// Every verdict, in report order.
    pub const ALL: [Verdict; 8] = [
        Verdict::Valid,
        Verdict::ProducerInvalid,
        Verdict::ConsumerBehind,
        Verdict::ContractBroken,
        Verdict::Corrupt,
        Verdict::UnknownSchema,
        Verdict::UnframedMatch,
        Verdict::UnframedNoMatch,
    ];

    /// The name used in JSON reports (`producer_invalid`).
    pub fn name(self) -> &'static str {
        match self {
            Verdict::Valid => "valid",
            Verdict::ProducerInvalid => "producer_invalid",
            Verdict::ConsumerBehind => "consumer_behind",
            Verdict::ContractBroken => "contract_broken",
            Verdict::Corrupt => "corrupt",
            Verdict::UnknownSchema => "unknown_schema",
            Verdict::UnframedMatch => "unframed_match",
            Verdict::UnframedNoMatch => "unframed_no_match",
        }
    }
}

impl std::fmt::Display for Verdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// How the message was framed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FramingKind {
    /// Magic byte 0 and a schema id (and for Protobuf, message indexes).
    Confluent,
    /// No framing: a JSON value, or JSON text.
    None,
    /// Bytes that are not JSON and do not start with the magic byte.
    WrongMagic,
    /// The magic byte, but fewer bytes than the header needs.
    TooShort,
    /// No bytes at all (a tombstone).
    Empty,
    /// A Protobuf message-index list that is cut short or malformed.
    BadMessageIndexes,
}

/// The framing found, for the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Framing {
    /// What was found.
    pub kind: FramingKind,
    /// The same, for a person (`magic byte 0, schema id 12, 240 payload bytes`).
    pub detail: String,
    /// For Protobuf, the message indexes read after the schema id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message_indexes: Option<Vec<usize>>,
}

/// A subject and version a schema is registered under.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct SubjectVersion {
    /// The subject.
    pub subject: String,
    /// The version number.
    pub version: i32,
    /// True when that version was soft-deleted since.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub deleted: bool,
}

impl std::fmt::Display for SubjectVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} v{}", self.subject, self.version)?;
        if self.deleted {
            f.write_str(" (deleted)")?;
        }
        Ok(())
    }
}

/// A registered version an unframed payload was tried against.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Match {
    /// The subject.
    pub subject: String,
    /// The version.
    pub version: i32,
    /// The schema id of that version.
    pub schema_id: u32,
    /// How many errors the payload has against it (0 for a match).
    pub errors: usize,
    /// The first of them, for a near miss.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_error: Option<PayloadIssue>,
}

/// Everything triage found about one message.
#[derive(Debug, Clone, Serialize)]
pub struct MessageReport {
    /// Where the message came from (`dlq.ndjson:12`), as the caller named it.
    pub message: String,
    /// The one-word outcome.
    pub verdict: Verdict,
    /// The outcome in one sentence, for a person.
    pub summary: String,
    /// The framing found.
    pub framing: Framing,
    /// The writer schema id from the framing.
    pub schema_id: Option<u32>,
    /// Where that schema is registered.
    pub subject_versions: Vec<SubjectVersion>,
    /// Every reason the payload is invalid against its writer schema (or
    /// does not decode with it).
    pub writer_errors: Vec<PayloadIssue>,
    /// Every reason the consumer's reader schema cannot read it.
    pub reader_errors: Vec<PayloadIssue>,
    /// The differences between writer and reader schema that break the
    /// reader, when the reader cannot read the message.
    pub changes: Arc<Vec<Change>>,
    /// For an unframed message, the registered versions tried, matches
    /// first (newest first), then the nearest misses.
    pub matches: Vec<Match>,
}

impl MessageReport {
    /// What the grouping of many messages keys on: the first error's place
    /// and rule (array indexes folded to `*`), or the framing.
    pub fn cause(&self) -> String {
        let first = match self.verdict {
            Verdict::ProducerInvalid | Verdict::Corrupt => self.writer_errors.first(),
            Verdict::ConsumerBehind | Verdict::ContractBroken => self.reader_errors.first(),
            _ => None,
        };
        match first {
            Some(issue) => format!(
                "{} at {}",
                issue.keyword,
                fold_indexes(if issue.instance_path.is_empty() {
                    "/"
                } else {
                    &issue.instance_path
                })
            ),
            None if self.verdict == Verdict::Corrupt => self.framing.detail.clone(),
            None => String::new(),
        }
    }
}

fn fold_indexes(path: &str) -> String {
    path.split('/')
        .map(|segment| {
            if !segment.is_empty() && segment.bytes().all(|b| b.is_ascii_digit()) {
                "*"
            } else {
                segment
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// Most distinct causes kept in a [`Summary`]; further ones are counted
/// together as `other causes`.
pub const MAX_CAUSES: usize = 1000;

/// Many messages brought down to their causes: counts by verdict, by writer
/// schema id, and by cause (verdict, schema id and first error).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    /// Messages triaged.
    pub messages: u64,
    /// Messages per verdict (every verdict present, zero or not).
    pub by_verdict: BTreeMap<Verdict, u64>,
    /// Messages per writer schema id, with their verdicts.
    pub by_schema_id: Vec<SchemaGroup>,
    /// Messages per cause, most frequent first.
    pub causes: Vec<Cause>,
    #[serde(skip)]
    schema_index: BTreeMap<Option<u32>, usize>,
    #[serde(skip)]
    cause_index: BTreeMap<(Verdict, Option<u32>, String), usize>,
}

/// The messages written with one schema id (or with none).
#[derive(Debug, Clone, Serialize)]
pub struct SchemaGroup {
    /// The writer schema id; `null` for messages without framing.
    pub schema_id: Option<u32>,
    /// Where that schema is registered.
    pub subject_versions: Vec<SubjectVersion>,
    /// How many messages.
    pub messages: u64,
    /// Their verdicts.
    pub by_verdict: BTreeMap<Verdict, u64>,
}

/// One cause shared by many messages.
#[derive(Debug, Clone, Serialize)]
pub struct Cause {
    /// The verdict.
    pub verdict: Verdict,
    /// The writer schema id.
    pub schema_id: Option<u32>,
    /// The first error's rule and place, or the framing problem.
    pub reason: String,
    /// How many messages.
    pub messages: u64,
    /// The first message with this cause, to look at.
    pub example: String,
    /// That message's one-line summary.
    pub summary: String,
}

impl Summary {
    /// An empty summary.
    pub fn new() -> Summary {
        Summary {
            by_verdict: Verdict::ALL.iter().map(|v| (*v, 0)).collect(),
            ..Summary::default()
        }
    }

    /// Counts one message.
    pub fn add(&mut self, report: &MessageReport) {
        self.messages += 1;
        *self.by_verdict.entry(report.verdict).or_default() += 1;
        let next = self.by_schema_id.len();
        let group = *self.schema_index.entry(report.schema_id).or_insert(next);
        if group == next {
            self.by_schema_id.push(SchemaGroup {
                schema_id: report.schema_id,
                subject_versions: report.subject_versions.clone(),
                messages: 0,
                by_verdict: BTreeMap::new(),
            });
        }
        let group = &mut self.by_schema_id[group];
        group.messages += 1;
        *group.by_verdict.entry(report.verdict).or_default() += 1;

        if report.verdict == Verdict::Valid {
            return;
        }
        let mut key = (report.verdict, report.schema_id, report.cause());
        if !self.cause_index.contains_key(&key) && self.cause_index.len() >= MAX_CAUSES {
            key.2 = "other causes".to_string();
        }
        let next = self.causes.len();
        let cause = *self.cause_index.entry(key.clone()).or_insert(next);
        if cause == next {
            self.causes.push(Cause {
                verdict: key.0,
                schema_id: key.1,
                reason: key.2,
                messages: 0,
                example: report.message.clone(),
                summary: report.summary.clone(),
            });
        }
        self.causes[cause].messages += 1;
    }

    /// The summary ordered for reading: schema ids ascending (unframed
    /// last), causes most frequent first.
    pub fn finish(mut self) -> Summary {
        self.by_schema_id
            .sort_by_key(|g| (g.schema_id.is_none(), g.schema_id));
        self.causes.sort_by(|a, b| {
            b.messages
                .cmp(&a.messages)
                .then(a.verdict.cmp(&b.verdict))
                .then(a.schema_id.cmp(&b.schema_id))
        });
        self.schema_index.clear();
        self.cause_index.clear();
        self
    }

    /// True when every message was valid (or matched a registered version).
    pub fn all_good(&self) -> bool {
        self.by_verdict
            .iter()
            .all(|(v, n)| *n == 0 || matches!(v, Verdict::Valid | Verdict::UnframedMatch))
    }
}
