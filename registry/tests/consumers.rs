//! Consumers in the registry, over HTTP against the real binary: readers
//! recorded per consumer, subject and environment; deployments and
//! retention; registrations judged against the readers under
//! `consumerCompatibility`; and `POST /can-i-deploy` from both sides. The
//! scenario runs in JSON Schema, Avro and Protobuf.

mod common;

use common::{Answer, Server};
use serde_json::{Value, json};

const SUBJECT: &str = "inventory-value";

/// One format's schemas for the scenario: the producer's versions (`v1`
/// with `warehouseId`, `v2` without, `v3` adding `priority`) and readers
/// that need `warehouseId`, need nothing but `sku`, or need `priority`.
struct Format {
    schema_type: &'static str,
    v1: String,
    v2: String,
    v3: String,
    needs_warehouse: String,
    needs_sku: String,
    needs_priority: String,
}

fn json_schema(fields: &[&str]) -> String {
    let properties: serde_json::Map<String, Value> = fields
        .iter()
        .map(|f| {
            let kind = if *f == "priority" {
                "integer"
            } else {
                "string"
            };
            (f.to_string(), json!({"type": kind}))
        })
        .collect();
    json!({"type": "object", "properties": properties, "required": fields}).to_string()
}

fn avro(fields: &[&str]) -> String {
    let fields: Vec<Value> = fields
        .iter()
        .map(|f| {
            let kind = if *f == "priority" { "int" } else { "string" };
            json!({"name": f, "type": kind})
        })
        .collect();
    json!({"type": "record", "name": "InventoryReserved", "fields": fields}).to_string()
}

fn protobuf(fields: &[&str]) -> String {
    let lines: String = fields
        .iter()
        .map(|f| match *f {
            "sku" => "  required string sku = 1;\n",
            "warehouseId" => "  required string warehouse_id = 2;\n",
            _ => "  required int32 priority = 3;\n",
        })
        .collect();
    format!("syntax = \"proto2\";\nmessage InventoryReserved {{\n{lines}}}\n")
}

fn format(schema_type: &'static str, make: fn(&[&str]) -> String) -> Format {
    Format {
        schema_type,
        v1: make(&["sku", "warehouseId"]),
        v2: make(&["sku"]),
        v3: make(&["sku", "priority"]),
        needs_warehouse: make(&["sku", "warehouseId"]),
        needs_sku: make(&["sku"]),
        needs_priority: make(&["sku", "priority"]),
    }
}

fn formats() -> [Format; 3] {
    [
        format("JSON", json_schema),
        format("AVRO", avro),
        format("PROTOBUF", protobuf),
    ]
}

impl Format {
    fn body(&self, schema: &str) -> Value {
        json!({"schemaType": self.schema_type, "schema": schema})
    }

    fn reader(&self, environment: &str, schema: &str) -> Value {
        json!({"environment": environment, "schemaType": self.schema_type, "schema": schema})
    }
}

/// Registers `body` under the subject.
async fn register(server: &Server, body: &Value) -> Answer {
    server
        .post(&format!("/subjects/{SUBJECT}/versions"), body)
        .await
}

/// `answer` has `status`, or the test fails showing it.
fn expect(answer: &Answer, status: u16, what: &str) {
    assert_eq!(answer.status, status, "{what}: {}", answer.text);
}

async fn setup(server: &Server, f: &Format, consumer_compatibility: &str) {
    let config = json!({"compatibility": "NONE", "consumerCompatibility": consumer_compatibility});
    let set = server.put(&format!("/config/{SUBJECT}"), &config).await;
    expect(&set, 200, "config");
    assert_eq!(set.body["consumerCompatibility"], consumer_compatibility);
    expect(&register(server, &f.body(&f.v1)).await, 200, "v1");
    let deployed = server
        .put(
            &format!("/deployments/prod/subjects/{SUBJECT}"),
            &json!({"version": 1}),
        )
        .await;
    expect(&deployed, 200, "deployed v1");
    let fulfillment = json!({
        "environment": "prod", "schemaType": f.schema_type, "schema": f.needs_warehouse,
        "consumerVersion": "1.4.2",
    });
    let recorded = server
        .put(
            &format!("/consumers/fulfillment/subjects/{SUBJECT}"),
            &fulfillment,
        )
        .await;
    expect(&recorded, 200, "fulfillment");
    assert_eq!(recorded.body["consumer"], "fulfillment");
    assert_eq!(recorded.body["environment"], "prod");
    assert_eq!(recorded.body["consumerVersion"], "1.4.2");
    assert_eq!(recorded.body["reader"]["schemaType"], f.schema_type);
    let billing = server
        .put(
            &format!("/consumers/billing/subjects/{SUBJECT}"),
            &f.reader("prod", &f.needs_sku),
        )
        .await;
    expect(&billing, 200, "billing");
}

/// The rows of a matrix as `(consumer, writer, compatible)`.
fn rows(matrix: &Value) -> Vec<(String, Value, bool)> {
    matrix
        .as_array()
        .expect("a matrix")
        .iter()
        .map(|r| {
            (
                r["consumer"].as_str().unwrap().to_string(),
                r["writer"].clone(),
                r["compatible"].as_bool().unwrap(),
            )
        })
        .collect()
}

async fn scenario(f: &Format) {
    let server = Server::start();
    setup(&server, f, "ENFORCE").await;
    let what = f.schema_type;

    // The producer asks first: fulfillment (prod) cannot read v2.
    let producer = json!({"subject": SUBJECT, "environment": "prod",
        "schemaType": f.schema_type, "schema": f.v2});
    let asked = server.post("/can-i-deploy", &producer).await;
    expect(&asked, 200, what);
    assert_eq!(asked.body["ok"], false, "{what}: {}", asked.text);
    let candidate = json!({"candidate": true});
    assert_eq!(
        rows(&asked.body["matrix"]),
        [
            ("billing".to_string(), candidate.clone(), true),
            ("fulfillment".to_string(), candidate.clone(), false),
        ],
        "{what}"
    );
    let broken = &asked.body["matrix"][1];
    assert_eq!(broken["consumerVersion"], "1.4.2");
    let changes = broken["changes"].as_array().unwrap();
    assert!(!changes.is_empty(), "{what}");
    assert!(
        changes.iter().all(|c| c["example"].is_object()),
        "{what}: every breaking change has an example: {}",
        asked.text
    );

    // Removing warehouseId is refused, naming fulfillment in prod, not billing.
    let refused = register(&server, &f.body(&f.v2)).await;
    expect(&refused, 409, what);
    assert_eq!(refused.code(), 40901);
    let message = refused.message();
    for needle in [
        "fulfillment",
        "environment prod",
        "version 1.4.2",
        "example: {",
    ] {
        assert!(message.contains(needle), "{what}: {needle} in {message}");
    }
    assert!(!message.contains("billing"), "{what}: {message}");

    // Fulfillment moves to a reader without the field: the removal passes.
    let moved = server
        .put(
            &format!("/consumers/fulfillment/subjects/{SUBJECT}"),
            &f.reader("prod", &f.needs_sku),
        )
        .await;
    expect(&moved, 200, what);
    let accepted = register(&server, &f.body(&f.v2)).await;
    expect(&accepted, 200, what);
    assert_eq!(accepted.body["version"], 2);
    assert!(accepted.body.get("consumerWarnings").is_none());

    // v2 and v3 run in prod; a consumer needing priority, which v1 and v2
    // lack, may not deploy, and the answer names those versions. (v3 adds a
    // required field, which the peer's Protobuf rules call breaking for
    // every reader: this part is about the consumer's side, so the
    // producer's gate is lifted for it.)
    let lifted = json!({"consumerCompatibility": "NONE"});
    expect(
        &server.put(&format!("/config/{SUBJECT}"), &lifted).await,
        200,
        what,
    );
    expect(&register(&server, &f.body(&f.v3)).await, 200, what);
    for version in [2, 3] {
        let deployed = server
            .put(
                &format!("/deployments/prod/subjects/{SUBJECT}"),
                &json!({"version": version}),
            )
            .await;
        expect(&deployed, 200, what);
    }
    let consumer = json!({"consumer": "dispatch", "subject": SUBJECT, "environment": "prod",
        "reader": {"schemaType": f.schema_type, "schema": f.needs_priority}});
    let asked = server.post("/can-i-deploy", &consumer).await;
    expect(&asked, 200, what);
    assert_eq!(asked.body["ok"], false);
    let dispatch = |v: i64, ok: bool| ("dispatch".to_string(), json!({"version": v}), ok);
    assert_eq!(
        rows(&asked.body["matrix"]),
        [dispatch(1, false), dispatch(2, false), dispatch(3, true)],
        "{what}"
    );
    // Once only v3's data is kept, it may.
    let kept = server
        .put(
            &format!("/deployments/prod/subjects/{SUBJECT}/retention"),
            &json!({"retainedFromVersion": 3}),
        )
        .await;
    expect(&kept, 200, what);
    let asked = server.post("/can-i-deploy", &consumer).await;
    assert_eq!(asked.body["ok"], true, "{what}: {}", asked.text);
    assert_eq!(rows(&asked.body["matrix"]), [dispatch(3, true)]);
    // Another environment has no deployments: only the latest counts.
    let mut staging = consumer.clone();
    staging["environment"] = json!("staging");
    let asked = server.post("/can-i-deploy", &staging).await;
    assert_eq!(rows(&asked.body["matrix"]), [dispatch(3, true)]);
}

#[tokio::test]
async fn removing_a_field_a_running_consumer_needs_is_refused_json_schema() {
    scenario(&formats()[0]).await;
}

#[tokio::test]
async fn removing_a_field_a_running_consumer_needs_is_refused_avro() {
    scenario(&formats()[1]).await;
}

#[tokio::test]
async fn removing_a_field_a_running_consumer_needs_is_refused_protobuf() {
    scenario(&formats()[2]).await;
}

#[tokio::test]
async fn warn_accepts_and_reports_none_ignores() {
    let f = &formats()[0];
    let server = Server::start();
    setup(&server, f, "WARN").await;
    let accepted = register(&server, &f.body(&f.v2)).await;
    expect(&accepted, 200, "WARN");
    assert_eq!(accepted.body["version"], 2);
    let warnings = accepted.body["consumerWarnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 1, "{}", accepted.text);
    assert_eq!(warnings[0]["consumer"], "fulfillment");
    assert_eq!(warnings[0]["environment"], "prod");
    assert!(warnings[0]["changes"][0]["example"].is_object());

    let server = Server::start();
    setup(&server, f, "NONE").await;
    let accepted = register(&server, &f.body(&f.v2)).await;
    expect(&accepted, 200, "NONE");
    assert!(accepted.body.get("consumerWarnings").is_none());
    // Without the setting, the config answers exactly as before.
    let server = Server::start();
    let config = server.get("/config").await;
    assert_eq!(config.body, json!({"compatibilityLevel": "BACKWARD"}));
}

#[tokio::test]
async fn a_version_reader_follows_that_version_and_forgetting_lifts_the_constraint() {
    let f = &formats()[1];
    let server = Server::start();
    let config = json!({"compatibility": "NONE", "consumerCompatibility": "ENFORCE"});
    expect(
        &server.put(&format!("/config/{SUBJECT}"), &config).await,
        200,
        "config",
    );
    expect(&register(&server, &f.body(&f.v1)).await, 200, "v1");
    let pinned = server
        .put(
            &format!("/consumers/fulfillment/subjects/{SUBJECT}"),
            &json!({"environment": "prod", "version": 1}),
        )
        .await;
    expect(&pinned, 200, "pinned");
    assert_eq!(pinned.body["reader"], json!({"version": 1}));
    // The reader is v1's schema, which needs warehouseId.
    let refused = register(&server, &f.body(&f.v2)).await;
    expect(&refused, 409, "pinned reader");
    let listed = server.get(&format!("/subjects/{SUBJECT}/consumers")).await;
    expect(&listed, 200, "listed");
    assert_eq!(listed.body[0]["consumer"], "fulfillment");
    assert_eq!(listed.body[0]["readsLatest"], true);
    assert_eq!(
        server
            .get(&format!(
                "/subjects/{SUBJECT}/consumers?environment=nowhere"
            ))
            .await
            .body,
        json!([])
    );
    let forgot = server
        .delete(&format!(
            "/consumers/fulfillment/subjects/{SUBJECT}?environment=prod"
        ))
        .await;
    expect(&forgot, 200, "forget");
    let again = server
        .delete(&format!(
            "/consumers/fulfillment/subjects/{SUBJECT}?environment=prod"
        ))
        .await;
    expect(&again, 404, "forget twice");
    expect(
        &register(&server, &f.body(&f.v2)).await,
        200,
        "after forgetting",
    );
    assert_eq!(server.get("/consumers").await.body, json!([]));
}

#[tokio::test]
async fn records_survive_a_restart() {
    let f = &formats()[0];
    let dir = common::temp_dir();
    {
        let server = Server::start_in(dir.path(), &[]);
        setup(&server, f, "ENFORCE").await;
    }
    let server = Server::start_in(dir.path(), &[]);
    assert_eq!(
        server.get("/consumers").await.body,
        json!(["billing", "fulfillment"])
    );
    let fulfillment = server.get("/consumers/fulfillment").await;
    assert_eq!(fulfillment.body[0]["consumerVersion"], "1.4.2");
    let prod = server.get("/deployments/prod").await;
    assert_eq!(prod.body[0]["version"], 1);
    assert_eq!(prod.body[0]["subject"], SUBJECT);
    expect(
        &register(&server, &f.body(&f.v2)).await,
        409,
        "after restart",
    );
    assert_eq!(server.get("/deployments/nowhere").await.body, json!([]));
}

#[tokio::test]
async fn bad_input_is_refused_naming_the_problem() {
    let f = &formats()[0];
    let server = Server::start();
    expect(&register(&server, &f.body(&f.v1)).await, 200, "v1");
    let path = format!("/consumers/fulfillment/subjects/{SUBJECT}");

    let unknown = server
        .put(
            "/consumers/fulfillment/subjects/nobody",
            &f.reader("prod", &f.v1),
        )
        .await;
    expect(&unknown, 404, "unknown subject");
    assert_eq!(unknown.code(), 40401);

    let unparsable = server
        .put(
            &path,
            &json!({"schemaType": "JSON", "schema": "{\"type\": 12}"}),
        )
        .await;
    expect(&unparsable, 422, "unparsable reader");
    assert_eq!(unparsable.code(), 42201);
    assert!(unparsable.message().contains("type"), "{}", unparsable.text);

    let bad_name = server
        .put(
            &format!("/consumers/ful%20fillment/subjects/{SUBJECT}"),
            &f.reader("prod", &f.v1),
        )
        .await;
    expect(&bad_name, 422, "consumer name");
    assert!(
        bad_name.message().contains("consumer name"),
        "{}",
        bad_name.text
    );
    let bad_environment = server.put(&path, &f.reader("pro d", &f.v1)).await;
    expect(&bad_environment, 422, "environment name");

    let both = server
        .put(
            &path,
            &json!({"schema": f.v1, "version": 1, "schemaType": "JSON"}),
        )
        .await;
    expect(&both, 422, "schema and version");
    let unknown_field = server
        .put(&path, &json!({"version": 1, "color": "red"}))
        .await;
    expect(&unknown_field, 422, "unknown field");
    assert!(
        unknown_field.message().contains("color"),
        "{}",
        unknown_field.text
    );
    let missing_version = server.put(&path, &json!({"version": 7})).await;
    expect(&missing_version, 404, "missing version");
    assert_eq!(missing_version.code(), 40402);

    let not_deployed = server
        .put(
            &format!("/deployments/prod/subjects/{SUBJECT}"),
            &json!({"version": 0}),
        )
        .await;
    expect(&not_deployed, 422, "version 0");
    let neither = server
        .post(
            "/can-i-deploy",
            &json!({"subject": SUBJECT, "environment": "prod"}),
        )
        .await;
    expect(&neither, 422, "no question");
    let unknown = server
        .post(
            "/can-i-deploy",
            &json!({"subject": "nobody", "schemaType": "JSON", "schema": "{}"}),
        )
        .await;
    expect(&unknown, 404, "can-i-deploy unknown subject");
    // An environment nobody named: no consumers, so nothing to break.
    let nowhere = server
        .post(
            "/can-i-deploy",
            &json!({"subject": SUBJECT, "environment": "nowhere", "schemaType": "JSON", "schema": f.v2}),
        )
        .await;
    expect(&nowhere, 200, "unknown environment");
    assert_eq!(nowhere.body, json!({"ok": true, "matrix": []}));
    expect(
        &server.get("/consumers/nobody").await,
        404,
        "unknown consumer",
    );
}

/// Verdicts are kept between listings; a reader's reference deleted for
/// good and registered again with other content is judged afresh.
#[tokio::test]
async fn a_listing_follows_a_reference_registered_again_after_a_permanent_delete() {
    let server = Server::start();
    let common = |kind: &str| {
        json!({"schemaType": "JSON", "schema": json!({
            "type": "object", "properties": {"sku": {"type": kind}}, "required": ["sku"],
        }).to_string()})
    };
    expect(
        &server
            .post("/subjects/common/versions", &common("string"))
            .await,
        200,
        "common v1",
    );
    expect(
        &register(&server, &common("string")).await,
        200,
        "producer v1",
    );
    let reader = json!({
        "environment": "prod", "schemaType": "JSON",
        "schema": json!({"$ref": "common.json"}).to_string(),
        "references": [{"name": "common.json", "subject": "common", "version": 1}],
    });
    expect(
        &server
            .put(
                &format!("/consumers/fulfillment/subjects/{SUBJECT}"),
                &reader,
            )
            .await,
        200,
        "reader",
    );
    let reads_latest = |listed: &Answer| listed.body[0]["readsLatest"].clone();
    let path = format!("/subjects/{SUBJECT}/consumers");
    for round in ["first", "kept"] {
        let listed = server.get(&path).await;
        expect(&listed, 200, round);
        assert_eq!(reads_latest(&listed), true, "{round}: {}", listed.text);
    }
    expect(
        &server.delete("/subjects/common/versions/1").await,
        200,
        "soft",
    );
    expect(
        &server
            .delete("/subjects/common/versions/1?permanent=true")
            .await,
        200,
        "permanent",
    );
    let again = server
        .post("/subjects/common/versions", &common("integer"))
        .await;
    expect(&again, 200, "common again");
    let version = server.get("/subjects/common/versions/latest").await;
    assert_eq!(version.body["version"], 1, "{}", version.text);
    let listed = server.get(&path).await;
    expect(&listed, 200, "after the delete");
    assert_eq!(reads_latest(&listed), false, "{}", listed.text);
}
