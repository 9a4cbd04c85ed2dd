//! `charter register`: a schema registered, found again, or refused with the
//! registry's reasons.

use crate::common::fixture;
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
    assert!(
        answer["messages"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m.as_str().unwrap().contains("REQUIRED_ATTRIBUTE_ADDED"))
    );
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
