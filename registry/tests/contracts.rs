//! Data contracts (issue #13): `metadata` and `ruleSet` accepted on
//! register, lookup and compatibility, checked (a bad rule answers 422 naming
//! where), stored as part of the schema's identity, and returned on every
//! read that returns a schema in Confluent's shape.

mod common;

use common::Server;
use serde_json::{Value, json};

const ORDER: &str =
    r#"{"type":"record","name":"Order","fields":[{"name":"total","type":"double"}]}"#;

fn metadata(major: &str) -> Value {
    json!({"properties": {"owner": "payments", "major_version": major},
           "tags": {"Order.total": ["PII", "MONEY"]}, "sensitive": ["owner"]})
}

fn rule_set() -> Value {
    json!({
        "domainRules": [{"name": "totalPositive", "kind": "CONDITION", "mode": "WRITE",
                         "type": "CEL", "expr": "message.total > 0.0", "onFailure": "ERROR",
                         "params": {"dlq.topic": "orders-dlq"}, "tags": ["MONEY"]}],
        "migrationRules": [{"name": "renameTotal", "kind": "TRANSFORM", "mode": "UPGRADE",
                            "type": "JSONATA", "expr": "$merge([$, {'total': $.amount}])",
                            "disabled": true}]
    })
}

/// The metadata and rule set as the registry answers them: Confluent's
/// shape, tags sorted, every rule's `disabled` spelled out.
fn answered_metadata(major: &str) -> Value {
    json!({"tags": {"Order.total": ["MONEY", "PII"]},
           "properties": {"major_version": major, "owner": "payments"},
           "sensitive": ["owner"]})
}

fn answered_rule_set() -> Value {
    json!({
        "migrationRules": [{"name": "renameTotal", "kind": "TRANSFORM", "mode": "UPGRADE",
                            "type": "JSONATA", "expr": "$merge([$, {'total': $.amount}])",
                            "disabled": true}],
        "domainRules": [{"name": "totalPositive", "kind": "CONDITION", "mode": "WRITE",
                         "type": "CEL", "tags": ["MONEY"], "params": {"dlq.topic": "orders-dlq"},
                         "expr": "message.total > 0.0", "onFailure": "ERROR", "disabled": false}]
    })
}

fn with_contract(major: &str) -> Value {
    json!({"schema": ORDER, "metadata": metadata(major), "ruleSet": rule_set()})
}

/// The data contract of an answer.
fn contract(answer: &Value) -> (Value, Value) {
    (answer["metadata"].clone(), answer["ruleSet"].clone())
}

#[tokio::test]
async fn metadata_and_rule_sets_round_trip_on_every_read() {
    let server = Server::start();
    let expected = (answered_metadata("1"), answered_rule_set());
    let registered = server
        .post("/subjects/orders-value/versions", &with_contract("1"))
        .await;
    assert_eq!(registered.status, 200, "{}", registered.text);
    assert_eq!(contract(&registered.body), expected);
    let id = registered.body["id"].as_i64().unwrap();
    for path in [
        format!("/schemas/ids/{id}"),
        "/subjects/orders-value/versions/1".to_string(),
        "/subjects/orders-value/versions/latest".to_string(),
    ] {
        let answer = server.get(&path).await;
        assert_eq!(contract(&answer.body), expected, "GET {path}");
    }
    let listed = server.get("/schemas").await;
    assert_eq!(contract(&listed.body[0]), expected);
    // `ruleType` lists the schemas with a rule of that type.
    let with_cel = server.get("/schemas?ruleType=CEL").await;
    assert_eq!(
        with_cel.body.as_array().map(Vec::len),
        Some(1),
        "{}",
        with_cel.text
    );
    let jsonata = server.get("/schemas?ruleType=jsonata").await;
    assert_eq!(
        jsonata.body.as_array().map(Vec::len),
        Some(1),
        "{}",
        jsonata.text
    );
    let encrypt = server.get("/schemas?ruleType=ENCRYPT").await;
    assert_eq!(encrypt.body, json!([]));
    let found = server
        .post("/subjects/orders-value", &with_contract("1"))
        .await;
    assert_eq!(contract(&found.body), expected, "{}", found.text);
    assert_eq!(found.body["id"], id);

    // Registering it again is the same version; without metadata or rule set
    // it carries on the latest's (as Confluent's does), also for lookups.
    for body in [with_contract("1"), json!({"schema": ORDER})] {
        let again = server.post("/subjects/orders-value/versions", &body).await;
        assert_eq!(
            (&again.body["id"], &again.body["version"]),
            (&json!(id), &json!(1))
        );
        let found = server.post("/subjects/orders-value", &body).await;
        assert_eq!(found.body["id"], id, "{}", found.text);
    }

    // Other metadata is another schema: a new id and version.
    let major2 = server
        .post("/subjects/orders-value/versions", &with_contract("2"))
        .await;
    assert_eq!(major2.body["version"], 2, "{}", major2.text);
    assert_ne!(major2.body["id"], id);
    assert_eq!(major2.body["metadata"], answered_metadata("2"));
    // The same text and contract in another subject keeps the id.
    let elsewhere = server
        .post("/subjects/elsewhere/versions", &with_contract("2"))
        .await;
    assert_eq!(elsewhere.body["id"], major2.body["id"]);

    // No schema text: the latest's schema with the metadata sent.
    let metadata_only = server
        .post(
            "/subjects/orders-value/versions",
            &json!({"metadata": {"properties": {"owner": "ledger"}}}),
        )
        .await;
    assert_eq!(metadata_only.body["version"], 3, "{}", metadata_only.text);
    assert_eq!(metadata_only.body["schema"], ORDER);
    assert_eq!(
        contract(&metadata_only.body),
        (
            json!({"properties": {"owner": "ledger"}}),
            answered_rule_set()
        )
    );

    // A schema without a contract answers none.
    let plain = server
        .post(
            "/subjects/plain/versions",
            &json!({"schemaType": "JSON", "schema": "{}"}),
        )
        .await;
    let read = server.get("/subjects/plain/versions/1").await;
    for answer in [&plain.body, &read.body] {
        let fields = answer.as_object().unwrap();
        assert!(
            !fields.contains_key("metadata") && !fields.contains_key("ruleSet"),
            "{answer}"
        );
    }
}

#[tokio::test]
async fn bad_rule_sets_answer_422_naming_the_rule() {
    let server = Server::start();
    let mut bad_mode = with_contract("1");
    bad_mode["ruleSet"]["domainRules"][0]["mode"] = json!("UPGRADE");
    let mut bad_kind = with_contract("1");
    bad_kind["ruleSet"]["migrationRules"][0]["kind"] = json!("MUTATE");
    let mut no_name = with_contract("1");
    no_name["ruleSet"]["domainRules"][0]["name"] = json!("");
    let mut bad_metadata = with_contract("1");
    bad_metadata["metadata"]["properties"]["owner"] = json!(7);
    for (body, code, place) in [
        (&bad_mode, 42210, "ruleSet.domainRules[0].mode"),
        (&bad_kind, 42210, "ruleSet.migrationRules[0].kind"),
        (&no_name, 42210, "ruleSet.domainRules[0].name"),
        (&bad_metadata, 42201, "metadata.properties.owner"),
    ] {
        for path in [
            "/subjects/s/versions",
            "/subjects/s",
            "/compatibility/subjects/s/versions/latest",
        ] {
            let answer = server.post(path, body).await;
            assert_eq!(
                (answer.status, answer.code()),
                (422, code),
                "POST {path}: {}",
                answer.text
            );
            assert!(answer.message().contains(place), "{}", answer.message());
        }
    }
    // Compatibility checks take a contract too.
    let checked = server
        .post(
            "/compatibility/subjects/s/versions/latest",
            &with_contract("1"),
        )
        .await;
    assert_eq!(checked.body["is_compatible"], true, "{}", checked.text);
}

#[tokio::test]
async fn the_latest_version_with_metadata_picks_a_major_line() {
    let server = Server::start();
    let v1 = server
        .post("/subjects/orders-value/versions", &with_contract("1"))
        .await;
    let line = |major: &str, owner: &str| {
        let mut body = with_contract(major);
        body["metadata"]["properties"]["owner"] = json!(owner);
        body
    };
    let v2 = server
        .post("/subjects/orders-value/versions", &line("2", "payments"))
        .await;
    let v3 = server
        .post("/subjects/orders-value/versions", &line("1", "ledger"))
        .await;
    assert_eq!(v3.body["version"], 3, "{}", v3.text);
    for (query, expected) in [
        ("key=major_version&value=1", &v3),
        ("key=major_version&value=2", &v2),
        ("key=major_version&value=1&key=owner&value=payments", &v1),
        // The doubled `&&` of the JavaScript client.
        (
            "deleted=false&&key=major_version&value=1&key=owner&value=payments",
            &v1,
        ),
        ("", &v3),
    ] {
        let found = server
            .get(&format!("/subjects/orders-value/metadata?{query}"))
            .await;
        assert_eq!(
            (&found.body["version"], &found.body["id"]),
            (&expected.body["version"], &expected.body["id"]),
            "{query}: {}",
            found.text
        );
        assert_eq!(found.body["metadata"], expected.body["metadata"]);
    }
    // Soft-deleted versions count only with deleted=true.
    server.delete("/subjects/orders-value/versions/2").await;
    let query = "/subjects/orders-value/metadata?key=major_version&value=2";
    let gone = server.get(query).await;
    assert_eq!((gone.status, gone.code()), (404, 40403), "{}", gone.text);
    let found = server.get(&format!("{query}&deleted=true")).await;
    assert_eq!(found.body["version"], 2, "{}", found.text);
    let none = server
        .get("/subjects/orders-value/metadata?key=major_version&value=9")
        .await;
    assert_eq!((none.status, none.code()), (404, 40403));
    let unknown = server
        .get("/subjects/nobody/metadata?key=major_version&value=1")
        .await;
    assert_eq!((unknown.status, unknown.code()), (404, 40401));
    let unpaired = server
        .get("/subjects/orders-value/metadata?key=major_version")
        .await;
    assert_eq!(unpaired.status, 400, "{}", unpaired.text);
}
