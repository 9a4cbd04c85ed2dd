//! What the consumer records decide: whether a consumer's reader reads
//! data written with a producer's schema (the core's
//! [`schemas::reads`], once per pair), for registrations under a subject's
//! `consumerCompatibility`, for `POST /can-i-deploy` from either side, and
//! for a subject's consumer listing.
//!
//! Messages outlive deployments: every version ever deployed to an
//! environment may still be in its topics, unless retention says from
//! which version on data is kept; the latest version always counts.

use std::sync::Arc;

use schemas::{Change, CompatError, Policy, Reading, Schema};

use super::candidate::content_key;
use super::consumers::{ReaderInput, now_ms};
use super::readings::{ReadingKey, SchemaName};
use super::{Error, InvalidSchema, PostedSchema, Registry};
use crate::model::{Name, ReaderFilter, ReaderRecord, SchemaId, StoredReader, Subject, Version};
use crate::store::History;

/// Which data a matrix row's reader reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriterRef {
    /// Data written with a registered version.
    Version(Version),
    /// Data written with the schema being asked about.
    Candidate,
}

/// One consumer reading one writer's data.
#[derive(Debug, Clone)]
pub struct MatrixRow {
    /// The consumer.
    pub consumer: String,
    /// Where it runs.
    pub environment: String,
    /// Its application version, when recorded.
    pub consumer_version: Option<String>,
    /// Whose data it reads.
    pub writer: WriterRef,
    /// Whether it reads all of it.
    pub compatible: bool,
    /// What breaks it, each change with an example document when one was
    /// found.
    pub changes: Vec<Change>,
}

/// The answer to "can I deploy?".
#[derive(Debug, Clone)]
pub struct DeployAnswer {
    /// True when every row of the matrix is compatible.
    pub ok: bool,
    /// Every consumer and writer asked about.
    pub matrix: Vec<MatrixRow>,
}

/// "Can I deploy?", from either side, for one environment.
#[derive(Debug, Clone)]
pub enum DeployQuestion {
    /// A producer about to write with `schema`: can every consumer of the
    /// subject in the environment read it?
    Producer {
        /// The subject.
        subject: Subject,
        /// The schema it would write with.
        schema: PostedSchema,
        /// The environment.
        environment: Name,
    },
    /// A consumer about to run with `reader`: can it read every version
    /// deployed to the environment (from the retained one on) and the
    /// latest?
    Consumer {
        /// The consumer.
        consumer: Name,
        /// The subject it reads.
        subject: Subject,
        /// The reader it would run with.
        reader: ReaderInput,
        /// The environment.
        environment: Name,
        /// Its application version, when given.
        consumer_version: Option<String>,
    },
}

/// A recorded consumer of a subject, and what it can read.
#[derive(Debug, Clone)]
pub struct ConsumerStatus {
    /// The record.
    pub record: ReaderRecord,
    /// Whether it reads data of the subject's latest version.
    pub reads_latest: bool,
    /// Whether it reads data of every version deployed to its environment
    /// (from the retained one on).
    pub reads_deployed: bool,
    /// One row per version it must read.
    pub matrix: Vec<MatrixRow>,
}

/// A pair to judge: a reader and a writer's schema, with the row's labels
/// and, for a stored writer, the name its verdict is kept under.
struct Pair {
    row: MatrixRow,
    writer: Arc<Schema>,
    reader: Arc<Schema>,
    key: Option<ReadingKey>,
}

/// A row with `reading`'s verdict.
fn judged(row: MatrixRow, reading: &Reading) -> MatrixRow {
    MatrixRow {
        compatible: reading.compatible,
        changes: reading.changes.clone(),
        ..row
    }
}

/// The name a recorded reader's verdicts are kept under.
fn reader_name(record: &ReaderRecord) -> SchemaName {
    match &record.reader {
        StoredReader::Version { schema_id, .. } => SchemaName::Stored(*schema_id),
        StoredReader::Schema {
            schema_type,
            text,
            references,
        } => SchemaName::Content(content_key(*schema_type, text, references, None, None)),
    }
}

impl Registry {
    /// Judges every pair: a kept verdict where there is one, the rest on
    /// the schema work pool, split into as many jobs as it runs at once
    /// (503 when it is full), keeping each new verdict on a stored writer.
    async fn judge_readings(
        &self,
        pairs: Vec<Pair>,
        policy: Policy,
    ) -> Result<Vec<MatrixRow>, Error> {
        let epoch = self.cache.epoch();
        let mut rows: Vec<Option<MatrixRow>> = Vec::with_capacity(pairs.len());
        let mut misses = Vec::new();
        for (at, pair) in pairs.into_iter().enumerate() {
            match pair.key.as_ref().and_then(|k| self.readings.get(k, epoch)) {
                Some(reading) => rows.push(Some(judged(pair.row, &reading))),
                None => {
                    rows.push(None);
                    misses.push((at, pair));
                }
            }
        }
        let per_job = misses.len().div_ceil(self.work.threads()).max(1);
        let limits = self.limits;
        let mut jobs = Vec::new();
        while !misses.is_empty() {
            let rest = misses.split_off(per_job.min(misses.len()));
            jobs.push(std::mem::replace(&mut misses, rest));
        }
        let batches = futures_util::future::try_join_all(jobs.into_iter().map(|job| {
            self.work.run(move || {
                job.into_iter()
                    .map(|(at, pair)| {
                        let reading =
                            schemas::reads_within(&pair.writer, &pair.reader, policy, &limits)?;
                        Ok((at, pair.row, pair.key, Arc::new(reading)))
                    })
                    .collect::<Result<Vec<_>, CompatError>>()
            })
        }))
        .await?;
        for batch in batches {
            let batch = batch.map_err(InvalidSchema::from)?;
            for (at, row, key, reading) in batch {
                rows[at] = Some(judged(row, &reading));
                if let Some(key) = key {
                    self.readings.insert(key, reading, epoch);
                }
            }
        }
        Ok(rows
            .into_iter()
            .map(|row| row.expect("every pair is judged or kept"))
            .collect())
    }
}

/// One line naming a consumer that cannot read, where it runs, its
/// version, and each breaking change with its example.
pub(super) fn describe(row: &MatrixRow) -> String {
    let version = row
        .consumer_version
        .as_deref()
        .map(|v| format!(", version {v}"))
        .unwrap_or_default();
    let changes: Vec<String> = row
        .changes
        .iter()
        .map(|c| {
            let example = c
                .example
                .as_ref()
                .map(|e| format!("; example: {e}"))
                .unwrap_or_default();
            format!("{} at {}: {}{example}", c.kind.name(), c.path, c.message)
        })
        .collect();
    format!(
        "consumer {} (environment {}{version}) cannot read it: {}",
        row.consumer,
        row.environment,
        changes.join("; ")
    )
}

fn row(record: &ReaderRecord, writer: WriterRef) -> MatrixRow {
    MatrixRow {
        consumer: record.consumer.clone(),
        environment: record.environment.clone(),
        consumer_version: record.consumer_version.clone(),
        writer,
        compatible: true,
        changes: Vec::new(),
    }
}

impl Registry {
    /// The readers of `subject` in every environment that cannot read data
    /// written with `candidate`, for a registration under
    /// `consumerCompatibility` WARN or ENFORCE.
    pub(super) async fn broken_consumers(
        &self,
        subject: &Subject,
        candidate: &Arc<Schema>,
        policy: Policy,
    ) -> Result<Vec<MatrixRow>, Error> {
        let readers = self
            .store
            .readers(&ReaderFilter {
                subject: Some(subject.to_string()),
                ..ReaderFilter::default()
            })
            .await?;
        let matrix = self.candidate_matrix(&readers, candidate, policy).await?;
        Ok(matrix.into_iter().filter(|r| !r.compatible).collect())
    }

    async fn candidate_matrix(
        &self,
        readers: &[ReaderRecord],
        candidate: &Arc<Schema>,
        policy: Policy,
    ) -> Result<Vec<MatrixRow>, Error> {
        let mut pairs = Vec::with_capacity(readers.len());
        for record in readers {
            pairs.push(Pair {
                row: row(record, WriterRef::Candidate),
                writer: candidate.clone(),
                reader: self.reader_schema(record).await?,
                key: None,
            });
        }
        self.judge_readings(pairs, policy).await
    }

    /// The versions of a subject a reader in `environment` must read: every
    /// version deployed there from the retained one on, and the latest live
    /// one; ascending, each with its schema. A deployed version deleted for
    /// good since is no longer known and not listed.
    async fn versions_to_read(
        &self,
        subject: &Subject,
        history: &History,
        environment: &str,
    ) -> Result<Vec<(Version, SchemaId)>, Error> {
        let retained = self
            .store
            .retention(subject.as_str(), environment)
            .await?
            .unwrap_or(Version(1));
        let deployed = self
            .store
            .deployed_versions(subject.as_str(), environment)
            .await?;
        let latest = super::live(history).next_back().map(|v| v.version);
        let mut versions: Vec<(Version, SchemaId)> = history
            .versions
            .iter()
            .filter(|v| {
                Some(v.version) == latest
                    || (v.version >= retained && deployed.contains(&v.version))
            })
            .map(|v| (v.version, v.schema_id))
            .collect();
        versions.sort();
        Ok(versions)
    }

    async fn reader_matrix(
        &self,
        record: &ReaderRecord,
        reader: Arc<Schema>,
        versions: &[(Version, SchemaId)],
        policy: Policy,
    ) -> Result<Vec<MatrixRow>, Error> {
        let name = reader_name(record);
        let mut pairs = Vec::with_capacity(versions.len());
        for (version, id) in versions {
            pairs.push(Pair {
                row: row(record, WriterRef::Version(*version)),
                writer: self.parsed(*id).await?,
                reader: reader.clone(),
                key: Some(ReadingKey {
                    writer: *id,
                    reader: name.clone(),
                    policy,
                }),
            });
        }
        self.judge_readings(pairs, policy).await
    }

    async fn policy(&self, subject: &Subject) -> Result<Policy, Error> {
        Ok(self
            .effective_config(Some(subject))
            .await?
            .policy
            .unwrap_or(Policy::Strict))
    }

    /// Answers "can I deploy?" for a producer or a consumer (see
    /// [`DeployQuestion`]). An unknown subject is 40401; an environment
    /// nobody named has no consumers and no deployments, which is an
    /// answer, not an error.
    #[tracing::instrument(skip_all)]
    pub async fn can_i_deploy(&self, question: DeployQuestion) -> Result<DeployAnswer, Error> {
        let matrix = match question {
            DeployQuestion::Producer {
                subject,
                schema,
                environment,
            } => {
                self.existing(&subject).await?;
                let candidate = self.posted(&schema).await?;
                let readers = self
                    .store
                    .readers(&ReaderFilter {
                        subject: Some(subject.to_string()),
                        environment: Some(environment.to_string()),
                        ..ReaderFilter::default()
                    })
                    .await?;
                let policy = self.policy(&subject).await?;
                self.candidate_matrix(&readers, &candidate.schema, policy)
                    .await?
            }
            DeployQuestion::Consumer {
                consumer,
                subject,
                reader,
                environment,
                consumer_version,
            } => {
                let history = self.existing(&subject).await?;
                let (stored, schema) = match reader {
                    ReaderInput::Posted(posted) => {
                        let candidate = self.posted(&posted).await?;
                        let stored = StoredReader::Schema {
                            schema_type: candidate.schema.schema_type(),
                            text: candidate.schema.canonical().to_string(),
                            references: candidate.references,
                        };
                        (stored, candidate.schema)
                    }
                    ReaderInput::Version(version) => {
                        let found = history
                            .versions
                            .iter()
                            .find(|v| v.version == version && !v.deleted)
                            .ok_or_else(|| Error::VersionNotFound {
                                subject: subject.to_string(),
                                version: version.to_string(),
                            })?;
                        let stored = StoredReader::Version {
                            version,
                            schema_id: found.schema_id,
                        };
                        (stored, self.parsed(found.schema_id).await?)
                    }
                };
                let record = ReaderRecord {
                    consumer: consumer.to_string(),
                    subject: subject.to_string(),
                    environment: environment.to_string(),
                    reader: stored,
                    consumer_version,
                    recorded_at_ms: now_ms(),
                };
                let versions = self
                    .versions_to_read(&subject, &history, environment.as_str())
                    .await?;
                let policy = self.policy(&subject).await?;
                self.reader_matrix(&record, schema, &versions, policy)
                    .await?
            }
        };
        Ok(DeployAnswer {
            ok: matrix.iter().all(|r| r.compatible),
            matrix,
        })
    }

    /// The consumers of `subject` (in `environment`, or in every one), each
    /// with what it can read: the latest version and every version deployed
    /// to its environment from the retained one on.
    #[tracing::instrument(skip(self), fields(subject = %subject))]
    pub async fn subject_consumers(
        &self,
        subject: &Subject,
        environment: Option<&Name>,
    ) -> Result<Vec<ConsumerStatus>, Error> {
        let history = self.existing(subject).await?;
        let readers = self
            .store
            .readers(&ReaderFilter {
                subject: Some(subject.to_string()),
                environment: environment.map(Name::to_string),
                ..ReaderFilter::default()
            })
            .await?;
        let policy = self.policy(subject).await?;
        let latest = super::live(&history).next_back().map(|v| v.version);
        let mut statuses = Vec::with_capacity(readers.len());
        for record in readers {
            let versions = self
                .versions_to_read(subject, &history, &record.environment)
                .await?;
            let reader = self.reader_schema(&record).await?;
            let matrix = self
                .reader_matrix(&record, reader, &versions, policy)
                .await?;
            let reads_latest = matrix
                .iter()
                .filter(|r| Some(r.writer) == latest.map(WriterRef::Version))
                .all(|r| r.compatible);
            let reads_deployed = matrix
                .iter()
                .filter(|r| Some(r.writer) != latest.map(WriterRef::Version))
                .all(|r| r.compatible);
            statuses.push(ConsumerStatus {
                record,
                reads_latest,
                reads_deployed,
                matrix,
            });
        }
        Ok(statuses)
    }
}
