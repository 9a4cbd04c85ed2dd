//! The API's OpenAPI 3.1 document, served at `GET /openapi.json`.
//!
//! It is generated, never written by hand: each handler carries a
//! `#[utoipa::path]` annotation (its parameters and every status it
//! answers), the wire types derive `ToSchema`, and the router registers
//! handlers through `utoipa_axum::routes!`, which routes a handler and
//! documents it in one step, so a served route cannot go undocumented. This
//! module adds what every operation shares: the security schemes, the
//! statuses the layers answer before or around a handler (401 and 403 from
//! the auth table [`super::auth::required`], 431 and 500), and the error
//! body. `registry/openapi.json` is the same document checked in; a test
//! fails when the two differ (`CHARTER_BLESS=1` rewrites the file).

use std::sync::OnceLock;

use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response as HttpResponse};
use bytes::Bytes;
use utoipa::openapi::path::Operation;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{Content, OpenApi, Ref, RefOr, Response, ResponseBuilder, Responses};
use utoipa::{IntoParams, IntoResponses};

use super::auth::{Required, Route, required};
use super::error::ErrorBody;

/// The document's fixed parts; the paths come from the router.
#[derive(utoipa::OpenApi)]
#[openapi(
    info(
        title = "Charter schema registry",
        description = "A schema registry that speaks Confluent Schema Registry's REST API \
            (subjects, schemas, compatibility, config, mode) and Charter's own: triage of \
            failed messages, consumers and deployments, can-i-deploy, the audit trail and \
            permissions. Every error answers `{\"error_code\": N, \"message\": \"...\"}`.",
        license(name = "Apache-2.0", identifier = "Apache-2.0"),
    ),
    components(schemas(ErrorBody)),
    tags(
        (name = "schemas", description = "Schemas by global id and GUID"),
        (name = "subjects", description = "Subjects, versions, registration and lookup"),
        (name = "compatibility", description = "Would a schema be accepted"),
        (name = "config", description = "Compatibility settings"),
        (name = "mode", description = "READWRITE, READONLY, IMPORT"),
        (name = "server", description = "The server's own resources and metadata"),
        (name = "associations", description = "Confluent 8.2+ associations: which subject holds the schemas of a topic's keys or values"),
        (name = "triage", description = "Charter: why messages fail to deserialize"),
        (name = "consumers", description = "Charter: consumers, deployments and retention"),
        (name = "deploy", description = "Charter: can-i-deploy"),
        (name = "audit", description = "Charter: the audit trail and permissions"),
        (name = "operations", description = "Health, metrics, this document, the web page"),
    )
)]
struct Fixed;

/// The fixed parts of the document, before the router adds its paths.
pub(super) fn base() -> OpenApi {
    <Fixed as utoipa::OpenApi>::openapi()
}

/// The document as served and checked in: pretty JSON with a final newline.
pub fn render(doc: &OpenApi) -> String {
    let mut text = doc
        .to_pretty_json()
        .expect("an OpenAPI document serializes");
    text.push('\n');
    text
}

/// `GET /openapi.json`: this document.
#[utoipa::path(
    get,
    path = "/openapi.json",
    tag = "operations",
    responses((
        status = 200,
        description = "The API's OpenAPI 3.1 document",
        content_type = "application/json",
        body = Object,
    )),
)]
pub(super) async fn document() -> HttpResponse {
    static DOCUMENT: OnceLock<Bytes> = OnceLock::new();
    let body = DOCUMENT.get_or_init(|| Bytes::from(render(&super::openapi())));
    ([(CONTENT_TYPE, "application/json")], body.clone()).into_response()
}

/// The document with what every operation shares added: security schemes
/// and the statuses the layers answer.
pub(super) fn finish(mut doc: OpenApi) -> OpenApi {
    let components = doc.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        "basic",
        SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Basic).build()),
    );
    components.add_security_scheme(
        "bearer",
        SecurityScheme::Http(
            HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .bearer_format("JWT")
                .build(),
        ),
    );
    let mut ids = std::collections::HashSet::new();
    for (path, item) in doc.paths.paths.iter_mut() {
        let route = Route::of(path);
        for (method, operation) in operations(item) {
            let needs = route.map(|r| required(r, &method, Some("s"), Some("1"), None));
            shared_responses(operation, needs.as_ref());
            if path.contains("{subject}") {
                names_a_subject(operation);
            }
            qualify_operation_id(operation, &method, &mut ids);
            if route != Some(Route::OpenApi) {
                in_registry_media_type(operation);
            }
        }
    }
    doc
}

fn operations(
    item: &mut utoipa::openapi::PathItem,
) -> impl Iterator<Item = (axum::http::Method, &mut Operation)> {
    use axum::http::Method;
    [
        (Method::GET, item.get.as_mut()),
        (Method::PUT, item.put.as_mut()),
        (Method::POST, item.post.as_mut()),
        (Method::DELETE, item.delete.as_mut()),
        (Method::HEAD, item.head.as_mut()),
        (Method::PATCH, item.patch.as_mut()),
    ]
    .into_iter()
    .filter_map(|(method, operation)| operation.map(|o| (method, o)))
}

fn error_response(description: &str) -> Response {
    ResponseBuilder::new()
        .description(description)
        .content(
            super::SCHEMA_REGISTRY_V1,
            Content::new(Some(RefOr::Ref(Ref::from_schema_name("ErrorBody")))),
        )
        .build()
}

/// A `{subject}` in the path can be an invalid name: 422 with 42208.
fn names_a_subject(operation: &mut Operation) {
    const INVALID: &str = "42208: an invalid subject name";
    match operation.responses.responses.get_mut("422") {
        Some(RefOr::T(response)) if !response.description.contains("42208") => {
            response.description = format!("{}; {INVALID}", response.description);
        }
        Some(_) => {}
        None => {
            operation
                .responses
                .responses
                .insert("422".to_string(), RefOr::T(error_response(INVALID)));
        }
    }
}

/// Operation ids are the handlers' names, which repeat across resources
/// (`list`): each is prefixed with its tag, the resource (`subjects_list`),
/// and a handler serving several methods has the method after it for all
/// but the first (`server_root_post`). `seen` holds the ids given so far.
fn qualify_operation_id(
    operation: &mut Operation,
    method: &axum::http::Method,
    seen: &mut std::collections::HashSet<String>,
) {
    let tag = operation.tags.as_ref().and_then(|t| t.first()).cloned();
    if let (Some(tag), Some(id)) = (tag, operation.operation_id.as_mut()) {
        *id = format!("{tag}_{id}");
        if !seen.insert(id.clone()) {
            *id = format!("{id}_{}", method.as_str().to_ascii_lowercase());
            seen.insert(id.clone());
        }
    }
}

/// JSON answers are in the registry's media type (as [`super::json`]
/// writes them); the annotations leave utoipa's defaults for short.
fn in_registry_media_type(operation: &mut Operation) {
    for response in operation.responses.responses.values_mut() {
        if let RefOr::T(response) = response {
            // utoipa gives a bare number `text/plain`; the API answers it
            // as JSON like everything else.
            for short in ["application/json", "text/plain"] {
                if let Some(content) = response.content.shift_remove(short) {
                    response
                        .content
                        .insert(super::SCHEMA_REGISTRY_V1.to_string(), content);
                }
            }
        }
    }
}

/// Adds the statuses the layers around `operation`'s handler answer, and
/// its security requirements, from what the auth table says it `needs`.
fn shared_responses(operation: &mut Operation, needs: Option<&Required>) {
    let responses: &mut Responses = &mut operation.responses;
    let mut add = |status: &str, response: Response| {
        responses
            .responses
            .entry(status.to_string())
            .or_insert(RefOr::T(response));
    };
    let open = matches!(needs, None | Some(Required::Nothing));
    if !open {
        add(
            "401",
            error_response(
                "40101: credentials are missing or not accepted (only when the registry \
                 runs with an auth file; with `WWW-Authenticate`)",
            ),
        );
        if !matches!(needs, Some(Required::Metrics | Required::Caller)) {
            add(
                "403",
                error_response("40301: the principal lacks the permission this request needs"),
            );
        }
    }
    add(
        "431",
        ResponseBuilder::new()
            .description("The request's header is too large (answered by the HTTP layer, no body)")
            .build(),
    );
    add(
        "500",
        error_response("A server error; the body is generic and the details are in the log"),
    );
    let mut security = vec![
        SecurityRequirement::new("basic", Vec::<String>::new()),
        SecurityRequirement::new("bearer", Vec::<String>::new()),
    ];
    // Without an auth file, or where nothing is needed, no credentials.
    security.insert(0, SecurityRequirement::default());
    if !open {
        operation.security = Some(security);
    }
}

/// `503` with `Retry-After`: the store is unavailable (50301) or the
/// schema work queue is full (50302).
#[derive(IntoResponses)]
#[response(
    status = 503,
    description = "50301: the database is unavailable; 50302: the schema work queue is full. \
        Retry after the seconds `Retry-After` gives.",
    content_type = "application/vnd.schemaregistry.v1+json",
    headers(("Retry-After" = u32, description = "Seconds to wait before retrying")),
)]
#[allow(dead_code)] // a description: never built
pub(super) struct Unavailable(ErrorBody);

/// What reading a JSON request body can answer: 400 (not JSON), 408 (not
/// read in time), 413 (too large), 415 (not a JSON media type), and 503.
#[derive(IntoResponses)]
#[allow(dead_code)] // a description: never built
pub(super) enum BodyErrors {
    /// 400.
    #[response(
        status = 400,
        description = "400: the body is not JSON, or of the wrong shape; or a query \
            parameter or path segment is malformed",
        content_type = "application/vnd.schemaregistry.v1+json"
    )]
    Malformed(ErrorBody),
    /// 408.
    #[response(
        status = 408,
        description = "408: the body did not arrive within `--body-read-timeout`",
        content_type = "application/vnd.schemaregistry.v1+json"
    )]
    Timeout(ErrorBody),
    /// 413.
    #[response(
        status = 413,
        description = "413: the body is larger than `--max-body-bytes`",
        content_type = "application/vnd.schemaregistry.v1+json"
    )]
    TooLarge(ErrorBody),
    /// 415.
    #[response(
        status = 415,
        description = "415: the Content-Type is not JSON (the registry's types, \
            `application/json`, `+json`, `application/octet-stream` or none)",
        content_type = "application/vnd.schemaregistry.v1+json"
    )]
    MediaType(ErrorBody),
    /// 503.
    #[response(
        status = 503,
        description = "50301: the database is unavailable; 50302: the schema work queue is \
            full. Retry after the seconds `Retry-After` gives.",
        content_type = "application/vnd.schemaregistry.v1+json",
        headers(("Retry-After" = u32, description = "Seconds to wait before retrying")),
    )]
    Unavailable(ErrorBody),
}

/// `400`: a malformed query parameter or path segment.
#[derive(IntoResponses)]
#[response(
    status = 400,
    description = "400: a query parameter or path segment is malformed",
    content_type = "application/vnd.schemaregistry.v1+json"
)]
#[allow(dead_code)] // a description: never built
pub(super) struct BadQuery(ErrorBody);

/// `offset` and `limit` of a listing.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // a description: never built
pub(super) struct Paging {
    /// How many items to skip.
    offset: Option<i64>,
    /// The most items to answer; absent, 0 or negative: all.
    limit: Option<i64>,
}

/// A subject in the path.
#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code)] // a description: never built
pub(super) struct SubjectPath {
    /// The subject's name.
    #[param(example = "orders-value")]
    subject: String,
}

/// A subject and a version in the path.
#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code)] // a description: never built
pub(super) struct VersionPath {
    /// The subject's name.
    #[param(example = "orders-value")]
    subject: String,
    /// A version number (1 to 2^31-1), `latest` or `-1` (the latest).
    #[param(example = "1")]
    version: String,
}

/// A schema's global id in the path.
#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code)] // a description: never built
pub(super) struct IdPath {
    /// The schema's global id.
    #[param(example = 1)]
    id: i64,
}

/// `format` of a schema's text.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // a description: never built
pub(super) struct Format {
    /// Another form of the schema's text: `resolved` (Avro, references
    /// written out) or `serialized` (Protobuf, base64 of the descriptor);
    /// absent: the text as registered.
    format: Option<String>,
}

/// `referenceFormat` of a read's references.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // a description: never built
pub(super) struct ReferenceFormat {
    /// `qualified`: every reference of a subject in a context names its
    /// context (`:.ctx:address`); absent: references as posted (a subject of
    /// the same context by its bare name).
    #[param(rename = "referenceFormat")]
    reference_format: Option<String>,
}

/// `findTags`: the tagged records and fields to answer in `schemaTags`.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // a description: never built
pub(super) struct FindTags {
    /// Tags whose records and fields to list (repeated), or `*` for every
    /// tagged one.
    #[param(rename = "findTags", explode = true)]
    find_tags: Option<Vec<String>>,
}

/// `verbose`: the reasons with the verdict.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // a description: never built
pub(super) struct Verbose {
    /// Answer the messages and changes behind the verdict.
    verbose: Option<bool>,
}

/// `deleted`: whether soft-deleted items count.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // a description: never built
pub(super) struct Deleted {
    /// Whether soft-deleted versions are included.
    deleted: Option<bool>,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `registry/openapi.json` is what the code generates.
    #[test]
    fn the_checked_in_document_is_current() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("openapi.json");
        let generated = render(&super::super::openapi());
        if std::env::var_os("CHARTER_BLESS").is_some_and(|v| v == "1") {
            std::fs::write(&path, &generated).unwrap();
            return;
        }
        let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            checked_in == generated,
            "registry/openapi.json differs from the document the handlers generate; \
             regenerate it with `CHARTER_BLESS=1 cargo test -p registry --lib openapi` \
             and review the diff"
        );
    }

    /// Every route the router serves is in the document, with the methods
    /// it is routed for. Catch-all patterns (`{*rest}`), which OpenAPI
    /// cannot express, aside.
    #[test]
    fn every_route_is_documented() {
        let mut doc = super::super::openapi();
        for (pattern, _) in Route::ALL {
            if pattern.contains("{*") {
                continue;
            }
            assert!(
                doc.paths.paths.contains_key(pattern),
                "{pattern} is routed but not in the OpenAPI document"
            );
        }
        let mut ids = std::collections::BTreeSet::new();
        for item in doc.paths.paths.values_mut() {
            for (method, operation) in operations(item) {
                let id = operation.operation_id.clone().unwrap_or_default();
                assert!(
                    ids.insert(id.clone()),
                    "operation id {id} ({method}) repeats"
                );
                assert!(operation.tags.is_some(), "{id} has no tag");
            }
        }
    }
}
