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

use axum::Router;
use axum::extract::{FromRequest, Request, State};
use axum::routing::{get, put};
use schemas::SchemaType;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::body::{Array, FieldError, Integer, decode};
use super::deploy::{MatrixRowView, ReaderView};
use super::error::ApiError;
use super::extract::{JsonBody, Params, Segments};
use super::triage::{ReferenceBody, schema_type};
use super::wire::InvalidReference;
use super::{ApiResult, AppState, ok};
use crate::auth::Caller;
use crate::model::{Deployment, Name, NameKind, ReaderFilter, ReaderRecord, Version};
use crate::service::{ConsumerStatus, Error, PostedSchema, ReaderInput, ReaderRecording};

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/consumers", get(list))
        .route("/consumers/{consumer}", get(of_consumer))
        .route(
            "/consumers/{consumer}/subjects/{subject}",
            put(record).delete(forget),
        )
        .route("/subjects/{subject}/consumers", get(of_subject))
        .route("/deployments/{environment}", get(deployments))
        .route(
            "/deployments/{environment}/subjects/{subject}",
            put(deployed),
        )
        .route(
            "/deployments/{environment}/subjects/{subject}/retention",
            put(retention),
        )
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
#[derive(Debug, Deserialize)]
#[serde(
    deny_unknown_fields,
    rename_all = "camelCase",
    expecting = "a JSON object"
)]
struct RecordBody {
    environment: Option<String>,
    consumer_version: Option<String>,
    schema: Option<String>,
    #[serde(default, deserialize_with = "schema_type")]
    schema_type: Option<SchemaType>,
    references: Option<Array<ReferenceBody>>,
    version: Option<Integer>,
}

/// A recorded reader as answered.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct RecordView<'a> {
    consumer: &'a str,
    subject: &'a str,
    environment: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    consumer_version: Option<&'a str>,
    reader: ReaderView<'a>,
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
async fn list(State(state): State<AppState>, caller: Caller) -> ApiResult {
    let mut records = state.registry().consumers(&ReaderFilter::default()).await?;
    records.retain(|r| caller.may_read(&r.subject));
    let mut names: Vec<&str> = records.iter().map(|r| r.consumer.as_str()).collect();
    names.dedup();
    Ok(ok(&names))
}

/// A consumer's readers of the subjects the caller may read; an unknown
/// consumer and one that reads only hidden subjects answer the same 404.
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
    Ok(ok(&serde_json::json!({
        "consumer": consumer.as_str(),
        "subject": subject.as_str(),
        "environment": environment.as_str(),
    })))
}

/// A consumer of a subject with what it can read.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct StatusView<'a> {
    #[serde(flatten)]
    record: RecordView<'a>,
    reads_latest: bool,
    reads_deployed: bool,
    matrix: Vec<MatrixRowView<'a>>,
}

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
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, expecting = "a JSON object with `version`")]
struct DeployedBody {
    version: Integer,
}

/// The body of `PUT .../retention`.
#[derive(Debug, Deserialize)]
#[serde(
    deny_unknown_fields,
    rename_all = "camelCase",
    expecting = "a JSON object with `retainedFromVersion`"
)]
struct RetentionBody {
    retained_from_version: Integer,
}

/// A deployment as answered.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct DeploymentView<'a> {
    subject: &'a str,
    environment: &'a str,
    version: i32,
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
    Ok(ok(&serde_json::json!({
        "subject": subject.as_str(),
        "environment": environment.as_str(),
        "retainedFromVersion": from.0,
    })))
}
