//! The shared store: one PostgreSQL database that any number of registry
//! instances use at once, none of them special.
//!
//! What keeps several instances correct, each guarded in the database rather
//! than in a process:
//! - *Per-subject order.* A write advances the subject's generation with
//!   `UPDATE subjects ... WHERE generation = <read>`; the UPDATE takes the
//!   row lock, so a concurrent writer of the same subject in another
//!   instance waits for the first to commit, then matches no row and gets
//!   [`StoreError::Conflict`] (the service reads the history again and
//!   re-checks). The `(subject, version)` primary key refuses a second
//!   version with one number even so.
//! - *One content, one id.* `content_key` is unique and schemas are inserted
//!   with `ON CONFLICT DO NOTHING`: of two instances storing the same schema
//!   at once, the second waits for the first's commit and then reads its id.
//!   (A registration that does not normalize keys the text the Confluent
//!   Schema Registry compares, so two spellings of one schema registered at
//!   once conflict too.)
//! - *Ids never reused.* They come from an identity sequence, which never
//!   goes back; schema rows are never deleted. An explicit (IMPORT) id moves
//!   the sequence past itself, so allocation continues above it.
//! - *Acknowledged means durable.* A write answers after `COMMIT` returns,
//!   which with PostgreSQL's default `synchronous_commit = on` is after the
//!   WAL is flushed.
//! - *Caches stay true.* A permanent delete sends `NOTIFY charter_schemas_gone`
//!   in its transaction; every instance's listener hears it after the commit
//!   and evicts those ids ([`Store::on_invalidation`]). When the listening
//!   connection is lost, notifications may have been missed, so once it is
//!   listening again the whole cache is dropped.
//!
//! Connections come from one pool per instance (`max_connections`), each
//! wait for a connection bounded by `acquire_timeout`, each statement by
//! `statement_timeout` (set on the session), so a request that needs an
//! unreachable database fails with [`StoreError::Unavailable`] in bounded
//! time instead of hanging. Connections are tested before use, so after the
//! server restarts the pool replaces dead ones by itself.

use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use sqlx::postgres::{PgConnectOptions, PgListener, PgPool, PgPoolOptions};
use sqlx::{Postgres, Transaction};
use tokio::sync::watch;

use super::associations::postgres as associations;
use super::consumers::postgres as consumers;
use super::identity::postgres as identity;
use super::rows;
use super::shared::postgres as shared;
use super::{
    Appended, AssociationChanges, ContextRecord, History, Invalidation, InvalidationSink,
    NewSchema, NewVersion, ReaderEvent, Referrer, Store, StoreError, SubjectSummary,
};
use crate::audit::{AuditEvent, AuditQuery};
use crate::model::{
    Association, AssociationFilter, ConfigRecord, Deployment, Mode, ReaderFilter, ReaderRecord,
    SchemaId, Scope, StoredSchema, Version, VersionRecord,
};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// The channel permanent deletes notify on; the payload is the ids no
/// version holds any more, comma-separated.
const GONE_CHANNEL: &str = "charter_schemas_gone";

/// How long the listener waits before connecting again after a failure.
const LISTENER_RETRY: Duration = Duration::from_millis(500);

/// How the connection pool behaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PostgresOptions {
    /// The most connections this instance opens (one more is kept for the
    /// cache-invalidation listener).
    pub max_connections: u32,
    /// The longest a request waits for a connection before it fails with
    /// [`StoreError::Unavailable`].
    pub acquire_timeout: Duration,
    /// The longest one statement may run (including waiting for a row
    /// lock) before the server cancels it.
    pub statement_timeout: Duration,
}

impl Default for PostgresOptions {
    fn default() -> Self {
        PostgresOptions {
            max_connections: 16,
            acquire_timeout: Duration::from_secs(5),
            statement_timeout: Duration::from_secs(5),
        }
    }
}

/// A [`Store`] on a PostgreSQL database.
#[derive(Debug, Clone)]
pub struct PostgresStore {
    pool: PgPool,
    listener: Arc<ListenerHandle>,
}

/// The background task that turns notifications into invalidations.
struct ListenerHandle {
    sinks: Arc<Mutex<Vec<InvalidationSink>>>,
    stop: watch::Sender<bool>,
    task: Mutex<Option<tokio::task::JoinHandle<()>>>,
}

impl std::fmt::Debug for ListenerHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ListenerHandle").finish_non_exhaustive()
    }
}

impl PostgresStore {
    /// Connects to the database at `url` (`postgres://USER[:PASS]@HOST[:PORT]/DB`,
    /// with libpq's query parameters such as `sslmode`) and brings its schema
    /// up to date. Several instances may start at once: the migrator holds a
    /// PostgreSQL advisory lock while it works, so one migrates and the
    /// others wait, then find nothing to do.
    pub async fn open(url: &str, options: PostgresOptions) -> Result<PostgresStore, StoreError> {
        let statement_timeout = options.statement_timeout.as_millis().to_string();
        let connect = PgConnectOptions::from_str(url)?
            .application_name("charter-registry")
            .options([("statement_timeout", statement_timeout.as_str())]);
        let pool = PgPoolOptions::new()
            .max_connections(options.max_connections.max(1))
            .acquire_timeout(options.acquire_timeout)
            .test_before_acquire(true)
            .connect_with(connect.clone())
            .await?;
        MIGRATOR.run(&pool).await?;
        let listen_pool = PgPoolOptions::new()
            .max_connections(1)
            .acquire_timeout(options.acquire_timeout)
            .connect_lazy_with(connect);
        let sinks: Arc<Mutex<Vec<InvalidationSink>>> = Arc::default();
        let (stop, stopped) = watch::channel(false);
        let task = tokio::spawn(listen(listen_pool, sinks.clone(), stopped));
        Ok(PostgresStore {
            pool,
            listener: Arc::new(ListenerHandle {
                sinks,
                stop,
                task: Mutex::new(Some(task)),
            }),
        })
    }
}

/// Stores a schema's content unless it already has an id, and returns its
/// id and whether it stored it. Safe against other instances storing the
/// same content or taking the same explicit id at the same moment.
async fn store_schema(
    tx: &mut Transaction<'static, Postgres>,
    schema: &NewSchema,
    wanted: Option<SchemaId>,
) -> Result<(i64, bool), StoreError> {
    // Look first: inserting content that exists would still draw (and
    // waste) a number from the sequence. When the caller has just seen that
    // no schema has this content (the common case of a registration), the
    // first round skips the look, a round trip in the write's transaction:
    // content stored since by another writer makes the insert conflict (at
    // the cost of one skipped number) and the next round reads its id.
    let mut look = !(schema.seen_absent && wanted.is_none());
    loop {
        if look {
            if let Some(found) = content_id(tx, schema).await? {
                return match wanted {
                    Some(wanted) if wanted.0 != found => Err(StoreError::ContentTaken {
                        existing: SchemaId(found),
                    }),
                    _ => Ok((found, false)),
                };
            }
        }
        look = true;
        let inserted: Option<i64> = match wanted {
            Some(wanted) => sqlx::query_scalar(
                "INSERT INTO schemas (id, content_key, canonical_key, normalized, schema_type, \
                 schema, metadata, rule_set, identity_key) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
                 ON CONFLICT DO NOTHING RETURNING id",
            )
            .bind(wanted.0),
            None => sqlx::query_scalar(
                "INSERT INTO schemas (content_key, canonical_key, normalized, schema_type, \
                 schema, metadata, rule_set, identity_key) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
                 ON CONFLICT DO NOTHING RETURNING id",
            ),
        }
        .bind(&schema.content_key)
        .bind(&schema.canonical_key)
        .bind(schema.normalized)
        .bind(schema.schema_type.as_str())
        .bind(&schema.text)
        .bind(rows::to_json_column(&schema.metadata))
        .bind(rows::to_json_column(&schema.rule_set))
        .bind(&schema.identity_key)
        .fetch_optional(&mut **tx)
        .await?;
        if let Some(id) = inserted {
            if wanted.is_some() {
                // Move the sequence past an imported id, so allocation
                // continues above it. Imports are rare: serialize them, so
                // that two never move the sequence back and forth.
                sqlx::query("SELECT pg_advisory_xact_lock(hashtext('charter_explicit_ids'))")
                    .execute(&mut **tx)
                    .await?;
                sqlx::query(
                    "SELECT setval(pg_get_serial_sequence('schemas', 'id'), $1) \
                     WHERE $1 > (SELECT last_value FROM schemas_id_seq)",
                )
                .bind(id)
                .execute(&mut **tx)
                .await?;
            }
            shared::insert_references(tx, id, &schema.references).await?;
            return Ok((id, true));
        }
        // A conflict. Either another instance stored this content a moment
        // ago (the next round reads its id), or the id is taken: an explicit
        // one by other content, or one the sequence handed out just before
        // an import moved it (the next round draws another).
        if let Some(wanted) = wanted {
            if content_id(tx, schema).await?.is_none() {
                return Err(StoreError::IdTaken { id: wanted });
            }
        }
    }
}

/// The lowest id of the schemas with `schema`'s content key or identity key.
async fn content_id(
    tx: &mut Transaction<'static, Postgres>,
    schema: &NewSchema,
) -> Result<Option<i64>, StoreError> {
    identity::existing_schema(tx, &schema.content_key, &schema.identity_key).await
}

/// Version numbers as PostgreSQL takes them for `= ANY($n)`.
fn numbers(versions: &[Version]) -> Vec<i32> {
    versions.iter().map(|v| v.0).collect()
}

/// Hears permanent deletes of other instances until `stopped` turns true,
/// connecting again whenever the connection is lost.
async fn listen(
    pool: PgPool,
    sinks: Arc<Mutex<Vec<InvalidationSink>>>,
    mut stopped: watch::Receiver<bool>,
) {
    let deliver = |event: Invalidation| {
        let sinks = sinks.lock().unwrap_or_else(|e| e.into_inner()).clone();
        for sink in sinks {
            sink(event.clone());
        }
    };
    loop {
        let session = async {
            let mut listener = PgListener::connect_with(&pool).await?;
            listener.eager_reconnect(false);
            listener.listen(GONE_CHANNEL).await?;
            // Listening from here on; whatever was deleted before may have
            // been missed.
            deliver(Invalidation::All);
            while let Some(notification) = listener.try_recv().await? {
                let ids = notification
                    .payload()
                    .split(',')
                    .filter_map(|id| id.parse().ok().map(SchemaId))
                    .collect();
                deliver(Invalidation::Gone(ids));
            }
            Ok::<(), sqlx::Error>(())
        };
        tokio::select! {
            ended = session => match ended {
                Ok(()) => tracing::warn!("lost the cache-invalidation connection; reconnecting"),
                Err(error) => tracing::warn!(%error, "cache-invalidation listener failed; retrying"),
            },
            _ = stopped.changed() => return,
        }
        tokio::select! {
            _ = tokio::time::sleep(LISTENER_RETRY) => {}
            _ = stopped.changed() => return,
        }
    }
}

#[async_trait]
impl Store for PostgresStore {
    async fn ping(&self) -> Result<(), StoreError> {
        shared::ping(&self.pool).await
    }

    async fn schema(&self, id: SchemaId) -> Result<Option<StoredSchema>, StoreError> {
        shared::schema(&self.pool, id).await
    }

    async fn held_schema(&self, id: SchemaId) -> Result<Option<StoredSchema>, StoreError> {
        shared::held_schema(&self.pool, id).await
    }

    async fn schema_id_by_content(
        &self,
        content_key: &str,
    ) -> Result<Option<SchemaId>, StoreError> {
        shared::schema_id_by_content(&self.pool, content_key).await
    }

    async fn schema_id_by_guid(&self, guid: &str) -> Result<Option<SchemaId>, StoreError> {
        shared::schema_id_by_guid(&self.pool, guid).await
    }

    async fn schemas_by_canonical_key(
        &self,
        canonical_key: &str,
    ) -> Result<Vec<super::Variant>, StoreError> {
        shared::schemas_by_canonical_key(&self.pool, canonical_key).await
    }

    async fn schemas_by_keys(
        &self,
        content_key: &str,
        identity_key: &str,
        canonical_key: &str,
    ) -> Result<super::KeyMatches, StoreError> {
        shared::schemas_by_keys(&self.pool, content_key, identity_key, canonical_key).await
    }

    async fn schemas_without_identity(
        &self,
        after: SchemaId,
        limit: u32,
    ) -> Result<Vec<StoredSchema>, StoreError> {
        identity::schemas_without_identity(&self.pool, after, limit).await
    }

    async fn set_identity_key(&self, id: SchemaId, identity_key: &str) -> Result<(), StoreError> {
        identity::set_identity_key(&self.pool, id, identity_key).await
    }

    async fn max_schema_id(&self) -> Result<Option<SchemaId>, StoreError> {
        shared::max_schema_id(&self.pool).await
    }

    async fn count_schemas_in_use(&self) -> Result<u64, StoreError> {
        shared::count_schemas_in_use(&self.pool).await
    }

    async fn usages(&self, id: SchemaId) -> Result<Vec<VersionRecord>, StoreError> {
        shared::usages(&self.pool, id).await
    }

    async fn subjects(&self) -> Result<Vec<SubjectSummary>, StoreError> {
        shared::subjects(&self.pool).await
    }

    async fn history(&self, subject: &str) -> Result<History, StoreError> {
        shared::history(&self.pool, subject).await
    }

    async fn versions_with_schemas(
        &self,
        prefix: &str,
    ) -> Result<Vec<(VersionRecord, StoredSchema)>, StoreError> {
        shared::versions_with_schemas(&self.pool, prefix).await
    }

    async fn referrers(
        &self,
        subject: &str,
        version: Version,
    ) -> Result<Vec<Referrer>, StoreError> {
        shared::referrers(&self.pool, subject, version).await
    }

    async fn append_version(
        &self,
        new: NewVersion,
        audit: &AuditEvent,
    ) -> Result<Appended, StoreError> {
        let mut tx = self.pool.begin().await?;
        shared::advance_generation(&mut tx, &new.subject, new.expected_generation).await?;
        let context = crate::model::context_of(&new.subject);
        // In a context an explicit id is the context's, not the row's.
        let wanted_row = if context.is_some() {
            None
        } else {
            new.schema.id
        };
        let (id, created) = store_schema(&mut tx, &new.schema, wanted_row).await?;
        let context_id = match context {
            Some(context) => {
                Some(shared::place_in_context(&mut tx, context, id, new.schema.id).await?)
            }
            None => None,
        };
        let inserted: Option<i32> = sqlx::query_scalar(
            "INSERT INTO versions (subject, version, schema_id, context_id, deleted, registered_at) \
             VALUES ($1, $2, $3, $4, FALSE, $5) ON CONFLICT DO NOTHING RETURNING version",
        )
        .bind(&new.subject)
        .bind(new.version.0)
        .bind(id)
        .bind(context_id.map(|c| c.0))
        .bind(new.registered_at_ms)
        .fetch_optional(&mut *tx)
        .await?;
        if inserted.is_none() {
            return Err(StoreError::Conflict);
        }
        shared::insert_audit(&mut *tx, audit, Some(context_id.unwrap_or(SchemaId(id)))).await?;
        tx.commit().await?;
        Ok(Appended {
            id: SchemaId(id),
            created,
        })
    }

    async fn context_schema(
        &self,
        context: &str,
        id: SchemaId,
    ) -> Result<Option<SchemaId>, StoreError> {
        shared::context_schema(&self.pool, context, id).await
    }

    async fn id_in_context(
        &self,
        context: &str,
        schema_id: SchemaId,
    ) -> Result<Option<SchemaId>, StoreError> {
        shared::id_in_context(&self.pool, context, schema_id).await
    }

    async fn contexts(&self) -> Result<Vec<ContextRecord>, StoreError> {
        shared::contexts(&self.pool).await
    }

    async fn delete_context(&self, context: &str, audit: &AuditEvent) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        let deleted = shared::delete_context(&mut tx, context, audit).await?;
        if deleted {
            tx.commit().await?;
        }
        Ok(deleted)
    }

    async fn soft_delete(
        &self,
        subject: &str,
        versions: &[Version],
        expected_generation: i64,
        audit: &AuditEvent,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        shared::advance_generation(&mut tx, subject, expected_generation).await?;
        sqlx::query("UPDATE versions SET deleted = TRUE WHERE subject = $1 AND version = ANY($2)")
            .bind(subject)
            .bind(numbers(versions))
            .execute(&mut *tx)
            .await?;
        shared::insert_audit(&mut *tx, audit, None).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn hard_delete(
        &self,
        subject: &str,
        versions: &[Version],
        expected_generation: i64,
        audit: &AuditEvent,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        shared::advance_generation(&mut tx, subject, expected_generation).await?;
        let held: Vec<i64> = sqlx::query_scalar(
            "DELETE FROM versions WHERE subject = $1 AND version = ANY($2) RETURNING schema_id",
        )
        .bind(subject)
        .bind(numbers(versions))
        .fetch_all(&mut *tx)
        .await?;
        shared::forget_settings_if_empty(&mut tx, subject).await?;
        shared::insert_audit(&mut *tx, audit, None).await?;
        // Tell every instance which ids no version of the default context
        // holds any more (only those are served from the cache without
        // asking the store); the notification is delivered when (and only
        // if) this commits.
        sqlx::query(
            "SELECT pg_notify($1, string_agg(DISTINCT g.id::text, ',')) FROM unnest($2::bigint[]) AS g (id) \
             WHERE NOT EXISTS (SELECT 1 FROM versions v WHERE v.schema_id = g.id AND v.context_id IS NULL) \
             HAVING COUNT(*) > 0",
        )
        .bind(GONE_CHANNEL)
        .bind(held)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn config(&self, scope: &Scope) -> Result<Option<ConfigRecord>, StoreError> {
        shared::config(&self.pool, scope).await
    }

    async fn configs(&self, scopes: &[Scope]) -> Result<Vec<Option<ConfigRecord>>, StoreError> {
        shared::configs(&self.pool, scopes).await
    }

    async fn set_config(
        &self,
        scope: &Scope,
        config: &ConfigRecord,
        audit: &AuditEvent,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        shared::set_config(&mut tx, scope, config, audit).await?;
        Ok(tx.commit().await?)
    }

    async fn delete_config(
        &self,
        scope: &Scope,
        audit: &AuditEvent,
    ) -> Result<Option<ConfigRecord>, StoreError> {
        let mut tx = self.pool.begin().await?;
        let previous = shared::delete_config(&mut tx, scope, audit).await?;
        tx.commit().await?;
        Ok(previous)
    }

    async fn mode(&self, scope: &Scope) -> Result<Option<Mode>, StoreError> {
        shared::mode(&self.pool, scope).await
    }

    async fn modes(&self, scopes: &[Scope]) -> Result<Vec<Option<Mode>>, StoreError> {
        shared::modes(&self.pool, scopes).await
    }

    async fn set_mode(
        &self,
        scope: &Scope,
        mode: Mode,
        audit: &AuditEvent,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        shared::set_mode(&mut tx, scope, mode, audit).await?;
        Ok(tx.commit().await?)
    }

    async fn delete_mode(
        &self,
        scope: &Scope,
        recursive: bool,
        audit: &AuditEvent,
    ) -> Result<Option<Mode>, StoreError> {
        let mut tx = self.pool.begin().await?;
        let previous = shared::delete_mode(&mut tx, scope, recursive, audit).await?;
        tx.commit().await?;
        Ok(previous)
    }

    async fn record_audit(&self, audit: &AuditEvent) -> Result<(), StoreError> {
        shared::insert_audit(&self.pool, audit, None).await
    }

    async fn audit_events(&self, query: &AuditQuery) -> Result<Vec<AuditEvent>, StoreError> {
        shared::audit_events(&self.pool, query).await
    }

    fn on_invalidation(&self, sink: InvalidationSink) {
        self.listener
            .sinks
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(sink);
    }

    async fn record_reader(
        &self,
        record: &ReaderRecord,
        audit: &AuditEvent,
    ) -> Result<(), StoreError> {
        consumers::record_reader(&self.pool, record, audit).await
    }

    async fn forget_reader(
        &self,
        consumer: &str,
        subject: &str,
        environment: &str,
        at_ms: i64,
        audit: &AuditEvent,
    ) -> Result<bool, StoreError> {
        consumers::forget_reader(&self.pool, consumer, subject, environment, at_ms, audit).await
    }

    async fn readers(&self, filter: &ReaderFilter) -> Result<Vec<ReaderRecord>, StoreError> {
        consumers::readers(&self.pool, filter).await
    }

    async fn reader_history(&self, consumer: &str) -> Result<Vec<ReaderEvent>, StoreError> {
        consumers::reader_history(&self.pool, consumer).await
    }

    async fn record_deployment(
        &self,
        deployment: &Deployment,
        audit: &AuditEvent,
    ) -> Result<(), StoreError> {
        consumers::record_deployment(&self.pool, deployment, audit).await
    }

    async fn deployments(&self, environment: &str) -> Result<Vec<Deployment>, StoreError> {
        consumers::deployments(&self.pool, environment).await
    }

    async fn deployed_versions(
        &self,
        subject: &str,
        environment: &str,
    ) -> Result<Vec<Version>, StoreError> {
        consumers::deployed_versions(&self.pool, subject, environment).await
    }

    async fn set_retention(
        &self,
        subject: &str,
        environment: &str,
        from: Version,
        audit: &AuditEvent,
    ) -> Result<(), StoreError> {
        consumers::set_retention(&self.pool, subject, environment, from, audit).await
    }

    async fn associations(
        &self,
        filter: &AssociationFilter,
    ) -> Result<Vec<Association>, StoreError> {
        associations::associations(&self.pool, filter).await
    }

    async fn change_associations(
        &self,
        changes: &AssociationChanges,
        audit: &AuditEvent,
    ) -> Result<(), StoreError> {
        associations::change_associations(&self.pool, changes, audit).await
    }

    async fn retention(
        &self,
        subject: &str,
        environment: &str,
    ) -> Result<Option<Version>, StoreError> {
        consumers::retention(&self.pool, subject, environment).await
    }

    async fn close(&self) {
        let _ = self.listener.stop.send(true);
        let task = self
            .listener
            .task
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        if let Some(task) = task {
            let _ = task.await;
        }
        self.pool.close().await;
    }
}
