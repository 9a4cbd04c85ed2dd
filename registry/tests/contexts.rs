//! Schema contexts (the peer's `:.ctx:subject` names, issue #13): a subject
//! of a context has the context's own ids, config and mode; reads by id
//! naming such a subject read the context's ids (40403 when the id is not
//! in it); `/contexts/{ctx}/...` qualifies the names under it; `GET
//! /contexts` lists the contexts and `DELETE /contexts/{ctx}` removes an
//! empty one; everything survives a restart, and a database made before
//! contexts keeps every id on migration.

mod common;

use common::Server;
use common::auth::{basic, hash, start_with_auth};
use common::postgres::TestDatabase;
use common::steps::{code, has, is, step};
use serde_json::{Value, json};

/// A JSON Schema of one type, as a registration body.
fn json_type(name: &str) -> Value {
    json!({"schemaType": "JSON", "schema": json!({"type": name}).to_string()})
}

#[tokio::test]
async fn a_context_has_its_own_ids_config_and_mode() {
    let server = Server::start();
    steps!(server;
        POST "/subjects/orders/versions", json_type("string") => 200 has(json!({"id": 1}));
        POST "/subjects/other/versions", json_type("integer") => 200 has(json!({"id": 2}));
        // The first schema of `.ctx1` is its id 1, whatever the default
        // context holds.
        POST "/subjects/:.ctx1:orders/versions", json_type("boolean") => 200 has(json!({"id": 1}));
        GET "/subjects/:.ctx1:orders/versions/1" => 200 has(json!({"id": 1, "version": 1,
            "subject": ":.ctx1:orders", "schema": "{\"type\":\"boolean\"}"}));
        POST "/subjects/:.ctx1:orders", json_type("boolean") => 200 has(json!({"id": 1, "version": 1}));
        // By id, the subject picks the context.
        GET "/schemas/ids/1?subject=:.ctx1:orders" => 200 has(json!({
            "schema": "{\"type\":\"boolean\"}", "subject": ":.ctx1:orders", "version": 1}));
        GET "/schemas/ids/1?subject=:.ctx1:" => 200 has(json!({"schema": "{\"type\":\"boolean\"}"}));
        GET "/schemas/ids/1/schema?subject=:.ctx1:orders" => 200 is(json!({"type": "boolean"}));
        GET "/schemas/ids/2?subject=:.ctx1:orders" => 404 code(40403);
        GET "/schemas/ids/1?subject=:.ctx2:orders" => 404 code(40403);
        GET "/schemas/ids/1" => 200 has(json!({"schema": "{\"type\":\"string\"}"}));
        GET "/schemas/ids/1?subject=orders" => 200 has(json!({
            "schema": "{\"type\":\"string\"}", "subject": "orders", "version": 1}));
        GET "/schemas/ids/1?subject=:.:orders" => 200 has(json!({"subject": "orders"}));
        GET "/schemas/ids/1/versions?subject=:.ctx1:" => 200 is(json!([{"subject": ":.ctx1:orders", "version": 1}]));
        GET "/schemas/ids/1/subjects?subject=:.ctx1:orders" => 200 is(json!([":.ctx1:orders"]));
        GET "/schemas/ids/1/versions" => 200 is(json!([{"subject": "orders", "version": 1}]));
        GET "/schemas/ids/1?subject=:.ctx1:orders&fetchMaxId=true" => 200 has(json!({"maxId": 1}));
    );
    // The same content in two contexts: one schema, an id in each.
    let shared = step(
        &server,
        "POST",
        "/subjects/:.ctx1:copy/versions",
        Some(&json_type("integer")),
        200,
        &has(json!({"id": 2})),
    )
    .await;
    let guid = server.get("/schemas/ids/2").await.body["guid"].clone();
    assert!(guid.is_string(), "{}", shared.text);
    steps!(server;
        GET format!("/schemas/guids/{}/ids", guid.as_str().unwrap()) => 200
            is(json!([{"context": ".", "id": 2}, {"context": ".ctx1", "id": 2}]));
        // An unqualified subject not holding the id in the default context
        // finds the context where it does (the peer's fallback).
        GET "/schemas/ids/2?subject=copy" => 200 has(json!({"subject": ":.ctx1:copy", "version": 1}));
        // An id only a context holds is not the default context's.
        POST "/subjects/:.ctx1:only/versions", json_type("null") => 200 has(json!({"id": 3}));
    );
    steps!(server;
        // The contents only `.ctx1` holds are stored as rows 3 and 4,
        // numbers the default context never handed out: no ids there (its
        // next id skips them).
        GET "/schemas/ids/3" => 404 code(40403);
        GET "/schemas/ids/4" => 404 code(40403);
        GET "/schemas/ids/3?subject=:.ctx1:only" => 200 has(json!({"schema": "{\"type\":\"null\"}"}));
        POST "/subjects/third/versions", json_type("array") => 200 has(json!({"id": 5}));
    );

    // Context-level config and mode apply to the context's subjects.
    steps!(server;
        POST "/subjects/:.ctx1:orders/versions", json_type("number") => 409 code(40901);
        PUT "/config/:.ctx1:", json!({"compatibility": "NONE"}) => 200 has(json!({"compatibility": "NONE"}));
        GET "/config/:.ctx1:orders?defaultToGlobal=true" => 200 has(json!({"compatibilityLevel": "NONE"}));
        GET "/config/orders?defaultToGlobal=true" => 200 has(json!({"compatibilityLevel": "BACKWARD"}));
        POST "/subjects/:.ctx1:orders/versions", json_type("number") => 200 has(json!({"id": 4}));
        POST "/subjects/orders/versions", json_type("number") => 409 code(40901);
        // A subject's own config still wins over its context's.
        PUT "/config/:.ctx1:orders", json!({"compatibility": "FULL"}) => 200 has(json!({"compatibility": "FULL"}));
        POST "/subjects/:.ctx1:orders/versions", json_type("object") => 409 code(40901);
        PUT "/mode/:.ctx1:", json!({"mode": "READONLY"}) => 200 is(json!({"mode": "READONLY"}));
        GET "/mode/:.ctx1:orders?defaultToGlobal=true" => 200 is(json!({"mode": "READONLY"}));
        POST "/subjects/:.ctx1:new/versions", json_type("string") => 422 code(42205);
        POST "/subjects/new/versions", json_type("object") => 200 has(json!({"id": 7}));
        DELETE "/mode/:.ctx1:" => 200 is(json!({"mode": "READONLY"}));
        POST "/subjects/:.ctx1:new/versions", json_type("string") => 200 has(json!({"id": 5}));
    );
}

#[tokio::test]
async fn references_inside_a_context_name_its_subjects() {
    let server = Server::start();
    let address = json!({"type": "object", "properties": {"street": {"type": "string"}}});
    let person = json!({"type": "object", "properties": {"home": {"$ref": "address.json"}}});
    steps!(server;
        POST "/subjects/filler/versions", json_type("string") => 200 has(json!({"id": 1}));
        POST "/subjects/:.ctx1:address/versions", json!({"schemaType": "JSON", "schema": address.to_string()}) => 200 has(json!({"id": 1}));
        // `address` from a subject of `.ctx1` is `:.ctx1:address`.
        POST "/subjects/:.ctx1:person/versions", json!({"schemaType": "JSON", "schema": person.to_string(),
            "references": [{"name": "address.json", "subject": "address", "version": 1}]}) => 200 has(json!({"id": 2}));
        // Served as posted, as the peer serves it; qualified when asked.
        GET "/subjects/:.ctx1:person/versions/1" => 200 has(json!({"id": 2,
            "references": [{"name": "address.json", "subject": "address", "version": 1}]}));
        GET "/subjects/:.ctx1:person/versions/1?referenceFormat=qualified" => 200 has(json!({"id": 2,
            "references": [{"name": "address.json", "subject": ":.ctx1:address", "version": 1}]}));
        GET "/contexts/.ctx1/subjects/person/versions/latest" => 200 has(json!({
            "references": [{"name": "address.json", "subject": "address", "version": 1}]}));
        GET "/schemas/ids/2?subject=:.ctx1:person" => 200 has(json!({
            "references": [{"name": "address.json", "subject": "address", "version": 1}]}));
        GET "/schemas/ids/2?subject=:.ctx1:&referenceFormat=qualified" => 200 has(json!({
            "references": [{"name": "address.json", "subject": ":.ctx1:address", "version": 1}]}));
        GET "/schemas?subjectPrefix=:.ctx1:person" => 200 has(json!([{"subject": ":.ctx1:person",
            "references": [{"name": "address.json", "subject": "address", "version": 1}]}]));
        // The same reference written with its context is the same schema,
        // and resolves to the same subject.
        POST "/subjects/:.ctx1:person", json!({"schemaType": "JSON", "schema": person.to_string(),
            "references": [{"name": "address.json", "subject": ":.ctx1:address", "version": 1}]}) => 200 has(json!({
            "id": 2, "version": 1, "references": [{"subject": "address"}]}));
        POST "/subjects/:.ctx1:person/versions", json!({"schemaType": "JSON", "schema": person.to_string(),
            "references": [{"name": "address.json", "subject": ":.ctx1:address", "version": 1}]}) => 200 has(json!({"id": 2}));
        GET "/subjects/:.ctx1:person/versions" => 200 is(json!([1]));
        GET "/subjects/:.ctx1:address/versions/1/referencedby" => 200 is(json!([2]));
        // References to the default context and to another context keep
        // their context.
        POST "/subjects/:.ctx2:address/versions", json!({"schemaType": "JSON", "schema": address.to_string()}) => 200 has(json!({"id": 1}));
        POST "/subjects/:.ctx1:pair/versions", json!({"schemaType": "JSON", "schema": json!({"type": "object",
            "properties": {"a": {"$ref": "a.json"}, "b": {"$ref": "b.json"}}}).to_string(),
            "references": [{"name": "a.json", "subject": ":.:filler", "version": 1},
                           {"name": "b.json", "subject": ":.ctx2:address", "version": 1}]}) => 200 has(json!({"id": 3}));
        GET "/subjects/:.ctx1:pair/versions/1" => 200 has(json!({"references": [
            {"name": "a.json", "subject": ":.:filler", "version": 1},
            {"name": "b.json", "subject": ":.ctx2:address", "version": 1}]}));
        DELETE "/subjects/:.ctx1:address/versions/1" => 422 code(42206);
        // The default context has no `address`.
        POST "/subjects/person/versions", json!({"schemaType": "JSON", "schema": person.to_string(),
            "references": [{"name": "address.json", "subject": "address", "version": 1}]}) => 422 code(42201);
    );
}

#[tokio::test]
async fn the_url_prefix_and_the_contexts_resource() {
    let server = Server::start();
    steps!(server;
        GET "/contexts" => 200 is(json!(["."]));
        POST "/subjects/orders/versions", json_type("string") => 200 has(json!({"id": 1}));
        POST "/contexts/.ctx2/subjects/orders/versions", json_type("boolean") => 200 has(json!({"id": 1}));
        GET "/contexts/.ctx2/subjects/orders/versions/1" => 200 has(json!({"id": 1, "subject": ":.ctx2:orders"}));
        GET "/contexts/ctx2/subjects" => 200 is(json!([":.ctx2:orders"]));
        GET "/contexts/.ctx2/schemas/ids/1" => 200 has(json!({"schema": "{\"type\":\"boolean\"}"}));
        GET "/contexts/.ctx2/schemas/ids/1?subject=orders" => 200 has(json!({"subject": ":.ctx2:orders"}));
        PUT "/contexts/.ctx2/config", json!({"compatibility": "FULL"}) => 200 has(json!({"compatibility": "FULL"}));
        GET "/config/:.ctx2:" => 200 has(json!({"compatibilityLevel": "FULL"}));
        GET "/subjects" => 200 is(json!([":.ctx2:orders", "orders"]));
        GET "/contexts" => 200 is(json!([".", ".ctx2"]));
        GET "/contexts?offset=1" => 200 is(json!([".ctx2"]));
        GET "/contexts?limit=1" => 200 is(json!(["."]));
        GET "/contexts?contextPrefix=.ctx" => 200 is(json!([".ctx2"]));
        // Not empty while a version, even soft-deleted, is left.
        DELETE "/contexts/.ctx2" => 422 code(42211);
        DELETE "/subjects/:.ctx2:orders" => 200 is(json!([1]));
        DELETE "/contexts/:.ctx2:" => 422 code(42211);
        DELETE "/subjects/:.ctx2:orders?permanent=true" => 200 is(json!([1]));
        DELETE "/contexts/.ctx2" => 204 is(Value::Null);
        GET "/contexts" => 200 is(json!(["."]));
        DELETE "/contexts/.nothing" => 204 is(Value::Null);
        DELETE "/contexts/a:b" => 422 code(42208);
        // Ids are never handed out twice in a context.
        POST "/subjects/:.ctx2:orders/versions", json_type("integer") => 200 has(json!({"id": 2}));
        GET "/contexts" => 200 is(json!([".", ".ctx2"]));
        GET "/schemas/ids/1?subject=:.ctx2:orders" => 404 code(40403);
    );
    let answer = server.call("DELETE", "/contexts/.ctx2", None).await;
    assert_eq!(
        answer.message(),
        "The specified context ':.ctx2:' is not empty."
    );
}

/// A request by a principal and the status and error code it gets.
type Case<'a> = (&'a str, &'a str, &'a str, Option<&'a Value>, (u16, i64));

/// Permissions apply to the qualified name: a grant on `orders-*` is not
/// one on `:.ctx1:orders-*`, whether the name is written qualified or
/// through the URL prefix; reading an id in a context needs `read` on a
/// subject of that context holding it; the contexts are the
/// administrators'.
#[tokio::test]
async fn permissions_apply_to_the_qualified_name() {
    let mut file = String::new();
    for (name, subjects, permissions) in [
        ("admin", "*", "\"admin\""),
        ("plain", "orders-*", "\"read\", \"write\""),
        ("ctx", ":.ctx1:orders-*", "\"read\", \"write\""),
    ] {
        file.push_str(&format!(
            "[[principals]]\nname = \"{name}\"\npassword_hash = \"{}\"\n\n\
             [[grants]]\nprincipal = \"{name}\"\nsubjects = [\"{subjects}\"]\npermissions = [{permissions}]\n\n",
            hash(&format!("pw-{name}"))
        ));
    }
    let server = start_with_auth(&file, &[], &[]);
    let register = json_type("string");
    let referring = json!({"schemaType": "JSON", "schema": r#"{"$ref":"a.json"}"#,
        "references": [{"name": "a.json", "subject": "orders-a", "version": 1}]});
    // Who, what, and the status and error code (-1: none) it gets.
    #[rustfmt::skip]
    let cases: [Case; 18] = [
        ("plain", "POST", "/subjects/orders-a/versions", Some(&register), (200, -1)),
        ("plain", "POST", "/subjects/:.ctx1:orders-a/versions", Some(&register), (403, 40301)),
        ("plain", "POST", "/contexts/.ctx1/subjects/orders-a/versions", Some(&register), (403, 40301)),
        ("ctx", "POST", "/subjects/orders-a/versions", Some(&register), (403, 40301)),
        ("ctx", "POST", "/contexts/.ctx1/subjects/orders-a/versions", Some(&register), (200, -1)),
        ("ctx", "GET", "/schemas/ids/1?subject=:.ctx1:orders-a", None, (200, -1)),
        ("ctx", "GET", "/contexts/.ctx1/schemas/ids/1", None, (200, -1)),
        ("plain", "GET", "/schemas/ids/1?subject=:.ctx1:orders-a", None, (404, 40403)),
        ("ctx", "GET", "/schemas/ids/1", None, (404, 40403)),
        ("plain", "GET", "/schemas/ids/1", None, (200, -1)),
        ("plain", "GET", "/contexts", None, (403, 40301)),
        ("ctx", "GET", "/contexts", None, (403, 40301)),
        ("plain", "DELETE", "/contexts/.ctx1", None, (403, 40301)),
        ("ctx", "DELETE", "/contexts/.ctx1", None, (403, 40301)),
        ("admin", "GET", "/contexts", None, (200, -1)),
        ("admin", "DELETE", "/contexts/.ctx1", None, (422, 42211)),
        // A context's referrers are its ids, readable by its subjects' readers.
        ("admin", "POST", "/subjects/:.ctx1:orders-b/versions", Some(&referring), (200, -1)),
        ("ctx", "GET", "/subjects/:.ctx1:orders-a/versions/1/referencedby", None, (200, -1)),
    ];
    for (who, method, path, body, expected) in cases {
        let authorization = basic(who, &format!("pw-{who}"));
        let answer = server
            .call_as(Some(&authorization), method, path, body)
            .await;
        assert_eq!(
            (answer.status, answer.code()),
            expected,
            "{method} {path} as {who}: {}",
            answer.text
        );
    }
    let ctx = basic("ctx", "pw-ctx");
    let path = "/subjects/:.ctx1:orders-a/versions/1/referencedby";
    let referrers = server.call_as(Some(&ctx), "GET", path, None).await;
    assert_eq!(referrers.body, json!([2]), "{}", referrers.text);
}

/// What a restart must keep: ids, config and the list of contexts.
async fn expect_kept(server: &Server) {
    steps!(server;
        GET "/schemas/ids/1?subject=:.ctx1:orders" => 200 has(json!({"schema": "{\"type\":\"boolean\"}"}));
        GET "/schemas/ids/1" => 200 has(json!({"schema": "{\"type\":\"string\"}"}));
        GET "/config/:.ctx1:" => 200 has(json!({"compatibilityLevel": "NONE"}));
        GET "/contexts" => 200 is(json!([".", ".ctx1"]));
        POST "/subjects/:.ctx1:orders/versions", json_type("integer") => 200 has(json!({"id": 2}));
    );
}

#[tokio::test]
async fn a_restart_keeps_the_contexts() {
    let mut server = Server::start();
    steps!(server;
        POST "/subjects/orders/versions", json_type("string") => 200 has(json!({"id": 1}));
        POST "/subjects/:.ctx1:orders/versions", json_type("boolean") => 200 has(json!({"id": 1}));
        PUT "/config/:.ctx1:", json!({"compatibility": "NONE"}) => 200 has(json!({"compatibility": "NONE"}));
    );
    let url = server.database_url();
    assert!(server.terminate(), "the registry stops cleanly");
    let restarted = Server::start_at(&url, &[]);
    expect_kept(&restarted).await;
}

/// Rows as the release before contexts wrote them: `:.ctx1:orders` was a
/// literal subject name holding id 5, beside `orders` with 3 and 4.
const OLD_ROWS: [&str; 4] = [
    "INSERT INTO schemas (id, content_key, canonical_key, schema_type, schema) VALUES \
     (3, 'k3', 'k3', 'JSON', '{\"type\":\"string\"}'), \
     (4, 'k4', 'k4', 'JSON', '{\"type\":\"integer\"}'), \
     (5, 'k5', 'k5', 'JSON', '{\"type\":\"boolean\"}')",
    "INSERT INTO subjects (name, generation) VALUES ('orders', 2), (':.ctx1:orders', 1)",
    "INSERT INTO versions (subject, version, schema_id, registered_at) VALUES \
     ('orders', 1, 3, 1000), ('orders', 2, 4, 1001), (':.ctx1:orders', 1, 5, 1002)",
    "INSERT INTO configs (scope, compatibility) VALUES (':.ctx1:', 'NONE')",
];

async fn expect_migrated(server: &Server) {
    steps!(server;
        GET "/subjects/orders/versions/1" => 200 has(json!({"id": 3}));
        GET "/subjects/orders/versions/2" => 200 has(json!({"id": 4}));
        GET "/schemas/ids/4" => 200 has(json!({"schema": "{\"type\":\"integer\"}"}));
        // The qualified subject now lives in `.ctx1`, with the id it had.
        GET "/subjects/:.ctx1:orders/versions/1" => 200 has(json!({"id": 5}));
        GET "/schemas/ids/5?subject=:.ctx1:orders" => 200 has(json!({"schema": "{\"type\":\"boolean\"}", "version": 1}));
        GET "/schemas/ids/5" => 404 code(40403);
        GET "/contexts" => 200 is(json!([".", ".ctx1"]));
        // The default context continues above every id stored.
        POST "/subjects/new/versions", json_type("null") => 200 has(json!({"id": 6}));
        // So does the context, and its config became the context's.
        POST "/subjects/:.ctx1:orders/versions", json_type("number") => 200 has(json!({"id": 6}));
        POST "/subjects/:.ctx1:other/versions", json_type("null") => 200 has(json!({"id": 7}));
        GET "/schemas/ids/6?subject=:.ctx1:orders" => 200 has(json!({"schema": "{\"type\":\"number\"}"}));
        GET "/schemas/ids/6" => 200 has(json!({"schema": "{\"type\":\"null\"}"}));
    );
}

#[tokio::test]
async fn an_sqlite_database_from_before_contexts_keeps_every_id() {
    let dir = common::temp_dir();
    let url = format!("sqlite://{}", dir.path().join("old.db").display());
    common::database_before(&url, 7, &OLD_ROWS).await;
    let server = Server::start_at(&url, &[]);
    expect_migrated(&server).await;
}

#[tokio::test]
async fn a_postgres_database_from_before_contexts_keeps_every_id() {
    let Some(db) = TestDatabase::create("contexts_migration").await else {
        return;
    };
    let sequence = "SELECT setval(pg_get_serial_sequence('schemas', 'id'), 5)";
    common::database_before(&db.url, 7, &[&OLD_ROWS[..], &[sequence]].concat()).await;
    let server = Server::start_at(&db.url, &[]);
    expect_migrated(&server).await;
}
