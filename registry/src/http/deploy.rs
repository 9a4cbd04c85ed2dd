//! `POST /can-i-deploy`: Charter's own endpoint answering, for one
//! environment, a producer ("can every consumer read data written with this
//! schema?") or a consumer ("can this reader read every version deployed
//! here, from the retained one on, and the latest?").
//!
//! ```text
//! {"subject": S, "schema": "...", "schemaType": "JSON", "references": [...], "environment": "prod"}
//! {"consumer": C, "subject": S, "reader": {"schema": ...} | {"version": N}, "environment": "prod"}
//! => {"ok": bool, "matrix": [{"consumer", "environment", "consumerVersion",
//!      "writer": {"version": N} | {"candidate": true}, "compatible", "changes": [...]}]}
//! ```

use axum::extract::State;
use schemas::{Change, SchemaType};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::auth::require_read;
use super::body::Array;
use super::consumers::{Body, InvalidConsumerBody, ReaderFields, environment, name};
use super::error::ErrorBody;
use super::openapi::BodyErrors;
use super::triage::{ReferenceBody, schema_type, subject};
use super::wire::{ReferenceView, references};
use super::{ApiResult, AppState, ok};
use crate::auth::Caller;
use crate::model::{NameKind, StoredReader};
use crate::service::{DeployQuestion, MatrixRow, ReaderInput, WriterRef};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(can_i_deploy))
}

/// The body as sent: a producer's question (`subject`, `schema`,
/// `schemaType`, `references`, `environment`) or a consumer's (`consumer`,
/// `subject`, `reader`, `environment`, `consumerVersion`).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(
    deny_unknown_fields,
    rename_all = "camelCase",
    expecting = "a JSON object"
)]
#[schema(as = DeployQuestion, example = json!({
    "consumer": "fulfillment",
    "subject": "orders-value",
    "reader": {"version": 1},
    "environment": "prod"
}))]
struct QuestionBody {
    /// The subject.
    subject: String,
    /// The environment; absent: `default`.
    environment: Option<String>,
    /// A consumer's question: the consumer.
    consumer: Option<String>,
    /// A consumer's question: its own version.
    consumer_version: Option<String>,
    /// A producer's question: the schema it would write with.
    schema: Option<String>,
    /// `AVRO` (when absent), `JSON` or `PROTOBUF`.
    #[serde(default, deserialize_with = "schema_type")]
    #[schema(value_type = Option<String>)]
    schema_type: Option<SchemaType>,
    /// The schemas `schema` imports.
    #[schema(value_type = Option<Vec<crate::http::wire::ReferenceBody>>)]
    references: Option<Array<ReferenceBody>>,
    /// A consumer's question: the reader, `{"schema", "schemaType",
    /// "references"}` or `{"version"}`.
    #[schema(value_type = Option<Object>)]
    reader: Option<ReaderFields>,
}

impl QuestionBody {
    fn into_question(self) -> Result<DeployQuestion, super::error::ApiError> {
        let subject = subject(&self.subject)?;
        let environment = environment(self.environment.as_deref())?;
        match (self.consumer, self.reader) {
            (Some(consumer), Some(reader))
                if self.schema.is_none()
                    && self.schema_type.is_none()
                    && self.references.is_none() =>
            {
                Ok(DeployQuestion::Consumer {
                    consumer: name(NameKind::Consumer, &consumer)?,
                    subject,
                    reader: reader.into_reader("reader.")?,
                    environment,
                    consumer_version: self.consumer_version,
                })
            }
            (None, None) if self.consumer_version.is_none() && self.schema.is_some() => {
                let fields = ReaderFields {
                    schema: self.schema,
                    schema_type: self.schema_type,
                    references: self.references,
                    version: None,
                };
                let ReaderInput::Posted(schema) = fields.into_reader("")? else {
                    return Err(InvalidConsumerBody::Question.into());
                };
                Ok(DeployQuestion::Producer {
                    subject,
                    schema,
                    environment,
                })
            }
            _ => Err(InvalidConsumerBody::Question.into()),
        }
    }
}

/// The answer for a caller that may read the subject the body names and
/// those its posted schema references (the matrix names consumers and
/// versions); others are refused before anything is looked up, so the
/// refusal says nothing of what exists.
#[utoipa::path(
    post,
    path = "/can-i-deploy",
    tag = "deploy",
    request_body = QuestionBody,
    responses(
        (status = 200, description = "Whether every pair reads, and the matrix of pairs", body = AnswerView),
        (status = 404, description = "40401: no such subject; 40402: no such version", body = ErrorBody),
        (status = 422, description = "422: a body field is missing, of the wrong kind or unknown, or an invalid name; 42201: an invalid schema; 42208: an invalid subject name", body = ErrorBody),
        BodyErrors,
    ),
)]
async fn can_i_deploy(
    State(state): State<AppState>,
    caller: Caller,
    Body(body): Body<QuestionBody>,
) -> ApiResult {
    tracing::Span::current().record("subject", body.subject.as_str());
    let question = body.into_question()?;
    let (subject, posted) = match &question {
        DeployQuestion::Producer {
            subject, schema, ..
        } => (subject, Some(schema)),
        DeployQuestion::Consumer {
            subject, reader, ..
        } => match reader {
            ReaderInput::Posted(schema) => (subject, Some(schema)),
            ReaderInput::Version(_) => (subject, None),
        },
    };
    require_read(
        &caller,
        std::iter::once(subject.as_str())
            .chain(posted.into_iter().flat_map(|s| s.referenced_subjects())),
    )?;
    let answer = state.registry().can_i_deploy(question).await?;
    Ok(ok(&AnswerView {
        ok: answer.ok,
        matrix: answer.matrix.iter().map(MatrixRowView::of).collect(),
    }))
}

/// The answer of can-i-deploy.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = DeployAnswer)]
struct AnswerView<'a> {
    /// Whether every pair reads.
    ok: bool,
    /// Each consumer and writer.
    matrix: Vec<MatrixRowView<'a>>,
}

/// A reader as answered: `{"schemaType", "schema", "references"}` or
/// `{"version"}`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(untagged)]
#[schema(as = Reader)]
pub(super) enum ReaderView<'a> {
    /// A reader schema.
    Schema {
        /// `AVRO`, `JSON` or `PROTOBUF`.
        #[serde(rename = "schemaType")]
        schema_type: &'static str,
        /// Its text.
        schema: &'a str,
        /// The schemas it imports.
        #[serde(skip_serializing_if = "Vec::is_empty")]
        references: Vec<ReferenceView<'a>>,
    },
    /// A registered version of the subject.
    Version {
        /// The version.
        version: i32,
    },
}

impl<'a> ReaderView<'a> {
    pub(super) fn of(reader: &'a StoredReader) -> ReaderView<'a> {
        match reader {
            StoredReader::Schema {
                schema_type,
                text,
                references: refs,
            } => ReaderView::Schema {
                schema_type: schema_type.as_str(),
                schema: text,
                references: references(refs),
            },
            StoredReader::Version { version, .. } => ReaderView::Version { version: version.0 },
        }
    }
}

/// One row of a matrix: a consumer reading one writer's data.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = MatrixRow)]
pub(super) struct MatrixRowView<'a> {
    /// The consumer.
    consumer: &'a str,
    /// Where it runs.
    environment: &'a str,
    /// Its own version.
    #[serde(skip_serializing_if = "Option::is_none")]
    consumer_version: Option<&'a str>,
    /// The writer: `{"version": N}` or `{"candidate": true}`.
    #[schema(value_type = Object)]
    writer: Value,
    /// Whether it reads that writer's data.
    compatible: bool,
    /// The changes that break it.
    changes: Vec<ChangeView<'a>>,
}

impl<'a> MatrixRowView<'a> {
    pub(super) fn of(row: &'a MatrixRow) -> MatrixRowView<'a> {
        MatrixRowView {
            consumer: &row.consumer,
            environment: &row.environment,
            consumer_version: row.consumer_version.as_deref(),
            writer: match row.writer {
                WriterRef::Version(v) => serde_json::json!({"version": v.0}),
                WriterRef::Candidate => serde_json::json!({"candidate": true}),
            },
            compatible: row.compatible,
            changes: row.changes.iter().map(ChangeView::of).collect(),
        }
    }
}

/// A change that breaks a reader, with its example document.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = BreakingChange)]
pub(super) struct ChangeView<'a> {
    /// The kind of change.
    kind: &'static str,
    /// Where, as a JSON pointer into the schema.
    path: &'a str,
    /// What changed, for people.
    message: &'a str,
    /// A document the writer accepts and the reader rejects.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<serde_json::Value>)]
    example: Option<&'a Value>,
}

impl<'a> ChangeView<'a> {
    fn of(change: &'a Change) -> ChangeView<'a> {
        ChangeView {
            kind: change.kind.name(),
            path: &change.path,
            message: &change.message,
            example: change.example.as_ref(),
        }
    }
}
