//! Associations (Confluent 8.2+, issue #13) over HTTP against the real
//! binary: created WEAK and STRONG (with a schema registered first), read
//! by subject, resource id and name with filters and wildcards, retried,
//! refused with the peer's codes, updated by `PUT`, deleted with and
//! without cascading, checked by `dryRun`, and kept across a restart.

mod common;

use common::Server;
use common::steps::{code, has, is};
use serde_json::{Value, json};

fn schema(id_type: &str) -> Value {
    json!({"schemaType": "JSON", "schema": json!({
        "type": "object", "properties": {"id": {"type": id_type}}
    }).to_string()})
}

/// Registers `schema("string")` as the next version of `subject`.
async fn register(server: &Server, subject: &str) {
    let answer = server
        .post(&format!("/subjects/{subject}/versions"), &schema("string"))
        .await;
    assert_eq!(answer.status, 200, "{}", answer.text);
}

fn create(name: &str, id: &str, associations: Value) -> Value {
    json!({"resourceName": name, "resourceNamespace": "lkc-1", "resourceId": id,
           "associations": associations})
}

const STRONG_PAYMENTS: &str = "/subjects/:.lkc-1:payments-value/versions";

#[tokio::test]
async fn weak_and_strong_associations_are_created_read_and_deleted() {
    let server = Server::start();
    register(&server, "orders-contract").await;
    let weak = create("orders", "t-1", json!([{"subject": "orders-contract"}]));
    let resource = json!({"resourceName": "orders", "resourceNamespace": "lkc-1",
                          "resourceId": "t-1", "resourceType": "topic"});
    let mut written = resource.clone();
    written["associations"] =
        json!([{"subject": "orders-contract", "associationType": "value", "lifecycle": "WEAK"}]);
    steps!(server;
        POST "/associations", weak => 200 is(written);
        // The same request again changes nothing and succeeds.
        POST "/associations", weak => 200 is(resource);
        POST "/associations", create("orders", "t-1", json!([{"subject": "other"}])) => 409 code(40903);
    );
    let listed = server
        .get("/associations/resources/-/orders?resourceType=topic&associationType=value")
        .await;
    assert_eq!(listed.status, 200, "{}", listed.text);
    let one = &listed.body[0];
    assert_eq!(listed.body.as_array().unwrap().len(), 1, "{}", listed.text);
    for (field, value) in [
        ("subject", "orders-contract"),
        ("resourceName", "orders"),
        ("resourceNamespace", "lkc-1"),
        ("resourceId", "t-1"),
        ("resourceType", "topic"),
        ("associationType", "value"),
        ("lifecycle", "WEAK"),
    ] {
        assert_eq!(one[field], json!(value), "{field}: {}", listed.text);
    }
    assert_eq!(one["guid"].as_str().unwrap().len(), 36, "a UUID");
    assert!(one["createTs"].as_i64().unwrap() > 0 && one.get("frozen").is_none());
    let only = || json!([{"subject": "orders-contract", "resourceId": "t-1"}]);
    steps!(server;
        GET "/associations/resources/lkc-1/orders" => 200 has(only());
        GET "/associations/resources/lkc-1/-" => 200 has(only());
        GET "/associations/resources/-/-?associationType=value&associationType=key" => 200 has(only());
        GET "/associations/resources/lkc-2/orders" => 200 is(json!([]));
        GET "/associations/resources/t-1" => 200 has(only());
        GET "/associations/resources/t-1?associationType=key" => 200 is(json!([]));
        GET "/associations/resources/t-1?resourceType=table" => 200 is(json!([]));
        GET "/associations/subjects/orders-contract" => 200 has(only());
        GET "/associations/subjects/orders-contract?lifecycle=STRONG" => 200 is(json!([]));
        GET "/associations/subjects/orders-contract?lifecycle=WEAK&offset=1" => 200 is(json!([]));
        GET "/associations/subjects/orders-contract?lifecycle=SOFT" => 400 code(400);
    );

    // A STRONG association comes with its schema, registered into the
    // default subject first.
    let strong = create("payments", "t-2", json!([{"schema": schema("string")}]));
    let answer = server.post("/associations", &strong).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    let info = &answer.body["associations"][0];
    assert_eq!(info["subject"], ":.lkc-1:payments-value");
    assert_eq!(info["lifecycle"], "STRONG");
    assert_eq!(info.get("frozen"), None, "STRONG is frozen by default");
    assert_eq!(
        (&info["schema"]["version"], &info["schema"]["subject"]),
        (&json!(1), &json!(":.lkc-1:payments-value"))
    );
    steps!(server;
        GET STRONG_PAYMENTS => 200 is(json!([1]));
        // Retrying with the schema the subject holds is a no-op; another
        // schema is another association.
        POST "/associations", strong => 200 is(json!({"resourceName": "payments",
            "resourceNamespace": "lkc-1", "resourceId": "t-2", "resourceType": "topic"}));
        POST "/associations", create("payments", "t-2", json!([{"schema": schema("integer")}])) => 409 code(40903);
        // A WEAK association may not share a subject a STRONG one owns.
        POST "/associations", create("refunds", "t-3", json!([{"subject": ":.lkc-1:payments-value"}])) => 409 code(40905);
        // A subject without a live version cannot be associated.
        POST "/associations", create("refunds", "t-3", json!([{"subject": "nothing-here"}])) => 409 code(40907);
        // Nor a resource hold two lifecycles.
        POST "/associations", create("orders", "t-1", json!([{"associationType": "key", "schema": schema("string")}])) => 422 code(42212);
        // Frozen: no delete without cascading.
        DELETE "/associations/resources/t-2" => 409 code(40908);
        DELETE "/associations/resources/t-2?cascadeLifecycle=true&dryRun=true" => 204 is(Value::Null);
        GET "/associations/resources/t-2" => 200 has(json!([{"lifecycle": "STRONG"}]));
        GET STRONG_PAYMENTS => 200 is(json!([1]));
        DELETE "/associations/resources/t-2?cascadeLifecycle=true" => 204 is(Value::Null);
        GET "/associations/resources/t-2" => 200 is(json!([]));
        GET STRONG_PAYMENTS => 404 code(40401);
        GET "/subjects/:.lkc-1:payments-value/versions?deleted=true" => 404 code(40401);
        // A WEAK one goes alone; its subject stays.
        DELETE "/associations/resources/t-1?associationType=key" => 404 code(40410);
        DELETE "/associations/resources/t-1?dryRun=true" => 204 is(Value::Null);
        GET "/associations/resources/t-1" => 200 has(only());
        DELETE "/associations/resources/t-1" => 204 is(Value::Null);
        GET "/associations/resources/t-1" => 200 is(json!([]));
        DELETE "/associations/resources/t-1" => 404 code(40410);
        GET "/subjects/orders-contract/versions" => 200 is(json!([1]));
    );
}

#[tokio::test]
async fn refusals_name_the_property_and_change_nothing() {
    let server = Server::start();
    register(&server, "orders-contract").await;
    register(&server, ":.lkc-1:refunds-value").await;
    steps!(server;
        POST "/associations", json!({"resourceNamespace": "lkc-1", "resourceId": "t",
            "associations": [{"subject": "orders-contract"}]}) => 422 code(42212);
        POST "/associations", create("or ders", "t", json!([{"subject": "orders-contract"}])) => 422 code(42212);
        POST "/associations", create("orders", "t", json!([])) => 422 code(42212);
        POST "/associations", create("orders", "t", json!([{}])) => 422 code(42212);
        // Not a LifecyclePolicy: the body is refused as the peer's Jackson
        // refuses it (its JsonMappingExceptionMapper: 400, error code 400).
        POST "/associations", create("orders", "t", json!([{"subject": "orders-contract", "lifecycle": "SOFT"}])) => 400 code(400);
        POST "/associations", create("orders", "t", json!([{"subject": "orders-contract", "lifecycle": "weak"}])) => 400 code(400);
        POST "/associations", create("orders", "t", json!([{"subject": "orders-contract", "associationType": "header"}])) => 422 code(42212);
        POST "/associations", create("orders", "t", json!([{"subject": "orders-contract"}, {"subject": "orders-contract"}])) => 422 code(42212);
        POST "/associations", create("orders", "t", json!([{"subject": ":.lkc-1:orders-value"}])) => 422 code(42212);
        POST "/associations", create("orders", "t", json!([{"lifecycle": "STRONG"}])) => 422 code(42212);
        POST "/associations", create("orders", "t", json!([{"subject": "orders-contract", "frozen": true}])) => 422 code(42212);
        POST "/associations?dryRun=true", json!({"resourceName": "orders", "resourceNamespace": "lkc-1",
            "associations": [{"subject": "orders-contract"}]}) => 200 is(json!({"resourceName": "orders",
            "resourceNamespace": "lkc-1", "resourceType": "topic"}));
        POST "/associations?dryRun=true", create("orders", "t", json!([{"subject": "orders-contract"}])) => 200 has(json!({"resourceId": "t"}));
        GET "/associations/subjects/orders-contract" => 200 is(json!([]));
        // A subject another resource associates cannot be owned.
        POST "/associations", create("audits", "t-9", json!([{"subject": ":.lkc-1:refunds-value"}])) => 200 has(json!({"resourceId": "t-9"}));
        POST "/associations", create("refunds", "t-3", json!([{"schema": schema("string")}])) => 409 code(40904);
        // A read-only subject takes no association.
        PUT "/mode/orders-contract", json!({"mode": "READONLY"}) => 200 has(json!({"mode": "READONLY"}));
        POST "/associations", create("orders", "t", json!([{"subject": "orders-contract"}])) => 422 code(42205);
        GET "/associations/subjects/orders-contract" => 200 is(json!([]));
    );
    // A subject others reference cannot be owned.
    register(&server, ":.lkc-1:items-value").await;
    let referring = json!({"schemaType": "JSON", "schema": json!({"$ref": "items.json"}).to_string(),
        "references": [{"name": "items.json", "subject": ":.lkc-1:items-value", "version": 1}]});
    let answer = server.post("/subjects/users/versions", &referring).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    // Nor one another schema of the same request references, by the
    // bare name its own context gives it (`ledger-value` from
    // `:.lkc-1:ledger-key` is `:.lkc-1:ledger-value`).
    let key = json!({"schemaType": "JSON", "schema": json!({"$ref": "v.json"}).to_string(),
        "references": [{"name": "v.json", "subject": "ledger-value", "version": 1}]});
    steps!(server;
        POST "/associations", create("items", "t-4", json!([{"schema": schema("string")}])) => 422 code(42206);
        GET "/associations/resources/t-4" => 200 is(json!([]));
        POST "/associations", create("ledger", "t-5", json!([{"associationType": "key", "schema": key},
            {"schema": schema("string")}])) => 422 code(42206);
        GET "/associations/resources/t-5" => 200 is(json!([]));
    );
}

#[tokio::test]
async fn put_creates_or_updates_and_frozen_ones_stay() {
    let server = Server::start();
    register(&server, "orders-contract").await;
    register(&server, "orders-other").await;
    let weak = json!({"resourceName": "orders", "resourceNamespace": "lkc-1",
                      "associations": [{"subject": "orders-contract"}]});
    steps!(server;
        PUT "/associations/resources/t-1", weak => 200 has(json!({"resourceId": "t-1",
            "associations": [{"subject": "orders-contract", "lifecycle": "WEAK"}]}));
        GET "/associations/resources/t-1" => 200 has(json!([{"subject": "orders-contract"}]));
        // Nothing to change: nothing written.
        PUT "/associations/resources/t-1", json!({"resourceName": "orders", "resourceNamespace": "lkc-1",
            "associations": [{"lifecycle": "WEAK"}]}) => 200 is(json!({"resourceName": "orders",
            "resourceNamespace": "lkc-1", "resourceId": "t-1", "resourceType": "topic"}));
        PUT "/associations/resources/t-1", json!({"resourceName": "orders", "resourceNamespace": "lkc-1",
            "associations": [{"subject": "orders-other", "lifecycle": "WEAK"}]}) => 422 code(42212);
        PUT "/associations/resources/t-1", json!({"resourceName": "orders", "resourceNamespace": "lkc-1",
            "resourceId": "t-2", "associations": [{"subject": "orders-contract"}]}) => 422 code(42212);
        // STRONG only with the topic (a create), never by an upsert.
        PUT "/associations/resources/t-5", json!({"resourceName": "five", "resourceNamespace": "lkc-1",
            "associations": [{"lifecycle": "STRONG"}]}) => 422 code(42212);
        POST "/associations", create("payments", "t-2", json!([{"schema": schema("string")}])) => 200 has(json!({"resourceId": "t-2"}));
        PUT "/associations/resources/t-2", json!({"resourceName": "payments", "resourceNamespace": "lkc-1",
            "associations": [{"lifecycle": "STRONG", "frozen": false}]}) => 422 code(42212);
        // A key association added beside the value one.
        PUT "/associations/resources/t-1", json!({"resourceName": "orders", "resourceNamespace": "lkc-1",
            "associations": [{"subject": "orders-other", "associationType": "key"}]}) => 200 has(json!({
            "associations": [{"subject": "orders-other", "associationType": "key"}]}));
        GET "/associations/resources/t-1" => 200 has(json!([{"associationType": "key"}, {"associationType": "value"}]));
        // A subject with an alias stands for the aliased one.
        PUT "/config/orders-alias", json!({"alias": "orders-other"}) => 200 has(json!({"alias": "orders-other"}));
        POST "/associations", create("audits", "t-9", json!([{"subject": "orders-alias"}])) => 200 has(json!({
            "associations": [{"subject": "orders-other"}]}));
        GET "/associations/subjects/orders-other" => 200 has(json!([{"resourceId": "t-9"}, {"resourceId": "t-1"}]));
    );
}

#[tokio::test]
async fn associations_outlive_a_restart() {
    let mut server = Server::start();
    register(&server, "orders-contract").await;
    let created = server
        .post(
            "/associations",
            &create("orders", "t-1", json!([{"subject": "orders-contract"}])),
        )
        .await;
    assert_eq!(created.status, 200, "{}", created.text);
    let before = server.get("/associations/resources/t-1").await.body;
    let url = server.database_url();
    assert!(server.terminate(), "the registry exits cleanly");
    let restarted = Server::start_at(&url, &[]);
    assert_eq!(
        restarted.get("/associations/resources/t-1").await.body,
        before
    );
}

/// `GET /schemas` filtered by associations: a version stays when its
/// subject has an association of the type, kinds and lifecycles asked for
/// (answered along), or with `lifecycle=NONE` none at all.
#[tokio::test]
async fn schemas_filter_by_their_subjects_associations() {
    let server = Server::start();
    register(&server, "orders-contract").await;
    register(&server, "loose").await;
    let weak = create("orders", "t-1", json!([{"subject": "orders-contract"}]));
    let strong = create("payments", "t-2", json!([{"schema": schema("integer")}]));
    steps!(server;
        POST "/associations", weak => 200 has(json!({"resourceId": "t-1"}));
        POST "/associations", strong => 200 has(json!({"resourceId": "t-2"}));
        GET "/schemas?lifecycle=WEAK" => 200 has(json!([{"subject": "orders-contract",
            "associations": [{"subject": "orders-contract", "resourceName": "orders", "lifecycle": "WEAK"}]}]));
        GET "/schemas?lifecycle=STRONG&associationType=value" => 200 has(json!([{"subject": ":.lkc-1:payments-value",
            "associations": [{"resourceName": "payments", "lifecycle": "STRONG"}]}]));
        GET "/schemas?lifecycle=NONE" => 200 has(json!([{"subject": "loose"}]));
        GET "/schemas?lifecycle=NONE&lifecycle=weak" => 200 has(json!([{"subject": "loose"}, {"subject": "orders-contract"}]));
        GET "/schemas?resourceType=topic" => 200 has(json!([{"subject": ":.lkc-1:payments-value"}, {"subject": "orders-contract"}]));
        GET "/schemas?associationType=key" => 200 is(json!([]));
        GET "/schemas?resourceType=table" => 200 is(json!([]));
        GET "/schemas?lifecycle=SOFT" => 400 code(400);
    );
    let plain = server.get("/schemas").await;
    assert!(
        plain
            .body
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s.get("associations").is_none()),
        "{}",
        plain.text
    );
}

/// An associated subject is not deleted and keeps a live version, and a
/// subject a STRONG association owns is not referenced (the peer's rules).
#[tokio::test]
async fn associated_subjects_stay_and_owned_ones_are_not_referenced() {
    let server = Server::start();
    register(&server, "orders-contract").await;
    let weak = create("orders", "t-1", json!([{"subject": "orders-contract"}]));
    let strong = create("payments", "t-2", json!([{"schema": schema("string")}]));
    let titled = json!({"schemaType": "JSON", "schema": json!({
        "type": "object", "title": "v2", "properties": {"id": {"type": "string"}}
    }).to_string()});
    let referring = json!({"schemaType": "JSON", "schema": json!({"$ref": "p.json"}).to_string(),
        "references": [{"name": "p.json", "subject": ":.lkc-1:payments-value", "version": 1}]});
    steps!(server;
        POST "/associations", weak => 200 has(json!({"resourceId": "t-1"}));
        DELETE "/subjects/orders-contract" => 409 code(40904);
        DELETE "/subjects/orders-contract/versions/1" => 409 code(40907);
        POST "/subjects/orders-contract/versions", titled => 200 has(json!({"id": 2}));
        DELETE "/subjects/orders-contract/versions/1" => 200 is(json!(1));
        DELETE "/subjects/orders-contract/versions/2" => 409 code(40907);
        POST "/associations", strong => 200 has(json!({"resourceId": "t-2"}));
        POST "/subjects/users/versions", referring => 422 code(42205);
        // Once unbound, the subject goes like any other.
        DELETE "/associations/resources/t-1" => 204 is(Value::Null);
        DELETE "/subjects/orders-contract" => 200 is(json!([2]));
    );
}

/// With an auth file, the reads by resource show only associations of
/// subjects the caller may read; a subject's own need `read` on it.
#[tokio::test]
async fn reads_show_only_associations_of_readable_subjects() {
    use common::auth::{basic, hash, start_with_auth};
    let file = format!(
        "[[principals]]\nname = \"admin\"\npassword_hash = \"{}\"\n\
         [[principals]]\nname = \"reader\"\npassword_hash = \"{}\"\n\
         [[grants]]\nprincipal = \"admin\"\nsubjects = [\"*\"]\npermissions = [\"admin\"]\n\
         [[grants]]\nprincipal = \"reader\"\nsubjects = [\"orders-*\"]\npermissions = [\"read\"]\n",
        hash("pw-admin"),
        hash("pw-reader")
    );
    let server = start_with_auth(&file, &[], &[]);
    let (admin, reader) = (basic("admin", "pw-admin"), basic("reader", "pw-reader"));
    for subject in ["orders-a", "payments-a"] {
        let path = format!("/subjects/{subject}/versions");
        let body = schema("string");
        let answer = server.call_as(Some(&admin), "POST", &path, Some(&body));
        assert_eq!(answer.await.status, 200);
        let body = create(subject, subject, json!([{"subject": subject}]));
        let answer = server.call_as(Some(&admin), "POST", "/associations", Some(&body));
        assert_eq!(answer.await.status, 200);
    }
    let subjects = |listed: &Value| -> Vec<String> {
        let all = listed.as_array().unwrap().iter();
        all.map(|a| a["subject"].as_str().unwrap().to_string())
            .collect()
    };
    let as_reader = server.call_as(
        Some(&reader),
        "GET",
        "/associations/resources/lkc-1/-",
        None,
    );
    assert_eq!(subjects(&as_reader.await.body), ["orders-a"]);
    let as_admin = server.call_as(Some(&admin), "GET", "/associations/resources/-/-", None);
    assert_eq!(subjects(&as_admin.await.body), ["orders-a", "payments-a"]);
    let hidden = server.call_as(
        Some(&reader),
        "GET",
        "/associations/resources/payments-a",
        None,
    );
    assert_eq!(hidden.await.body, json!([]));
    let refused = server.call_as(
        Some(&reader),
        "GET",
        "/associations/subjects/payments-a",
        None,
    );
    assert_eq!(refused.await.status, 403);
    // The batch calls: a query shows only readable subjects' associations;
    // a mutation the caller may not make is that request's 40301.
    let queries = json!({"requests": [{"resourceId": "orders-a"}, {"resourceId": "payments-a"}]});
    let batch = server.call_as(
        Some(&reader),
        "POST",
        "/associations:batchGet",
        Some(&queries),
    );
    let batch = batch.await;
    assert_eq!(batch.status, 207, "{}", batch.text);
    assert_eq!(
        batch.body["results"][0]["result"]["associations"][0]["subject"],
        "orders-a"
    );
    assert_eq!(
        batch.body["results"][1]["result"],
        json!({"resourceId": "payments-a", "resourceType": "topic"})
    );
    let deletes = json!({"requests": [{"resourceName": "orders-a", "resourceNamespace": "lkc-1",
        "resourceId": "orders-a", "associations": [{"opType": "DELETE"}]}]});
    let mutated = server.call_as(
        Some(&reader),
        "POST",
        "/associations:batchMutate",
        Some(&deletes),
    );
    let mutated = mutated.await;
    assert_eq!(mutated.status, 207, "{}", mutated.text);
    assert_eq!(mutated.body["results"][0]["error"]["error_code"], 40301);
    let kept = server.call_as(
        Some(&admin),
        "GET",
        "/associations/resources/orders-a",
        None,
    );
    assert_eq!(subjects(&kept.await.body), ["orders-a"]);
}

/// `POST /associations:batchGet` (Confluent 8.3): 207 with one result per
/// query, in order; a query's error (500, the peer's prefix) leaves the
/// others answered; `includeSchemas` adds each subject's latest version.
#[tokio::test]
async fn batch_get_answers_each_query_on_its_own() {
    let server = Server::start();
    register(&server, "orders-contract").await;
    steps!(server;
        POST "/associations", create("orders", "t-1", json!([{"subject": "orders-contract"}])) => 200 has(json!({"resourceId": "t-1"}));
        POST "/associations", create("payments", "t-2", json!([{"schema": schema("integer")}])) => 200 has(json!({"resourceId": "t-2"}));
    );
    let weak =
        json!({"subject": "orders-contract", "associationType": "value", "lifecycle": "WEAK"});
    let orders = json!({"resourceName": "orders", "resourceNamespace": "lkc-1", "resourceId": "t-1",
                        "resourceType": "topic", "associations": [weak]});
    let queries = json!({"requests": [
        {"resourceId": "t-1"},
        {"resourceId": "t-2", "associationTypes": ["value"]},
        {"resourceId": "unknown"},
        {"resourceId": "t-1", "lifecycle": "STRONG"},
        {"resourceName": "orders", "resourceNamespace": "lkc-1"},
        {"resourceName": "orders", "resourceNamespace": "-", "associationTypes": ["key"]},
        {},
        {"resourceName": "orders"},
        {"resourceId": "t-1", "resourceName": "renamed", "resourceNamespace": "lkc-1"},
    ]});
    steps!(server;
        POST "/associations:batchGet", queries => 207 is(json!({"results": [
            {"result": orders},
            {"result": {"resourceName": "payments", "resourceNamespace": "lkc-1", "resourceId": "t-2",
                "resourceType": "topic", "associations": [{"subject": ":.lkc-1:payments-value",
                "associationType": "value", "lifecycle": "STRONG"}]}},
            {"result": {"resourceId": "unknown", "resourceType": "topic"}},
            {"result": {"resourceId": "t-1", "resourceType": "topic"}},
            {"result": orders},
            {"result": {"resourceName": "orders", "resourceNamespace": "-", "resourceType": "topic"}},
            {"error": {"error_code": 500, "message": "Error while getting associations: property: \
                resourceId; detail: either resourceId or resourceName must be specified"}},
            {"error": {"error_code": 500, "message": "Error while getting associations: property: \
                resourceNamespace; detail: resourceNamespace is required when resourceName is specified"}},
            {"error": {"error_code": 500, "message": "Error while getting associations: All \
                associations must have the same resourceName, resourceNamespace, resourceId, and resourceType."}},
        ]}));
        POST "/associations:batchGet?includeSchemas=true", json!({"requests": [{"resourceId": "t-2"}, {"resourceId": "t-1"}]})
            => 207 has(json!({"results": [
            {"result": {"associations": [{"schema": {"subject": ":.lkc-1:payments-value", "version": 1}}]}},
            {"result": {"associations": [{"subject": "orders-contract", "schema": {"subject": "orders-contract",
                "version": 1, "schemaType": "JSON"}}]}},
        ]}));
        POST "/associations:batchGet", json!({"requests": [{"resourceId": "t-1"}]}) => 207 has(json!({"results": [
            {"result": {"associations": [{"schema": null}]}}]}));
        POST "/associations:batchGet", json!({"requests": []}) => 422 code(42212);
        POST "/associations:batchGet", json!({}) => 422 code(42212);
        POST "/associations:batchGet", json!({"requests": [{"resourceId": "t-1", "lifecycle": "SOFT"}]}) => 400 code(400);
        // Routed with its colon: another method is 405, another verb 404.
        GET "/associations:batchGet" => 405 code(405);
        POST "/associations:batchDelete", json!({}) => 404 code(404);
    );
}

fn ops(name: &str, id: &str, ops: Value) -> Value {
    json!({"resourceName": name, "resourceNamespace": "lkc-1", "resourceId": id, "associations": ops})
}

fn op(op_type: &str, subject: &str, kind: &str) -> Value {
    json!({"opType": op_type, "subject": subject, "associationType": kind})
}

/// `POST /associations:batchMutate` (Confluent 8.3): each request checked
/// whole before any of it applies, adjacent operations of one type applied
/// together, runs in order without rollback across them, requests
/// independent of each other; `dryRun` writes nothing, `context` qualifies
/// the subjects that name none.
#[tokio::test]
async fn batch_mutate_applies_each_request_in_runs() {
    let server = Server::start();
    for subject in ["keys", "values", "extra", ":.ctx:scoped"] {
        register(&server, subject).await;
    }
    let weak = |subject: &str, kind: &str| json!({"subject": subject, "associationType": kind, "lifecycle": "WEAK"});
    let resource = |name: &str, id: &str, associations: Value| {
        json!({"resourceName": name, "resourceNamespace": "lkc-1", "resourceId": id,
               "resourceType": "topic", "associations": associations})
    };
    let first = json!({"requests": [
        ops("orders", "t-1", json!([op("CREATE", "keys", "key"), op("CREATE", "values", "value")])),
        // The second request meets an existing association; the first stays.
        ops("orders", "t-1", json!([op("CREATE", "extra", "key")])),
        ops("refunds", "t-3", json!([{"opType": "DELETE", "associationType": "key"}])),
        {"error": {"error_code": 40301, "message": "echoed"}},
    ]});
    steps!(server;
        POST "/associations:batchMutate?dryRun=true", first => 207 is(json!({"results": [
            {"result": {"resourceName": "orders", "resourceNamespace": "lkc-1", "resourceId": "t-1", "resourceType": "topic"}},
            {"result": {"resourceName": "orders", "resourceNamespace": "lkc-1", "resourceId": "t-1", "resourceType": "topic"}},
            {"result": {"resourceName": "refunds", "resourceNamespace": "lkc-1", "resourceId": "t-3", "resourceType": "topic"}},
            {"error": {"error_code": 40301, "message": "echoed"}},
        ]}));
        GET "/associations/resources/t-1" => 200 is(json!([]));
        POST "/associations:batchMutate", first => 207 is(json!({"results": [
            {"result": resource("orders", "t-1", json!([weak("keys", "key"), weak("values", "value")]))},
            {"error": {"error_code": 40903, "message": "An association of type 'key' already exists for resource 'orders'"}},
            // Deleting a kind the resource lacks changes nothing.
            {"result": {"resourceName": "refunds", "resourceNamespace": "lkc-1", "resourceId": "t-3", "resourceType": "topic"}},
            {"error": {"error_code": 40301, "message": "echoed"}},
        ]}));
        // An update, then a delete of the other kind in the same request.
        POST "/associations:batchMutate", json!({"requests": [ops("orders", "t-1", json!([
            {"opType": "UPSERT", "associationType": "key", "lifecycle": "WEAK"},
            {"opType": "DELETE", "associationType": "value"}]))]}) => 207 is(json!({"results": [
            {"result": resource("orders", "t-1", json!([weak("keys", "key")]))}]}));
        // A kind twice (a delete counts): refused before anything applies.
        POST "/associations:batchMutate", json!({"requests": [ops("orders", "t-1", json!([
            op("CREATE", "values", "value"), {"opType": "DELETE", "associationType": "value"}]))]})
            => 207 has(json!({"results": [{"error": {"error_code": 42212}, "result": null}]}));
        GET "/associations/resources/t-1" => 200 has(json!([{"associationType": "key"}]));
        // Runs apply in order with no rollback: the CREATE stays though the
        // UPSERT after it (a STRONG one) is refused.
        POST "/associations:batchMutate", json!({"requests": [ops("payments", "t-2", json!([
            op("CREATE", "extra", "key"),
            {"opType": "UPSERT", "subject": "values", "associationType": "value", "lifecycle": "STRONG"}]))]})
            => 207 has(json!({"results": [{"error": {"error_code": 42212}}]}));
        GET "/associations/resources/t-2" => 200 has(json!([{"subject": "extra", "associationType": "key"}]));
        // A STRONG one comes with its schema, answered along.
        POST "/associations:batchMutate", json!({"requests": [ops("audits", "t-4", json!([
            {"opType": "CREATE", "schema": schema("string")}]))]}) => 207 has(json!({"results": [
            {"result": {"associations": [{"subject": ":.lkc-1:audits-value", "lifecycle": "STRONG",
                "frozen": null, "schema": {"subject": ":.lkc-1:audits-value", "version": 1}}]}}]}));
        // Frozen: deleted only with cascadeLifecycle, which takes the subject.
        POST "/associations:batchMutate", json!({"requests": [ops("audits", "t-4", json!([
            {"opType": "DELETE"}]))]}) => 207 has(json!({"results": [{"error": {"error_code": 40908}}]}));
        POST "/associations:batchMutate", json!({"requests": [ops("audits", "t-4", json!([
            {"opType": "DELETE", "cascadeLifecycle": true}]))]}) => 207 is(json!({"results": [
            {"result": {"resourceName": "audits", "resourceNamespace": "lkc-1", "resourceId": "t-4", "resourceType": "topic"}}]}));
        GET "/subjects/:.lkc-1:audits-value/versions" => 404 code(40401);
        // The context names the subjects that name none.
        POST "/associations:batchMutate?context=:.ctx:", json!({"requests": [ops("scoped", "t-5", json!([
            op("CREATE", "scoped", "value")]))]}) => 207 has(json!({"results": [
            {"result": {"associations": [{"subject": ":.ctx:scoped"}]}}]}));
        // A subject without a live version; a bad operation type.
        POST "/associations:batchMutate", json!({"requests": [ops("other", "t-6", json!([
            op("CREATE", "nothing-here", "value")]))]}) => 207 has(json!({"results": [{"error": {"error_code": 40907}}]}));
        POST "/associations:batchMutate", json!({"requests": [ops("other", "t-6", json!([
            op("MOVE", "values", "value")]))]}) => 400 code(400);
        // A lifecycle that is not a LifecyclePolicy refuses the whole body,
        // as the peer's Jackson does (400, error code 400), before any
        // request of it applies: the valid first request writes nothing.
        POST "/associations:batchMutate", json!({"requests": [
            ops("fine", "t-7", json!([op("CREATE", "values", "value")])),
            ops("other", "t-6", json!([{"opType": "UPSERT", "subject": "values",
                "associationType": "value", "lifecycle": "SOFT"}]))]}) => 400 code(400);
        GET "/associations/resources/t-7" => 200 is(json!([]));
        POST "/associations:batchMutate", json!({"requests": []}) => 422 code(42212);
        GET "/associations:batchMutate" => 405 code(405);
    );
}
