//! `charter consumer`, `charter deployed` and `charter can-i-deploy`: the
//! scenario of issue 14 through the real binary, in JSON Schema, Avro and
//! Protobuf. The inventory producer removes `warehouseId`, which the
//! fulfillment consumer (prod) reads; billing does not read it.

use crate::common::fixture;
use crate::server::{Registry, http};

const SUBJECT: &str = "inventory-value";

/// `consumers/<format>/<name>.<extension>`, relative to `fixtures/`.
fn relative(format: &str, name: &str) -> String {
    let extension = match format {
        "json" => "json",
        "avro" => "avsc",
        _ => "proto",
    };
    format!("consumers/{format}/{name}.{extension}")
}

/// The fixture [`relative`] names.
fn file(format: &str, name: &str) -> String {
    fixture(&relative(format, name))
}

/// A registry with `inventory-value` at v1 deployed to prod, level NONE and
/// consumerCompatibility `setting`, fulfillment (1.4.2) reading
/// `warehouseId` and billing reading `sku` in prod.
fn scenario(format: &str, setting: &str) -> Registry {
    let registry = Registry::start();
    let answer = http(
        "PUT",
        &format!("{}config/{SUBJECT}", registry.url),
        Some(serde_json::json!({"compatibility": "NONE", "consumerCompatibility": setting})),
    );
    assert_eq!(answer.0, 200, "{answer:?}");
    registry.register(SUBJECT, &relative(format, "v1"));
    let deployed = registry.charter(&[
        "deployed",
        "--subject",
        SUBJECT,
        "--version",
        "1",
        "--environment",
        "prod",
    ]);
    assert_eq!(deployed.code, 0, "{}", deployed.transcript());
    for (consumer, reader, version) in [
        ("fulfillment", "reader-warehouse", Some("1.4.2")),
        ("billing", "reader-sku", None),
    ] {
        let reader = file(format, reader);
        let mut args = vec![
            "consumer",
            "record",
            "--consumer",
            consumer,
            "--subject",
            SUBJECT,
            "--reader",
            &reader,
            "--environment",
            "prod",
        ];
        if let Some(version) = version {
            args.extend(["--consumer-version", version]);
        }
        let recorded = registry.charter(&args);
        assert_eq!(recorded.code, 0, "{}", recorded.transcript());
    }
    registry
}

#[test]
fn removing_a_field_fulfillment_reads_is_refused_and_can_i_deploy_says_no() {
    for format in ["json", "avro", "protobuf"] {
        let registry = scenario(format, "ENFORCE");
        let v2 = file(format, "v2");
        let asked = registry.charter(&[
            "can-i-deploy",
            "--subject",
            SUBJECT,
            "--schema",
            &v2,
            "--environment",
            "prod",
        ]);
        assert_eq!(asked.code, 1, "{format}: {}", asked.transcript());
        assert!(
            asked
                .stdout
                .contains("✘ fulfillment (prod, version 1.4.2) cannot read"),
            "{format}: {}",
            asked.stdout
        );
        assert!(
            !asked.stdout.contains("billing (prod) cannot"),
            "{}",
            asked.stdout
        );
        if format == "json" {
            insta::assert_snapshot!(registry.transcript(&asked));
        }
        let refused = registry.charter(&["register", &v2, "--subject", SUBJECT]);
        assert_eq!(refused.code, 1, "{format}: {}", refused.transcript());
        assert!(refused.stdout.contains("fulfillment"), "{}", refused.stdout);

        // Fulfillment moves to a reader without the field: now it may.
        let moved = registry.charter(&[
            "consumer",
            "record",
            "--consumer",
            "fulfillment",
            "--subject",
            SUBJECT,
            "--reader",
            &file(format, "reader-sku"),
            "--environment",
            "prod",
        ]);
        assert_eq!(moved.code, 0, "{}", moved.transcript());
        let asked = registry.charter(&[
            "can-i-deploy",
            "--subject",
            SUBJECT,
            "--schema",
            &v2,
            "--environment",
            "prod",
        ]);
        assert_eq!(asked.code, 0, "{format}: {}", asked.transcript());
        let registered = registry.charter(&["register", &v2, "--subject", SUBJECT]);
        assert_eq!(registered.code, 0, "{format}: {}", registered.transcript());
    }
}

#[test]
fn a_consumer_needing_a_field_older_deployed_versions_lack_may_not_deploy() {
    // v1 and v2 were deployed to prod; v3, the latest, adds `priority`.
    let registry = scenario("json", "NONE");
    registry.register(SUBJECT, &relative("json", "v2"));
    registry.register(SUBJECT, &relative("json", "v3"));
    let deployed = registry.charter(&[
        "deployed",
        "--subject",
        SUBJECT,
        "--version",
        "2",
        "--environment",
        "prod",
    ]);
    assert_eq!(deployed.code, 0, "{}", deployed.transcript());
    let reader = file("json", "reader-priority");
    let ask = |output: &str| {
        registry.charter(&[
            "can-i-deploy",
            "--consumer",
            "dispatch",
            "--subject",
            SUBJECT,
            "--reader",
            &reader,
            "--environment",
            "prod",
            "--output",
            output,
        ])
    };
    let text = ask("text");
    assert_eq!(text.code, 1, "{}", text.transcript());
    insta::assert_snapshot!(registry.transcript(&text));
    let json = ask("json");
    assert_eq!(json.code, 1);
    let answer = json.json();
    assert_eq!(answer["ok"], false);
    let verdicts: Vec<(i64, bool)> = answer["matrix"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["writer"]["version"].as_i64().unwrap(),
                r["compatible"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(verdicts, [(1, false), (2, false), (3, true)]);
    let github = ask("github");
    assert_eq!(github.code, 1);
    assert!(
        github
            .stdout
            .starts_with("::error title=dispatch (prod) cannot read v1::"),
        "{}",
        github.stdout
    );
    let junit = ask("junit");
    assert_eq!(junit.code, 1);
    assert!(
        junit
            .stdout
            .contains(r#"<testsuites name="charter can-i-deploy" tests="3" failures="2""#),
        "{}",
        junit.stdout
    );

    // A consumer reading with the registered v2 (`sku` only) reads them all.
    let pinned = registry.charter(&[
        "can-i-deploy",
        "--consumer",
        "dispatch",
        "--subject",
        SUBJECT,
        "--reader-version",
        "2",
        "--environment",
        "prod",
    ]);
    assert_eq!(pinned.code, 0, "{}", pinned.transcript());
    assert!(pinned.stdout.contains("YES"), "{}", pinned.stdout);
}

#[test]
fn consumers_are_listed_and_forgotten() {
    let registry = scenario("avro", "ENFORCE");
    let listed = registry.charter(&["consumer", "list"]);
    assert_eq!(listed.code, 0, "{}", listed.transcript());
    insta::assert_snapshot!(registry.transcript(&listed));
    let of_subject =
        registry.charter(&["consumer", "list", "--subject", SUBJECT, "--output", "json"]);
    assert_eq!(of_subject.json().as_array().unwrap().len(), 2);
    let nowhere = registry.charter(&[
        "consumer",
        "list",
        "--subject",
        SUBJECT,
        "--environment",
        "nowhere",
    ]);
    assert_eq!((nowhere.code, nowhere.stdout.as_str()), (0, ""));

    let forgot = registry.charter(&[
        "consumer",
        "forget",
        "--consumer",
        "fulfillment",
        "--subject",
        SUBJECT,
        "--environment",
        "prod",
    ]);
    assert_eq!(forgot.code, 0, "{}", forgot.transcript());
    // Forgetting lifts the constraint: v2 registers.
    let v2 = file("avro", "v2");
    let registered = registry.charter(&["register", &v2, "--subject", SUBJECT]);
    assert_eq!(registered.code, 0, "{}", registered.transcript());
    let again = registry.charter(&[
        "consumer",
        "forget",
        "--consumer",
        "fulfillment",
        "--subject",
        SUBJECT,
        "--environment",
        "prod",
    ]);
    assert_eq!(again.code, 3, "{}", again.transcript());
}

#[test]
fn bad_input_and_an_unreachable_registry() {
    let mut registry = scenario("json", "NONE");
    let not_a_schema = fixture("payloads/order-placed.valid.ndjson");
    let unparsable = registry.charter(&[
        "can-i-deploy",
        "--subject",
        SUBJECT,
        "--schema",
        &not_a_schema,
    ]);
    assert_eq!(unparsable.code, 2, "{}", unparsable.transcript());
    let bad_name = registry.charter(&[
        "consumer",
        "record",
        "--consumer",
        "ful fillment",
        "--subject",
        SUBJECT,
        "--reader-version",
        "1",
    ]);
    assert_eq!(bad_name.code, 3, "{}", bad_name.transcript());
    assert!(
        bad_name.stderr.contains("consumer name"),
        "{}",
        bad_name.stderr
    );
    let unknown = registry.charter(&[
        "can-i-deploy",
        "--subject",
        "nobody",
        "--schema",
        &file("json", "v2"),
    ]);
    assert_eq!(unknown.code, 3, "{}", unknown.transcript());
    registry.stop();
    let down = registry.charter(&[
        "can-i-deploy",
        "--subject",
        SUBJECT,
        "--schema",
        &file("json", "v2"),
        "--registry-retries",
        "0",
    ]);
    assert_eq!(down.code, 3, "{}", down.transcript());
}
