//! One binary-encoded record (`--binary`): its framing found and removed,
//! then its payload decoded with the schema.
//!
//! Framing is detected, never required:
//!
//! - the Confluent wire format: magic byte `0x00`, a 4-byte big-endian
//!   schema id and, for Protobuf, message indexes that select the message
//!   ([`schemas::wire`]); taken when the bytes start with `0x00` and are at
//!   least 5 bytes long;
//! - Avro single-object encoding: `0xC3 0x01` and the writer schema's 8-byte
//!   little-endian CRC-64-AVRO fingerprint (Avro schemas only);
//! - anything else is the payload as it is.
//!
//! Records written with Confluent's header framing carry the schema in a
//! Kafka header instead; `--schema-id-header` gives that header's value,
//! and each record is then the unframed payload ([`HeaderFraming`]).
//!
//! What the framing says about the writer (a schema id other than the one
//! validated against, a fingerprint that does not match) is a note on the
//! record: the payload is still decoded with the schema given, and that
//! decoding decides whether the record is valid.

use schemas::payload::PayloadIssue;
use schemas::wire::{self, HEADER_LEN, Header, MAGIC};

use super::{FRAMING_KEYWORD, Issue, RecordReport, Validator};

/// The two bytes an Avro single-object encoded datum starts with.
const SINGLE_OBJECT_MARKER: [u8; 2] = [0xC3, 0x01];
/// The single-object header: marker and fingerprint.
const SINGLE_OBJECT_HEADER: usize = 10;

/// How a binary record's bytes were framed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Framing {
    /// No framing: the bytes are the payload.
    Unframed,
    /// The Confluent wire format.
    Confluent {
        /// The writer schema's registry id.
        schema_id: u32,
        /// For Protobuf, the message indexes read after the id.
        indexes: Option<Vec<usize>>,
    },
    /// Avro single-object encoding.
    SingleObject {
        /// The writer schema's CRC-64-AVRO fingerprint.
        fingerprint: u64,
    },
    /// Confluent's header framing: the schema in a Kafka header, the bytes
    /// the payload.
    Header(HeaderFraming),
}

/// The schema-id header that frames every record (`--schema-id-header`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderFraming {
    /// The schema the header names.
    pub schema: wire::HeaderSchema,
    /// Its registry id: the header's own, or the id the registry gave for
    /// its GUID (none when no registry was asked or it knows no such GUID).
    pub schema_id: Option<u32>,
    /// For Protobuf, the message indexes after the id or GUID.
    pub indexes: Option<Vec<usize>>,
}

impl HeaderFraming {
    /// The header's schema GUID as text, when it names one.
    pub fn guid(&self) -> Option<String> {
        match &self.schema {
            wire::HeaderSchema::Guid(guid) => Some(wire::guid_text(guid)),
            wire::HeaderSchema::Id(_) => None,
        }
    }
}

impl Framing {
    /// The schema id the framing names, if it names one.
    pub fn schema_id(&self) -> Option<u32> {
        match self {
            Framing::Confluent { schema_id, .. } => Some(*schema_id),
            Framing::Header(header) => header.schema_id,
            Framing::Unframed | Framing::SingleObject { .. } => None,
        }
    }

    /// The schema GUID the framing names, as text, if it names one.
    pub fn schema_guid(&self) -> Option<String> {
        match self {
            Framing::Header(header) => header.guid(),
            Framing::Unframed | Framing::Confluent { .. } | Framing::SingleObject { .. } => None,
        }
    }

    /// Its name in machine-readable reports: `confluent`, `header`,
    /// `single-object`, `none`.
    pub fn name(&self) -> &'static str {
        match self {
            Framing::Unframed => "none",
            Framing::Confluent { .. } => "confluent",
            Framing::SingleObject { .. } => "single-object",
            Framing::Header(_) => "header",
        }
    }
}

impl std::fmt::Display for Framing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Framing::Unframed => write!(f, "unframed"),
            Framing::Confluent {
                schema_id,
                indexes: None,
            } => write!(f, "Confluent framing, schema id {schema_id}"),
            Framing::Confluent {
                schema_id,
                indexes: Some(indexes),
            } => write!(
                f,
                "Confluent framing, schema id {schema_id}, message indexes {indexes:?}"
            ),
            Framing::SingleObject { fingerprint } => {
                write!(
                    f,
                    "Avro single-object encoding, fingerprint {fingerprint:#018x}"
                )
            }
            Framing::Header(header) => {
                write!(f, "header framing, ")?;
                match (&header.schema, header.schema_id) {
                    (wire::HeaderSchema::Id(id), _) => write!(f, "schema id {id}")?,
                    (wire::HeaderSchema::Guid(guid), Some(id)) => {
                        write!(f, "schema GUID {} (id {id})", wire::guid_text(guid))?
                    }
                    (wire::HeaderSchema::Guid(guid), None) => {
                        write!(f, "schema GUID {}", wire::guid_text(guid))?
                    }
                }
                match &header.indexes {
                    Some(indexes) => write!(f, ", message indexes {indexes:?}"),
                    None => Ok(()),
                }
            }
        }
    }
}

/// What a binary record's framing said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BinaryRecord {
    /// How the bytes were framed.
    pub framing: Framing,
    /// Where the payload starts, after the framing (byte offsets in decoder
    /// messages count from there).
    pub payload_offset: usize,
    /// For Protobuf, the full name of the message decoded.
    pub message: Option<String>,
    /// What the framing says about the writer that does not make the record
    /// invalid.
    pub notes: Vec<String>,
}

/// Reads one binary record: always a report, since its framing is worth
/// telling even when it is valid.
pub(crate) fn record(validator: &Validator, bytes: &[u8]) -> RecordReport {
    let mut binary = BinaryRecord {
        framing: Framing::Unframed,
        payload_offset: 0,
        message: validator.inner.message().map(str::to_string),
        notes: Vec::new(),
    };
    let issues = match unframe(validator, bytes, &mut binary) {
        Ok((payload, indexes)) => {
            decode(validator, bytes, payload, indexes.as_deref(), &mut binary)
        }
        Err(issue) => vec![issue],
    };
    RecordReport {
        line: None,
        issues,
        binary: Some(binary),
    }
}

/// Finds the framing: the payload and, for Protobuf, the message indexes.
fn unframe<'a>(
    validator: &Validator,
    bytes: &'a [u8],
    binary: &mut BinaryRecord,
) -> Result<(&'a [u8], Option<Vec<usize>>), Issue> {
    let schema = validator.inner.schema();
    if let Some(header) = &validator.header {
        binary.framing = Framing::Header(header.clone());
        if let Some(indexes) = &header.indexes {
            binary.message = validator.inner.message_at(indexes);
        }
        match (header.schema_id, &header.schema) {
            (Some(id), _) => note_other_id(validator, id, binary),
            (None, wire::HeaderSchema::Guid(guid)) => {
                if let Some((id, label)) = &validator.registered {
                    binary.notes.push(format!(
                        "the header names schema GUID {}, which the registry does not know; decoded with {label} (id {id})",
                        wire::guid_text(guid)
                    ));
                }
            }
            (None, wire::HeaderSchema::Id(_)) => {}
        }
        return Ok((bytes, header.indexes.clone()));
    }
    if bytes.first() == Some(&MAGIC) && bytes.len() >= HEADER_LEN {
        let unreadable = |e: wire::FramingError| framing_issue(e.to_string());
        let (header, rest) = Header::parse(bytes).map_err(unreadable)?;
        let (indexes, payload) = if schema.capabilities().message_indexes {
            binary.message = None;
            let (indexes, payload) = wire::message_indexes(rest).map_err(unreadable)?;
            binary.message = validator.inner.message_at(&indexes);
            (Some(indexes), payload)
        } else {
            (None, rest)
        };
        binary.framing = Framing::Confluent {
            schema_id: header.schema_id,
            indexes: indexes.clone(),
        };
        binary.payload_offset = bytes.len() - payload.len();
        note_other_id(validator, header.schema_id, binary);
        return Ok((payload, indexes));
    }
    if let Some(expected) = schema.single_object_fingerprint() {
        if bytes.starts_with(&SINGLE_OBJECT_MARKER) {
            let Some(fingerprint) = bytes.get(2..SINGLE_OBJECT_HEADER) else {
                return Err(framing_issue(format!(
                    "the Avro single-object header is cut short: {} bytes, the header needs {SINGLE_OBJECT_HEADER}",
                    bytes.len()
                )));
            };
            let fingerprint = u64::from_le_bytes(fingerprint.try_into().expect("8 bytes"));
            binary.framing = Framing::SingleObject { fingerprint };
            binary.payload_offset = SINGLE_OBJECT_HEADER;
            if fingerprint != expected {
                binary.notes.push(format!(
                    "written with the schema of fingerprint {fingerprint:#018x}, but this schema's is {expected:#018x}; decoded with this schema"
                ));
            }
            return Ok((&bytes[SINGLE_OBJECT_HEADER..], None));
        }
    }
    Ok((bytes, None))
}

/// Notes a framing's schema id other than the registered one validated
/// against.
fn note_other_id(validator: &Validator, written: u32, binary: &mut BinaryRecord) {
    if let Some((id, label)) = &validator.registered {
        if i64::from(written) != *id {
            binary.notes.push(format!(
                "written with schema id {written}, but {label} has id {id}; decoded with id {id}"
            ));
        }
    }
}

/// Decodes the payload (and for JSON Schema checks the instance).
fn decode(
    validator: &Validator,
    bytes: &[u8],
    payload: &[u8],
    indexes: Option<&[usize]>,
    binary: &mut BinaryRecord,
) -> Vec<Issue> {
    match validator.inner.decode(payload, indexes) {
        Ok(decoded) => {
            let issues = validator.check_decoded(&decoded);
            if decoded.message.is_some() {
                binary.message = decoded.message;
            }
            issues
                .into_iter()
                .map(|issue| Issue::new(None, issue))
                .collect()
        }
        Err(issue) => {
            let mut issue = issue;
            if binary.payload_offset > 0 {
                issue.message.push_str(&format!(
                    " (offsets from the payload, at byte {} of the input)",
                    binary.payload_offset
                ));
            } else if bytes.first() == Some(&MAGIC) {
                issue.message.push_str(&format!(
                    " (the input starts with the magic byte 0x00 but is {} bytes long, too short for the {HEADER_LEN}-byte Confluent header, so it was read unframed)",
                    bytes.len()
                ));
            }
            vec![Issue::new(None, issue)]
        }
    }
}

fn framing_issue(message: String) -> Issue {
    Issue::new(
        None,
        PayloadIssue {
            instance_path: String::new(),
            keyword: FRAMING_KEYWORD.to_string(),
            schema_path: String::new(),
            message,
        },
    )
}
