//! Confluent 8.3's batch calls on associations: `POST
//! /associations:batchGet` (many reads, `includeSchemas` adds each
//! subject's latest version) and `POST /associations:batchMutate` (for each
//! resource, CREATE, UPSERT and DELETE operations; `context`, `dryRun`).
//! Both answer 207 with one result per request, in order: the resource's
//! associations, or the error that request met (the others go on). As the
//! peer, a mutation's runs are applied in order without rollback across
//! them (see `service::association_batch`), and a result's error codes are
//! the peer's: its association codes as the single calls answer them, an
//! invalid schema 42212, anything else 500 with the peer's prefix.
//!
//! Permissions are the single calls': a query shows only associations of
//! readable subjects; each run of a mutation needs what the create, update
//! or delete it is would need, and a refusal is that request's result
//! (40301).

use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::associations::{
    InfoBody, LifecycleBody, ResponseView, WriteParams, delete_permitted, set_permitted,
};
use super::error::{ApiError, ErrorBody};
use super::extract::{JsonBody, Params};
use super::openapi::{BadQuery, BodyErrors};
use super::{ApiResult, AppState, json};
use crate::auth::Caller;
use crate::model::AssociationFilter;
use crate::service::{
    AssociationDeletion, AssociationQuery, BatchOp, Error, ResourceAnswer, ResourceOps, Run,
    Upsert, batch_runs,
};

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(batch_get))
        .routes(routes!(batch_mutate))
}

/// `AssociationBatchGetRequest`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[schema(example = json!({"requests": [{"resourceId": "t-42"},
    {"resourceName": "orders", "resourceNamespace": "lkc-1", "associationTypes": ["value"]}]}))]
struct BatchGetBody {
    /// One query per resource (at least one).
    requests: Option<Vec<QueryBody>>,
}

/// `AssociationGetRequest`: by `resourceId`, or by `resourceName` and
/// `resourceNamespace` (`-`: any).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
struct QueryBody {
    /// The resource's name.
    resource_name: Option<String>,
    /// Its namespace (required with a name; `-`: any).
    resource_namespace: Option<String>,
    /// Its id: read by id when given.
    resource_id: Option<String>,
    /// Its type (default `topic`).
    resource_type: Option<String>,
    /// Only these kinds (`key`, `value`).
    association_types: Option<Vec<String>>,
    /// Only this lifecycle.
    lifecycle: Option<LifecycleBody>,
}

/// `AssociationBatchRequest`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[schema(example = json!({"requests": [{"resourceName": "orders", "resourceNamespace": "lkc-1",
    "resourceId": "t-42", "associations": [
        {"opType": "CREATE", "subject": "orders-contract", "associationType": "value"},
        {"opType": "DELETE", "associationType": "key"}]}]}))]
struct BatchMutateBody {
    /// One request per resource (at least one).
    requests: Option<Vec<OpRequestBody>>,
}

/// `AssociationOpRequest`: operations on one resource.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
struct OpRequestBody {
    /// The resource's name.
    resource_name: Option<String>,
    /// Its namespace.
    resource_namespace: Option<String>,
    /// Its id (required unless `dryRun`).
    resource_id: Option<String>,
    /// `topic` (the default and only type).
    resource_type: Option<String>,
    /// The operations, applied in order (each kind at most once).
    associations: Option<Vec<OpBody>>,
    /// An error to answer as this request's result, as the peer echoes it.
    error: Option<ErrorBody>,
}

/// `AssociationOp`, by its `opType`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(tag = "opType")]
enum OpBody {
    /// Creates an association (as `POST /associations` does).
    #[serde(rename = "CREATE")]
    Create(InfoBody),
    /// Creates or updates one (as `PUT /associations/resources/{id}`).
    #[serde(rename = "UPSERT")]
    Upsert(InfoBody),
    /// Deletes the resource's association of a kind, if it has one.
    #[serde(rename = "DELETE")]
    Delete(DeleteBody),
}

/// `AssociationDeleteOp`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
struct DeleteBody {
    /// `key` or `value` (the default).
    association_type: Option<String>,
    /// Also a frozen one, and a STRONG one's subject (deleted permanently).
    cascade_lifecycle: Option<bool>,
}

/// `AssociationBatchResponse`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = AssociationBatchResponse)]
struct BatchView<'a> {
    /// One per request, in order.
    results: Vec<ResultView<'a>>,
}

/// `AssociationResult`: a request's answer, or its error.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = AssociationResult)]
struct ResultView<'a> {
    /// What went wrong with this request.
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<ErrorBody>,
    /// The resource and its associations (a mutation's dry run: none).
    #[serde(skip_serializing_if = "Option::is_none")]
    result: Option<ResponseView<'a>>,
}

impl<'a> BatchView<'a> {
    fn of(results: &'a [Result<ResourceAnswer, ErrorBody>]) -> BatchView<'a> {
        BatchView {
            results: results
                .iter()
                .map(|r| match r {
                    Ok(answer) => ResultView {
                        error: None,
                        result: Some(ResponseView::answer(answer)),
                    },
                    Err(error) => ResultView {
                        error: Some(error.clone()),
                        result: None,
                    },
                })
                .collect(),
        }
    }
}

/// The requests of a batch, or 42212 when there are none.
fn requests<T>(requests: Option<Vec<T>>) -> Result<Vec<T>, ApiError> {
    requests.filter(|r| !r.is_empty()).ok_or_else(|| {
        Error::InvalidAssociation {
            property: "requests",
            detail: "cannot be null or empty".to_string(),
        }
        .into()
    })
}

/// A query's error as the peer's `batchGetAssociations` answers it: 500,
/// prefixed.
fn get_failure(error: ApiError) -> ErrorBody {
    let (_, body) = error.answer();
    let message = match &error {
        ApiError::Service(Error::InvalidAssociation { property, detail }) => {
            format!("property: {property}; detail: {detail}")
        }
        ApiError::Service(e @ Error::AssociationsOfManyResources) => e.to_string(),
        _ => body.message,
    };
    ErrorBody {
        error_code: 500,
        message: format!("Error while getting associations: {message}"),
    }
}

/// A mutation's error as the peer's `mutateAssociations` answers it: the
/// association codes, an incompatible or too large schema and a refused
/// permission as the single calls answer them, an invalid schema 42212,
/// anything else 500, prefixed.
fn mutate_failure(error: ApiError) -> ErrorBody {
    let (_, body) = error.answer();
    match body.error_code {
        40301 | 40901 | 40903 | 40904 | 40905 | 40907 | 40908 | 42206 | 42209 | 42212 => body,
        42201 => ErrorBody {
            error_code: 42212,
            ..body
        },
        _ => {
            let message = match &error {
                ApiError::Service(e @ Error::AssociationsOfManyResources) => e.to_string(),
                _ => body.message,
            };
            ErrorBody {
                error_code: 500,
                message: format!("Error while creating association: {message}"),
            }
        }
    }
}

/// `POST /associations:batchGet`: 207, one result per query.
#[utoipa::path(
    post,
    path = "/associations:batchGet",
    tag = "associations",
    params(("includeSchemas" = Option<bool>, Query, description = "Answer each association with its subject's latest version")),
    request_body = BatchGetBody,
    responses(
        (status = 207, description = "One result per query: the resource's associations, or the query's error (500)", body = BatchView),
        (status = 422, description = "42212 no query", body = ErrorBody),
        BadQuery,
        BodyErrors,
    ),
)]
async fn batch_get(
    State(state): State<AppState>,
    caller: Caller,
    params: Params,
    JsonBody(body): JsonBody<BatchGetBody>,
) -> ApiResult {
    let include_schemas = params.flag("includeSchemas")?;
    let mut results = Vec::new();
    for query in requests(body.requests)? {
        let query = AssociationQuery {
            resource_name: query.resource_name,
            resource_namespace: query.resource_namespace,
            resource_id: query.resource_id,
            resource_type: query.resource_type,
            association_types: query.association_types.unwrap_or_default(),
            lifecycle: query.lifecycle.map(LifecycleBody::lifecycle),
        };
        let answer = state
            .registry()
            .query_associations(&query, include_schemas, |s| caller.may_read(s))
            .await;
        results.push(answer.map_err(|e| get_failure(e.into())));
    }
    Ok(json(StatusCode::MULTI_STATUS, &BatchView::of(&results)))
}

/// `POST /associations:batchMutate`: 207, one result per request.
#[utoipa::path(
    post,
    path = "/associations:batchMutate",
    tag = "associations",
    params(WriteParams),
    request_body = BatchMutateBody,
    responses(
        (status = 207, description = "One result per request: the resource's associations after it (none in a dry run), or the error it met", body = BatchView),
        (status = 422, description = "42212 no request", body = ErrorBody),
        BadQuery,
        BodyErrors,
    ),
)]
async fn batch_mutate(
    State(state): State<AppState>,
    caller: Caller,
    params: Params,
    JsonBody(body): JsonBody<BatchMutateBody>,
) -> ApiResult {
    let dry_run = params.flag("dryRun")?;
    let context = params.text("context");
    let mut results = Vec::new();
    for request in requests(body.requests)? {
        if let Some(error) = request.error {
            results.push(Err(error));
            continue;
        }
        let answer = mutate(&state, &caller, request, context, dry_run).await;
        results.push(answer.map_err(mutate_failure));
    }
    Ok(json(StatusCode::MULTI_STATUS, &BatchView::of(&results)))
}

/// One request of a mutation: checked whole, its runs applied in order,
/// then the resource's associations read (none in a dry run), each with
/// the schema registered for its kind.
async fn mutate(
    state: &AppState,
    caller: &Caller,
    request: OpRequestBody,
    context: Option<&str>,
    dry_run: bool,
) -> Result<ResourceAnswer, ApiError> {
    let mut ops = Vec::new();
    for op in request.associations.unwrap_or_default() {
        ops.push(match op {
            OpBody::Create(info) => BatchOp::Set(Upsert::CreateOnly, info.into_input(context)?),
            OpBody::Upsert(info) => BatchOp::Set(Upsert::CreateOrUpdate, info.into_input(context)?),
            OpBody::Delete(delete) => BatchOp::Delete {
                association_type: delete.association_type,
                cascade: delete.cascade_lifecycle.unwrap_or(false),
            },
        });
    }
    let resource = ResourceOps {
        resource_name: request.resource_name,
        resource_namespace: request.resource_namespace,
        resource_id: request.resource_id,
        resource_type: request.resource_type,
        associations: ops,
    };
    let (plan, runs) = batch_runs(resource, dry_run)?;
    let mut schemas = std::collections::HashMap::new();
    for run in runs {
        match run {
            Run::Set(upsert, request) => {
                let outcome = set_permitted(state, caller, request, upsert, dry_run).await?;
                for (association, version) in outcome.associations {
                    if let Some(version) = version {
                        schemas.insert(association.association_type, version);
                    }
                }
            }
            Run::Delete {
                association_type,
                cascade,
            } => {
                // Without an id (a dry run) there is nothing to delete.
                let Some(resource_id) = plan.resource_id.clone() else {
                    continue;
                };
                let deletion = AssociationDeletion {
                    resource_id,
                    resource_type: plan.resource_type.clone(),
                    association_types: vec![association_type],
                    cascade,
                    dry_run,
                };
                match delete_permitted(state, caller, &deletion).await {
                    Ok(()) | Err(ApiError::Service(Error::AssociationNotFound { .. })) => {}
                    Err(e) => return Err(e),
                }
            }
        }
    }
    let associations = match (&plan.resource_id, dry_run) {
        (Some(id), false) => {
            let filter = AssociationFilter {
                resource_id: Some(id.clone()),
                resource_type: Some(plan.resource_type.clone()),
                ..AssociationFilter::default()
            };
            state.registry().associations(&filter).await?
        }
        _ => Vec::new(),
    };
    let answer = ResourceAnswer {
        resource_name: Some(plan.resource_name),
        resource_namespace: Some(plan.resource_namespace),
        resource_id: plan.resource_id,
        resource_type: plan.resource_type,
        associations: Vec::new(),
    };
    Ok(ResourceAnswer::of(answer, associations, schemas)?)
}
