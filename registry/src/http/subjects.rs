//! `/subjects`: subjects, their versions, registration, lookup and deletion.

use axum::Router;
use axum::extract::State;
use axum::routing::{get, post};

use super::auth::require_read;
use super::deploy::MatrixRowView;
use super::error::ApiError;
use super::extract::{JsonBody, Params, Segments};
use super::schemas::{check_resolved, raw_schema};
use super::wire::{SchemaBody, SchemaView, WithSubject};
use super::{ApiResult, AppState, ok};
use crate::auth::Caller;
use crate::service::{DeletedFilter, SubjectVersion};

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/subjects", get(list))
        .route("/subjects/{subject}", post(lookup).delete(delete_subject))
        .route("/subjects/{subject}/versions", get(versions).post(register))
        .route(
            "/subjects/{subject}/versions/{version}",
            get(version).delete(delete_version),
        )
        .route(
            "/subjects/{subject}/versions/{version}/schema",
            get(version_schema),
        )
        .route(
            "/subjects/{subject}/versions/{version}/referencedby",
            get(referenced_by),
        )
        .route("/subjects/{subject}/metadata", get(latest_with_metadata))
}

/// `GET /subjects/{s}/metadata?key=K&value=V[&key=..&value=..]`: the latest
/// version whose metadata has all those properties (keys and values paired
/// in order; the doubled `&&` some clients send is no pair).
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

async fn lookup(
    State(state): State<AppState>,
    caller: Caller,
    segments: Segments,
    params: Params,
    JsonBody(body): JsonBody<SchemaBody>,
) -> ApiResult {
    let subject = segments.subject()?;
    let registry = state.registry();
    let schema = body.into_schema()?;
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

async fn register(
    State(state): State<AppState>,
    caller: Caller,
    segments: Segments,
    params: Params,
    JsonBody(body): JsonBody<SchemaBody>,
) -> ApiResult {
    let subject = segments.subject()?;
    let registration = body.into_registration(params.flag("normalize")?)?;
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

async fn version(
    State(state): State<AppState>,
    caller: Caller,
    segments: Segments,
    params: Params,
) -> ApiResult {
    let (found, text) = find(&state, &caller, &segments, &params).await?;
    Ok(ok(&SchemaView::of(&found, WithSubject::Yes, &text)))
}

async fn version_schema(
    State(state): State<AppState>,
    caller: Caller,
    segments: Segments,
    params: Params,
) -> ApiResult {
    let (_, text) = find(&state, &caller, &segments, &params).await?;
    Ok(raw_schema(text))
}

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
    // Only the referrers `caller` may read, as reads by id would answer.
    let mut ids: Vec<i64> = Vec::with_capacity(found.len());
    for id in found {
        if registry.schema_readable(id, &caller).await? {
            ids.push(id.0);
        }
    }
    Ok(ok(&params.page(ids)?))
}

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
