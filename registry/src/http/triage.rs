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
//! body is decoded here with serde into typed structs ([`super::body`]:
//! 422 naming the field by its path, never quoting a payload), then into the
//! service's [`TriageRequest`]; the service fetches schemas and judges.

use axum::extract::{FromRequest, Request, State};
use schemas::SchemaType;
use schemas::triage::{Message, MessageReport, Record, Summary, decode_base64, is_envelope};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

use super::auth::require_read;
use super::body::{Array, FieldError, Integer, decode, nullable};
use super::error::{ApiError, ErrorBody};
use super::extract::{parse_json, read_body};
use super::openapi::BodyErrors;
use super::wire::{InvalidReference, posted_reference};
use super::{ApiResult, AppState, ok};
use crate::auth::Caller;
use crate::model::{Subject, VersionSelector};
use crate::service::{
    Error, PostedReference, PostedSchema, ReaderRequest, ReaderSource, TriageMessage, TriageRequest,
};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(triage))
}

/// `POST /triage`.
#[utoipa::path(
    post,
    path = "/triage",
    tag = "triage",
    request_body = TriageBody,
    responses(
        (status = 200, description = "A report per message and the summary, as `charter triage --output json` prints them", body = TriageView),
        (status = 404, description = "40401: no such subject; 40402: no such version", body = ErrorBody),
        (status = 422, description = "422: a body field is missing, of the wrong kind or unknown (named by its path, never quoting a payload), too many messages, or an unusable reader; 42201: an invalid reader schema", body = ErrorBody),
        BodyErrors,
    ),
)]
async fn triage(
    State(state): State<AppState>,
    caller: Caller,
    TriageInput(request): TriageInput,
) -> ApiResult {
    if let Some(subject) = &request.subject {
        tracing::Span::current().record("subject", subject.as_str());
    }
    // Triage reads the consumer's subject and its reader's: both must be
    // readable; what else it finds is narrowed to what the caller may read.
    let reader_subjects: Vec<&str> = match request.reader.as_ref().map(|r| &r.source) {
        None => Vec::new(),
        Some(ReaderSource::Registered { subject, .. }) => vec![subject.as_str()],
        Some(ReaderSource::Posted(posted)) => posted.referenced_subjects().collect(),
    };
    require_read(
        &caller,
        request
            .subject
            .iter()
            .map(Subject::as_str)
            .chain(reader_subjects),
    )?;
    let outcome = state.registry().triage_for(request, &caller).await?;
    Ok(ok(&TriageView {
        messages: &outcome.messages,
        summary: &outcome.summary,
    }))
}

/// The answer: the same document as `charter triage --output json`.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = TriageReport)]
struct TriageView<'a> {
    /// One report per message, in order: its framing, writer, verdict and
    /// the reason.
    #[schema(value_type = Vec<Object>)]
    messages: &'a [MessageReport],
    /// The counts by verdict, schema id and cause.
    #[schema(value_type = Object)]
    summary: &'a Summary,
}

/// Why a triage body cannot be used. Messages name the field
/// (`messages[3].base64`) and never quote a payload.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidTriageBody {
    /// A field of the wrong kind, or one the body does not take.
    #[error("{0}")]
    Field(FieldError),
    /// More messages than one request may carry.
    #[error(
        "the request carries {count} messages, more than the limit of {limit} per request; send them in batches"
    )]
    TooManyMessages {
        /// How many were sent.
        count: usize,
        /// The limit.
        limit: usize,
    },
    /// A message that is none of the accepted shapes.
    #[error("`messages[{index}]` must be {MESSAGE_SHAPES}; it has {found}")]
    MessageShape {
        /// The message's position.
        index: usize,
        /// What it has instead (its keys), never its content.
        found: String,
    },
    /// A `base64` message whose text is not base64.
    #[error(
        "`messages[{index}].base64` must be base64 text (standard or URL-safe alphabet, padding optional)"
    )]
    Base64 {
        /// The message's position.
        index: usize,
    },
    /// A reader that is neither a posted schema nor a registered version.
    #[error("`reader` must be {READER_SHAPES}")]
    Reader,
    /// A reader field of the other kind of reader.
    #[error("`reader.{field}` does not go with `reader.{with}`: a reader is {READER_SHAPES}")]
    ReaderMixes {
        /// The field that does not belong.
        field: &'static str,
        /// The field that says which kind of reader it is.
        with: &'static str,
    },
    /// A posted reader without schema text.
    #[error("`reader.schema` must be a non-empty string holding the schema text")]
    EmptyReaderSchema,
    /// A reference of the posted reader that cannot be used.
    #[error("`reader.schema` cannot be used: {0}")]
    ReaderReference(InvalidReference),
}

const MESSAGE_SHAPES: &str = r#"{"base64": "..."}, {"json": ...} or a dead-letter record {"key": ..., "value": ..., "headers": ...}, each with an optional "label""#;

const READER_SHAPES: &str = "an object with either `schema` (and `schemaType`, `references`, `message`) or `subject` (and `version`, `message`)";

/// A triage request decoded from its body: every field checked, at most
/// `--max-triage-messages` messages.
struct TriageInput(TriageRequest);

impl FromRequest<AppState> for TriageInput {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, ApiError> {
        // Decoding thousands of messages is CPU work: on the schema pool.
        let bytes = read_body(req, state).await?;
        let limit = state.max_triage_messages();
        let decoded = state.registry().work().run(move || {
            let body: Value = parse_json(&bytes)?;
            let body: TriageBody = decode(body).map_err(InvalidTriageBody::Field)?;
            body.into_request(limit)
        });
        decoded.await?.map(TriageInput)
    }
}

/// The body as sent.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields, expecting = "a JSON object")]
#[schema(as = TriageRequest, example = json!({
    "messages": [{"base64": "AAAAAAECYQ==", "label": "offset 12"}],
    "subject": "orders-value",
    "reader": {"subject": "orders-value", "version": "latest"}
}))]
struct TriageBody {
    /// The failed messages: `{"base64": "..."}`, `{"json": ...}` or a
    /// dead-letter record `{"key", "value", "headers"}`, each with an
    /// optional `label`.
    #[schema(value_type = Vec<Object>)]
    messages: Array<MessageBody>,
    /// The subject the consumer reads.
    subject: Option<String>,
    /// Try every subject's versions for unframed messages.
    all_subjects: Option<bool>,
    /// The consumer's reader: `{"schema", "schemaType", "references",
    /// "message"}` or `{"subject", "version", "message"}`.
    #[schema(value_type = Option<Object>)]
    reader: Option<ReaderBody>,
}

/// One message: `{"base64": ...}`, `{"json": ...}` or a dead-letter record
/// (whatever other keys it has), each with an optional `label`.
#[derive(Debug, Deserialize)]
#[serde(expecting = "an object")]
struct MessageBody {
    label: Option<String>,
    base64: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    json: Option<Option<Value>>,
    #[serde(flatten)]
    record: Map<String, Value>,
}

/// The consumer's reader: a schema sent along, or a registered version.
/// Which one it is, is told by `schema` or `subject`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase", expecting = "an object")]
struct ReaderBody {
    schema: Option<String>,
    #[serde(default, deserialize_with = "schema_type")]
    schema_type: Option<SchemaType>,
    references: Option<Array<ReferenceBody>>,
    subject: Option<String>,
    version: Option<VersionText>,
    message: Option<String>,
}

/// One element of `reader.references` (and of the references of Charter's
/// other bodies).
#[derive(Debug, Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "an object with `name`, `subject` and `version`"
)]
pub(super) struct ReferenceBody {
    name: Option<String>,
    subject: Option<String>,
    version: Option<Integer>,
}

impl ReferenceBody {
    /// Every reference of a `references` field (none when absent), each
    /// checked as a schema body's are.
    pub(super) fn posted(
        references: Option<Array<ReferenceBody>>,
    ) -> Result<Vec<PostedReference>, InvalidReference> {
        references
            .map(|refs| refs.0)
            .unwrap_or_default()
            .into_iter()
            .enumerate()
            .map(|(index, r)| posted_reference(index, r.name, r.subject, r.version.map(|v| v.0)))
            .collect()
    }
}

/// `AVRO`, `JSON` or `PROTOBUF`.
pub(super) fn schema_type<'de, D: Deserializer<'de>>(d: D) -> Result<Option<SchemaType>, D::Error> {
    let Some(name) = Option::<String>::deserialize(d)? else {
        return Ok(None);
    };
    name.parse().map(Some).map_err(|_| {
        serde::de::Error::invalid_value(
            serde::de::Unexpected::Str(&name),
            &"AVRO, JSON or PROTOBUF",
        )
    })
}

/// A version as sent, a number or a string (`"latest"`), read as a
/// version path segment is.
#[derive(Debug)]
struct VersionText(String);

impl<'de> Deserialize<'de> for VersionText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Text;

        impl serde::de::Visitor<'_> for Text {
            type Value = VersionText;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a version number or \"latest\"")
            }

            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<VersionText, E> {
                Ok(VersionText(v.to_string()))
            }

            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<VersionText, E> {
                Ok(VersionText(v.to_string()))
            }

            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<VersionText, E> {
                Ok(VersionText(v.to_string()))
            }

            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<VersionText, E> {
                // As JSON spells it (`2.0`), which is not a version.
                Ok(VersionText(
                    serde_json::Number::from_f64(v)
                        .map_or_else(|| v.to_string(), |n| n.to_string()),
                ))
            }
        }

        d.deserialize_any(Text)
    }
}

impl TriageBody {
    /// The request the service takes: at most `limit` messages, each in
    /// one of its shapes.
    fn into_request(self, limit: usize) -> Result<TriageRequest, ApiError> {
        let count = self.messages.0.len();
        if count > limit {
            return Err(InvalidTriageBody::TooManyMessages { count, limit }.into());
        }
        let subject = self.subject.as_deref().map(subject).transpose()?;
        let reader = self.reader.map(ReaderBody::into_reader).transpose()?;
        let messages = self
            .messages
            .0
            .into_iter()
            .enumerate()
            .map(|(index, m)| m.into_message(index))
            .collect::<Result<_, _>>()?;
        Ok(TriageRequest {
            messages,
            subject,
            all_subjects: self.all_subjects.unwrap_or(false),
            reader,
        })
    }
}

/// A subject name, or 42208 as a path segment's.
pub(super) fn subject(name: &str) -> Result<Subject, ApiError> {
    Ok(Subject::parse(name).map_err(Error::from)?)
}

impl MessageBody {
    /// The message, labelled `messages[index]` unless it has its own label.
    fn into_message(self, index: usize) -> Result<TriageMessage, InvalidTriageBody> {
        let MessageBody {
            label,
            base64,
            json,
            record,
        } = self;
        let label = label.unwrap_or_else(|| format!("messages[{index}]"));
        let shape = |keys: Vec<&str>| InvalidTriageBody::MessageShape {
            index,
            found: keys_of(&keys),
        };
        let message = match (base64, json) {
            (Some(encoded), None) if record.is_empty() => {
                Message::Bytes(decode_base64(&encoded).ok_or(InvalidTriageBody::Base64 { index })?)
            }
            (None, Some(json)) if record.is_empty() => Message::Json(json.unwrap_or(Value::Null)),
            (None, None) => {
                let record = Value::Object(record);
                if !is_envelope(&record) {
                    let keys = record.as_object().into_iter().flat_map(Map::keys);
                    return Err(shape(keys.map(String::as_str).collect()));
                }
                match Record::read(record) {
                    Record::Ready(message) => message,
                    // The service frames it once it found the GUID's id.
                    Record::Guid(framed) => {
                        return Ok(TriageMessage {
                            label,
                            message: framed.clone().with_id(None),
                            guid: Some(framed),
                        });
                    }
                }
            }
            (base64, json) => {
                let mut keys: Vec<&str> = Vec::new();
                keys.extend(base64.is_some().then_some("base64"));
                keys.extend(json.is_some().then_some("json"));
                keys.extend(record.keys().map(String::as_str));
                return Err(shape(keys));
            }
        };
        Ok(TriageMessage {
            label,
            message,
            guid: None,
        })
    }
}

/// `the keys `a`, `b`` (names only: values are payload).
fn keys_of(keys: &[&str]) -> String {
    if keys.is_empty() {
        return "no keys".to_string();
    }
    let names: Vec<String> = keys.iter().map(|k| format!("`{k}`")).collect();
    format!("the keys {}", names.join(", "))
}

impl ReaderBody {
    /// The reader the service takes: a posted schema (no `schemaType` means
    /// AVRO) or a registered version (no `version` means the latest).
    fn into_reader(self) -> Result<ReaderRequest, ApiError> {
        let source = match (self.schema, self.subject) {
            (Some(text), None) => {
                if self.version.is_some() {
                    return Err(InvalidTriageBody::ReaderMixes {
                        field: "version",
                        with: "schema",
                    }
                    .into());
                }
                if text.trim().is_empty() {
                    return Err(InvalidTriageBody::EmptyReaderSchema.into());
                }
                let references = ReferenceBody::posted(self.references)
                    .map_err(InvalidTriageBody::ReaderReference)?;
                ReaderSource::Posted(PostedSchema {
                    schema_type: self.schema_type.unwrap_or(SchemaType::Avro),
                    text,
                    references,
                    contract: Box::default(),
                })
            }
            (None, Some(name)) => {
                let mixed = [
                    ("schemaType", self.schema_type.is_some()),
                    ("references", self.references.is_some()),
                ];
                if let Some((field, _)) = mixed.into_iter().find(|(_, given)| *given) {
                    return Err(InvalidTriageBody::ReaderMixes {
                        field,
                        with: "subject",
                    }
                    .into());
                }
                let version = match self.version {
                    None => VersionSelector::Latest,
                    Some(VersionText(text)) => text.parse().map_err(Error::from)?,
                };
                ReaderSource::Registered {
                    subject: subject(&name)?,
                    version,
                }
            }
            _ => return Err(InvalidTriageBody::Reader.into()),
        };
        Ok(ReaderRequest {
            source,
            message: self.message,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The request `body` decodes to, with a limit of 4 messages.
    fn decoded(body: Value) -> Result<TriageRequest, ApiError> {
        let body: TriageBody = decode(body).map_err(InvalidTriageBody::Field)?;
        body.into_request(4)
    }

    /// The status, code and message `body` is refused with.
    fn refused(body: Value) -> (u16, u32, String) {
        let error = decoded(body).expect_err("the request is refused");
        let (status, code) = error.classify();
        (status.as_u16(), code, error.to_string())
    }

    /// `body` is refused 422 with a message holding `expect`.
    fn check(body: Value, expect: &str) {
        check_code(body, 422, expect);
    }

    fn check_code(body: Value, code: u32, expect: &str) {
        let (status, got, message) = refused(body);
        assert!(message.contains(expect), "{message}\n  lacks {expect}");
        assert_eq!((status, got), (422, code), "{message}");
    }

    fn with_reader(reader: Value) -> Value {
        json!({"messages": [], "reader": reader})
    }

    #[test]
    fn messages_take_three_shapes_and_a_label() {
        let request = decoded(json!({"messages": [
            {"base64": "AAAAAAF7fQ"},
            {"json": {"id": 1}, "label": "offset 12"},
            {"key": "k", "value": "AAAAAAF7fQ==", "headers": []},
            {"json": null, "label": null},
        ]}));
        let request = match request {
            Err(e) => panic!("{e}"),
            Ok(request) => request,
        };
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
                ("messages[3]", &Message::Json(Value::Null)),
            ]
        );
    }

    #[test]
    fn bad_messages_are_named_by_index_and_never_quoted() {
        check(
            json!({"messages": [{"json": 1}, {"base64": "***secret***"}]}),
            "`messages[1].base64` must be base64",
        );
        check(
            json!({"messages": [{"id": 1, "total": 2}]}),
            "`messages[0]` must be {\"base64\": \"...\"}, {\"json\": ...} or a dead-letter record",
        );
        check(
            json!({"messages": [{"id": 1, "total": 2}]}),
            "it has the keys `id`, `total`",
        );
        check(
            json!({"messages": ["AAAA"]}),
            "`messages[0]` must be an object; it is a string",
        );
        check(
            json!({"messages": [{"base64": "AA", "json": 1}]}),
            "it has the keys `base64`, `json`",
        );
        check(
            json!({"messages": [{"label": "only a label"}]}),
            "it has no keys",
        );
        check(
            json!({"messages": [{"json": 1, "label": 7}]}),
            "`messages[0].label` must be a string; it is a number",
        );
        check(
            json!({"messages": [{"json": 1}, {"base64": ["secret"]}]}),
            "`messages[1].base64` must be a string; it is an array",
        );
    }

    #[test]
    fn a_wrong_type_at_a_nested_field_is_named_by_its_path_never_its_value() {
        let secret = "SECRET-7f3a";
        let cases = [
            (
                json!({"messages": [{"json": 1}, {"json": 2, "label": {"x": secret}}]}),
                "`messages[1].label` must be a string; it is an object",
            ),
            (
                json!({"messages": [{"base64": 12345}]}),
                "`messages[0].base64` must be a string; it is a number",
            ),
            (
                json!({"messages": [], "all_subjects": secret}),
                "`all_subjects` must be a boolean; it is a string",
            ),
            (
                json!({"messages": [], "subject": [secret]}),
                "`subject` must be a string; it is an array",
            ),
            (
                with_reader(
                    json!({"schema": "{}", "references": [{"name": "a", "version": secret}]}),
                ),
                "`reader.references[0].version` must be an integer; it is a string",
            ),
            (
                with_reader(json!({"schema": "{}", "references": {"name": secret}})),
                "`reader.references` must be an array; it is an object",
            ),
            (
                with_reader(json!({"schema": "{}", "references": [secret]})),
                "`reader.references[0]` must be an object with `name`, `subject` and `version`; it is a string",
            ),
            (
                with_reader(json!({"schema": "{}", "schemaType": secret})),
                "`reader.schemaType` must be AVRO, JSON or PROTOBUF",
            ),
            (
                with_reader(json!({"subject": "s", "version": [secret]})),
                "`reader.version` must be a version number or \"latest\"; it is an array",
            ),
            (
                with_reader(json!({"subject": "s", "message": {"name": secret}})),
                "`reader.message` must be a string; it is an object",
            ),
            (
                with_reader(json!(secret)),
                "`reader` must be an object; it is a string",
            ),
            (
                json!(secret),
                "`the request body` must be a JSON object; it is a string",
            ),
        ];
        for (body, expect) in cases {
            let (status, code, message) = refused(body.clone());
            assert_eq!(message, expect, "{body}");
            assert_eq!((status, code), (422, 422), "{body}");
            assert!(!message.contains(secret), "{message}");
        }
    }

    #[test]
    fn the_request_is_checked_field_by_field() {
        check(
            json!([]),
            "`the request body` must be a JSON object; it is an array",
        );
        check(json!({}), "`messages` is required");
        check(
            json!({"messages": {}}),
            "`messages` must be an array; it is an object",
        );
        check(
            json!({"messages": [], "subjet": "s"}),
            "unknown field `subjet`; expected one of `messages`, `subject`, `all_subjects`, `reader`",
        );
        check(
            json!({"messages": [{}, {}, {}, {}, {}]}),
            "carries 5 messages, more than the limit of 4",
        );
        check(
            with_reader(json!({"schema": "", "schemaType": "JSON"})),
            "`reader.schema` must be a non-empty string",
        );
        check(
            with_reader(json!({"schema": "{}", "subject": "s"})),
            "`reader` must be an object with either",
        );
        check(
            with_reader(json!({})),
            "`reader` must be an object with either",
        );
        check(
            with_reader(json!({"subject": "s", "schemaType": "JSON"})),
            "`reader.schemaType` does not go with `reader.subject`",
        );
        check(
            with_reader(json!({"subject": "s", "references": []})),
            "`reader.references` does not go with `reader.subject`",
        );
        check(
            with_reader(json!({"schema": "{}", "version": 1})),
            "`reader.version` does not go with `reader.schema`",
        );
        check(
            with_reader(json!({"subject": "s", "schemaTyp": "JSON"})),
            "unknown field `reader.schemaTyp`",
        );
        check(
            with_reader(
                json!({"schema": "{}", "references": [{"name": "a", "subject": "b", "version": 1, "extra": 1}]}),
            ),
            "unknown field `reader.references[0].extra`; expected one of `name`, `subject`, `version`",
        );
    }

    #[test]
    fn errors_of_other_layers_keep_their_codes() {
        check_code(
            with_reader(json!({"subject": "s", "version": "two"})),
            42202,
            "'two' is not a valid version",
        );
        check_code(
            with_reader(json!({"subject": "s", "version": 2.0})),
            42202,
            "'2.0' is not a valid version",
        );
        check_code(
            json!({"messages": [], "subject": "__GLOBAL"}),
            42208,
            "__GLOBAL",
        );
        check_code(with_reader(json!({"subject": ""})), 42208, "is not valid");
        check_code(
            with_reader(json!({"schema": "{}", "references": [{"subject": "a", "version": 1}]})),
            42201,
            "`reader.schema` cannot be used: reference #0 lacks its `name`",
        );
        check_code(
            with_reader(
                json!({"schema": "{}", "references": [{"name": "a", "subject": "a", "version": 0}]}),
            ),
            42201,
            "reference #0 has version 0",
        );
    }

    #[test]
    fn readers_are_posted_schemas_or_registered_versions() {
        let request = decoded(
            json!({"messages": [], "subject": "orders-value", "all_subjects": true,
                   "reader": {"subject": "orders-value", "version": 2, "message": "p.Order"}}),
        )
        .unwrap();
        assert!(request.all_subjects);
        assert_eq!(request.subject.unwrap().as_str(), "orders-value");
        let reader = request.reader.unwrap();
        assert_eq!(reader.message.as_deref(), Some("p.Order"));
        assert!(matches!(
            reader.source,
            ReaderSource::Registered { version: VersionSelector::Number(v), .. } if v.0 == 2
        ));
        for (version, expect) in [
            (json!("latest"), VersionSelector::Latest),
            (json!(-1), VersionSelector::Latest),
            (Value::Null, VersionSelector::Latest),
            (
                json!("3"),
                VersionSelector::Number(crate::model::Version(3)),
            ),
        ] {
            let request =
                decoded(with_reader(json!({"subject": "s", "version": version}))).unwrap();
            let ReaderSource::Registered { version, .. } = request.reader.unwrap().source else {
                panic!("a registered reader")
            };
            assert_eq!(version, expect);
        }

        let posted = |reader_body: Value| {
            let request = decoded(with_reader(reader_body)).unwrap();
            match request.reader.unwrap().source {
                ReaderSource::Posted(posted) => posted,
                other => panic!("a posted schema, not {other:?}"),
            }
        };
        let json = posted(json!({"schema": "{}", "schemaType": "JSON",
                   "references": [{"name": "a.json", "subject": "a", "version": 1},
                                  {"name": "b.json", "subject": "b", "version": -1}]}));
        assert_eq!(json.schema_type, SchemaType::Json);
        assert_eq!(
            json.references
                .iter()
                .map(|r| (r.name.as_str(), r.subject.as_str(), r.version))
                .collect::<Vec<_>>(),
            [
                (
                    "a.json",
                    "a",
                    VersionSelector::Number(crate::model::Version(1))
                ),
                ("b.json", "b", VersionSelector::Latest),
            ]
        );
        assert_eq!(
            posted(json!({"schema": "{\"type\": \"string\"}"})).schema_type,
            SchemaType::Avro,
            "no schemaType means AVRO"
        );
        assert_eq!(
            posted(json!({"schema": "{}", "schemaType": null})).schema_type,
            SchemaType::Avro
        );
        assert_eq!(
            posted(json!({"schema": "syntax = \"proto3\";", "schemaType": "PROTOBUF"})).schema_type,
            SchemaType::Protobuf
        );
    }
}
