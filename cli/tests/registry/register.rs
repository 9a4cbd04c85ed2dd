//! `charter register`: a schema registered, found again, or refused with the
//! registry's reasons.

use crate::canned::Canned;
use crate::common::{self, fixture};
use crate::server::Registry;
use crate::{SUBJECT, V1, V2, V3};

#[test]
fn register_prints_id_and_version_and_a_second_run_changes_nothing() {
    let registry = Registry::start();
    let first = registry.charter(&["register", &fixture(V1), "--subject", SUBJECT]);
    let again = registry.charter(&["register", &fixture(V1), "--subject", SUBJECT]);
    let json = registry.charter(&[
        "register",
        &fixture(V2),
        "--subject",
        SUBJECT,
        "--output",
        "json",
    ]);
    insta::assert_snapshot!(format!(
        "{}\n{}",
        registry.transcript(&first),
        registry.transcript(&again)
    ));
    assert_eq!((first.code, again.code, json.code), (0, 0, 0));
    let answer = json.json();
    assert_eq!(answer["registered"], true);
    assert_eq!(answer["version"], 2);
    assert!(answer["id"].as_i64().unwrap() > 0);
}

#[test]
fn register_refused_as_incompatible_exits_one_with_the_reasons() {
    let registry = Registry::start();
    registry.register(SUBJECT, V2);
    let run = registry.charter(&["register", &fixture(V3), "--subject", SUBJECT]);
    assert_eq!(run.code, 1, "{}", run.transcript());
    insta::assert_snapshot!(registry.transcript(&run));
    let json = registry.charter(&[
        "register",
        &fixture(V3),
        "--subject",
        SUBJECT,
        "--output",
        "json",
    ]);
    assert_eq!(json.code, 1);
    let answer = json.json();
    assert_eq!(answer["incompatible"], true);
    // Charter's registry answers its breaking changes structured: the
    // reasons are those five changes, no context records.
    let reasons: Vec<&str> = answer["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m.as_str().unwrap())
        .collect();
    assert_eq!(reasons.len(), 5, "{reasons:?}");
    assert!(
        reasons.iter().any(|m| m
            .starts_with("REQUIRED_ATTRIBUTE_ADDED at #/properties/payload/required/channel: ")),
        "{reasons:?}"
    );
    assert!(
        reasons.iter().all(|m| m.ends_with("(against version 1)")),
        "{reasons:?}"
    );
}

/// Confluent's verbose answer to a check: one message per incompatibility,
/// then context records, and no structured changes.
const CONFLUENT_VERDICT: &str = r##"{"is_compatible": false, "messages": [
    "{errorType:'TYPE_MISMATCH', description:'The type (path '#/properties/eventVersion') of a field in the new schema does not match with the old schema', additionalInfo:'reader type: STRING not compatible with writer type: INTEGER'}",
    "{oldSchemaVersion: 1}",
    "{oldSchema: '{\"type\":\"object\"}'}",
    "{validateFields: 'false', compatibility: 'BACKWARD'}"
]}"##;

#[test]
fn another_registrys_reasons_are_shown_as_it_words_them() {
    // Lookup (not registered), registration (refused), the verbose check.
    let refused = |output: &str| {
        let canned = Canned::start(vec![
            (
                404,
                r#"{"error_code": 40403, "message": "Schema not found"}"#,
            ),
            (
                409,
                r#"{"error_code": 409, "message": "Schema being registered is incompatible with an earlier schema"}"#,
            ),
            (200, CONFLUENT_VERDICT),
        ]);
        let file = fixture(V3);
        let args = ["register", &file, "--subject", SUBJECT, "--output", output];
        let run = common::charter(&[&args[..], &["--registry", &canned.url]].concat());
        assert_eq!(run.code, 1, "{}", run.transcript());
        (canned, run)
    };
    let (canned, run) = refused("text");
    assert_eq!(
        run.stdout.replace(&canned.url, "[REGISTRY]/"),
        "REJECTED: registry [REGISTRY]/ refuses the schema for `orders-value` as incompatible:
    {errorType:'TYPE_MISMATCH', description:'The type (path '#/properties/eventVersion') of a field in the new schema does not match with the old schema', additionalInfo:'reader type: STRING not compatible with writer type: INTEGER'}
    {oldSchemaVersion: 1}
    {oldSchema: '{\"type\":\"object\"}'}
    {validateFields: 'false', compatibility: 'BACKWARD'}
"
    );
    let heads: Vec<String> = canned
        .requests()
        .iter()
        .map(|head| head.lines().next().unwrap_or_default().to_string())
        .collect();
    assert_eq!(
        heads,
        [
            "POST /subjects/orders-value HTTP/1.1",
            "POST /subjects/orders-value/versions HTTP/1.1",
            "POST /compatibility/subjects/orders-value/versions?verbose=true HTTP/1.1",
        ]
    );

    let (_, json) = refused("json");
    let verdict: serde_json::Value = serde_json::from_str(CONFLUENT_VERDICT).unwrap();
    assert_eq!(json.json()["messages"], verdict["messages"]);
}

/// A registry answers the references of a subject in a context as posted
/// (`shared.money` for `:.ctx1:shared.money`); reading the subject's
/// history still follows each to the subject it resolves to.
#[test]
fn references_inside_a_context_are_followed_to_their_context() {
    let registry = Registry::start();
    registry.register(":.ctx1:shared.money", "contracts/shared/money.json");
    let payment = std::fs::read_to_string(fixture("contracts/payments/payment-captured.json"));
    let name = "https://contracts.acme.example/shared/money.json";
    let (status, answer) = crate::server::http(
        "POST",
        &format!("{}subjects/:.ctx1:payments/versions", registry.url),
        Some(
            serde_json::json!({"schemaType": "JSON", "schema": payment.unwrap(),
            "references": [{"name": name, "subject": "shared.money", "version": 1}]}),
        ),
    );
    assert_eq!(status, 200, "{answer}");
    let served = crate::server::http(
        "GET",
        &format!("{}subjects/:.ctx1:payments/versions/1", registry.url),
        None,
    );
    assert_eq!(served.1["references"][0]["subject"], "shared.money");
    let check = registry.charter(&[
        "check",
        &fixture("contracts/payments/payment-captured.json"),
        "--subject",
        ":.ctx1:payments",
        "--registry-reference",
        &format!("{name}=:.ctx1:shared.money:1"),
    ]);
    assert_eq!(check.code, 0, "{}", check.transcript());
}

#[test]
fn references_are_fetched_from_the_registry_to_read_and_sent_along() {
    let registry = Registry::start();
    registry.register("shared.money", "contracts/shared/money.json");
    let payment = fixture("contracts/payments/payment-captured.json");
    let name = "https://contracts.acme.example/shared/money.json";
    let reference = format!("{name}=shared.money:1");

    let without = registry.charter(&["register", &payment, "--subject", "payments"]);
    assert_eq!(without.code, 2, "{}", without.transcript());
    assert!(
        without.stderr.contains("was not fetched"),
        "{}",
        without.stderr
    );

    let with = registry.charter(&[
        "register",
        &payment,
        "--subject",
        "payments",
        "--reference",
        &reference,
        "--output",
        "json",
    ]);
    assert_eq!(with.code, 0, "{}", with.transcript());
    assert_eq!(with.json()["version"], 1);
    let record = registry.charter(&["get", "--subject", "payments", "--output", "json"]);
    assert_eq!(record.json()["references"][0]["subject"], "shared.money");

    let check = registry.charter(&[
        "check",
        &payment,
        "--subject",
        "payments",
        "--registry-reference",
        &reference,
    ]);
    assert_eq!(check.code, 0, "{}", check.transcript());
    let expect = registry.charter(&[
        "expect",
        "--subject",
        "payments",
        "--reader",
        &payment,
        "--reference",
        &format!("{name}={}", fixture("contracts/shared/money.json")),
    ]);
    assert_eq!(expect.code, 0, "{}", expect.transcript());
}

/// A data contract (`--metadata`, `--property`, `--rule-set`) goes with the
/// schema: it is stored (`get --output json` shows it), it is part of the
/// schema's identity (the same schema with another rule set is a new
/// version), and `check` lists how a candidate's contract differs from the
/// latest version's without calling it a break.
#[test]
fn a_data_contract_is_registered_shown_and_compared() {
    let registry = Registry::start();
    let metadata = fixture("contracts/orders/order-placed.metadata.json");
    let rules = fixture("contracts/orders/order-placed.rules.json");
    let v1 = fixture(V1);
    let with_contract = |extra: &[&str]| {
        let mut args = vec![
            "register",
            &v1,
            "--subject",
            SUBJECT,
            "--metadata",
            &metadata,
            "--rule-set",
            &rules,
        ];
        args.extend_from_slice(extra);
        registry.charter(&args)
    };
    let dir = tempfile::tempdir().unwrap();
    let file = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path.display().to_string()
    };
    let first = with_contract(&[]);
    assert_eq!(first.code, 0, "{}", first.transcript());
    let get = registry.charter(&["get", "--subject", SUBJECT, "--output", "json"]);
    assert_eq!(get.code, 0, "{}", get.transcript());
    let record = get.json();
    assert_eq!(record["metadata"]["properties"]["owner"], "orders-team");
    assert_eq!(record["metadata"]["sensitive"][0], "customerEmail");
    assert_eq!(
        record["ruleSet"]["domainRules"][0]["name"],
        "positiveVersion"
    );
    assert_eq!(
        record["ruleSet"]["domainRules"][1]["params"]["encrypt.kek.name"],
        "orders-kek"
    );

    // The same schema and contract: found, not registered again.
    let again = with_contract(&["--output", "json"]);
    assert_eq!(again.json()["registered"], false, "{}", again.transcript());
    // The same schema with a property changed: a new version.
    let major = with_contract(&["--property", "major_version=2", "--output", "json"]);
    assert_eq!(major.json()["registered"], true, "{}", major.transcript());
    assert_eq!(major.json()["version"], 2);
    let get = registry.charter(&["get", "--subject", SUBJECT, "--output", "json"]);
    assert_eq!(get.json()["metadata"]["properties"]["major_version"], "2");
    assert_eq!(get.json()["metadata"]["properties"]["owner"], "orders-team");

    // check lists the contract's changes from the latest version.
    let stricter = file(
        "rules.json",
        r#"{"domainRules": [{"name": "positiveVersion", "kind": "CONDITION", "mode": "WRITE",
                             "type": "CEL", "expr": "message.eventVersion >= 2", "onFailure": "DLQ"}]}"#,
    );
    let check = registry.charter(&[
        "check",
        &fixture(V1),
        "--subject",
        SUBJECT,
        "--property",
        "major_version=3",
        "--property",
        "tier=gold",
        "--metadata",
        &metadata,
        "--rule-set",
        &stricter,
    ]);
    assert_eq!(check.code, 0, "{}", check.transcript());
    insta::assert_snapshot!(registry.transcript(&check));
    let json = registry.charter(&[
        "check",
        &fixture(V1),
        "--subject",
        SUBJECT,
        "--property",
        "major_version=3",
        "--output",
        "json",
    ]);
    let changes = &json.json()["registry"]["contract_changes"];
    assert_eq!(changes["against_version"], 2, "{}", json.stdout);
    // The metadata given replaces the latest's whole (as in Confluent's
    // registry); the rule set, not given, is the registry's to carry over,
    // so no rule is listed.
    let said: Vec<&str> = changes["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["message"].as_str().unwrap())
        .collect();
    assert_eq!(
        said,
        [
            "metadata property `major_version` changed: \"2\" → \"3\"",
            "metadata property `owner` removed (was \"orders-team\")",
            "metadata tags of `$.payload.customerEmail` removed (was [\"PII\"])",
            "sensitive name `customerEmail` removed",
        ]
    );
    assert_eq!(changes["changes"][3]["old"], serde_json::Value::Null);

    // A contract file of the wrong shape is an input error naming the place.
    let bad = file("metadata.json", r#"{"properties": {"major_version": 2}}"#);
    let refused = registry.charter(&[
        "register",
        &fixture(V1),
        "--subject",
        SUBJECT,
        "--metadata",
        &bad,
    ]);
    assert_eq!(refused.code, 2, "{}", refused.transcript());
    assert!(
        refused
            .stderr
            .contains("`properties.major_version` must be a string"),
        "{}",
        refused.transcript()
    );
    // Offline, there is no latest version to compare a contract with.
    let offline = registry.charter(&[
        "check",
        &fixture(V1),
        "--against",
        &fixture(V1),
        "--property",
        "a=b",
    ]);
    assert_eq!(offline.code, 2, "{}", offline.transcript());
    assert!(
        offline.stderr.contains("need --subject"),
        "{}",
        offline.transcript()
    );
}
