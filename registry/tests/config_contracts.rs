//! The data-contract config fields (issue #13): `compatibilityGroup`,
//! `defaultMetadata`, `overrideMetadata`, `defaultRuleSet`,
//! `overrideRuleSet`, `validateFields`, `validateRules` and `alias`, global
//! and per subject, taken by `PUT /config`, answered by `GET` in the peer's
//! names, shapes and order, cleared by `null` and removed by `DELETE`; the
//! merge a registration applies (`default < own or the previous version's <
//! override`); and `compatibilityGroup` judging each major line apart.

mod common;

use common::Server;
use serde_json::{Value, json};

fn record(fields: Value) -> String {
    json!({"type": "record", "name": "Order", "fields": fields}).to_string()
}

/// An Avro `Order` whose `id` has `id_type`.
fn order(id_type: &str) -> String {
    record(json!([{"name": "id", "type": id_type}]))
}

fn major(line: &str) -> Value {
    json!({"properties": {"major_version": line}})
}

fn rule(name: &str, expr: &str) -> Value {
    json!({"name": name, "kind": "CONDITION", "mode": "WRITE", "type": "CEL", "expr": expr})
}

/// The golden file `name` of `fixtures/config/`.
fn golden(name: &str) -> String {
    let path = format!("{}/../fixtures/config/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[tokio::test]
async fn config_fields_round_trip_in_the_peers_names_and_order() {
    let server = Server::start();
    let all = json!({
        "compatibility": "BACKWARD",
        "compatibilityGroup": "major_version",
        "defaultMetadata": {"properties": {"owner": "platform"}},
        "overrideMetadata": {"properties": {"env": "prod"}, "sensitive": ["env"]},
        "defaultRuleSet": {"domainRules": [rule("positive", "message.total > 0.0")]},
        "overrideRuleSet": {"migrationRules": [{"name": "up", "kind": "TRANSFORM",
            "mode": "UPGRADE", "type": "JSONATA", "expr": "$"}]},
        "validateFields": true,
        "validateRules": false,
        "alias": "orders-v2",
    });
    let set = server.put("/config/orders", &all).await;
    assert_eq!(set.status, 200, "{}", set.text);
    assert_eq!(set.text, golden("put-echo.json").trim_end());
    let got = server.get("/config/orders").await;
    assert_eq!(got.text, golden("get.json").trim_end());

    // The registry's level shows through with defaultToGlobal; the subject's
    // own fields stay.
    server
        .put(
            "/config",
            &json!({"compatibility": "FULL", "normalize": true}),
        )
        .await;
    let merged = server.get("/config/orders?defaultToGlobal=true").await;
    assert_eq!(merged.body["compatibilityLevel"], "BACKWARD");
    assert_eq!(merged.body["normalize"], true);
    assert_eq!(merged.body["validateRules"], false);
    assert_eq!(merged.body["alias"], "orders-v2");
    assert_eq!(merged.body["defaultMetadata"], got.body["defaultMetadata"]);

    // Absent fields stay; null clears one; unset fields are left out.
    let cleared = server
        .put(
            "/config/orders",
            &json!({"alias": null, "overrideRuleSet": null, "validateRules": null}),
        )
        .await;
    assert_eq!(cleared.status, 200, "{}", cleared.text);
    for gone in ["alias", "overrideRuleSet", "validateRules"] {
        assert!(cleared.body.get(gone).is_none(), "{gone}: {}", cleared.text);
    }
    assert_eq!(cleared.body["compatibilityGroup"], "major_version");
    assert_eq!(cleared.body["overrideMetadata"], all["overrideMetadata"]);
    assert_eq!(cleared.body["validateFields"], true);

    // DELETE answers what was set and removes every field.
    let deleted = server.delete("/config/orders").await;
    assert_eq!(deleted.body["defaultMetadata"], all["defaultMetadata"]);
    assert_eq!(deleted.body["compatibilityLevel"], "BACKWARD");
    let gone = server.get("/config/orders").await;
    assert_eq!((gone.status, gone.code()), (404, 40408), "{}", gone.text);
    // The global level takes them too, and answers only what is set.
    let global = server
        .put("/config", &json!({"compatibilityGroup": "major_version"}))
        .await;
    assert_eq!(
        global.text,
        r#"{"normalize":true,"compatibility":"FULL","compatibilityGroup":"major_version"}"#
    );
}

#[tokio::test]
async fn bad_config_contracts_are_refused_naming_where() {
    let server = Server::start();
    let mut bad_mode = rule("positive", "true");
    bad_mode["mode"] = json!("UPGRADE");
    let cases = [
        (
            json!({"defaultRuleSet": {"domainRules": [bad_mode]}}),
            42210,
            "defaultRuleSet.domainRules[0].mode",
        ),
        (
            json!({"overrideRuleSet": {"domainRules": [{"name": "x", "mode": "WRITE", "type": "CEL"}]}}),
            42210,
            "overrideRuleSet.domainRules[0].kind",
        ),
        (
            json!({"defaultRuleSet": {"domainRules": [rule("same", "1"), rule("same", "2")]}}),
            42210,
            "defaultRuleSet.domainRules[1].name",
        ),
        (
            json!({"defaultRuleSet": {"domainRules": [rule("1st", "true")]}}),
            42210,
            "defaultRuleSet.domainRules[0].name",
        ),
        (
            json!({"defaultRuleSet": {"encodingRules": [rule("has space", "true")]}}),
            42210,
            "defaultRuleSet.encodingRules[0].name",
        ),
        (
            json!({"overrideRuleSet": {"domainRules": [{"name": "r", "kind": "CONDITION",
                "mode": "WRITE", "type": "CEL", "onFailure": "DLQ,ERROR"}]}}),
            42210,
            "overrideRuleSet.domainRules[0].onFailure",
        ),
        (
            json!({"defaultMetadata": {"properties": {"owner": 7}}}),
            42203,
            "defaultMetadata.properties.owner",
        ),
        (json!({"alias": "__GLOBAL"}), 42203, "alias"),
        (
            json!({"compatibilityGroup": " "}),
            42203,
            "compatibilityGroup",
        ),
    ];
    for (body, code, place) in cases {
        for path in ["/config", "/config/orders"] {
            let answer = server.put(path, &body).await;
            assert_eq!(
                (answer.status, answer.code()),
                (422, code),
                "{path} {body}: {}",
                answer.text
            );
            assert!(answer.message().contains(place), "{}", answer.message());
        }
    }
    // A schema's own rule set is held to the same rules.
    let mut two_way = rule("r", "true");
    two_way["onFailure"] = json!("DLQ,ERROR");
    let registered = server
        .post(
            "/subjects/s/versions",
            &json!({"schema": order("string"), "ruleSet": {"domainRules": [two_way.clone()]}}),
        )
        .await;
    assert_eq!((registered.status, registered.code()), (422, 42210));
    assert!(
        registered
            .message()
            .contains("ruleSet.domainRules[0].onFailure")
    );
    two_way["mode"] = json!("WRITEREAD");
    let registered = server
        .post(
            "/subjects/s/versions",
            &json!({"schema": order("string"), "ruleSet": {"domainRules": [two_way]}}),
        )
        .await;
    assert_eq!(registered.status, 200, "{}", registered.text);
    // No config was stored.
    assert_eq!(
        server.get("/config").await.text,
        r#"{"compatibilityLevel":"BACKWARD"}"#
    );
}

/// Registrations take `default < own (or the previous version's) <
/// override`, from the subject's config when it has one, else the
/// registry's; golden: `fixtures/config/merged.json`.
#[tokio::test]
async fn registrations_merge_config_metadata_and_rules() {
    let server = Server::start();
    let set = server
        .put(
            "/config",
            &json!({
                "compatibility": "NONE",
                "defaultMetadata": {"properties": {"owner": "platform", "tier": "2"},
                                    "tags": {"Order.id": ["ID"]}},
                "overrideMetadata": {"properties": {"env": "prod"}, "sensitive": ["env"]},
                "defaultRuleSet": {"domainRules": [rule("idSet", "message.id != ''"),
                                                   rule("checkB", "false")]},
            }),
        )
        .await;
    assert_eq!(set.status, 200, "{}", set.text);
    let mut served = serde_json::Map::new();
    let mut register = async |name: &str, body: Value| {
        let answer = server.post("/subjects/orders/versions", &body).await;
        assert_eq!(answer.status, 200, "{name}: {}", answer.text);
        let version = answer.body["version"].clone();
        let read = server
            .get(&format!("/subjects/orders/versions/{version}"))
            .await;
        served.insert(
            name.to_string(),
            json!({"version": version, "metadata": read.body["metadata"],
                   "ruleSet": read.body["ruleSet"]}),
        );
    };
    // Its own metadata over the default, under the override; its own rule
    // replacing the default of the same name.
    register(
        "v1: own metadata and rules, registry defaults and overrides",
        json!({"schema": order("string"),
               "metadata": {"properties": {"owner": "payments", "major_version": "1"}},
               "ruleSet": {"domainRules": [rule("checkB", "true")]}}),
    )
    .await;
    // None sent: the previous version's carry on, merged again.
    register(
        "v2: nothing sent, the previous version's carried",
        json!({"schema": order("long")}),
    )
    .await;
    // A subject config replaces the registry's defaults and overrides whole.
    let set = server
        .put(
            "/config/orders",
            &json!({"overrideMetadata": {"properties": {"tier": "1"}}}),
        )
        .await;
    assert_eq!(set.status, 200, "{}", set.text);
    register(
        "v3: own metadata, the subject's override only",
        json!({"schema": order("int"),
               "metadata": {"properties": {"owner": "ledger"}}}),
    )
    .await;
    let text = serde_json::to_string_pretty(&Value::Object(served)).unwrap();
    assert_eq!(text, golden("merged.json").trim_end());

    // A lookup without metadata finds what a registration of it would be.
    let found = server
        .post("/subjects/orders", &json!({"schema": order("int")}))
        .await;
    assert_eq!(found.body["version"], 3, "{}", found.text);
    // Registering it again is the same version, not a new one.
    let again = server
        .post(
            "/subjects/orders/versions",
            &json!({"schema": order("int")}),
        )
        .await;
    assert_eq!(again.body["version"], 3, "{}", again.text);
}

/// A subject grouped by `major_version`: an incompatible line 2 beside line
/// 1, while each line keeps its own compatibility (issue #13's "version
/// incompatible contracts").
#[tokio::test]
async fn compatibility_groups_judge_each_major_line_apart() {
    let server = Server::start();
    let set = server
        .put(
            "/config/orders",
            &json!({"compatibilityGroup": "major_version"}),
        )
        .await;
    assert_eq!(set.status, 200, "{}", set.text);
    let post = async |subject: &str, id_type: &str, line: Option<&str>| {
        let mut body = json!({"schema": order(id_type)});
        if let Some(line) = line {
            body["metadata"] = major(line);
        }
        server
            .post(&format!("/subjects/{subject}/versions"), &body)
            .await
    };
    for subject in ["orders", "ungrouped"] {
        assert_eq!(post(subject, "string", Some("1")).await.status, 200);
    }
    // Line 2 is incompatible with line 1: accepted only where grouped.
    let line2 = post("orders", "boolean", Some("2")).await;
    assert_eq!(line2.body["version"], 2, "{}", line2.text);
    let refused = post("ungrouped", "boolean", Some("2")).await;
    assert_eq!(
        (refused.status, refused.code()),
        (409, 40901),
        "{}",
        refused.text
    );
    // Inside line 1, an incompatible change is still refused, and its
    // message names the version of line 1 it breaks.
    let inside = post("orders", "int", Some("1")).await;
    assert_eq!(
        (inside.status, inside.code()),
        (409, 40901),
        "{}",
        inside.text
    );
    assert!(
        inside.message().contains("oldSchemaVersion: 1"),
        "{}",
        inside.text
    );
    // A compatible change in line 1 is accepted, after line 2.
    let widened = record(json!([{"name": "id", "type": "string"},
                                 {"name": "note", "type": "string", "default": ""}]));
    let compatible = server
        .post(
            "/subjects/orders/versions",
            &json!({"schema": widened, "metadata": major("1")}),
        )
        .await;
    assert_eq!(compatible.body["version"], 3, "{}", compatible.text);
    // Sent without metadata, a schema carries the latest version's line (1
    // now): an incompatible change to it is refused.
    let carried = post("orders", "double", None).await;
    assert_eq!(carried.status, 409, "{}", carried.text);

    // POST /compatibility judges within the posted schema's line, as the
    // peer does: against version 2 (line 2) a line-2 change is judged, a
    // line-1 schema has nothing to be compared with.
    let check = async |version: &str, id_type: &str, line: &str| {
        let answer = server
            .post(
                &format!("/compatibility/subjects/orders/versions/{version}"),
                &json!({"schema": order(id_type), "metadata": major(line)}),
            )
            .await;
        assert_eq!(answer.status, 200, "{}", answer.text);
        answer.body["is_compatible"].clone()
    };
    assert_eq!(check("2", "string", "2").await, false);
    assert_eq!(check("2", "int", "1").await, true);
    assert_eq!(check("latest", "int", "1").await, false);
    assert_eq!(check("latest", "int", "2").await, true);
    assert_eq!(
        server
            .post(
                "/compatibility/subjects/orders/versions",
                &json!({"schema": order("string"), "metadata": major("2")}),
            )
            .await
            .body["is_compatible"],
        false
    );
}

/// `alias`: a subject whose config names another stands for it in
/// `/subjects/{subject}/...` (every method) and in `/schemas/ids/{id}`'s
/// `subject`, as the peer's `AliasFilter` rewrites them; its config is
/// not rewritten, so the alias can be read and removed.
#[tokio::test]
async fn an_alias_reads_and_writes_through_to_the_aliased_subject() {
    let server = Server::start();
    let set = server
        .put("/config/orders", &json!({"alias": "orders-v2"}))
        .await;
    assert_eq!(set.text, r#"{"alias":"orders-v2"}"#);
    let registered = server
        .post(
            "/subjects/orders/versions",
            &json!({"schema": order("string")}),
        )
        .await;
    assert_eq!(registered.status, 200, "{}", registered.text);
    // Registered under the aliased subject.
    assert_eq!(server.get("/subjects").await.body, json!(["orders-v2"]));
    let latest = server.get("/subjects/orders/versions/latest").await;
    assert_eq!(
        (&latest.body["subject"], &latest.body["version"]),
        (&json!("orders-v2"), &json!(1)),
        "{}",
        latest.text
    );
    let found = server
        .post("/subjects/orders", &json!({"schema": order("string")}))
        .await;
    assert_eq!(found.body["subject"], "orders-v2", "{}", found.text);
    let checked = server
        .post(
            "/compatibility/subjects/orders/versions/latest",
            &json!({"schema": order("int")}),
        )
        .await;
    assert_eq!(checked.body["is_compatible"], false, "{}", checked.text);
    let id = registered.body["id"].as_i64().unwrap();
    let by_id = server
        .get(&format!("/schemas/ids/{id}?subject=orders&format="))
        .await;
    assert_eq!(by_id.status, 200, "{}", by_id.text);
    // Percent-encoded names and one trailing slash are aliased too.
    server
        .put("/config/a%2Fb", &json!({"alias": "orders-v2"}))
        .await;
    let slashed = server.get("/subjects/a%2Fb/versions/").await;
    assert_eq!(slashed.body, json!([1]), "{}", slashed.text);
    // The config is the alias's own; removing the alias ends it.
    assert_eq!(
        server.get("/config/orders").await.text,
        r#"{"alias":"orders-v2"}"#
    );
    server.delete("/config/orders").await;
    let gone = server.get("/subjects/orders/versions").await;
    assert_eq!((gone.status, gone.code()), (404, 40401), "{}", gone.text);
}

/// `validateFields`: a schema's reserved fields (`confluent:reserved` in
/// its metadata) may not be dropped by the next version nor be fields of
/// it, as the peer checks; without the setting they are not checked.
#[tokio::test]
async fn validate_fields_keeps_reserved_fields_reserved() {
    let server = Server::start();
    let reserved = |fields: &str| json!({"properties": {"confluent:reserved": fields}});
    let widened = |extra: &str| {
        record(json!([{"name": "id", "type": "string"},
                      {"name": extra, "type": "string", "default": ""}]))
    };
    for subject in ["checked", "unchecked"] {
        let first = server
            .post(
                &format!("/subjects/{subject}/versions"),
                &json!({"schema": order("string"), "metadata": reserved("legacy, note")}),
            )
            .await;
        assert_eq!(first.status, 200, "{}", first.text);
    }
    let set = server
        .put("/config/checked", &json!({"validateFields": true}))
        .await;
    assert_eq!(set.text, r#"{"validateFields":true}"#);
    let register = async |subject: &str, body: Value| {
        server
            .post(&format!("/subjects/{subject}/versions"), &body)
            .await
    };
    // A field named as reserved.
    let clash = json!({"schema": widened("note"), "metadata": reserved("legacy,note")});
    let refused = register("checked", clash.clone()).await;
    assert_eq!(
        (refused.status, refused.code()),
        (409, 40901),
        "{}",
        refused.text
    );
    assert!(
        refused
            .message()
            .contains("The new schema has field that conflicts with the reserved field note."),
        "{}",
        refused.text
    );
    assert!(
        refused
            .message()
            .contains("{validateFields: 'true', compatibility: 'BACKWARD'}")
    );
    // A reserved field dropped from the metadata.
    let dropped = json!({"schema": widened("other"), "metadata": reserved("legacy")});
    let refused = register("checked", dropped.clone()).await;
    assert_eq!(refused.status, 409, "{}", refused.text);
    assert!(
        refused.message().contains(
            "The new schema has reserved field note removed from its metadata which is present in the old schema's metadata."
        ),
        "{}",
        refused.text
    );
    // The same through POST /compatibility.
    let checked = server
        .post("/compatibility/subjects/checked/versions/latest", &dropped)
        .await;
    assert_eq!(checked.body["is_compatible"], false, "{}", checked.text);
    // Keeping them is accepted; without validateFields nothing is checked.
    let kept = json!({"schema": widened("other"), "metadata": reserved("legacy,note")});
    assert_eq!(register("checked", kept).await.body["version"], 2);
    assert_eq!(register("unchecked", clash).await.body["version"], 2);
}
