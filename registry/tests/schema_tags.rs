//! Schema tags (issue #13), as the Confluent Schema Registry does them:
//! `schemaTagsToAdd`/`schemaTagsToRemove` on registration write
//! `confluent:tags` into the schema's records and fields (so the tagged
//! schema is a new schema with its own id), `propagateSchemaTags` carries
//! the latest version's tags over, `POST .../versions/{v}/tags` makes a new
//! version with tags changed, and `findTags` on reads lists the tagged
//! entities in `schemaTags`. A path naming nothing is 422 42201 naming the
//! path, and nothing is stored. Protobuf answers 422: not supported yet.

mod common;

use common::{Answer, Server};
use serde_json::{Value, json};

/// An Avro schema as submitted, and as served (whitespace gone).
const AVRO: &str = r#"{"type": "record", "name": "Order", "namespace": "shop",
  "fields": [
    {"name": "id", "type": "string"},
    {"name": "customer", "type": {"type": "record", "name": "Customer",
      "fields": [{"name": "ssn", "type": "string", "doc": "tax id"}]}}
  ]}"#;
const AVRO_SERVED: &str = r#"{"type":"record","name":"Order","namespace":"shop","fields":[{"name":"id","type":"string"},{"name":"customer","type":{"type":"record","name":"Customer","fields":[{"name":"ssn","type":"string","doc":"tax id"}]}}]}"#;
/// Tagged: `shop.Customer.ssn` PII and `shop.Order` ORDER, each list added
/// last in its object, every other byte as submitted.
const AVRO_TAGGED: &str = r#"{"type":"record","name":"Order","namespace":"shop","fields":[{"name":"id","type":"string"},{"name":"customer","type":{"type":"record","name":"Customer","fields":[{"name":"ssn","type":"string","doc":"tax id","confluent:tags":["PII"]}]}}],"confluent:tags":["ORDER"]}"#;

const JSON_SCHEMA: &str = r#"{"type": "object",
  "properties": {"ssn": {"type": "string"}, "address": {"type": "object",
    "properties": {"zip": {"type": "string"}}}}}"#;
const JSON_TAGGED: &str = r#"{"type":"object","properties":{"ssn":{"type":"string","confluent:tags":["PII"]},"address":{"type":"object","properties":{"zip":{"type":"string","confluent:tags":["PII","GEO"]}}}}}"#;

const PROTO: &str = "syntax = \"proto3\";\nmessage Order {\n  string ssn = 1;\n}\n";

fn entity(path: &str, entity_type: &str, tags: &[&str]) -> Value {
    json!({"schemaEntity": {"entityPath": path, "entityType": entity_type}, "tags": tags})
}

fn body(schema_type: &str, schema: &str, extra: Value) -> Value {
    let mut body = json!({"schemaType": schema_type, "schema": schema});
    body.as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    body
}

async fn register(server: &Server, subject: &str, body: &Value) -> Answer {
    server
        .post(&format!("/subjects/{subject}/versions"), body)
        .await
}

fn ok(answer: &Answer) -> &Value {
    assert_eq!(answer.status, 200, "{}", answer.text);
    &answer.body
}

/// The versions of a subject (404 when it has none).
async fn versions(server: &Server, subject: &str) -> Answer {
    server.get(&format!("/subjects/{subject}/versions")).await
}

#[tokio::test]
async fn avro_tags_at_registration_are_in_the_served_text_and_found() {
    let server = Server::start();
    let add = json!({"schemaTagsToAdd": [
        entity("shop.Customer.ssn", "sr_field", &["PII"]),
        entity("shop.Order", "sr_record", &["ORDER"]),
    ]});
    let registered = register(&server, "orders-value", &body("AVRO", AVRO, add)).await;
    let id = ok(&registered)["id"].as_i64().unwrap();
    assert_eq!(registered.body["schema"], AVRO_TAGGED);
    let served = server.get("/subjects/orders-value/versions/1").await;
    assert_eq!(ok(&served)["schema"], AVRO_TAGGED);
    assert!(served.body.get("schemaTags").is_none(), "{}", served.text);

    let pii = json!([{"schemaEntity": {"entityPath": "shop.Customer.ssn", "entityType": "sr_field"}, "tags": ["PII"]}]);
    let every = json!([
        {"schemaEntity": {"entityPath": "shop.Order", "entityType": "sr_record"}, "tags": ["ORDER"]},
        {"schemaEntity": {"entityPath": "shop.Customer.ssn", "entityType": "sr_field"}, "tags": ["PII"]},
    ]);
    for (query, expected) in [
        ("findTags=PII", pii.clone()),
        ("findTags=NOPE&findTags=PII", pii),
        ("findTags=*", every.clone()),
    ] {
        for path in [
            format!("/subjects/orders-value/versions/1?{query}"),
            format!("/schemas/ids/{id}?{query}"),
        ] {
            let answer = server.get(&path).await;
            assert_eq!(ok(&answer)["schemaTags"], expected, "GET {path}");
            assert_eq!(answer.body["schema"], AVRO_TAGGED, "GET {path}");
        }
    }
    let none = server
        .get(&format!("/schemas/ids/{id}?findTags=NOPE"))
        .await;
    assert!(ok(&none).get("schemaTags").is_none(), "{}", none.text);

    // Removing the tags is another schema: version 2, the text as first
    // submitted, which is a new id (the untagged schema was never stored).
    let remove = json!({"schemaTagsToRemove": [
        entity("shop.Customer.ssn", "sr_field", &["PII"]),
        entity("shop.Order", "sr_record", &["ORDER", "ABSENT"]),
    ]});
    let untagged = register(&server, "orders-value", &body("AVRO", AVRO_TAGGED, remove)).await;
    assert_eq!(ok(&untagged)["version"], 2);
    assert_ne!(untagged.body["id"].as_i64().unwrap(), id);
    assert_eq!(untagged.body["schema"], AVRO_SERVED);
    let plain = server.register_text("orders-value", "AVRO", AVRO).await;
    assert_eq!(ok(&plain)["version"], 2, "the plain text is version 2's");
    let found = server
        .get("/subjects/orders-value/versions/2?findTags=*")
        .await;
    assert!(ok(&found).get("schemaTags").is_none(), "{}", found.text);
}

#[tokio::test]
async fn json_schema_tags_use_confluent_paths_and_propagate() {
    let server = Server::start();
    let add = json!({"schemaTagsToAdd": [
        entity("object.ssn", "sr_field", &["PII"]),
        entity("object.address.object.zip", "sr_field", &["PII", "GEO"]),
    ]});
    let registered = register(&server, "people-value", &body("JSON", JSON_SCHEMA, add)).await;
    assert_eq!(ok(&registered)["schema"], JSON_TAGGED);
    let geo = server
        .get("/subjects/people-value/versions/latest?findTags=GEO")
        .await;
    assert_eq!(
        ok(&geo)["schemaTags"],
        json!([{"schemaEntity": {"entityPath": "object.address.object.zip", "entityType": "sr_field"}, "tags": ["PII", "GEO"]}])
    );

    // A compatible change sent without tags: with propagateSchemaTags the
    // latest version's tags are carried over, without it they are not.
    let next = r#"{"type":"object","properties":{"ssn":{"type":"string"},"address":{"type":"object","properties":{"zip":{"type":"string"}}}},"title":"Person"}"#;
    let carried = register(
        &server,
        "people-value",
        &body("JSON", next, json!({"propagateSchemaTags": true})),
    )
    .await;
    assert_eq!(ok(&carried)["version"], 2);
    assert_eq!(
        carried.body["schema"],
        r#"{"type":"object","properties":{"ssn":{"type":"string","confluent:tags":["PII"]},"address":{"type":"object","properties":{"zip":{"type":"string","confluent:tags":["PII","GEO"]}}}},"title":"Person"}"#
    );
    let dropped = register(&server, "people-value", &body("JSON", next, json!({}))).await;
    assert_eq!(ok(&dropped)["version"], 3);
    assert_eq!(dropped.body["schema"], next);
    // The latest (version 3) has no tags: propagation adds none.
    let again = register(
        &server,
        "people-value",
        &body("JSON", next, json!({"propagateSchemaTags": true})),
    )
    .await;
    assert_eq!(ok(&again)["version"], 3);
}

#[tokio::test]
async fn the_tags_endpoint_makes_a_new_version_with_the_tags_changed() {
    let server = Server::start();
    let metadata = json!({"properties": {"owner": "payments"}});
    let first = register(
        &server,
        "orders-value",
        &body("AVRO", AVRO, json!({"metadata": metadata})),
    )
    .await;
    let first_id = ok(&first)["id"].as_i64().unwrap();
    let tag = json!({"newVersion": 2, "tagsToAdd": [
        entity("Customer.ssn", "sr_field", &["PII"]),
        entity("Order", "sr_record", &["ORDER"]),
    ]});
    let tagged = server
        .post("/subjects/orders-value/versions/1/tags", &tag)
        .await;
    assert_eq!(ok(&tagged)["version"], 2);
    assert_ne!(tagged.body["id"].as_i64().unwrap(), first_id);
    assert_eq!(tagged.body["schema"], AVRO_TAGGED);
    let latest = server.get("/subjects/orders-value/versions/latest").await;
    assert_eq!(ok(&latest)["schema"], AVRO_TAGGED);
    assert_eq!(
        latest.body["metadata"], metadata,
        "the version's metadata carries on"
    );

    // Removing, with new metadata, from the latest.
    let untag = json!({"tagsToRemove": [entity("shop.Order", "sr_record", &["ORDER"])],
                       "metadata": {"properties": {"owner": "billing"}}});
    let removed = server
        .post("/subjects/orders-value/versions/latest/tags", &untag)
        .await;
    assert_eq!(ok(&removed)["version"], 3);
    assert_eq!(
        removed.body["schema"],
        AVRO_TAGGED.replace(r#","confluent:tags":["ORDER"]"#, "")
    );
    assert_eq!(removed.body["metadata"]["properties"]["owner"], "billing");

    // `newVersion` must be the next one; an unknown version is 40402.
    let stale = server
        .post(
            "/subjects/orders-value/versions/1/tags",
            &json!({"newVersion": 2, "tagsToAdd": [entity("Order", "sr_record", &["X"])]}),
        )
        .await;
    assert_eq!((stale.status, stale.code()), (422, 42201), "{}", stale.text);
    let missing = server
        .post("/subjects/orders-value/versions/9/tags", &tag)
        .await;
    assert_eq!(
        (missing.status, missing.code()),
        (404, 40402),
        "{}",
        missing.text
    );
    let listed = versions(&server, "orders-value").await;
    assert_eq!(ok(&listed), &json!([1, 2, 3]));
}

/// Asserts a 422 42201 whose message names `naming`.
fn refused(answer: &Answer, naming: &str) {
    assert_eq!(
        (answer.status, answer.code()),
        (422, 42201),
        "{}",
        answer.text
    );
    assert!(
        answer.message().contains(naming),
        "{naming}: {}",
        answer.text
    );
}

#[tokio::test]
async fn a_path_naming_nothing_is_refused_with_the_path_and_nothing_is_stored() {
    let server = Server::start();
    let add = |path: &str| json!({"schemaTagsToAdd": [entity(path, "sr_field", &["PII"])]});
    let answer = register(
        &server,
        "orders-value",
        &body("AVRO", AVRO, add("shop.Order.nope")),
    )
    .await;
    refused(
        &answer,
        "no matching path 'shop.Order.nope' found in the schema",
    );
    assert_eq!(versions(&server, "orders-value").await.status, 404);
    let answer = register(
        &server,
        "people-value",
        &body("JSON", JSON_SCHEMA, add("object.address.object.nope")),
    )
    .await;
    refused(&answer, "'object.address.object.nope'");

    // A malformed tag list names the field.
    let unnamed = json!([{"schemaEntity": {"entityType": "sr_field"}, "tags": []}]);
    for (extra, at) in [
        (
            json!({"schemaTagsToAdd": [entity("object.ssn", "SR_FIELD", &["PII"])]}),
            "schemaTagsToAdd[0].schemaEntity.entityType",
        ),
        (
            json!({"schemaTagsToRemove": unnamed}),
            "schemaTagsToRemove[0].schemaEntity",
        ),
        (
            json!({"schemaTagsToAdd": {"object.ssn": ["PII"]}}),
            "schemaTagsToAdd",
        ),
    ] {
        let answer = register(&server, "people-value", &body("JSON", JSON_SCHEMA, extra)).await;
        refused(&answer, at);
    }
    assert_eq!(versions(&server, "people-value").await.status, 404);

    // The tags endpoint: a bad path changes nothing either.
    ok(&server
        .register_text("people-value", "JSON", JSON_SCHEMA)
        .await);
    let tag = json!({"tagsToAdd": [entity("object.nope", "sr_field", &["PII"])]});
    let answer = server
        .post("/subjects/people-value/versions/1/tags", &tag)
        .await;
    refused(&answer, "'object.nope'");
    assert_eq!(ok(&versions(&server, "people-value").await), &json!([1]));
}

#[tokio::test]
async fn protobuf_tags_are_refused_as_not_supported_yet() {
    let server = Server::start();
    let add = json!({"schemaTagsToAdd": [entity("Order.ssn", "sr_field", &["PII"])]});
    let answer = register(
        &server,
        "orders-proto",
        &body("PROTOBUF", PROTO, add.clone()),
    )
    .await;
    refused(&answer, "tags on PROTOBUF schemas are not supported yet");
    assert_eq!(versions(&server, "orders-proto").await.status, 404);

    ok(&server
        .register_text("orders-proto", "PROTOBUF", PROTO)
        .await);
    let propagate = body("PROTOBUF", PROTO, json!({"propagateSchemaTags": true}));
    let tag = json!({"tagsToAdd": add["schemaTagsToAdd"]});
    for answer in [
        server
            .get("/subjects/orders-proto/versions/1?findTags=*")
            .await,
        server
            .post("/subjects/orders-proto/versions/1/tags", &tag)
            .await,
        register(&server, "orders-proto", &propagate).await,
    ] {
        refused(&answer, "tags on PROTOBUF schemas are not supported yet");
    }
    // Without findTags a Protobuf version reads as before.
    ok(&server.get("/subjects/orders-proto/versions/1").await);
    assert_eq!(ok(&versions(&server, "orders-proto").await), &json!([1]));
}

#[tokio::test]
async fn a_normalized_registration_keeps_its_tags_in_the_normalized_form() {
    let server = Server::start();
    let add = json!({"schemaTagsToAdd": [entity("shop.Customer.ssn", "sr_field", &["PII"])]});
    let registered = server
        .post(
            "/subjects/orders-value/versions?normalize=true",
            &body("AVRO", AVRO, add),
        )
        .await;
    let schema = ok(&registered)["schema"].as_str().unwrap().to_string();
    assert!(
        schema.contains(r#""name":"Order","namespace":"shop""#),
        "normalized: {schema}"
    );
    assert!(
        schema.contains(r#""doc":"tax id","confluent:tags":["PII"]}"#),
        "{schema}"
    );
    let found = server
        .get("/subjects/orders-value/versions/1?findTags=PII")
        .await;
    assert_eq!(
        ok(&found)["schemaTags"],
        json!([{"schemaEntity": {"entityPath": "shop.Customer.ssn", "entityType": "sr_field"}, "tags": ["PII"]}])
    );
}
