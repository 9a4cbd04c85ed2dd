//! Triage of messages a consumer could not deserialize: the registry brings
//! what the pure core ([`schemas::triage`]) cannot fetch itself (the writer
//! schema of each framed message's id, the consumer's reader schema, the
//! versions unframed messages are tried against) and judges the messages
//! off the async runtime.
//!
//! Nothing here stores or logs a payload: messages are judged in memory and
//! dropped with the answer; the span records how many there were, never
//! what they hold.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::sync::Arc;

use schemas::Schema;
use schemas::payload::PayloadValidator;
use schemas::triage::{
    self, Candidate, Context, GuidFramed, Message, MessageReport, Reader, Summary, Triage, Writer,
};

use super::{Error, InvalidTriage, PostedSchema, Registry, live};
use crate::auth::Caller;
use crate::model::{SchemaId, Subject, VersionSelector};

/// One message to triage, with the name reports give it.
#[derive(Debug, Clone)]
pub struct TriageMessage {
    /// How reports name it (`messages[3]`, or the caller's label).
    pub label: String,
    /// The message; for a record whose header names its schema by GUID,
    /// its payload unframed until [`Registry::triage_for`] frames it with
    /// the GUID's schema id.
    pub message: Message,
    /// The record's header framing by schema GUID, when it has one.
    pub guid: Option<GuidFramed>,
}

/// Where the consumer's reader schema comes from.
#[derive(Debug, Clone)]
pub enum ReaderSource {
    /// A schema sent with the request.
    Posted(PostedSchema),
    /// A registered version.
    Registered {
        /// The subject.
        subject: Subject,
        /// The version (`latest` = the latest live one).
        version: VersionSelector,
    },
}

/// The consumer's reader schema, as asked for.
#[derive(Debug, Clone)]
pub struct ReaderRequest {
    /// Where it comes from.
    pub source: ReaderSource,
    /// For Protobuf, the message payloads are read as (by default the first
    /// top-level one).
    pub message: Option<String>,
}

/// What a triage request asks.
#[derive(Debug, Clone, Default)]
pub struct TriageRequest {
    /// The messages, in the order reports are given.
    pub messages: Vec<TriageMessage>,
    /// The consumer's subject: where writers should be registered, and whose
    /// versions unframed messages are tried against.
    pub subject: Option<Subject>,
    /// Try unframed messages against every subject's versions.
    pub all_subjects: bool,
    /// The consumer's reader schema.
    pub reader: Option<ReaderRequest>,
}

/// The report of every message, and their summary.
#[derive(Debug, Clone)]
pub struct TriageOutcome {
    /// One report per message, in request order.
    pub messages: Vec<MessageReport>,
    /// The messages brought down to their causes.
    pub summary: Summary,
}

impl Registry {
    /// Triages `request.messages`: each message's framing, writer schema,
    /// validity and readability, with a verdict, and a summary by cause.
    /// An unknown schema id is a verdict (`unknown_schema`), not an error;
    /// an unknown reader subject or version is an error (40401, 40402).
    pub async fn triage(&self, request: TriageRequest) -> Result<TriageOutcome, Error> {
        self.triage_for(request, &Caller::open(None)).await
    }

    /// [`Registry::triage`] for `caller`, who sees only what it may read:
    /// unframed messages are tried against the versions of subjects it may
    /// read, and a writer id it may not read is an unknown schema. (The
    /// subject and reader it names are checked before, by the caller.)
    #[tracing::instrument(skip_all, fields(messages = request.messages.len()))]
    pub async fn triage_for(
        &self,
        request: TriageRequest,
        caller: &Caller,
    ) -> Result<TriageOutcome, Error> {
        let mut request = request;
        for m in &mut request.messages {
            if let Some(framed) = m.guid.take() {
                // A GUID no schema has leaves the payload unframed.
                let id = self
                    .store
                    .schema_id_by_guid(&framed.guid_text())
                    .await?
                    .and_then(|id| u32::try_from(id.0).ok());
                m.message = framed.with_id(id);
            }
        }
        let reader = match &request.reader {
            Some(reader) => Some(self.triage_reader(reader).await?),
            None => None,
        };
        if let Some(subject) = &request.subject {
            if self.history(subject).await?.versions.is_empty() {
                return Err(Error::SubjectNotFound {
                    subject: subject.to_string(),
                });
            }
        }
        let unframed = request
            .messages
            .iter()
            .any(|m| triage::schema_id(&m.message).is_none());
        let candidates = if unframed {
            self.candidates(request.subject.as_ref(), request.all_subjects, caller)
                .await?
        } else {
            Vec::new()
        };
        let mut writers: HashMap<u32, Option<Writer>> = HashMap::new();
        for (index, m) in request.messages.iter().enumerate() {
            if let Some(id) = triage::schema_id(&m.message) {
                if let Entry::Vacant(slot) = writers.entry(id) {
                    slot.insert(self.writer(id, index, caller).await?);
                }
            }
        }
        let context = Context {
            reader,
            subject: request.subject.map(|s| s.to_string()),
            candidates,
        };
        let messages = request.messages;
        // Judging is CPU work: on the schema work pool.
        let outcome = self
            .work
            .run(move || judge(context, &messages, &writers))
            .await?;
        self.metrics.record_triage(&outcome.summary);
        Ok(outcome)
    }

    /// The consumer's reader schema, prepared.
    async fn triage_reader(&self, request: &ReaderRequest) -> Result<Reader, Error> {
        let (schema, label, subject_version) = match &request.source {
            ReaderSource::Posted(posted) => {
                let candidate = self.posted(posted).await.map_err(|e| match e {
                    Error::InvalidSchema(e) => InvalidTriage::ReaderSchema(e).into(),
                    other => other,
                })?;
                (candidate.schema, "the reader schema".to_string(), None)
            }
            ReaderSource::Registered { subject, version } => {
                let found = self.version(subject, *version, false).await?;
                let at = triage::SubjectVersion {
                    subject: subject.to_string(),
                    version: found.record.version.0,
                    deleted: false,
                };
                let schema = self.parsed(found.record.schema_id).await?;
                (schema, at.to_string(), Some(at))
            }
        };
        let (message, decode) = (request.message.clone(), self.decode);
        let validator = self
            .work
            .run(move || {
                PayloadValidator::new(schema, message.as_deref()).map(|v| v.with_limits(decode))
            })
            .await?
            .map_err(InvalidTriage::ReaderMessage)?;
        Ok(Reader {
            label,
            validator: Arc::new(validator),
            subject_version,
        })
    }

    /// The versions unframed messages are tried against: the subject's live
    /// versions newest first, or with `all_subjects` every subject's (by
    /// subject name, each newest first). One prepared validator per id.
    async fn candidates(
        &self,
        subject: Option<&Subject>,
        all_subjects: bool,
        caller: &Caller,
    ) -> Result<Vec<Candidate>, Error> {
        let mut versions: Vec<(String, i32, SchemaId)> = Vec::new();
        if all_subjects {
            let mut by_subject: Vec<Vec<(String, i32, SchemaId)>> = Vec::new();
            for found in self.list_schemas("", false, false).await? {
                let record = found.record;
                if !caller.may_read(&record.subject) {
                    continue;
                }
                let entry = (record.subject, record.version.0, record.schema_id);
                match by_subject.last_mut() {
                    Some(group) if group[0].0 == entry.0 => group.push(entry),
                    _ => by_subject.push(vec![entry]),
                }
            }
            versions.extend(by_subject.into_iter().flat_map(|g| g.into_iter().rev()));
        } else if let Some(subject) = subject {
            let history = self.history(subject).await?;
            versions.extend(
                live(&history)
                    .rev()
                    .map(|r| (r.subject.clone(), r.version.0, r.schema_id)),
            );
        }
        let mut prepared: HashMap<SchemaId, Option<Arc<PayloadValidator>>> = HashMap::new();
        let mut candidates = Vec::with_capacity(versions.len());
        for (subject, version, id) in versions {
            if let Entry::Vacant(slot) = prepared.entry(id) {
                // A schema that cannot hold payloads (a Protobuf file of
                // enums only) matches no message: it is not a candidate.
                let (schema, decode) = (self.parsed(id).await?, self.decode);
                let validator = self
                    .work
                    .run(move || PayloadValidator::new(schema, None).map(|v| v.with_limits(decode)))
                    .await?;
                slot.insert(validator.ok().map(Arc::new));
            }
            if let Some(validator) = &prepared[&id] {
                candidates.push(Candidate {
                    subject,
                    version,
                    schema_id: id_u32(id),
                    validator: validator.clone(),
                });
            }
        }
        Ok(candidates)
    }

    /// The writer schema of id `id` with where it is registered (soft-deleted
    /// versions included, those `caller` may not read left out), or `None`
    /// when no version holds it or `caller` may not read it. `index` is the
    /// first message naming it, for the error.
    async fn writer(
        &self,
        id: u32,
        index: usize,
        caller: &Caller,
    ) -> Result<Option<Writer>, Error> {
        let schema_id = SchemaId(i64::from(id));
        if !self.schema_readable(schema_id, caller).await? {
            return Ok(None);
        }
        match self.schema_by_id(schema_id).await {
            Ok(_) => {}
            Err(Error::SchemaNotFound { .. }) => return Ok(None),
            Err(e) => return Err(e),
        }
        let subject_versions = self
            .usages(schema_id, None, true)
            .await?
            .into_iter()
            .filter(|v| caller.may_read(&v.subject))
            .map(|v| triage::SubjectVersion {
                subject: v.subject,
                version: v.version.0,
                deleted: v.deleted,
            })
            .collect();
        let schema: Arc<Schema> = self.parsed(schema_id).await?;
        let decode = self.decode;
        let prepared = self
            .work
            .run(move || PayloadValidator::new(schema, None).map(|v| v.with_limits(decode)));
        let validator = prepared
            .await?
            .map_err(|reason| InvalidTriage::WriterUnusable {
                id: schema_id,
                index,
                reason,
            })?;
        Ok(Some(Writer {
            schema_id: id,
            validator: Arc::new(validator),
            subject_versions,
        }))
    }
}

/// Judges every message in order and sums them up.
fn judge(
    context: Context,
    messages: &[TriageMessage],
    writers: &HashMap<u32, Option<Writer>>,
) -> TriageOutcome {
    let triage = Triage::new(context);
    let mut summary = Summary::new();
    let reports = messages
        .iter()
        .map(|m| {
            let writer = triage::schema_id(&m.message)
                .and_then(|id| writers.get(&id))
                .and_then(Option::as_ref);
            let report = triage.message(&m.label, &m.message, writer);
            summary.add(&report);
            report
        })
        .collect();
    TriageOutcome {
        messages: reports,
        summary: summary.finish(),
    }
}

/// Ids are allocated by SQLite from 1 up and framed in 4 bytes.
fn id_u32(id: SchemaId) -> u32 {
    u32::try_from(id.0).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::InvalidSchema;
    use serde_json::json;

    fn json_validator(text: &str) -> Arc<PayloadValidator> {
        let schema = Schema::parse(schemas::SchemaType::Json, text, &schemas::NoReferences);
        Arc::new(PayloadValidator::new(Arc::new(schema.unwrap()), None).unwrap())
    }

    fn message(label: &str, message: Message) -> TriageMessage {
        TriageMessage {
            label: label.to_string(),
            message,
            guid: None,
        }
    }

    #[test]
    fn judging_keeps_request_order_and_finds_writers_by_id() {
        let writer = Writer {
            schema_id: 7,
            validator: json_validator(r#"{"type":"object","required":["id"]}"#),
            subject_versions: Vec::new(),
        };
        let writers = HashMap::from([(7, Some(writer)), (8, None)]);
        let messages = [
            message(
                "a",
                Message::Bytes(schemas::wire::frame(7, None, br#"{"id":1}"#)),
            ),
            message("b", Message::Bytes(schemas::wire::frame(8, None, b"{}"))),
            message("c", Message::Bytes(schemas::wire::frame(7, None, b"{}"))),
            message("d", Message::Json(json!({"id": 1}))),
        ];
        let outcome = judge(Context::default(), &messages, &writers);
        let verdicts: Vec<(&str, &str)> = outcome
            .messages
            .iter()
            .map(|r| (r.message.as_str(), r.verdict.name()))
            .collect();
        assert_eq!(
            verdicts,
            [
                ("a", "valid"),
                ("b", "unknown_schema"),
                ("c", "producer_invalid"),
                ("d", "unframed_no_match"),
            ]
        );
        assert_eq!(outcome.summary.messages, 4);
    }

    #[test]
    fn ids_that_do_not_fit_a_frame_saturate() {
        assert_eq!(id_u32(SchemaId(12)), 12);
        assert_eq!(id_u32(SchemaId(i64::MAX)), u32::MAX);
    }

    #[test]
    fn a_reader_schema_error_says_which_schema() {
        let error: Error = InvalidTriage::ReaderSchema(InvalidSchema::Empty).into();
        assert!(
            error
                .to_string()
                .starts_with("the reader schema cannot be used"),
            "{error}"
        );
    }
}
