//! Schema GUIDs (the peer's 8.0+ `guid`, issue #13): every schema has one,
//! the same for the same content in every registry, returned wherever the
//! peer returns it, and `/schemas/guids/{guid}` finds the schema; a database
//! made before GUIDs existed gets them on migration, nothing renumbered.

mod common;

use common::postgres::TestDatabase;
use common::steps::{code, has, is, step};
use common::{Server, closed};
use serde_json::{Value, json};

fn avro(name: &str) -> Value {
    json!({"schema": json!({"type": "record", "name": name, "namespace": "guid.test",
        "fields": [{"name": "id", "type": "long"}]}).to_string()})
}

async fn register(server: &Server, subject: &str, body: &Value) -> common::Answer {
    let answer = server
        .post(&format!("/subjects/{subject}/versions"), body)
        .await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    answer
}

fn is_uuid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.iter().map(|g| g.len()).eq([8, 4, 4, 4, 12])
        && groups.iter().all(|g| {
            g.chars()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
        })
}

#[tokio::test]
async fn every_schema_has_a_guid_wherever_the_peer_returns_one() {
    let server = Server::start();
    let registered = step(
        &server,
        "POST",
        "/subjects/users-value/versions",
        Some(&avro("User")),
        200,
        &has(json!({"id": 1})),
    )
    .await;
    let guid = registered.body["guid"].as_str().expect("guid").to_string();
    assert!(is_uuid(&guid), "{guid}");
    let upper = guid.to_ascii_uppercase();
    steps!(server;
        GET "/schemas/ids/1" => 200 has(json!({"guid": guid}));
        GET "/schemas/ids/1?subject=users-value" => 200 has(json!({"guid": guid, "version": 1}));
        GET "/subjects/users-value/versions/1" => 200 has(json!({"guid": guid}));
        GET "/subjects/users-value/versions/latest" => 200 has(json!({"guid": guid}));
        POST "/subjects/users-value", avro("User") => 200 has(json!({"guid": guid, "id": 1}));
        GET "/schemas" => 200 has(json!([{"guid": guid}]));
        // The same content under another subject is the same schema.
        POST "/subjects/copy-value/versions", avro("User") => 200 has(json!({"id": 1, "guid": guid}));
        GET format!("/schemas/guids/{guid}") => 200 has(json!({"schemaType": "AVRO", "guid": guid}));
        GET format!("/schemas/guids/{upper}") => 200 has(json!({"guid": guid}));
        GET format!("/schemas/guids/{guid}/") => 200 has(json!({"guid": guid}));
        GET format!("/schemas/guids/{guid}/ids") => 200 is(json!([{"context": ".", "id": 1}]));
        GET "/schemas/guids/00000000-0000-8000-8000-000000000000" => 404 code(40403);
        GET "/schemas/guids/not-a-guid/ids" => 404 code(40403);
    );
    // Reads by GUID name neither a subject nor a version, as the peer's.
    let by_guid = server.get(&format!("/schemas/guids/{guid}")).await;
    assert!(
        by_guid.body.get("subject").is_none() && by_guid.body.get("version").is_none(),
        "{}",
        by_guid.text
    );
    assert_eq!(
        by_guid.body["schema"],
        server.get("/schemas/ids/1").await.body["schema"]
    );
    let missing = server
        .get("/schemas/guids/00000000-0000-8000-8000-000000000000")
        .await;
    assert!(
        missing
            .message()
            .contains("00000000-0000-8000-8000-000000000000"),
        "{}",
        missing.text
    );
    // Another schema has another GUID.
    let other = register(&server, "orders-value", &avro("Order")).await;
    assert_ne!(other.body["guid"], json!(guid));
    assert!(is_uuid(other.body["guid"].as_str().unwrap()));
    // A permanently deleted schema is gone by GUID too.
    steps!(server;
        DELETE "/subjects/orders-value" => 200 is(json!([1]));
        DELETE "/subjects/orders-value?permanent=true" => 200 is(json!([1]));
        GET format!("/schemas/guids/{}", other.body["guid"].as_str().unwrap()) => 404 code(40403);
    );
}

/// The GUID depends on the content alone: a second registry with other ids
/// gives the same content the same GUID, so GUID-framed messages stay
/// readable when a registry is copied.
#[tokio::test]
async fn the_same_content_has_the_same_guid_in_every_registry() {
    let first = Server::start();
    let second = Server::start();
    let a = register(&first, "users-value", &avro("User")).await;
    register(&second, "filler", &avro("Filler")).await;
    let b = register(&second, "users-value", &avro("User")).await;
    assert_ne!(a.body["id"], b.body["id"]);
    assert_eq!(a.body["guid"], b.body["guid"]);
    let c = register(
        &second,
        "json-value",
        &json!({"schemaType": "JSON",
        "schema": closed(json!({"id": {"type": "string"}})).to_string()}),
    )
    .await;
    assert_ne!(c.body["guid"], a.body["guid"]);
}

/// Rows as the release before GUIDs wrote them: schema 7 (and 9, which no
/// version holds any more) with real content keys.
const OLD_ROWS: [&str; 3] = [
    "INSERT INTO schemas (id, content_key, schema_type, schema) VALUES \
     (7, '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08', 'JSON', '{\"type\":\"string\"}'), \
     (9, '60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752', 'JSON', '{\"type\":\"integer\"}')",
    "INSERT INTO subjects (name, generation) VALUES ('old-value', 1)",
    "INSERT INTO versions (subject, version, schema_id, registered_at) VALUES ('old-value', 1, 7, 1000)",
];

async fn expect_migrated(server: &Server) {
    steps!(server;
        GET "/subjects/old-value/versions/1" => 200 has(json!({"id": 7, "version": 1,
            "guid": "9f86d081-884c-8d65-9a2f-eaa0c55ad015"}));
        GET "/schemas/guids/9f86d081-884c-8d65-9a2f-eaa0c55ad015" => 200 has(json!({"schema": "{\"type\":\"string\"}"}));
        GET "/schemas/guids/9f86d081-884c-8d65-9a2f-eaa0c55ad015/ids" => 200 is(json!([{"context": ".", "id": 7}]));
        // New schemas continue above the old ids.
        POST "/subjects/new-value/versions", json!({"schemaType": "JSON", "schema": "{\"type\":\"boolean\"}"}) => 200 has(json!({"id": 10}));
    );
}

#[tokio::test]
async fn an_sqlite_database_from_before_guids_gets_them_on_migration() {
    let dir = common::temp_dir();
    let url = format!("sqlite://{}", dir.path().join("old.db").display());
    let sequence = "UPDATE sqlite_sequence SET seq = 9 WHERE name = 'schemas'";
    common::database_before(&url, 4, &[&OLD_ROWS[..], &[sequence]].concat()).await;
    let server = Server::start_at(&url, &[]);
    expect_migrated(&server).await;
}

#[tokio::test]
async fn a_postgres_database_from_before_guids_gets_them_on_migration() {
    let Some(db) = TestDatabase::create("guids_migration").await else {
        return;
    };
    let sequence = "SELECT setval(pg_get_serial_sequence('schemas', 'id'), 9)";
    common::database_before(&db.url, 4, &[&OLD_ROWS[..], &[sequence]].concat()).await;
    let server = Server::start_at(&db.url, &[]);
    expect_migrated(&server).await;
}
