//! `charter validate --subject`: payloads against a registered schema.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::Value;

use crate::common::{charter, fixture, root};
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
