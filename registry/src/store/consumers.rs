//! The queries of Charter's consumer records (readers, deployments,
//! retention), the same on both backends: one SQL text each, compiled for
//! each by `consumer_queries!`, as `shared` does for the rest. Every write
//! is one transaction: the current row and its history row together.

/// Defines the consumer queries as functions over pools of one sqlx
/// database type.
macro_rules! consumer_queries {
    ($db:ty, $shared:ident) => {
        use sqlx::Pool;

        use crate::audit::AuditEvent;
        use crate::store::shared::$shared::insert_audit;

        use crate::model::{Deployment, ReaderFilter, ReaderRecord, Version};
        use crate::store::rows::{DeploymentRow, EventRow, ReaderColumns, ReaderRow};
        use crate::store::{ReaderEvent, StoreError};

        const READER_COLUMNS: &str = "consumer, subject, environment, schema_type, schema, \
             reader_refs, version, schema_id, consumer_version";

        /// See [`crate::store::Store::record_reader`].
        pub(in crate::store) async fn record_reader(
            pool: &Pool<$db>,
            record: &ReaderRecord,
            audit: &AuditEvent,
        ) -> Result<(), StoreError> {
            let c = ReaderColumns::of(record);
            let mut tx = pool.begin().await?;
            let upsert = format!(
                "INSERT INTO readers ({READER_COLUMNS}, recorded_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
                 ON CONFLICT (consumer, subject, environment) DO UPDATE SET \
                 schema_type = excluded.schema_type, schema = excluded.schema, \
                 reader_refs = excluded.reader_refs, version = excluded.version, \
                 schema_id = excluded.schema_id, consumer_version = excluded.consumer_version, \
                 recorded_at = excluded.recorded_at"
            );
            let history = format!(
                "INSERT INTO reader_history (event, {READER_COLUMNS}, at) \
                 VALUES ('recorded', $1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
            );
            for sql in [upsert, history] {
                sqlx::query(&sql)
                    .bind(&record.consumer)
                    .bind(&record.subject)
                    .bind(&record.environment)
                    .bind(c.schema_type)
                    .bind(c.schema)
                    .bind(&c.references)
                    .bind(c.version)
                    .bind(c.schema_id)
                    .bind(&record.consumer_version)
                    .bind(record.recorded_at_ms)
                    .execute(&mut *tx)
                    .await?;
            }
            insert_audit(&mut *tx, audit, None).await?;
            tx.commit().await?;
            Ok(())
        }

        /// See [`crate::store::Store::forget_reader`].
        pub(in crate::store) async fn forget_reader(
            pool: &Pool<$db>,
            consumer: &str,
            subject: &str,
            environment: &str,
            at_ms: i64,
            audit: &AuditEvent,
        ) -> Result<bool, StoreError> {
            let mut tx = pool.begin().await?;
            let removed = sqlx::query(
                "DELETE FROM readers WHERE consumer = $1 AND subject = $2 AND environment = $3",
            )
            .bind(consumer)
            .bind(subject)
            .bind(environment)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if removed == 0 {
                return Ok(false);
            }
            sqlx::query(
                "INSERT INTO reader_history (event, consumer, subject, environment, at) \
                 VALUES ('forgotten', $1, $2, $3, $4)",
            )
            .bind(consumer)
            .bind(subject)
            .bind(environment)
            .bind(at_ms)
            .execute(&mut *tx)
            .await?;
            insert_audit(&mut *tx, audit, None).await?;
            tx.commit().await?;
            Ok(true)
        }

        /// See [`crate::store::Store::readers`].
        pub(in crate::store) async fn readers(
            pool: &Pool<$db>,
            filter: &ReaderFilter,
        ) -> Result<Vec<ReaderRecord>, StoreError> {
            let sql = format!(
                "SELECT {READER_COLUMNS}, recorded_at AS at FROM readers \
                 WHERE ($1 IS NULL OR consumer = $1) AND ($2 IS NULL OR subject = $2) \
                 AND ($3 IS NULL OR environment = $3) \
                 ORDER BY consumer, subject, environment"
            );
            let rows: Vec<ReaderRow> = sqlx::query_as(&sql)
                .bind(&filter.consumer)
                .bind(&filter.subject)
                .bind(&filter.environment)
                .fetch_all(pool)
                .await?;
            rows.into_iter().map(ReaderRow::into_record).collect()
        }

        /// See [`crate::store::Store::reader_history`].
        pub(in crate::store) async fn reader_history(
            pool: &Pool<$db>,
            consumer: &str,
        ) -> Result<Vec<ReaderEvent>, StoreError> {
            let sql = format!(
                "SELECT event, {READER_COLUMNS}, at FROM reader_history \
                 WHERE consumer = $1 ORDER BY id"
            );
            let rows: Vec<EventRow> = sqlx::query_as(&sql)
                .bind(consumer)
                .fetch_all(pool)
                .await?;
            rows.into_iter().map(EventRow::into_event).collect()
        }

        /// See [`crate::store::Store::record_deployment`].
        pub(in crate::store) async fn record_deployment(
            pool: &Pool<$db>,
            deployment: &Deployment,
            audit: &AuditEvent,
        ) -> Result<(), StoreError> {
            let mut tx = pool.begin().await?;
            for sql in [
                "INSERT INTO deployments (subject, environment, version, deployed_at) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT (subject, environment) DO UPDATE SET \
                 version = excluded.version, deployed_at = excluded.deployed_at",
                "INSERT INTO deployment_history (subject, environment, version, deployed_at) \
                 VALUES ($1, $2, $3, $4)",
            ] {
                sqlx::query(sql)
                    .bind(&deployment.subject)
                    .bind(&deployment.environment)
                    .bind(deployment.version.0)
                    .bind(deployment.deployed_at_ms)
                    .execute(&mut *tx)
                    .await?;
            }
            insert_audit(&mut *tx, audit, None).await?;
            tx.commit().await?;
            Ok(())
        }

        /// See [`crate::store::Store::deployments`].
        pub(in crate::store) async fn deployments(
            pool: &Pool<$db>,
            environment: &str,
        ) -> Result<Vec<Deployment>, StoreError> {
            let rows: Vec<DeploymentRow> = sqlx::query_as(
                "SELECT subject, environment, version, deployed_at FROM deployments \
                 WHERE environment = $1 ORDER BY subject",
            )
            .bind(environment)
            .fetch_all(pool)
            .await?;
            Ok(rows.into_iter().map(DeploymentRow::into_deployment).collect())
        }

        /// See [`crate::store::Store::deployed_versions`].
        pub(in crate::store) async fn deployed_versions(
            pool: &Pool<$db>,
            subject: &str,
            environment: &str,
        ) -> Result<Vec<Version>, StoreError> {
            let versions: Vec<i32> = sqlx::query_scalar(
                "SELECT DISTINCT version FROM deployment_history \
                 WHERE subject = $1 AND environment = $2 ORDER BY version",
            )
            .bind(subject)
            .bind(environment)
            .fetch_all(pool)
            .await?;
            Ok(versions.into_iter().map(Version).collect())
        }

        /// See [`crate::store::Store::set_retention`].
        pub(in crate::store) async fn set_retention(
            pool: &Pool<$db>,
            subject: &str,
            environment: &str,
            from: Version,
            audit: &AuditEvent,
        ) -> Result<(), StoreError> {
            let mut tx = pool.begin().await?;
            sqlx::query(
                "INSERT INTO retention (subject, environment, retained_from) VALUES ($1, $2, $3) \
                 ON CONFLICT (subject, environment) DO UPDATE SET retained_from = excluded.retained_from",
            )
            .bind(subject)
            .bind(environment)
            .bind(from.0)
            .execute(&mut *tx)
            .await?;
            insert_audit(&mut *tx, audit, None).await?;
            tx.commit().await?;
            Ok(())
        }

        /// See [`crate::store::Store::retention`].
        pub(in crate::store) async fn retention(
            pool: &Pool<$db>,
            subject: &str,
            environment: &str,
        ) -> Result<Option<Version>, StoreError> {
            let from: Option<i32> = sqlx::query_scalar(
                "SELECT retained_from FROM retention WHERE subject = $1 AND environment = $2",
            )
            .bind(subject)
            .bind(environment)
            .fetch_optional(pool)
            .await?;
            Ok(from.map(Version))
        }
    };
}

/// The consumer queries on SQLite.
pub(super) mod sqlite {
    consumer_queries!(sqlx::Sqlite, sqlite);
}

/// The consumer queries on PostgreSQL.
pub(super) mod postgres {
    consumer_queries!(sqlx::Postgres, postgres);
}
