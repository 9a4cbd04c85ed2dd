//! The rows both stores read, as `FromRow` types shared by the SQLite and
//! PostgreSQL queries (which select the same column names with compatible
//! types), and their conversion into model records.

use std::collections::HashMap;
use std::str::FromStr;

use schemas::SchemaType;

use super::ReaderEvent;
use super::{History, KeyMatches, StoreError, SubjectSummary, Variant};
use crate::model::{
    ConfigRecord, ContractDefaults, Deployment, ReaderRecord, Reference, SchemaId, Scope,
    StoredReader, StoredSchema, Version, VersionRecord,
};

pub(super) fn parse_column<T: FromStr>(column: &str, value: &str) -> Result<T, StoreError> {
    value
        .parse()
        .map_err(|_| StoreError::Corrupt(format!("{column} holds `{value}`")))
}

/// The columns of `schemas` a stored schema is read from (`id` aside).
pub(super) const SCHEMA_COLUMNS: &str = "schema_type, schema, guid, metadata, rule_set";

#[derive(sqlx::FromRow)]
pub(super) struct SchemaRow {
    pub(super) id: i64,
    #[sqlx(flatten)]
    pub(super) content: ContentRow,
}

/// What a schema row holds besides its id and keys.
#[derive(sqlx::FromRow)]
pub(super) struct ContentRow {
    pub(super) schema_type: String,
    pub(super) schema: String,
    pub(super) guid: String,
    pub(super) metadata: Option<String>,
    pub(super) rule_set: Option<String>,
}

/// A JSON column decoded, or `Corrupt` naming it.
fn json_column<T: serde::de::DeserializeOwned>(
    column: &str,
    value: Option<String>,
) -> Result<Option<T>, StoreError> {
    value
        .map(|text| {
            serde_json::from_str(&text)
                .map_err(|e| StoreError::Corrupt(format!("{column} holds `{text}`: {e}")))
        })
        .transpose()
}

/// A JSON column's value to write.
pub(super) fn to_json_column<T: serde::Serialize>(value: &Option<T>) -> Option<String> {
    value
        .as_ref()
        .map(|v| serde_json::to_string(v).expect("metadata and rule sets serialize"))
}

impl SchemaRow {
    pub(super) fn into_schema(
        self,
        references: Vec<Reference>,
    ) -> Result<StoredSchema, StoreError> {
        let content = self.content;
        Ok(StoredSchema {
            id: SchemaId(self.id),
            schema_type: parse_column::<SchemaType>("schemas.schema_type", &content.schema_type)?,
            text: content.schema,
            references,
            guid: content.guid,
            metadata: json_column("schemas.metadata", content.metadata)?,
            rule_set: json_column("schemas.rule_set", content.rule_set)?,
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
    /// `COALESCE(context_id, schema_id)`: the id in the subject's context.
    pub(super) id: i64,
    pub(super) deleted: bool,
    pub(super) registered_at: i64,
}

impl VersionRow {
    pub(super) fn into_record(self) -> VersionRecord {
        VersionRecord {
            subject: self.subject,
            version: Version(self.version),
            schema_id: SchemaId(self.schema_id),
            id: SchemaId(self.id),
            deleted: self.deleted,
            registered_at_ms: self.registered_at,
        }
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct JoinedRow {
    #[sqlx(flatten)]
    pub(super) version: VersionRow,
    #[sqlx(flatten)]
    pub(super) content: ContentRow,
}

/// The columns of `configs` a config is read from (`scope` aside).
pub(super) const CONFIG_COLUMNS: &str = "compatibility, policy, normalize, consumer_compatibility, \
     compatibility_group, validate_fields, validate_rules, alias, \
     default_metadata, override_metadata, default_rule_set, override_rule_set";

#[derive(sqlx::FromRow)]
pub(super) struct ConfigRow {
    pub(super) compatibility: Option<String>,
    pub(super) policy: Option<String>,
    pub(super) normalize: Option<bool>,
    pub(super) consumer_compatibility: Option<String>,
    pub(super) compatibility_group: Option<String>,
    pub(super) validate_fields: Option<bool>,
    pub(super) validate_rules: Option<bool>,
    pub(super) alias: Option<String>,
    pub(super) default_metadata: Option<String>,
    pub(super) override_metadata: Option<String>,
    pub(super) default_rule_set: Option<String>,
    pub(super) override_rule_set: Option<String>,
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
            consumer_compatibility: self
                .consumer_compatibility
                .map(|c| parse_column("configs.consumer_compatibility", &c))
                .transpose()?,
            compatibility_group: self.compatibility_group,
            validate_fields: self.validate_fields,
            validate_rules: self.validate_rules,
            alias: self.alias,
            contract_defaults: ContractDefaults {
                default_metadata: json_column("configs.default_metadata", self.default_metadata)?,
                override_metadata: json_column(
                    "configs.override_metadata",
                    self.override_metadata,
                )?,
                default_rule_set: json_column("configs.default_rule_set", self.default_rule_set)?,
                override_rule_set: json_column(
                    "configs.override_rule_set",
                    self.override_rule_set,
                )?,
            },
        })
    }
}

/// Subject summaries from `(subject, live versions, all versions)` rows.
/// A row of a subject's history (see `shared::history`): the generation on
/// every row, and a version unless the subject has none (the one row of
/// the outer join then has only the generation, itself `NULL` for a subject
/// never written).
#[derive(sqlx::FromRow)]
pub(super) struct HistoryRow {
    generation: Option<i64>,
    subject: Option<String>,
    version: Option<i32>,
    schema_id: Option<i64>,
    id: Option<i64>,
    deleted: Option<bool>,
    registered_at: Option<i64>,
}

/// The history the rows of `shared::history` describe.
pub(super) fn history(rows: Vec<HistoryRow>) -> History {
    let generation = rows.first().and_then(|r| r.generation).unwrap_or(0);
    let mut versions = Vec::with_capacity(rows.len());
    for row in rows {
        let (
            Some(subject),
            Some(version),
            Some(schema_id),
            Some(id),
            Some(deleted),
            Some(registered_at),
        ) = (
            row.subject,
            row.version,
            row.schema_id,
            row.id,
            row.deleted,
            row.registered_at,
        )
        else {
            continue;
        };
        versions.push(
            VersionRow {
                subject,
                version,
                schema_id,
                id,
                deleted,
                registered_at,
            }
            .into_record(),
        );
    }
    History {
        generation,
        versions,
    }
}

/// A schema one of a posted schema's keys finds (see `shared::schemas_by_keys`).
#[derive(sqlx::FromRow)]
pub(super) struct KeyRow {
    id: i64,
    normalized: bool,
    same_content: bool,
    same_canonical: bool,
}

/// What the rows of `shared::schemas_by_keys` (ordered by id) find.
pub(super) fn key_matches(rows: Vec<KeyRow>) -> KeyMatches {
    KeyMatches {
        content: rows
            .iter()
            .filter(|r| r.same_content)
            .map(|r| SchemaId(r.id))
            .collect(),
        variants: rows
            .iter()
            .filter(|r| r.same_canonical)
            .map(|r| Variant {
                id: SchemaId(r.id),
                normalized: r.normalized,
            })
            .collect(),
    }
}

/// A config with the scope it is set on.
#[derive(sqlx::FromRow)]
pub(super) struct ScopedConfigRow {
    pub(super) scope: String,
    #[sqlx(flatten)]
    pub(super) config: ConfigRow,
}

/// `$1, $2, ... $n`: the parameters of an `IN (...)` list of `n` values.
pub(super) fn placeholders(n: usize) -> String {
    (1..=n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The setting `found` holds for each of `scopes`, in their order.
pub(super) fn by_scope<T: Clone>(scopes: &[Scope], found: Vec<(String, T)>) -> Vec<Option<T>> {
    scopes
        .iter()
        .map(|scope| {
            found
                .iter()
                .find(|(key, _)| key == scope.key())
                .map(|(_, value)| value.clone())
        })
        .collect()
}

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
                content: row.content,
            }
            .into_schema(refs)?;
            Ok((row.version.into_record(), schema))
        })
        .collect()
}

/// The columns a reader is stored in: a schema of its own (type, text,
/// references as JSON) or a registered version (number and schema id).
pub(super) struct ReaderColumns<'a> {
    pub(super) schema_type: Option<&'static str>,
    pub(super) schema: Option<&'a str>,
    pub(super) references: Option<String>,
    pub(super) version: Option<i32>,
    pub(super) schema_id: Option<i64>,
}

impl<'a> ReaderColumns<'a> {
    pub(super) fn of(record: &'a ReaderRecord) -> ReaderColumns<'a> {
        match &record.reader {
            StoredReader::Schema {
                schema_type,
                text,
                references,
            } => ReaderColumns {
                schema_type: Some(schema_type.as_str()),
                schema: Some(text),
                references: Some(references_json(references)),
                version: None,
                schema_id: None,
            },
            StoredReader::Version { version, schema_id } => ReaderColumns {
                schema_type: None,
                schema: None,
                references: None,
                version: Some(version.0),
                schema_id: Some(schema_id.0),
            },
        }
    }
}

fn references_json(references: &[Reference]) -> String {
    let list: Vec<serde_json::Value> = references
        .iter()
        .map(|r| serde_json::json!({"name": r.name, "subject": r.subject, "version": r.version.0}))
        .collect();
    serde_json::Value::Array(list).to_string()
}

fn references_of(json: &str) -> Result<Vec<Reference>, StoreError> {
    let corrupt = || StoreError::Corrupt(format!("readers.reader_refs holds `{json}`"));
    let list: Vec<serde_json::Value> = serde_json::from_str(json).map_err(|_| corrupt())?;
    let reference = |r: &serde_json::Value| -> Option<Reference> {
        Some(Reference {
            name: r.get("name")?.as_str()?.to_string(),
            subject: r.get("subject")?.as_str()?.to_string(),
            version: Version(i32::try_from(r.get("version")?.as_i64()?).ok()?),
        })
    };
    list.iter()
        .map(|r| reference(r).ok_or_else(corrupt))
        .collect()
}

#[derive(sqlx::FromRow)]
pub(super) struct ReaderRow {
    consumer: String,
    subject: String,
    environment: String,
    schema_type: Option<String>,
    schema: Option<String>,
    reader_refs: Option<String>,
    version: Option<i32>,
    schema_id: Option<i64>,
    consumer_version: Option<String>,
    at: i64,
}

impl ReaderRow {
    /// The reader, or `None` for a row that holds none (a forgetting).
    fn reader(&self) -> Result<Option<StoredReader>, StoreError> {
        Ok(
            match (
                &self.schema_type,
                &self.schema,
                self.version,
                self.schema_id,
            ) {
                (Some(schema_type), Some(text), None, None) => Some(StoredReader::Schema {
                    schema_type: parse_column("readers.schema_type", schema_type)?,
                    text: text.clone(),
                    references: references_of(self.reader_refs.as_deref().unwrap_or("[]"))?,
                }),
                (None, None, Some(version), Some(schema_id)) => Some(StoredReader::Version {
                    version: Version(version),
                    schema_id: SchemaId(schema_id),
                }),
                (None, None, None, None) => None,
                _ => {
                    return Err(StoreError::Corrupt(format!(
                        "reader of {} for {} in {} is neither a schema nor a version",
                        self.consumer, self.subject, self.environment
                    )));
                }
            },
        )
    }

    pub(super) fn into_record(self) -> Result<ReaderRecord, StoreError> {
        let reader = self.reader()?.ok_or_else(|| {
            StoreError::Corrupt(format!(
                "reader of {} for {} in {} holds no schema",
                self.consumer, self.subject, self.environment
            ))
        })?;
        Ok(ReaderRecord {
            consumer: self.consumer,
            subject: self.subject,
            environment: self.environment,
            reader,
            consumer_version: self.consumer_version,
            recorded_at_ms: self.at,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct EventRow {
    event: String,
    #[sqlx(flatten)]
    reader: ReaderRow,
}

impl EventRow {
    pub(super) fn into_event(self) -> Result<ReaderEvent, StoreError> {
        let reader = self.reader.reader()?;
        let row = self.reader;
        Ok(ReaderEvent {
            forgotten: self.event == "forgotten",
            consumer: row.consumer,
            subject: row.subject,
            environment: row.environment,
            reader,
            consumer_version: row.consumer_version,
            at_ms: row.at,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct DeploymentRow {
    subject: String,
    environment: String,
    version: i32,
    deployed_at: i64,
}

impl DeploymentRow {
    pub(super) fn into_deployment(self) -> Deployment {
        Deployment {
            subject: self.subject,
            environment: self.environment,
            version: Version(self.version),
            deployed_at_ms: self.deployed_at,
        }
    }
}

/// A row of the `audit` table.
#[derive(sqlx::FromRow)]
pub(super) struct AuditRow {
    pub(super) time_ms: i64,
    pub(super) principal: Option<String>,
    pub(super) address: Option<String>,
    pub(super) action: String,
    pub(super) subject: Option<String>,
    pub(super) version: Option<i32>,
    pub(super) schema_id: Option<i64>,
    pub(super) outcome: String,
    pub(super) detail: String,
}

impl AuditRow {
    pub(super) fn into_event(self) -> Result<crate::audit::AuditEvent, StoreError> {
        Ok(crate::audit::AuditEvent {
            time_ms: self.time_ms,
            principal: self.principal,
            address: self.address,
            action: parse_column("audit.action", &self.action)?,
            subject: self.subject,
            version: self.version.map(Version),
            id: self.schema_id.map(SchemaId),
            outcome: parse_column("audit.outcome", &self.outcome)?,
            detail: serde_json::from_str(&self.detail)
                .map_err(|_| StoreError::Corrupt("audit.detail is not JSON".into()))?,
        })
    }
}

/// The columns of `associations`, in the order [`AssociationRow`] reads
/// them and the writes bind them.
pub(super) const ASSOCIATION_COLUMNS: &str = "resource_id, resource_type, association_type, \
     resource_name, resource_namespace, subject, guid, lifecycle, frozen, created_at, updated_at";

/// A row of the `associations` table.
#[derive(sqlx::FromRow)]
pub(super) struct AssociationRow {
    resource_id: String,
    resource_type: String,
    association_type: String,
    resource_name: String,
    resource_namespace: String,
    subject: String,
    guid: String,
    lifecycle: String,
    frozen: bool,
    created_at: i64,
    updated_at: i64,
}

impl AssociationRow {
    pub(super) fn into_association(self) -> Result<crate::model::Association, StoreError> {
        Ok(crate::model::Association {
            association_type: parse_column(
                "associations.association_type",
                &self.association_type,
            )?,
            lifecycle: parse_column("associations.lifecycle", &self.lifecycle)?,
            subject: self.subject,
            guid: self.guid,
            resource_name: self.resource_name,
            resource_namespace: self.resource_namespace,
            resource_id: self.resource_id,
            resource_type: self.resource_type,
            frozen: self.frozen,
            created_at_ms: self.created_at,
            updated_at_ms: self.updated_at,
        })
    }
}
