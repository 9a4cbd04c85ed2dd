//! The embedded store: one SQLite file in WAL mode.
//!
//! Durability: `synchronous = FULL` makes every commit fsync the write-ahead
//! log before it returns, so an acknowledged registration survives a crash of
//! the process or the machine. Writes go through a pool of one connection
//! (SQLite has one writer at a time anyway, and one connection means no
//! `SQLITE_BUSY` between our own writers); reads use a pool of their own and
//! never wait for writes. Most queries are `shared` with the PostgreSQL
//! store; appending and deleting versions are this file's own.

use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Sqlite, Transaction};

use super::associations::sqlite as associations;
use super::consumers::sqlite as consumers;
use super::identity::sqlite as identity;
use super::rows;
use super::shared::sqlite as shared;
use super::{
    Appended, AssociationChanges, ContextRecord, History, NewVersion, ReaderEvent, Referrer, Store,
    StoreError, SubjectSummary, Variant,
};
use crate::audit::{AuditEvent, AuditQuery};
use crate::model::{
    Association, AssociationFilter, ConfigRecord, Deployment, Mode, ReaderFilter, ReaderRecord,
    SchemaId, Scope, StoredSchema, Version, VersionRecord,
};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

/// How many connections serve reads.
const READERS: u32 = 4;

/// A [`Store`] on an SQLite database file.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    writer: SqlitePool,
    readers: SqlitePool,
}

impl SqliteStore {
    /// Opens (creating it if missing) the database at `url` (`sqlite://PATH`
    /// or `sqlite:PATH`) and brings its schema up to date.
    pub async fn open(url: &str) -> Result<SqliteStore, StoreError> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
            .connect_with(options.clone())
            .await?;
        MIGRATOR.run(&writer).await?;
        let readers = SqlitePoolOptions::new()
            .max_connections(READERS)
            .idle_timeout(None)
            .max_lifetime(None)
            .connect_with(options)
            .await?;
        Ok(SqliteStore { writer, readers })
    }

    /// Closes every connection, checkpointing the write-ahead log.
    pub async fn close(&self) {
        self.readers.close().await;
        self.writer.close().await;
    }

    async fn begin_write(&self) -> Result<Transaction<'static, Sqlite>, StoreError> {
        // IMMEDIATE takes the write lock up front, so another process writing
        // the same file makes us wait (busy_timeout) instead of failing late.
        Ok(self.writer.begin_with("BEGIN IMMEDIATE").await?)
    }

    /// Opens a write transaction that advances the subject's generation
    /// and runs `sql` once per version (the subject bound as `$1`, the
    /// version as `$2`).
    async fn change_versions(
        &self,
        subject: &str,
        versions: &[Version],
        expected_generation: i64,
        sql: &str,
    ) -> Result<Transaction<'static, Sqlite>, StoreError> {
        let mut tx = self.begin_write().await?;
        shared::advance_generation(&mut tx, subject, expected_generation).await?;
        for version in versions {
            sqlx::query(sql)
                .bind(subject)
                .bind(version.0)
                .execute(&mut *tx)
                .await?;
        }
        Ok(tx)
    }
}

fn is_unique_violation(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(e) if e.is_unique_violation())
}

#[async_trait]
impl Store for SqliteStore {
    async fn ping(&self) -> Result<(), StoreError> {
        shared::ping(&self.readers).await
    }

    async fn schema(&self, id: SchemaId) -> Result<Option<StoredSchema>, StoreError> {
        shared::schema(&self.readers, id).await
    }

    async fn held_schema(&self, id: SchemaId) -> Result<Option<StoredSchema>, StoreError> {
        shared::held_schema(&self.readers, id).await
    }

    async fn schema_id_by_content(
        &self,
        content_key: &str,
    ) -> Result<Option<SchemaId>, StoreError> {
        shared::schema_id_by_content(&self.readers, content_key).await
    }

    async fn schema_id_by_guid(&self, guid: &str) -> Result<Option<SchemaId>, StoreError> {
        shared::schema_id_by_guid(&self.readers, guid).await
    }

    async fn schemas_by_canonical_key(
        &self,
        canonical_key: &str,
    ) -> Result<Vec<Variant>, StoreError> {
        shared::schemas_by_canonical_key(&self.readers, canonical_key).await
    }

    async fn schemas_by_keys(
        &self,
        content_key: &str,
        identity_key: &str,
        canonical_key: &str,
    ) -> Result<super::KeyMatches, StoreError> {
        shared::schemas_by_keys(&self.readers, content_key, identity_key, canonical_key).await
    }

    async fn schemas_without_identity(
        &self,
        after: SchemaId,
        limit: u32,
    ) -> Result<Vec<StoredSchema>, StoreError> {
        identity::schemas_without_identity(&self.readers, after, limit).await
    }

    async fn set_identity_key(&self, id: SchemaId, identity_key: &str) -> Result<(), StoreError> {
        identity::set_identity_key(&self.writer, id, identity_key).await
    }

    async fn max_schema_id(&self) -> Result<Option<SchemaId>, StoreError> {
        shared::max_schema_id(&self.readers).await
    }

    async fn count_schemas_in_use(&self) -> Result<u64, StoreError> {
        shared::count_schemas_in_use(&self.readers).await
    }

    async fn usages(&self, id: SchemaId) -> Result<Vec<VersionRecord>, StoreError> {
        shared::usages(&self.readers, id).await
    }

    async fn subjects(&self) -> Result<Vec<SubjectSummary>, StoreError> {
        shared::subjects(&self.readers).await
    }

    async fn history(&self, subject: &str) -> Result<History, StoreError> {
        shared::history(&self.readers, subject).await
    }

    async fn versions_with_schemas(
        &self,
        prefix: &str,
    ) -> Result<Vec<(VersionRecord, StoredSchema)>, StoreError> {
        shared::versions_with_schemas(&self.readers, prefix).await
    }

    async fn referrers(
        &self,
        subject: &str,
        version: Version,
    ) -> Result<Vec<Referrer>, StoreError> {
        shared::referrers(&self.readers, subject, version).await
    }

    async fn append_version(
        &self,
        new: NewVersion,
        audit: &AuditEvent,
    ) -> Result<Appended, StoreError> {
        let mut tx = self.begin_write().await?;
        shared::advance_generation(&mut tx, &new.subject, new.expected_generation).await?;

        // One writer at a time: what this transaction reads stays true until
        // it commits, so look, then insert.
        let schema = &new.schema;
        let context = crate::model::context_of(&new.subject);
        // In a context an explicit id is the context's, not the row's.
        let wanted_row = if context.is_some() { None } else { schema.id };
        let existing =
            identity::existing_schema(&mut tx, &schema.content_key, &schema.identity_key).await?;
        let id = match (existing, wanted_row) {
            (Some(found), Some(wanted)) if found != wanted.0 => {
                return Err(StoreError::ContentTaken {
                    existing: SchemaId(found),
                });
            }
            (Some(found), _) => found,
            (None, wanted) => {
                if let Some(wanted) = wanted {
                    let taken: Option<i64> =
                        sqlx::query_scalar("SELECT id FROM schemas WHERE id = $1")
                            .bind(wanted.0)
                            .fetch_optional(&mut *tx)
                            .await?;
                    if taken.is_some() {
                        return Err(StoreError::IdTaken { id: wanted });
                    }
                }
                // AUTOINCREMENT: never a number handed out before, and
                // always above the highest, imported ids included.
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO schemas (id, content_key, canonical_key, normalized, \
                     schema_type, schema, metadata, rule_set, identity_key) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
                )
                .bind(wanted.map(|w| w.0))
                .bind(&schema.content_key)
                .bind(&schema.canonical_key)
                .bind(schema.normalized)
                .bind(schema.schema_type.as_str())
                .bind(&schema.text)
                .bind(rows::to_json_column(&schema.metadata))
                .bind(rows::to_json_column(&schema.rule_set))
                .bind(&schema.identity_key)
                .fetch_one(&mut *tx)
                .await?;
                shared::insert_references(&mut tx, id, &schema.references).await?;
                id
            }
        };

        let context_id = match context {
            Some(context) => Some(shared::place_in_context(&mut tx, context, id, schema.id).await?),
            None => None,
        };
        let inserted = sqlx::query(
            "INSERT INTO versions (subject, version, schema_id, context_id, deleted, registered_at) \
             VALUES ($1, $2, $3, $4, 0, $5)",
        )
        .bind(&new.subject)
        .bind(new.version.0)
        .bind(id)
        .bind(context_id.map(|c| c.0))
        .bind(new.registered_at_ms)
        .execute(&mut *tx)
        .await;
        match inserted {
            Ok(_) => {}
            Err(e) if is_unique_violation(&e) => return Err(StoreError::Conflict),
            Err(e) => return Err(e.into()),
        }
        shared::insert_audit(&mut *tx, audit, Some(context_id.unwrap_or(SchemaId(id)))).await?;
        tx.commit().await?;
        Ok(Appended {
            id: SchemaId(id),
            created: existing.is_none(),
        })
    }

    async fn context_schema(
        &self,
        context: &str,
        id: SchemaId,
    ) -> Result<Option<SchemaId>, StoreError> {
        shared::context_schema(&self.readers, context, id).await
    }

    async fn id_in_context(
        &self,
        context: &str,
        schema_id: SchemaId,
    ) -> Result<Option<SchemaId>, StoreError> {
        shared::id_in_context(&self.readers, context, schema_id).await
    }

    async fn contexts(&self) -> Result<Vec<ContextRecord>, StoreError> {
        shared::contexts(&self.readers).await
    }

    async fn delete_context(&self, context: &str, audit: &AuditEvent) -> Result<bool, StoreError> {
        let mut tx = self.begin_write().await?;
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
        let sql = "UPDATE versions SET deleted = 1 WHERE subject = $1 AND version = $2";
        let mut tx = self
            .change_versions(subject, versions, expected_generation, sql)
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
        let sql = "DELETE FROM versions WHERE subject = $1 AND version = $2";
        let mut tx = self
            .change_versions(subject, versions, expected_generation, sql)
            .await?;
        shared::forget_settings_if_empty(&mut tx, subject).await?;
        shared::insert_audit(&mut *tx, audit, None).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn config(&self, scope: &Scope) -> Result<Option<ConfigRecord>, StoreError> {
        shared::config(&self.readers, scope).await
    }

    async fn configs(&self, scopes: &[Scope]) -> Result<Vec<Option<ConfigRecord>>, StoreError> {
        shared::configs(&self.readers, scopes).await
    }

    async fn set_config(
        &self,
        scope: &Scope,
        config: &ConfigRecord,
        audit: &AuditEvent,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        shared::set_config(&mut tx, scope, config, audit).await?;
        Ok(tx.commit().await?)
    }

    async fn delete_config(
        &self,
        scope: &Scope,
        audit: &AuditEvent,
    ) -> Result<Option<ConfigRecord>, StoreError> {
        let mut tx = self.begin_write().await?;
        let previous = shared::delete_config(&mut tx, scope, audit).await?;
        tx.commit().await?;
        Ok(previous)
    }

    async fn mode(&self, scope: &Scope) -> Result<Option<Mode>, StoreError> {
        shared::mode(&self.readers, scope).await
    }

    async fn modes(&self, scopes: &[Scope]) -> Result<Vec<Option<Mode>>, StoreError> {
        shared::modes(&self.readers, scopes).await
    }

    async fn set_mode(
        &self,
        scope: &Scope,
        mode: Mode,
        audit: &AuditEvent,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        shared::set_mode(&mut tx, scope, mode, audit).await?;
        Ok(tx.commit().await?)
    }

    async fn delete_mode(
        &self,
        scope: &Scope,
        recursive: bool,
        audit: &AuditEvent,
    ) -> Result<Option<Mode>, StoreError> {
        let mut tx = self.begin_write().await?;
        let previous = shared::delete_mode(&mut tx, scope, recursive, audit).await?;
        tx.commit().await?;
        Ok(previous)
    }

    async fn record_audit(&self, audit: &AuditEvent) -> Result<(), StoreError> {
        shared::insert_audit(&self.writer, audit, None).await
    }

    async fn audit_events(&self, query: &AuditQuery) -> Result<Vec<AuditEvent>, StoreError> {
        shared::audit_events(&self.readers, query).await
    }

    async fn record_reader(
        &self,
        record: &ReaderRecord,
        audit: &AuditEvent,
    ) -> Result<(), StoreError> {
        consumers::record_reader(&self.writer, record, audit).await
    }

    async fn forget_reader(
        &self,
        consumer: &str,
        subject: &str,
        environment: &str,
        at_ms: i64,
        audit: &AuditEvent,
    ) -> Result<bool, StoreError> {
        consumers::forget_reader(&self.writer, consumer, subject, environment, at_ms, audit).await
    }

    async fn readers(&self, filter: &ReaderFilter) -> Result<Vec<ReaderRecord>, StoreError> {
        consumers::readers(&self.readers, filter).await
    }

    async fn reader_history(&self, consumer: &str) -> Result<Vec<ReaderEvent>, StoreError> {
        consumers::reader_history(&self.readers, consumer).await
    }

    async fn record_deployment(
        &self,
        deployment: &Deployment,
        audit: &AuditEvent,
    ) -> Result<(), StoreError> {
        consumers::record_deployment(&self.writer, deployment, audit).await
    }

    async fn deployments(&self, environment: &str) -> Result<Vec<Deployment>, StoreError> {
        consumers::deployments(&self.readers, environment).await
    }

    async fn deployed_versions(
        &self,
        subject: &str,
        environment: &str,
    ) -> Result<Vec<Version>, StoreError> {
        consumers::deployed_versions(&self.readers, subject, environment).await
    }

    async fn set_retention(
        &self,
        subject: &str,
        environment: &str,
        from: Version,
        audit: &AuditEvent,
    ) -> Result<(), StoreError> {
        consumers::set_retention(&self.writer, subject, environment, from, audit).await
    }

    async fn associations(
        &self,
        filter: &AssociationFilter,
    ) -> Result<Vec<Association>, StoreError> {
        associations::associations(&self.readers, filter).await
    }

    async fn change_associations(
        &self,
        changes: &AssociationChanges,
        audit: &AuditEvent,
    ) -> Result<(), StoreError> {
        associations::change_associations(&self.writer, changes, audit).await
    }

    async fn retention(
        &self,
        subject: &str,
        environment: &str,
    ) -> Result<Option<Version>, StoreError> {
        consumers::retention(&self.readers, subject, environment).await
    }

    async fn close(&self) {
        SqliteStore::close(self).await;
    }
}
