//! The schema text as registered (issue #13): what the registry serves for
//! each format with and without `normalize` (golden texts), and which
//! submissions are the same schema (one id) and which are not, as in the
//! Confluent Schema Registry: the same text minus insignificant whitespace
//! (or, normalized, the same canonical form) with the same references.

mod common;

use common::Server;
use serde_json::{Value, json};

/// An Avro schema as a person writes it: namespace apart, `doc` before the
/// fields, a union with a default.
const AVRO: &str = r#"{
  "type": "record",
  "name": "User",
  "namespace": "a.b",
  "doc": "A user.",
  "fields": [
    {"name": "id", "type": "long"},
    {"name": "email", "type": ["null", "string"], "default": null}
  ]
}"#;

/// A JSON Schema whose keys are not in sorted order.
const JSON_SCHEMA: &str = r#"{
  "type": "object",
  "properties": {
    "b": {"type": "string", "maxLength": 10},
    "a": {"type": "integer"}
  },
  "required": ["b"]
}"#;

/// A Protobuf schema with comments and fields out of number order.
const PROTO: &str = r#"syntax = "proto3";
package a.b;

// A user.
message User {
  string email = 2; // where to write
  int64 id = 1;
}
"#;

/// The served texts, without and with `normalize`.
struct Golden {
    schema_type: &'static str,
    submitted: &'static str,
    served: &'static str,
    normalized: &'static str,
}

const GOLDEN: [Golden; 3] = [
    Golden {
        schema_type: "AVRO",
        submitted: AVRO,
        served: r#"{"type":"record","name":"User","namespace":"a.b","doc":"A user.","fields":[{"name":"id","type":"long"},{"name":"email","type":["null","string"],"default":null}]}"#,
        // Confluent's normalized text of this schema is its Avro Java
        // printing, which is how it is written already.
        normalized: r#"{"type":"record","name":"User","namespace":"a.b","doc":"A user.","fields":[{"name":"id","type":"long"},{"name":"email","type":["null","string"],"default":null}]}"#,
    },
    Golden {
        schema_type: "JSON",
        submitted: JSON_SCHEMA,
        served: r#"{"type":"object","properties":{"b":{"type":"string","maxLength":10},"a":{"type":"integer"}},"required":["b"]}"#,
        normalized: r#"{"properties":{"a":{"type":"integer"},"b":{"maxLength":10,"type":"string"}},"required":["b"],"type":"object"}"#,
    },
    Golden {
        schema_type: "PROTOBUF",
        submitted: PROTO,
        served: PROTO,
        // Confluent's normalizing printer: no blank line after `syntax`.
        normalized: "syntax = \"proto3\";\npackage a.b;\n\nmessage User {\n  int64 id = 1;\n  string email = 2;\n}\n",
    },
];

fn body(schema_type: &str, text: &str) -> Value {
    json!({"schemaType": schema_type, "schema": text})
}

/// Registers and returns (id, version).
async fn register(server: &Server, path: &str, body: &Value) -> (i64, i64) {
    let answer = server.post(path, body).await;
    assert_eq!(answer.status, 200, "POST {path}: {}", answer.text);
    (
        answer.body["id"].as_i64().unwrap(),
        answer.body["version"].as_i64().unwrap(),
    )
}

/// The text every read of schema `id` (registered as `subject` version 1)
/// serves, checked to be one and the same.
async fn served(server: &Server, subject: &str, id: i64) -> String {
    let by_id = server.get(&format!("/schemas/ids/{id}")).await;
    let text = by_id.body["schema"].as_str().unwrap().to_string();
    let version = server.get(&format!("/subjects/{subject}/versions/1")).await;
    assert_eq!(version.body["schema"], text.as_str());
    let raw = server.get(&format!("/schemas/ids/{id}/schema")).await;
    assert_eq!(raw.text, text);
    let raw = server
        .get(&format!("/subjects/{subject}/versions/1/schema"))
        .await;
    assert_eq!(raw.text, text);
    text
}

#[tokio::test]
async fn every_format_is_served_as_submitted_or_normalized() {
    let server = Server::start();
    for golden in &GOLDEN {
        let kind = golden.schema_type.to_lowercase();
        let posted = body(golden.schema_type, golden.submitted);
        let plain = format!("{kind}-plain");
        let (id, _) = register(&server, &format!("/subjects/{plain}/versions"), &posted).await;
        assert_eq!(served(&server, &plain, id).await, golden.served, "{kind}");
        let answer = server
            .post(&format!("/subjects/{plain}/versions"), &posted)
            .await;
        assert_eq!(
            answer.body["schema"], golden.served,
            "{kind}: register answer"
        );

        let normal = format!("{kind}-normalized");
        let path = format!("/subjects/{normal}/versions?normalize=true");
        let (normalized_id, _) = register(&server, &path, &posted).await;
        // Another text is another schema; the same text (Avro's, already
        // as Avro Java prints it) is the same, as in Confluent.
        assert_eq!(
            normalized_id == id,
            golden.normalized == golden.served,
            "{kind}: {normalized_id} and {id}"
        );
        assert_eq!(
            served(&server, &normal, normalized_id).await,
            golden.normalized,
            "{kind}"
        );

        // The `normalize` config does what the parameter does.
        let configured = format!("{kind}-configured");
        let config = server
            .put(
                &format!("/config/{configured}"),
                &json!({"normalize": true}),
            )
            .await;
        assert_eq!(config.status, 200, "{}", config.text);
        let path = format!("/subjects/{configured}/versions");
        assert_eq!(
            register(&server, &path, &posted).await.0,
            normalized_id,
            "{kind}"
        );
    }
}

#[tokio::test]
async fn identity_follows_the_text_unless_normalized() {
    let server = Server::start();
    let reordered = r#"{"properties":{"a":{"type":"integer"},"b":{"type":"string","maxLength":10}},"type":"object","required":["b"]}"#;
    let respaced = JSON_SCHEMA.replace('\n', "\r\n\t");
    let versions = "/subjects/j/versions";
    assert_eq!(
        register(&server, versions, &body("JSON", JSON_SCHEMA)).await,
        (1, 1)
    );
    // Whitespace is not significant: the same schema.
    assert_eq!(
        register(&server, versions, &body("JSON", &respaced)).await,
        (1, 1)
    );
    let lookup = server.post("/subjects/j", &body("JSON", &respaced)).await;
    assert_eq!((lookup.status, lookup.body["id"].clone()), (200, json!(1)));
    // Another key order is another schema, as in Confluent...
    let lookup = server.post("/subjects/j", &body("JSON", reordered)).await;
    assert_eq!(
        (lookup.status, lookup.code()),
        (404, 40403),
        "{}",
        lookup.text
    );
    // ... unless normalized, which finds the version holding a variant.
    let lookup = server
        .post("/subjects/j?normalize=true", &body("JSON", reordered))
        .await;
    assert_eq!(
        (lookup.status, &lookup.body["version"]),
        (200, &json!(1)),
        "{}",
        lookup.text
    );
    assert_eq!(
        register(&server, versions, &body("JSON", reordered)).await,
        (2, 2)
    );
    // Normalized registrations of every spelling are one schema, which a
    // plain lookup of any spelling finds.
    let normalized = "/subjects/n/versions?normalize=true";
    let (id, _) = register(&server, normalized, &body("JSON", JSON_SCHEMA)).await;
    assert_eq!(
        register(&server, normalized, &body("JSON", reordered)).await,
        (id, 1)
    );
    let lookup = server.post("/subjects/n", &body("JSON", reordered)).await;
    assert_eq!((lookup.status, &lookup.body["id"]), (200, &json!(id)));
    assert_eq!(
        register(&server, "/subjects/n/versions", &body("JSON", &respaced)).await,
        (id, 1)
    );
    // The same text in another subject keeps its id.
    assert_eq!(
        register(
            &server,
            "/subjects/other/versions",
            &body("JSON", JSON_SCHEMA)
        )
        .await,
        (1, 1)
    );
}

#[tokio::test]
async fn a_serialized_descriptor_is_the_schema_its_text_registered() {
    let server = Server::start();
    let (id, _) = register(&server, "/subjects/p/versions", &body("PROTOBUF", PROTO)).await;
    let serialized = server
        .get(&format!("/schemas/ids/{id}?format=serialized"))
        .await;
    let serialized = serialized.body["schema"].as_str().unwrap().to_string();
    let lookup = server
        .post("/subjects/p", &body("PROTOBUF", &serialized))
        .await;
    assert_eq!(
        (lookup.status, &lookup.body["id"]),
        (200, &json!(id)),
        "{}",
        lookup.text
    );
    assert_eq!(
        register(
            &server,
            "/subjects/p/versions",
            &body("PROTOBUF", &serialized)
        )
        .await,
        (id, 1)
    );
    // In a subject of its own it is stored as `.proto` text, fields in
    // declaration order.
    let (other, _) = register(
        &server,
        "/subjects/q/versions",
        &body("PROTOBUF", &serialized),
    )
    .await;
    assert_ne!(other, id);
    let text = served(&server, "q", other).await;
    assert!(
        text.contains("message User {\n  string email = 2;\n  int64 id = 1;\n}"),
        "{text}"
    );
}

/// With `normalize=true` the registry stores and serves what the Confluent
/// Schema Registry serves for the same registration: Avro as Avro Java
/// prints the peer's normalized schema (Avro Java's key order, names short
/// with their namespace, properties sorted, a `double` default `1` read as
/// `1.0`), JSON Schema with every object's keys sorted and numbers as
/// Jackson writes them back (`1e2` is `1E+2`, `0.50` stays), Protobuf as
/// the peer's normalizing printer writes it (comments gone, options sorted,
/// fields by number, type names in full, several options one a line). That text is
/// the normalized schema's: registered plain in another subject it is the
/// same id, and every spelling normalized is that id too.
#[tokio::test]
async fn normalize_serves_the_peers_normalized_text() {
    let server = Server::start();
    let cases = [
        (
            "AVRO",
            r#"{"fields": [{"type": "double", "name": "ratio", "default": 1, "zprop": "z", "aprop": "a"},
                {"name": "at", "type": {"logicalType": "timestamp-millis", "type": "long", "connect.version": 1}}],
               "namespace": "a.b", "name": "Stats", "type": "record", "doc": "Stats."}"#,
            r#"{"type":"record","name":"Stats","namespace":"a.b","doc":"Stats.","fields":[{"name":"ratio","type":"double","default":1.0,"aprop":"a","zprop":"z"},{"name":"at","type":{"type":"long","logicalType":"timestamp-millis","connect.version":1}}]}"#,
        ),
        (
            "JSON",
            r#"{"type": "object", "properties": {"n": {"type": "number", "maximum": 1e2, "multipleOf": 0.50}}}"#,
            r#"{"properties":{"n":{"maximum":1E+2,"multipleOf":0.50,"type":"number"}},"type":"object"}"#,
        ),
        (
            "PROTOBUF",
            "syntax = \"proto3\"; package a.b; option java_package = \"x\"; option go_package = \"y\";\n// A user.\nmessage User { repeated Tag tags = 3 [deprecated = true, packed = false]; string id = 1 [json_name = \"id\"];\n  enum Tag { NONE = 0; }\n}",
            "syntax = \"proto3\";\npackage a.b;\n\noption go_package = \"y\";\noption java_package = \"x\";\n\nmessage User {\n  string id = 1 [json_name = \"id\"];\n  repeated .a.b.User.Tag tags = 3 [\n    deprecated = true,\n    packed = false\n  ];\n\n  enum Tag {\n    NONE = 0;\n  }\n}\n",
        ),
    ];
    for (schema_type, submitted, expected) in cases {
        let subject = format!("{}-peer", schema_type.to_lowercase());
        let path = format!("/subjects/{subject}/versions?normalize=true");
        let (id, _) = register(&server, &path, &body(schema_type, submitted)).await;
        assert_eq!(
            served(&server, &subject, id).await,
            expected,
            "{schema_type}"
        );
        // The served text, registered plain elsewhere, is that schema.
        let elsewhere = format!("/subjects/{subject}-copy/versions");
        assert_eq!(
            register(&server, &elsewhere, &body(schema_type, expected)).await,
            (id, 1),
            "{schema_type}"
        );
        // Another spelling, normalized, is that schema too.
        let respelled = submitted.replace(", ", ",\n  ");
        assert_eq!(
            register(&server, &path, &body(schema_type, &respelled)).await,
            (id, 1),
            "{schema_type}"
        );
    }
}

/// A JSON Schema referring to `a.json`, `b.json` and `c.json`, with the
/// references `(name, subject, version)` it is posted with.
fn referring(references: &[(&str, &str, i64)]) -> Value {
    let references: Vec<Value> = references
        .iter()
        .map(|(name, subject, version)| json!({"name": name, "subject": subject, "version": version}))
        .collect();
    json!({
        "schemaType": "JSON",
        "schema": r#"{"type": "object", "properties": {"a": {"$ref": "a.json"}, "b": {"$ref": "b.json"}, "c": {"$ref": "c.json"}}}"#,
        "references": references,
    })
}

/// With `normalize=true` the references are kept as the Confluent Schema
/// Registry keeps them normalized (`references.stream().sorted().distinct()`
/// in every format's `normalize()`): by subject, then version, a stable
/// sort (names do not count), each distinct one once. So the same
/// references posted in another order are the same schema, while two
/// names of one version keep the order they were posted in; without
/// `normalize` references stay as posted, and their order is part of the
/// schema (the peer's hash covers them in order).
#[tokio::test]
async fn normalize_sorts_and_deduplicates_references() {
    let server = Server::start();
    let object = |title: &str| {
        body(
            "JSON",
            &format!(r#"{{"type": "object", "title": "{title}"}}"#),
        )
    };
    for subject in ["ref-b", "ref-a"] {
        register(
            &server,
            &format!("/subjects/{subject}/versions"),
            &object(subject),
        )
        .await;
    }
    // A second version of ref-b (compatible: only the title changes).
    register(&server, "/subjects/ref-b/versions", &object("ref-b, again")).await;

    let posted = [
        ("c.json", "ref-b", 2),
        ("b.json", "ref-b", 1),
        ("a.json", "ref-a", 1),
        ("c.json", "ref-b", 2),
    ];
    let normalized = "/subjects/main/versions?normalize=true";
    let (id, version) = register(&server, normalized, &referring(&posted)).await;
    let expected = json!([
        {"name": "a.json", "subject": "ref-a", "version": 1},
        {"name": "b.json", "subject": "ref-b", "version": 1},
        {"name": "c.json", "subject": "ref-b", "version": 2},
    ]);
    let read = server.get("/subjects/main/versions/1").await;
    assert_eq!(read.body["references"], expected, "{}", read.text);
    let read = server.get(&format!("/schemas/ids/{id}")).await;
    assert_eq!(read.body["references"], expected, "{}", read.text);

    // The same references in another order, normalized: the same schema.
    let reordered = [
        ("a.json", "ref-a", 1),
        ("c.json", "ref-b", 2),
        ("b.json", "ref-b", 1),
    ];
    assert_eq!(
        register(&server, normalized, &referring(&reordered)).await,
        (id, version)
    );
    let lookup = server
        .post("/subjects/main?normalize=true", &referring(&reordered))
        .await;
    assert_eq!(
        (lookup.status, &lookup.body["id"]),
        (200, &json!(id)),
        "{}",
        lookup.text
    );
    // Registered plain, the sorted references are that schema too ...
    let sorted = [
        ("a.json", "ref-a", 1),
        ("b.json", "ref-b", 1),
        ("c.json", "ref-b", 2),
    ];
    let elsewhere = "/subjects/copy/versions";
    let read = server.get(&format!("/schemas/ids/{id}")).await;
    let text = read.body["schema"].as_str().unwrap().to_string();
    let mut plain = referring(&sorted);
    plain["schema"] = json!(text);
    assert_eq!(register(&server, elsewhere, &plain).await, (id, 1));
    // ... but not in another order: plain references are kept as posted.
    let mut plain = referring(&reordered);
    plain["schema"] = json!(text);
    let lookup = server.post("/subjects/copy", &plain).await;
    assert_eq!(
        (lookup.status, lookup.code()),
        (404, 40403),
        "{}",
        lookup.text
    );
    let (other, _) = register(&server, "/subjects/plain/versions", &referring(&posted)).await;
    assert_ne!(other, id);
    let read = server.get("/subjects/plain/versions/1").await;
    assert_eq!(
        read.body["references"].as_array().map(Vec::len),
        Some(4),
        "{}",
        read.text
    );

    // Two names of one version are not reordered by name: posted with
    // `c.json` before `b.json` (both ref-b version 1 here), they stay so.
    let same_version = [
        ("c.json", "ref-b", 1),
        ("b.json", "ref-b", 1),
        ("a.json", "ref-a", 1),
    ];
    let (stable, _) = register(
        &server,
        "/subjects/stable/versions?normalize=true",
        &referring(&same_version),
    )
    .await;
    assert_ne!(stable, id);
    let read = server.get("/subjects/stable/versions/1").await;
    assert_eq!(
        read.body["references"],
        json!([
            {"name": "a.json", "subject": "ref-a", "version": 1},
            {"name": "c.json", "subject": "ref-b", "version": 1},
            {"name": "b.json", "subject": "ref-b", "version": 1},
        ]),
        "{}",
        read.text
    );
}

/// A schema registered with `normalize=true` is served as the Confluent
/// Schema Registry normalizes it, which orders parts Charter's canonical
/// form keeps as written (a Protobuf enum's values and reserved ranges and
/// names by number and name, Avro aliases and properties, JSON Schema
/// keys). That served text, registered plain, is the same schema, as in
/// Confluent, where it is the very text (and hash) stored: in the subject
/// (same version) and in another subject (same id); a plain lookup finds
/// it too.
#[tokio::test]
async fn the_normalized_text_registered_plain_is_the_same_schema() {
    let server = Server::start();
    let cases = [
        (
            "PROTOBUF",
            "syntax = \"proto3\";\npackage a.b;\n\nmessage M {\n  reserved 9, 3 to 4;\n  reserved \"zz\", \"aa\";\n  Kind kind = 1;\n}\n\nenum Kind {\n  KIND_UNSPECIFIED = 0;\n  KIND_Z = 2;\n  KIND_A = 1;\n  reserved 20, 10;\n}\n",
        ),
        (
            "AVRO",
            r#"{"type": "record", "name": "R", "namespace": "a.b", "aliases": ["z", "a"], "zprop": 1, "aprop": 2,
                "fields": [{"name": "f", "type": "string", "aliases": ["y", "b"]}]}"#,
        ),
        (
            "JSON",
            r#"{"type": "object", "required": ["z", "a"], "properties": {"z": {"type": "string"}, "a": {"enum": [2, 1]}}}"#,
        ),
    ];
    for (schema_type, submitted) in cases {
        let subject = format!("{}-n", schema_type.to_lowercase());
        let path = format!("/subjects/{subject}/versions?normalize=true");
        let (id, version) = register(&server, &path, &body(schema_type, submitted)).await;
        let text = served(&server, &subject, id).await;
        let plain = body(schema_type, &text);
        let lookup = server.post(&format!("/subjects/{subject}"), &plain).await;
        assert_eq!(
            (lookup.status, &lookup.body["id"]),
            (200, &json!(id)),
            "{schema_type}: {}",
            lookup.text
        );
        assert_eq!(
            register(&server, &format!("/subjects/{subject}/versions"), &plain).await,
            (id, version),
            "{schema_type}"
        );
        assert_eq!(
            register(
                &server,
                &format!("/subjects/{subject}-plain/versions"),
                &plain
            )
            .await,
            (id, 1),
            "{schema_type}"
        );
        // Normalized again (from the served text or as first posted): that
        // schema still.
        for again in [text.as_str(), submitted] {
            assert_eq!(
                register(&server, &path, &body(schema_type, again)).await,
                (id, version),
                "{schema_type}"
            );
        }
    }
}

/// Avro spellings that Avro Java prints alike (the peer's
/// `canonicalString()`: key order, `{"type":"int"}` for `"int"`, the
/// namespace in the name or beside it) are one schema without `normalize`,
/// as in Confluent: the same version in the subject, the same id and GUID
/// in another, found by lookup; the text served is the first submission's.
#[tokio::test]
async fn avro_spellings_avro_java_prints_alike_are_one_schema() {
    let server = Server::start();
    let first = r#"{"name": "A", "namespace": "a.b", "type": "record", "fields": [{"type": "int", "name": "x"}]}"#;
    let served_text =
        r#"{"name":"A","namespace":"a.b","type":"record","fields":[{"type":"int","name":"x"}]}"#;
    let spellings = [
        r#"{"type":"record","name":"a.b.A","fields":[{"name":"x","type":{"type":"int"}}]}"#,
        r#"{"fields":[{"name":"x","type":"int"}],"type":"record","namespace":"a.b","name":"A"}"#,
        r#"{"type":"record","name":"A","namespace":"a.b","fields":[{"name":"x","type":"int"}]}"#,
    ];
    let registered = server
        .post("/subjects/a/versions", &body("AVRO", first))
        .await;
    assert_eq!(registered.status, 200, "{}", registered.text);
    let (id, guid) = (
        registered.body["id"].clone(),
        registered.body["guid"].clone(),
    );
    assert_eq!(
        served(&server, "a", id.as_i64().unwrap()).await,
        served_text
    );
    for (i, spelling) in spellings.iter().enumerate() {
        let posted = body("AVRO", spelling);
        for path in [
            "/subjects/a/versions",
            "/subjects/a/versions?normalize=false",
        ] {
            let again = server.post(path, &posted).await;
            assert_eq!(
                (
                    &again.body["id"],
                    &again.body["version"],
                    &again.body["schema"]
                ),
                (&id, &json!(1), &json!(served_text)),
                "{path} {spelling}: {}",
                again.text
            );
        }
        let lookup = server.post("/subjects/a", &posted).await;
        assert_eq!(
            (lookup.status, &lookup.body["id"], &lookup.body["version"]),
            (200, &id, &json!(1)),
            "{}",
            lookup.text
        );
        // In another subject: the same id and GUID, the first text.
        let other = format!("other{i}");
        let elsewhere = server
            .post(&format!("/subjects/{other}/versions"), &posted)
            .await;
        assert_eq!(
            (&elsewhere.body["id"], &elsewhere.body["guid"]),
            (&id, &guid),
            "{}",
            elsewhere.text
        );
        assert_eq!(
            served(&server, &other, id.as_i64().unwrap()).await,
            served_text
        );
    }
    let versions = server.get("/subjects/a/versions").await;
    assert_eq!(versions.body, json!([1]));
    let by_guid = server
        .get(&format!("/schemas/guids/{}/ids", guid.as_str().unwrap()))
        .await;
    assert_eq!(by_guid.body, json!([{"context": ".", "id": id}]));

    // A primitive as an object is its name.
    let string = register(
        &server,
        "/subjects/s/versions",
        &body("AVRO", r#"{"type": "string"}"#),
    )
    .await;
    assert_eq!(
        register(
            &server,
            "/subjects/s/versions",
            &body("AVRO", r#""string""#)
        )
        .await,
        string
    );
    assert_eq!(
        register(
            &server,
            "/subjects/t/versions",
            &body("AVRO", r#""string""#)
        )
        .await,
        (string.0, 1)
    );
    assert_eq!(served(&server, "t", string.0).await, r#"{"type":"string"}"#);

    // What Avro Java prints otherwise is another schema: a doc, the order
    // of the fields, a property's value.
    let others = [
        r#"{"type":"record","name":"a.b.A","doc":"d","fields":[{"name":"x","type":"int"}]}"#,
        r#"{"type":"record","name":"a.b.A","fields":[{"name":"x","type":"int"}],"p":1}"#,
        r#"{"type":"record","name":"a.b.A","fields":[{"name":"x","type":"int"}],"p":1.0}"#,
    ];
    let mut ids = vec![id.as_i64().unwrap()];
    for other in others {
        let (new, _) = register(&server, "/subjects/distinct/versions", &body("AVRO", other)).await;
        assert!(!ids.contains(&new), "{other} is schema {new}");
        ids.push(new);
    }
}
