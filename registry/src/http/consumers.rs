//! Charter's consumer records beside the Confluent API: the reader each
//! consumer runs with (`/consumers`, `/subjects/{subject}/consumers`), what
//! each environment runs of a producer (`/deployments`) and from which
//! version on its data is kept (`.../retention`). `POST /can-i-deploy` is
//! in `deploy`.
//!
//! ```text
//! PUT /consumers/{consumer}/subjects/{subject}
//!     {"environment": "prod", "schema": "...", "schemaType": "JSON", "references": [...],
//!      "consumerVersion": "1.4.2"}  |  {"environment": "prod", "version": 3}
//! PUT /deployments/{environment}/subjects/{subject}            {"version": 3}
//! PUT /deployments/{environment}/subjects/{subject}/retention  {"retainedFromVersion": 2}
//! ```
//!
//! Bodies are decoded with serde into typed structs ([`super::body`]: 422
//! naming the field), then into the service's inputs.

use axum::extract::{FromRequest, Request, State};
use schemas::SchemaType;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::body::{Array, FieldError, Integer, decode};
use super::deploy::{MatrixRowView, ReaderView};
use super::error::{ApiError, ErrorBody};
use super::extract::{JsonBody, Params, Segments};
use super::openapi::{BodyErrors, SubjectPath, Unavailable};
use super::triage::{ReferenceBody, schema_type};
use super::wire::InvalidReference;
use super::{ApiResult, AppState, ok};
use crate::auth::Caller;
use crate::model::{Deployment, Name, NameKind, ReaderFilter, ReaderRecord, Version};
use crate::service::{ConsumerStatus, Error, PostedSchema, ReaderInput, ReaderRecording};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(of_consumer))
        .routes(routes!(record, forget))
        .routes(routes!(of_subject))
        .routes(routes!(deployments))
        .routes(routes!(deployed))
        .routes(routes!(retention))
}

/// Why a body of Charter's consumer endpoints cannot be used (422).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidConsumerBody {
    /// A field of the wrong kind, or one the body does not take.
    #[error("{0}")]
    Field(FieldError),
    /// A reader that is neither a schema nor a version, or both.
    #[error("`{at}` must give either `schema` (with `schemaType`, `references`) or `version`")]
    Reader {
        /// Where the reader is in the body (`the request body`, `reader`).
        at: &'static str,
    },
    /// A schema reader without schema text.
    #[error("`{at}schema` must be a non-empty string holding the schema text")]
    EmptySchema {
        /// The prefix of the field (`reader.` or nothing).
        at: &'static str,
    },
    /// A version that is not a version number.
    #[error("`{field}` must be a version number between 1 and 2^31-1; it is {value}")]
    BadVersion {
        /// The field.
        field: &'static str,
        /// The value sent.
        value: i64,
    },
    /// A can-i-deploy body that is neither a producer's question nor a
    /// consumer's.
    #[error(
        "a can-i-deploy body is either a producer's (`subject`, `schema`, `schemaType`, `references`, `environment`) or a consumer's (`consumer`, `subject`, `reader`, `environment`, `consumerVersion`)"
    )]
    Question,
    /// A reference that cannot be used.
    #[error("`{at}references` cannot be used: {error}")]
    Reference {
        /// The prefix of the field.
        at: &'static str,
        /// Why.
        error: InvalidReference,
    },
}

/// A typed body of these endpoints, decoded from JSON.
pub(super) struct Body<T>(pub T);

impl<T: serde::de::DeserializeOwned> FromRequest<AppState> for Body<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, ApiError> {
        let JsonBody(body) = JsonBody::<Value>::from_request(req, state).await?;
        Ok(Body(decode(body).map_err(InvalidConsumerBody::Field)?))
    }
}

/// A version number as sent, checked.
pub(super) fn version(field: &'static str, value: i64) -> Result<Version, InvalidConsumerBody> {
    i32::try_from(value)
        .ok()
        .filter(|v| *v > 0)
        .map(Version)
        .ok_or(InvalidConsumerBody::BadVersion { field, value })
}

/// A consumer or environment name, or 422 naming what is wrong with it.
pub(super) fn name(kind: NameKind, value: &str) -> Result<Name, ApiError> {
    Ok(Name::parse(kind, value).map_err(Error::from)?)
}

/// An environment as a body or query gives it (none: `default`).
pub(super) fn environment(value: Option<&str>) -> Result<Name, ApiError> {
    match value {
        None => Ok(Name::default_environment()),
        Some(value) => name(NameKind::Environment, value),
    }
}

/// The reader fields a body holds (at its top level, or under `reader`).
#[derive(Debug, Default, Deserialize)]
#[serde(
    deny_unknown_fields,
    rename_all = "camelCase",
    expecting = "an object with either `schema` (and `schemaType`, `references`) or `version`"
)]
pub(super) struct ReaderFields {
    pub(super) schema: Option<String>,
    #[serde(default, deserialize_with = "schema_type")]
    pub(super) schema_type: Option<SchemaType>,
    pub(super) references: Option<Array<ReferenceBody>>,
    pub(super) version: Option<Integer>,
}

impl ReaderFields {
    /// The reader: a posted schema (no `schemaType` means AVRO, as in the
    /// Confluent API) or a version. `at` says where the fields are, for
    /// errors: `""` at the top level, `"reader."` under `reader`.
    pub(super) fn into_reader(self, at: &'static str) -> Result<ReaderInput, InvalidConsumerBody> {
        let whole = if at.is_empty() {
            "the request body"
        } else {
            "reader"
        };
        match (self.schema, self.version) {
            (Some(text), None) => {
                if text.trim().is_empty() {
                    return Err(InvalidConsumerBody::EmptySchema { at });
                }
                let references = ReferenceBody::posted(self.references)
                    .map_err(|error| InvalidConsumerBody::Reference { at, error })?;
                Ok(ReaderInput::Posted(PostedSchema {
                    schema_type: self.schema_type.unwrap_or(SchemaType::Avro),
                    text,
                    references,
                    contract: Box::default(),
                }))
            }
            (None, Some(Integer(n))) if self.schema_type.is_none() && self.references.is_none() => {
                let field = if at.is_empty() {
                    "version"
                } else {
                    "reader.version"
                };
                Ok(ReaderInput::Version(version(field, n)?))
            }
            _ => Err(InvalidConsumerBody::Reader { at: whole }),
        }
    }
}

/// The body of `PUT /consumers/{consumer}/subjects/{subject}`.
/// The reader is either `schema` (with `schemaType`, `references`) or a
/// registered `version` of the subject.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(
    deny_unknown_fields,
    rename_all = "camelCase",
    expecting = "a JSON object"
)]
#[schema(as = ConsumerRecording, example = json!({"environment": "prod", "version": 1}))]
struct RecordBody {
    /// Where the consumer runs; absent: `default`.
    environment: Option<String>,
    /// The consumer's own version, for people.
    consumer_version: Option<String>,
    /// The reader schema's text.
    schema: Option<String>,
    /// `AVRO` (when absent), `JSON` or `PROTOBUF`.
    #[serde(default, deserialize_with = "schema_type")]
    #[schema(value_type = Option<String>)]
    schema_type: Option<SchemaType>,
    /// The schemas the reader imports.
    #[schema(value_type = Option<Vec<crate::http::wire::ReferenceBody>>)]
    references: Option<Array<ReferenceBody>>,
    /// A registered version of the subject as the reader.
    #[schema(value_type = Option<i64>)]
    version: Option<Integer>,
}

/// A recorded reader as answered.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = ConsumerRecord)]
struct RecordView<'a> {
    /// The consumer.
    consumer: &'a str,
    /// The subject it reads.
    subject: &'a str,
    /// Where it runs.
    environment: &'a str,
    /// Its own version.
    #[serde(skip_serializing_if = "Option::is_none")]
    consumer_version: Option<&'a str>,
    /// The reader it runs with.
    reader: ReaderView<'a>,
    /// When it was recorded, in milliseconds since the epoch.
    recorded_at: i64,
}

impl<'a> RecordView<'a> {
    fn of(record: &'a ReaderRecord) -> RecordView<'a> {
        RecordView {
            consumer: &record.consumer,
            subject: &record.subject,
            environment: &record.environment,
            consumer_version: record.consumer_version.as_deref(),
            reader: ReaderView::of(&record.reader),
            recorded_at: record.recorded_at_ms,
        }
    }
}

/// `PUT /consumers/{consumer}/subjects/{subject}`: records the reader a
/// consumer runs with.
#[utoipa::path(
    put,
    path = "/consumers/{consumer}/subjects/{subject}",
    tag = "consumers",
    params(("consumer" = String, Path, description = "The consumer's name", example = "fulfillment"), SubjectPath),
    request_body = RecordBody,
    responses(
        (status = 200, description = "The recorded reader", body = RecordView),
        (status = 404, description = "40401: no such subject; 40402: no such version", body = ErrorBody),
        (status = 422, description = "422: a body field is missing, of the wrong kind or unknown (named by its path), or an invalid name; 42201: an invalid reader schema; 42208: an invalid subject name", body = ErrorBody),
        BodyErrors,
    ),
)]
async fn record(
    State(state): State<AppState>,
    caller: Caller,
    segments: Segments,
    Body(body): Body<RecordBody>,
) -> ApiResult {
    let consumer = name(NameKind::Consumer, segments.named("consumer"))?;
    let subject = segments.subject()?;
    let reader = ReaderFields {
        schema: body.schema,
        schema_type: body.schema_type,
        references: body.references,
        version: body.version,
    };
    let recording = ReaderRecording {
        environment: environment(body.environment.as_deref())?,
        reader: reader.into_reader("")?,
        consumer_version: body.consumer_version,
    };
    let record = state
        .registry()
        .record_consumer(&consumer, &subject, recording, &caller.actor())
        .await?;
    Ok(ok(&RecordView::of(&record)))
}

/// The consumers with a reader of a subject the caller may read: a consumer
/// that reads only subjects hidden from the caller is not named.
#[utoipa::path(
    get,
    path = "/consumers",
    tag = "consumers",
    responses(
        (status = 200, description = "Consumer names", body = Vec<String>),
        Unavailable,
    ),
)]
async fn list(State(state): State<AppState>, caller: Caller) -> ApiResult {
    let mut records = state.registry().consumers(&ReaderFilter::default()).await?;
    records.retain(|r| caller.may_read(&r.subject));
    let mut names: Vec<&str> = records.iter().map(|r| r.consumer.as_str()).collect();
    names.dedup();
    Ok(ok(&names))
}

/// A consumer's readers of the subjects the caller may read; an unknown
/// consumer and one that reads only hidden subjects answer the same 404.
#[utoipa::path(
    get,
    path = "/consumers/{consumer}",
    tag = "consumers",
    params(("consumer" = String, Path, description = "The consumer's name", example = "fulfillment")),
    responses(
        (status = 200, description = "Its recorded readers", body = Vec<RecordView>),
        (status = 404, description = "404: no such consumer", body = ErrorBody),
        (status = 422, description = "422: an invalid consumer name", body = ErrorBody),
        Unavailable,
    ),
)]
async fn of_consumer(
    State(state): State<AppState>,
    caller: Caller,
    segments: Segments,
) -> ApiResult {
    let consumer = name(NameKind::Consumer, segments.named("consumer"))?;
    let mut records = state
        .registry()
        .consumers(&ReaderFilter {
            consumer: Some(consumer.to_string()),
            ..ReaderFilter::default()
        })
        .await?;
    records.retain(|r| caller.may_read(&r.subject));
    if records.is_empty() {
        return Err(Error::ConsumerNotFound {
            consumer: consumer.to_string(),
        }
        .into());
    }
    let views: Vec<RecordView<'_>> = records.iter().map(RecordView::of).collect();
    Ok(ok(&views))
}

/// `DELETE /consumers/{consumer}/subjects/{subject}`: forgets a reader.
#[utoipa::path(
    delete,
    path = "/consumers/{consumer}/subjects/{subject}",
    tag = "consumers",
    params(
        ("consumer" = String, Path, description = "The consumer's name", example = "fulfillment"),
        SubjectPath,
        ("environment" = Option<String>, Query, description = "Where it runs; absent: `default`"),
    ),
    responses(
        (status = 200, description = "What was forgotten", body = ForgottenView),
        (status = 404, description = "404: no such reader", body = ErrorBody),
        (status = 422, description = "422: an invalid consumer or environment name; 42208: an invalid subject name", body = ErrorBody),
        Unavailable,
    ),
)]
async fn forget(
    State(state): State<AppState>,
    caller: Caller,
    segments: Segments,
    params: Params,
) -> ApiResult {
    let consumer = name(NameKind::Consumer, segments.named("consumer"))?;
    let subject = segments.subject()?;
    let environment = environment(params.text("environment"))?;
    state
        .registry()
        .forget_consumer(&consumer, &subject, &environment, &caller.actor())
        .await?;
    Ok(ok(&ForgottenView {
        consumer: consumer.as_str(),
        subject: subject.as_str(),
        environment: environment.as_str(),
    }))
}

/// A reader forgotten.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = ForgottenReader)]
struct ForgottenView<'a> {
    /// The consumer.
    consumer: &'a str,
    /// The subject.
    subject: &'a str,
    /// The environment.
    environment: &'a str,
}

/// A consumer of a subject with what it can read.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = ConsumerStatus)]
struct StatusView<'a> {
    #[serde(flatten)]
    record: RecordView<'a>,
    /// Whether it reads the subject's latest version.
    reads_latest: bool,
    /// Whether it reads what its environment has deployed.
    reads_deployed: bool,
    /// Each writer version it must read, and whether it can.
    matrix: Vec<MatrixRowView<'a>>,
}

/// `GET /subjects/{subject}/consumers`: who reads a subject, and whether
/// they can.
#[utoipa::path(
    get,
    path = "/subjects/{subject}/consumers",
    tag = "consumers",
    params(
        SubjectPath,
        ("environment" = Option<String>, Query, description = "Only this environment"),
    ),
    responses(
        (status = 200, description = "Its consumers", body = Vec<StatusView>),
        (status = 404, description = "40401: no such subject", body = ErrorBody),
        (status = 422, description = "422: an invalid environment name; 42208: an invalid subject name", body = ErrorBody),
        Unavailable,
    ),
)]
async fn of_subject(
    State(state): State<AppState>,
    segments: Segments,
    params: Params,
) -> ApiResult {
    let subject = segments.subject()?;
    let environment = params
        .text("environment")
        .map(|e| name(NameKind::Environment, e))
        .transpose()?;
    let statuses = state
        .registry()
        .subject_consumers(&subject, environment.as_ref())
        .await?;
    let views: Vec<StatusView<'_>> = statuses
        .iter()
        .map(|s: &ConsumerStatus| StatusView {
            record: RecordView::of(&s.record),
            reads_latest: s.reads_latest,
            reads_deployed: s.reads_deployed,
            matrix: s.matrix.iter().map(MatrixRowView::of).collect(),
        })
        .collect();
    Ok(ok(&views))
}

/// The body of `PUT /deployments/{environment}/subjects/{subject}`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields, expecting = "a JSON object with `version`")]
#[schema(as = DeploymentRecording, example = json!({"version": 1}))]
struct DeployedBody {
    /// The version the environment now produces with.
    #[schema(value_type = i64)]
    version: Integer,
}

/// The body of `PUT .../retention`.
#[derive(Debug, Deserialize)]
#[serde(
    deny_unknown_fields,
    rename_all = "camelCase",
    expecting = "a JSON object with `retainedFromVersion`"
)]
#[derive(utoipa::ToSchema)]
#[schema(as = RetentionRecording, example = json!({"retainedFromVersion": 1}))]
struct RetentionBody {
    /// The oldest version whose data the environment still keeps.
    #[schema(value_type = i64)]
    retained_from_version: Integer,
}

/// A deployment as answered.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = Deployment)]
struct DeploymentView<'a> {
    /// The subject.
    subject: &'a str,
    /// The environment.
    environment: &'a str,
    /// The version deployed.
    version: i32,
    /// When, in milliseconds since the epoch.
    deployed_at: i64,
}

impl<'a> DeploymentView<'a> {
    fn of(d: &'a Deployment) -> DeploymentView<'a> {
        DeploymentView {
            subject: &d.subject,
            environment: &d.environment,
            version: d.version.0,
            deployed_at: d.deployed_at_ms,
        }
    }
}

/// `PUT /deployments/{environment}/subjects/{subject}`: records what an
/// environment produces with.
#[utoipa::path(
    put,
    path = "/deployments/{environment}/subjects/{subject}",
    tag = "consumers",
    params(("environment" = String, Path, description = "The environment's name", example = "prod"), SubjectPath),
    request_body = DeployedBody,
    responses(
        (status = 200, description = "The deployment", body = DeploymentView),
        (status = 404, description = "40401: no such subject; 40402: no such version", body = ErrorBody),
        (status = 422, description = "422: a body field is missing, of the wrong kind or unknown (named by its path), or an invalid name; 42201: an invalid reader schema; 42208: an invalid subject name", body = ErrorBody),
        BodyErrors,
    ),
)]
async fn deployed(
    State(state): State<AppState>,
    caller: Caller,
    segments: Segments,
    Body(body): Body<DeployedBody>,
) -> ApiResult {
    let environment = name(NameKind::Environment, segments.named("environment"))?;
    let subject = segments.subject()?;
    let version = version("version", body.version.0)?;
    let deployment = state
        .registry()
        .record_deployment(&environment, &subject, version, &caller.actor())
        .await?;
    Ok(ok(&DeploymentView::of(&deployment)))
}

/// What runs in an environment, of the subjects the caller may read.
#[utoipa::path(
    get,
    path = "/deployments/{environment}",
    tag = "consumers",
    params(("environment" = String, Path, description = "The environment's name", example = "prod")),
    responses(
        (status = 200, description = "Its deployments", body = Vec<DeploymentView>),
        (status = 422, description = "422: an invalid environment name", body = ErrorBody),
        Unavailable,
    ),
)]
async fn deployments(
    State(state): State<AppState>,
    caller: Caller,
    segments: Segments,
) -> ApiResult {
    let environment = name(NameKind::Environment, segments.named("environment"))?;
    let mut found = state.registry().deployments(&environment).await?;
    found.retain(|d| caller.may_read(&d.subject));
    let views: Vec<DeploymentView<'_>> = found.iter().map(DeploymentView::of).collect();
    Ok(ok(&views))
}

/// `PUT .../retention`: from which version on an environment keeps data.
#[utoipa::path(
    put,
    path = "/deployments/{environment}/subjects/{subject}/retention",
    tag = "consumers",
    params(("environment" = String, Path, description = "The environment's name", example = "prod"), SubjectPath),
    request_body = RetentionBody,
    responses(
        (status = 200, description = "The retention", body = RetentionView),
        (status = 404, description = "40401: no such subject; 40402: no such version", body = ErrorBody),
        (status = 422, description = "422: a body field is missing, of the wrong kind or unknown (named by its path), or an invalid name; 42201: an invalid reader schema; 42208: an invalid subject name", body = ErrorBody),
        BodyErrors,
    ),
)]
async fn retention(
    State(state): State<AppState>,
    caller: Caller,
    segments: Segments,
    Body(body): Body<RetentionBody>,
) -> ApiResult {
    let environment = name(NameKind::Environment, segments.named("environment"))?;
    let subject = segments.subject()?;
    let from = version("retainedFromVersion", body.retained_from_version.0)?;
    let from = state
        .registry()
        .set_retention(&environment, &subject, from, &caller.actor())
        .await?;
    Ok(ok(&RetentionView {
        subject: subject.as_str(),
        environment: environment.as_str(),
        retained_from_version: from.0,
    }))
}

/// A retention as answered.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = Retention)]
struct RetentionView<'a> {
    /// The subject.
    subject: &'a str,
    /// The environment.
    environment: &'a str,
    /// The oldest version whose data is kept.
    retained_from_version: i32,
}
