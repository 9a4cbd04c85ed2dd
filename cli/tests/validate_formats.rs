//! `charter validate` with Avro and Protobuf schemas, JSON records and
//! `--binary` ones, through the real binary. Binary records are built here
//! with the `schemas` APIs (Avro) or written out byte by byte (Protobuf).

#[allow(dead_code)] // not every helper is used here
mod common;

use std::path::Path;
use std::sync::Arc;

use common::{Run, charter, charter_in, fixture};
use schemas::payload::PayloadValidator;
use schemas::{NoReferences, Schema, SchemaType, wire};
use serde_json::{Value, json};

/// An order: a string, an int, a nullable string, an array of records.
const AVRO_ORDER: &str = r#"{"type":"record","name":"Order","namespace":"shop","fields":[
  {"name":"id","type":"string"},
  {"name":"qty","type":"int"},
  {"name":"note","type":["null","string"],"default":null},
  {"name":"lines","type":{"type":"array","items":{"type":"record","name":"Line","fields":[
    {"name":"sku","type":"string"},
    {"name":"price","type":"double"}]}}}
]}"#;

/// Two messages with proto2 `required` fields, and a third one.
const PROTO_SHOP: &str = r#"syntax = "proto2";
package shop.v1;

message Order {
  required string id = 1;
  optional int32 qty = 2;
  repeated Line lines = 3;
}

message Line {
  required string sku = 1;
  optional double price = 2;
}

message Refund {
  required string order_id = 1;
  optional int64 amount = 2;
}
"#;

/// A file in the test's directory: text or bytes.
enum Content<'a> {
    Text(&'a str),
    Bytes(Vec<u8>),
}

/// Writes `files` into a fresh directory and runs `charter` there.
fn run_in(files: &[(&str, Content<'_>)], args: &[&str]) -> Run {
    let dir = tempfile::tempdir().unwrap();
    write_files(dir.path(), files);
    charter_in(dir.path(), args)
}

fn write_files(dir: &Path, files: &[(&str, Content<'_>)]) {
    for (name, content) in files {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        match content {
            Content::Text(text) => std::fs::write(path, text).unwrap(),
            Content::Bytes(bytes) => std::fs::write(path, bytes).unwrap(),
        }
    }
}

/// `charter validate ARGS... --schema NAME` with the schema `(NAME, TEXT)`
/// and `files` in a fresh directory.
fn validate(schema: (&str, &str), files: Vec<(&str, Content<'_>)>, args: &[&str]) -> Run {
    let mut all = vec![(schema.0, Content::Text(schema.1))];
    all.extend(files);
    let mut full = vec!["validate"];
    full.extend_from_slice(args);
    full.extend_from_slice(&["--schema", schema.0]);
    run_in(&all, &full)
}

/// [`validate`] against [`AVRO_ORDER`] as `order.avsc`.
fn avro(files: Vec<(&str, Content<'_>)>, args: &[&str]) -> Run {
    validate(("order.avsc", AVRO_ORDER), files, args)
}

/// [`validate`] against [`PROTO_SHOP`] as `shop.proto`.
fn protobuf(files: Vec<(&str, Content<'_>)>, args: &[&str]) -> Run {
    validate(("shop.proto", PROTO_SHOP), files, args)
}

fn parsed(schema_type: SchemaType, text: &str) -> Schema {
    Schema::parse(schema_type, text, &NoReferences).unwrap()
}

/// `datum` (Avro JSON encoding) in the Avro binary encoding of [`AVRO_ORDER`].
fn avro_bytes(datum: &Value) -> Vec<u8> {
    PayloadValidator::new(Arc::new(parsed(SchemaType::Avro, AVRO_ORDER)), None)
        .unwrap()
        .encode(datum)
        .unwrap()
}

fn order_datum() -> Value {
    json!({"id": "o-1", "qty": 2, "note": {"string": "gift"}, "lines": [{"sku": "s-1", "price": 9.5}]})
}

/// Protobuf bytes of `shop.v1.Order { id, qty }`, written by hand: field 1
/// (length-delimited), field 2 (varint).
fn proto_order(id: &str, qty: u8) -> Vec<u8> {
    let mut out = vec![0x0a, id.len() as u8];
    out.extend_from_slice(id.as_bytes());
    out.extend_from_slice(&[0x10, qty]);
    out
}

/// `(line, instance_path, keyword)` of every error in a JSON report.
fn errors(run: &Run) -> Vec<(Value, String, String)> {
    run.json()["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e.get("line").cloned().unwrap_or(Value::Null),
                e["instance_path"].as_str().unwrap().to_string(),
                e["keyword"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn error(line: u64, pointer: &str, keyword: &str) -> (Value, String, String) {
    (json!(line), pointer.to_string(), keyword.to_string())
}

const AVRO_RECORDS: &str = r#"{"id":"a","qty":1,"note":null,"lines":[]}
{"id":"b","qty":2,"note":{"string":"gift"},"lines":[{"sku":"x","price":1.5}]}
{"id":"c","qty":"3","note":null,"lines":[]}
{"id":"d","note":null,"lines":[]}
{"id":"e","qty":5,"note":"gift","lines":[]}
{"id":"f","qty":6,"note":null,"lines":[{"sku":"y","price":"cheap"}]}
"#;

#[test]
fn avro_json_records_are_valid_datums_of_the_json_encoding() {
    let ok = avro(
        vec![(
            "orders.ndjson",
            Content::Text(&AVRO_RECORDS.lines().take(2).collect::<Vec<_>>().join("\n")),
        )],
        &["orders.ndjson"],
    );
    assert_eq!(ok.code, 0, "{}", ok.transcript());
    assert!(
        ok.stdout.contains("VALID: 2 valid, 0 invalid"),
        "{}",
        ok.stdout
    );
}

#[test]
fn avro_json_records_report_wrong_types_missing_fields_and_bare_unions() {
    let run = avro(
        vec![("orders.ndjson", Content::Text(AVRO_RECORDS))],
        &["orders.ndjson", "--output", "json"],
    );
    assert_eq!(run.code, 1, "{}", run.transcript());
    assert_eq!(
        errors(&run),
        [
            error(3, "/qty", "avro"),
            error(4, "/qty", "avro"),
            error(5, "/note", "avro"),
            error(6, "/lines/0/price", "avro"),
        ]
    );
    let text = avro(
        vec![("orders.ndjson", Content::Text(AVRO_RECORDS))],
        &["orders.ndjson"],
    );
    insta::assert_snapshot!(text.transcript());
}

#[test]
fn protobuf_json_records_follow_the_json_mapping_of_the_selected_message() {
    let orders = "{\"id\":\"a\",\"qty\":2,\"lines\":[{\"sku\":\"x\",\"price\":1.5}]}\n\
                  {\"id\":\"b\",\"qty\":\"many\"}\n\
                  {\"qty\":3}\n\
                  {\"id\":\"c\",\"lines\":[{\"price\":2}]}\n\
                  {\"id\":\"d\",\"colour\":\"red\"}\n";
    let run = protobuf(
        vec![("orders.ndjson", Content::Text(orders))],
        &["orders.ndjson", "--output", "json"],
    );
    assert_eq!(run.code, 1, "{}", run.transcript());
    assert_eq!(
        errors(&run),
        [
            error(2, "", "protobuf"),
            error(3, "/id", "required"),
            error(4, "/lines/0/sku", "required"),
            error(5, "", "protobuf"),
        ]
    );
    // Another message, by its package-relative or full name.
    let refunds = "{\"orderId\":\"a\",\"amount\":\"5\"}\n{\"amount\":\"5\"}\n";
    for name in ["Refund", "shop.v1.Refund"] {
        let run = protobuf(
            vec![("refunds.ndjson", Content::Text(refunds))],
            &["refunds.ndjson", "--message", name, "--output", "json"],
        );
        assert_eq!(run.code, 1, "{}", run.transcript());
        assert_eq!(errors(&run), [error(2, "/order_id", "required")]);
    }
}

#[test]
fn message_is_for_protobuf_and_must_name_a_message() {
    let unknown = protobuf(
        vec![("r.ndjson", Content::Text("{}\n"))],
        &["r.ndjson", "--message", "Nope"],
    );
    assert_eq!(unknown.code, 2, "{}", unknown.transcript());
    assert_eq!(unknown.stderr.lines().count(), 1, "{}", unknown.stderr);
    assert!(
        unknown.stderr.contains(
            "shop.proto: --message Nope: no such message; the file's messages are shop.v1.Order, shop.v1.Line, shop.v1.Refund"
        ),
        "{}",
        unknown.stderr
    );
    let not_protobuf = avro(
        vec![("r.ndjson", Content::Text("{}\n"))],
        &["r.ndjson", "--message", "Order"],
    );
    assert_eq!(not_protobuf.code, 2, "{}", not_protobuf.transcript());
    assert!(
        not_protobuf
            .stderr
            .contains("order.avsc: --message applies to Protobuf schemas only, this is AVRO"),
        "{}",
        not_protobuf.stderr
    );
}

#[test]
fn binary_avro_framed_unframed_and_single_object_records_decode() {
    let bytes = avro_bytes(&order_datum());
    let schema = parsed(SchemaType::Avro, AVRO_ORDER);
    let fingerprint = schema.single_object_fingerprint().unwrap();
    let single = single_object(fingerprint, &bytes);
    let stranger = single_object(1234, &bytes);
    let run = avro(
        vec![
            (
                "in/a-framed.bin",
                Content::Bytes(wire::frame(42, None, &bytes)),
            ),
            ("in/b-raw.bin", Content::Bytes(bytes.clone())),
            ("in/c-single.bin", Content::Bytes(single)),
            ("in/d-stranger.bin", Content::Bytes(stranger)),
        ],
        &["--binary", "in", "--output", "json"],
    );
    assert_eq!(run.code, 0, "{}", run.transcript());
    let report = run.json();
    let files = report["files"].as_array().unwrap();
    let summary: Vec<(&str, &str, Value)> = files
        .iter()
        .map(|f| {
            (
                f["file"].as_str().unwrap(),
                f["framing"].as_str().unwrap(),
                f.get("schema_id").cloned().unwrap_or(Value::Null),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("in/a-framed.bin", "confluent", json!(42)),
            ("in/b-raw.bin", "none", Value::Null),
            ("in/c-single.bin", "single-object", Value::Null),
            ("in/d-stranger.bin", "single-object", Value::Null),
        ]
    );
    assert!(files[2].get("notes").is_none(), "{}", files[2]);
    let note = files[3]["notes"][0].as_str().unwrap();
    assert!(
        note.contains("written with the schema of fingerprint 0x00000000000004d2"),
        "{note}"
    );
    // The text report tells the note of the valid record.
    let text = avro(
        vec![("d.bin", Content::Bytes(single_object(1234, &bytes)))],
        &["--binary", "d.bin"],
    );
    assert_eq!(text.code, 0, "{}", text.transcript());
    assert!(
        text.stdout
            .starts_with("d.bin: note: written with the schema of fingerprint")
    );
}

/// `bytes` in the Avro single-object encoding, with `fingerprint`.
fn single_object(fingerprint: u64, bytes: &[u8]) -> Vec<u8> {
    let mut out = vec![0xC3, 0x01];
    out.extend_from_slice(&fingerprint.to_le_bytes());
    out.extend_from_slice(bytes);
    out
}

#[test]
fn a_five_byte_record_claiming_ten_million_nulls_is_refused_in_bounded_memory() {
    // A block of ten million `null` items, which take no bytes each: once
    // 1.3 GB of memory, now refused before anything is built.
    let nulls = ("nulls.avsc", r#"{"type":"array","items":"null"}"#);
    let record = || {
        vec![(
            "nulls.bin",
            Content::Bytes(vec![0x80, 0xda, 0xc4, 0x09, 0x00]),
        )]
    };
    let started = std::time::Instant::now();
    let run = validate(nulls, record(), &["--binary", "nulls.bin"]);
    assert!(started.elapsed().as_secs() < 10);
    assert_eq!(run.code, 1, "{}", run.transcript());
    assert!(
        run.stdout.contains(
            "the decoded datum would take more than 67108864 bytes of memory (the decoding limit)"
        ),
        "{}",
        run.transcript()
    );
    // The limit is a flag; a small datum within it decodes.
    let small = || vec![("small.bin", Content::Bytes(vec![0x14, 0x00]))];
    let run = validate(
        nulls,
        small(),
        &["--binary", "small.bin", "--max-decoded-bytes", "100"],
    );
    assert_eq!(run.code, 1, "{}", run.transcript());
    assert!(
        run.stdout.contains("more than 100 bytes"),
        "{}",
        run.transcript()
    );
    let run = validate(nulls, small(), &["--binary", "small.bin"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
}

#[test]
fn binary_records_that_do_not_decode_are_invalid_with_the_decoder_message() {
    let bytes = avro_bytes(&order_datum());
    let framed = wire::frame(7, None, &bytes);
    let truncated = framed[..framed.len() - 3].to_vec();
    let run = avro(
        vec![
            ("truncated.bin", Content::Bytes(truncated)),
            ("short.bin", Content::Bytes(vec![0, 0, 1])),
            (
                "trailing.bin",
                Content::Bytes([bytes.as_slice(), b"xx"].concat()),
            ),
        ],
        &["--binary", "truncated.bin", "short.bin", "trailing.bin"],
    );
    assert_eq!(run.code, 1, "{}", run.transcript());
    insta::assert_snapshot!(run.transcript());
    let json = avro(
        vec![(
            "truncated.bin",
            Content::Bytes(framed[..framed.len() - 3].to_vec()),
        )],
        &["--binary", "truncated.bin", "--output", "json"],
    );
    let report = json.json();
    let error = &report["errors"][0];
    assert_eq!(error["keyword"], "binary");
    assert_eq!(error["schema_id"], 7);
    assert!(error.get("line").is_none(), "{error}");
}

#[test]
fn binary_protobuf_message_indexes_select_the_message() {
    let order = proto_order("o-1", 2);
    let refund = vec![0x0a, 0x01, b'r', 0x10, 0x05];
    let missing_id = vec![0x10, 0x02];
    let run = protobuf(
        vec![
            (
                "m/1-order.bin",
                Content::Bytes(wire::frame(3, Some(&[0]), &order)),
            ),
            (
                "m/2-refund.bin",
                Content::Bytes(wire::frame(3, Some(&[2]), &refund)),
            ),
            ("m/3-raw-order.bin", Content::Bytes(order.clone())),
            (
                "m/4-missing.bin",
                Content::Bytes(wire::frame(3, Some(&[0]), &missing_id)),
            ),
            (
                "m/5-no-such.bin",
                Content::Bytes(wire::frame(3, Some(&[9]), &order)),
            ),
            (
                "m/6-cut-indexes.bin",
                Content::Bytes(vec![0, 0, 0, 0, 3, 0x04]),
            ),
        ],
        &["--binary", "m", "--output", "json"],
    );
    assert_eq!(run.code, 1, "{}", run.transcript());
    let report = run.json();
    let messages: Vec<Value> = report["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            json!([
                f["file"],
                f["invalid"],
                f.get("message"),
                f.get("message_indexes")
            ])
        })
        .collect();
    assert_eq!(
        messages,
        [
            json!(["m/1-order.bin", 0, "shop.v1.Order", [0]]),
            json!(["m/2-refund.bin", 0, "shop.v1.Refund", [2]]),
            json!(["m/3-raw-order.bin", 0, "shop.v1.Order", null]),
            json!(["m/4-missing.bin", 1, "shop.v1.Order", [0]]),
            json!(["m/5-no-such.bin", 1, null, [9]]),
            json!(["m/6-cut-indexes.bin", 1, null, null]),
        ]
    );
    let keywords: Vec<(&str, &str, &str)> = report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["file"].as_str().unwrap(),
                e["instance_path"].as_str().unwrap(),
                e["keyword"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        keywords,
        [
            ("m/4-missing.bin", "/id", "required"),
            ("m/5-no-such.bin", "", "protobuf"),
            ("m/6-cut-indexes.bin", "", "framing"),
        ]
    );
    // --message chooses the message of unframed bytes.
    let refund_raw = protobuf(
        vec![("refund.bin", Content::Bytes(refund))],
        &["--binary", "refund.bin", "--message", "Refund"],
    );
    assert_eq!(refund_raw.code, 0, "{}", refund_raw.transcript());
}

#[test]
fn binary_json_schema_records_are_json_text_framed_or_not() {
    let schema = r#"{"type":"object","required":["id"],"properties":{"id":{"type":"string"}}}"#;
    let run = validate(
        ("schema.json", schema),
        vec![
            (
                "ok.bin",
                Content::Bytes(wire::frame(1, None, br#"{"id":"a"}"#)),
            ),
            ("raw.bin", Content::Bytes(br#"{"id":"b"}"#.to_vec())),
            (
                "bad.bin",
                Content::Bytes(wire::frame(1, None, br#"{"id":1}"#)),
            ),
            ("junk.bin", Content::Bytes(wire::frame(1, None, b"\xff"))),
        ],
        &["--binary", "ok.bin", "raw.bin", "bad.bin", "junk.bin"],
    );
    assert_eq!(run.code, 1, "{}", run.transcript());
    assert!(
        run.stdout
            .contains("bad.bin: /id: 1 is not of type \"string\" (type at #/properties/id/type)"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("junk.bin: invalid JSON: "),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("INVALID: 2 valid, 2 invalid (4 records in 4 files)"),
        "{}",
        run.stdout
    );
}

#[test]
fn every_output_format_names_binary_records_by_file() {
    let bytes = avro_bytes(&order_datum());
    let framed = wire::frame(7, None, &bytes[..bytes.len() - 2]);
    let files = || vec![("bad.bin", Content::Bytes(framed.clone()))];
    let github = avro(files(), &["--binary", "bad.bin", "--output", "github"]);
    assert_eq!(github.code, 1, "{}", github.transcript());
    assert!(
        github
            .stdout
            .starts_with("::error file=bad.bin,title=cannot decode::binary Avro at byte"),
        "{}",
        github.stdout
    );
    assert!(
        github
            .stdout
            .contains("[read as Confluent framing, schema id 7]"),
        "{}",
        github.stdout
    );
    let junit = avro(files(), &["--binary", "bad.bin", "--output", "junit"]);
    assert_eq!(junit.code, 1, "{}", junit.transcript());
    let doc = roxmltree::Document::parse(&junit.stdout).unwrap();
    let case = doc
        .descendants()
        .find(|n| n.has_tag_name("testcase"))
        .unwrap();
    assert_eq!(case.attribute("classname"), Some("bad.bin"));
    assert_eq!(case.attribute("name"), Some("binary record"));
    let out = doc
        .descendants()
        .find(|n| n.has_tag_name("system-out"))
        .unwrap();
    assert_eq!(out.text(), Some("read as Confluent framing, schema id 7"));
}

#[test]
fn binary_bad_input_is_one_clear_line_and_exit_two() {
    let dir = tempfile::tempdir().unwrap();
    write_files(
        dir.path(),
        &[
            ("order.avsc", Content::Text(AVRO_ORDER)),
            ("a.bin", Content::Bytes(vec![0])),
        ],
    );
    std::fs::create_dir(dir.path().join("empty")).unwrap();
    let cases: &[(&[&str], &str)] = &[
        (&["--binary", "empty"], "empty: no files in this directory"),
        (&["--binary", "missing.bin"], "missing.bin: cannot read"),
    ];
    for (args, expected) in cases {
        let mut full = vec!["validate"];
        full.extend_from_slice(args);
        full.extend_from_slice(&["--schema", "order.avsc"]);
        let run = charter_in(dir.path(), &full);
        assert_eq!(run.code, 2, "{args:?}: {}", run.transcript());
        assert_eq!(run.stderr.lines().count(), 1, "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains(expected), "{args:?}: {}", run.stderr);
    }
    let conflict = charter_in(
        dir.path(),
        &[
            "validate",
            "a.bin",
            "--binary",
            "--format",
            "ndjson",
            "--schema",
            "order.avsc",
        ],
    );
    assert_eq!(conflict.code, 2, "{}", conflict.transcript());
}

#[test]
fn proto_imports_resolve_next_to_the_schema_and_on_the_proto_path() {
    let money = "syntax = \"proto3\";\npackage common;\nmessage Money { int64 units = 1; }\n";
    let order = "syntax = \"proto3\";\npackage shop;\nimport \"common/money.proto\";\nmessage Order { common.Money total = 1; }\n";
    let records = "{\"total\":{\"units\":\"5\"}}\n{\"total\":{\"cents\":1}}\n";
    let dir = tempfile::tempdir().unwrap();
    write_files(
        dir.path(),
        &[
            ("next/order.proto", Content::Text(order)),
            ("next/common/money.proto", Content::Text(money)),
            ("apart/order.proto", Content::Text(order)),
            ("lib/common/money.proto", Content::Text(money)),
            ("orders.ndjson", Content::Text(records)),
        ],
    );
    let validate = |extra: &[&str]| {
        let mut args = vec!["validate", "orders.ndjson", "--output", "json"];
        args.extend_from_slice(extra);
        charter_in(dir.path(), &args)
    };
    let next = validate(&["--schema", "next/order.proto"]);
    assert_eq!(next.code, 1, "{}", next.transcript());
    assert_eq!(next.json()["invalid"], 1);
    let on_path = validate(&["--schema", "apart/order.proto", "--proto-path", "lib"]);
    assert_eq!(on_path.code, 1, "{}", on_path.transcript());
    assert_eq!(on_path.json()["invalid"], 1);
    let missing = validate(&["--schema", "apart/order.proto"]);
    assert_eq!(missing.code, 2, "{}", missing.transcript());
    assert!(
        missing.stderr.contains("apart/order.proto")
            && missing.stderr.contains("common/money.proto"),
        "{}",
        missing.stderr
    );
    let no_dir = validate(&["--schema", "apart/order.proto", "--proto-path", "nowhere"]);
    assert_eq!(no_dir.code, 2, "{}", no_dir.transcript());
    assert!(
        no_dir
            .stderr
            .contains("--proto-path nowhere: no such directory"),
        "{}",
        no_dir.stderr
    );
}

#[test]
fn the_example_payloads_are_valid() {
    for (payload, schema) in [
        (
            "payloads/order-placed.avro.ndjson",
            "contracts/orders/order-placed.v3.avsc",
        ),
        (
            "payloads/order-placed.proto.ndjson",
            "contracts/orders/order_placed.v3.proto",
        ),
    ] {
        let run = charter(&["validate", &fixture(payload), "--schema", &fixture(schema)]);
        assert_eq!(run.code, 0, "{}", run.transcript());
    }
}

/// The core and the CLI agree: what `PayloadValidator` says of a record is
/// what `charter validate` reports.
#[test]
fn the_cli_reports_what_the_core_finds() {
    let schema = Arc::new(parsed(SchemaType::Avro, AVRO_ORDER));
    let validator = PayloadValidator::new(schema, None).unwrap();
    let run = avro(
        vec![("orders.ndjson", Content::Text(AVRO_RECORDS))],
        &["orders.ndjson", "--output", "json"],
    );
    let reported = run.json()["errors"].as_array().unwrap().clone();
    let mut expected = Vec::new();
    for (i, line) in AVRO_RECORDS.lines().enumerate() {
        let value: Value = serde_json::from_str(line).unwrap();
        for issue in validator.check(&value) {
            expected.push(json!({
                "file": "orders.ndjson",
                "line": i + 1,
                "instance_path": issue.instance_path,
                "keyword": issue.keyword,
                "schema_path": issue.schema_path,
                "message": issue.message,
            }));
        }
    }
    assert_eq!(reported, expected);
}
