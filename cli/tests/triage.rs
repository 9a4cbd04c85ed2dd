//! `charter triage` end to end: the real `charter` against a real Charter
//! registry (served in-process, `server/`), on messages encoded for real (JSON text, Avro binary,
//! Protobuf binary, each with Confluent framing).
//!
//! The messages under `fixtures/triage/messages/` are built here, from the
//! schemas in `fixtures/triage/schemas/` registered in a fresh registry;
//! [`committed_messages_are_what_the_encodings_build`] fails when the
//! committed files differ (`CHARTER_BLESS=1` writes them again).

mod common;
mod server;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use common::root;
use schemas::payload::PayloadValidator;
use schemas::wire::{Header, frame};
use schemas::{NoReferences, Schema, SchemaType};
use serde_json::{Value, json};
use server::{Registry, closed_port, http};

const ORDERS: &str = "orders-value";
const PAYMENTS: &str = "payments-value";
const SHIPMENTS: &str = "shipments-value";
/// A schema id no registry in these tests holds.
const UNKNOWN_ID: u32 = 9999;
const MESSAGES: &str = "fixtures/triage/messages";

/// The ids the fixture schemas got.
struct Ids {
    orders: [u32; 3],
    payments: [u32; 2],
    shipments: u32,
}

fn schema_text(name: &str) -> String {
    let path = root().join("fixtures/triage/schemas").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Registers `file` under `subject` through the HTTP API; returns its id.
fn register(registry: &Registry, subject: &str, file: &str, schema_type: &str) -> u32 {
    let (status, body) = http(
        "POST",
        &format!("{}subjects/{subject}/versions", registry.url),
        Some(json!({"schema": schema_text(file), "schemaType": schema_type})),
    );
    assert_eq!(status, 200, "{subject} {file}: {body}");
    body["id"].as_u64().unwrap() as u32
}

/// A registry holding the fixture schemas: `orders-value` v1, v2 (a
/// compatible evolution) and v3 (incompatible, let through under NONE);
/// `payments-value` v1 and v2, v2 soft-deleted since; `shipments-value` v1.
fn registry() -> (Registry, Ids) {
    let registry = Registry::start();
    let orders1 = register(&registry, ORDERS, "orders.v1.json", "JSON");
    let orders2 = register(&registry, ORDERS, "orders.v2.json", "JSON");
    let level = http(
        "PUT",
        &format!("{}config/{ORDERS}", registry.url),
        Some(json!({"compatibility": "NONE"})),
    );
    assert_eq!(level.0, 200, "{level:?}");
    let orders3 = register(&registry, ORDERS, "orders.v3.json", "JSON");
    let payments1 = register(&registry, PAYMENTS, "payment.v1.avsc", "AVRO");
    let payments2 = register(&registry, PAYMENTS, "payment.v2.avsc", "AVRO");
    let deleted = http(
        "DELETE",
        &format!("{}subjects/{PAYMENTS}/versions/2", registry.url),
        None,
    );
    assert_eq!(deleted.0, 200, "{deleted:?}");
    let shipments = register(&registry, SHIPMENTS, "shipment.proto", "PROTOBUF");
    let ids = Ids {
        orders: [orders1, orders2, orders3],
        payments: [payments1, payments2],
        shipments,
    };
    (registry, ids)
}

fn json_message(id: u32, value: Value) -> Vec<u8> {
    frame(id, None, value.to_string().as_bytes())
}

fn avro_message(id: u32, file: &str, value: Value) -> Vec<u8> {
    let schema = Schema::parse(SchemaType::Avro, &schema_text(file), &NoReferences).unwrap();
    let avro = PayloadValidator::new(Arc::new(schema), None).unwrap();
    frame(id, None, &avro.encode(&value).unwrap())
}

/// A Protobuf string field (wire type 2).
fn proto_string(field: u8, text: &str) -> Vec<u8> {
    let mut out = vec![field << 3 | 2, text.len() as u8];
    out.extend_from_slice(text.as_bytes());
    out
}

/// A Protobuf varint field (wire type 0).
fn proto_varint(field: u8, mut value: u64) -> Vec<u8> {
    let mut out = vec![field << 3];
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return out;
        }
        out.push(byte | 0x80);
    }
}

/// A dead-letter record as Kafka tools export it, the value in base64.
fn dead_letter(offset: u64, value: &[u8]) -> String {
    json!({
        "topic": "orders",
        "partition": 0,
        "offset": offset,
        "key": format!("order-{offset}"),
        "value": STANDARD.encode(value),
        "headers": [{"key": "__connect.errors.exception.class.name", "value": "SerializationException"}],
    })
    .to_string()
}

/// Every fixture message, by path under `fixtures/triage/messages/`.
fn messages(ids: &Ids) -> BTreeMap<&'static str, Vec<u8>> {
    let [v1, v2, v3] = ids.orders;
    let order = json!({"id": "o-1", "qty": 2});
    let mut out = BTreeMap::new();
    out.insert("json/valid.bin", json_message(v1, order.clone()));
    out.insert(
        "json/producer-invalid.bin",
        json_message(v1, json!({"id": "o-2", "qty": 0})),
    );
    out.insert(
        "json/consumer-behind.bin",
        json_message(v2, json!({"id": "o-3", "qty": 1, "note": "gift"})),
    );
    out.insert(
        "json/contract-broken.bin",
        json_message(v3, json!({"id": 4, "qty": 1})),
    );
    out.insert(
        "json/unknown-schema.bin",
        json_message(UNKNOWN_ID, order.clone()),
    );
    // The magic byte and three bytes of a schema id.
    out.insert("json/too-short.bin", vec![0, 0, 0, 1]);
    out.insert(
        "json/unframed-match.json",
        b"{\"id\": \"o-5\", \"qty\": 3}\n".to_vec(),
    );
    out.insert(
        "json/unframed-no-match.json",
        b"{\"id\": \"o-6\", \"qty\": \"lots\"}\n".to_vec(),
    );

    let [p1, p2] = ids.payments;
    let payment = avro_message(
        p1,
        "payment.v1.avsc",
        json!({"id": "p-1", "amount_cents": 1250}),
    );
    out.insert("avro/truncated.bin", payment[..payment.len() - 1].to_vec());
    out.insert("avro/valid.bin", payment);
    out.insert(
        "avro/deleted-version.bin",
        avro_message(
            p2,
            "payment.v2.avsc",
            json!({"id": "p-2", "amount_cents": 99, "currency": "CHF"}),
        ),
    );

    let shipment = [proto_string(1, "s-1"), proto_varint(2, 1000)].concat();
    out.insert(
        "protobuf/valid.bin",
        frame(ids.shipments, Some(&[0]), &shipment),
    );
    out.insert(
        "protobuf/second-message.bin",
        frame(ids.shipments, Some(&[1]), &proto_string(1, "P-7")),
    );
    // Two indexes announced, one given.
    let mut bad = Header {
        schema_id: ids.shipments,
    }
    .to_bytes()
    .to_vec();
    bad.extend_from_slice(&[0x04, 0x02]);
    out.insert("protobuf/bad-indexes.bin", bad);

    let lines = [
        dead_letter(1, &json_message(v1, order.clone())),
        dead_letter(2, &json_message(v1, json!({"id": "o-7", "qty": 0}))),
        dead_letter(3, &json_message(v1, json!({"id": "o-8", "qty": -3}))),
        dead_letter(
            4,
            &json_message(v2, json!({"id": "o-9", "qty": 1, "note": "a"})),
        ),
        dead_letter(5, &json_message(v1, json!({"id": "o-10", "qty": 0}))),
        dead_letter(6, &json_message(v3, json!({"id": 11, "qty": 5}))),
        dead_letter(7, &json_message(UNKNOWN_ID, order.clone())),
        dead_letter(8, &[0, 0, 0]),
        "this line is not JSON".to_string(),
        json!({"offset": 10, "value": {"id": "o-12", "qty": 1}}).to_string(),
        dead_letter(
            11,
            &json_message(v2, json!({"id": "o-13", "qty": 2, "note": "b"})),
        ),
        dead_letter(12, &json_message(v1, order)),
    ];
    out.insert("dlq/orders.ndjson", (lines.join("\n") + "\n").into_bytes());
    out
}

/// Every file under `dir`, by path relative to it.
fn files_under(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(dir: &Path, base: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, base, out);
            } else {
                let name = path.strip_prefix(base).unwrap().display().to_string();
                out.insert(name, std::fs::read(&path).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

#[test]
fn committed_messages_are_what_the_encodings_build() {
    let (_registry, ids) = registry();
    let built: BTreeMap<String, Vec<u8>> = messages(&ids)
        .into_iter()
        .map(|(name, bytes)| (name.to_string(), bytes))
        .collect();
    let dir = root().join(MESSAGES);
    if std::env::var_os("CHARTER_BLESS").is_some() {
        let _ = std::fs::remove_dir_all(&dir);
        for (name, bytes) in &built {
            let path = dir.join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, bytes).unwrap();
        }
    }
    let committed = files_under(&dir);
    assert_eq!(
        committed.keys().collect::<Vec<_>>(),
        built.keys().collect::<Vec<_>>(),
        "the files under {MESSAGES} are not the ones the test builds; run with CHARTER_BLESS=1"
    );
    for (name, bytes) in &built {
        assert!(
            committed[name] == *bytes,
            "{MESSAGES}/{name} differs from what the test builds; run with CHARTER_BLESS=1"
        );
    }
}

/// A fixture message's path as charter is given it (and reports it).
fn message(name: &str) -> String {
    format!("{MESSAGES}/{name}")
}

/// Runs `charter triage ARGS --output json`, expecting `code`.
fn triage_json(registry: &Registry, args: &[&str], code: i32) -> Value {
    let mut all = vec!["triage", "--output", "json"];
    all.extend_from_slice(args);
    let run = registry.charter(&all);
    assert_eq!(run.code, code, "{}", run.transcript());
    run.json()
}

/// The verdict of each message, by label.
fn verdicts(report: &Value) -> BTreeMap<String, String> {
    report["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["message"].as_str().unwrap().to_string(),
                m["verdict"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn expect_verdicts(report: &Value, expected: &[(&str, &str)]) {
    let expected: BTreeMap<String, String> = expected
        .iter()
        .map(|(name, verdict)| (message(name), verdict.to_string()))
        .collect();
    assert_eq!(verdicts(report), expected, "{report:#}");
}

fn find<'a>(report: &'a Value, name: &str) -> &'a Value {
    let label = message(name);
    report["messages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["message"] == label.as_str())
        .unwrap_or_else(|| panic!("no report on {label}: {report:#}"))
}

#[test]
fn every_verdict_of_json_messages_against_a_consumer_on_v1() {
    let (registry, ids) = registry();
    let report = triage_json(
        &registry,
        &[
            &message("json"),
            "--subject",
            ORDERS,
            "--reader-version",
            "1",
        ],
        1,
    );
    // A directory is every file in it, sorted.
    let order: Vec<&str> = report["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["message"].as_str().unwrap())
        .collect();
    let mut sorted = order.clone();
    sorted.sort_unstable();
    assert_eq!(order, sorted);
    expect_verdicts(
        &report,
        &[
            ("json/consumer-behind.bin", "consumer_behind"),
            ("json/contract-broken.bin", "contract_broken"),
            ("json/producer-invalid.bin", "producer_invalid"),
            ("json/too-short.bin", "corrupt"),
            ("json/unframed-match.json", "unframed_match"),
            ("json/unframed-no-match.json", "unframed_no_match"),
            ("json/unknown-schema.bin", "unknown_schema"),
            ("json/valid.bin", "valid"),
        ],
    );
    let [v1, v2, v3] = ids.orders;

    let invalid = find(&report, "json/producer-invalid.bin");
    assert_eq!(invalid["schema_id"], v1);
    assert_eq!(
        invalid["subject_versions"],
        json!([{"subject": ORDERS, "version": 1}])
    );
    assert_eq!(invalid["writer_errors"][0]["instance_path"], "/qty");
    assert_eq!(invalid["writer_errors"][0]["keyword"], "minimum");

    let behind = find(&report, "json/consumer-behind.bin");
    assert_eq!(behind["schema_id"], v2);
    assert_eq!(behind["reader_errors"][0]["instance_path"], "");
    assert_eq!(
        behind["reader_errors"][0]["keyword"],
        "additionalProperties"
    );
    assert!(
        !behind["changes"].as_array().unwrap().is_empty(),
        "{behind:#}"
    );

    let broken = find(&report, "json/contract-broken.bin");
    assert_eq!(broken["schema_id"], v3);
    assert_eq!(
        broken["subject_versions"],
        json!([{"subject": ORDERS, "version": 3}])
    );
    assert_eq!(broken["reader_errors"][0]["instance_path"], "/id");
    let kinds: Vec<&str> = broken["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["kind"].as_str().unwrap())
        .collect();
    assert!(!kinds.is_empty(), "{broken:#}");

    let unknown = find(&report, "json/unknown-schema.bin");
    assert_eq!(unknown["schema_id"], UNKNOWN_ID);

    let short = find(&report, "json/too-short.bin");
    assert_eq!(short["framing"]["kind"], "too_short");
    assert_eq!(short["schema_id"], Value::Null);

    // Newest first among matches: v2 before v1; v3 (an integer id) misses.
    let matched = find(&report, "json/unframed-match.json");
    let tried: Vec<(i64, u64)> = matched["matches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["version"].as_i64().unwrap(),
                m["errors"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(tried, [(2, 0), (1, 0)]);
    let missed = find(&report, "json/unframed-no-match.json");
    assert!(
        missed["matches"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["errors"].as_u64() > Some(0))
    );

    assert_eq!(report["summary"]["messages"], 8);
    assert_eq!(report["summary"]["by_verdict"]["valid"], 1);
}

#[test]
fn avro_and_protobuf_messages_are_decoded_with_their_writer() {
    let (registry, ids) = registry();
    let report = triage_json(&registry, &[&message("avro"), &message("protobuf")], 1);
    expect_verdicts(
        &report,
        &[
            ("avro/deleted-version.bin", "valid"),
            ("avro/truncated.bin", "corrupt"),
            ("avro/valid.bin", "valid"),
            ("protobuf/bad-indexes.bin", "corrupt"),
            ("protobuf/second-message.bin", "valid"),
            ("protobuf/valid.bin", "valid"),
        ],
    );
    let truncated = find(&report, "avro/truncated.bin");
    assert_eq!(truncated["schema_id"], ids.payments[0]);
    assert_eq!(truncated["writer_errors"][0]["keyword"], "binary");
    let bad = find(&report, "protobuf/bad-indexes.bin");
    assert_eq!(bad["framing"]["kind"], "bad_message_indexes");
    let second = find(&report, "protobuf/second-message.bin");
    assert_eq!(second["framing"]["message_indexes"], json!([1]));
}

#[test]
fn a_message_written_by_a_soft_deleted_version_says_so() {
    let (registry, ids) = registry();
    let report = triage_json(&registry, &[&message("avro/deleted-version.bin")], 0);
    let deleted = find(&report, "avro/deleted-version.bin");
    assert_eq!(deleted["verdict"], "valid");
    assert_eq!(deleted["schema_id"], ids.payments[1]);
    assert_eq!(
        deleted["subject_versions"],
        json!([{"subject": PAYMENTS, "version": 2, "deleted": true}])
    );
    // A lone valid message is shown in text too, with its deleted version.
    let run = registry.charter(&["triage", &message("avro/deleted-version.bin")]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(
        run.stdout.contains("payments-value v2 (deleted)"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_dead_letter_export_comes_down_to_its_causes() {
    let (registry, ids) = registry();
    let dlq = message("dlq/orders.ndjson");
    let args = [dlq.as_str(), "--subject", ORDERS, "--reader-version", "1"];
    let report = triage_json(&registry, &args, 1);
    let summary = &report["summary"];
    assert_eq!(summary["messages"], 12);
    assert_eq!(
        summary["by_verdict"],
        json!({
            "valid": 2, "producer_invalid": 3, "consumer_behind": 2, "contract_broken": 1,
            "corrupt": 2, "unknown_schema": 1, "unframed_match": 1, "unframed_no_match": 0,
        })
    );
    let [v1, v2, v3] = ids.orders;
    let groups: Vec<(Value, u64)> = summary["by_schema_id"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| (g["schema_id"].clone(), g["messages"].as_u64().unwrap()))
        .collect();
    assert_eq!(
        groups,
        [
            (json!(v1), 5),
            (json!(v2), 2),
            (json!(v3), 1),
            (json!(UNKNOWN_ID), 1),
            (Value::Null, 3),
        ]
    );
    let first = &summary["causes"][0];
    assert_eq!(first["verdict"], "producer_invalid");
    assert_eq!(first["reason"], "minimum at /qty");
    assert_eq!(first["messages"], 3);
    assert_eq!(first["example"], format!("{dlq}:2"));
    // The line that is not JSON is reported and the run goes on.
    let line9 = &report["messages"][8];
    assert_eq!(line9["message"], format!("{dlq}:9"));
    assert_eq!(line9["verdict"], "corrupt");
    assert_eq!(line9["writer_errors"][0]["keyword"], "json");

    let text = registry.charter(&["triage", &dlq, "--subject", ORDERS, "--reader-version", "1"]);
    insta::assert_snapshot!(registry.transcript(&text));
}

#[test]
fn stdin_is_ndjson_and_one_job_reports_like_many() {
    let (registry, _) = registry();
    let dlq = std::fs::read(root().join(message("dlq/orders.ndjson"))).unwrap();
    let run = |jobs: &str| {
        common::charter_with_stdin(
            &root(),
            &[
                "triage",
                "-",
                "--output",
                "json",
                "--jobs",
                jobs,
                "--registry",
                &registry.url,
            ],
            &dlq,
        )
    };
    let (one, four) = (run("1"), run("4"));
    assert_eq!(one.code, 1, "{}", one.transcript());
    assert_eq!(one.stdout, four.stdout);
    let report = one.json();
    assert_eq!(report["messages"][0]["message"], "stdin:1");
    assert_eq!(report["summary"]["messages"], 12);
}

#[test]
fn help_documents_triage_and_its_exit_codes() {
    let top = common::charter(&["--help"]);
    assert!(top.stdout.contains("\n  triage "), "{}", top.stdout);
    let help = common::charter(&["triage", "--help"]);
    assert_eq!(help.code, 0);
    for text in [
        "--reader-version",
        "--all-subjects",
        "unframed_match",
        "Exit codes for triage: 0",
    ] {
        assert!(help.stdout.contains(text), "{text}: {}", help.stdout);
    }
}

#[test]
fn exit_codes_follow_the_contract() {
    let (registry, _) = registry();
    let valid = message("json/valid.bin");
    let run = registry.charter(&["triage", &valid]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(
        run.stdout
            .starts_with(&format!("valid {valid}: valid: written with schema")),
        "{}",
        run.stdout
    );
    let matched = registry.charter(&[
        "triage",
        &message("json/unframed-match.json"),
        "--subject",
        ORDERS,
    ]);
    assert_eq!(matched.code, 0, "{}", matched.transcript());
    let invalid = registry.charter(&["triage", &message("json/producer-invalid.bin")]);
    assert_eq!(invalid.code, 1, "{}", invalid.transcript());

    let missing = registry.charter(&["triage", "fixtures/triage/messages/no-such.bin"]);
    assert_eq!(missing.code, 2, "{}", missing.transcript());
    assert_eq!(
        missing.stderr,
        "error: fixtures/triage/messages/no-such.bin: cannot read: No such file or directory (os error 2)\n"
    );
    let usage = registry.charter(&["triage", &valid, "--reader-version", "1"]);
    assert_eq!(usage.code, 2, "{}", usage.transcript());

    let down = format!("http://127.0.0.1:{}/", closed_port());
    let unreachable = common::charter(&[
        "triage",
        &valid,
        "--registry",
        &down,
        "--registry-retries",
        "0",
    ]);
    assert_eq!(unreachable.code, 3, "{}", unreachable.transcript());
    assert_eq!(
        unreachable.stderr.lines().count(),
        1,
        "{}",
        unreachable.stderr
    );
    assert!(
        unreachable.stderr.contains("unreachable"),
        "{}",
        unreachable.stderr
    );
}

/// Issue 13: a dead-letter record framed in its headers (Confluent's header
/// framing: the schema id in `__value_schema_id`, the payload unframed) is
/// read with the writer its header names.
#[test]
fn r13_a_header_framed_dead_letter_record_is_read_with_its_writer() {
    let (registry, ids) = registry();
    let [p1, _] = ids.payments;
    let framed = avro_message(
        p1,
        "payment.v1.avsc",
        json!({"id": "p-1", "amount_cents": 1250}),
    );
    let (prefix, payload) = framed.split_at(5);
    let record = json!({
        "topic": "payments", "partition": 0, "offset": 3,
        "value": STANDARD.encode(payload),
        "headers": [{"key": "__value_schema_id", "value": STANDARD.encode(prefix)}],
    });
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("dlq.ndjson");
    std::fs::write(&file, format!("{record}\n")).unwrap();
    let report = triage_json(&registry, &[file.to_str().unwrap()], 0);
    let read = &report["messages"][0];
    assert_eq!(read["verdict"], "valid", "{report:#}");
    assert_eq!(read["schema_id"], p1, "{report:#}");
    assert_eq!(read["framing"]["kind"], "confluent", "{report:#}");
}

/// Issue 13: a header naming the writer by its schema GUID (magic byte 1
/// and the GUID's 16 bytes, as Confluent's serializers write by default
/// with header framing) is resolved through the registry
/// (`GET /schemas/guids/{guid}/ids`) to the writer's id; an unknown GUID
/// leaves the payload unframed.
#[test]
fn r13_a_dead_letter_record_framed_by_schema_guid_is_read_with_its_writer() {
    let (registry, ids) = registry();
    let [p1, _] = ids.payments;
    let (status, record) = http("GET", &format!("{}schemas/ids/{p1}", registry.url), None);
    assert_eq!(status, 200);
    let guid = record["guid"].as_str().expect("a GUID").replace('-', "");
    let guid: Vec<u8> = (0..16)
        .map(|i| u8::from_str_radix(&guid[2 * i..2 * i + 2], 16).unwrap())
        .collect();
    let framed = avro_message(
        p1,
        "payment.v1.avsc",
        json!({"id": "p-1", "amount_cents": 1250}),
    );
    let payload = &framed[5..];
    let line = |guid: &[u8]| {
        json!({"value": STANDARD.encode(payload),
               "headers": {"__value_schema_id": STANDARD.encode([&[1u8][..], guid].concat())}})
    };
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("dlq.ndjson");
    std::fs::write(&file, format!("{}\n{}\n", line(&guid), line(&[7u8; 16]))).unwrap();
    let report = triage_json(&registry, &[file.to_str().unwrap()], 1);
    let read = &report["messages"][0];
    assert_eq!(read["verdict"], "valid", "{report:#}");
    assert_eq!(read["schema_id"], p1, "{report:#}");
    assert_eq!(read["framing"]["kind"], "confluent", "{report:#}");
    let unknown = &report["messages"][1];
    assert_eq!(unknown["schema_id"], Value::Null, "{report:#}");
    assert_ne!(unknown["framing"]["kind"], "confluent", "{report:#}");
}
