//! The rows both stores read, as `FromRow` types shared by the SQLite and
//! PostgreSQL queries (which select the same column names with compatible
//! types), and their conversion into model records.

use std::collections::HashMap;
use std::str::FromStr;

use schemas::SchemaType;

use super::{StoreError, SubjectSummary};
use crate::model::{ConfigRecord, Reference, SchemaId, StoredSchema, Version, VersionRecord};

pub(super) fn parse_column<T: FromStr>(column: &str, value: &str) -> Result<T, StoreError> {
    value
        .parse()
        .map_err(|_| StoreError::Corrupt(format!("{column} holds `{value}`")))
}

#[derive(sqlx::FromRow)]
pub(super) struct SchemaRow {
    pub(super) id: i64,
    pub(super) schema_type: String,
    pub(super) schema: String,
}

impl SchemaRow {
    pub(super) fn into_schema(
        self,
        references: Vec<Reference>,
    ) -> Result<StoredSchema, StoreError> {
        Ok(StoredSchema {
            id: SchemaId(self.id),
            schema_type: parse_column::<SchemaType>("schemas.schema_type", &self.schema_type)?,
            text: self.schema,
            references,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct ReferenceRow {
    pub(super) name: String,
    pub(super) subject: String,
    pub(super) version: i32,
}

impl ReferenceRow {
    pub(super) fn into_reference(self) -> Reference {
        Reference {
            name: self.name,
            subject: self.subject,
            version: Version(self.version),
        }
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct VersionRow {
    pub(super) subject: String,
    pub(super) version: i32,
    pub(super) schema_id: i64,
    pub(super) deleted: bool,
    pub(super) registered_at: i64,
}

impl VersionRow {
    pub(super) fn into_record(self) -> VersionRecord {
        VersionRecord {
            subject: self.subject,
            version: Version(self.version),
            schema_id: SchemaId(self.schema_id),
            deleted: self.deleted,
            registered_at_ms: self.registered_at,
        }
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct JoinedRow {
    #[sqlx(flatten)]
    pub(super) version: VersionRow,
    pub(super) schema_type: String,
    pub(super) schema: String,
}

#[derive(sqlx::FromRow)]
pub(super) struct ConfigRow {
    pub(super) compatibility: Option<String>,
    pub(super) policy: Option<String>,
    pub(super) normalize: Option<bool>,
}

impl ConfigRow {
    pub(super) fn into_record(self) -> Result<ConfigRecord, StoreError> {
        Ok(ConfigRecord {
            compatibility: self
                .compatibility
                .map(|c| parse_column("configs.compatibility", &c))
                .transpose()?,
            policy: self
                .policy
                .map(|p| parse_column("configs.policy", &p))
                .transpose()?,
            normalize: self.normalize,
        })
    }
}

/// Subject summaries from `(subject, live versions, all versions)` rows.
pub(super) fn summaries(rows: Vec<(String, i64, i64)>) -> Vec<SubjectSummary> {
    rows.into_iter()
        .map(|(name, live, total)| SubjectSummary {
            name,
            live: live as u32,
            total: total as u32,
        })
        .collect()
}

/// Versions joined with their schemas, each schema given its references
/// from `(schema_id, name, subject, version)` rows ordered by position.
pub(super) fn joined(
    rows: Vec<JoinedRow>,
    references: Vec<(i64, String, String, i32)>,
) -> Result<Vec<(VersionRecord, StoredSchema)>, StoreError> {
    let mut by_schema: HashMap<i64, Vec<Reference>> = HashMap::new();
    for (id, name, subject, version) in references {
        by_schema.entry(id).or_default().push(Reference {
            name,
            subject,
            version: Version(version),
        });
    }
    rows.into_iter()
        .map(|row| {
            let refs = by_schema
                .get(&row.version.schema_id)
                .cloned()
                .unwrap_or_default();
            let schema = SchemaRow {
                id: row.version.schema_id,
                schema_type: row.schema_type,
                schema: row.schema,
            }
            .into_schema(refs)?;
            Ok((row.version.into_record(), schema))
        })
        .collect()
}
