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
