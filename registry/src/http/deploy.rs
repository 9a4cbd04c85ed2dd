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

use axum::Router;
use axum::extract::State;
use axum::routing::post;
use schemas::{Change, SchemaType};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::auth::require_read;
use super::body::Array;
use super::consumers::{Body, InvalidConsumerBody, ReaderFields, environment, name};
use super::triage::{ReferenceBody, schema_type, subject};
use super::wire::{ReferenceView, references};
use super::{ApiResult, AppState, ok};
use crate::auth::Caller;
use crate::model::{NameKind, StoredReader};
use crate::service::{DeployQuestion, MatrixRow, ReaderInput, WriterRef};

pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/can-i-deploy", post(can_i_deploy))
}

/// The body as sent: a producer's question or a consumer's.
#[derive(Debug, Deserialize)]
#[serde(
    deny_unknown_fields,
    rename_all = "camelCase",
    expecting = "a JSON object"
)]
struct QuestionBody {
    subject: String,
    environment: Option<String>,
    consumer: Option<String>,
    consumer_version: Option<String>,
    schema: Option<String>,
    #[serde(default, deserialize_with = "schema_type")]
    schema_type: Option<SchemaType>,
    references: Option<Array<ReferenceBody>>,
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

#[derive(Debug, Serialize)]
struct AnswerView<'a> {
    ok: bool,
    matrix: Vec<MatrixRowView<'a>>,
}

/// A reader as answered: `{"schemaType", "schema", "references"}` or
/// `{"version"}`.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub(super) enum ReaderView<'a> {
    Schema {
        #[serde(rename = "schemaType")]
        schema_type: &'static str,
        schema: &'a str,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        references: Vec<ReferenceView<'a>>,
    },
    Version {
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
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct MatrixRowView<'a> {
    consumer: &'a str,
    environment: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    consumer_version: Option<&'a str>,
    writer: Value,
    compatible: bool,
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
#[derive(Debug, Serialize)]
pub(super) struct ChangeView<'a> {
    kind: &'static str,
    path: &'a str,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
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
