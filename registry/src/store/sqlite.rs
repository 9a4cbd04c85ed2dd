//! The embedded store: one SQLite file in WAL mode.
//!
//! Durability: `synchronous = FULL` makes every commit fsync the write-ahead
//! log before it returns, so an acknowledged registration survives a crash of
//! the process or the machine. Writes go through a pool of one connection
//! (SQLite has one writer at a time anyway, and one connection means no
//! `SQLITE_BUSY` between our own writers); reads use a pool of their own and
//! never wait for writes.

use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use schemas::{CompatibilityMode, Policy};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Sqlite, Transaction};

use super::rows::{ConfigRow, JoinedRow, ReferenceRow, SchemaRow, VersionRow, parse_column};
use super::{History, NewVersion, Referrer, Store, StoreError, SubjectSummary};
use crate::model::{
    ConfigRecord, Mode, Reference, SchemaId, Scope, StoredSchema, Version, VersionRecord,
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

    async fn begin_write(&self) -> Result<Transaction<'static, Sqlite>, StoreError> {
        // IMMEDIATE takes the write lock up front, so another process writing
        // the same file makes us wait (busy_timeout) instead of failing late.
        Ok(self.writer.begin_with("BEGIN IMMEDIATE").await?)
    }

    /// Opens a write transaction that advances the subject's generation
    /// and runs `sql` once per version (the subject and version bound).
    async fn change_versions(
        &self,
        subject: &str,
        versions: &[Version],
        expected_generation: i64,
        sql: &str,
    ) -> Result<Transaction<'static, Sqlite>, StoreError> {
        let mut tx = self.begin_write().await?;
        advance_generation(&mut tx, subject, expected_generation).await?;
        for version in versions {
            sqlx::query(sql)
                .bind(subject)
                .bind(version.0)
                .execute(&mut *tx)
                .await?;
        }
        Ok(tx)
    }

    /// The schema `id` with its references, if it meets `condition` (SQL
    /// over `schemas` with the id bound as `?1`).
    async fn schema_where(
        &self,
        condition: &str,
        id: SchemaId,
    ) -> Result<Option<StoredSchema>, StoreError> {
        let sql = format!("SELECT id, schema_type, schema FROM schemas WHERE {condition}");
        let row: Option<SchemaRow> = sqlx::query_as(&sql)
            .bind(id.0)
            .fetch_optional(&self.readers)
            .await?;
        let Some(row) = row else { return Ok(None) };
        let references = self.load_references(id).await?;
        row.into_schema(references).map(Some)
    }

    async fn load_references(&self, id: SchemaId) -> Result<Vec<Reference>, StoreError> {
        let rows: Vec<ReferenceRow> = sqlx::query_as(
            "SELECT name, subject, version FROM schema_references WHERE schema_id = ? ORDER BY position",
        )
        .bind(id.0)
        .fetch_all(&self.readers)
        .await?;
        Ok(rows.into_iter().map(ReferenceRow::into_reference).collect())
    }
}

/// Takes the subject's generation from `expected` to `expected + 1`, creating
/// the subject row on its first write; `Conflict` when it moved meanwhile.
async fn advance_generation(
    tx: &mut Transaction<'static, Sqlite>,
    subject: &str,
    expected: i64,
) -> Result<(), StoreError> {
    let updated = sqlx::query(
        "UPDATE subjects SET generation = generation + 1 WHERE name = ? AND generation = ?",
    )
    .bind(subject)
    .bind(expected)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if updated == 1 {
        return Ok(());
    }
    if expected != 0 {
        return Err(StoreError::Conflict);
    }
    let inserted = sqlx::query(
        "INSERT INTO subjects (name, generation) VALUES (?, 1) ON CONFLICT (name) DO NOTHING",
    )
    .bind(subject)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if inserted == 1 {
        Ok(())
    } else {
        Err(StoreError::Conflict)
    }
}

fn is_unique_violation(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(e) if e.is_unique_violation())
}

#[async_trait]
impl Store for SqliteStore {
    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.readers).await?;
        Ok(())
    }

    async fn schema(&self, id: SchemaId) -> Result<Option<StoredSchema>, StoreError> {
        self.schema_where("id = ?1", id).await
    }

    async fn held_schema(&self, id: SchemaId) -> Result<Option<StoredSchema>, StoreError> {
        self.schema_where(
            "id = ?1 AND EXISTS (SELECT 1 FROM versions WHERE schema_id = ?1)",
            id,
        )
        .await
    }

    async fn schema_id_by_content(
        &self,
        content_key: &str,
    ) -> Result<Option<SchemaId>, StoreError> {
        let id: Option<i64> = sqlx::query_scalar("SELECT id FROM schemas WHERE content_key = ?")
            .bind(content_key)
            .fetch_optional(&self.readers)
            .await?;
        Ok(id.map(SchemaId))
    }

    async fn max_schema_id(&self) -> Result<Option<SchemaId>, StoreError> {
        let id: Option<i64> = sqlx::query_scalar("SELECT MAX(id) FROM schemas")
            .fetch_one(&self.readers)
            .await?;
        Ok(id.map(SchemaId))
    }

    async fn count_schemas_in_use(&self) -> Result<u64, StoreError> {
        let count: i64 = sqlx::query_scalar("SELECT COUNT(DISTINCT schema_id) FROM versions")
            .fetch_one(&self.readers)
            .await?;
        Ok(count.max(0) as u64)
    }

    async fn usages(&self, id: SchemaId) -> Result<Vec<VersionRecord>, StoreError> {
        let rows: Vec<VersionRow> = sqlx::query_as(
            "SELECT subject, version, schema_id, deleted, registered_at FROM versions \
             WHERE schema_id = ? ORDER BY subject, version",
        )
        .bind(id.0)
        .fetch_all(&self.readers)
        .await?;
        Ok(rows.into_iter().map(VersionRow::into_record).collect())
    }

    async fn subjects(&self) -> Result<Vec<SubjectSummary>, StoreError> {
        let rows: Vec<(String, i64, i64)> = sqlx::query_as(
            "SELECT subject, SUM(deleted = 0), COUNT(*) FROM versions GROUP BY subject ORDER BY subject",
        )
        .fetch_all(&self.readers)
        .await?;
        Ok(super::rows::summaries(rows))
    }

    async fn history(&self, subject: &str) -> Result<History, StoreError> {
        // The generation first: versions read after it are at least as new,
        // so a write that raced in between makes the later insert conflict.
        let generation: Option<i64> =
            sqlx::query_scalar("SELECT generation FROM subjects WHERE name = ?")
                .bind(subject)
                .fetch_optional(&self.readers)
                .await?;
        let rows: Vec<VersionRow> = sqlx::query_as(
            "SELECT subject, version, schema_id, deleted, registered_at FROM versions \
             WHERE subject = ? ORDER BY version",
        )
        .bind(subject)
        .fetch_all(&self.readers)
        .await?;
        Ok(History {
            generation: generation.unwrap_or(0),
            versions: rows.into_iter().map(VersionRow::into_record).collect(),
        })
    }

    async fn versions_with_schemas(
        &self,
        prefix: &str,
    ) -> Result<Vec<(VersionRecord, StoredSchema)>, StoreError> {
        let rows: Vec<JoinedRow> = sqlx::query_as(
            "SELECT v.subject, v.version, v.schema_id, v.deleted, v.registered_at, \
                    s.schema_type, s.schema \
             FROM versions v JOIN schemas s ON s.id = v.schema_id \
             WHERE substr(v.subject, 1, length(?1)) = ?1 \
             ORDER BY v.subject, v.version",
        )
        .bind(prefix)
        .fetch_all(&self.readers)
        .await?;
        let references: Vec<(i64, String, String, i32)> = sqlx::query_as(
            "SELECT schema_id, name, subject, version FROM schema_references ORDER BY schema_id, position",
        )
        .fetch_all(&self.readers)
        .await?;
        super::rows::joined(rows, references)
    }

    async fn referrers(
        &self,
        subject: &str,
        version: Version,
    ) -> Result<Vec<Referrer>, StoreError> {
        let rows: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT r.schema_id, MAX(v.deleted = 0) FROM schema_references r \
             JOIN versions v ON v.schema_id = r.schema_id \
             WHERE r.subject = ? AND r.version = ? \
             GROUP BY r.schema_id ORDER BY r.schema_id",
        )
        .bind(subject)
        .bind(version.0)
        .fetch_all(&self.readers)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, live)| Referrer {
                id: SchemaId(id),
                live: live != 0,
            })
            .collect())
    }

    async fn insert_version(&self, new: NewVersion) -> Result<SchemaId, StoreError> {
        let mut tx = self.begin_write().await?;
        advance_generation(&mut tx, &new.subject, new.expected_generation).await?;

        let schema = &new.schema;
        let existing: Option<i64> =
            sqlx::query_scalar("SELECT id FROM schemas WHERE content_key = ?")
                .bind(&schema.content_key)
                .fetch_optional(&mut *tx)
                .await?;
        let id = match (existing, schema.id) {
            (Some(found), Some(wanted)) if found != wanted.0 => {
                return Err(StoreError::ContentTaken {
                    existing: SchemaId(found),
                });
            }
            (Some(found), _) => found,
            (None, wanted) => {
                if let Some(wanted) = wanted {
                    let taken: Option<i64> =
                        sqlx::query_scalar("SELECT id FROM schemas WHERE id = ?")
                            .bind(wanted.0)
                            .fetch_optional(&mut *tx)
                            .await?;
                    if taken.is_some() {
                        return Err(StoreError::IdTaken { id: wanted });
                    }
                }
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO schemas (id, content_key, schema_type, schema) VALUES (?, ?, ?, ?) RETURNING id",
                )
                .bind(wanted.map(|w| w.0))
                .bind(&schema.content_key)
                .bind(schema.schema_type.as_str())
                .bind(&schema.text)
                .fetch_one(&mut *tx)
                .await?;
                for (position, reference) in schema.references.iter().enumerate() {
                    sqlx::query(
                        "INSERT INTO schema_references (schema_id, position, name, subject, version) \
                         VALUES (?, ?, ?, ?, ?)",
                    )
                    .bind(id)
                    .bind(position as i64)
                    .bind(&reference.name)
                    .bind(&reference.subject)
                    .bind(reference.version.0)
                    .execute(&mut *tx)
                    .await?;
                }
                id
            }
        };

        let inserted = sqlx::query(
            "INSERT INTO versions (subject, version, schema_id, deleted, registered_at) VALUES (?, ?, ?, 0, ?)",
        )
        .bind(&new.subject)
        .bind(new.version.0)
        .bind(id)
        .bind(new.registered_at_ms)
        .execute(&mut *tx)
        .await;
        match inserted {
            Ok(_) => {}
            Err(e) if is_unique_violation(&e) => return Err(StoreError::Conflict),
            Err(e) => return Err(e.into()),
        }
        tx.commit().await?;
        Ok(SchemaId(id))
    }

    async fn soft_delete(
        &self,
        subject: &str,
        versions: &[Version],
        expected_generation: i64,
    ) -> Result<(), StoreError> {
        let sql = "UPDATE versions SET deleted = 1 WHERE subject = ? AND version = ?";
        let tx = self
            .change_versions(subject, versions, expected_generation, sql)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn hard_delete(
        &self,
        subject: &str,
        versions: &[Version],
        expected_generation: i64,
    ) -> Result<(), StoreError> {
        let sql = "DELETE FROM versions WHERE subject = ? AND version = ?";
        let mut tx = self
            .change_versions(subject, versions, expected_generation, sql)
            .await?;
        let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM versions WHERE subject = ?")
            .bind(subject)
            .fetch_one(&mut *tx)
            .await?;
        if left == 0 {
            for sql in [
                "DELETE FROM configs WHERE scope = ?",
                "DELETE FROM modes WHERE scope = ?",
            ] {
                sqlx::query(sql).bind(subject).execute(&mut *tx).await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }

    async fn config(&self, scope: &Scope) -> Result<Option<ConfigRecord>, StoreError> {
        let row: Option<ConfigRow> =
            sqlx::query_as("SELECT compatibility, policy, normalize FROM configs WHERE scope = ?")
                .bind(scope.key())
                .fetch_optional(&self.readers)
                .await?;
        row.map(ConfigRow::into_record).transpose()
    }

    async fn set_config(&self, scope: &Scope, config: ConfigRecord) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO configs (scope, compatibility, policy, normalize) VALUES (?, ?, ?, ?) \
             ON CONFLICT (scope) DO UPDATE SET compatibility = excluded.compatibility, \
             policy = excluded.policy, normalize = excluded.normalize",
        )
        .bind(scope.key())
        .bind(config.compatibility.map(CompatibilityMode::as_str))
        .bind(config.policy.map(Policy::as_str))
        .bind(config.normalize)
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    async fn delete_config(&self, scope: &Scope) -> Result<Option<ConfigRecord>, StoreError> {
        let row: Option<ConfigRow> = sqlx::query_as(
            "DELETE FROM configs WHERE scope = ? RETURNING compatibility, policy, normalize",
        )
        .bind(scope.key())
        .fetch_optional(&self.writer)
        .await?;
        row.map(ConfigRow::into_record).transpose()
    }

    async fn mode(&self, scope: &Scope) -> Result<Option<Mode>, StoreError> {
        let mode: Option<String> = sqlx::query_scalar("SELECT mode FROM modes WHERE scope = ?")
            .bind(scope.key())
            .fetch_optional(&self.readers)
            .await?;
        mode.map(|m| parse_column::<Mode>("modes.mode", &m))
            .transpose()
    }

    async fn set_mode(&self, scope: &Scope, mode: Mode) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO modes (scope, mode) VALUES (?, ?) \
             ON CONFLICT (scope) DO UPDATE SET mode = excluded.mode",
        )
        .bind(scope.key())
        .bind(mode.as_str())
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    async fn delete_mode(&self, scope: &Scope) -> Result<Option<Mode>, StoreError> {
        let mode: Option<String> =
            sqlx::query_scalar("DELETE FROM modes WHERE scope = ? RETURNING mode")
                .bind(scope.key())
                .fetch_optional(&self.writer)
                .await?;
        mode.map(|m| parse_column::<Mode>("modes.mode", &m))
            .transpose()
    }

    async fn delete_subject_modes(&self) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM modes WHERE scope <> ?")
            .bind(Scope::Global.key())
            .execute(&self.writer)
            .await?;
        Ok(())
    }

    /// Closes every connection, checkpointing the write-ahead log.
    async fn close(&self) {
        self.readers.close().await;
        self.writer.close().await;
    }
}
