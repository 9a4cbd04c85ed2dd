//! The queries of associations (Confluent 8.2+), the same on both backends:
//! one SQL text each, compiled for each by `association_queries!`, as
//! `shared` does for the rest. A write is one transaction with its audit
//! record; the primary key (resource id, resource type, association type)
//! refuses a second association of one kind on a resource, whichever
//! instance writes it, and the caller reads again.
//!
//! The peer's rules between a subject's associations (a STRONG one is the
//! subject's only association: 40904 and 40905) are checked again inside
//! the write's transaction, with the subjects it writes locked: SQLite's
//! `BEGIN IMMEDIATE` holds the database's write lock from the start,
//! PostgreSQL takes a transaction advisory lock per subject (in sorted
//! order, so that two writers cannot deadlock), so a writer in another
//! instance waits, then sees what this one committed. A write whose subject
//! moved since the caller read it is a conflict, and the caller reads again
//! (and then refuses with the rule's code).

/// Defines the association queries as functions over pools of one sqlx
/// database type: `$begin` opens a write transaction, `$lock` (with the
/// subject as `$1`) locks a subject until it ends, if the backend needs it.
macro_rules! association_queries {
    ($db:ty, $shared:ident, $begin:literal, $lock:expr) => {
        use sqlx::Pool;

        use crate::audit::AuditEvent;
        use crate::model::{Association, AssociationFilter, Lifecycle};
        use crate::store::rows::{ASSOCIATION_COLUMNS, AssociationRow};
        use crate::store::shared::$shared::insert_audit;
        use crate::store::{AssociationChanges, StoreError};

        /// See [`crate::store::Store::associations`].
        pub(in crate::store) async fn associations(
            pool: &Pool<$db>,
            filter: &AssociationFilter,
        ) -> Result<Vec<Association>, StoreError> {
            let sql = format!(
                "SELECT {ASSOCIATION_COLUMNS} FROM associations \
                 WHERE ($1 IS NULL OR subject = $1) AND ($2 IS NULL OR resource_id = $2) \
                 AND ($3 IS NULL OR resource_name = $3) \
                 AND ($4 IS NULL OR resource_namespace = $4) \
                 AND ($5 IS NULL OR resource_type = $5) AND ($6 IS NULL OR lifecycle = $6) \
                 ORDER BY resource_name, resource_namespace, resource_type, association_type, \
                 subject"
            );
            let rows: Vec<AssociationRow> = sqlx::query_as(&sql)
                .bind(filter.subject.as_deref())
                .bind(filter.resource_id.as_deref())
                .bind(filter.resource_name.as_deref())
                .bind(filter.resource_namespace.as_deref())
                .bind(filter.resource_type.as_deref())
                .bind(filter.lifecycle.map(|l| l.as_str()))
                .fetch_all(pool)
                .await?;
            let mut found = Vec::with_capacity(rows.len());
            for row in rows {
                let association = row.into_association()?;
                if filter.admits(&association) {
                    found.push(association);
                }
            }
            Ok(found)
        }

        /// See [`crate::store::Store::change_associations`].
        pub(in crate::store) async fn change_associations(
            pool: &Pool<$db>,
            changes: &AssociationChanges,
            audit: &AuditEvent,
        ) -> Result<(), StoreError> {
            let mut tx = pool.begin_with($begin).await?;
            let written: Vec<&Association> =
                changes.insert.iter().chain(&changes.update).collect();
            let lock: Option<&str> = $lock;
            if let Some(lock) = lock {
                let mut subjects: Vec<&str> = written.iter().map(|a| a.subject.as_str()).collect();
                subjects.sort_unstable();
                subjects.dedup();
                for subject in subjects {
                    sqlx::query(lock).bind(subject).execute(&mut *tx).await?;
                }
            }
            for association in &written {
                // Another association of a STRONG one's subject, or a STRONG
                // one of a WEAK one's, the association itself aside.
                let (taken,): (i64,) = sqlx::query_as(
                    "SELECT COUNT(*) FROM associations WHERE subject = $1 \
                     AND NOT (resource_id = $2 AND resource_type = $3 AND association_type = $4) \
                     AND ($5 OR lifecycle = 'STRONG')",
                )
                .bind(&association.subject)
                .bind(&association.resource_id)
                .bind(&association.resource_type)
                .bind(association.association_type.as_str())
                .bind(association.lifecycle == Lifecycle::Strong)
                .fetch_one(&mut *tx)
                .await?;
                if taken > 0 {
                    return Err(StoreError::Conflict);
                }
            }
            let key = "resource_id = $1 AND resource_type = $2 AND association_type = $3 \
                       AND guid = $4";
            for gone in &changes.delete {
                let deleted = sqlx::query(&format!("DELETE FROM associations WHERE {key}"))
                    .bind(&gone.resource_id)
                    .bind(&gone.resource_type)
                    .bind(gone.association_type.as_str())
                    .bind(&gone.guid)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                if deleted != 1 {
                    return Err(StoreError::Conflict);
                }
            }
            for changed in &changes.update {
                let updated = sqlx::query(&format!(
                    "UPDATE associations SET subject = $5, lifecycle = $6, frozen = $7, \
                     updated_at = $8 WHERE {key}"
                ))
                .bind(&changed.resource_id)
                .bind(&changed.resource_type)
                .bind(changed.association_type.as_str())
                .bind(&changed.guid)
                .bind(&changed.subject)
                .bind(changed.lifecycle.as_str())
                .bind(changed.frozen)
                .bind(changed.updated_at_ms)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if updated != 1 {
                    return Err(StoreError::Conflict);
                }
            }
            for new in &changes.insert {
                let inserted = sqlx::query(&format!(
                    "INSERT INTO associations ({ASSOCIATION_COLUMNS}) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
                ))
                .bind(&new.resource_id)
                .bind(&new.resource_type)
                .bind(new.association_type.as_str())
                .bind(&new.resource_name)
                .bind(&new.resource_namespace)
                .bind(&new.subject)
                .bind(&new.guid)
                .bind(new.lifecycle.as_str())
                .bind(new.frozen)
                .bind(new.created_at_ms)
                .bind(new.updated_at_ms)
                .execute(&mut *tx)
                .await;
                match inserted {
                    // Another writer created one of this kind meanwhile.
                    Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                        return Err(StoreError::Conflict);
                    }
                    other => {
                        other?;
                    }
                }
            }
            insert_audit(&mut *tx, audit, None).await?;
            tx.commit().await?;
            Ok(())
        }
    };
}

/// The association queries on SQLite: `BEGIN IMMEDIATE` locks the whole
/// database for the write.
pub(super) mod sqlite {
    association_queries!(sqlx::Sqlite, sqlite, "BEGIN IMMEDIATE", None);
}

/// The association queries on PostgreSQL: a subject is locked by a
/// transaction advisory lock in a key space of its own.
pub(super) mod postgres {
    association_queries!(
        sqlx::Postgres,
        postgres,
        "BEGIN",
        Some(
            "SELECT pg_advisory_xact_lock(hashtext('charter_association_subject'), \
             hashtext($1))"
        )
    );
}
