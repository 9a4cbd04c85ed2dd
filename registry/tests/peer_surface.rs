//! The smaller parts of the peer's REST surface that real clients hit
//! (issue #13): trailing slashes, FORWARD mode at the global context,
//! version listings filtered to deleted ones, server metadata, the filters
//! of `GET /schemas`, and association reads. Over HTTP against the real
//! binary, written as steps (see `common::steps`).

mod common;

use common::steps::{code, has, is};
use common::{Server, closed};
use serde_json::{Value, json};

fn schema(document: &Value) -> Value {
    json!({"schemaType": "JSON", "schema": document.to_string()})
}

fn string_id() -> Value {
    closed(json!({"id": {"type": "string"}}))
}

fn integer_id() -> Value {
    closed(json!({"id": {"type": "integer"}}))
}

fn boolean_id() -> Value {
    closed(json!({"id": {"type": "boolean"}}))
}

fn with_id(document: &Value, id: i64) -> Value {
    let mut body = schema(document);
    body["id"] = json!(id);
    body
}

/// An independent Python client reads and sets the global level only
/// through `PUT /config/`: every route answers with one trailing slash too.
#[tokio::test]
async fn every_route_answers_with_one_trailing_slash() {
    let server = Server::start();
    steps!(server;
        PUT "/config/", json!({"compatibility": "FULL"}) => 200 is(json!({"compatibility": "FULL"}));
        GET "/config/" => 200 has(json!({"compatibilityLevel": "FULL"}));
        GET "/config" => 200 has(json!({"compatibilityLevel": "FULL"}));
        GET "/mode/" => 200 is(json!({"mode": "READWRITE"}));
        PUT "/mode/", json!({"mode": "READWRITE"}) => 200 is(json!({"mode": "READWRITE"}));
        GET "/schemas/types/" => 200 is(json!(["AVRO", "JSON", "PROTOBUF"]));
        GET "/subjects/" => 200 is(json!([]));
        POST "/subjects/s/versions/", schema(&string_id()) => 200 has(json!({"id": 1, "version": 1}));
        GET "/subjects/" => 200 is(json!(["s"]));
        GET "/subjects/s/versions/?deleted=true" => 200 is(json!([1]));
        GET "/subjects/s/versions/1/" => 200 has(json!({"subject": "s", "version": 1}));
        GET "/schemas/ids/1/" => 200 has(json!({"schemaType": "JSON"}));
        PUT "/config/s/", json!({"compatibility": "NONE"}) => 200 is(json!({"compatibility": "NONE"}));
        GET "/config/s/" => 200 has(json!({"compatibilityLevel": "NONE"}));
        POST "/compatibility/subjects/s/versions/latest/", schema(&integer_id()) => 200 has(json!({"is_compatible": true}));
        GET "/v1/metadata/version/" => 200 has(json!({"commitId": ""}));
        GET "/contexts/" => 200 is(json!(["."]));
        // One slash only, and the root stays the root.
        GET "/subjects//" => 404 code(404);
        GET "/" => 200 is(json!({}));
        PATCH "/subjects/" => 405 code(405);
    );
    // The web page's index keeps its slash (`/ui` redirects to it).
    let page = server.get("/ui/").await;
    assert_eq!(page.status, 200, "{}", page.text);
    assert!(
        page.content_type.starts_with("text/html"),
        "{}",
        page.content_type
    );
}

/// FORWARD (8.1+) is set only at the global context, `:.__GLOBAL:`, whose
/// mode applies where neither the subject nor the registry has one; under
/// it registrations behave as under IMPORT.
#[tokio::test]
async fn forward_mode_is_set_at_the_global_context_and_registers_like_import() {
    let server = Server::start();
    steps!(server;
        // The global context holds settings only, never schemas.
        POST "/subjects/:.__GLOBAL:/versions", schema(&string_id()) => 422 code(42208);
        POST "/subjects/:.__GLOBAL:orders/versions", schema(&string_id()) => 422 code(42208);
        GET "/subjects/:.__GLOBAL:/versions" => 422 code(42208);
        PUT "/mode", json!({"mode": "FORWARD"}) => 422 code(42204);
        PUT "/mode/s", json!({"mode": "FORWARD"}) => 422 code(42204);
        GET "/mode/:.__GLOBAL:" => 200 is(json!({"mode": "READWRITE"}));
        PUT "/mode/:.__GLOBAL:", json!({"mode": "FORWARD"}) => 200 is(json!({"mode": "FORWARD"}));
        GET "/mode/:.__GLOBAL:" => 200 is(json!({"mode": "FORWARD"}));
        // The registry's own mode is unset: READWRITE, FORWARD in scope.
        GET "/mode" => 200 is(json!({"mode": "READWRITE"}));
        GET "/mode?defaultToGlobal=true" => 200 is(json!({"mode": "FORWARD"}));
        GET "/mode/s?defaultToGlobal=true" => 200 is(json!({"mode": "FORWARD"}));
        // Ids are given, and no compatibility check runs.
        POST "/subjects/s/versions", schema(&string_id()) => 422 code(42205);
        POST "/subjects/s/versions", with_id(&string_id(), 40) => 200 has(json!({"id": 40, "version": 1}));
        POST "/subjects/s/versions", with_id(&integer_id(), 41) => 200 has(json!({"id": 41, "version": 2}));
        // The registry's mode, then the subject's, win over the global context.
        PUT "/mode", json!({"mode": "READWRITE"}) => 200 is(json!({"mode": "READWRITE"}));
        POST "/subjects/s/versions", schema(&boolean_id()) => 409 code(40901);
        PUT "/mode/s", json!({"mode": "READONLY"}) => 200 is(json!({"mode": "READONLY"}));
        POST "/subjects/s/versions", schema(&integer_id()) => 200 has(json!({"id": 41, "version": 2}));
        DELETE "/mode/s" => 200 is(json!({"mode": "READONLY"}));
        DELETE "/mode" => 200 is(json!({"mode": "READWRITE"}));
        DELETE "/mode/:.__GLOBAL:" => 200 is(json!({"mode": "FORWARD"}));
        GET "/mode?defaultToGlobal=true" => 200 is(json!({"mode": "READWRITE"}));
        POST "/subjects/t/versions", schema(&string_id()) => 200 has(json!({"id": 40, "version": 1}));
    );
}

/// The global context's config, like its mode, applies where neither the
/// subject nor the registry sets a field.
#[tokio::test]
async fn the_global_context_config_applies_below_the_registry() {
    let server = Server::start();
    steps!(server;
        GET "/config/:.__GLOBAL:" => 200 has(json!({"compatibilityLevel": "BACKWARD"}));
        PUT "/config/:.__GLOBAL:", json!({"compatibility": "NONE"}) => 200 is(json!({"compatibility": "NONE"}));
        GET "/config/:.__GLOBAL:" => 200 has(json!({"compatibilityLevel": "NONE"}));
        GET "/config" => 200 has(json!({"compatibilityLevel": "BACKWARD"}));
        GET "/config?defaultToGlobal=true" => 200 has(json!({"compatibilityLevel": "NONE"}));
        GET "/config/s?defaultToGlobal=true" => 200 has(json!({"compatibilityLevel": "NONE"}));
        POST "/subjects/s/versions", schema(&string_id()) => 200 has(json!({"version": 1}));
        POST "/subjects/s/versions", schema(&integer_id()) => 200 has(json!({"version": 2}));
        PUT "/config", json!({"compatibility": "BACKWARD"}) => 200 is(json!({"compatibility": "BACKWARD"}));
        POST "/subjects/s/versions", schema(&boolean_id()) => 409 code(40901);
        DELETE "/config/:.__GLOBAL:" => 200 has(json!({"compatibilityLevel": "NONE"}));
        DELETE "/config" => 200 has(json!({"compatibilityLevel": "BACKWARD"}));
        GET "/config?defaultToGlobal=true" => 200 has(json!({"compatibilityLevel": "BACKWARD"}));
    );
}

/// `deletedOnly` on a subject with nothing deleted is an empty list, as the
/// peer answers; 40401 only when the subject has no version to look among.
#[tokio::test]
async fn versions_filtered_to_deleted_ones_may_be_empty() {
    let server = Server::start();
    steps!(server;
        GET "/subjects/s/versions?deletedOnly=true" => 404 code(40401);
        POST "/subjects/s/versions", schema(&string_id()) => 200 has(json!({"version": 1}));
        GET "/subjects/s/versions?deletedOnly=true" => 200 is(json!([]));
        GET "/subjects/s/versions?deletedOnly=true&deleted=true" => 200 is(json!([]));
        DELETE "/subjects/s/versions/1" => 200 is(json!(1));
        GET "/subjects/s/versions" => 404 code(40401);
        GET "/subjects/s/versions?deletedOnly=true" => 200 is(json!([1]));
        GET "/subjects/s/versions?deleted=true" => 200 is(json!([1]));
    );
}

/// `/v1/metadata/id`, `/version` and `/deployment` in the peer's shapes.
#[tokio::test]
async fn server_metadata_has_the_peer_shapes() {
    let server = Server::start();
    steps!(server;
        GET "/v1/metadata/id" => 200 is(json!({"id": "", "scope": {"path": [], "clusters": {
            "kafka-cluster": null, "schema-registry-cluster": "schema-registry"}}}));
        GET "/v1/metadata/version" => 200 is(json!({"version": env!("CARGO_PKG_VERSION"), "commitId": ""}));
        GET "/v1/metadata/deployment" => 200 is(json!({"attributes": []}));
    );
}

/// `GET /schemas` honours every filter the peer has: by subject prefix,
/// deletion, latest only and pages, and by rule type and association (with
/// no association stored, those leave nothing, except `lifecycle=NONE`; the
/// rest is in `associations.rs`).
#[tokio::test]
async fn the_schema_list_honours_its_filters() {
    let server = Server::start();
    steps!(server;
        PUT "/config", json!({"compatibility": "NONE"}) => 200 has(json!({}));
        POST "/subjects/a/versions", schema(&string_id()) => 200 has(json!({"id": 1}));
        POST "/subjects/a/versions", schema(&integer_id()) => 200 has(json!({"id": 2}));
        POST "/subjects/b/versions", schema(&string_id()) => 200 has(json!({"id": 1}));
        DELETE "/subjects/b/versions/1" => 200 is(json!(1));
        GET "/schemas" => 200 has(json!([
            {"subject": "a", "version": 1, "id": 1},
            {"subject": "a", "version": 2, "id": 2}]));
        GET "/schemas?deleted=true" => 200 has(json!([
            {"subject": "a", "version": 1}, {"subject": "a", "version": 2},
            {"subject": "b", "version": 1}]));
        GET "/schemas?latestOnly=true" => 200 has(json!([{"subject": "a", "version": 2}]));
        GET "/schemas?subjectPrefix=b&deleted=true" => 200 has(json!([{"subject": "b"}]));
        GET "/schemas?offset=1&limit=1" => 200 has(json!([{"subject": "a", "version": 2}]));
        GET "/schemas?ruleType=DOMAIN" => 200 is(json!([]));
        GET "/schemas?ruleType=" => 200 has(json!([{"version": 1}, {"version": 2}]));
        GET "/schemas?resourceType=topic" => 200 is(json!([]));
        GET "/schemas?associationType=value" => 200 is(json!([]));
        GET "/schemas?lifecycle=STRONG" => 200 is(json!([]));
        GET "/schemas?lifecycle=STRONG&lifecycle=NONE" => 200 has(json!([{"version": 1}, {"version": 2}]));
        GET "/schemas?aliases=true" => 200 has(json!([{"version": 1}, {"version": 2}]));
    );
}

/// Association reads (8.2+) answer the empty list where the peer does, so
/// that the serializers' default `AssociatedNameStrategy` falls back to
/// `<topic>-value`; deleting what is not there answers 40410, creating
/// nothing 42212 (the rest is in `associations.rs`).
#[tokio::test]
async fn association_reads_answer_an_empty_list() {
    let server = Server::start();
    steps!(server;
        GET "/associations/resources/-/orders?resourceType=topic&associationType=value" => 200 is(json!([]));
        GET "/associations/resources/lkc-1/orders?associationType=key&associationType=value&offset=0&limit=-1" => 200 is(json!([]));
        GET "/associations/resources/abc123" => 200 is(json!([]));
        GET "/associations/subjects/orders-value" => 200 is(json!([]));
        GET "/associations/resources/-/orders?limit=x" => 400 code(400);
        DELETE "/associations/resources/abc123" => 404 code(40410);
        POST "/associations", json!({"resourceName": "orders", "associations": []}) => 422 code(42212);
    );
}
