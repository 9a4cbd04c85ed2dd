//! `charter validate --subject`: payloads against a registered schema.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::Value;

use crate::common::{charter, fixture, python, root};
use crate::server::{Registry, http};

/// The first record of the JSON records `records`, encoded in binary with
/// the fixture schema `file` (its message `message`, for Protobuf).
fn first_record_encoded(
    format: schemas::SchemaType,
    file: &str,
    message: Option<&str>,
    records: &str,
) -> Vec<u8> {
    let text = std::fs::read_to_string(root().join("fixtures").join(file)).unwrap();
    let schema = schemas::Schema::parse(format, &text, &schemas::NoReferences).unwrap();
    let first = std::fs::read_to_string(records).unwrap();
    let datum: Value = serde_json::from_str(first.lines().next().unwrap()).unwrap();
    schemas::payload::PayloadValidator::new(std::sync::Arc::new(schema), message)
        .unwrap()
        .encode(&datum)
        .unwrap()
}

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

    let bytes = first_record_encoded(schemas::SchemaType::Avro, avsc, None, &json_records);
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

/// Issue 13: records written with Confluent's header framing (the schema id
/// or GUID in the `__value_schema_id` Kafka header, the payload unframed)
/// are read with `--schema-id-header`, the header's value in base64: by id,
/// by GUID (resolved through the registry), with Protobuf message indexes;
/// a header naming another schema is a note, a malformed one an input
/// error.
#[test]
fn r13_validate_binary_records_framed_by_a_schema_id_header() {
    let registry = Registry::start();
    let avsc = "contracts/orders/order-placed.v3.avsc";
    registry.register("orders-avro-value", avsc);
    let record = registry.charter(&["get", "--subject", "orders-avro-value", "--output", "json"]);
    let id = record.json()["id"].as_u64().unwrap() as u32;
    let (status, by_id) = http("GET", &format!("{}schemas/ids/{id}", registry.url), None);
    assert_eq!(status, 200);
    let guid_text = by_id["guid"].as_str().expect("a GUID").to_string();
    let hex = guid_text.replace('-', "");
    let guid: Vec<u8> = (0..16)
        .map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap())
        .collect();
    let records = fixture("payloads/order-placed.avro.ndjson");
    let payload = first_record_encoded(schemas::SchemaType::Avro, avsc, None, &records);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("record.bin"), &payload).unwrap();
    std::fs::write(dir.path().join("cut.bin"), &payload[..payload.len() / 2]).unwrap();
    let validate_in = |subject: &str, file: &str, header: &str, output: &str| {
        registry.charter_in(
            dir.path(),
            &[
                "validate",
                "--binary",
                file,
                "--subject",
                subject,
                "--schema-id-header",
                header,
                "--output",
                output,
            ],
        )
    };
    let validate = |file: &str, header: &[u8], output: &str| {
        validate_in("orders-avro-value", file, &STANDARD.encode(header), output)
    };
    let id_header = schemas::wire::frame(id, None, &[]);
    let guid_header = [&[1u8][..], &guid].concat();

    let run = validate("record.bin", &id_header, "json");
    assert_eq!(run.code, 0, "{}", registry.transcript(&run));
    let file = &run.json()["files"][0];
    assert_eq!(file["framing"], "header", "{file}");
    assert_eq!(file["schema_id"], id, "{file}");
    assert!(file.get("notes").is_none(), "{file}");

    let run = validate("record.bin", &guid_header, "json");
    assert_eq!(run.code, 0, "{}", registry.transcript(&run));
    let file = &run.json()["files"][0];
    assert_eq!(file["schema_guid"], guid_text.as_str(), "{file}");
    assert_eq!(file["schema_id"], id, "{file}");
    assert!(file.get("notes").is_none(), "{file}");

    let run = validate(
        "record.bin",
        &schemas::wire::frame(id + 100, None, &[]),
        "json",
    );
    assert_eq!(run.code, 0, "{}", registry.transcript(&run));
    assert_eq!(
        run.json()["files"][0]["notes"][0],
        format!(
            "written with schema id {}, but orders-avro-value version 1 has id {id}; decoded with id {id}",
            id + 100
        )
    );
    let unknown = [&[1u8][..], &[7u8; 16]].concat();
    let run = validate("record.bin", &unknown, "json");
    assert_eq!(run.code, 0, "{}", registry.transcript(&run));
    assert_eq!(
        run.json()["files"][0]["notes"][0],
        format!(
            "the header names schema GUID 07070707-0707-0707-0707-070707070707, which the registry does not know; decoded with orders-avro-value version 1 (id {id})"
        )
    );

    // An invalid record says how it was read.
    let run = validate("cut.bin", &guid_header, "text");
    assert_eq!(run.code, 1, "{}", registry.transcript(&run));
    assert!(
        run.stdout.contains(&format!(
            "cut.bin: read as header framing, schema GUID {guid_text} (id {id})"
        )),
        "{}",
        run.stdout
    );

    // Bad headers are input errors, named.
    for (header, error) in [
        (
            "not base64!".to_string(),
            "--schema-id-header \"not base64!\": not base64",
        ),
        (STANDARD.encode([0, 0, 1]), "not a schema-id header"),
        (
            STANDARD.encode(schemas::wire::frame(id, Some(&[1]), &[])),
            "only a Protobuf schema's header has more",
        ),
    ] {
        let run = validate_in("orders-avro-value", "record.bin", &header, "text");
        assert_eq!(run.code, 2, "{}", registry.transcript(&run));
        assert!(run.stderr.contains(error), "{}", run.stderr);
    }
    let run = charter(&[
        "validate",
        "--schema-id-header",
        "AAAAAAc=",
        &records,
        "--schema",
        &fixture(avsc),
    ]);
    assert_eq!(run.code, 2, "{}", run.transcript());

    // Protobuf: the message indexes after the id select the message.
    let proto = "contracts/orders/order_placed.v3.proto";
    registry.register("orders-proto-value", proto);
    let record = registry.charter(&["get", "--subject", "orders-proto-value", "--output", "json"]);
    let proto_id = record.json()["id"].as_u64().unwrap() as u32;
    let payloads = tempfile::NamedTempFile::new().unwrap();
    let first = std::fs::read_to_string(fixture("payloads/order-placed.proto.ndjson")).unwrap();
    let order: Value = serde_json::from_str(first.lines().next().unwrap()).unwrap();
    std::fs::write(payloads.path(), format!("{}\n", order["payload"])).unwrap();
    let payload = first_record_encoded(
        schemas::SchemaType::Protobuf,
        proto,
        Some("OrderPlacedPayload"),
        payloads.path().to_str().unwrap(),
    );
    std::fs::write(dir.path().join("payload.bin"), &payload).unwrap();
    let header = schemas::wire::frame(proto_id, Some(&[1]), &[]);
    let run = validate_in(
        "orders-proto-value",
        "payload.bin",
        &STANDARD.encode(&header),
        "json",
    );
    assert_eq!(run.code, 0, "{}", registry.transcript(&run));
    let file = &run.json()["files"][0];
    assert_eq!(file["framing"], "header", "{file}");
    assert_eq!(file["message_indexes"], serde_json::json!([1]), "{file}");
    assert_eq!(
        file["message"], "acme.orders.v1.OrderPlacedPayload",
        "{file}"
    );
}

/// The subject's CEL domain rules (`CEL` on the record, `CEL_FIELD` on each
/// field) fail records the schema accepts; rules a producer does not run
/// are named on stderr; every output format carries the failures.
#[test]
fn validate_evaluates_the_subjects_cel_domain_rules() {
    let registry = Registry::start();
    let register = registry.charter(&[
        "register",
        "fixtures/contracts/orders/order-placed.v1.json",
        "--subject",
        "orders-value",
        "--rule-set",
        "fixtures/contracts/orders/order-placed.cel-rules.json",
    ]);
    assert_eq!(register.code, 0, "{}", registry.transcript(&register));
    let valid = "fixtures/payloads/order-placed.valid.ndjson";
    let run = registry.charter(&["validate", valid, "--subject", "orders-value"]);
    assert_eq!(run.code, 1, "{}", registry.transcript(&run));
    insta::assert_snapshot!(registry.transcript(&run));
    // Without its rules the same records are valid.
    let offline = charter(&[
        "validate",
        valid,
        "--schema",
        "fixtures/contracts/orders/order-placed.v1.json",
    ]);
    assert_eq!(offline.code, 0, "{}", offline.transcript());
    for format in ["json", "github", "junit"] {
        let run = registry.charter(&[
            "validate",
            valid,
            "--subject",
            "orders-value",
            "--output",
            format,
        ]);
        assert_eq!(run.code, 1, "{format}: {}", registry.transcript(&run));
        for needle in ["smallOrders", "skuFormat", "/payload/lines/0/sku"] {
            assert!(
                run.stdout.contains(needle),
                "{format} lacks {needle}: {}",
                run.stdout
            );
        }
    }
    let json = registry
        .charter(&[
            "validate",
            valid,
            "--subject",
            "orders-value",
            "--output",
            "json",
        ])
        .json();
    assert_eq!(
        (json["valid"].as_u64(), json["invalid"].as_u64()),
        (Some(2), Some(3))
    );
}

/// A rule calling a function Charter does not have is an input error
/// naming the rule and the function, before any record is read.
#[test]
fn validate_refuses_a_rule_with_an_unsupported_function() {
    let registry = Registry::start();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("rules.json"),
        r#"{"domainRules":[{"name":"recent","kind":"CONDITION","mode":"WRITE","type":"CEL","expr":"timestamp(message.occurredAt) > timestamp('2024-01-01T00:00:00Z')"}]}"#,
    )
    .unwrap();
    let register = registry.charter_in(
        dir.path(),
        &[
            "register",
            &fixture("contracts/orders/order-placed.v1.json"),
            "--subject",
            "orders-value",
            "--rule-set",
            "rules.json",
        ],
    );
    assert_eq!(register.code, 0, "{}", registry.transcript(&register));
    let run = registry.charter(&[
        "validate",
        "fixtures/payloads/order-placed.valid.ndjson",
        "--subject",
        "orders-value",
    ]);
    assert_eq!(run.code, 2, "{}", registry.transcript(&run));
    assert_eq!(run.stdout, "");
    assert!(
        run.stderr
            .contains("rule \"recent\": the CEL function \"timestamp\" is not supported"),
        "{}",
        run.stderr
    );
}

/// Confluent's Python client registers schemas (Avro, JSON Schema) with a
/// `CEL` and a `CEL_FIELD` domain rule, and its own serializers refuse some
/// records (`ci/interop/confluent_cel_rules.py`); `charter validate
/// --subject` fails exactly those records, naming the rule.
#[test]
#[allow(clippy::print_stderr)] // the skip notice is for the person running the tests
fn cel_rules_registered_by_confluents_client_fail_the_records_its_serializer_refuses() {
    let Some(python) = python() else {
        eprintln!("SKIPPED: set CHARTER_PY to Confluent's Python client (ci/test.sh does)");
        return;
    };
    let registry = Registry::start();
    let dir = tempfile::tempdir().unwrap();
    let output = std::process::Command::new(&python)
        .args(["-B", "-W", "ignore"])
        .arg(root().join("ci/interop/confluent_cel_rules.py"))
        .arg(&registry.url)
        .arg(dir.path())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", python.display()));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success() && stdout.lines().last() == Some("2 passed, 0 failed"),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    for format in ["avro", "json"] {
        let rejected: Vec<u64> = serde_json::from_str(
            &std::fs::read_to_string(dir.path().join(format!("{format}.rejected.json"))).unwrap(),
        )
        .unwrap();
        let run = registry.charter_in(
            dir.path(),
            &[
                "validate",
                &format!("{format}.ndjson"),
                "--subject",
                &format!("signups-{format}-value"),
                "--output",
                "json",
            ],
        );
        assert_eq!(run.code, 1, "{}", registry.transcript(&run));
        let report = run.json();
        let mut lines: Vec<u64> = report["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["line"].as_u64().unwrap())
            .collect();
        lines.dedup();
        assert_eq!(lines, rejected, "{format}: {report}");
        let rules: Vec<(&str, &str)> = report["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e["keyword"].as_str().unwrap(),
                    e["instance_path"].as_str().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            rules,
            [
                ("CEL", ""),
                ("CEL_FIELD", "/email"),
                ("CEL", ""),
                ("CEL_FIELD", "/email")
            ],
            "{format}"
        );
    }
}
