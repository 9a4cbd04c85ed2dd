//! `/schemas`: schemas by global id and by GUID, and the list of all
//! schemas.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::response::IntoResponse;
use schemas::SchemaType;
use serde::Serialize;

use super::associations::{AssociationView, SchemaAssociations};
use super::auth::{PrereadSchema, require_read};
use super::error::{ApiError, ErrorBody};
use super::extract::{Params, Segments};
use super::openapi::{
    BadQuery, Deleted, FindTags, Format, IdPath, Paging, ReferenceFormat, Unavailable,
};
use super::tags::find_tags;
use super::wire::{ReferenceForm, SchemaStringView, SchemaView, WithSubject};
use super::{ApiResult, AppState, SCHEMA_REGISTRY_V1, json_bytes, ok, rendered};
use crate::auth::Caller;
use crate::model::{Association, SchemaId, StoredSchema, VersionRecord, context_of};
use crate::service::{CachedSchema, Error, Registry};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(types))
        .routes(routes!(by_id))
        .routes(routes!(raw))
        .routes(routes!(subjects))
        .routes(routes!(versions))
        .routes(routes!(by_guid))
        .routes(routes!(ids_by_guid))
}

/// `GET /schemas/types`: the formats this registry knows.
#[utoipa::path(
    get,
    path = "/schemas/types",
    tag = "schemas",
    responses((status = 200, description = "`[\"JSON\", \"AVRO\", \"PROTOBUF\"]`", body = Vec<String>)),
)]
async fn types() -> ApiResult {
    let names: Vec<&str> = SchemaType::ALL.iter().map(|t| t.as_str()).collect();
    Ok(ok(&names))
}

/// Refuses a `format=resolved` answer, which writes referenced schemas out
/// in full, unless `caller` may read every subject `record` references.
pub(super) fn check_resolved(
    caller: &Caller,
    record: &StoredSchema,
    params: &Params,
) -> Result<(), ApiError> {
    if params
        .text("format")
        .is_some_and(|f| f.eq_ignore_ascii_case("resolved"))
    {
        require_read(caller, record.references.iter().map(|r| r.subject.as_str()))?;
    }
    Ok(())
}

/// Schema `id`: the entry the auth layer read to allow the request, or
/// else the registry's.
async fn preread_or_lookup(
    registry: &Registry,
    preread: PrereadSchema,
    id: SchemaId,
) -> Result<Arc<CachedSchema>, Error> {
    match preread.of(id) {
        Some(entry) => Ok(entry),
        None => registry.schema_by_id(id).await,
    }
}

/// `GET /schemas/ids/{id}`: a schema by its global id.
#[utoipa::path(
    get,
    path = "/schemas/ids/{id}",
    tag = "schemas",
    params(
        IdPath,
        Format,
        ("subject" = Option<String>, Query, description = "Also answer the version under this subject; a subject of a context (`:.ctx:orders`, or `:.ctx:`) reads the id in that context"),
        ReferenceFormat,
        ("fetchMaxId" = Option<bool>, Query, description = "Also answer the largest id"),
        FindTags,
    ),
    responses(
        (status = 200, description = "The schema", body = SchemaStringView),
        (status = 404, description = "40403: no schema has this id", body = ErrorBody),
        (status = 422, description = "42201: the schema has no such `format`", body = ErrorBody),
        BadQuery,
        Unavailable,
    ),
)]
async fn by_id(
    State(state): State<AppState>,
    caller: Caller,
    preread: PrereadSchema,
    segments: Segments,
    params: Params,
) -> ApiResult {
    let id = segments.schema_id()?;
    let registry = state.registry();
    if let Some(subject) = params.text("subject") {
        // The subject picks the context the id is read in.
        let found = registry.schema_for_subject(id, subject).await?;
        let entry = &found.entry;
        check_resolved(&caller, &entry.record, &params)?;
        let text = registry.schema_text(entry, params.text("format")).await?;
        // References as posted from the context read (or qualified).
        let form = ReferenceForm::asked(params.text("referenceFormat"));
        let parent = found.usage.as_ref().map_or(subject, |u| u.subject.as_str());
        let mut view = SchemaStringView::of(&entry.record, &text).with_references(
            &entry.record,
            Some(parent),
            form,
        );
        view.schema_tags = find_tags(registry, &entry.record, &params).await?;
        let context = found.usage.as_ref().and_then(|u| context_of(&u.subject));
        if let Some(usage) = found.usage.clone() {
            view.subject = Some(usage.subject);
            view.version = Some(usage.version.0);
        }
        if params.flag("fetchMaxId")? {
            view.max_id = registry.max_schema_id(context).await?.map(|m| m.0);
        }
        return Ok(ok(&view));
    }
    let entry = preread_or_lookup(registry, preread, id).await?;
    check_resolved(&caller, &entry.record, &params)?;
    let format = params.text("format");
    let plain = params.all("findTags").is_empty() && params.text("subject").is_none();
    if format.is_none() && plain && !params.flag("fetchMaxId")? {
        // The common answer depends on the immutable record only: render it
        // once and keep it beside the record.
        let body = entry
            .rendered
            .get_or_init(|| rendered(&SchemaStringView::of(&entry.record, &entry.record.text)));
        return Ok(json_bytes(StatusCode::OK, body.clone()));
    }
    let text = registry.schema_text(&entry, format).await?;
    let mut view = SchemaStringView::of(&entry.record, &text);
    view.schema_tags = find_tags(registry, &entry.record, &params).await?;
    if params.flag("fetchMaxId")? {
        view.max_id = registry.max_schema_id(None).await?.map(|m| m.0);
    }
    Ok(ok(&view))
}

/// The schema a `{guid}` path names, if `caller` may read it: one it may
/// not read answers like an unknown GUID.
async fn readable_by_guid(
    state: &AppState,
    caller: &Caller,
    segments: &Segments,
) -> Result<Arc<CachedSchema>, ApiError> {
    let guid = segments.named("guid");
    let registry = state.registry();
    let entry = registry.schema_by_guid(guid).await?;
    if !registry.content_readable(entry.record.id, caller).await? {
        return Err(Error::GuidNotFound {
            guid: guid.to_string(),
        }
        .into());
    }
    Ok(entry)
}

/// `GET /schemas/guids/{guid}` (the peer's 8.0+): the schema as by id,
/// without `subject` and `version`; `format` as by id.
#[utoipa::path(
    get,
    path = "/schemas/guids/{guid}",
    tag = "schemas",
    params(("guid" = String, Path, description = "The schema's GUID"), Format),
    responses(
        (status = 200, description = "The schema", body = SchemaStringView),
        (status = 404, description = "40403: no schema has this GUID", body = ErrorBody),
        (status = 422, description = "42201: the schema has no such `format`", body = ErrorBody),
        BadQuery,
        Unavailable,
    ),
)]
async fn by_guid(
    State(state): State<AppState>,
    caller: Caller,
    segments: Segments,
    params: Params,
) -> ApiResult {
    let entry = readable_by_guid(&state, &caller, &segments).await?;
    check_resolved(&caller, &entry.record, &params)?;
    let text = state
        .registry()
        .schema_text(&entry, params.text("format"))
        .await?;
    Ok(ok(&SchemaStringView::of(&entry.record, &text)))
}

/// An id of a schema in a context.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = ContextId)]
struct ContextIdView {
    /// The context (`.`: the default).
    context: String,
    /// The schema's id there.
    id: i64,
}

/// `GET /schemas/guids/{guid}/ids`: the ids the schema has, one per
/// context holding it (`.`: the default context).
#[utoipa::path(
    get,
    path = "/schemas/guids/{guid}/ids",
    tag = "schemas",
    params(("guid" = String, Path, description = "The schema's GUID")),
    responses(
        (status = 200, description = "The schema's ids, per context", body = Vec<ContextIdView>),
        (status = 404, description = "40403: no schema has this GUID", body = ErrorBody),
        Unavailable,
    ),
)]
async fn ids_by_guid(
    State(state): State<AppState>,
    caller: Caller,
    segments: Segments,
) -> ApiResult {
    readable_by_guid(&state, &caller, &segments).await?;
    let ids = state.registry().ids_by_guid(segments.named("guid")).await?;
    let views: Vec<ContextIdView> = ids
        .into_iter()
        .map(|(context, id)| ContextIdView { context, id: id.0 })
        .collect();
    Ok(ok(&views))
}

/// `GET /schemas/ids/{id}/schema`: the schema's text as the whole body.
#[utoipa::path(
    get,
    path = "/schemas/ids/{id}/schema",
    tag = "schemas",
    params(
        IdPath,
        Format,
        ("subject" = Option<String>, Query, description = "The subject whose context the id is read in"),
    ),
    responses(
        (status = 200, description = "The schema's text (JSON for Avro and JSON Schema, `.proto` text for Protobuf)", body = serde_json::Value),
        (status = 404, description = "40403: no schema has this id", body = ErrorBody),
        (status = 422, description = "42201: the schema has no such `format`", body = ErrorBody),
        BadQuery,
        Unavailable,
    ),
)]
async fn raw(
    State(state): State<AppState>,
    caller: Caller,
    segments: Segments,
    preread: PrereadSchema,
    params: Params,
) -> ApiResult {
    let id = segments.schema_id()?;
    let registry = state.registry();
    let entry = match params.text("subject") {
        Some(subject) => registry.schema_for_subject(id, subject).await?.entry,
        None => preread_or_lookup(registry, preread, id).await?,
    };
    check_resolved(&caller, &entry.record, &params)?;
    let text = registry.schema_text(&entry, params.text("format")).await?;
    Ok(raw_schema(text.into_owned()))
}

/// A schema's text as the whole body, as the peer answers `.../schema`.
pub(super) fn raw_schema(text: String) -> axum::response::Response {
    (StatusCode::OK, [(CONTENT_TYPE, SCHEMA_REGISTRY_V1)], text).into_response()
}

/// The versions holding the schema a `{id}` path names, in subjects
/// `caller` may read.
async fn usages(
    state: &AppState,
    caller: &Caller,
    segments: &Segments,
    params: &Params,
) -> Result<Vec<VersionRecord>, ApiError> {
    let mut usages = state
        .registry()
        .usages(
            segments.schema_id()?,
            params.text("subject"),
            params.flag("deleted")?,
        )
        .await?;
    usages.retain(|u| caller.may_read(&u.subject));
    Ok(usages)
}

/// `GET /schemas/ids/{id}/subjects`: the subjects holding the schema.
#[utoipa::path(
    get,
    path = "/schemas/ids/{id}/subjects",
    tag = "schemas",
    params(
        IdPath,
        ("subject" = Option<String>, Query, description = "Only this subject"),
        Deleted,
        Paging,
    ),
    responses(
        (status = 200, description = "Subject names", body = Vec<String>),
        (status = 404, description = "40403: no schema has this id", body = ErrorBody),
        BadQuery,
        Unavailable,
    ),
)]
async fn subjects(
    State(state): State<AppState>,
    caller: Caller,
    segments: Segments,
    params: Params,
) -> ApiResult {
    let usages = usages(&state, &caller, &segments, &params).await?;
    let mut names: Vec<String> = usages.into_iter().map(|u| u.subject).collect();
    names.dedup();
    Ok(ok(&params.page(names)?))
}

/// A version of a subject.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = SubjectVersion)]
struct SubjectVersionView {
    /// The subject.
    subject: String,
    /// The version.
    version: i32,
}

/// `GET /schemas/ids/{id}/versions`: the versions holding the schema.
#[utoipa::path(
    get,
    path = "/schemas/ids/{id}/versions",
    tag = "schemas",
    params(
        IdPath,
        ("subject" = Option<String>, Query, description = "Only this subject"),
        Deleted,
        Paging,
    ),
    responses(
        (status = 200, description = "Subject versions", body = Vec<SubjectVersionView>),
        (status = 404, description = "40403: no schema has this id", body = ErrorBody),
        BadQuery,
        Unavailable,
    ),
)]
async fn versions(
    State(state): State<AppState>,
    caller: Caller,
    segments: Segments,
    params: Params,
) -> ApiResult {
    let usages = usages(&state, &caller, &segments, &params).await?;
    let views: Vec<SubjectVersionView> = usages
        .into_iter()
        .map(|u| SubjectVersionView {
            subject: u.subject,
            version: u.version.0,
        })
        .collect();
    Ok(ok(&params.page(views)?))
}

/// A schema version of `GET /schemas`, with its subject's associations
/// when the request filters by them (the peer's `ExtendedSchema`).
#[derive(Debug, Serialize)]
struct ListedView<'a> {
    #[serde(flatten)]
    schema: SchemaView<'a>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    associations: Vec<AssociationView<'a>>,
}

/// `GET /schemas`: every schema version, filtered.
#[utoipa::path(
    get,
    path = "/schemas",
    tag = "schemas",
    params(
        ("subjectPrefix" = Option<String>, Query, description = "Only subjects starting with this"),
        Deleted,
        ("latestOnly" = Option<bool>, Query, description = "Only each subject's latest version"),
        ("ruleType" = Option<String>, Query, description = "Only schemas with a rule of this type"),
        ("resourceType" = Option<String>, Query, description = "Only schemas whose subject has an association with a resource of this type"),
        ("associationType" = Option<Vec<String>>, Query, explode = true, description = "Only schemas whose subject has an association of these kinds (`key`, `value`)"),
        ("lifecycle" = Option<Vec<String>>, Query, explode = true, description = "Only schemas whose subject has an association of these lifecycles (`STRONG`, `WEAK`), or (`NONE`) none at all"),
        Paging,
    ),
    responses(
        (status = 200, description = "Schema versions", body = Vec<SchemaView>),
        BadQuery,
        Unavailable,
    ),
)]
async fn list(State(state): State<AppState>, caller: Caller, params: Params) -> ApiResult {
    let by_association = SchemaAssociations::of(&params)?;
    let mut found = state
        .registry()
        .list_schemas(
            params.text("subjectPrefix").unwrap_or_default(),
            params.flag("deleted")?,
            params.flag("latestOnly")?,
        )
        .await?;
    found.retain(|f| caller.may_read(&f.record.subject));
    // `ruleType`: only schemas with a rule of that type (`CEL`, `ENCRYPT`, ...).
    if let Some(wanted) = params.text("ruleType").filter(|t| !t.is_empty()) {
        found.retain(|f| {
            f.schema.record.rule_set.as_ref().is_some_and(|rules| {
                [
                    &rules.migration_rules,
                    &rules.domain_rules,
                    &rules.encoding_rules,
                ]
                .into_iter()
                .flatten()
                .any(|rule| rule.rule_type.eq_ignore_ascii_case(wanted))
            })
        });
    }
    let associations = match &by_association {
        Some(wanted) => state.registry().associations(&wanted.filter).await?,
        None => Vec::new(),
    };
    let mut by_subject: HashMap<&str, Vec<&Association>> = HashMap::new();
    for association in &associations {
        by_subject
            .entry(association.subject.as_str())
            .or_default()
            .push(association);
    }
    let views: Vec<ListedView> = found
        .iter()
        .filter_map(|f| {
            let kept = match &by_association {
                None => Vec::new(),
                Some(wanted) => wanted.keep(
                    by_subject
                        .get(f.record.subject.as_str())
                        .map_or(&[][..], Vec::as_slice),
                )?,
            };
            Some(ListedView {
                schema: SchemaView::of(f, WithSubject::Yes, &f.schema.record.text),
                associations: kept.into_iter().map(AssociationView::of).collect(),
            })
        })
        .collect();
    Ok(ok(&params.page(views)?))
}
