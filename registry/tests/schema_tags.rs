//! Schema tags (issue #13), as the Confluent Schema Registry does them:
//! `schemaTagsToAdd`/`schemaTagsToRemove` on registration write
//! `confluent:tags` into the schema's records and fields (so the tagged
//! schema is a new schema with its own id), `propagateSchemaTags` carries
//! the latest version's tags over, `POST .../versions/{v}/tags` makes a new
//! version with tags changed, and `findTags` on reads lists the tagged
//! entities in `schemaTags`. A path naming nothing is 422 42201 naming the
//! path, and nothing is stored.

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
    // The latest (version 3) has no tags: propagation adds none. As in
    // Confluent, whose registration with `propagateSchemaTags` does not
    // look the schema up as sent, the schema inherits version 3's
    // `confluent:version` (recorded since the tagged version 1), which is
    // set to 4: a new version of the same text.
    let again = register(
        &server,
        "people-value",
        &body("JSON", next, json!({"propagateSchemaTags": true})),
    )
    .await;
    assert_eq!(ok(&again)["version"], 4);
    assert_eq!(again.body["schema"], next);
    assert_eq!(
        again.body["metadata"]["properties"]["confluent:version"],
        "4"
    );
    // Sent plainly, the schema is found (the property is ignored when only
    // the stored side has it).
    let plain = register(&server, "people-value", &body("JSON", next, json!({}))).await;
    assert_eq!(ok(&plain)["version"], 4);
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
        latest.body["metadata"],
        json!({"properties": {"owner": "payments", "confluent:version": "2"}}),
        "the version's metadata carries on, with the version recorded"
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

/// Protobuf tags as Confluent writes them (`ProtobufSchemaTest.
/// testBasicAddAndRemoveSchemaTags`): `(confluent.message_meta)` and
/// `(confluent.field_meta)` options in Confluent's printing, found by
/// `findTags`, carried by `propagateSchemaTags` and the tags endpoint;
/// `confluent/meta.proto` is known without a reference.
#[tokio::test]
async fn protobuf_tags_are_options_printed_as_confluent_prints_them() {
    let server = Server::start();
    let add = json!({"schemaTagsToAdd": [
        entity("Order.ssn", "sr_field", &["PII"]),
        entity(".Order", "sr_record", &["ORDER"]),
    ]});
    let registered = register(&server, "orders-proto", &body("PROTOBUF", PROTO, add)).await;
    let tagged = "syntax = \"proto3\";\n\nimport \"confluent/meta.proto\";\nmessage Order {\n  option (confluent.message_meta) = {\n    tags: [\n      \"ORDER\"\n    ]\n  };\n\n  string ssn = 1 [(confluent.field_meta) = {\n    tags: [\n      \"PII\"\n    ]\n  }];\n}\n";
    assert_eq!(ok(&registered)["schema"], tagged);
    let found = server
        .get("/subjects/orders-proto/versions/1?findTags=PII")
        .await;
    assert_eq!(
        ok(&found)["schemaTags"],
        json!([{"schemaEntity": {"entityPath": "Order.ssn", "entityType": "sr_field"}, "tags": ["PII"]}])
    );
    // With the import Confluent's clients write, known without a reference.
    let imported = "syntax = \"proto3\";\nimport \"confluent/meta.proto\";\nmessage Order {\n  string ssn = 1 [(confluent.field_meta).tags = \"PII\"];\n  string name = 2;\n}\n";
    let answer = server
        .register_text("imported-proto", "PROTOBUF", imported)
        .await;
    ok(&answer);
    let found = server
        .get("/subjects/imported-proto/versions/1?findTags=*")
        .await;
    assert_eq!(
        ok(&found)["schemaTags"],
        json!([{"schemaEntity": {"entityPath": "Order.ssn", "entityType": "sr_field"}, "tags": ["PII"]}])
    );
    let tag = json!({"tagsToAdd": [entity("Order.name", "sr_field", &["NAME"])]});
    let answer = server
        .post("/subjects/imported-proto/versions/1/tags", &tag)
        .await;
    assert_eq!(ok(&answer)["version"], 2);
    assert!(
        answer.body["schema"].as_str().unwrap().contains(
            "string name = 2 [(confluent.field_meta) = {\n    tags: [\n      \"NAME\"\n    ]\n  }];"
        ),
        "{}",
        answer.text
    );
    // A message that is not there is named.
    let bad = json!({"schemaTagsToAdd": [entity("Order.Line.Deep.sku", "sr_field", &["X"])]});
    let answer = register(&server, "orders-proto", &body("PROTOBUF", PROTO, bad)).await;
    refused(
        &answer,
        "no matching message with name 'Line' found in the schema for the path 'Order.Line.Deep.sku'",
    );
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

/// Confluent's `RestApiTest.testConfluentVersion`, step by step: a
/// registration asking for a version (`-1` or explicit) records the new
/// version's number in the metadata property `confluent:version`, and so
/// does every later registration inheriting metadata that carries it; a
/// schema sent without the property finds the version that recorded it,
/// and one sent with `confluent:version: N` finds version N.
#[tokio::test]
async fn confluent_version_is_recorded_and_ignored_on_lookup_as_confluent_does() {
    let started = Server::start();
    let server = &started;
    let schema = r#"{"type":"record","name":"myrecord","fields":[{"name":"f1","type":"string"}]}"#;
    let request = |version: Option<i64>, properties: Option<Value>| {
        let mut body = json!({"schemaType": "AVRO", "schema": schema});
        if let Some(v) = version {
            body["version"] = json!(v);
        }
        if let Some(p) = properties {
            body["metadata"] = json!({"properties": p});
        }
        body
    };
    let cv = |n: &str| Some(json!({"confluent:version": n}));
    let id_of = |answer: &Answer| ok(answer)["id"].as_i64().unwrap();
    let latest = || async move {
        let answer = server.get("/subjects/test/versions/latest").await;
        let body = ok(&answer).clone();
        assert_eq!(body["schema"], schema);
        (
            body["version"].as_i64().unwrap(),
            body["metadata"]["properties"]["confluent:version"].clone(),
        )
    };
    let lookup = |body: Value| async move {
        let answer = server.post("/subjects/test", &body).await;
        let body = ok(&answer).clone();
        (
            body["version"].as_i64().unwrap(),
            body["metadata"]["properties"]["confluent:version"].clone(),
        )
    };
    let registered = |version: Option<i64>, properties: Option<Value>, id: i64| {
        let body = request(version, properties);
        async move {
            let answer = register(server, "test", &body).await;
            assert_eq!(id_of(&answer), id, "{body}");
        }
    };

    registered(None, None, 1).await;
    let v1 = server.get("/subjects/test/versions/1").await;
    assert!(ok(&v1).get("metadata").is_none(), "{}", v1.text);
    registered(Some(-1), None, 1).await;
    registered(Some(2), None, 2).await;
    registered(Some(-1), None, 2).await;
    assert_eq!(latest().await, (2, json!("2")));

    assert_eq!(lookup(request(None, None)).await, (1, Value::Null));
    assert_eq!(lookup(request(None, cv("1"))).await, (1, Value::Null));
    assert_eq!(lookup(request(None, cv("2"))).await, (2, json!("2")));
    ok(&server.delete("/subjects/test/versions/1").await);
    assert_eq!(lookup(request(None, None)).await, (2, json!("2")));
    registered(None, None, 2).await;
    assert_eq!(latest().await, (2, json!("2")));

    registered(Some(3), None, 3).await;
    registered(Some(-1), None, 3).await;
    registered(Some(-1), None, 3).await;
    assert_eq!(latest().await, (3, json!("3")));
    // Version 3 again is not the next version (4): 42201.
    let again = register(server, "test", &request(Some(3), None)).await;
    assert_eq!((again.status, again.code()), (422, 42201), "{}", again.text);
    registered(Some(4), None, 4).await;
    assert_eq!(lookup(request(None, None)).await, (4, json!("4")));

    // A `confluent:version` sent along is set to the new version's number.
    registered(None, cv("-1"), 5).await;
    assert_eq!(latest().await, (5, json!("5")));
    registered(None, cv("2"), 2).await;
    registered(None, cv("3"), 3).await;
    registered(None, cv("0"), 6).await;
    assert_eq!(latest().await, (6, json!("6")));
    registered(None, Some(json!({})), 6).await;
    registered(None, Some(json!({"mykey": "myvalue"})), 7).await;
    assert_eq!(latest().await, (7, Value::Null));
    registered(Some(-1), None, 8).await;
    assert_eq!(latest().await, (8, json!("8")));
    let mine = || request(None, Some(json!({"mykey": "myvalue"})));
    assert_eq!(lookup(mine()).await, (7, Value::Null));
    ok(&server.delete("/subjects/test/versions/7").await);
    assert_eq!(lookup(mine()).await, (8, json!("8")));

    // Another schema is not found by `-1`.
    let doc = r#"{"type":"record","name":"myrecord","doc":"mydoc","fields":[{"name":"f1","type":"string"}]}"#;
    let missing = server
        .post(
            "/subjects/test",
            &json!({"schemaType": "AVRO", "schema": doc, "version": -1}),
        )
        .await;
    assert_eq!(
        (missing.status, missing.code()),
        (404, 40403),
        "{}",
        missing.text
    );
}

/// Confluent's `RestApiRegisterSchemaTagsTest.testRegisterSchemaTagsBasic`
/// and `testRegisterSchemaWithoutNewVersionInput(Deprecated)`: tags at
/// registration (with or without a version) and through the tags endpoint
/// record the new version's number in `confluent:version`.
#[tokio::test]
async fn tagged_versions_record_their_number_as_confluent_does() {
    let server = Server::start();
    let schema = r#"{"type":"record","name":"myrecord","fields":[{"name":"f1","type":"string"}]}"#;
    let tagged = |tags: &str| {
        format!(
            r#"{{"type":"record","name":"myrecord","fields":[{{"name":"f1","type":"string"}}],"confluent:tags":{tags}}}"#
        )
    };
    let record = |tags: &[&str]| vec![entity("myrecord", "sr_record", tags)];
    let version_of = |answer: &Answer| {
        ok(answer);
        (
            answer.body["version"].as_i64().unwrap(),
            answer.body["metadata"]["properties"]["confluent:version"].clone(),
        )
    };
    ok(&server.register_text("test", "AVRO", schema).await);
    let add = json!({"version": 2, "schemaTagsToAdd": record(&["TAG1", "TAG2"])});
    let answer = register(&server, "test", &body("AVRO", schema, add)).await;
    assert_eq!(ok(&answer)["id"], 2);
    let latest = server
        .get("/subjects/test/versions/latest?findTags=*")
        .await;
    assert_eq!(version_of(&latest), (2, json!("2")));
    assert_eq!(latest.body["schema"], tagged(r#"["TAG1","TAG2"]"#));
    assert_eq!(latest.body["schemaTags"], json!(record(&["TAG1", "TAG2"])));

    // Without a version: recorded all the same (the peer sends -1).
    let remove = json!({"schemaTagsToRemove": record(&["TAG2"])});
    let tag12 = tagged(r#"["TAG1","TAG2"]"#);
    let answer = register(&server, "test", &body("AVRO", &tag12, remove)).await;
    assert_eq!(version_of(&answer), (3, json!("3")));
    assert_eq!(answer.body["schema"], tagged(r#"["TAG1"]"#));

    // Propagated to an evolved schema, which inherits the property.
    let evolved = r#"{"type":"record","name":"myrecord","fields":[{"name":"f1","type":"string"},{"name":"f2","type":"string","default":"hi"}]}"#;
    let propagate = json!({"propagateSchemaTags": true});
    let answer = register(&server, "test", &body("AVRO", evolved, propagate)).await;
    assert_eq!(version_of(&answer), (4, json!("4")));
    assert_eq!(
        answer.body["schema"],
        evolved.replace("}]}", r#"}],"confluent:tags":["TAG1"]}"#)
    );

    // The tags endpoint, with and without `newVersion`.
    let tag = json!({"newVersion": 5, "tagsToAdd": record(&["TAG3"])});
    let answer = server
        .post("/subjects/test/versions/latest/tags", &tag)
        .await;
    assert_eq!(version_of(&answer), (5, json!("5")));
    let tag = json!({"tagsToRemove": record(&["TAG3"])});
    let answer = server
        .post("/subjects/test/versions/latest/tags", &tag)
        .await;
    assert_eq!(version_of(&answer), (6, json!("6")));
    let latest = server.get("/subjects/test/versions/latest").await;
    assert_eq!(version_of(&latest), (6, json!("6")));
}

/// JSON Schema tag paths through combinators, as Confluent numbers their
/// branches (`JsonSchemaTest.testBasicAddAndRemoveTags`: in an `allOf` of a
/// string and an object, the object is branch 0), at registration and in
/// `findTags`; a branch that is not there is 422 naming the segment.
#[tokio::test]
async fn json_schema_paths_go_through_combinators_as_confluent_numbers_them() {
    let server = Server::start();
    let schema = r#"{"type":"object","properties":{"pay":{"allOf":[{"type":"string"},{"type":"object","properties":{"iban":{"type":"string"}}}]}}}"#;
    let add = json!({"schemaTagsToAdd": [
        entity("object.pay.allof.0.object.iban", "sr_field", &["PII"]),
        entity("object.pay.allof.0.object", "sr_record", &["BANK"]),
    ]});
    let registered = register(&server, "pay-value", &body("JSON", schema, add)).await;
    assert_eq!(
        ok(&registered)["schema"],
        r#"{"type":"object","properties":{"pay":{"allOf":[{"type":"string"},{"type":"object","properties":{"iban":{"type":"string","confluent:tags":["PII"]}},"confluent:tags":["BANK"]}]}}}"#
    );
    let found = server
        .get("/subjects/pay-value/versions/1?findTags=*")
        .await;
    assert_eq!(
        ok(&found)["schemaTags"],
        json!([
            {"schemaEntity": {"entityPath": "object.pay.allof.0.object", "entityType": "sr_record"}, "tags": ["BANK"]},
            {"schemaEntity": {"entityPath": "object.pay.allof.0.object.iban", "entityType": "sr_field"}, "tags": ["PII"]},
        ])
    );
    let missing = json!({"tagsToAdd": [entity("object.pay.allof.2.object", "sr_record", &["X"])]});
    let answer = server
        .post("/subjects/pay-value/versions/1/tags", &missing)
        .await;
    refused(&answer, "names no branch at `allof.2`");
    refused(&answer, "'object.pay.allof.2.object'");
}
