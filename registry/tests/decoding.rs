//! The HTTP edge decodes the peer's sentinels and Charter's request bodies
//! into typed service inputs; here each sentinel and each kind of bad field
//! goes through the real binary: `version` -1, 0 and explicit; `id` -1 and
//! explicit; `schemaType` absent, known and unknown; references lacking a
//! field; triage bodies with a wrong type deep inside, named by path and
//! never quoted.

mod common;

use common::{Answer, Server, closed};
use serde_json::{Value, json};

/// A JSON Schema registration body with `fields` added.
fn json_schema(properties: Value, fields: Value) -> Value {
    let mut body = json!({"schemaType": "JSON", "schema": closed(properties).to_string()});
    for (key, value) in fields.as_object().expect("fields") {
        body[key] = value.clone();
    }
    body
}

/// A registration of version `n` of an always-compatible history (each adds
/// an optional property).
fn nth(n: usize, fields: Value) -> Value {
    let properties: serde_json::Map<String, Value> = (0..n)
        .map(|i| (format!("p{i}"), json!({"type": "string"})))
        .collect();
    json_schema(Value::Object(properties), fields)
}

/// `answer` is an error with this status and code whose message holds `needle`.
fn refused(answer: &Answer, status: u16, code: i64, needle: &str) {
    assert_eq!(
        (answer.status, answer.code()),
        (status, code),
        "{}",
        answer.text
    );
    assert!(
        answer.message().contains(needle),
        "lacks {needle}: {}",
        answer.text
    );
}

#[tokio::test]
async fn version_sentinels_and_explicit_versions() {
    let server = Server::start();
    let register = |body: Value| {
        let server = &server;
        async move { server.post("/subjects/s/versions", &body).await }
    };
    for (n, version) in [(1, json!(-1)), (2, json!(0)), (3, Value::Null)] {
        let answer = register(nth(n, json!({"version": version}))).await;
        assert_eq!(answer.status, 200, "{}", answer.text);
        assert_eq!(answer.body["version"], n, "version {version}");
    }
    // An explicit version is taken when it is the next one...
    let answer = register(nth(4, json!({"version": 4}))).await;
    assert_eq!((answer.status, &answer.body["version"]), (200, &json!(4)));
    // ... refused when it is not, or is no version number at all.
    let answer = register(nth(5, json!({"version": 9}))).await;
    refused(&answer, 422, 42201, "the next version of the subject is 5");
    for bad in [json!(-2), json!(2_147_483_648_i64)] {
        let answer = register(nth(5, json!({"version": bad}))).await;
        refused(&answer, 422, 42201, "is not a valid version number");
    }
    // Already registered: the existing version answers; with -1 only when
    // it is the latest, as Confluent's `registerOrForward` looks only there
    // (`RestApiTest.testConfluentVersion`).
    for (n, version) in [(4, json!(-1)), (2, json!(0)), (2, Value::Null)] {
        let answer = register(nth(n, json!({"version": version}))).await;
        assert_eq!(answer.body["version"], n, "{}", answer.text);
    }
    let answer = register(nth(2, json!({"version": -1}))).await;
    refused(&answer, 409, 40901, "against version 4");
}

#[tokio::test]
async fn id_sentinels_and_explicit_ids() {
    let server = Server::start();
    let answer = server
        .post("/subjects/s/versions", &nth(1, json!({"id": -1})))
        .await;
    assert_eq!(
        (answer.status, &answer.body["id"]),
        (200, &json!(1)),
        "{}",
        answer.text
    );
    let answer = server
        .post("/subjects/s/versions", &nth(2, json!({"id": 50})))
        .await;
    refused(&answer, 422, 42205, "only be given in IMPORT mode");
    for bad in [json!(0), json!(-2), json!(2_147_483_648_i64)] {
        let answer = server
            .post("/subjects/s/versions", &nth(2, json!({"id": bad})))
            .await;
        refused(&answer, 422, 42205, "is out of range");
    }
    let answer = server.put("/mode/copied", &json!({"mode": "IMPORT"})).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    let answer = server
        .post(
            "/subjects/copied/versions",
            &nth(3, json!({"id": 50, "version": 7})),
        )
        .await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    assert_eq!(
        (&answer.body["id"], &answer.body["version"]),
        (&json!(50), &json!(7))
    );
    let answer = server
        .post("/subjects/copied/versions", &nth(4, json!({"id": -1})))
        .await;
    refused(&answer, 422, 42205, "must give the schema's id");
}

#[tokio::test]
async fn schema_types_absent_known_and_unknown() {
    let server = Server::start();
    let avro = r#"{"type": "record", "name": "R", "fields": []}"#;
    let cases = [
        ("absent", json!({"schema": avro}), "AVRO"),
        ("null", json!({"schema": avro, "schemaType": null}), "AVRO"),
        (
            "AVRO",
            json!({"schema": avro, "schemaType": "AVRO"}),
            "AVRO",
        ),
        (
            "JSON",
            json!({"schema": "{\"type\": \"object\"}", "schemaType": "JSON"}),
            "JSON",
        ),
        (
            "PROTOBUF",
            json!({"schema": "syntax = \"proto3\";\nmessage M {}\n", "schemaType": "PROTOBUF"}),
            "PROTOBUF",
        ),
    ];
    for (subject, body, expect) in cases {
        let answer = server
            .post(&format!("/subjects/{subject}/versions"), &body)
            .await;
        assert_eq!(answer.status, 200, "{subject}: {}", answer.text);
        assert_eq!(answer.body["schemaType"], expect, "{subject}");
        let found = server.post(&format!("/subjects/{subject}"), &body).await;
        assert_eq!(found.body["version"], 1, "{subject}: {}", found.text);
    }
    let unknown = json!({"schema": avro, "schemaType": "XML"});
    for path in [
        "/subjects/AVRO/versions",
        "/subjects/AVRO",
        "/compatibility/subjects/AVRO/versions/latest",
    ] {
        let answer = server.post(path, &unknown).await;
        refused(&answer, 422, 42201, "unknown schemaType `XML`");
    }
}

#[tokio::test]
async fn references_lacking_a_field_are_refused_naming_it() {
    let server = Server::start();
    let answer = server
        .register("customer", &closed(json!({"id": {"type": "string"}})))
        .await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    let order = json!({"type": "object", "properties": {"customer": {"$ref": "customer.json"}}});
    let with_reference = |reference: Value| json!({"schemaType": "JSON", "schema": order.to_string(), "references": [reference]});
    let cases = [
        (
            json!({"subject": "customer", "version": 1}),
            "lacks its `name`",
        ),
        (
            json!({"name": "", "subject": "customer", "version": 1}),
            "lacks its `name`",
        ),
        (
            json!({"name": "customer.json", "version": 1}),
            "lacks its `subject`",
        ),
        (
            json!({"name": "customer.json", "subject": "customer"}),
            "lacks its `version`",
        ),
        (
            json!({"name": "customer.json", "subject": "customer", "version": 0}),
            "has version 0",
        ),
        (
            json!({"name": "customer.json", "subject": "customer", "version": 2}),
            "version 2, which does not exist",
        ),
    ];
    for (reference, needle) in cases {
        let body = with_reference(reference);
        for path in [
            "/subjects/order/versions",
            "/compatibility/subjects/customer/versions",
        ] {
            let answer = server.post(path, &body).await;
            refused(&answer, 422, 42201, needle);
        }
    }
    let answer = server
        .post(
            "/subjects/order/versions",
            &with_reference(json!({"name": "customer.json", "subject": "customer", "version": -1})),
        )
        .await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    assert_eq!(
        answer.body["references"][0]["version"], 1,
        "-1 is pinned to the latest"
    );
}

#[tokio::test]
async fn triage_bodies_with_a_wrong_type_deep_inside_name_the_path_not_the_value() {
    const SECRET: &str = "SECRET-b41c-payload";
    let server = Server::start();
    let ok = json!({"json": {}});
    let reader = |reader: Value| json!({"messages": [ok], "reader": reader});
    let cases: [(Value, &str); 7] = [
        (
            json!({"messages": [ok, {"json": 1, "label": {"text": SECRET}}]}),
            "`messages[1].label` must be a string; it is an object",
        ),
        (
            json!({"messages": [ok, ok, {"base64": [SECRET]}]}),
            "`messages[2].base64` must be a string; it is an array",
        ),
        (
            json!({"messages": [ok], "all_subjects": SECRET}),
            "`all_subjects` must be a boolean; it is a string",
        ),
        (
            reader(json!({"schema": "{}", "schemaType": "JSON",
                          "references": [{"name": "a", "subject": "a", "version": SECRET}]})),
            "`reader.references[0].version` must be an integer; it is a string",
        ),
        (
            reader(json!({"schema": "{}", "schemaType": SECRET})),
            "`reader.schemaType` must be AVRO, JSON or PROTOBUF",
        ),
        (
            reader(json!({"subject": "s", "version": {"n": SECRET}})),
            "`reader.version` must be a version number or \"latest\"; it is an object",
        ),
        (
            json!({"messages": [ok, SECRET]}),
            "`messages[1]` must be an object; it is a string",
        ),
    ];
    for (body, message) in cases {
        let answer = server.post("/triage", &body).await;
        assert_eq!(
            (answer.status, answer.code()),
            (422, 422),
            "{}",
            answer.text
        );
        assert_eq!(answer.message(), message);
        assert!(!answer.text.contains(SECRET), "{}", answer.text);
    }
}
