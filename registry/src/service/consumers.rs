//! Charter's consumer records: the reader each consumer runs with, per
//! subject and environment; what each environment runs of a producer
//! (deployments, with their history); and from which version on an
//! environment's data may still be read (retention). What the records
//! decide is judged in `deploy`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use schemas::Schema;

use super::cache::Epoch;
use super::candidate::content_key;
use super::{Error, PostedSchema, Registry, live};
use crate::audit::{Action, Actor, AuditEvent};
use crate::model::{Deployment, Name, ReaderFilter, ReaderRecord, StoredReader, Subject, Version};

/// The reader schema a consumer gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReaderInput {
    /// A schema of its own.
    Posted(PostedSchema),
    /// A registered version of the subject it reads.
    Version(Version),
}

/// What recording a consumer's reader says besides who and what it reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReaderRecording {
    /// Where the consumer runs.
    pub environment: Name,
    /// Its reader.
    pub reader: ReaderInput,
    /// Its application version, when given.
    pub consumer_version: Option<String>,
}

/// How many parsed reader schemas are kept (by content: they never change).
const READER_CACHE: usize = 10_000;

/// Parsed reader schemas by content key, each with the schema cache's
/// epoch when its references were read: content never changes, but a
/// referenced version deleted for good may be registered again with other
/// content, and every permanent delete advances the epoch, so an entry is
/// served only in the epoch it was parsed in. The map is emptied when full.
#[derive(Debug, Default)]
pub(super) struct ReaderCache(Mutex<HashMap<String, (Epoch, Arc<Schema>)>>);

impl ReaderCache {
    fn get(&self, key: &str, epoch: Epoch) -> Option<Arc<Schema>> {
        self.0
            .lock()
            .expect("no panic while holding the lock")
            .get(key)
            .filter(|(parsed_in, _)| *parsed_in == epoch)
            .map(|(_, schema)| schema.clone())
    }

    fn insert(&self, key: String, schema: Arc<Schema>, epoch: Epoch) {
        let mut map = self.0.lock().expect("no panic while holding the lock");
        if map.len() >= READER_CACHE {
            map.clear();
        }
        map.insert(key, (epoch, schema));
    }
}

pub(super) fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

impl Registry {
    /// A subject with at least one live version, or 40401.
    pub(super) async fn existing(&self, subject: &Subject) -> Result<crate::store::History, Error> {
        let history = self.history(subject).await?;
        if live(&history).next().is_none() {
            return Err(Error::SubjectNotFound {
                subject: subject.to_string(),
            });
        }
        Ok(history)
    }

    /// Records the reader `consumer` runs with for `subject` in an
    /// environment, replacing the one recorded before (the history keeps
    /// it). A posted reader must parse (42201 naming the problem); a
    /// version must be a live version of the subject (40402). The audit
    /// trail records who did it (the reader's format or version, never its
    /// text).
    #[tracing::instrument(skip(self, recording, actor), fields(subject = %subject))]
    pub async fn record_consumer(
        &self,
        consumer: &Name,
        subject: &Subject,
        recording: ReaderRecording,
        actor: &Actor,
    ) -> Result<ReaderRecord, Error> {
        let history = self.existing(subject).await?;
        let reader = match recording.reader {
            ReaderInput::Posted(posted) => {
                let epoch = self.cache.epoch();
                let candidate = self.posted(&posted).await?;
                self.readers.insert(
                    candidate.canonical_key.clone(),
                    candidate.schema.clone(),
                    epoch,
                );
                StoredReader::Schema {
                    schema_type: candidate.schema.schema_type(),
                    text: candidate.schema.canonical().to_string(),
                    references: candidate.references,
                }
            }
            ReaderInput::Version(version) => {
                let found = live(&history)
                    .find(|v| v.version == version)
                    .ok_or_else(|| Error::VersionNotFound {
                        subject: subject.to_string(),
                        version: version.to_string(),
                    })?;
                StoredReader::Version {
                    version,
                    schema_id: found.schema_id,
                }
            }
        };
        let record = ReaderRecord {
            consumer: consumer.to_string(),
            subject: subject.to_string(),
            environment: recording.environment.to_string(),
            reader,
            consumer_version: recording.consumer_version,
            recorded_at_ms: now_ms(),
        };
        let reader = match &record.reader {
            StoredReader::Schema { schema_type, .. } => {
                serde_json::json!({"schemaType": schema_type.as_str()})
            }
            StoredReader::Version { version, .. } => serde_json::json!({"version": version.0}),
        };
        let audit = AuditEvent::new(actor, Action::RecordConsumer, Some(subject.as_str()))
            .with("consumer", consumer.as_str().into())
            .with("environment", record.environment.as_str().into())
            .with("reader", reader)
            .with("consumerVersion", record.consumer_version.clone().into());
        self.store.record_reader(&record, &audit).await?;
        audit.log();
        tracing::info!(
            consumer = %consumer,
            environment = %recording.environment,
            "consumer reader recorded"
        );
        Ok(record)
    }

    /// The readers `filter` wants.
    pub async fn consumers(&self, filter: &ReaderFilter) -> Result<Vec<ReaderRecord>, Error> {
        Ok(self.store.readers(filter).await?)
    }

    /// Forgets a consumer's reader of a subject in an environment: from now
    /// on no registration is judged against it. 404 when there is none.
    #[tracing::instrument(skip(self, actor), fields(subject = %subject))]
    pub async fn forget_consumer(
        &self,
        consumer: &Name,
        subject: &Subject,
        environment: &Name,
        actor: &Actor,
    ) -> Result<(), Error> {
        let audit = AuditEvent::new(actor, Action::ForgetConsumer, Some(subject.as_str()))
            .with("consumer", consumer.as_str().into())
            .with("environment", environment.as_str().into());
        let forgotten = self
            .store
            .forget_reader(
                consumer.as_str(),
                subject.as_str(),
                environment.as_str(),
                now_ms(),
                &audit,
            )
            .await?;
        if !forgotten {
            return Err(Error::ReaderNotFound {
                consumer: consumer.to_string(),
                subject: subject.to_string(),
                environment: environment.to_string(),
            });
        }
        audit.log();
        tracing::info!(consumer = %consumer, environment = %environment, "consumer reader forgotten");
        Ok(())
    }

    /// Records that `version` of `subject` runs in `environment` now; it
    /// must be a live version (40401, 40402).
    #[tracing::instrument(skip(self, actor), fields(subject = %subject))]
    pub async fn record_deployment(
        &self,
        environment: &Name,
        subject: &Subject,
        version: Version,
        actor: &Actor,
    ) -> Result<Deployment, Error> {
        let history = self.existing(subject).await?;
        if !live(&history).any(|v| v.version == version) {
            return Err(Error::VersionNotFound {
                subject: subject.to_string(),
                version: version.to_string(),
            });
        }
        let deployment = Deployment {
            subject: subject.to_string(),
            environment: environment.to_string(),
            version,
            deployed_at_ms: now_ms(),
        };
        let mut audit = AuditEvent::new(actor, Action::RecordDeployment, Some(subject.as_str()))
            .with("environment", environment.as_str().into());
        audit.version = Some(version);
        self.store.record_deployment(&deployment, &audit).await?;
        audit.log();
        tracing::info!(environment = %environment, version = version.0, "deployment recorded");
        Ok(deployment)
    }

    /// What runs in `environment` (nothing for an environment never named).
    pub async fn deployments(&self, environment: &Name) -> Result<Vec<Deployment>, Error> {
        Ok(self.store.deployments(environment.as_str()).await?)
    }

    /// Sets from which version on data of `subject` in `environment` may
    /// still be read: older deployed versions no longer bind consumers.
    #[tracing::instrument(skip(self, actor), fields(subject = %subject))]
    pub async fn set_retention(
        &self,
        environment: &Name,
        subject: &Subject,
        from: Version,
        actor: &Actor,
    ) -> Result<Version, Error> {
        self.existing(subject).await?;
        let audit = AuditEvent::new(actor, Action::SetRetention, Some(subject.as_str()))
            .with("environment", environment.as_str().into())
            .with("retainedFromVersion", from.0.into());
        self.store
            .set_retention(subject.as_str(), environment.as_str(), from, &audit)
            .await?;
        audit.log();
        Ok(from)
    }

    /// The parsed schema of a recorded reader.
    pub(super) async fn reader_schema(&self, record: &ReaderRecord) -> Result<Arc<Schema>, Error> {
        match &record.reader {
            StoredReader::Version { schema_id, .. } => self.parsed(*schema_id).await,
            StoredReader::Schema {
                schema_type,
                text,
                references,
            } => {
                let key = content_key(*schema_type, text, references, None, None);
                let epoch = self.cache.epoch();
                if let Some(schema) = self.readers.get(&key, epoch) {
                    return Ok(schema);
                }
                let resolver = self.resolver(references).await?;
                let limits = self.limits.for_stored();
                let schema = Schema::parse_within(*schema_type, text, &resolver, &limits)
                    .map(Arc::new)
                    .map_err(|error| Error::StoredReaderUnreadable {
                        reader: format!("{}'s of {}", record.consumer, record.subject),
                        error,
                    })?;
                self.readers.insert(key, schema.clone(), epoch);
                Ok(schema)
            }
        }
    }
}
