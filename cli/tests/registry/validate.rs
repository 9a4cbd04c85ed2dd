//! `charter validate --subject`: payloads against a registered schema.

use serde_json::Value;

use crate::common::{charter, fixture, root};
use crate::server::Registry;

#[test]
fn validate_takes_the_schema_from_a_subject() {
    let registry = Registry::start();
    registry.register("orders-value", "contracts/orders/order-placed.v1.json");
    let valid = fixture("payloads/order-placed.valid.ndjson");
    let mixed = fixture("payloads/order-placed.mixed.ndjson");
    let ok = registry.charter(&["validate", &valid, "--subject", "orders-value"]);
    assert_eq!(ok.code, 0, "{}", registry.transcript(&ok));
    let pinned = registry.charter(&[
        "validate",
        &valid,
        "--subject",
        "orders-value",
        "--version",
        "1",
    ]);
    assert_eq!(pinned.code, 0, "{}", registry.transcript(&pinned));
    let bad = registry.charter(&[
        "validate",
        &mixed,
        "--subject",
        "orders-value",
        "--output",
        "json",
    ]);
    assert_eq!(bad.code, 1, "{}", registry.transcript(&bad));
    // The same verdict as validating against the file itself.
    let offline = charter(&[
        "validate",
        &mixed,
        "--schema",
        &fixture("contracts/orders/order-placed.v1.json"),
        "--output",
        "json",
    ]);
    assert_eq!(bad.json(), offline.json());
    let missing = registry.charter(&["validate", &valid, "--subject", "no-such-subject"]);
    assert_eq!(missing.code, 3, "{}", registry.transcript(&missing));
    let neither = charter(&["validate", &valid]);
    assert_eq!(neither.code, 2, "{}", neither.transcript());
}

#[test]
fn validate_binary_records_against_a_subject_tells_a_framed_id_that_differs() {
    let registry = Registry::start();
    let avsc = "contracts/orders/order-placed.v3.avsc";
    registry.register("orders-avro-value", avsc);
    let record = registry.charter(&["get", "--subject", "orders-avro-value", "--output", "json"]);
    let id = record.json()["id"].as_u64().unwrap() as u32;
    let json_records = fixture("payloads/order-placed.avro.ndjson");
    let ok = registry.charter(&["validate", &json_records, "--subject", "orders-avro-value"]);
    assert_eq!(ok.code, 0, "{}", registry.transcript(&ok));

    let text = std::fs::read_to_string(root().join("fixtures").join(avsc)).unwrap();
    let schema =
        schemas::Schema::parse(schemas::SchemaType::Avro, &text, &schemas::NoReferences).unwrap();
    let first = std::fs::read_to_string(&json_records).unwrap();
    let datum: Value = serde_json::from_str(first.lines().next().unwrap()).unwrap();
    let bytes = schemas::payload::PayloadValidator::new(std::sync::Arc::new(schema), None)
        .unwrap()
        .encode(&datum)
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("same.bin"),
        schemas::wire::frame(id, None, &bytes),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("other.bin"),
        schemas::wire::frame(id + 100, None, &bytes),
    )
    .unwrap();
    let run = registry.charter_in(
        dir.path(),
        &[
            "validate",
            "--binary",
            "same.bin",
            "other.bin",
            "--subject",
            "orders-avro-value",
            "--output",
            "json",
        ],
    );
    // Decoded with the subject's schema, both records are valid; the one
    // naming another id says so.
    assert_eq!(run.code, 0, "{}", registry.transcript(&run));
    let files = run.json()["files"].clone();
    assert_eq!(files[0]["schema_id"], id);
    assert!(files[0].get("notes").is_none(), "{files}");
    assert_eq!(files[1]["schema_id"], id + 100);
    assert_eq!(
        files[1]["notes"][0],
        format!(
            "written with schema id {}, but orders-avro-value version 1 has id {id}; decoded with id {id}",
            id + 100
        )
    );
    let text = registry.charter_in(
        dir.path(),
        &[
            "validate",
            "--binary",
            "other.bin",
            "--subject",
            "orders-avro-value",
        ],
    );
    assert!(
        text.stdout
            .starts_with("other.bin: note: written with schema id"),
        "{}",
        text.stdout
    );
}
