//! Every endpoint, parameter and error code, over HTTP, against the real
//! binary on a free port with its own database.
//!
//! Most tests are sequences of steps written as data:
//! `METHOD path[, body] => status expectation;` where the expectation is
//! `is(json)` (the whole body), `has(json)` (these fields, recursively) or
//! `code(n)` (an error with this `error_code` and a message).

mod common;

use common::steps::{code, has, is, step};
use common::{Server, closed};
use serde_json::{Value, json};

/// A JSON Schema registration body.
fn schema(document: &Value) -> Value {
    json!({"schemaType": "JSON", "schema": document.to_string()})
}

/// A registration body with an explicit id and version (IMPORT mode).
fn imported(document: &Value, id: Option<i64>, version: Option<i64>) -> Value {
    let mut body = schema(document);
    if let Some(id) = id {
        body["id"] = json!(id);
    }
    if let Some(v) = version {
        body["version"] = json!(v);
    }
    body
}

fn string_id() -> Value {
    closed(json!({"id": {"type": "string"}}))
}

fn string_id_and_name() -> Value {
    closed(json!({"id": {"type": "string"}, "name": {"type": "string"}}))
}

fn string_id_and_at() -> Value {
    closed(json!({"id": {"type": "string"}, "at": {"type": "string"}}))
}

fn integer_id() -> Value {
    closed(json!({"id": {"type": "integer"}}))
}

fn integer_id_and_note() -> Value {
    closed(json!({"id": {"type": "integer"}, "note": {"type": "string"}}))
}

#[tokio::test]
async fn registers_reads_and_looks_up_versions() {
    let server = Server::start();
    let respelled = json!({"schemaType": "JSON", "schema":
        "{ \"additionalProperties\": false,\n \"properties\": {\"id\": {\"type\": \"string\"}}, \"type\": \"object\" }"});
    // Served as submitted (minus insignificant whitespace), keys in their order.
    let served = string_id().to_string();
    let served = served.as_str();
    steps!(server;
        GET "/subjects" => 200 is(json!([]));
        POST "/subjects/orders-value/versions", schema(&string_id()) => 200 has(json!({"id": 1, "version": 1, "schemaType": "JSON"}));
        // Idempotent, also for another spelling of the same schema when normalized.
        POST "/subjects/orders-value/versions", schema(&string_id()) => 200 has(json!({"id": 1, "version": 1}));
        POST "/subjects/orders-value/versions?normalize=true", respelled => 200 has(json!({"id": 1, "version": 1}));
        // The same schema under another subject keeps its id.
        POST "/subjects/audit-value/versions", schema(&string_id()) => 200 has(json!({"id": 1, "version": 1}));
        POST "/subjects/orders-value/versions", schema(&string_id_and_name()) => 200 has(json!({"id": 2, "version": 2}));

        GET "/subjects" => 200 is(json!(["audit-value", "orders-value"]));
        GET "/subjects?subjectPrefix=ord" => 200 is(json!(["orders-value"]));
        GET "/subjects/orders-value/versions" => 200 is(json!([1, 2]));
        GET "/subjects/orders-value/versions?offset=0&limit=-1" => 200 is(json!([1, 2]));
        GET "/subjects/orders-value/versions?offset=1" => 200 is(json!([2]));
        GET "/subjects/orders-value/versions?limit=1" => 200 is(json!([1]));
        GET "/subjects/orders-value/versions/latest" => 200 has(json!({"subject": "orders-value", "version": 2, "id": 2, "schemaType": "JSON"}));
        GET "/subjects/orders-value/versions/-1" => 200 has(json!({"version": 2}));
        GET "/subjects/orders-value/versions/LATEST" => 200 has(json!({"version": 2}));
        GET "/subjects/orders-value/versions/1" => 200 has(json!({"version": 1, "id": 1, "schema": served, "deleted": false}));
        GET "/subjects/orders-value/versions/3" => 404 code(40402);
        GET "/subjects/orders-value/versions/0" => 422 code(42202);
        GET "/subjects/orders-value/versions/abc" => 422 code(42202);
        GET "/subjects/nobody/versions" => 404 code(40401);
        GET "/subjects/nobody/versions/1" => 404 code(40401);

        // Lookup.
        POST "/subjects/orders-value?normalize=False&deleted=False", schema(&string_id()) => 200 has(json!({"subject": "orders-value", "version": 1, "id": 1}));
        POST "/subjects/orders-value", schema(&integer_id()) => 404 code(40403);
        POST "/subjects/nobody", schema(&string_id()) => 404 code(40401);
        POST "/subjects/orders-value", json!({"schemaType": "JSON", "schema": "{\"type\": 5}"}) => 422 code(42201);

        // Schemas by id.
        // The whole answer, with the GUID every read of the schema gives.
        GET "/schemas/ids/1" => 200 is(json!({"schema": served, "schemaType": "JSON",
            "guid": server.get("/subjects/orders-value/versions/1").await.body["guid"].clone()}));
        GET "/schemas/ids/1?subject=audit-value" => 200 has(json!({"subject": "audit-value", "version": 1}));
        GET "/schemas/ids/2?fetchMaxId=true" => 200 has(json!({"maxId": 2}));
        GET "/schemas/ids/1/subjects?offset=0&limit=-1" => 200 is(json!(["audit-value", "orders-value"]));
        GET "/schemas/ids/1/versions" => 200 is(json!([{"subject": "audit-value", "version": 1}, {"subject": "orders-value", "version": 1}]));
        GET "/schemas/ids/99" => 404 code(40403);
        GET "/schemas/ids/abc" => 404 code(40403);
        GET "/schemas/ids/99/subjects" => 404 code(40403);
        GET "/schemas/ids/99/versions" => 404 code(40403);
        GET "/schemas/types" => 200 is(json!(["AVRO", "JSON", "PROTOBUF"]));
        GET "/schemas?latestOnly=true" => 200 has(json!([{"subject": "audit-value"}, {"subject": "orders-value", "version": 2}]));
        GET "/schemas?subjectPrefix=audit" => 200 has(json!([{"subject": "audit-value", "id": 1}]));

        // Query details: `True`, unknown parameters, and nonsense values.
        GET "/subjects?deleted=True&whatever=1" => 200 is(json!(["audit-value", "orders-value"]));
        GET "/subjects?deleted=maybe" => 400 code(400);
        GET "/subjects/orders-value/versions?limit=many" => 400 code(400);
    );
    assert_eq!(
        server.get("/schemas").await.body.as_array().unwrap().len(),
        3
    );
    assert_eq!(
        server
            .get("/subjects/orders-value/versions/1/schema")
            .await
            .text,
        served
    );
    assert_eq!(server.get("/schemas/ids/1/schema").await.text, served);
}

#[tokio::test]
async fn incompatible_registrations_answer_409_with_every_reason() {
    let server = Server::start();
    steps!(server;
        POST "/subjects/s/versions", schema(&string_id()) => 200 has(json!({"version": 1}));
    );
    let refused = step(
        &server,
        "POST",
        "/subjects/s/versions",
        Some(&schema(&integer_id())),
        409,
        &code(40901),
    )
    .await;
    let message = refused.message();
    assert!(
        message.contains("incompatible") && message.contains("TYPE_CHANGED at #/properties/id"),
        "{message}"
    );
    steps!(server;
        GET "/subjects/s/versions" => 200 is(json!([1]));
        // Under NONE the same schema goes in.
        PUT "/config/s", json!({"compatibility": "NONE"}) => 200 is(json!({"compatibility": "NONE"}));
        POST "/subjects/s/versions", schema(&integer_id()) => 200 has(json!({"version": 2}));
    );
    let metrics = server.get("/metrics").await.text;
    assert!(
        metrics.contains("charter_compatibility_rejections_total 1"),
        "{metrics}"
    );
    assert!(
        metrics.contains("charter_registrations_total 2"),
        "{metrics}"
    );
}

/// Issue 13: a strict refusal that Confluent would accept says so and names
/// the policy; under `compatibilityPolicy: CONFLUENT` the same schema goes
/// in. An Avro refusal carries the peer's `errorType` too.
#[tokio::test]
async fn r13_a_strict_refusal_names_the_policy_that_accepts_it() {
    let server = Server::start();
    let closed = json!({"type": "object", "properties": {"id": {"type": "string"}}, "additionalProperties": false});
    let mut with_default = closed.clone();
    with_default["properties"]["region"] = json!({"type": "string", "default": "eu"});
    with_default["required"] = json!(["region"]);
    steps!(server;
        POST "/subjects/s/versions", schema(&closed) => 200 has(json!({"version": 1}));
    );
    let refused = step(
        &server,
        "POST",
        "/subjects/s/versions",
        Some(&schema(&with_default)),
        409,
        &code(40901),
    )
    .await;
    let message = refused.message();
    assert!(
        message.contains("{errorType:\"REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL\"")
            && message.contains("{acceptedBy: 'LENIENT, CONFLUENT', note: 'refused under compatibilityPolicy STRICT; compatibilityPolicy LENIENT or CONFLUENT would accept this schema (the Confluent Schema Registry accepts it)'}"),
        "{message}"
    );
    steps!(server;
        PUT "/config/s", json!({"compatibilityPolicy": "confluent"}) => 200 is(json!({"compatibilityPolicy": "CONFLUENT"}));
        GET "/config/s" => 200 is(json!({"compatibilityPolicy": "CONFLUENT"}));
        POST "/subjects/s/versions", schema(&with_default) => 200 has(json!({"version": 2}));
    );
    let avro = |fields: Value| json!({"schema": json!({"type": "record", "name": "R", "fields": fields}).to_string()});
    steps!(server;
        POST "/subjects/a/versions", avro(json!([{"name": "id", "type": "string"}])) => 200 has(json!({"version": 1}));
    );
    let refused = step(
        &server,
        "POST",
        "/subjects/a/versions",
        Some(&avro(
            json!([{"name": "id", "type": "string"}, {"name": "n", "type": "int"}]),
        )),
        409,
        &code(40901),
    )
    .await;
    let message = refused.message();
    assert!(
        message.contains("{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'READER_FIELD_MISSING_DEFAULT_VALUE at ")
            && !message.contains("acceptedBy"),
        "{message}"
    );
}

#[tokio::test]
async fn compatibility_endpoints_judge_against_the_right_history() {
    let server = Server::start();
    let v3 = schema(&integer_id_and_note());
    let broken = json!({"schemaType": "JSON", "schema": "{\"type\": \"nothing\"}"});
    steps!(server;
        // Unknown subject: `latest` is compatible, an explicit version is 40402.
        POST "/compatibility/subjects/s/versions/latest", v3 => 200 is(json!({"is_compatible": true}));
        POST "/compatibility/subjects/s/versions/1", v3 => 404 code(40402);
        // History: v1 {id: string}, v2 {id: integer} (registered under NONE).
        POST "/subjects/s/versions", schema(&string_id()) => 200 has(json!({"version": 1}));
        PUT "/config/s", json!({"compatibility": "NONE"}) => 200 has(json!({}));
        POST "/subjects/s/versions", schema(&integer_id()) => 200 has(json!({"version": 2}));
        PUT "/config/s", json!({"compatibility": "BACKWARD"}) => 200 has(json!({}));

        POST "/compatibility/subjects/s/versions/latest?verbose=False", v3 => 200 is(json!({"is_compatible": true}));
        POST "/compatibility/subjects/s/versions/1?verbose=true", v3 => 200 has(json!({"is_compatible": false,
            "changes": [{"kind": "TYPE_CHANGED", "path": "#/properties/id", "breaks": ["backward"], "version": 1}]}));
        // Non-transitive levels check the latest only; transitive ones all.
        POST "/compatibility/subjects/s/versions", v3 => 200 is(json!({"is_compatible": true}));
        PUT "/config/s", json!({"compatibility": "BACKWARD_TRANSITIVE"}) => 200 has(json!({}));
        POST "/compatibility/subjects/s/versions", v3 => 200 is(json!({"is_compatible": false}));
        POST "/subjects/s/versions", v3 => 409 code(40901);
        // Soft-deleted versions leave the history.
        DELETE "/subjects/s/versions/1" => 200 is(json!(1));
        POST "/compatibility/subjects/s/versions", v3 => 200 is(json!({"is_compatible": true}));
        POST "/compatibility/subjects/s/versions/1", v3 => 404 code(40402);
        POST "/subjects/s/versions", v3 => 200 has(json!({"version": 3}));
        // An invalid schema: 42201, or an incompatible verdict when verbose.
        POST "/compatibility/subjects/s/versions", broken => 422 code(42201);
        POST "/compatibility/subjects/s/versions?verbose=true", broken => 200 has(json!({"is_compatible": false}));
        POST "/compatibility/subjects/s/versions/zero", v3 => 422 code(42202);
    );
    let verbose = server
        .post(
            "/compatibility/subjects/s/versions/2?verbose=true",
            &schema(&string_id()),
        )
        .await;
    let messages = verbose.body["messages"].as_array().unwrap();
    assert!(
        messages[0].as_str().unwrap().starts_with(
            "{errorType:\"TYPE_CHANGED\", description:\"TYPE_CHANGED at #/properties/id: "
        ),
        "{messages:?}"
    );
    assert!(
        messages.contains(&json!("{oldSchemaVersion: 2}")),
        "{messages:?}"
    );
    assert!(
        messages.contains(&json!(
            "{validateFields: 'false', compatibility: 'BACKWARD_TRANSITIVE'}"
        )),
        "{messages:?}"
    );
}

/// `verbose=true` explains: each breaking change with a document the old
/// schema accepts and the new one rejects, and the changes the level allows.
#[tokio::test]
async fn verbose_checks_carry_examples_and_the_other_changes() {
    let server = Server::start();
    steps!(server;
        POST "/subjects/s/versions", schema(&string_id()) => 200 has(json!({"version": 1}));
    );
    let check = |verbose: bool| {
        let path = format!("/compatibility/subjects/s/versions/1?verbose={verbose}");
        let server = &server;
        async move {
            server
                .post(&path, &schema(&integer_id_and_note()))
                .await
                .body
        }
    };
    let answer = check(true).await;
    assert_eq!(answer["is_compatible"], json!(false), "{answer}");
    let breaking = answer["changes"].as_array().unwrap();
    assert_eq!(breaking.len(), 1, "{answer}");
    assert_eq!(breaking[0]["kind"], json!("TYPE_CHANGED"));
    assert_eq!(breaking[0]["example"], json!({"id": "a"}), "{answer}");
    let others = answer["other_changes"].as_array().unwrap();
    assert_eq!(others.len(), 1, "{answer}");
    assert_eq!(others[0]["path"], json!("#/properties/note"), "{answer}");
    assert_eq!(others[0]["breaks"], json!([]), "{answer}");
    // Without verbose: the verdict alone, as the peer answers.
    assert_eq!(check(false).await, json!({"is_compatible": false}));
}

#[tokio::test]
async fn config_is_global_and_per_subject() {
    let server = Server::start();
    steps!(server;
        GET "/config" => 200 is(json!({"compatibilityLevel": "BACKWARD"}));
        PUT "/config", json!({"compatibility": "full"}) => 200 is(json!({"compatibility": "FULL"}));
        GET "/config" => 200 is(json!({"compatibilityLevel": "FULL"}));
        PUT "/config", json!({"compatibility": "SIDEWAYS"}) => 422 code(42203);
        PUT "/config", json!({"compatibilityGroup": ""}) => 422 code(42203);
        PUT "/config", json!({"compatibilityPolicy": "LOOSE"}) => 422 code(42203);

        GET "/config/s" => 404 code(40408);
        GET "/config/s?defaultToGlobal=true" => 200 is(json!({"compatibilityLevel": "FULL"}));
        PUT "/config/s", json!({"compatibilityLevel": "NONE", "compatibilityPolicy": "lenient"}) => 200 is(json!({"compatibility": "NONE", "compatibilityPolicy": "LENIENT"}));
        GET "/config/s" => 200 is(json!({"compatibilityLevel": "NONE", "compatibilityPolicy": "LENIENT"}));
        // Absent fields stay; null clears.
        PUT "/config/s", json!({"normalize": true}) => 200 is(json!({"compatibility": "NONE", "compatibilityPolicy": "LENIENT", "normalize": true}));
        PUT "/config/s", json!({"compatibilityPolicy": null}) => 200 is(json!({"compatibility": "NONE", "normalize": true}));
        DELETE "/config/s" => 200 is(json!({"compatibilityLevel": "NONE", "normalize": true}));
        DELETE "/config/s" => 404 code(40401);
        DELETE "/config" => 200 is(json!({"compatibilityLevel": "FULL"}));
        GET "/config" => 200 is(json!({"compatibilityLevel": "BACKWARD"}));
        PUT "/config/__GLOBAL", json!({"compatibility": "NONE"}) => 422 code(42208);
    );
}

#[tokio::test]
async fn modes_guard_writes() {
    let server = Server::start();
    steps!(server;
        GET "/mode" => 200 is(json!({"mode": "READWRITE"}));
        POST "/subjects/s/versions", schema(&string_id()) => 200 has(json!({"version": 1}));
        PUT "/mode", json!({"mode": "READONLY"}) => 200 is(json!({"mode": "READONLY"}));
        POST "/subjects/s/versions", schema(&string_id_and_name()) => 422 code(42205);
        // Registering what is already there stays idempotent in READONLY.
        POST "/subjects/s/versions", schema(&string_id()) => 200 has(json!({"version": 1}));
        DELETE "/subjects/s/versions/1" => 422 code(42205);
        DELETE "/subjects/s" => 422 code(42205);
        PUT "/config", json!({"compatibility": "NONE"}) => 422 code(42205);
        DELETE "/mode" => 200 is(json!({"mode": "READONLY"}));

        GET "/mode/s" => 404 code(40409);
        GET "/mode/s?defaultToGlobal=true" => 200 is(json!({"mode": "READWRITE"}));
        PUT "/mode/s?force=False", json!({"mode": "readonly"}) => 200 is(json!({"mode": "READONLY"}));
        GET "/mode/s" => 200 is(json!({"mode": "READONLY"}));
        POST "/subjects/s/versions", schema(&string_id_and_name()) => 422 code(42205);
        PUT "/config/s", json!({"compatibility": "NONE"}) => 422 code(42205);
        POST "/subjects/other/versions", schema(&string_id_and_name()) => 200 has(json!({"version": 1}));
        DELETE "/mode/s" => 200 is(json!({"mode": "READONLY"}));
        DELETE "/mode/s" => 404 code(40401);
        DELETE "/mode/s?recursive=true" => 200 is(json!({}));
        PUT "/mode", json!({"mode": "BOGUS"}) => 422 code(42204);
        PUT "/mode", json!({}) => 422 code(42204);
    );
}

#[tokio::test]
async fn import_mode_registers_with_given_ids_and_versions() {
    let server = Server::start();
    steps!(server;
        POST "/subjects/live/versions", schema(&string_id()) => 200 has(json!({"id": 1}));
        // Switching to IMPORT needs an empty scope, or force.
        PUT "/mode", json!({"mode": "IMPORT"}) => 422 code(42205);
        PUT "/mode/live", json!({"mode": "IMPORT"}) => 422 code(42205);
        PUT "/mode/copied", json!({"mode": "IMPORT"}) => 200 is(json!({"mode": "IMPORT"}));
        POST "/subjects/copied/versions", imported(&integer_id(), None, None) => 422 code(42205);
        POST "/subjects/copied/versions", imported(&integer_id(), Some(100), Some(5)) => 200 has(json!({"id": 100, "version": 5}));
        GET "/schemas/ids/100" => 200 has(json!({"schemaType": "JSON"}));
        // No compatibility check in IMPORT mode: an incompatible version goes in.
        POST "/subjects/copied/versions", imported(&string_id(), Some(1), Some(7)) => 200 has(json!({"id": 1, "version": 7}));
        POST "/subjects/copied/versions", imported(&string_id_and_at(), Some(300), Some(7)) => 422 code(42201);
        // An id that holds other content is refused.
        POST "/subjects/copied/versions", imported(&string_id_and_name(), Some(100), None) => 422 code(42205);
        // Ids outside IMPORT are refused, and so are versions out of turn.
        POST "/subjects/live/versions", imported(&string_id_and_name(), Some(500), None) => 422 code(42205);
        POST "/subjects/live/versions", imported(&string_id_and_name(), None, Some(9)) => 422 code(42201);
        // New ids continue above the imported ones.
        POST "/subjects/live/versions", schema(&string_id_and_name()) => 200 has(json!({"id": 101, "version": 2}));
        PUT "/mode?force=true", json!({"mode": "IMPORT"}) => 200 is(json!({"mode": "IMPORT"}));
        PUT "/mode", json!({"mode": "READWRITE"}) => 200 is(json!({"mode": "READWRITE"}));
    );
}

#[tokio::test]
async fn deletion_follows_the_peer_rules() {
    let server = Server::start();
    let fresh = closed(json!({"fresh": {"type": "boolean"}}));
    steps!(server;
        POST "/subjects/s/versions", schema(&string_id()) => 200 has(json!({"id": 1}));
        POST "/subjects/s/versions", schema(&string_id_and_name()) => 200 has(json!({"id": 2}));
        DELETE "/subjects/s/versions/2?permanent=true" => 404 code(40407);
        DELETE "/subjects/s/versions/2" => 200 is(json!(2));
        DELETE "/subjects/s/versions/2" => 404 code(40406);
        DELETE "/subjects/s/versions/9" => 404 code(40402);
        DELETE "/subjects/s/versions/x" => 422 code(42202);
        DELETE "/subjects/nobody/versions/1" => 404 code(40401);
        GET "/subjects/s/versions" => 200 is(json!([1]));
        GET "/subjects/s/versions?deleted=true" => 200 is(json!([1, 2]));
        GET "/subjects/s/versions?deletedOnly=true" => 200 is(json!([2]));
        GET "/subjects/s/versions?deletedAsNegative=true" => 200 is(json!([1, -2]));
        GET "/subjects/s/versions/2" => 404 code(40402);
        GET "/subjects/s/versions/2?deleted=true" => 200 has(json!({"version": 2, "deleted": true}));
        // A soft-deleted version's id still resolves; its number is not reused.
        GET "/schemas/ids/2" => 200 has(json!({"schemaType": "JSON"}));
        POST "/subjects/s/versions", schema(&string_id_and_at()) => 200 has(json!({"id": 3, "version": 3}));
        DELETE "/subjects/s/versions/2?permanent=true" => 200 is(json!(2));
        GET "/subjects/s/versions?deleted=true" => 200 is(json!([1, 3]));
        GET "/schemas/ids/2" => 404 code(40403);

        DELETE "/subjects/s?permanent=true" => 404 code(40405);
        DELETE "/subjects/s" => 200 is(json!([1, 3]));
        DELETE "/subjects/s" => 404 code(40404);
        GET "/subjects" => 200 is(json!([]));
        GET "/subjects?deleted=true" => 200 is(json!(["s"]));
        GET "/subjects?deletedOnly=true" => 200 is(json!(["s"]));
        GET "/subjects?deleted_only=true" => 200 is(json!(["s"]));
        GET "/subjects/s/versions" => 404 code(40401);
        GET "/subjects/s/versions/latest?deleted=true" => 200 has(json!({"version": 3}));
        DELETE "/subjects/s?permanent=true" => 200 is(json!([1, 3]));
        GET "/subjects?deleted=true" => 200 is(json!([]));
        DELETE "/subjects/s" => 404 code(40401);
        GET "/schemas/ids/1" => 404 code(40403);
        // Ids are never reused: a new schema gets a new number; a subject
        // starts again at version 1 after its permanent deletion.
        POST "/subjects/s/versions", schema(&fresh) => 200 has(json!({"id": 4, "version": 1}));
    );
}

#[tokio::test]
async fn references_resolve_through_the_registry() {
    let server = Server::start();
    let customer = json!({"type": "object", "properties": {"name": {"type": "string"}}});
    let order = json!({"type": "object", "properties": {"customer": {"$ref": "customer.json"}}});
    let order_v2 = json!({"type": "object", "properties": {"customer": {"$ref": "customer.json"}, "note": {}}});
    let with_refs = |document: &Value, version: i64| {
        let mut body = schema(document);
        body["references"] =
            json!([{"name": "customer.json", "subject": "customer", "version": version}]);
        body
    };
    let no_name = json!({"schemaType": "JSON", "schema": order.to_string(), "references": [{"subject": "customer", "version": 1}]});
    let pinned = json!([{"name": "customer.json", "subject": "customer", "version": 1}]);
    steps!(server;
        POST "/subjects/customer/versions", schema(&customer) => 200 has(json!({"id": 1}));
        POST "/subjects/order/versions", schema(&order) => 422 code(42201);
        POST "/subjects/order/versions", with_refs(&order, 7) => 422 code(42201);
        POST "/subjects/order/versions", no_name => 422 code(42201);
        // `-1` is pinned to the latest version.
        POST "/subjects/order/versions", with_refs(&order, -1) => 200 has(json!({"id": 2, "version": 1, "references": pinned}));
        GET "/subjects/order/versions/latest" => 200 has(json!({"references": pinned}));
        GET "/schemas/ids/2" => 200 has(json!({"references": pinned}));
        GET "/subjects/customer/versions/1/referencedby" => 200 is(json!([2]));
        POST "/subjects/order/versions", with_refs(&order, 1) => 200 has(json!({"id": 2, "version": 1}));
        POST "/subjects/order", with_refs(&order, 1) => 200 has(json!({"id": 2, "version": 1}));
        DELETE "/subjects/customer/versions/1" => 422 code(42206);
        DELETE "/subjects/customer" => 422 code(42206);
        // A second version of the referring schema is judged with the
        // reference resolved.
        POST "/subjects/order/versions", with_refs(&order_v2, 1) => 200 has(json!({"version": 2}));
    );
}

#[tokio::test]
async fn avro_and_protobuf_are_judged_and_served() {
    let server = Server::start();
    let avro = |fields: &str| json!({"schema": format!(r#"{{"type":"record","name":"Order","fields":[{fields}]}}"#)});
    let avro_v1 = avro(r#"{"name":"id","type":"string"}"#);
    let avro_long = avro(r#"{"name":"id","type":"long"}"#);
    let avro_v2 =
        avro(r#"{"name":"id","type":"string"},{"name":"note","type":"string","default":""}"#);
    let proto = |field: &str| json!({"schemaType": "PROTOBUF", "schema": format!("syntax = \"proto3\";\nmessage Order {{ {field} }}\n")});
    let proto_v1 = proto("string id = 1;");
    let proto_int = proto("int64 id = 1;");
    steps!(server;
        // No schemaType means AVRO.
        POST "/subjects/avro/versions", avro_v1 => 200 has(json!({"id": 1, "version": 1, "schemaType": "AVRO"}));
        GET "/subjects/avro/versions/1" => 200 has(json!({"schemaType": "AVRO"}));
        POST "/subjects/avro/versions", avro_long => 409 code(40901);
        POST "/compatibility/subjects/avro/versions/latest", avro_long => 200 is(json!({"is_compatible": false}));
        POST "/subjects/avro/versions", avro_v2 => 200 has(json!({"id": 2, "version": 2}));
        GET "/schemas/ids/2?format=resolved" => 200 has(json!({"schemaType": "AVRO"}));
        POST "/subjects/avro/versions", json!({"schema": "not json"}) => 422 code(42201);

        POST "/subjects/proto/versions", proto_v1 => 200 has(json!({"id": 3, "version": 1, "schemaType": "PROTOBUF"}));
        POST "/subjects/proto/versions", proto_int => 409 code(40901);
        POST "/subjects/proto/versions", json!({"schemaType": "PROTOBUF", "schema": "message {"}) => 422 code(42201);
        POST "/subjects/x/versions", json!({"schemaType": "XML", "schema": "<a/>"}) => 422 code(42201);
        // Metadata and rule sets are kept (tests/contracts.rs); unusable ones are refused.
        POST "/subjects/x/versions", json!({"schemaType": "JSON", "schema": "{}", "metadata": {"properties": {"owner": 5}}}) => 422 code(42201);
        POST "/subjects/x/versions", json!({"schemaType": "JSON", "schema": "{}", "ruleSet": {"domainRules": [{"name": "r"}]}}) => 422 code(42210);
        POST "/subjects/x/versions", json!({"schemaType": "JSON", "schema": "{}", "metadata": null, "ruleSet": {}}) => 200 has(json!({"version": 1}));
    );
    let refused = server.post("/subjects/avro/versions", &avro_long).await;
    assert!(
        refused.message().contains("#/fields/id"),
        "{}",
        refused.text
    );

    // Protobuf without `format` is .proto text; `format=serialized` is base64
    // of the descriptor, which registers as the same schema.
    let text = server.get("/schemas/ids/3").await.body["schema"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(text.contains("message Order"), "{text}");
    let serialized = server.get("/schemas/ids/3?format=serialized").await.body["schema"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        !serialized.contains(' ') && !serialized.is_empty(),
        "{serialized}"
    );
    assert_eq!(
        server
            .get("/subjects/proto/versions/1?format=serialized")
            .await
            .body["schema"],
        serialized
    );
    assert_eq!(
        server
            .get("/schemas/ids/3/schema?format=serialized")
            .await
            .text,
        serialized
    );
    let again = json!({"schemaType": "PROTOBUF", "schema": serialized});
    steps!(server;
        POST "/subjects/proto/versions", again => 200 has(json!({"id": 3, "version": 1}));
        POST "/subjects/proto", again => 200 has(json!({"id": 3, "version": 1}));
    );
}

/// Regression (issue 5): confluent-kafka's `ProtobufSerializer` with
/// `skip.known.types=False` registers each well-known import under its file
/// name, as a descriptor named like the built-in file, then refers to it;
/// the registration answered 500 (a panic in the Protobuf compiler).
#[tokio::test]
async fn r5_well_known_imports_register_as_subjects_of_their_own() {
    let server = Server::start();
    let timestamp = schemas::protobuf::ProtobufSchema::parse(
        "syntax = \"proto3\";\npackage google.protobuf;\nmessage Timestamp { int64 seconds = 1; int32 nanos = 2; }\n",
        &schemas::NoReferences,
    )
    .unwrap()
    .file_descriptor_base64_named("google/protobuf/timestamp.proto");
    let event = json!({
        "schemaType": "PROTOBUF",
        "schema": "syntax = \"proto3\";\nimport \"google/protobuf/timestamp.proto\";\nmessage Event { google.protobuf.Timestamp at = 1; }\n",
        "references": [{"name": "google/protobuf/timestamp.proto", "subject": "google/protobuf/timestamp.proto", "version": 1}],
    });
    steps!(server;
        POST "/subjects/google%2Fprotobuf%2Ftimestamp.proto/versions", json!({"schemaType": "PROTOBUF", "schema": timestamp})
            => 200 has(json!({"id": 1, "version": 1}));
        POST "/subjects/google%2Fprotobuf%2Ftimestamp.proto", json!({"schemaType": "PROTOBUF", "schema": timestamp})
            => 200 has(json!({"id": 1, "version": 1}));
        POST "/subjects/events/versions", event => 200 has(json!({"id": 2, "version": 1}));
        GET "/schemas/ids/2" => 200 has(json!({"references": event["references"]}));
    );
    let text = server
        .get("/subjects/google%2Fprotobuf%2Ftimestamp.proto/versions/1")
        .await;
    let text = text.body["schema"].as_str().unwrap();
    assert!(
        text.contains("package google.protobuf;") && text.contains("message Timestamp"),
        "{text}"
    );
    let served = server
        .get("/subjects/google%2Fprotobuf%2Ftimestamp.proto/versions/1?deleted=true&format=serialized")
        .await;
    assert_eq!(served.body["schema"], timestamp, "{}", served.text);
}

#[tokio::test]
async fn the_wire_details_clients_trip_on() {
    let server = Server::start_with(&["--max-body-bytes", "2048"]);
    let big = schema(&closed(
        json!({"padding": {"description": "x".repeat(4000)}}),
    ));
    steps!(server;
        GET "/nowhere" => 404 code(404);
        PATCH "/subjects" => 405 code(405);
        POST "/schemas/types" => 405 code(405);
        POST "/subjects/s/versions", json!({"schema": 5}) => 400 code(400);
        POST "/subjects/big/versions", big => 413 code(413);
        GET "/subjects/big/versions" => 404 code(40401);
        GET "/associations/resources/-/orders?resourceType=topic&associationType=value" => 200 is(json!([]));
        GET "/" => 200 is(json!({}));
        GET "/contexts" => 200 is(json!(["."]));
        GET "/v1/metadata/version" => 200 has(json!({"commitId": ""}));
        GET "/v1/metadata/deployment" => 200 is(json!({"attributes": []}));
        GET "/subjects/a%01b/versions" => 422 code(42208);
        GET "/health/live" => 200 is(json!({"status": "live"}));
        GET "/health/ready" => 200 is(json!({"status": "ready"}));
    );
    let post = |body: &'static str, content_type: Option<&'static str>| {
        let server = &server;
        async move {
            server
                .raw("POST", "/subjects/s/versions", Some(body), content_type)
                .await
        }
    };
    let malformed = post("{\"schema\": ", Some("application/json")).await;
    assert_eq!((malformed.status, malformed.code()), (400, 400));
    assert!(
        malformed.message().contains("not valid JSON") && malformed.message().contains("line 1"),
        "{}",
        malformed.text
    );
    let wrong_shape = server
        .post("/subjects/s/versions", &json!({"schema": 5}))
        .await;
    assert!(
        wrong_shape.message().contains("invalid type"),
        "{}",
        wrong_shape.text
    );
    assert_eq!(post("", Some("application/json")).await.status, 400);
    let body: &'static str = r#"{"schemaType": "JSON", "schema": "{\"type\": \"string\"}"}"#;
    assert_eq!(post(body, Some("text/plain")).await.code(), 415);
    for content_type in [
        None,
        Some("application/json"),
        Some("application/octet-stream"),
        Some("application/vnd.schemaregistry+json"),
    ] {
        let answer = post(body, content_type).await;
        assert_eq!(answer.status, 200, "{content_type:?}: {}", answer.text);
    }
    let too_large = server
        .post(
            "/subjects/big/versions",
            &json!({"schema": "x".repeat(3000)}),
        )
        .await;
    assert!(too_large.message().contains("2048"), "{}", too_large.text);

    assert_eq!(
        server.get("/subjects").await.content_type,
        "application/vnd.schemaregistry.v1+json"
    );
    let json_only = reqwest::Client::new()
        .get(format!("{}/subjects", server.base))
        .header("Accept", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(json_only.headers()["content-type"], "application/json");

    let metrics = server.get("/metrics").await;
    assert!(
        metrics.content_type.starts_with("text/plain"),
        "{}",
        metrics.content_type
    );
    for needle in [
        "charter_http_requests_total{route=\"/subjects/{subject}/versions\",method=\"POST\",status=\"413\"} 2",
        "charter_http_request_duration_seconds_bucket{route=\"/subjects\",le=\"+Inf\"}",
        "charter_http_requests_total{route=\"unmatched\",method=\"GET\",status=\"404\"} 1",
        "charter_schemas_stored 1",
    ] {
        assert!(
            metrics.text.contains(needle),
            "{needle} missing from:\n{}",
            metrics.text
        );
    }
}

#[tokio::test]
async fn logs_are_json_when_asked() {
    let mut server = Server::start_with(&["--log-format", "json", "--log-level", "debug"]);
    steps!(server;
        POST "/subjects/logged/versions", schema(&string_id()) => 200 has(json!({"id": 1}));
    );
    assert!(server.terminate(), "clean exit");
    let stderr = server.stderr();
    let request_line = stderr
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .find(|l| {
            l["fields"]["message"] == "request finished"
                && l["span"]["route"] == "/subjects/{subject}/versions"
        })
        .unwrap_or_else(|| panic!("no request log line in:\n{stderr}"));
    let span = &request_line["span"];
    assert_eq!(
        (span["method"].as_str(), span["subject"].as_str()),
        (Some("POST"), Some("logged"))
    );
    assert_eq!(span["status"], 200);
    assert!(span["latency_ms"].is_number(), "{request_line}");
}

#[tokio::test]
async fn avro_resolved_format_inlines_referenced_types() {
    let server = Server::start();
    let customer = json!({"schema": r#"{"type":"record","name":"Customer","namespace":"com.acme","fields":[{"name":"email","type":"string"}]}"#});
    let order = json!({
        "schema": r#"{"type":"record","name":"Order","namespace":"com.acme","fields":[{"name":"buyer","type":"Customer"},{"name":"seller","type":"com.acme.Customer"}]}"#,
        "references": [{"name": "com.acme.Customer", "subject": "customer", "version": 1}]
    });
    steps!(server;
        POST "/subjects/customer/versions", customer => 200 has(json!({"id": 1}));
        POST "/subjects/order/versions", order => 200 has(json!({"id": 2}));
    );
    let plain = server.get("/schemas/ids/2").await.body;
    let resolved = server.get("/schemas/ids/2?format=resolved").await.body;
    let text = |body: &Value| -> Value {
        serde_json::from_str(body["schema"].as_str().expect("a schema text")).expect("JSON")
    };
    // Stored: the reference by name, as written. Resolved: the record in
    // full at its first use, by name after that.
    assert_eq!(text(&plain)["fields"][0]["type"], "Customer");
    let resolved = text(&resolved);
    assert_eq!(resolved["fields"][0]["type"]["name"], "com.acme.Customer");
    assert_eq!(resolved["fields"][0]["type"]["fields"][0]["name"], "email");
    assert_eq!(resolved["fields"][1]["type"], "com.acme.Customer");
}
