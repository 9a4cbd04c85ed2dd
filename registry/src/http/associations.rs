//! `/associations` (Confluent 8.2+): which subjects a resource such as a
//! Kafka topic is bound to. Reads by subject, resource id, or resource name
//! and namespace (`-` for any); create (`POST /associations`), create or
//! update (`PUT /associations/resources/{id}`) and delete. The serializers'
//! `AssociatedNameStrategy` reads `GET /associations/resources/{ns}/{topic}`
//! and uses the subject it finds (none: `<topic>-value`).
//!
//! Permissions: a subject's associations need `read` on it (the table in
//! `auth`); the other reads show only associations of readable subjects;
//! writes need `write` on every subject they name (and a cascading delete
//! of a STRONG association `delete` on its subject), checked here because
//! the subjects come from the body or from the store.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::any;
use serde::{Deserialize, Serialize};
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;

use super::auth::forbidden;
use super::error::{ApiError, ErrorBody};
use super::extract::{JsonBody, Params, Segments};
use super::openapi::{BadQuery, BodyErrors, Paging, SubjectPath, Unavailable};
use super::wire::{SchemaBody, SchemaView, WithSubject};
use super::{ApiResult, AppState, ok};
use crate::auth::{Caller, Permission};
use crate::model::{
    Association, AssociationFilter, AssociationType, Lifecycle, TOPIC_RESOURCE, context_of,
};
use crate::service::{
    AssociationDeletion, AssociationInput, AssociationOutcome, AssociationRequest, Error,
    ResourceAnswer, SchemaInput, SubjectVersion, Upsert,
};

/// The name or namespace that stands for any.
const WILDCARD: &str = "-";

pub(super) fn routes() -> OpenApiRouter<AppState> {
    // Every other method on these paths answers 40410, as the peer's
    // unknown association paths do.
    OpenApiRouter::new()
        .routes(routes!(of_subject).map(|m| m.fallback(not_found)))
        .routes(routes!(of_resource, upsert, delete).map(|m| m.fallback(not_found)))
        .routes(routes!(of_named_resource).map(|m| m.fallback(not_found)))
        .routes(routes!(create).map(|m| m.fallback(not_found)))
        // A catch-all, which OpenAPI cannot describe: 40410 for any method.
        .route("/associations/{*rest}", any(not_found))
}

/// `Association`: one stored association, in the peer's shape.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = Association)]
pub(super) struct AssociationView<'a> {
    /// The subject it binds.
    subject: &'a str,
    /// Its id (a UUID).
    guid: &'a str,
    /// The resource's name (a topic's).
    resource_name: &'a str,
    /// The resource's namespace (a Kafka cluster's id).
    resource_namespace: &'a str,
    /// The resource's id.
    resource_id: &'a str,
    /// `topic`.
    resource_type: &'a str,
    /// `key` or `value`.
    association_type: &'static str,
    /// `STRONG` or `WEAK`.
    lifecycle: &'static str,
    /// Left out when it is the lifecycle's default (STRONG: frozen).
    #[serde(skip_serializing_if = "Option::is_none")]
    frozen: Option<bool>,
    /// When it was created, in milliseconds since the epoch.
    create_ts: i64,
    /// When it last changed.
    update_ts: i64,
}

/// `frozen` as the peer answers it: only when not the lifecycle's default.
fn frozen_view(lifecycle: Lifecycle, frozen: bool) -> Option<bool> {
    (frozen != (lifecycle == Lifecycle::Strong)).then_some(frozen)
}

impl<'a> AssociationView<'a> {
    /// The view of `a`.
    pub(super) fn of(a: &'a Association) -> AssociationView<'a> {
        AssociationView {
            subject: &a.subject,
            guid: &a.guid,
            resource_name: &a.resource_name,
            resource_namespace: &a.resource_namespace,
            resource_id: &a.resource_id,
            resource_type: &a.resource_type,
            association_type: a.association_type.as_str(),
            lifecycle: a.lifecycle.as_str(),
            frozen: frozen_view(a.lifecycle, a.frozen),
            create_ts: a.created_at_ms,
            update_ts: a.updated_at_ms,
        }
    }
}

/// `GET /schemas`'s filters on associations, as the peer applies them:
/// with any of `resourceType`, `associationType` or `lifecycle`, a schema
/// version stays only if its subject has associations of that type and
/// those kinds with one of the lifecycles asked for (answered along as
/// `associations`), or, with `lifecycle=NONE`, has none at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct SchemaAssociations {
    /// What the subject's associations are read with.
    pub(super) filter: AssociationFilter,
    /// The lifecycles asked for, `NONE` aside (empty: any).
    lifecycles: Vec<Lifecycle>,
    /// Whether `lifecycle=NONE` was asked: subjects without associations.
    unassociated: bool,
    /// Whether any lifecycle was asked.
    by_lifecycle: bool,
    /// Whether only kinds no association has were asked.
    no_kind: bool,
}

impl SchemaAssociations {
    /// The filters of `params`; `None` when it has none.
    pub(super) fn of(params: &Params) -> Result<Option<SchemaAssociations>, ApiError> {
        let kinds = params.all("associationType");
        let asked = params.all("lifecycle");
        let resource_type = params.text("resourceType").map(str::to_string);
        if kinds.is_empty() && asked.is_empty() && resource_type.is_none() {
            return Ok(None);
        }
        let mut lifecycles = Vec::new();
        let mut unassociated = false;
        for value in asked {
            match value.to_ascii_uppercase().as_str() {
                "NONE" => unassociated = true,
                upper => lifecycles.push(upper.parse::<Lifecycle>().map_err(|()| {
                    ApiError::InvalidQuery {
                        name: "lifecycle",
                        value: value.clone(),
                        expected: "STRONG, WEAK or NONE",
                    }
                })?),
            }
        }
        let association_types: Vec<AssociationType> =
            kinds.iter().filter_map(|k| k.parse().ok()).collect();
        Ok(Some(SchemaAssociations {
            no_kind: !kinds.is_empty() && association_types.is_empty(),
            filter: AssociationFilter {
                resource_type,
                association_types,
                ..AssociationFilter::default()
            },
            lifecycles,
            unassociated,
            by_lifecycle: !asked.is_empty(),
        }))
    }

    /// Whether a version of a subject with `associations` (those the
    /// filter read) stays, and with which of them.
    pub(super) fn keep<'a>(
        &self,
        associations: &[&'a Association],
    ) -> Option<Vec<&'a Association>> {
        let associations: &[&Association] = if self.no_kind { &[] } else { associations };
        if associations.is_empty() {
            return self.unassociated.then(Vec::new);
        }
        if self.lifecycles.is_empty() {
            return (!self.by_lifecycle).then(|| associations.to_vec());
        }
        let matching: Vec<&Association> = associations
            .iter()
            .copied()
            .filter(|a| self.lifecycles.contains(&a.lifecycle))
            .collect();
        (!matching.is_empty()).then_some(matching)
    }
}

/// `AssociationCreateOrUpdateRequest`.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "resourceName": "orders", "resourceNamespace": "lkc-1", "resourceId": "t-42",
    "associations": [{"subject": "orders-contract", "associationType": "value"}]
}))]
struct RequestBody {
    /// The resource's name (letters, digits, `_`, `-`; at most 256).
    resource_name: Option<String>,
    /// Its namespace (as the name).
    resource_namespace: Option<String>,
    /// Its id (required unless `dryRun`).
    resource_id: Option<String>,
    /// `topic` (the default and only type).
    resource_type: Option<String>,
    /// One per association type.
    associations: Option<Vec<InfoBody>>,
}

/// `LifecyclePolicy` in a body: exactly `STRONG` or `WEAK`.
#[derive(Debug, Clone, Copy, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "UPPERCASE")]
pub(super) enum LifecycleBody {
    /// Owned by the resource.
    Strong,
    /// Shared.
    Weak,
}

impl LifecycleBody {
    /// The lifecycle it names.
    pub(super) fn lifecycle(self) -> Lifecycle {
        match self {
            LifecycleBody::Strong => Lifecycle::Strong,
            LifecycleBody::Weak => Lifecycle::Weak,
        }
    }
}

/// `AssociationCreateOrUpdateInfo`.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub(super) struct InfoBody {
    /// The subject (a STRONG one's default: `:.{namespace}:{name}-{type}`).
    subject: Option<String>,
    /// `key` or `value` (the default).
    association_type: Option<String>,
    /// `STRONG` or `WEAK` (default: STRONG with a schema, else WEAK).
    /// Another value refuses the whole body (400), as the peer's Jackson
    /// does reading its `LifecyclePolicy` enum.
    lifecycle: Option<LifecycleBody>,
    /// Whether it may no longer change (STRONG ones are).
    frozen: Option<bool>,
    /// A schema to register in the subject first (a STRONG association's).
    schema: Option<SchemaBody>,
    /// Whether that registration normalizes.
    normalize: Option<bool>,
}

impl RequestBody {
    /// The service's request: lifecycles and schemas decoded, subjects in
    /// `context`.
    fn into_request(self, context: Option<&str>) -> Result<AssociationRequest, ApiError> {
        let mut associations = Vec::new();
        for info in self.associations.unwrap_or_default() {
            associations.push(info.into_input(context)?);
        }
        Ok(AssociationRequest {
            resource_name: self.resource_name,
            resource_namespace: self.resource_namespace,
            resource_id: self.resource_id,
            resource_type: self.resource_type,
            associations,
        })
    }
}

impl InfoBody {
    /// The service's input: lifecycle and schema decoded, the subject in
    /// `context` (see [`in_context`]).
    pub(super) fn into_input(self, context: Option<&str>) -> Result<AssociationInput, ApiError> {
        let lifecycle = self.lifecycle.map(LifecycleBody::lifecycle);
        let schema = match self.schema.map(SchemaBody::into_schema).transpose()? {
            None => None,
            Some(SchemaInput::Posted(posted)) => Some(posted),
            Some(SchemaInput::Latest(_)) => {
                return Err(Error::InvalidAssociation {
                    property: "schema",
                    detail: "must hold a schema's text".to_string(),
                }
                .into());
            }
        };
        Ok(AssociationInput {
            subject: self.subject.map(|s| in_context(s, context)),
            association_type: self.association_type,
            lifecycle,
            frozen: self.frozen,
            schema,
            normalize: self.normalize.unwrap_or(false),
        })
    }
}

/// A subject of a write's body in the `context` query parameter's context,
/// as the peer's `QualifiedSubject.create` puts it: a context written
/// `:.ctx:` (or `:.ctx`) prefixes a subject that names none (does not
/// start with `:.`); any other value leaves it as sent.
pub(super) fn in_context(subject: String, context: Option<&str>) -> String {
    match context.and_then(context_of) {
        Some(context) if !subject.starts_with(":.") => format!(":{context}:{subject}"),
        _ => subject,
    }
}

/// `AssociationResponse`: what a create or update wrote.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = AssociationResponse)]
pub(super) struct ResponseView<'a> {
    /// The resource's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    resource_name: Option<&'a str>,
    /// Its namespace.
    #[serde(skip_serializing_if = "Option::is_none")]
    resource_namespace: Option<&'a str>,
    /// Its id.
    #[serde(skip_serializing_if = "Option::is_none")]
    resource_id: Option<&'a str>,
    /// Its type.
    resource_type: &'a str,
    /// The associations written (none: nothing changed, or a dry run); in
    /// a batch answer, the resource's associations.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    associations: Vec<InfoView<'a>>,
}

/// `AssociationInfo`: one association written.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = AssociationInfo)]
struct InfoView<'a> {
    /// Its subject.
    subject: &'a str,
    /// `key` or `value`.
    association_type: &'static str,
    /// `STRONG` or `WEAK`.
    lifecycle: &'static str,
    /// Left out when it is the lifecycle's default.
    #[serde(skip_serializing_if = "Option::is_none")]
    frozen: Option<bool>,
    /// The version registered with it.
    #[serde(skip_serializing_if = "Option::is_none")]
    schema: Option<SchemaView<'a>>,
}

impl<'a> ResponseView<'a> {
    fn of(outcome: &'a AssociationOutcome) -> ResponseView<'a> {
        ResponseView::with(
            Some(&outcome.resource_name),
            Some(&outcome.resource_namespace),
            outcome.resource_id.as_deref(),
            &outcome.resource_type,
            &outcome.associations,
        )
    }

    /// The view of a batch call's answer for one resource.
    pub(super) fn answer(answer: &'a ResourceAnswer) -> ResponseView<'a> {
        ResponseView::with(
            answer.resource_name.as_deref(),
            answer.resource_namespace.as_deref(),
            answer.resource_id.as_deref(),
            &answer.resource_type,
            &answer.associations,
        )
    }

    fn with(
        resource_name: Option<&'a str>,
        resource_namespace: Option<&'a str>,
        resource_id: Option<&'a str>,
        resource_type: &'a str,
        associations: &'a [(Association, Option<SubjectVersion>)],
    ) -> ResponseView<'a> {
        ResponseView {
            resource_name,
            resource_namespace,
            resource_id,
            resource_type,
            associations: associations
                .iter()
                .map(|(a, version)| InfoView {
                    subject: &a.subject,
                    association_type: a.association_type.as_str(),
                    lifecycle: a.lifecycle.as_str(),
                    frozen: frozen_view(a.lifecycle, a.frozen),
                    schema: version
                        .as_ref()
                        .map(|v| SchemaView::of(v, WithSubject::Yes, &v.schema.record.text)),
                })
                .collect(),
        }
    }
}

/// The filters of the association reads, described.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // a description: never built
struct Filters {
    /// Only resources of this type (the resource reads' default: `topic`).
    #[param(rename = "resourceType")]
    resource_type: Option<String>,
    /// Only these kinds (`key`, `value`); repeatable.
    #[param(rename = "associationType", explode)]
    association_type: Option<Vec<String>>,
    /// Only `STRONG` or only `WEAK` ones.
    lifecycle: Option<String>,
}

/// The query of a write, described.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // a description: never built
pub(super) struct WriteParams {
    /// A context (`:.ctx:`) for the body's subjects that name none.
    context: Option<String>,
    /// Check only: write nothing.
    #[param(rename = "dryRun")]
    dry_run: Option<bool>,
}

/// The filters every read takes: `resourceType` (the resource reads'
/// default: `topic`), `associationType` (repeatable), `lifecycle`.
fn filter(
    params: &Params,
    default_type: Option<&str>,
) -> Result<Option<AssociationFilter>, ApiError> {
    let lifecycle = match params.text("lifecycle").filter(|l| !l.is_empty()) {
        None => None,
        Some(l) => Some(
            l.parse::<Lifecycle>()
                .map_err(|()| ApiError::InvalidQuery {
                    name: "lifecycle",
                    value: l.to_string(),
                    expected: "STRONG or WEAK",
                })?,
        ),
    };
    let asked = params.all("associationType");
    let association_types: Vec<AssociationType> =
        asked.iter().filter_map(|t| t.parse().ok()).collect();
    if !asked.is_empty() && association_types.is_empty() {
        // Only kinds no association has.
        return Ok(None);
    }
    let resource_type = params
        .text("resourceType")
        .filter(|t| !t.is_empty())
        .or(default_type)
        .map(str::to_string);
    Ok(Some(AssociationFilter {
        resource_type,
        association_types,
        lifecycle,
        ..AssociationFilter::default()
    }))
}

/// Answers what `filter` selects among the associations the caller may
/// read, paged.
async fn listed(
    state: &AppState,
    caller: &Caller,
    params: &Params,
    filter: Option<AssociationFilter>,
) -> ApiResult {
    let mut found = match filter {
        Some(filter) => state.registry().associations(&filter).await?,
        None => Vec::new(),
    };
    found.retain(|a| caller.may_read(&a.subject));
    let views: Vec<AssociationView> = found.iter().map(AssociationView::of).collect();
    Ok(ok(&params.page(views)?))
}

/// `GET /associations/subjects/{subject}`.
#[utoipa::path(
    get,
    path = "/associations/subjects/{subject}",
    tag = "associations",
    params(
        SubjectPath,
        Filters,
        Paging,
    ),
    responses((status = 200, description = "The subject's associations", body = Vec<AssociationView>), BadQuery, Unavailable),
)]
async fn of_subject(
    State(state): State<AppState>,
    caller: Caller,
    segments: Segments,
    params: Params,
) -> ApiResult {
    let filter = filter(&params, None)?.map(|f| AssociationFilter {
        subject: Some(segments.named("subject").to_string()),
        ..f
    });
    listed(&state, &caller, &params, filter).await
}

/// `GET /associations/resources/{resource_id}`.
#[utoipa::path(
    get,
    path = "/associations/resources/{resource_id}",
    tag = "associations",
    params(
        ("resource_id" = String, Path, description = "The resource's id"),
        Filters,
        Paging,
    ),
    responses((status = 200, description = "The resource's associations", body = Vec<AssociationView>), BadQuery, Unavailable),
)]
async fn of_resource(
    State(state): State<AppState>,
    caller: Caller,
    segments: Segments,
    params: Params,
) -> ApiResult {
    let filter = filter(&params, Some(TOPIC_RESOURCE))?.map(|f| AssociationFilter {
        resource_id: Some(segments.named("resource_id").to_string()),
        ..f
    });
    listed(&state, &caller, &params, filter).await
}

/// `GET /associations/resources/{namespace}/{name}`: `-` as the name is
/// every resource of the namespace, `-` as the namespace any namespace.
#[utoipa::path(
    get,
    path = "/associations/resources/{namespace}/{name}",
    tag = "associations",
    params(
        ("namespace" = String, Path, description = "The resource's namespace (`-`: any)"),
        ("name" = String, Path, description = "The resource's name (`-`: any)"),
        Filters,
        Paging,
    ),
    responses((status = 200, description = "The resources' associations", body = Vec<AssociationView>), BadQuery, Unavailable),
)]
async fn of_named_resource(
    State(state): State<AppState>,
    caller: Caller,
    segments: Segments,
    params: Params,
) -> ApiResult {
    let named = |segment: &str| Some(segment.to_string()).filter(|s| s != WILDCARD);
    let filter = filter(&params, Some(TOPIC_RESOURCE))?.map(|f| AssociationFilter {
        resource_name: named(segments.named("name")),
        resource_namespace: named(segments.named("namespace")),
        ..f
    });
    listed(&state, &caller, &params, filter).await
}

/// Refuses with 403 unless the caller may write every subject the request
/// names and read every subject its schemas reference.
async fn may_set(
    state: &AppState,
    caller: &Caller,
    request: &AssociationRequest,
    upsert: Upsert,
    dry_run: bool,
) -> Result<(), ApiError> {
    let subjects = state
        .registry()
        .association_subjects(request, upsert, dry_run)
        .await?;
    if let Some(subject) = subjects.iter().find(|s| !caller.may(Permission::Write, s)) {
        return Err(forbidden(
            caller,
            &format!("`write` on subject `{subject}`"),
        ));
    }
    let referenced = request
        .associations
        .iter()
        .filter_map(|a| a.schema.as_ref())
        .flat_map(|s| s.referenced_subjects());
    super::auth::require_read(caller, referenced)
}

/// Creates or updates, once permitted.
pub(super) async fn set_permitted(
    state: &AppState,
    caller: &Caller,
    request: AssociationRequest,
    upsert: Upsert,
    dry_run: bool,
) -> Result<AssociationOutcome, ApiError> {
    let request = state.registry().aliased(request).await?;
    may_set(state, caller, &request, upsert, dry_run).await?;
    Ok(state
        .registry()
        .set_associations(request, upsert, dry_run, &caller.actor())
        .await?)
}

/// Creates or updates, once permitted, and answers what was written.
async fn set(
    state: &AppState,
    caller: &Caller,
    request: AssociationRequest,
    upsert: Upsert,
    dry_run: bool,
) -> ApiResult {
    let outcome = set_permitted(state, caller, request, upsert, dry_run).await?;
    Ok(ok(&ResponseView::of(&outcome)))
}

/// `POST /associations`: creates associations of one resource (an
/// equivalent existing one is left as it is, so a retry succeeds).
#[utoipa::path(
    post,
    path = "/associations",
    tag = "associations",
    params(WriteParams),
    request_body = RequestBody,
    responses(
        (status = 200, description = "What was written", body = ResponseView),
        (status = 409, description = "40903 the resource has another association of that type; 40904, 40905 the subject is taken; 40907 the subject has no live version", body = ErrorBody),
        (status = 422, description = "42212 a property the rules refuse; 42206 a STRONG association for a referenced subject; 42205 read-only", body = ErrorBody),
        BodyErrors,
    ),
)]
async fn create(
    State(state): State<AppState>,
    caller: Caller,
    params: Params,
    JsonBody(body): JsonBody<RequestBody>,
) -> ApiResult {
    let dry_run = params.flag("dryRun")?;
    let request = body.into_request(params.text("context"))?;
    set(&state, &caller, request, Upsert::CreateOnly, dry_run).await
}

/// `PUT /associations/resources/{resource_id}`: creates what the resource
/// lacks and updates what it has (never a STRONG one, outside IMPORT).
#[utoipa::path(
    put,
    path = "/associations/resources/{resource_id}",
    tag = "associations",
    params(
        ("resource_id" = String, Path, description = "The resource's id"),
        WriteParams,
    ),
    request_body = RequestBody,
    responses(
        (status = 200, description = "What was written", body = ResponseView),
        (status = 409, description = "40908 the association is frozen; 40904, 40905 the subject is taken; 40907 the subject has no live version", body = ErrorBody),
        (status = 422, description = "42212 a property the rules refuse; 42205 read-only", body = ErrorBody),
        BodyErrors,
    ),
)]
async fn upsert(
    State(state): State<AppState>,
    caller: Caller,
    segments: Segments,
    params: Params,
    JsonBody(body): JsonBody<RequestBody>,
) -> ApiResult {
    let dry_run = params.flag("dryRun")?;
    let mut request = body.into_request(params.text("context"))?;
    let path_id = segments.named("resource_id");
    match &request.resource_id {
        None => request.resource_id = Some(path_id.to_string()),
        Some(id) if id == path_id => {}
        Some(_) => {
            return Err(Error::InvalidAssociation {
                property: "resourceId",
                detail: "Resource ID in the path parameter does not match the resource ID in \
                         the request body"
                    .to_string(),
            }
            .into());
        }
    }
    set(&state, &caller, request, Upsert::CreateOrUpdate, dry_run).await
}

/// `DELETE /associations/resources/{resource_id}`: 204.
#[utoipa::path(
    delete,
    path = "/associations/resources/{resource_id}",
    tag = "associations",
    params(
        ("resource_id" = String, Path, description = "The resource's id"),
        ("resourceType" = Option<String>, Query, description = "The resource's type (default `topic`)"),
        ("associationType" = Option<Vec<String>>, Query, explode = true, description = "Only these kinds (default: all)"),
        ("cascadeLifecycle" = Option<bool>, Query, description = "Also frozen ones, and the subjects of STRONG ones (deleted permanently)"),
        ("dryRun" = Option<bool>, Query, description = "Check only: delete nothing"),
    ),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "40410 the resource has no association of those types", body = ErrorBody),
        (status = 409, description = "40908 a frozen association, without `cascadeLifecycle=true`", body = ErrorBody),
        BadQuery,
        Unavailable,
    ),
)]
async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    segments: Segments,
    params: Params,
) -> ApiResult {
    let mut association_types = Vec::new();
    for kind in params.all("associationType") {
        association_types.push(kind.parse::<AssociationType>().map_err(|()| {
            ApiError::InvalidQuery {
                name: "associationType",
                value: kind.clone(),
                expected: "key or value",
            }
        })?);
    }
    let deletion = AssociationDeletion {
        resource_id: segments.named("resource_id").to_string(),
        resource_type: params
            .text("resourceType")
            .filter(|t| !t.is_empty())
            .unwrap_or(TOPIC_RESOURCE)
            .to_string(),
        association_types,
        cascade: params.flag("cascadeLifecycle")?,
        dry_run: params.flag("dryRun")?,
    };
    delete_permitted(&state, &caller, &deletion).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Deletes, once permitted: `write` on every subject whose association
/// goes, and `delete` on a subject the cascade deletes.
pub(super) async fn delete_permitted(
    state: &AppState,
    caller: &Caller,
    deletion: &AssociationDeletion,
) -> Result<(), ApiError> {
    let doomed = state.registry().associations(&deletion.filter()).await?;
    for association in &doomed {
        let mut needed = vec![Permission::Write];
        if deletion.cascade && association.lifecycle == Lifecycle::Strong {
            needed.push(Permission::Delete);
        }
        if let Some(permission) = needed
            .into_iter()
            .find(|p| !caller.may(*p, &association.subject))
        {
            return Err(forbidden(
                caller,
                &format!("`{permission}` on subject `{}`", association.subject),
            ));
        }
    }
    state
        .registry()
        .delete_associations(deletion, &caller.actor())
        .await?;
    Ok(())
}

/// Paths under `/associations` the peer does not serve (and other methods
/// on those it does): 404 with 40410.
async fn not_found(uri: axum::http::Uri) -> ApiError {
    ApiError::AssociationNotFound(uri.path().to_string())
}
