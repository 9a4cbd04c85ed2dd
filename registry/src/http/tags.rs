//! Schema tags on the wire: the peer's `SchemaTags` (`schemaEntity` with
//! `entityPath` and `entityType` `sr_record`/`sr_field`, and `tags`), read
//! from registration bodies and `POST /subjects/{s}/versions/{v}/tags`
//! (`TagSchemaRequest`), and answered as `schemaTags` by reads with
//! `findTags`.

use axum::extract::State;
use schemas::tags::{EntityTags, EntityType, SchemaEntity, TagEdit};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::body::decode;
use super::error::{ApiError, ErrorBody};
use super::extract::{JsonBody, Params, Segments};
use super::openapi::{BodyErrors, VersionPath};
use super::wire::{InvalidSchemaBody, SchemaView, WithSubject, check_rules, contract};
use super::{ApiResult, AppState, ok};
use crate::auth::Caller;
use crate::model::{StoredSchema, Version};
use crate::service::{Registry, TagRequest};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(modify_tags))
}

/// `SchemaTags`: tags of one record or field.
#[derive(Debug, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = SchemaTags)]
pub struct SchemaTagsBody {
    /// The record or field.
    schema_entity: SchemaEntityBody,
    /// Its tags.
    tags: Vec<String>,
}

/// `SchemaEntity`: a record or field by path.
#[derive(Debug, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = SchemaEntity)]
pub struct SchemaEntityBody {
    /// Avro `namespace.Record.field`; JSON Schema `object.property`.
    entity_path: String,
    /// What the path names.
    entity_type: EntityTypeBody,
}

/// `sr_record` or `sr_field`.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(try_from = "String")]
#[schema(as = EntityType)]
pub enum EntityTypeBody {
    /// A record (Avro record, JSON Schema object).
    #[serde(rename = "sr_record")]
    Record,
    /// A field of one.
    #[serde(rename = "sr_field")]
    Field,
}

impl TryFrom<String> for EntityTypeBody {
    type Error = String;

    fn try_from(name: String) -> Result<EntityTypeBody, String> {
        EntityType::from_wire(&name)
            .map(EntityTypeBody::from)
            .ok_or_else(|| format!("must be `sr_record` or `sr_field`, not `{name}`"))
    }
}

impl From<EntityTypeBody> for EntityType {
    fn from(t: EntityTypeBody) -> EntityType {
        match t {
            EntityTypeBody::Record => EntityType::Record,
            EntityTypeBody::Field => EntityType::Field,
        }
    }
}

impl From<EntityType> for EntityTypeBody {
    fn from(t: EntityType) -> EntityTypeBody {
        match t {
            EntityType::Record => EntityTypeBody::Record,
            EntityType::Field => EntityTypeBody::Field,
        }
    }
}

impl SchemaTagsBody {
    fn into_entity_tags(self) -> EntityTags {
        EntityTags {
            entity: SchemaEntity::new(
                self.schema_entity.entity_path,
                self.schema_entity.entity_type.into(),
            ),
            tags: self.tags,
        }
    }

    /// The answer for one tagged entity.
    pub fn of(found: EntityTags) -> SchemaTagsBody {
        SchemaTagsBody {
            schema_entity: SchemaEntityBody {
                entity_path: found.entity.path,
                entity_type: found.entity.entity_type.into(),
            },
            tags: found.tags,
        }
    }
}

/// Decodes two lists of `SchemaTags` sent as the named fields (absent or
/// `null`: none) into one edit; a malformed element is named by its path
/// (`schemaTagsToAdd[0].schemaEntity.entityType`).
pub fn tag_edit(
    add: (&str, Option<Value>),
    remove: (&str, Option<Value>),
) -> Result<TagEdit, InvalidSchemaBody> {
    let names = (add.0, remove.0);
    let mut body = serde_json::Map::new();
    for (name, value) in [add, remove] {
        if let Some(value) = value.filter(|v| !v.is_null()) {
            body.insert(name.to_string(), value);
        }
    }
    let mut lists: std::collections::HashMap<String, Vec<SchemaTagsBody>> =
        decode(Value::Object(body)).map_err(InvalidSchemaBody::Tags)?;
    let mut take = |name: &str| {
        lists
            .remove(name)
            .unwrap_or_default()
            .into_iter()
            .map(SchemaTagsBody::into_entity_tags)
            .collect()
    };
    let (added, removed) = (take(names.0), take(names.1));
    Ok(TagEdit::new(added, removed))
}

/// The tagged entities `findTags` asks for (none without the parameter),
/// as answered in `schemaTags`.
pub async fn find_tags(
    registry: &Registry,
    schema: &StoredSchema,
    params: &Params,
) -> Result<Vec<SchemaTagsBody>, ApiError> {
    let wanted = params.all("findTags");
    if wanted.is_empty() {
        return Ok(Vec::new());
    }
    let found = registry.find_tags(schema, wanted).await?;
    Ok(found.into_iter().map(SchemaTagsBody::of).collect())
}

/// `TagSchemaRequest`: the body of `POST .../versions/{v}/tags`.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = TagSchemaRequest)]
pub struct TagSchemaBody {
    /// The version to create: the latest plus one (absent: the next).
    new_version: Option<i64>,
    /// Tags to write into records and fields.
    #[schema(value_type = Option<Vec<SchemaTagsBody>>)]
    tags_to_add: Option<Value>,
    /// Tags to take out.
    #[schema(value_type = Option<Vec<SchemaTagsBody>>)]
    tags_to_remove: Option<Value>,
    /// The new version's metadata (absent: the tagged version's).
    #[schema(value_type = Option<Object>)]
    metadata: Option<Value>,
    /// The new version's rule set (absent: the latest's).
    #[schema(value_type = Option<Object>)]
    rule_set: Option<Value>,
    /// Rules merged over the previous version's.
    #[schema(value_type = Option<Object>)]
    rules_to_merge: Option<Value>,
    /// Names of rules taken out of the previous version's.
    rules_to_remove: Option<Vec<String>>,
}

impl TagSchemaBody {
    fn into_request(self) -> Result<TagRequest, InvalidSchemaBody> {
        let edit = tag_edit(
            ("tagsToAdd", self.tags_to_add),
            ("tagsToRemove", self.tags_to_remove),
        )?;
        let rules_to_remove = self.rules_to_remove.unwrap_or_default();
        if self.rule_set.is_some() && (self.rules_to_merge.is_some() || !rules_to_remove.is_empty())
        {
            return Err(InvalidSchemaBody::RuleSet(
                "ruleSet should be omitted if specifying rulesToMerge or rulesToRemove".into(),
            ));
        }
        let contract = contract(self.metadata, self.rule_set)?;
        let rules_to_merge = contract_rules(self.rules_to_merge)?;
        let new_version = match self.new_version {
            None | Some(0) | Some(-1) => None,
            Some(n) => Some(Version(
                i32::try_from(n)
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or(InvalidSchemaBody::BadVersion(n))?,
            )),
        };
        Ok(TagRequest {
            edit,
            new_version,
            contract,
            rules_to_merge,
            rules_to_remove,
        })
    }
}

/// `rulesToMerge`, decoded and checked as a rule set is.
fn contract_rules(
    rules: Option<Value>,
) -> Result<Option<crate::model::RuleSet>, InvalidSchemaBody> {
    let Some(rules) = rules.filter(|r| !r.is_null()) else {
        return Ok(None);
    };
    let decoded: crate::model::RuleSet =
        decode(rules).map_err(|e| InvalidSchemaBody::RuleSet(format!("rulesToMerge.{e}")))?;
    check_rules("rulesToMerge", &decoded).map_err(InvalidSchemaBody::RuleSet)?;
    Ok(Some(decoded))
}

/// `POST /subjects/{subject}/versions/{version}/tags`: registers the
/// version's schema with tags added and removed as the next version.
#[utoipa::path(
    post,
    path = "/subjects/{subject}/versions/{version}/tags",
    tag = "subjects",
    params(VersionPath),
    request_body = TagSchemaBody,
    responses(
        (status = 200, description = "The new version (or the existing one holding the tagged schema)", body = SchemaView),
        (status = 404, description = "40401: no such subject; 40402: no such version", body = ErrorBody),
        (status = 409, description = "40901: incompatible with the subject's history", body = ErrorBody),
        (status = 422, description = "42201: a path names no record or field (or a combinator branch that is not there), a malformed tag list, or `newVersion` not the next; 42202: not a version number; 42205: the mode forbids it; 42210: invalid rules", body = ErrorBody),
        BodyErrors,
    ),
)]
async fn modify_tags(
    State(state): State<AppState>,
    caller: Caller,
    segments: Segments,
    JsonBody(body): JsonBody<TagSchemaBody>,
) -> ApiResult {
    let subject = segments.subject()?;
    let selector = segments.version()?;
    let request = body.into_request()?;
    let registered = state
        .registry()
        .tag_version(&subject, selector, &request, &caller.actor())
        .await?;
    let version = &registered.version;
    Ok(ok(&SchemaView::of(
        version,
        WithSubject::No,
        &version.schema.record.text,
    )))
}
