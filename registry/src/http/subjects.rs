//! `/subjects`: subjects, their versions, registration, lookup and deletion.

use axum::extract::State;

use super::auth::require_read;
use super::deploy::MatrixRowView;
use super::error::{ApiError, ErrorBody};
use super::extract::{JsonBody, Params, Segments};
use super::openapi::{
    BadQuery, BodyErrors, Deleted, FindTags, Format, Paging, ReferenceFormat, SubjectPath,
    Unavailable, VersionPath,
};
use super::schemas::{check_resolved, raw_schema};
use super::tags::find_tags;
use super::wire::{ReferenceForm, SchemaBody, SchemaView, WithSubject};
use super::{ApiResult, AppState, ok};
use crate::auth::Caller;
use crate::model::context_scope_name;
use crate::service::{DeletedFilter, SubjectVersion};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(lookup, delete_subject))
        .routes(routes!(versions, register))
        .routes(routes!(version, delete_version))
        .routes(routes!(version_schema))
        .routes(routes!(referenced_by))
        .routes(routes!(latest_with_metadata))
}

/// `GET /subjects/{s}/metadata?key=K&value=V[&key=..&value=..]`: the latest
/// version whose metadata has all those properties (keys and values paired
/// in order; the doubled `&&` some clients send is no pair).
#[utoipa::path(
    get,
    path = "/subjects/{subject}/metadata",
    tag = "subjects",
    params(
        SubjectPath,
        ("key" = Option<Vec<String>>, Query, explode = true, description = "Metadata property names"),
        ("value" = Option<Vec<String>>, Query, explode = true, description = "Their values, in the same order"),
        Deleted,
        Format,
    ),
    responses(
        (status = 200, description = "The latest version with those properties", body = SchemaView),
        (status = 404, description = "40401: no such subject; 40403: no version has those properties", body = ErrorBody),
        (status = 422, description = "42201: the schema has no such `format`", body = ErrorBody),
        BadQuery,
        Unavailable,
    ),
)]
async fn latest_with_metadata(
    State(state): State<AppState>,
    caller: Caller,
    segments: Segments,
    params: Params,
) -> ApiResult {
    let subject = segments.subject()?;
    let (keys, values) = (params.all("key"), params.all("value"));
    if keys.len() != values.len() {
        return Err(ApiError::InvalidQuery {
            name: "value",
            value: format!("{} keys and {} values", keys.len(), values.len()),
            expected: "one value for each key",
        });
    }
    let properties: Vec<(String, String)> = keys
        .iter()
        .zip(values)
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let registry = state.registry();
    let found = registry
        .latest_with_metadata(&subject, &properties, params.flag("deleted")?)
        .await?;
    check_resolved(&caller, &found.schema.record, &params)?;
    let text = registry
        .schema_text(&found.schema, params.text("format"))
        .await?;
    Ok(ok(&SchemaView::of(&found, WithSubject::Yes, &text)))
}

/// `deletedOnly` as the peer spells it, `deleted_only` as the Python client does.
fn deleted_filter(params: &Params) -> Result<DeletedFilter, ApiError> {
    Ok(DeletedFilter::from_flags(
        params.flag("deleted")?,
        params.flag_either("deletedOnly", "deleted_only")?,
    ))
}

/// `GET /subjects`: subject names.
#[utoipa::path(
    get,
    path = "/subjects",
    tag = "subjects",
    params(
        ("subjectPrefix" = Option<String>, Query, description = "Only subjects starting with this"),
        Deleted,
        ("deletedOnly" = Option<bool>, Query, description = "Only soft-deleted subjects"),
        ("deleted_only" = Option<bool>, Query, description = "`deletedOnly` as the Python client spells it"),
        Paging,
    ),
    responses(
        (status = 200, description = "Subject names", body = Vec<String>),
        BadQuery,
        Unavailable,
    ),
)]
async fn list(State(state): State<AppState>, caller: Caller, params: Params) -> ApiResult {
    let mut names = state
        .registry()
        .subjects(
            params.text("subjectPrefix").unwrap_or_default(),
            deleted_filter(&params)?,
        )
        .await?;
    names.retain(|n| caller.may_read(n));
    Ok(ok(&params.page(names)?))
}

/// `POST /subjects/{subject}`: the version holding a schema.
#[utoipa::path(
    post,
    path = "/subjects/{subject}",
    tag = "subjects",
    params(
        SubjectPath,
        Deleted,
        ("normalize" = Option<bool>, Query, description = "Normalize the schema before looking"),
        Format,
    ),
    request_body = SchemaBody,
    responses(
        (status = 200, description = "The version holding the schema", body = SchemaView),
        (status = 404, description = "40401: no such subject; 40403: the schema is not in it", body = ErrorBody),
        (status = 422, description = "42201: the schema is invalid", body = ErrorBody),
        BodyErrors,
    ),
)]
async fn lookup(
    State(state): State<AppState>,
    caller: Caller,
    segments: Segments,
    params: Params,
    JsonBody(body): JsonBody<SchemaBody>,
) -> ApiResult {
    let subject = segments.subject()?;
    let registry = state.registry();
    let schema = body.into_schema()?.posted_to(&subject);
    require_read(&caller, schema.referenced_subjects())?;
    let found = registry
        .lookup(
            &subject,
            &schema,
            params.flag("deleted")?,
            params.flag("normalize")?,
        )
        .await?;
    let text = registry
        .schema_text(&found.schema, params.text("format"))
        .await?;
    Ok(ok(&SchemaView::of(&found, WithSubject::Yes, &text)))
}

/// `DELETE /subjects/{subject}`: deletes every version.
#[utoipa::path(
    delete,
    path = "/subjects/{subject}",
    tag = "subjects",
    params(
        SubjectPath,
        ("permanent" = Option<bool>, Query, description = "Hard-delete a soft-deleted subject"),
    ),
    responses(
        (status = 200, description = "The deleted versions", body = Vec<i32>),
        (status = 404, description = "40401: no such subject; 40404: soft-deleted already; 40405: not soft-deleted (permanent)", body = ErrorBody),
        (status = 422, description = "42205: the subject's mode forbids it; 42206: other schemas reference it", body = ErrorBody),
        BadQuery,
        Unavailable,
    ),
)]
async fn delete_subject(
    State(state): State<AppState>,
    caller: Caller,
    segments: Segments,
    params: Params,
) -> ApiResult {
    let subject = segments.subject()?;
    let versions = state
        .registry()
        .delete_subject(&subject, params.flag("permanent")?, &caller.actor())
        .await?;
    let numbers: Vec<i32> = versions.iter().map(|v| v.0).collect();
    Ok(ok(&numbers))
}

/// `GET /subjects/{subject}/versions`: version numbers.
#[utoipa::path(
    get,
    path = "/subjects/{subject}/versions",
    tag = "subjects",
    params(
        SubjectPath,
        Deleted,
        ("deletedOnly" = Option<bool>, Query, description = "Only soft-deleted versions"),
        ("deleted_only" = Option<bool>, Query, description = "`deletedOnly` as the Python client spells it"),
        ("deletedAsNegative" = Option<bool>, Query, description = "Soft-deleted versions as negative numbers"),
        Paging,
    ),
    responses(
        (status = 200, description = "Version numbers", body = Vec<i32>),
        (status = 404, description = "40401: no such subject", body = ErrorBody),
        BadQuery,
        Unavailable,
    ),
)]
async fn versions(State(state): State<AppState>, segments: Segments, params: Params) -> ApiResult {
    let subject = segments.subject()?;
    let negative = params.flag("deletedAsNegative")?;
    let filter = match deleted_filter(&params)? {
        // Showing deleted versions as negative numbers implies showing them.
        DeletedFilter::Exclude if negative => DeletedFilter::Include,
        other => other,
    };
    let found = state.registry().versions(&subject, filter).await?;
    let numbers: Vec<i32> = found
        .into_iter()
        .map(|(v, deleted)| if deleted && negative { -v.0 } else { v.0 })
        .collect();
    Ok(ok(&params.page(numbers)?))
}

/// `POST /subjects/{subject}/versions`: registers a schema.
#[utoipa::path(
    post,
    path = "/subjects/{subject}/versions",
    tag = "subjects",
    params(
        SubjectPath,
        ("normalize" = Option<bool>, Query, description = "Normalize the schema before registering"),
    ),
    request_body = SchemaBody,
    responses(
        (status = 200, description = "The registered (or already registered) version: `id`, `version`, ...; with `consumerWarnings` under consumerCompatibility WARN", body = SchemaView),
        (status = 409, description = "40901: incompatible with the subject's history or its consumers", body = ErrorBody),
        (status = 422, description = "42201: invalid schema; 42205: the mode forbids it; 42208: invalid subject name", body = ErrorBody),
        BodyErrors,
    ),
)]
async fn register(
    State(state): State<AppState>,
    caller: Caller,
    segments: Segments,
    params: Params,
    JsonBody(body): JsonBody<SchemaBody>,
) -> ApiResult {
    let subject = segments.subject()?;
    let mut registration = body.into_registration(params.flag("normalize")?)?;
    registration.schema = registration.schema.posted_to(&subject);
    require_read(&caller, registration.schema.referenced_subjects())?;
    let registered = state
        .registry()
        .register(&subject, &registration, &caller.actor())
        .await?;
    let version = &registered.version;
    let view = SchemaView::of(version, WithSubject::No, &version.schema.record.text);
    if registered.consumer_warnings.is_empty() {
        return Ok(ok(&view));
    }
    // Under consumerCompatibility WARN: the peer's answer, and Charter's
    // findings in a field Confluent clients ignore.
    Ok(ok(&WarnedView {
        view,
        consumer_warnings: registered
            .consumer_warnings
            .iter()
            .map(MatrixRowView::of)
            .collect(),
    }))
}

/// A registration's answer with the consumers that cannot read it.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct WarnedView<'a> {
    #[serde(flatten)]
    view: SchemaView<'a>,
    consumer_warnings: Vec<MatrixRowView<'a>>,
}

/// The version a `{subject}/versions/{version}` path names, with its schema
/// text in the `format` asked for.
async fn find(
    state: &AppState,
    caller: &Caller,
    segments: &Segments,
    params: &Params,
) -> Result<(SubjectVersion, String), ApiError> {
    let subject = segments.subject()?;
    let registry = state.registry();
    let found = registry
        .version(&subject, segments.version()?, params.flag("deleted")?)
        .await?;
    check_resolved(caller, &found.schema.record, params)?;
    let text = registry
        .schema_text(&found.schema, params.text("format"))
        .await?
        .into_owned();
    Ok((found, text))
}

/// `GET /subjects/{subject}/versions/{version}`: one version.
#[utoipa::path(
    get,
    path = "/subjects/{subject}/versions/{version}",
    tag = "subjects",
    params(VersionPath, Deleted, Format, ReferenceFormat, FindTags),
    responses(
        (status = 200, description = "The version", body = SchemaView),
        (status = 404, description = "40401: no such subject; 40402: no such version", body = ErrorBody),
        (status = 422, description = "42202: not a version number", body = ErrorBody),
        BadQuery,
        Unavailable,
    ),
)]
async fn version(
    State(state): State<AppState>,
    caller: Caller,
    segments: Segments,
    params: Params,
) -> ApiResult {
    let (found, text) = find(&state, &caller, &segments, &params).await?;
    let form = ReferenceForm::asked(params.text("referenceFormat"));
    let mut view = SchemaView::of(&found, WithSubject::Yes, &text).with_references(&found, form);
    view.schema_tags = find_tags(state.registry(), &found.schema.record, &params).await?;
    Ok(ok(&view))
}

/// `GET /subjects/{subject}/versions/{version}/schema`: its text.
#[utoipa::path(
    get,
    path = "/subjects/{subject}/versions/{version}/schema",
    tag = "subjects",
    params(VersionPath, Deleted, Format),
    responses(
        (status = 200, description = "The schema's text (JSON for Avro and JSON Schema, `.proto` text for Protobuf)", body = serde_json::Value),
        (status = 404, description = "40401: no such subject; 40402: no such version", body = ErrorBody),
        (status = 422, description = "42202: not a version number", body = ErrorBody),
        BadQuery,
        Unavailable,
    ),
)]
async fn version_schema(
    State(state): State<AppState>,
    caller: Caller,
    segments: Segments,
    params: Params,
) -> ApiResult {
    let (_, text) = find(&state, &caller, &segments, &params).await?;
    Ok(raw_schema(text))
}

/// `GET .../referencedby`: ids of the schemas that reference a version.
#[utoipa::path(
    get,
    path = "/subjects/{subject}/versions/{version}/referencedby",
    tag = "subjects",
    params(VersionPath, Deleted, Paging),
    responses(
        (status = 200, description = "Schema ids", body = Vec<i64>),
        (status = 404, description = "40401: no such subject; 40402: no such version", body = ErrorBody),
        (status = 422, description = "42202: not a version number", body = ErrorBody),
        BadQuery,
        Unavailable,
    ),
)]
async fn referenced_by(
    State(state): State<AppState>,
    caller: Caller,
    segments: Segments,
    params: Params,
) -> ApiResult {
    let subject = segments.subject()?;
    let registry = state.registry();
    let found = registry
        .referenced_by(&subject, segments.version()?, params.flag("deleted")?)
        .await?;
    // Only the referrers `caller` may read, as reads by id would answer
    // (in the subject's context: the ids are that context's).
    let context = subject.context().map(context_scope_name);
    let mut ids: Vec<i64> = Vec::with_capacity(found.len());
    for id in found {
        let readable = match &context {
            None => registry.schema_readable(id, &caller).await?,
            Some(context) => registry.schema_readable_for(id, context, &caller).await?,
        };
        if readable {
            ids.push(id.0);
        }
    }
    Ok(ok(&params.page(ids)?))
}

/// `DELETE /subjects/{subject}/versions/{version}`.
#[utoipa::path(
    delete,
    path = "/subjects/{subject}/versions/{version}",
    tag = "subjects",
    params(
        VersionPath,
        ("permanent" = Option<bool>, Query, description = "Hard-delete a soft-deleted version"),
    ),
    responses(
        (status = 200, description = "The deleted version", body = i32),
        (status = 404, description = "40401: no such subject; 40402: no such version; 40406: soft-deleted already; 40407: not soft-deleted (permanent)", body = ErrorBody),
        (status = 422, description = "42202: not a version number; 42205: the mode forbids it; 42206: other schemas reference it", body = ErrorBody),
        BadQuery,
        Unavailable,
    ),
)]
async fn delete_version(
    State(state): State<AppState>,
    caller: Caller,
    segments: Segments,
    params: Params,
) -> ApiResult {
    let subject = segments.subject()?;
    let (version, permanent) = (segments.version()?, params.flag("permanent")?);
    let version = state
        .registry()
        .delete_version(&subject, version, permanent, &caller.actor())
        .await?;
    Ok(ok(&version.0))
}
