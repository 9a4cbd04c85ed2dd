use std::sync::Arc;

use serde_json::json;

use super::*;
use crate::{NoReferences, Schema, SchemaType};

fn prepared(schema_type: SchemaType, text: &str) -> Arc<PayloadValidator> {
    let schema = Schema::parse(schema_type, text, &NoReferences).unwrap();
    Arc::new(PayloadValidator::new(Arc::new(schema), None).unwrap())
}

fn sv(subject: &str, version: i32) -> SubjectVersion {
    SubjectVersion {
        subject: subject.to_string(),
        version,
        deleted: false,
    }
}

const JSON_V1: &str = r#"{"type":"object","properties":{"id":{"type":"string"},"qty":{"type":"integer","minimum":1}},"required":["id","qty"]}"#;
/// v2 adds an optional `currency` limited to three letters: old readers
/// with closed content cannot read it... so v1 below is closed.
const JSON_V1_CLOSED: &str = r#"{"type":"object","properties":{"id":{"type":"string"},"qty":{"type":"integer"}},"required":["id","qty"],"additionalProperties":false}"#;
const JSON_V2_OPEN_FIELD: &str = r#"{"type":"object","properties":{"id":{"type":"string"},"qty":{"type":"integer"},"note":{"type":"string"}},"required":["id","qty"],"additionalProperties":false}"#;
const JSON_OTHER: &str =
    r#"{"type":"object","properties":{"id":{"type":"integer"}},"required":["id"]}"#;

fn json_writer(id: u32, text: &str, places: Vec<SubjectVersion>) -> Writer {
    Writer {
        schema_id: id,
        validator: prepared(SchemaType::Json, text),
        subject_versions: places,
    }
}

fn reader(text: &str, schema_type: SchemaType, at: Option<SubjectVersion>) -> Reader {
    Reader {
        label: at
            .as_ref()
            .map_or("reader.json".to_string(), ToString::to_string),
        validator: prepared(schema_type, text),
        subject_version: at,
    }
}

fn framed_json(id: u32, value: serde_json::Value) -> Message {
    Message::Bytes(wire::frame(id, None, value.to_string().as_bytes()))
}

#[test]
fn a_valid_framed_message_names_its_schema_and_subjects() {
    let triage = Triage::new(Context::default());
    let writer = json_writer(3, JSON_V1, vec![sv("orders-value", 1)]);
    let report = triage.message(
        "m1",
        &framed_json(3, json!({"id":"a","qty":2})),
        Some(&writer),
    );
    assert_eq!(report.verdict, Verdict::Valid);
    assert_eq!(report.schema_id, Some(3));
    assert_eq!(report.framing.kind, FramingKind::Confluent);
    assert_eq!(report.subject_versions, vec![sv("orders-value", 1)]);
    assert_eq!(
        report.summary,
        "valid: written with schema 3 (orders-value v1)"
    );
}

#[test]
fn data_the_writer_schema_rejects_is_the_producers_fault_with_every_error() {
    let triage = Triage::new(Context::default());
    let writer = json_writer(3, JSON_V1, vec![sv("orders-value", 1)]);
    let report = triage.message(
        "m",
        &framed_json(3, json!({"id": 5, "qty": 0})),
        Some(&writer),
    );
    assert_eq!(report.verdict, Verdict::ProducerInvalid);
    let places: Vec<_> = report
        .writer_errors
        .iter()
        .map(|e| (e.instance_path.as_str(), e.keyword.as_str()))
        .collect();
    assert_eq!(places, [("/id", "type"), ("/qty", "minimum")]);
    assert!(
        report
            .summary
            .starts_with("producer wrote invalid data: 2 errors")
    );
}

#[test]
fn a_later_compatible_writer_means_the_consumer_is_behind() {
    let context = Context {
        reader: Some(reader(
            JSON_V1_CLOSED,
            SchemaType::Json,
            Some(sv("orders-value", 1)),
        )),
        ..Context::default()
    };
    let triage = Triage::new(context);
    let writer = json_writer(4, JSON_V2_OPEN_FIELD, vec![sv("orders-value", 2)]);
    let message = framed_json(4, json!({"id":"a","qty":2,"note":"x"}));
    let report = triage.message("m", &message, Some(&writer));
    assert_eq!(
        report.verdict,
        Verdict::ConsumerBehind,
        "{}",
        report.summary
    );
    assert_eq!(report.reader_errors[0].keyword, "additionalProperties");
    assert!(
        report
            .summary
            .contains("upgrade the consumer to orders-value v2;"),
        "{}",
        report.summary
    );
    assert!(
        report.changes.iter().any(
            |c| c.kind.name() == "PROPERTY_ADDED_TO_CLOSED_CONTENT_MODEL"
                || c.path.contains("note")
        ),
        "{:?}",
        report.changes
    );
}

#[test]
fn a_writer_incompatible_both_ways_or_elsewhere_broke_the_contract() {
    let consumer = reader(JSON_V1, SchemaType::Json, Some(sv("orders-value", 1)));
    let triage = Triage::new(Context {
        reader: Some(consumer),
        ..Context::default()
    });
    let message = framed_json(9, json!({"id": 7}));
    // Registered in the same subject but incompatible both ways (mode NONE).
    let both_ways = json_writer(9, JSON_OTHER, vec![sv("orders-value", 2)]);
    let report = triage.message("m", &message, Some(&both_ways));
    assert_eq!(
        report.verdict,
        Verdict::ContractBroken,
        "{}",
        report.summary
    );
    assert!(report.summary.contains("incompatible both ways"));
    // Registered under another subject only.
    let elsewhere = json_writer(9, JSON_OTHER, vec![sv("payments-value", 1)]);
    let report = triage.message("m", &message, Some(&elsewhere));
    assert_eq!(report.verdict, Verdict::ContractBroken);
    assert!(report.summary.contains("not registered under orders-value"));
}

#[test]
fn an_older_writer_a_newer_reader_cannot_read_broke_the_contract() {
    // The reader (v2) requires `note`; the writer is v1 of the same subject.
    let v2 = r#"{"type":"object","properties":{"id":{"type":"string"},"qty":{"type":"integer"},"note":{"type":"string"}},"required":["id","qty","note"]}"#;
    let triage = Triage::new(Context {
        reader: Some(reader(v2, SchemaType::Json, Some(sv("orders-value", 2)))),
        ..Context::default()
    });
    let writer = json_writer(1, JSON_V1, vec![sv("orders-value", 1)]);
    let report = triage.message(
        "m",
        &framed_json(1, json!({"id":"a","qty":1})),
        Some(&writer),
    );
    assert_eq!(report.verdict, Verdict::ContractBroken);
    assert!(
        report.summary.contains("older version"),
        "{}",
        report.summary
    );
}

#[test]
fn framing_faults_are_corrupt_and_unknown_ids_are_named() {
    let triage = Triage::new(Context::default());
    let short = triage.message("m", &Message::Bytes(vec![0, 0, 1]), None);
    assert_eq!(short.verdict, Verdict::Corrupt);
    assert_eq!(short.framing.kind, FramingKind::TooShort);
    let empty = triage.message("m", &Message::Bytes(Vec::new()), None);
    assert_eq!(empty.framing.kind, FramingKind::Empty);
    let unknown = triage.message("m", &framed_json(999, json!({})), None);
    assert_eq!(unknown.verdict, Verdict::UnknownSchema);
    assert_eq!(unknown.schema_id, Some(999));
    let writer = json_writer(3, JSON_V1, vec![]);
    let cut = Message::Bytes(wire::frame(3, None, b"{\"id\":"));
    let report = triage.message("m", &cut, Some(&writer));
    assert_eq!(report.verdict, Verdict::Corrupt);
    assert_eq!(report.writer_errors[0].keyword, "json");
}

#[test]
fn unframed_payloads_are_matched_against_registered_versions() {
    let candidates = vec![
        Candidate {
            subject: "orders-value".into(),
            version: 2,
            schema_id: 4,
            validator: prepared(SchemaType::Json, JSON_V2_OPEN_FIELD),
        },
        Candidate {
            subject: "orders-value".into(),
            version: 1,
            schema_id: 3,
            validator: prepared(SchemaType::Json, JSON_V1),
        },
    ];
    let triage = Triage::new(Context {
        candidates,
        ..Context::default()
    });
    let report = triage.message("m", &Message::Json(json!({"id":"a","qty":3})), None);
    assert_eq!(report.verdict, Verdict::UnframedMatch);
    assert_eq!(report.matches.len(), 2);
    assert_eq!(report.matches[0].version, 2, "newest first on a tie");
    let text = Message::Bytes(br#"{"id":"a","qty":0,"x":1}"#.to_vec());
    let report = triage.message("m", &text, None);
    assert_eq!(report.verdict, Verdict::UnframedNoMatch);
    assert_eq!(report.matches[0].errors, 1);
    assert!(report.summary.contains("nearest"), "{}", report.summary);
    let junk = triage.message("m", &Message::Bytes(vec![7, 1, 2]), None);
    assert_eq!(junk.verdict, Verdict::Corrupt);
    assert_eq!(junk.framing.kind, FramingKind::WrongMagic);
}

const AVRO_V1: &str = r#"{"type":"record","name":"Order","fields":[{"name":"id","type":"string"},{"name":"qty","type":"int"}]}"#;
const AVRO_V2: &str = r#"{"type":"record","name":"Order","fields":[{"name":"id","type":"string"},{"name":"qty","type":"int"},{"name":"note","type":"string","default":""}]}"#;

#[test]
fn avro_messages_decode_with_the_writer_and_resolve_with_the_reader() {
    let v1 = prepared(SchemaType::Avro, AVRO_V1);
    // The consumer reads with v2 (adds `note` with a default): reads v1 data.
    let triage = Triage::new(Context {
        reader: Some(Reader {
            label: "orders-value v2".into(),
            validator: prepared(SchemaType::Avro, AVRO_V2),
            subject_version: Some(sv("orders-value", 2)),
        }),
        ..Context::default()
    });
    let writer = Writer {
        schema_id: 1,
        validator: v1.clone(),
        subject_versions: vec![sv("orders-value", 1)],
    };
    let datum = v1.encode(&json!({"id": "a", "qty": 2})).unwrap();
    let ok = triage.message(
        "m",
        &Message::Bytes(wire::frame(1, None, &datum)),
        Some(&writer),
    );
    assert_eq!(ok.verdict, Verdict::Valid, "{}", ok.summary);
    let truncated = Message::Bytes(wire::frame(1, None, &datum[..datum.len() - 1]));
    let report = triage.message("m", &truncated, Some(&writer));
    assert_eq!(report.verdict, Verdict::Corrupt);
    assert_eq!(report.writer_errors[0].keyword, "binary");
}

#[test]
fn protobuf_messages_are_read_at_their_message_indexes() {
    let proto =
        "syntax = \"proto3\"; package p; message A { string s = 1; } message B { int32 n = 1; }";
    let writer = Writer {
        schema_id: 5,
        validator: prepared(SchemaType::Protobuf, proto),
        subject_versions: vec![sv("b-value", 1)],
    };
    let triage = Triage::new(Context::default());
    let message = Message::Bytes(wire::frame(5, Some(&[1]), &[0x08, 0x05]));
    let report = triage.message("m", &message, Some(&writer));
    assert_eq!(report.verdict, Verdict::Valid, "{}", report.summary);
    assert_eq!(report.framing.message_indexes, Some(vec![1]));
    let bad = Message::Bytes(vec![0, 0, 0, 0, 5, 4]);
    let report = triage.message("m", &bad, Some(&writer));
    assert_eq!(report.verdict, Verdict::Corrupt);
    assert_eq!(report.framing.kind, FramingKind::BadMessageIndexes);
}

#[test]
fn the_summary_brings_many_messages_down_to_their_causes() {
    let triage = Triage::new(Context::default());
    let writer = json_writer(3, JSON_V1, vec![sv("orders-value", 1)]);
    let mut summary = Summary::new();
    for i in 0..10 {
        let qty = if i % 2 == 0 { 0 } else { 5 };
        let report = triage.message(
            &format!("m{i}"),
            &framed_json(3, json!({"id": "a", "qty": qty})),
            Some(&writer),
        );
        summary.add(&report);
    }
    summary.add(&triage.message("unknown", &framed_json(8, json!({})), None));
    let summary = summary.finish();
    assert_eq!(summary.messages, 11);
    assert_eq!(summary.by_verdict[&Verdict::Valid], 5);
    assert_eq!(summary.by_verdict[&Verdict::ProducerInvalid], 5);
    assert_eq!(summary.by_schema_id.len(), 2);
    assert_eq!(summary.causes[0].reason, "minimum at /qty");
    assert_eq!(summary.causes[0].messages, 5);
    assert_eq!(summary.causes[0].example, "m0");
    assert!(!summary.all_good());
    let json = serde_json::to_value(&summary).unwrap();
    assert_eq!(json["by_verdict"]["producer_invalid"], 5);
}
