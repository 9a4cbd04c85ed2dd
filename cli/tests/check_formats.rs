//! `charter check FILE --subject S` with Avro and Protobuf schemas against a
//! real registry. Charter judges both formats itself (issue 10): the report
//! lists its breaking changes with examples and states the registry's
//! verdict beside them, with no note leaving the verdict to the registry,
//! and the JSON says `engine_judged: true`.

#[allow(dead_code)] // not every helper is used here
mod common;
mod server;

use common::fixture;
use serde_json::{Value, json};
use server::Registry;

/// Registers `history` (fixture files, oldest first) under `subject`, then
/// checks `candidate` against it: the text transcript and the JSON report.
fn check(subject: &str, history: &[&str], candidate: &str) -> (String, Value) {
    let registry = Registry::start();
    for file in history {
        registry.register(subject, file);
    }
    let text = registry.charter(&["check", &fixture(candidate), "--subject", subject]);
    let json = registry.charter(&[
        "check",
        &fixture(candidate),
        "--subject",
        subject,
        "--output",
        "json",
    ]);
    assert_eq!(json.code, text.code, "{}", registry.transcript(&json));
    (registry.transcript(&text), json.json())
}

/// What both formats must show for a breaking candidate: Charter's own
/// verdict, agreeing with the registry's, every breaking change with an
/// example, and no trace of the old "does not judge" note.
fn assert_judged(transcript: &str, report: &Value) {
    assert!(transcript.starts_with("exit: 1\n"), "{transcript}");
    assert!(!transcript.contains("does not judge"), "{transcript}");
    assert!(
        transcript.contains("would refuse it, as Charter's engine does"),
        "{transcript}"
    );
    assert_eq!(report["engine_judged"], true, "{report:#}");
    assert_eq!(report["compatible"], false);
    assert_eq!(report["mode"], "BACKWARD");
    let side = &report["registry"];
    assert_eq!(side["is_compatible"], false);
    assert_eq!(side["engine_agrees"], true, "{report:#}");
    assert_eq!(side["fetched"], json!([1]));
    let breaking: Vec<&Value> = report["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["breaks"] == json!(["backward"]))
        .collect();
    assert!(!breaking.is_empty(), "{report:#}");
    for change in breaking {
        assert!(!change["example"].is_null(), "no example: {change}");
    }
}

#[test]
fn r10_check_judges_avro_itself_beside_the_registry() {
    let (transcript, report) = check(
        "orders-avro-value",
        &["contracts/orders/order-placed.v2.avsc"],
        "contracts/orders/order-placed.v3.avsc",
    );
    assert_judged(&transcript, &report);
    insta::assert_snapshot!(transcript);
}

#[test]
fn r10_check_judges_protobuf_itself_beside_the_registry() {
    let (transcript, report) = check(
        "orders-proto-value",
        &["contracts/orders/order_placed.v2.proto"],
        "contracts/orders/order_placed.v3.proto",
    );
    assert_judged(&transcript, &report);
    insta::assert_snapshot!(transcript);
}

#[test]
fn r10_a_compatible_avro_or_protobuf_version_is_accepted_by_both() {
    for (subject, old, new) in [
        (
            "orders-avro-value",
            "contracts/orders/order-placed.v1.avsc",
            "contracts/orders/order-placed.v2.avsc",
        ),
        (
            "orders-proto-value",
            "contracts/orders/order_placed.v1.proto",
            "contracts/orders/order_placed.v2.proto",
        ),
    ] {
        let (transcript, report) = check(subject, &[old], new);
        assert!(transcript.starts_with("exit: 0\n"), "{transcript}");
        assert!(transcript.contains("ACCEPTED by registry"), "{transcript}");
        assert!(!transcript.contains("does not judge"), "{transcript}");
        assert_eq!(report["engine_judged"], true);
        assert_eq!(report["compatible"], true);
        assert_eq!(report["registry"]["engine_agrees"], true, "{report:#}");
    }
}
