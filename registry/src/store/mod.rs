//! Durable storage behind one interface, [`Store`].
//!
//! Architecture invariant: SQL lives here and nowhere else. The service layer
//! sees records and a handful of atomic operations; a backend answers them in
//! transactions of its own. There are two backends, chosen by one `match` in
//! the binary: [`SqliteStore`] (one embedded file, the default) and
//! [`PostgresStore`] (one database any number of registry instances share).
//! Both use `query_as` with the `FromRow` types of `rows` (never `query!`,
//! which would need a database at build time); the queries that read the
//! same on both are written once in `shared`; and `registry/tests/store.rs`
//! runs every contract test on both.
//!
//! Concurrency contract: every subject carries a *generation* that grows with
//! each change to its versions. Writers pass the generation they read the
//! history at; the store refuses the write with [`StoreError::Conflict`] when
//! it moved, and the caller reads again. A version number already taken is a
//! `Conflict` too. Nothing else is needed for two writers (threads or
//! processes) never to append to a history they did not check.
//!
//! Audit contract: every write takes the [`AuditEvent`] that records it and
//! writes it in the same transaction, so a change and its record commit or
//! roll back together ([`Store::record_audit`] appends a refusal, which
//! changes nothing).
//!
//! Failure contract: an error that means "the database cannot be reached
//! right now" (down, restarting, no connection free within the acquire
//! timeout) is [`StoreError::Unavailable`], which the API answers with 503;
//! any other database error is [`StoreError::Database`]. Neither reaches a
//! client with its detail.

mod associations;
mod consumers;
mod identity;
mod postgres;
mod rows;
mod shared;
mod sqlite;

use async_trait::async_trait;
use schemas::SchemaType;

use crate::audit::{AuditEvent, AuditQuery};
use crate::model::{
    Association, AssociationFilter, ConfigRecord, Deployment, Metadata, Mode, ReaderFilter,
    ReaderRecord, Reference, RuleSet, SchemaId, Scope, StoredReader, StoredSchema, Version,
    VersionRecord,
};

pub use postgres::{PostgresOptions, PostgresStore};
pub use sqlite::SqliteStore;

/// Why the store could not answer.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The subject changed since its history was read; read it again.
    #[error("the subject changed concurrently")]
    Conflict,
    /// An explicit id already names other content.
    #[error("schema id {id} already holds another schema")]
    IdTaken {
        /// The id asked for.
        id: SchemaId,
    },
    /// The same content already exists under another id than the one asked for.
    #[error("this schema is already registered under id {existing}")]
    ContentTaken {
        /// The id it has.
        existing: SchemaId,
    },
    /// A row the database holds that this version of Charter cannot read.
    #[error("corrupt row: {0}")]
    Corrupt(String),
    /// The database cannot be reached now: it is down or restarting, or no
    /// connection came free within the acquire timeout. Worth retrying.
    #[error("the database is unavailable: {0}")]
    Unavailable(#[source] sqlx::Error),
    /// The database failed.
    #[error(transparent)]
    Database(sqlx::Error),
    /// The schema migrations failed.
    #[error(transparent)]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl From<sqlx::Error> for StoreError {
    /// Sorts a database error into what the service can act on: a lost or
    /// missing connection is [`StoreError::Unavailable`], a PostgreSQL
    /// serialization failure or deadlock a [`StoreError::Conflict`] (the
    /// caller reads again), anything else [`StoreError::Database`].
    fn from(error: sqlx::Error) -> StoreError {
        use sqlx::Error as E;
        match &error {
            E::PoolTimedOut | E::PoolClosed | E::Io(_) | E::Tls(_) | E::WorkerCrashed => {
                StoreError::Unavailable(error)
            }
            E::Database(db) => match db.try_downcast_ref::<sqlx::postgres::PgDatabaseError>() {
                Some(pg) => match pg_error_kind(pg.code()) {
                    PgErrorKind::Unavailable => StoreError::Unavailable(error),
                    PgErrorKind::Retry => StoreError::Conflict,
                    PgErrorKind::Other => StoreError::Database(error),
                },
                // SQLite: another process held the write lock for longer
                // than the busy timeout.
                None if db.code().as_deref().is_some_and(sqlite_busy) => {
                    StoreError::Unavailable(error)
                }
                None => StoreError::Database(error),
            },
            _ => StoreError::Database(error),
        }
    }
}

/// Whether an SQLite result code (extended or primary) is `SQLITE_BUSY` or
/// `SQLITE_LOCKED`: the file is held by another connection.
fn sqlite_busy(code: &str) -> bool {
    code.parse::<i32>()
        .is_ok_and(|code| matches!(code & 0xff, 5 | 6))
}

/// What a PostgreSQL error (by SQLSTATE) tells the caller.
#[derive(Debug, PartialEq, Eq)]
enum PgErrorKind {
    /// The server cannot serve now: try later.
    Unavailable,
    /// The transaction lost a race: read again and retry.
    Retry,
    /// Anything else.
    Other,
}

fn pg_error_kind(sqlstate: &str) -> PgErrorKind {
    match sqlstate {
        // Class 08: connection exceptions. 57P01..57P03: the server is
        // shutting down, crashed, or not accepting connections yet. Class 53:
        // out of connections, memory or disk. 57014: a statement timeout.
        // 25006: a read-only transaction, as on a standby during failover.
        s if s.starts_with("08") || s.starts_with("53") => PgErrorKind::Unavailable,
        "57P01" | "57P02" | "57P03" | "57014" | "25006" => PgErrorKind::Unavailable,
        // Serialization failure, deadlock.
        "40001" | "40P01" => PgErrorKind::Retry,
        _ => PgErrorKind::Other,
    }
}

/// Something other processes changed that a cache of schemas by id must
/// forget (see [`Store::on_invalidation`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Invalidation {
    /// No version holds these schemas any more (a permanent delete).
    Gone(Vec<SchemaId>),
    /// Changes may have been missed (the notification channel was down):
    /// forget everything.
    All,
}

/// Where a store delivers [`Invalidation`]s.
pub type InvalidationSink = std::sync::Arc<dyn Fn(Invalidation) + Send + Sync>;

/// A subject's versions, oldest first, with the generation they were read at.
#[derive(Debug, Clone, Default)]
pub struct History {
    /// The subject's generation (0 for a subject never written).
    pub generation: i64,
    /// Every version, soft-deleted ones included, ascending.
    pub versions: Vec<VersionRecord>,
}

/// How many versions a subject has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubjectSummary {
    /// The subject.
    pub name: String,
    /// Its versions that are not soft-deleted.
    pub live: u32,
    /// All its versions.
    pub total: u32,
}

/// A schema that references a subject version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Referrer {
    /// The referring schema.
    pub id: SchemaId,
    /// Whether one of its versions is live (not soft-deleted).
    pub live: bool,
}

/// The content of a schema to store.
#[derive(Debug, Clone)]
pub struct NewSchema {
    /// An explicit id (IMPORT mode), or `None` to reuse or allocate one.
    pub id: Option<SchemaId>,
    /// The key of the content (type, text, references, metadata, rule
    /// set): unique, the source of the schema's GUID. A registration that
    /// does not normalize keys the text the Confluent Schema Registry
    /// compares (`Schema::identity_text`): this is then `identity_key`.
    pub content_key: String,
    /// The identity of the schema as the Confluent Schema Registry has it:
    /// the same key over the text it compares (its `canonicalString()`);
    /// not unique, since schemas stored before migration 0009 were keyed by
    /// their text as submitted and two of them may share one.
    pub identity_key: String,
    /// The same over the canonical text instead of the text as served:
    /// shared by the schemas that differ only in formatting.
    pub canonical_key: String,
    /// Whether it was registered normalized: `text` is the peer's
    /// normalized text (Charter's canonical form in the schemas stored
    /// before migration 0004, and in normalized ones stored before Charter
    /// wrote the peer's).
    pub normalized: bool,
    /// Its format.
    pub schema_type: SchemaType,
    /// Its text as served.
    pub text: String,
    /// Its references, with concrete versions.
    pub references: Vec<Reference>,
    /// Its metadata.
    pub metadata: Option<Metadata>,
    /// Its rule set.
    pub rule_set: Option<RuleSet>,
    /// Whether the caller looked `content_key` up just before (outside the
    /// write's transaction) and found no schema. A store may then insert at
    /// once instead of looking again first: content stored meanwhile by
    /// another writer makes the insert conflict, and the store reads its id
    /// then.
    pub seen_absent: bool,
}

/// What a posted schema's keys find among the stored schemas (see
/// [`Store::schemas_by_keys`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeyMatches {
    /// The schemas with the same content key or the same identity key, by
    /// id (several only where schemas stored before migration 0009 share
    /// one identity).
    pub content: Vec<SchemaId>,
    /// The schemas with the same canonical key (formatting variants), by id.
    pub variants: Vec<Variant>,
}

/// The schema a version was appended with (see [`Store::append_version`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Appended {
    /// Its row id (the default context's id).
    pub id: SchemaId,
    /// Whether the row was stored by this append (not found stored).
    pub created: bool,
}

/// A stored schema that shares a canonical key with another (see
/// [`Store::schemas_by_canonical_key`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Variant {
    /// Its id.
    pub id: SchemaId,
    /// Whether it was registered normalized.
    pub normalized: bool,
}

/// A context other than the default one (see [`Store::contexts`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContextRecord {
    /// Its name, `.ctx`.
    pub name: String,
    /// The highest id it ever handed out.
    pub max_id: Option<SchemaId>,
    /// Whether `GET /contexts` lists it (a subject was registered in it
    /// since it was last deleted).
    pub listed: bool,
}

/// A version to append to a subject.
#[derive(Debug, Clone)]
pub struct NewVersion {
    /// The subject.
    pub subject: String,
    /// The version number.
    pub version: Version,
    /// The generation the history was read at.
    pub expected_generation: i64,
    /// The schema it holds.
    pub schema: NewSchema,
    /// Registration time, milliseconds since the Unix epoch.
    pub registered_at_ms: i64,
}

/// One entry of a consumer's reader history: a reader recorded, or the
/// reader of a subject and environment forgotten.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReaderEvent {
    /// Whether this is a forgetting (then `reader` is `None`).
    pub forgotten: bool,
    /// The consumer.
    pub consumer: String,
    /// The subject.
    pub subject: String,
    /// The environment.
    pub environment: String,
    /// The reader recorded.
    pub reader: Option<StoredReader>,
    /// The consumer's application version, when given.
    pub consumer_version: Option<String>,
    /// When, in milliseconds since the Unix epoch.
    pub at_ms: i64,
}

/// What one write does to the associations, in one transaction: deletes,
/// then updates, then inserts. An update or delete names the association
/// by its key and GUID as read; an insert must find its key free. Anything
/// else (another writer came first) is [`StoreError::Conflict`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AssociationChanges {
    /// New associations.
    pub insert: Vec<Association>,
    /// Associations changed (subject, lifecycle, frozen, update time).
    pub update: Vec<Association>,
    /// Associations removed.
    pub delete: Vec<Association>,
}

/// Durable storage for schemas, subjects, versions, configs and modes, and
/// Charter's consumer records (readers, deployments, retention).
///
/// Every method is one transaction; writes return only once committed
/// durably.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// Whether the database answers.
    async fn ping(&self) -> Result<(), StoreError>;

    /// The schema with this id, whether or not a version still holds it.
    async fn schema(&self, id: SchemaId) -> Result<Option<StoredSchema>, StoreError>;

    /// The schema with this id if some version (live or soft-deleted) holds
    /// it: what clients may read by id.
    async fn held_schema(&self, id: SchemaId) -> Result<Option<StoredSchema>, StoreError>;

    /// The id of the schema with this content key.
    async fn schema_id_by_content(&self, content_key: &str)
    -> Result<Option<SchemaId>, StoreError>;

    /// The id of the schema with this GUID (lower-case, as stored).
    async fn schema_id_by_guid(&self, guid: &str) -> Result<Option<SchemaId>, StoreError>;

    /// The schemas whose canonical key is `canonical_key` (formatting
    /// variants of one schema), by id.
    async fn schemas_by_canonical_key(
        &self,
        canonical_key: &str,
    ) -> Result<Vec<Variant>, StoreError>;

    /// The schemas with this content key or this identity key, and those
    /// with this canonical key ([`Store::schemas_by_canonical_key`]), in one
    /// read.
    async fn schemas_by_keys(
        &self,
        content_key: &str,
        identity_key: &str,
        canonical_key: &str,
    ) -> Result<KeyMatches, StoreError>;

    /// Up to `limit` schemas stored without an identity key (before
    /// migration 0009, or by an older instance since), with ids above
    /// `after`, by id.
    async fn schemas_without_identity(
        &self,
        after: SchemaId,
        limit: u32,
    ) -> Result<Vec<StoredSchema>, StoreError>;

    /// Sets the identity key of schema `id` unless it has one. Idempotent:
    /// instances keying the same schema at once compute the same key.
    async fn set_identity_key(&self, id: SchemaId, identity_key: &str) -> Result<(), StoreError>;

    /// The highest id ever allocated.
    async fn max_schema_id(&self) -> Result<Option<SchemaId>, StoreError>;

    /// How many schemas at least one version (live or soft-deleted) holds.
    async fn count_schemas_in_use(&self) -> Result<u64, StoreError>;

    /// Every version, soft-deleted ones included, that holds schema `id`,
    /// ordered by subject then version.
    async fn usages(&self, id: SchemaId) -> Result<Vec<VersionRecord>, StoreError>;

    /// Every subject that has at least one version, ordered by name.
    async fn subjects(&self) -> Result<Vec<SubjectSummary>, StoreError>;

    /// One subject's versions and generation.
    async fn history(&self, subject: &str) -> Result<History, StoreError>;

    /// Every version of every subject whose name starts with `prefix`, with
    /// its schema, ordered by subject then version.
    async fn versions_with_schemas(
        &self,
        prefix: &str,
    ) -> Result<Vec<(VersionRecord, StoredSchema)>, StoreError>;

    /// The schemas whose references point at `subject` version `version`,
    /// counting only schemas that some version still holds.
    async fn referrers(&self, subject: &str, version: Version)
    -> Result<Vec<Referrer>, StoreError>;

    /// Appends a version, storing its schema first unless the same content
    /// already has an id, and `audit` (with the schema's id) in the same
    /// transaction. A subject in a context other than the default one
    /// (`:.ctx:name`) gets the schema's id in that context, drawn from the
    /// context's own counter when it has none there yet (`new.schema.id`,
    /// an imported id, is then the context's id); the audit records that
    /// id. Fails with [`StoreError::Conflict`] when the subject's
    /// generation is no longer `expected_generation` or the version number
    /// is taken. Returns the schema's row id (the default context's id).
    async fn insert_version(
        &self,
        new: NewVersion,
        audit: &AuditEvent,
    ) -> Result<SchemaId, StoreError> {
        Ok(self.append_version(new, audit).await?.id)
    }

    /// [`Store::insert_version`], saying whether the schema row is new. A
    /// schema with the same content key or the same identity key (the
    /// lowest id of those) is the one stored, whatever its text.
    async fn append_version(
        &self,
        new: NewVersion,
        audit: &AuditEvent,
    ) -> Result<Appended, StoreError>;

    /// The schema row id `id` names in `context` (`.ctx`), whether or not a
    /// version still holds it.
    async fn context_schema(
        &self,
        context: &str,
        id: SchemaId,
    ) -> Result<Option<SchemaId>, StoreError>;

    /// The id schema row `schema_id` has in `context` (`.ctx`), if it has one.
    async fn id_in_context(
        &self,
        context: &str,
        schema_id: SchemaId,
    ) -> Result<Option<SchemaId>, StoreError>;

    /// Every context but the default one a subject was ever registered in,
    /// by name.
    async fn contexts(&self) -> Result<Vec<ContextRecord>, StoreError>;

    /// Removes `context` from the listed contexts when no version (live or
    /// soft-deleted) of a subject in it is left, recording `audit` with the
    /// change (none when it was not listed); false, and nothing changed,
    /// when the context is not empty. Its ids stay taken.
    async fn delete_context(&self, context: &str, audit: &AuditEvent) -> Result<bool, StoreError>;

    /// Marks versions of a subject soft-deleted, if the subject is still at
    /// `expected_generation`, recording `audit` with the change.
    async fn soft_delete(
        &self,
        subject: &str,
        versions: &[Version],
        expected_generation: i64,
        audit: &AuditEvent,
    ) -> Result<(), StoreError>;

    /// Removes versions of a subject for good, if the subject is still at
    /// `expected_generation`, recording `audit` with the change. When no
    /// version is left, the subject's config and mode go too. Schema rows
    /// stay: an id is never reused.
    async fn hard_delete(
        &self,
        subject: &str,
        versions: &[Version],
        expected_generation: i64,
        audit: &AuditEvent,
    ) -> Result<(), StoreError>;

    /// The config set on a scope.
    async fn config(&self, scope: &Scope) -> Result<Option<ConfigRecord>, StoreError>;

    /// The configs set on each of `scopes`, in their order, in one read (a
    /// decision consults several scopes).
    async fn configs(&self, scopes: &[Scope]) -> Result<Vec<Option<ConfigRecord>>, StoreError>;

    /// Replaces the config of a scope, recording `audit` with the change.
    async fn set_config(
        &self,
        scope: &Scope,
        config: &ConfigRecord,
        audit: &AuditEvent,
    ) -> Result<(), StoreError>;

    /// Removes the config of a scope, returning what it was, and records
    /// `audit` with the change (none when no config was set).
    async fn delete_config(
        &self,
        scope: &Scope,
        audit: &AuditEvent,
    ) -> Result<Option<ConfigRecord>, StoreError>;

    /// The mode set on a scope.
    async fn mode(&self, scope: &Scope) -> Result<Option<Mode>, StoreError>;

    /// The modes set on each of `scopes`, in their order, in one read.
    async fn modes(&self, scopes: &[Scope]) -> Result<Vec<Option<Mode>>, StoreError>;

    /// Sets the mode of a scope, recording `audit` with the change.
    async fn set_mode(
        &self,
        scope: &Scope,
        mode: Mode,
        audit: &AuditEvent,
    ) -> Result<(), StoreError>;

    /// Removes the mode of a scope, returning what it was, and records
    /// `audit` with the change (none when no mode was set, unless
    /// `recursive`). `recursive` on the global scope removes every
    /// subject's mode too.
    async fn delete_mode(
        &self,
        scope: &Scope,
        recursive: bool,
        audit: &AuditEvent,
    ) -> Result<Option<Mode>, StoreError>;

    /// Appends an event that goes with no change (a refused attempt).
    async fn record_audit(&self, audit: &AuditEvent) -> Result<(), StoreError>;

    /// The audit events `query` selects, newest first.
    async fn audit_events(&self, query: &AuditQuery) -> Result<Vec<AuditEvent>, StoreError>;

    /// Records the reader of `record.consumer` for its subject and
    /// environment, replacing the one recorded before; the history keeps
    /// both. `audit` is written with the change.
    async fn record_reader(
        &self,
        record: &ReaderRecord,
        audit: &AuditEvent,
    ) -> Result<(), StoreError>;

    /// Forgets a consumer's reader of a subject in an environment (the
    /// history keeps it and notes the forgetting), writing `audit` with the
    /// change; false (and nothing written) when there was none.
    async fn forget_reader(
        &self,
        consumer: &str,
        subject: &str,
        environment: &str,
        at_ms: i64,
        audit: &AuditEvent,
    ) -> Result<bool, StoreError>;

    /// The current readers `filter` wants, ordered by consumer, subject and
    /// environment.
    async fn readers(&self, filter: &ReaderFilter) -> Result<Vec<ReaderRecord>, StoreError>;

    /// Everything recorded and forgotten for `consumer`, oldest first.
    async fn reader_history(&self, consumer: &str) -> Result<Vec<ReaderEvent>, StoreError>;

    /// Records that `deployment.version` runs in its environment now,
    /// writing `audit` with the change.
    async fn record_deployment(
        &self,
        deployment: &Deployment,
        audit: &AuditEvent,
    ) -> Result<(), StoreError>;

    /// What runs in `environment`: one deployment per subject, by subject.
    async fn deployments(&self, environment: &str) -> Result<Vec<Deployment>, StoreError>;

    /// Every version of `subject` ever deployed to `environment`, ascending.
    async fn deployed_versions(
        &self,
        subject: &str,
        environment: &str,
    ) -> Result<Vec<Version>, StoreError>;

    /// Sets from which version on data of `subject` in `environment` may
    /// still be read, writing `audit` with the change.
    async fn set_retention(
        &self,
        subject: &str,
        environment: &str,
        from: Version,
        audit: &AuditEvent,
    ) -> Result<(), StoreError>;

    /// See [`Store::set_retention`]; `None` when every version counts.
    async fn retention(
        &self,
        subject: &str,
        environment: &str,
    ) -> Result<Option<Version>, StoreError>;

    /// The associations `filter` selects, in the peer's order (resource
    /// name, namespace, resource type, association type, subject).
    async fn associations(
        &self,
        filter: &AssociationFilter,
    ) -> Result<Vec<Association>, StoreError>;

    /// Applies `changes` and records `audit` in one transaction;
    /// [`StoreError::Conflict`] (and nothing written) when an insert's key
    /// is taken or an update's or delete's association is gone or changed.
    async fn change_associations(
        &self,
        changes: &AssociationChanges,
        audit: &AuditEvent,
    ) -> Result<(), StoreError>;

    /// Registers `sink` to hear of schemas that writers in *other*
    /// processes made unreadable by id, so that a cache can forget them.
    /// A store that only this process writes delivers nothing.
    fn on_invalidation(&self, sink: InvalidationSink) {
        let _ = sink;
    }

    /// Closes every connection once in-flight work is done (graceful
    /// shutdown); later calls fail.
    async fn close(&self);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn an_sqlite_file_held_by_another_writer_is_unavailable_not_an_error() {
        use sqlx::Connection;
        use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
        let dir = tempfile::tempdir().unwrap();
        let options = SqliteConnectOptions::new()
            .filename(dir.path().join("busy.db"))
            .create_if_missing(true)
            .busy_timeout(std::time::Duration::ZERO);
        let mut holder = SqliteConnection::connect_with(&options).await.unwrap();
        let mut other = SqliteConnection::connect_with(&options).await.unwrap();
        sqlx::query("BEGIN IMMEDIATE")
            .execute(&mut holder)
            .await
            .unwrap();
        let busy = sqlx::query("BEGIN IMMEDIATE")
            .execute(&mut other)
            .await
            .unwrap_err();
        assert!(
            matches!(StoreError::from(busy), StoreError::Unavailable(_)),
            "SQLITE_BUSY must answer 503"
        );
        assert!(sqlite_busy("5") && sqlite_busy("517") && sqlite_busy("6"));
        assert!(!sqlite_busy("19") && !sqlite_busy("2067") && !sqlite_busy("x"));
    }

    #[test]
    fn postgres_errors_sort_by_sqlstate() {
        for unavailable in ["08006", "08001", "57P01", "57P03", "53300", "25006"] {
            assert_eq!(pg_error_kind(unavailable), PgErrorKind::Unavailable);
        }
        assert_eq!(pg_error_kind("40001"), PgErrorKind::Retry);
        assert_eq!(pg_error_kind("40P01"), PgErrorKind::Retry);
        for other in ["23505", "42P01", "22001"] {
            assert_eq!(pg_error_kind(other), PgErrorKind::Other);
        }
    }

    #[test]
    fn lost_connections_are_unavailable() {
        let io = sqlx::Error::Io(std::io::Error::from(std::io::ErrorKind::ConnectionRefused));
        assert!(matches!(StoreError::from(io), StoreError::Unavailable(_)));
        assert!(matches!(
            StoreError::from(sqlx::Error::PoolTimedOut),
            StoreError::Unavailable(_)
        ));
        assert!(matches!(
            StoreError::from(sqlx::Error::RowNotFound),
            StoreError::Database(_)
        ));
    }
}
