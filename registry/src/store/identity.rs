//! The queries of schema identity (issue #13, migration 0009), the same on
//! both backends, compiled for each by `identity_queries!` as `shared` does
//! for the rest.
//!
//! A schema's `identity_key` is the key of the text the Confluent Schema
//! Registry tells schemas apart by (its `canonicalString()`: for Avro, Avro
//! Java's printing of the parsed schema), with its references, metadata and
//! rule set. It is not unique: schemas stored before migration 0009 were
//! keyed (`content_key`, unique, which their GUID is made from) by their
//! text as submitted, so two spellings of one schema may be two rows, and
//! both keep their ids and GUIDs. A registration finds the lowest id of the
//! schemas with its identity; the registry keys the rows stored without
//! one at start-up (`Registry::key_identities`), each instance the same
//! way, so several may do it at once.

/// Defines the identity queries as functions over pools and transactions
/// of one sqlx database type.
macro_rules! identity_queries {
    ($db:ty, $shared:ident) => {
        use sqlx::{Pool, Transaction};

        use crate::model::{SchemaId, StoredSchema};
        use crate::store::StoreError;
        use crate::store::shared::$shared::schema;

        /// See [`crate::store::Store::schemas_without_identity`].
        pub(in crate::store) async fn schemas_without_identity(
            pool: &Pool<$db>,
            after: SchemaId,
            limit: u32,
        ) -> Result<Vec<StoredSchema>, StoreError> {
            let ids: Vec<i64> = sqlx::query_scalar(
                "SELECT id FROM schemas WHERE identity_key IS NULL AND id > $1 \
                 ORDER BY id LIMIT $2",
            )
            .bind(after.0)
            .bind(i64::from(limit))
            .fetch_all(pool)
            .await?;
            let mut found = Vec::with_capacity(ids.len());
            for id in ids {
                found.extend(schema(pool, SchemaId(id)).await?);
            }
            Ok(found)
        }

        /// See [`crate::store::Store::set_identity_key`].
        pub(in crate::store) async fn set_identity_key(
            pool: &Pool<$db>,
            id: SchemaId,
            identity_key: &str,
        ) -> Result<(), StoreError> {
            sqlx::query(
                "UPDATE schemas SET identity_key = $2 WHERE id = $1 AND identity_key IS NULL",
            )
            .bind(id.0)
            .bind(identity_key)
            .execute(pool)
            .await?;
            Ok(())
        }

        /// The lowest id of the schemas with this content key or this
        /// identity key (what a new version of that schema holds).
        pub(in crate::store) async fn existing_schema(
            tx: &mut Transaction<'static, $db>,
            content_key: &str,
            identity_key: &str,
        ) -> Result<Option<i64>, StoreError> {
            Ok(sqlx::query_scalar(
                "SELECT id FROM schemas WHERE content_key = $1 OR identity_key = $2 \
                 ORDER BY id LIMIT 1",
            )
            .bind(content_key)
            .bind(identity_key)
            .fetch_optional(&mut **tx)
            .await?)
        }
    };
}

/// The identity queries on SQLite.
pub(super) mod sqlite {
    identity_queries!(sqlx::Sqlite, sqlite);
}

/// The identity queries on PostgreSQL.
pub(super) mod postgres {
    identity_queries!(sqlx::Postgres, postgres);
}
