//! The audit trail over real HTTP against the real binary: a scripted
//! session's every change appears exactly once, newest first, with the
//! right principal, and refusals (by compatibility, by permission) with
//! them; who may read which part of it; the same events in the log under
//! their own target; and a registration killed before its commit leaves no
//! record (the record is written in the change's own transaction).

mod common;

use std::time::Duration;

use common::auth::{basic, hash, start_with_auth};
use common::storm::Storm;
use common::{Server, closed};
use serde_json::{Value, json};

fn auth_file() -> String {
    let mut file = String::new();
    for name in ["admin", "ci", "ops", "reader"] {
        file.push_str(&format!(
            "[[principals]]\nname = \"{name}\"\npassword_hash = \"{}\"\n\n",
            hash(&format!("pw-{name}"))
        ));
    }
    file.push_str(
        r#"
[[grants]]
principal = "admin"
subjects = ["*"]
permissions = ["admin"]

[[grants]]
principal = "ci"
subjects = ["orders-*"]
permissions = ["read", "write"]

[[grants]]
principal = "ops"
subjects = ["orders-*"]
permissions = ["configure"]

[[grants]]
principal = "reader"
subjects = ["payments-*"]
permissions = ["read"]
"#,
    );
    file
}

fn as_(name: &str) -> String {
    basic(name, &format!("pw-{name}"))
}

fn schema(properties: Value) -> Value {
    json!({"schemaType": "JSON", "schema": closed(properties).to_string()})
}

/// `(principal, action, subject, version, outcome)` of each event.
fn summary(events: &Value) -> Vec<(String, String, String, i64, String)> {
    let text = |v: &Value| v.as_str().unwrap_or("-").to_string();
    events["events"]
        .as_array()
        .expect("events")
        .iter()
        .map(|e| {
            (
                text(&e["principal"]),
                text(&e["action"]),
                text(&e["subject"]),
                e["version"].as_i64().unwrap_or(0),
                text(&e["outcome"]),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_scripted_session_is_recorded_exactly_once_in_order() {
    let server = start_with_auth(&auth_file(), &[], &[]);
    let (admin, ci, ops) = (as_("admin"), as_("ci"), as_("ops"));
    let call = |who: &str, method: &'static str, path: &str, body: Option<Value>| {
        let (who, path) = (who.to_string(), path.to_string());
        let server = &server;
        async move {
            server
                .call_as(Some(&who), method, &path, body.as_ref())
                .await
        }
    };
    let v1 = schema(json!({"a": {"type": "string"}}));
    let script: Vec<(&str, &str, &str, Option<Value>, u16)> = vec![
        (
            &ci,
            "POST",
            "/subjects/orders-value/versions",
            Some(v1.clone()),
            200,
        ),
        // The same schema again changes nothing: no event.
        (
            &ci,
            "POST",
            "/subjects/orders-value/versions",
            Some(v1),
            200,
        ),
        // Closed content model: a new property breaks BACKWARD.
        (
            &ci,
            "POST",
            "/subjects/orders-value/versions",
            Some(schema(json!({"a": {"type": "integer"}}))),
            409,
        ),
        (
            &ci,
            "POST",
            "/subjects/orders-value/versions",
            Some(schema(
                json!({"a": {"type": "string"}, "b": {"type": "string"}}),
            )),
            200,
        ),
        (
            &ops,
            "PUT",
            "/config/orders-value",
            Some(json!({"compatibility": "NONE"})),
            200,
        ),
        (
            &ops,
            "PUT",
            "/mode/orders-value",
            Some(json!({"mode": "READONLY"})),
            200,
        ),
        (
            &ops,
            "PUT",
            "/mode/orders-value",
            Some(json!({"mode": "IMPORT"})),
            403,
        ),
        (&ops, "DELETE", "/mode/orders-value", None, 200),
        (
            &ci,
            "DELETE",
            "/subjects/orders-value/versions/1",
            None,
            200,
        ),
        (
            &ci,
            "DELETE",
            "/subjects/orders-value/versions/1?permanent=true",
            None,
            403,
        ),
        (
            &admin,
            "DELETE",
            "/subjects/orders-value/versions/1?permanent=true",
            None,
            200,
        ),
        (
            &admin,
            "PUT",
            "/config",
            Some(json!({"compatibility": "FULL"})),
            200,
        ),
        (
            &ci,
            "PUT",
            "/config",
            Some(json!({"compatibility": "NONE"})),
            403,
        ),
        // Reads change nothing and are not recorded.
        (&ci, "GET", "/subjects/orders-value/versions", None, 200),
    ];
    for (who, method, path, body, status) in script {
        let answer = call(who, method, path, body).await;
        assert_eq!(answer.status, status, "{method} {path}: {}", answer.text);
    }

    let trail = call(&admin, "GET", "/audit", None).await;
    assert_eq!(trail.status, 200, "{}", trail.text);
    let s = |p: &str, a: &str, sub: &str, v: i64, o: &str| {
        (
            p.to_string(),
            a.to_string(),
            sub.to_string(),
            v,
            o.to_string(),
        )
    };
    let orders = "orders-value";
    let expected = vec![
        s("ci", "set_config", "-", 0, "forbidden"),
        s("admin", "set_config", "-", 0, "done"),
        s("admin", "delete_version", orders, 1, "done"),
        s("ci", "delete_version", orders, 1, "forbidden"),
        s("ci", "soft_delete_version", orders, 1, "done"),
        s("ops", "delete_mode", orders, 0, "done"),
        s("ops", "set_mode", orders, 0, "forbidden"),
        s("ops", "set_mode", orders, 0, "done"),
        s("ops", "set_config", orders, 0, "done"),
        s("ci", "register", orders, 2, "done"),
        s("ci", "register", orders, 0, "incompatible"),
        s("ci", "register", orders, 1, "done"),
    ];
    assert_eq!(summary(&trail.body), expected, "{}", trail.text);

    let events = trail.body["events"].as_array().unwrap();
    let first = events.last().unwrap();
    assert!(first["id"].as_i64().unwrap() > 0, "{first}");
    assert_eq!(first["address"], "127.0.0.1");
    assert!(
        first["time"].as_str().unwrap().ends_with('Z'),
        "RFC 3339 in UTC: {first}"
    );
    let mode = &events[7];
    assert_eq!(mode["detail"], json!({"old": null, "new": "READONLY"}));
    let config = &events[1];
    assert_eq!(config["detail"]["new"]["compatibility"], "FULL");
    assert!(
        !events[10]["detail"]["messages"]
            .as_array()
            .unwrap()
            .is_empty()
    );

    // Filters, and who may read what.
    let by_ops = call(&admin, "GET", "/audit?principal=ops&limit=2", None).await;
    assert_eq!(summary(&by_ops.body), expected[5..7].to_vec());
    let own = call(&ci, "GET", "/audit?subject=orders-value", None).await;
    assert_eq!(own.status, 200, "{}", own.text);
    assert_eq!(summary(&own.body).len(), 10);
    let whole = call(&ci, "GET", "/audit", None).await;
    assert_eq!(
        (whole.status, whole.body["error_code"].as_i64()),
        (403, Some(40301))
    );
    let other = call(&as_("reader"), "GET", "/audit?subject=orders-value", None).await;
    assert_eq!(other.status, 403, "{}", other.text);
    let anonymous = server.call_as(None, "GET", "/audit", None).await;
    assert_eq!(anonymous.status, 401);
    let bad = call(&admin, "GET", "/audit?since=yesterday", None).await;
    assert_eq!(bad.status, 400, "{}", bad.text);
    assert!(bad.message().contains("since"), "{}", bad.text);

    // The log holds the same events, once each, under their own target,
    // and never a secret.
    let log = server.stderr();
    let logged = log.lines().filter(|l| l.contains("charter::audit")).count();
    assert_eq!(logged, expected.len(), "{log}");
    assert!(!log.contains("pw-"), "a secret in the log");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_registration_killed_before_commit_leaves_no_record() {
    let mut server = Server::start();
    assert_eq!(
        server
            .put("/config", &json!({"compatibility": "NONE"}))
            .await
            .status,
        200
    );
    let targets = (0..4)
        .map(|w| (server.base.clone(), format!("storm-{w}")))
        .collect();
    let storm = Storm::start(targets);
    storm
        .wait_for_acks(40, Duration::from_secs(120), "before the kill")
        .await;
    // Registrations are in flight: some inside their transaction.
    server.signal("KILL");
    let (acks, _) = storm.finish().await;
    let url = server.database_url();
    server.kill();

    let restarted = Server::start_at(&url, &[]);
    let trail = restarted.get("/audit?limit=1000").await;
    assert_eq!(trail.status, 200, "{}", trail.text);
    let registered: Vec<(String, i64)> = trail.body["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "register")
        .map(|e| {
            assert_eq!(e["outcome"], "done", "{e}");
            (
                e["subject"].as_str().unwrap().to_string(),
                e["version"].as_i64().unwrap(),
            )
        })
        .collect();
    // Exactly one record per stored version, and no record of a version
    // that is not stored.
    let mut stored = Vec::new();
    for w in 0..4 {
        let subject = format!("storm-{w}");
        let versions = restarted
            .get(&format!("/subjects/{subject}/versions"))
            .await;
        for v in versions.body.as_array().into_iter().flatten() {
            stored.push((subject.clone(), v.as_i64().unwrap()));
        }
    }
    let mut recorded = registered.clone();
    recorded.sort();
    stored.sort();
    assert_eq!(recorded, stored);
    assert!(
        stored.len() >= acks.len(),
        "every acknowledged one is stored"
    );
}

#[tokio::test]
async fn an_auth_file_reload_records_the_grants_in_force() {
    let server = start_with_auth(&auth_file(), &[], &[]);
    let granted = format!(
        "{}\n[[grants]]\nrole = \"auditors\"\nsubjects = [\"*\"]\npermissions = [\"read\"]\n",
        auth_file()
    );
    std::fs::write(server.auth_file(), granted).unwrap();
    server.signal("HUP");
    let admin = as_("admin");
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    let event = loop {
        let trail = server
            .call_as(Some(&admin), "GET", "/audit?limit=1", None)
            .await;
        if let Some(event) = trail.body["events"].get(0) {
            break event.clone();
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no reload recorded:\n{}",
            server.stderr()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(event["action"], "reload_auth_file", "{event}");
    assert_eq!(event["principal"], Value::Null);
    let grants: Vec<&str> = event["detail"]["grants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g.as_str().unwrap())
        .collect();
    assert_eq!(grants.len(), 5, "{grants:?}");
    assert!(grants.contains(&"role auditors: read on *"), "{grants:?}");
    assert!(
        grants.contains(&"principal ci: read, write on orders-*"),
        "{grants:?}"
    );
    assert!(!event.to_string().contains("argon2"), "no hash: {event}");
}

/// Consumer records, deployments and retention are changes like any other:
/// each is in the trail with who made it, and so is a refused one.
#[tokio::test]
async fn consumer_and_deployment_records_are_in_the_trail() {
    let server = start_with_auth(&auth_file(), &[], &[]);
    let (admin, ci, reader) = (as_("admin"), as_("ci"), as_("reader"));
    let orders = "orders-value";
    let reader_body = json!({"environment": "prod", "version": 1, "consumerVersion": "2.0.1"});
    let script: Vec<(&str, &str, String, Option<Value>, u16)> = vec![
        (
            &ci,
            "POST",
            format!("/subjects/{orders}/versions"),
            Some(schema(json!({"a": {"type": "string"}}))),
            200,
        ),
        (
            &ci,
            "PUT",
            format!("/consumers/fulfillment/subjects/{orders}"),
            Some(reader_body.clone()),
            200,
        ),
        (
            &reader,
            "PUT",
            format!("/consumers/billing/subjects/{orders}"),
            Some(reader_body),
            403,
        ),
        (
            &ci,
            "PUT",
            format!("/deployments/prod/subjects/{orders}"),
            Some(json!({"version": 1})),
            200,
        ),
        (
            &ci,
            "PUT",
            format!("/deployments/prod/subjects/{orders}/retention"),
            Some(json!({"retainedFromVersion": 1})),
            200,
        ),
        (
            &ci,
            "DELETE",
            format!("/consumers/fulfillment/subjects/{orders}?environment=prod"),
            None,
            200,
        ),
        // Nothing left to forget: no change, no event.
        (
            &ci,
            "DELETE",
            format!("/consumers/fulfillment/subjects/{orders}?environment=prod"),
            None,
            404,
        ),
    ];
    for (who, method, path, body, status) in script {
        let answer = server
            .call_as(Some(who), method, &path, body.as_ref())
            .await;
        assert_eq!(answer.status, status, "{method} {path}: {}", answer.text);
    }
    let trail = server
        .call_as(
            Some(&admin),
            "GET",
            &format!("/audit?subject={orders}"),
            None,
        )
        .await;
    assert_eq!(trail.status, 200, "{}", trail.text);
    let s = |p: &str, a: &str, v: i64, o: &str| {
        (
            p.to_string(),
            a.to_string(),
            orders.to_string(),
            v,
            o.to_string(),
        )
    };
    assert_eq!(
        summary(&trail.body),
        vec![
            s("ci", "forget_consumer", 0, "done"),
            s("ci", "set_retention", 0, "done"),
            s("ci", "record_deployment", 1, "done"),
            s("reader", "record_consumer", 0, "forbidden"),
            s("ci", "record_consumer", 0, "done"),
            s("ci", "register", 1, "done"),
        ],
        "{}",
        trail.text
    );
    let events = trail.body["events"].as_array().unwrap();
    assert_eq!(
        events[4]["detail"],
        json!({"consumer": "fulfillment", "environment": "prod",
               "reader": {"version": 1}, "consumerVersion": "2.0.1"})
    );
    assert_eq!(
        events[1]["detail"],
        json!({"environment": "prod", "retainedFromVersion": 1})
    );
    assert_eq!(
        events[0]["detail"],
        json!({"consumer": "fulfillment", "environment": "prod"})
    );
}
