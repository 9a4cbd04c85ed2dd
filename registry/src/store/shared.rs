//! The queries both stores run as they are: one SQL text each, with `$N`
//! parameters (which sqlx's SQLite driver reads as `?N`), written once and
//! compiled for each backend by `shared_queries!`. What differs between the
//! backends (how a version is appended, how versions are deleted, how ids
//! are drawn, how connections are pooled) stays in `sqlite.rs` and
//! `postgres.rs`.

/// Defines the shared queries as functions over pools and transactions of
/// one sqlx database type.
macro_rules! shared_queries {
    ($db:ty) => {
        use schemas::{CompatibilityMode, Policy};
        use sqlx::{Pool, Transaction};

        use crate::model::{
            ConfigRecord, Mode, SchemaId, Scope, StoredSchema, Version, VersionRecord,
        };
        use crate::audit::{AuditEvent, AuditQuery};
        use crate::store::rows::{
            self, AuditRow, CONFIG_COLUMNS, ConfigRow, HistoryRow, JoinedRow, KeyRow, ReferenceRow,
            ScopedConfigRow, SchemaRow, VersionRow, parse_column, to_json_column,
        };
        use crate::store::{History, KeyMatches, Referrer, StoreError, SubjectSummary};

        /// Whether the database answers.
        pub(in crate::store) async fn ping(pool: &Pool<$db>) -> Result<(), StoreError> {
            sqlx::query("SELECT 1").execute(pool).await?;
            Ok(())
        }

        /// Takes the subject's generation from `expected` to `expected + 1`,
        /// creating the subject row on its first write; `Conflict` when it
        /// moved meanwhile. On PostgreSQL the UPDATE holds the subject's row
        /// lock until the transaction ends, which is what orders writers of
        /// one subject across instances; SQLite has one writer at a time.
        pub(in crate::store) async fn advance_generation(
            tx: &mut Transaction<'static, $db>,
            subject: &str,
            expected: i64,
        ) -> Result<(), StoreError> {
            let updated = sqlx::query(
                "UPDATE subjects SET generation = generation + 1 WHERE name = $1 AND generation = $2",
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
                "INSERT INTO subjects (name, generation) VALUES ($1, 1) ON CONFLICT (name) DO NOTHING",
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

        /// After a permanent delete: when the subject has no version left,
        /// its config and mode go too.
        pub(in crate::store) async fn forget_settings_if_empty(
            tx: &mut Transaction<'static, $db>,
            subject: &str,
        ) -> Result<(), StoreError> {
            let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM versions WHERE subject = $1")
                .bind(subject)
                .fetch_one(&mut **tx)
                .await?;
            if left == 0 {
                for sql in [
                    "DELETE FROM configs WHERE scope = $1",
                    "DELETE FROM modes WHERE scope = $1",
                ] {
                    sqlx::query(sql).bind(subject).execute(&mut **tx).await?;
                }
            }
            Ok(())
        }

        /// Stores the references of the schema just inserted as `id`.
        pub(in crate::store) async fn insert_references(
            tx: &mut Transaction<'static, $db>,
            id: i64,
            references: &[crate::model::Reference],
        ) -> Result<(), StoreError> {
            for (position, reference) in references.iter().enumerate() {
                sqlx::query(
                    "INSERT INTO schema_references (schema_id, position, name, subject, version) \
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(id)
                .bind(position as i32)
                .bind(&reference.name)
                .bind(&reference.subject)
                .bind(reference.version.0)
                .execute(&mut **tx)
                .await?;
            }
            Ok(())
        }

        /// The schema `id` with its references, if it meets `condition` (SQL
        /// over `schemas` with the id bound as `$1`).
        pub(in crate::store) async fn schema_where(
            pool: &Pool<$db>,
            condition: &str,
            id: SchemaId,
        ) -> Result<Option<StoredSchema>, StoreError> {
            let sql = format!(
                "SELECT id, {} FROM schemas WHERE {condition}",
                rows::SCHEMA_COLUMNS
            );
            let mut conn = pool.acquire().await?;
            let row: Option<SchemaRow> = sqlx::query_as(&sql)
                .bind(id.0)
                .fetch_optional(&mut *conn)
                .await?;
            let Some(row) = row else { return Ok(None) };
            let references: Vec<ReferenceRow> = sqlx::query_as(
                "SELECT name, subject, version FROM schema_references WHERE schema_id = $1 ORDER BY position",
            )
            .bind(id.0)
            .fetch_all(&mut *conn)
            .await?;
            row.into_schema(references.into_iter().map(ReferenceRow::into_reference).collect())
                .map(Some)
        }

        /// See [`crate::store::Store::schema`].
        pub(in crate::store) async fn schema(
            pool: &Pool<$db>,
            id: SchemaId,
        ) -> Result<Option<StoredSchema>, StoreError> {
            schema_where(pool, "id = $1", id).await
        }

        /// See [`crate::store::Store::held_schema`].
        pub(in crate::store) async fn held_schema(
            pool: &Pool<$db>,
            id: SchemaId,
        ) -> Result<Option<StoredSchema>, StoreError> {
            schema_where(
                pool,
                "id = $1 AND EXISTS (SELECT 1 FROM versions WHERE schema_id = $1)",
                id,
            )
            .await
        }

        /// See [`crate::store::Store::schema_id_by_content`].
        pub(in crate::store) async fn schema_id_by_content(
            pool: &Pool<$db>,
            content_key: &str,
        ) -> Result<Option<SchemaId>, StoreError> {
            let id: Option<i64> =
                sqlx::query_scalar("SELECT id FROM schemas WHERE content_key = $1")
                    .bind(content_key)
                    .fetch_optional(pool)
                    .await?;
            Ok(id.map(SchemaId))
        }

        /// See [`crate::store::Store::schema_id_by_guid`].
        pub(in crate::store) async fn schema_id_by_guid(
            pool: &Pool<$db>,
            guid: &str,
        ) -> Result<Option<SchemaId>, StoreError> {
            let id: Option<i64> = sqlx::query_scalar("SELECT id FROM schemas WHERE guid = $1")
                .bind(guid)
                .fetch_optional(pool)
                .await?;
            Ok(id.map(SchemaId))
        }

        /// See [`crate::store::Store::schemas_by_canonical_key`].
        pub(in crate::store) async fn schemas_by_canonical_key(
            pool: &Pool<$db>,
            canonical_key: &str,
        ) -> Result<Vec<crate::store::Variant>, StoreError> {
            let rows: Vec<(i64, bool)> = sqlx::query_as(
                "SELECT id, normalized FROM schemas WHERE canonical_key = $1 ORDER BY id",
            )
            .bind(canonical_key)
            .fetch_all(pool)
            .await?;
            Ok(rows
                .into_iter()
                .map(|(id, normalized)| crate::store::Variant {
                    id: SchemaId(id),
                    normalized,
                })
                .collect())
        }

        /// See [`crate::store::Store::schemas_by_keys`].
        pub(in crate::store) async fn schemas_by_keys(
            pool: &Pool<$db>,
            content_key: &str,
            identity_key: &str,
            canonical_key: &str,
        ) -> Result<KeyMatches, StoreError> {
            let rows: Vec<KeyRow> = sqlx::query_as(
                "SELECT id, normalized, \
                 (content_key = $1 OR COALESCE(identity_key = $2, FALSE)) AS same_content, \
                 canonical_key = $3 AS same_canonical FROM schemas \
                 WHERE content_key = $1 OR identity_key = $2 OR canonical_key = $3 ORDER BY id",
            )
            .bind(content_key)
            .bind(identity_key)
            .bind(canonical_key)
            .fetch_all(pool)
            .await?;
            Ok(rows::key_matches(rows))
        }

        /// See [`crate::store::Store::max_schema_id`].
        pub(in crate::store) async fn max_schema_id(
            pool: &Pool<$db>,
        ) -> Result<Option<SchemaId>, StoreError> {
            let id: Option<i64> = sqlx::query_scalar("SELECT MAX(id) FROM schemas")
                .fetch_one(pool)
                .await?;
            Ok(id.map(SchemaId))
        }

        /// See [`crate::store::Store::count_schemas_in_use`].
        pub(in crate::store) async fn count_schemas_in_use(
            pool: &Pool<$db>,
        ) -> Result<u64, StoreError> {
            let count: i64 =
                sqlx::query_scalar("SELECT COUNT(DISTINCT schema_id) FROM versions")
                    .fetch_one(pool)
                    .await?;
            Ok(count.max(0) as u64)
        }

        /// See [`crate::store::Store::usages`].
        pub(in crate::store) async fn usages(
            pool: &Pool<$db>,
            id: SchemaId,
        ) -> Result<Vec<VersionRecord>, StoreError> {
            let rows: Vec<VersionRow> = sqlx::query_as(
                "SELECT subject, version, schema_id, COALESCE(context_id, schema_id) AS id, deleted, \
                 registered_at FROM versions \
                 WHERE schema_id = $1 ORDER BY subject, version",
            )
            .bind(id.0)
            .fetch_all(pool)
            .await?;
            Ok(rows.into_iter().map(VersionRow::into_record).collect())
        }

        /// See [`crate::store::Store::subjects`].
        pub(in crate::store) async fn subjects(
            pool: &Pool<$db>,
        ) -> Result<Vec<SubjectSummary>, StoreError> {
            let rows: Vec<(String, i64, i64)> = sqlx::query_as(
                "SELECT subject, SUM(CASE WHEN deleted THEN 0 ELSE 1 END), COUNT(*) \
                 FROM versions GROUP BY subject ORDER BY subject",
            )
            .fetch_all(pool)
            .await?;
            Ok(rows::summaries(rows))
        }

        /// See [`crate::store::Store::history`]. One statement, so the
        /// generation and the versions come from one snapshot (a write that
        /// raced in after it makes the later insert conflict); the outer join
        /// answers one row even for a subject without versions, so the
        /// generation is always read.
        pub(in crate::store) async fn history(
            pool: &Pool<$db>,
            subject: &str,
        ) -> Result<History, StoreError> {
            let rows: Vec<HistoryRow> = sqlx::query_as(
                "SELECT g.generation, v.subject, v.version, v.schema_id, \
                 COALESCE(v.context_id, v.schema_id) AS id, v.deleted, v.registered_at \
                 FROM (SELECT (SELECT generation FROM subjects WHERE name = $1) AS generation) AS g \
                 LEFT JOIN versions v ON v.subject = $1 ORDER BY v.version",
            )
            .bind(subject)
            .fetch_all(pool)
            .await?;
            Ok(rows::history(rows))
        }

        /// See [`crate::store::Store::versions_with_schemas`].
        pub(in crate::store) async fn versions_with_schemas(
            pool: &Pool<$db>,
            prefix: &str,
        ) -> Result<Vec<(VersionRecord, StoredSchema)>, StoreError> {
            let mut conn = pool.acquire().await?;
            let rows: Vec<JoinedRow> = sqlx::query_as(
                "SELECT v.subject, v.version, v.schema_id, COALESCE(v.context_id, v.schema_id) AS id, \
                        v.deleted, v.registered_at, \
                        s.schema_type, s.schema, s.guid, s.metadata, s.rule_set \
                 FROM versions v JOIN schemas s ON s.id = v.schema_id \
                 WHERE substr(v.subject, 1, length($1)) = $1 \
                 ORDER BY v.subject, v.version",
            )
            .bind(prefix)
            .fetch_all(&mut *conn)
            .await?;
            let references: Vec<(i64, String, String, i32)> = sqlx::query_as(
                "SELECT schema_id, name, subject, version FROM schema_references \
                 ORDER BY schema_id, position",
            )
            .fetch_all(&mut *conn)
            .await?;
            rows::joined(rows, references)
        }

        /// See [`crate::store::Store::referrers`].
        pub(in crate::store) async fn referrers(
            pool: &Pool<$db>,
            subject: &str,
            version: Version,
        ) -> Result<Vec<Referrer>, StoreError> {
            let rows: Vec<(i64, i64)> = sqlx::query_as(
                "SELECT r.schema_id, CAST(MAX(CASE WHEN v.deleted THEN 0 ELSE 1 END) AS BIGINT) \
                 FROM schema_references r JOIN versions v ON v.schema_id = r.schema_id \
                 WHERE r.subject = $1 AND r.version = $2 \
                 GROUP BY r.schema_id ORDER BY r.schema_id",
            )
            .bind(subject)
            .bind(version.0)
            .fetch_all(pool)
            .await?;
            Ok(rows
                .into_iter()
                .map(|(id, live)| Referrer {
                    id: SchemaId(id),
                    live: live != 0,
                })
                .collect())
        }

        /// See [`crate::store::Store::config`].
        pub(in crate::store) async fn config(
            pool: &Pool<$db>,
            scope: &Scope,
        ) -> Result<Option<ConfigRecord>, StoreError> {
            let row: Option<ConfigRow> = sqlx::query_as(&format!(
                "SELECT {CONFIG_COLUMNS} FROM configs WHERE scope = $1"
            ))
            .bind(scope.key())
            .fetch_optional(pool)
            .await?;
            row.map(ConfigRow::into_record).transpose()
        }

        /// See [`crate::store::Store::configs`].
        pub(in crate::store) async fn configs(
            pool: &Pool<$db>,
            scopes: &[Scope],
        ) -> Result<Vec<Option<ConfigRecord>>, StoreError> {
            if scopes.is_empty() {
                return Ok(Vec::new());
            }
            let sql = format!(
                "SELECT scope, {CONFIG_COLUMNS} FROM configs WHERE scope IN ({})",
                rows::placeholders(scopes.len())
            );
            let mut query = sqlx::query_as::<_, ScopedConfigRow>(&sql);
            for scope in scopes {
                query = query.bind(scope.key());
            }
            let rows = query.fetch_all(pool).await?;
            let mut found = Vec::with_capacity(rows.len());
            for row in rows {
                found.push((row.scope, row.config.into_record()?));
            }
            Ok(rows::by_scope(scopes, found))
        }

        /// See [`crate::store::Store::set_config`].
        pub(in crate::store) async fn set_config(
            tx: &mut Transaction<'static, $db>,
            scope: &Scope,
            config: &ConfigRecord,
            audit: &AuditEvent,
        ) -> Result<(), StoreError> {
            let contracts = &config.contract_defaults;
            sqlx::query(&format!(
                "INSERT INTO configs (scope, {CONFIG_COLUMNS}) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) \
                 ON CONFLICT (scope) DO UPDATE SET compatibility = excluded.compatibility, \
                 policy = excluded.policy, normalize = excluded.normalize, \
                 consumer_compatibility = excluded.consumer_compatibility, \
                 compatibility_group = excluded.compatibility_group, \
                 validate_fields = excluded.validate_fields, \
                 validate_rules = excluded.validate_rules, alias = excluded.alias, \
                 default_metadata = excluded.default_metadata, \
                 override_metadata = excluded.override_metadata, \
                 default_rule_set = excluded.default_rule_set, \
                 override_rule_set = excluded.override_rule_set"
            ))
            .bind(scope.key())
            .bind(config.compatibility.map(CompatibilityMode::as_str))
            .bind(config.policy.map(Policy::as_str))
            .bind(config.normalize)
            .bind(config.consumer_compatibility.map(|c| c.as_str()))
            .bind(config.compatibility_group.as_deref())
            .bind(config.validate_fields)
            .bind(config.validate_rules)
            .bind(config.alias.as_deref())
            .bind(to_json_column(&contracts.default_metadata))
            .bind(to_json_column(&contracts.override_metadata))
            .bind(to_json_column(&contracts.default_rule_set))
            .bind(to_json_column(&contracts.override_rule_set))
            .execute(&mut **tx)
            .await?;
            insert_audit(&mut **tx, audit, None).await
        }

        /// See [`crate::store::Store::delete_config`].
        pub(in crate::store) async fn delete_config(
            tx: &mut Transaction<'static, $db>,
            scope: &Scope,
            audit: &AuditEvent,
        ) -> Result<Option<ConfigRecord>, StoreError> {
            let row: Option<ConfigRow> = sqlx::query_as(&format!(
                "DELETE FROM configs WHERE scope = $1 RETURNING {CONFIG_COLUMNS}"
            ))
            .bind(scope.key())
            .fetch_optional(&mut **tx)
            .await?;
            if row.is_some() {
                insert_audit(&mut **tx, audit, None).await?;
            }
            row.map(ConfigRow::into_record).transpose()
        }

        /// See [`crate::store::Store::mode`].
        pub(in crate::store) async fn mode(
            pool: &Pool<$db>,
            scope: &Scope,
        ) -> Result<Option<Mode>, StoreError> {
            let mode: Option<String> =
                sqlx::query_scalar("SELECT mode FROM modes WHERE scope = $1")
                    .bind(scope.key())
                    .fetch_optional(pool)
                    .await?;
            mode.map(|m| parse_column::<Mode>("modes.mode", &m))
                .transpose()
        }

        /// See [`crate::store::Store::modes`].
        pub(in crate::store) async fn modes(
            pool: &Pool<$db>,
            scopes: &[Scope],
        ) -> Result<Vec<Option<Mode>>, StoreError> {
            if scopes.is_empty() {
                return Ok(Vec::new());
            }
            let sql = format!(
                "SELECT scope, mode FROM modes WHERE scope IN ({})",
                rows::placeholders(scopes.len())
            );
            let mut query = sqlx::query_as::<_, (String, String)>(&sql);
            for scope in scopes {
                query = query.bind(scope.key());
            }
            let rows = query.fetch_all(pool).await?;
            let mut found = Vec::with_capacity(rows.len());
            for (scope, mode) in rows {
                found.push((scope, parse_column::<Mode>("modes.mode", &mode)?));
            }
            Ok(rows::by_scope(scopes, found))
        }

        /// See [`crate::store::Store::set_mode`].
        pub(in crate::store) async fn set_mode(
            tx: &mut Transaction<'static, $db>,
            scope: &Scope,
            mode: Mode,
            audit: &AuditEvent,
        ) -> Result<(), StoreError> {
            sqlx::query(
                "INSERT INTO modes (scope, mode) VALUES ($1, $2) \
                 ON CONFLICT (scope) DO UPDATE SET mode = excluded.mode",
            )
            .bind(scope.key())
            .bind(mode.as_str())
            .execute(&mut **tx)
            .await?;
            insert_audit(&mut **tx, audit, None).await
        }

        /// See [`crate::store::Store::delete_mode`].
        pub(in crate::store) async fn delete_mode(
            tx: &mut Transaction<'static, $db>,
            scope: &Scope,
            recursive: bool,
            audit: &AuditEvent,
        ) -> Result<Option<Mode>, StoreError> {
            let mode: Option<String> =
                sqlx::query_scalar("DELETE FROM modes WHERE scope = $1 RETURNING mode")
                    .bind(scope.key())
                    .fetch_optional(&mut **tx)
                    .await?;
            if recursive && *scope == Scope::Global {
                sqlx::query("DELETE FROM modes WHERE scope <> $1")
                    .bind(Scope::Global.key())
                    .execute(&mut **tx)
                    .await?;
            }
            if mode.is_some() || recursive {
                insert_audit(&mut **tx, audit, None).await?;
            }
            mode.map(|m| parse_column::<Mode>("modes.mode", &m))
                .transpose()
        }

        /// The id schema row `schema_id` has in `context`, giving it the
        /// context's next id (or `wanted`, an imported one) when it has none
        /// yet; the context is listed again if it was deleted. Safe against
        /// other instances placing the same schema at the same moment: the
        /// context's counter row is locked by its upsert until commit, and
        /// `(context, schema_id)` is unique, so the second placement finds
        /// the first one's id (a number drawn and not used is skipped, never
        /// handed out again).
        pub(in crate::store) async fn place_in_context(
            tx: &mut Transaction<'static, $db>,
            context: &str,
            schema_id: i64,
            wanted: Option<SchemaId>,
        ) -> Result<SchemaId, StoreError> {
            loop {
                let placed: Option<i64> = sqlx::query_scalar(
                    "SELECT id FROM context_ids WHERE context = $1 AND schema_id = $2",
                )
                .bind(context)
                .bind(schema_id)
                .fetch_optional(&mut **tx)
                .await?;
                if let Some(placed) = placed {
                    if wanted.is_some_and(|w| w.0 != placed) {
                        return Err(StoreError::ContentTaken {
                            existing: SchemaId(placed),
                        });
                    }
                    sqlx::query("UPDATE contexts SET listed = TRUE WHERE name = $1 AND NOT listed")
                        .bind(context)
                        .execute(&mut **tx)
                        .await?;
                    return Ok(SchemaId(placed));
                }
                let id: i64 = match wanted {
                    Some(wanted) => {
                        sqlx::query(
                            "INSERT INTO contexts (name, next_id, listed) VALUES ($1, $2, TRUE) \
                             ON CONFLICT (name) DO UPDATE SET listed = TRUE, next_id = \
                             CASE WHEN contexts.next_id > excluded.next_id \
                             THEN contexts.next_id ELSE excluded.next_id END",
                        )
                        .bind(context)
                        .bind(wanted.0 + 1)
                        .execute(&mut **tx)
                        .await?;
                        wanted.0
                    }
                    None => {
                        sqlx::query_scalar(
                            "INSERT INTO contexts (name, next_id, listed) VALUES ($1, 2, TRUE) \
                             ON CONFLICT (name) DO UPDATE SET listed = TRUE, \
                             next_id = contexts.next_id + 1 RETURNING next_id - 1",
                        )
                        .bind(context)
                        .fetch_one(&mut **tx)
                        .await?
                    }
                };
                let inserted: Option<i64> = sqlx::query_scalar(
                    "INSERT INTO context_ids (context, id, schema_id) VALUES ($1, $2, $3) \
                     ON CONFLICT DO NOTHING RETURNING id",
                )
                .bind(context)
                .bind(id)
                .bind(schema_id)
                .fetch_optional(&mut **tx)
                .await?;
                if let Some(id) = inserted {
                    return Ok(SchemaId(id));
                }
                // Either another writer placed this schema meanwhile (the
                // next round reads its id) or the id is taken: by other
                // content when it was asked for, else by an import that
                // moved past the counter (the next round draws again).
                if let Some(wanted) = wanted {
                    let holder: Option<i64> = sqlx::query_scalar(
                        "SELECT schema_id FROM context_ids WHERE context = $1 AND id = $2",
                    )
                    .bind(context)
                    .bind(wanted.0)
                    .fetch_optional(&mut **tx)
                    .await?;
                    if holder.is_some_and(|h| h != schema_id) {
                        return Err(StoreError::IdTaken { id: wanted });
                    }
                }
            }
        }

        /// See [`crate::store::Store::context_schema`].
        pub(in crate::store) async fn context_schema(
            pool: &Pool<$db>,
            context: &str,
            id: SchemaId,
        ) -> Result<Option<SchemaId>, StoreError> {
            let row: Option<i64> = sqlx::query_scalar(
                "SELECT schema_id FROM context_ids WHERE context = $1 AND id = $2",
            )
            .bind(context)
            .bind(id.0)
            .fetch_optional(pool)
            .await?;
            Ok(row.map(SchemaId))
        }

        /// See [`crate::store::Store::id_in_context`].
        pub(in crate::store) async fn id_in_context(
            pool: &Pool<$db>,
            context: &str,
            schema_id: SchemaId,
        ) -> Result<Option<SchemaId>, StoreError> {
            let id: Option<i64> = sqlx::query_scalar(
                "SELECT id FROM context_ids WHERE context = $1 AND schema_id = $2",
            )
            .bind(context)
            .bind(schema_id.0)
            .fetch_optional(pool)
            .await?;
            Ok(id.map(SchemaId))
        }

        /// See [`crate::store::Store::contexts`].
        pub(in crate::store) async fn contexts(
            pool: &Pool<$db>,
        ) -> Result<Vec<crate::store::ContextRecord>, StoreError> {
            let rows: Vec<(String, i64, bool)> =
                sqlx::query_as("SELECT name, next_id, listed FROM contexts ORDER BY name")
                    .fetch_all(pool)
                    .await?;
            Ok(rows
                .into_iter()
                .map(|(name, next_id, listed)| crate::store::ContextRecord {
                    name,
                    max_id: (next_id > 1).then_some(SchemaId(next_id - 1)),
                    listed,
                })
                .collect())
        }

        /// See [`crate::store::Store::delete_context`]. The context's
        /// counter row is locked first (PostgreSQL), so a registration in
        /// the context, which upserts it, waits for this to end.
        pub(in crate::store) async fn delete_context(
            tx: &mut Transaction<'static, $db>,
            context: &str,
            audit: &AuditEvent,
        ) -> Result<bool, StoreError> {
            let listed: Option<bool> = sqlx::query_scalar(
                "UPDATE contexts SET listed = FALSE WHERE name = $1 RETURNING listed",
            )
            .bind(context)
            .fetch_optional(&mut **tx)
            .await?;
            let prefix = format!(":{context}:");
            let held: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM versions WHERE substr(subject, 1, length($1)) = $1 \
                 OR subject = $2",
            )
            .bind(&prefix)
            .bind(format!(":{context}"))
            .fetch_one(&mut **tx)
            .await?;
            if held > 0 {
                return Ok(false);
            }
            if listed.is_some() {
                insert_audit(&mut **tx, audit, None).await?;
            }
            Ok(true)
        }

        /// Appends `event` to the audit trail, with `id` as its schema id
        /// when the event has none (a registration's id is drawn in its
        /// transaction).
        pub(in crate::store) async fn insert_audit<'e, E>(
            executor: E,
            event: &AuditEvent,
            id: Option<SchemaId>,
        ) -> Result<(), StoreError>
        where
            E: sqlx::Executor<'e, Database = $db>,
        {
            sqlx::query(
                "INSERT INTO audit (time_ms, principal, address, action, subject, version, \
                 schema_id, outcome, detail) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(event.time_ms)
            .bind(event.principal.as_deref())
            .bind(event.address.as_deref())
            .bind(event.action.as_str())
            .bind(event.subject.as_deref())
            .bind(event.version.map(|v| v.0))
            .bind(event.id.or(id).map(|i| i.0))
            .bind(event.outcome.as_str())
            .bind(event.detail.to_string())
            .execute(executor)
            .await?;
            Ok(())
        }

        /// See [`crate::store::Store::audit_events`].
        pub(in crate::store) async fn audit_events(
            pool: &Pool<$db>,
            query: &AuditQuery,
        ) -> Result<Vec<AuditEvent>, StoreError> {
            let rows: Vec<AuditRow> = sqlx::query_as(
                "SELECT time_ms, principal, address, action, subject, version, schema_id, \
                 outcome, detail FROM audit \
                 WHERE ($1 IS NULL OR subject = $1) AND ($2 IS NULL OR principal = $2) \
                 AND ($3 IS NULL OR time_ms >= $3) AND ($4 IS NULL OR time_ms <= $4) \
                 ORDER BY seq DESC LIMIT $5",
            )
            .bind(query.subject.as_deref())
            .bind(query.principal.as_deref())
            .bind(query.since_ms)
            .bind(query.until_ms)
            .bind(i64::from(query.limit))
            .fetch_all(pool)
            .await?;
            rows.into_iter().map(AuditRow::into_event).collect()
        }
    };
}

/// The shared queries on SQLite.
pub(super) mod sqlite {
    shared_queries!(sqlx::Sqlite);
}

/// The shared queries on PostgreSQL.
pub(super) mod postgres {
    shared_queries!(sqlx::Postgres);
}
