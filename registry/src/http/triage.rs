//! `POST /triage`: Charter's own endpoint for dead-letter consumers. Which
//! contract wrote each failed message, and exactly why it does not read.
//!
//! ```text
//! {"messages": [{"base64": "AAAAAAF7..."}, {"json": {...}, "label": "offset 12"},
//!               {"key": ..., "value": ..., "headers": ...}],
//!  "subject": "orders-value", "all_subjects": false,
//!  "reader": {"subject": "orders-value", "version": 2}
//!         | {"schema": "...", "schemaType": "AVRO", "references": [...], "message": "pkg.Msg"}}
//! ```
//!
//! The answer is `{"messages": [MessageReport...], "summary": Summary}`, the
//! core's report exactly as `charter triage --output json` prints it. The
//! body is checked field by field here (422 naming the field, never quoting
//! a payload); the service fetches schemas and judges.

use axum::Router;
use axum::extract::State;
use axum::routing::post;
use schemas::json::kind_of;
use schemas::triage::{Message, MessageReport, Summary, decode_base64, is_envelope};
use serde::Serialize;
use serde_json::{Map, Value};

use super::extract::JsonBody;
use super::{ApiResult, AppState, ok};
use crate::model::{Subject, VersionSelector};
use crate::service::{
    Error, InvalidTriage, ReaderRequest, ReaderSource, ReferenceRequest, SchemaRequest,
    TriageMessage, TriageRequest,
};

pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/triage", post(triage))
}

async fn triage(State(state): State<AppState>, JsonBody(body): JsonBody<Value>) -> ApiResult {
    let request = triage_request(body, state.max_triage_messages())?;
    if let Some(subject) = &request.subject {
        tracing::Span::current().record("subject", subject.as_str());
    }
    let outcome = state.registry().triage(request).await?;
    Ok(ok(&TriageView {
        messages: &outcome.messages,
        summary: &outcome.summary,
    }))
}

/// The answer: the same document as `charter triage --output json`.
#[derive(Serialize)]
struct TriageView<'a> {
    messages: &'a [MessageReport],
    summary: &'a Summary,
}

const TOP_FIELDS: &str = "`messages`, `subject`, `all_subjects`, `reader`";
const SCHEMA_READER_FIELDS: &str = "`schema`, `schemaType`, `references`, `message`";
const REGISTERED_READER_FIELDS: &str = "`subject`, `version`, `message`";
const REFERENCE_FIELDS: &str = "`name`, `subject`, `version`";

fn field(field: impl Into<String>, expected: &'static str) -> Error {
    InvalidTriage::Field {
        field: field.into(),
        expected,
    }
    .into()
}

fn unknown(field: String, expected: &'static str) -> Error {
    InvalidTriage::UnknownField { field, expected }.into()
}

/// Refuses any key of `object` outside `allowed`, naming it under `at`.
fn only(
    object: &Map<String, Value>,
    at: &str,
    allowed: &[&str],
    names: &'static str,
) -> Result<(), Error> {
    match object.keys().find(|k| !allowed.contains(&k.as_str())) {
        Some(key) => Err(unknown(format!("{at}{key}"), names)),
        None => Ok(()),
    }
}

/// An optional string field.
fn text(object: &mut Map<String, Value>, key: &str, at: &str) -> Result<Option<String>, Error> {
    match object.remove(key) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(field(format!("{at}{key}"), "a string")),
    }
}

/// The request the service takes, from the body as sent: every field
/// checked, at most `limit` messages.
fn triage_request(body: Value, limit: usize) -> Result<TriageRequest, Error> {
    let Value::Object(mut body) = body else {
        return Err(field("the request body", "a JSON object"));
    };
    only(
        &body,
        "",
        &["messages", "subject", "all_subjects", "reader"],
        TOP_FIELDS,
    )?;
    let messages = match body.remove("messages") {
        Some(Value::Array(messages)) => messages,
        _ => return Err(field("messages", "an array of messages")),
    };
    if messages.len() > limit {
        return Err(InvalidTriage::TooManyMessages {
            count: messages.len(),
            limit,
        }
        .into());
    }
    let subject = text(&mut body, "subject", "")?
        .map(|s| Subject::parse(&s))
        .transpose()?;
    let all_subjects = match body.remove("all_subjects") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => b,
        Some(_) => return Err(field("all_subjects", "true or false")),
    };
    let reader = match body.remove("reader") {
        None | Some(Value::Null) => None,
        Some(reader) => Some(reader_request(reader)?),
    };
    let messages = messages
        .into_iter()
        .enumerate()
        .map(|(index, m)| message(index, m))
        .collect::<Result<_, _>>()?;
    Ok(TriageRequest {
        messages,
        subject,
        all_subjects,
        reader,
    })
}

/// One message: `{"base64": ...}`, `{"json": ...}` or a dead-letter record,
/// each with an optional `label`.
fn message(index: usize, message: Value) -> Result<TriageMessage, Error> {
    let at = format!("messages[{index}].");
    let Value::Object(mut fields) = message else {
        return Err(InvalidTriage::MessageShape {
            index,
            found: kind_of(&message).to_string(),
        }
        .into());
    };
    let label = text(&mut fields, "label", &at)?.unwrap_or_else(|| format!("messages[{index}]"));
    let keys: Vec<&str> = fields.keys().map(String::as_str).collect();
    let message = match keys.as_slice() {
        ["base64"] => match fields.remove("base64") {
            Some(Value::String(encoded)) => {
                Message::Bytes(decode_base64(&encoded).ok_or_else(|| {
                    field(
                        format!("{at}base64"),
                        "base64 text (standard or URL-safe alphabet, padding optional)",
                    )
                })?)
            }
            _ => return Err(field(format!("{at}base64"), "a string of base64 text")),
        },
        ["json"] => Message::Json(fields.remove("json").unwrap_or(Value::Null)),
        _ => {
            let record = Value::Object(fields);
            if !is_envelope(&record) {
                let Value::Object(fields) = record else {
                    unreachable!("built as an object")
                };
                return Err(InvalidTriage::MessageShape {
                    index,
                    found: keys_of(&fields),
                }
                .into());
            }
            Message::from_record(record)
        }
    };
    Ok(TriageMessage { label, message })
}

/// `the keys `a`, `b`` (names only: values are payload).
fn keys_of(fields: &Map<String, Value>) -> String {
    if fields.is_empty() {
        return "no keys".to_string();
    }
    let names: Vec<String> = fields.keys().map(|k| format!("`{k}`")).collect();
    format!("the keys {}", names.join(", "))
}

/// The consumer's reader: a schema sent along, or a registered version.
fn reader_request(reader: Value) -> Result<ReaderRequest, Error> {
    const EXPECTED: &str = "an object with either `schema` (and `schemaType`, `references`, `message`) or `subject` (and `version`, `message`)";
    let Value::Object(mut reader) = reader else {
        return Err(field("reader", EXPECTED));
    };
    let message = text(&mut reader, "message", "reader.")?;
    let source = match (
        reader.contains_key("schema"),
        reader.contains_key("subject"),
    ) {
        (true, false) => {
            only(
                &reader,
                "reader.",
                &["schema", "schemaType", "references"],
                SCHEMA_READER_FIELDS,
            )?;
            let schema = text(&mut reader, "schema", "reader.")?
                .filter(|s| !s.trim().is_empty())
                .ok_or_else(|| {
                    field(
                        "reader.schema",
                        "a non-empty string holding the schema text",
                    )
                })?;
            let schema_type = text(&mut reader, "schemaType", "reader.")?;
            if let Some(t) = &schema_type {
                if t.parse::<schemas::SchemaType>().is_err() {
                    return Err(field("reader.schemaType", "AVRO, JSON or PROTOBUF"));
                }
            }
            let references = match reader.remove("references") {
                None | Some(Value::Null) => Vec::new(),
                Some(Value::Array(refs)) => refs
                    .into_iter()
                    .enumerate()
                    .map(|(i, r)| reference(i, r))
                    .collect::<Result<_, _>>()?,
                Some(_) => return Err(field("reader.references", "an array of references")),
            };
            ReaderSource::Posted(SchemaRequest {
                schema,
                schema_type,
                references,
                ..SchemaRequest::default()
            })
        }
        (false, true) => {
            only(
                &reader,
                "reader.",
                &["subject", "version"],
                REGISTERED_READER_FIELDS,
            )?;
            let subject = text(&mut reader, "subject", "reader.")?.unwrap_or_default();
            let subject = Subject::parse(&subject)?;
            let version = match reader.remove("version") {
                None | Some(Value::Null) => VersionSelector::Latest,
                Some(Value::String(v)) => v.parse()?,
                Some(Value::Number(n)) => n.to_string().parse()?,
                Some(_) => return Err(field("reader.version", "a version number or \"latest\"")),
            };
            ReaderSource::Registered { subject, version }
        }
        _ => return Err(field("reader", EXPECTED)),
    };
    Ok(ReaderRequest { source, message })
}

/// One element of `reader.references`.
fn reference(index: usize, reference: Value) -> Result<ReferenceRequest, Error> {
    let at = format!("reader.references[{index}].");
    let Value::Object(mut fields) = reference else {
        return Err(field(
            format!("reader.references[{index}]"),
            "an object with `name`, `subject` and `version`",
        ));
    };
    only(
        &fields,
        &at,
        &["name", "subject", "version"],
        REFERENCE_FIELDS,
    )?;
    let version = match fields.remove("version") {
        None | Some(Value::Null) => None,
        Some(Value::Number(n)) if n.is_i64() => n.as_i64(),
        Some(_) => return Err(field(format!("{at}version"), "an integer")),
    };
    Ok(ReferenceRequest {
        name: text(&mut fields, "name", &at)?,
        subject: text(&mut fields, "subject", &at)?,
        version,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The error message for `body`, which must be refused.
    fn refused(body: Value) -> String {
        triage_request(body, 3)
            .expect_err("the request is refused")
            .to_string()
    }

    fn check(body: Value, expect: &str) {
        let message = refused(body);
        assert!(message.contains(expect), "{message}\n  lacks {expect}");
    }

    #[test]
    fn messages_take_three_shapes_and_a_label() {
        let request = triage_request(
            json!({"messages": [
                {"base64": "AAAAAAF7fQ"},
                {"json": {"id": 1}, "label": "offset 12"},
                {"key": "k", "value": "AAAAAAF7fQ==", "headers": []},
            ]}),
            3,
        )
        .unwrap();
        let got: Vec<(&str, &Message)> = request
            .messages
            .iter()
            .map(|m| (m.label.as_str(), &m.message))
            .collect();
        let framed = Message::Bytes(vec![0, 0, 0, 0, 1, b'{', b'}']);
        assert_eq!(
            got,
            [
                ("messages[0]", &framed),
                ("offset 12", &Message::Json(json!({"id": 1}))),
                ("messages[2]", &framed),
            ]
        );
    }

    #[test]
    fn bad_messages_are_named_by_index_and_never_quoted() {
        check(
            json!({"messages": [{"json": 1}, {"base64": "***secret***"}]}),
            "`messages[1].base64` must be base64",
        );
        let message = refused(json!({"messages": [{"base64": "***secret***"}]}));
        assert!(!message.contains("secret"), "{message}");
        check(
            json!({"messages": [{"id": 1, "total": 2}]}),
            "it has the keys `id`, `total`",
        );
        check(json!({"messages": ["AAAA"]}), "it has a string");
        check(
            json!({"messages": [{"base64": "AA", "json": 1}]}),
            "`messages[0]` must be",
        );
        check(
            json!({"messages": [{"json": 1, "label": 7}]}),
            "`messages[0].label` must be a string",
        );
    }

    #[test]
    fn the_request_is_checked_field_by_field() {
        check(json!([]), "`the request body` must be a JSON object");
        check(json!({}), "`messages` must be an array");
        check(
            json!({"messages": [], "subjet": "s"}),
            "unknown field `subjet`",
        );
        check(
            json!({"messages": [{}, {}, {}, {}]}),
            "carries 4 messages, more than the limit of 3",
        );
        check(
            json!({"messages": [], "all_subjects": "yes"}),
            "`all_subjects` must be true or false",
        );
        check(
            json!({"messages": [], "reader": {"schema": "{}", "schemaType": "XML"}}),
            "`reader.schemaType` must be AVRO, JSON or PROTOBUF",
        );
        check(
            json!({"messages": [], "reader": {"schema": "", "schemaType": "JSON"}}),
            "`reader.schema` must be a non-empty string",
        );
        check(
            json!({"messages": [], "reader": {"schema": "{}", "subject": "s"}}),
            "`reader` must be an object with either",
        );
        check(
            json!({"messages": [], "reader": {"subject": "s", "version": "two"}}),
            "'two' is not a valid version",
        );
        check(
            json!({"messages": [], "reader": {"schema": "{}", "references": [{"name": "a", "version": "1"}]}}),
            "`reader.references[0].version` must be an integer",
        );
        check(
            json!({"messages": [], "reader": {"subject": "s", "schemaType": "JSON"}}),
            "unknown field `reader.schemaType`",
        );
    }

    #[test]
    fn readers_are_posted_schemas_or_registered_versions() {
        let request = triage_request(
            json!({"messages": [], "subject": "orders-value", "all_subjects": true,
                   "reader": {"subject": "orders-value", "version": 2, "message": "p.Order"}}),
            3,
        )
        .unwrap();
        assert!(request.all_subjects);
        let reader = request.reader.unwrap();
        assert_eq!(reader.message.as_deref(), Some("p.Order"));
        assert!(matches!(
            reader.source,
            ReaderSource::Registered { version: VersionSelector::Number(v), .. } if v.0 == 2
        ));
        let request = triage_request(
            json!({"messages": [], "reader": {"schema": "{}", "schemaType": "JSON",
                   "references": [{"name": "a.json", "subject": "a", "version": 1}]}}),
            3,
        )
        .unwrap();
        let ReaderSource::Posted(posted) = request.reader.unwrap().source else {
            panic!("a posted schema")
        };
        assert_eq!(posted.schema_type.as_deref(), Some("JSON"));
        assert_eq!(posted.references[0].version, Some(1));
    }
}
