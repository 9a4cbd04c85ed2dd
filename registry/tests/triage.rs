//! `POST /triage` against the real binary: every verdict from real
//! encodings (JSON, Avro binary, Protobuf binary, each framed as the
//! Confluent serializers frame them), the request errors, and the privacy
//! promise (nothing stored, nothing of a payload logged).

mod common;

use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use common::{Answer, Server, closed};
use schemas::payload::PayloadValidator;
use schemas::wire::frame;
use schemas::{NoReferences, Schema, SchemaType};
use serde_json::{Value, json};

fn b64(bytes: &[u8]) -> String {
    STANDARD.encode(bytes)
}

/// A JSON message framed with schema `id`, as `{"base64": ...}`.
fn framed_json(id: u64, value: &Value, label: &str) -> Value {
    json!({"base64": b64(&frame(id as u32, None, value.to_string().as_bytes())), "label": label})
}

/// Registers a JSON Schema; returns its id.
async fn register(server: &Server, subject: &str, schema: &Value) -> u64 {
    let answer = server.register(subject, schema).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    answer.body["id"].as_u64().expect("an id")
}

/// Registers a schema of another format; returns its id.
async fn register_as(server: &Server, subject: &str, schema_type: &str, text: &str) -> u64 {
    let answer = server
        .post(
            &format!("/subjects/{subject}/versions"),
            &json!({"schemaType": schema_type, "schema": text}),
        )
        .await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    answer.body["id"].as_u64().expect("an id")
}

async fn triage(server: &Server, body: &Value) -> Answer {
    server.post("/triage", body).await
}

/// The report of the message labelled `label`.
fn report<'a>(answer: &'a Answer, label: &str) -> &'a Value {
    answer.body["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .find(|m| m["message"] == label)
        .unwrap_or_else(|| panic!("no report for {label}: {}", answer.text))
}

/// Asserts each labelled message got its verdict.
fn verdicts(answer: &Answer, expected: &[(&str, &str)]) {
    assert_eq!(answer.status, 200, "{}", answer.text);
    for (label, verdict) in expected {
        let found = report(answer, label);
        assert_eq!(found["verdict"], *verdict, "{label}: {}", found["summary"]);
    }
}

fn order_v1() -> Value {
    closed(json!({"id": {"type": "string"}, "qty": {"type": "integer", "minimum": 1}}))
}

fn order_v2() -> Value {
    closed(json!({
        "id": {"type": "string"}, "qty": {"type": "integer", "minimum": 1},
        "note": {"type": "string"}
    }))
}

fn order_v3_incompatible() -> Value {
    closed(json!({"id": {"type": "integer"}, "qty": {"type": "integer"}}))
}

#[tokio::test]
async fn every_json_verdict_over_http() {
    let server = Server::start();
    let v1 = register(&server, "orders-value", &order_v1()).await;
    let v2 = register(&server, "orders-value", &order_v2()).await;
    // Only mode NONE lets an incompatible version in.
    let answer = server
        .put("/config/orders-value", &json!({"compatibility": "NONE"}))
        .await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    let v3 = register(&server, "orders-value", &order_v3_incompatible()).await;

    let answer = triage(
        &server,
        &json!({
            "subject": "orders-value",
            "reader": {"subject": "orders-value", "version": 1},
            "messages": [
                framed_json(v1, &json!({"id": "a", "qty": 1}), "valid"),
                framed_json(v1, &json!({"id": 5, "qty": 0}), "producer_invalid"),
                framed_json(v2, &json!({"id": "a", "qty": 1, "note": "n"}), "consumer_behind"),
                framed_json(v3, &json!({"id": 7, "qty": 1}), "contract_broken"),
                {"base64": b64(&frame(v1 as u32, None, b"{\"id\":")), "label": "corrupt"},
                {"base64": b64(&[0, 0, 1]), "label": "too_short"},
                framed_json(999, &json!({}), "unknown_schema"),
                {"json": {"id": "a", "qty": 2}, "label": "unframed_match"},
                {"json": {"nope": true}, "label": "unframed_no_match"},
                {"key": "k", "value": b64(&frame(v1 as u32, None, br#"{"id":"r","qty":3}"#)),
                 "headers": [], "offset": 12, "label": "record"},
            ]
        }),
    )
    .await;
    verdicts(
        &answer,
        &[
            ("valid", "valid"),
            ("producer_invalid", "producer_invalid"),
            ("consumer_behind", "consumer_behind"),
            ("contract_broken", "contract_broken"),
            ("corrupt", "corrupt"),
            ("too_short", "corrupt"),
            ("unknown_schema", "unknown_schema"),
            ("unframed_match", "unframed_match"),
            ("unframed_no_match", "unframed_no_match"),
            ("record", "valid"),
        ],
    );
    // The document `charter triage --output json` prints, and nothing else.
    let keys: Vec<&String> = answer.body.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["messages", "summary"]);

    let valid = report(&answer, "valid");
    assert_eq!(valid["schema_id"], v1);
    assert_eq!(valid["framing"]["kind"], "confluent");
    assert_eq!(
        valid["subject_versions"],
        json!([{"subject": "orders-value", "version": 1}])
    );
    let invalid = report(&answer, "producer_invalid");
    let errors: Vec<(&str, &str)> = invalid["writer_errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["instance_path"].as_str().unwrap(),
                e["keyword"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(errors, [("/id", "type"), ("/qty", "minimum")]);
    let behind = report(&answer, "consumer_behind");
    assert_eq!(
        behind["reader_errors"][0]["keyword"],
        "additionalProperties"
    );
    assert!(
        !behind["changes"].as_array().unwrap().is_empty(),
        "the changes between writer and reader explain it: {behind}"
    );
    let broken = report(&answer, "contract_broken");
    assert!(
        broken["summary"]
            .as_str()
            .unwrap()
            .contains("incompatible both ways"),
        "{broken}"
    );
    assert_eq!(report(&answer, "too_short")["framing"]["kind"], "too_short");
    let matched = report(&answer, "unframed_match");
    let versions: Vec<&Value> = matched["matches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| &m["version"])
        .collect();
    assert_eq!(versions, [2, 1], "newest first; v3 wants an integer id");
    assert_eq!(report(&answer, "unknown_schema")["schema_id"], 999);

    let summary = &answer.body["summary"];
    assert_eq!(summary["messages"], 10);
    assert_eq!(summary["by_verdict"]["valid"], 2);
    assert_eq!(summary["by_verdict"]["corrupt"], 2);
    assert_eq!(summary["by_verdict"]["unframed_match"], 1);
    let metrics = server.get("/metrics").await.text;
    assert!(
        metrics.contains("charter_triage_messages_total{verdict=\"corrupt\"} 2"),
        "{metrics}"
    );
    assert!(
        metrics.contains(
            "charter_http_requests_total{route=\"/triage\",method=\"POST\",status=\"200\"} 1"
        ),
        "{metrics}"
    );
}

#[tokio::test]
async fn labels_default_to_the_position_and_all_subjects_widens_the_search() {
    let server = Server::start();
    register(&server, "orders-value", &order_v1()).await;
    let payments = closed(json!({"iban": {"type": "string"}}));
    register(&server, "payments-value", &payments).await;
    let message = json!({"json": {"iban": "DE00"}});
    let answer = triage(
        &server,
        &json!({"subject": "orders-value", "messages": [message]}),
    )
    .await;
    verdicts(&answer, &[("messages[0]", "unframed_no_match")]);
    let answer = triage(
        &server,
        &json!({"subject": "orders-value", "all_subjects": true, "messages": [message]}),
    )
    .await;
    verdicts(&answer, &[("messages[0]", "unframed_match")]);
    assert_eq!(
        report(&answer, "messages[0]")["matches"][0]["subject"],
        "payments-value"
    );
    // JSON text without framing, sent as bytes, is matched too.
    let text = json!({"base64": b64(br#"{"id":"a","qty":1}"#)});
    let answer = triage(
        &server,
        &json!({"subject": "orders-value", "messages": [text]}),
    )
    .await;
    verdicts(&answer, &[("messages[0]", "unframed_match")]);
}

const AVRO_V1: &str = r#"{"type":"record","name":"Payment","fields":[{"name":"id","type":"string"},{"name":"amount","type":"int"}]}"#;
const AVRO_V2: &str = r#"{"type":"record","name":"Payment","fields":[{"name":"id","type":"string"},{"name":"amount","type":"int"},{"name":"note","type":"string","default":""}]}"#;
const PROTO: &str =
    "syntax = \"proto3\"; package shop; message A { string s = 1; } message B { int32 n = 1; }";

#[tokio::test]
async fn avro_and_protobuf_binary_messages() {
    let server = Server::start();
    let v1 = register_as(&server, "payments-value", "AVRO", AVRO_V1).await;
    register_as(&server, "payments-value", "AVRO", AVRO_V2).await;
    let proto = register_as(&server, "shop-value", "PROTOBUF", PROTO).await;

    let schema = Schema::parse(SchemaType::Avro, AVRO_V1, &NoReferences).unwrap();
    let datum = PayloadValidator::new(Arc::new(schema), None)
        .unwrap()
        .encode(&json!({"id": "p-1", "amount": 250}))
        .unwrap();
    let avro = frame(v1 as u32, None, &datum);
    let cut = &avro[..avro.len() - 1];
    // Field 1 of message B (index 1) as a varint: n = 5.
    let proto_b = frame(proto as u32, Some(&[1]), &[0x08, 0x05]);
    // A message-index list announcing two indexes and holding none.
    let proto_bad = [0, 0, 0, 0, proto as u8, 4];

    let answer = triage(
        &server,
        &json!({
            "reader": {"subject": "payments-value", "version": "latest"},
            "messages": [
                {"base64": b64(&avro), "label": "avro"},
                {"base64": b64(cut), "label": "avro_cut"},
            ]
        }),
    )
    .await;
    verdicts(&answer, &[("avro", "valid"), ("avro_cut", "corrupt")]);
    assert_eq!(
        report(&answer, "avro_cut")["writer_errors"][0]["keyword"],
        "binary"
    );

    let answer = triage(
        &server,
        &json!({
            "reader": {"schema": PROTO, "schemaType": "PROTOBUF", "message": "shop.B"},
            "messages": [
                {"base64": b64(&proto_b), "label": "proto"},
                {"base64": b64(&proto_bad), "label": "proto_bad"},
            ]
        }),
    )
    .await;
    verdicts(&answer, &[("proto", "valid"), ("proto_bad", "corrupt")]);
    assert_eq!(
        report(&answer, "proto")["framing"]["message_indexes"],
        json!([1])
    );
    assert_eq!(
        report(&answer, "proto_bad")["framing"]["kind"],
        "bad_message_indexes"
    );
}

#[tokio::test]
async fn a_message_written_by_a_soft_deleted_version_names_it_deleted() {
    let server = Server::start();
    let old = register(&server, "orders-value", &order_v1()).await;
    register(&server, "orders-value", &order_v2()).await;
    let answer = server.delete("/subjects/orders-value/versions/1").await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    let answer = triage(
        &server,
        &json!({"messages": [framed_json(old, &json!({"id": "a", "qty": 1}), "old")]}),
    )
    .await;
    verdicts(&answer, &[("old", "valid")]);
    assert_eq!(
        report(&answer, "old")["subject_versions"],
        json!([{"subject": "orders-value", "version": 1, "deleted": true}])
    );
}

#[tokio::test]
async fn requests_that_cannot_be_answered_say_which_field() {
    let server = Server::start_with(&["--max-triage-messages", "4"]);
    register(&server, "orders-value", &order_v1()).await;
    let ok = json!({"json": {}});
    let reader = |reader: Value| json!({"messages": [ok], "reader": reader});
    let cases: [(Value, u16, i64, &str); 9] = [
        (
            json!({"messages": [ok, ok, ok, {"base64": "%%% not base64 %%%"}]}),
            422,
            422,
            "`messages[3].base64`",
        ),
        (
            json!({"messages": [ok, {"id": 1}]}),
            422,
            422,
            "`messages[1]`",
        ),
        (
            json!({"messages": [ok, ok, ok, ok, ok]}),
            422,
            422,
            "limit of 4",
        ),
        (
            reader(json!({"subject": "nobody-value"})),
            404,
            40401,
            "nobody-value",
        ),
        (
            reader(json!({"subject": "orders-value", "version": 9})),
            404,
            40402,
            "Version 9",
        ),
        (
            json!({"messages": [ok], "subject": "nobody-value"}),
            404,
            40401,
            "nobody-value",
        ),
        // The parser's own location comes back.
        (
            reader(json!({"schema": "{\"type\": ", "schemaType": "JSON"})),
            422,
            42201,
            "`reader.schema` cannot be used: invalid JSON at line 1, column 9",
        ),
        (
            reader(json!({"schema": "{}", "schemaType": "XML"})),
            422,
            422,
            "`reader.schemaType`",
        ),
        (
            reader(
                json!({"schema": "syntax = \"proto3\"; message A {}", "schemaType": "PROTOBUF", "message": "B"}),
            ),
            422,
            422,
            "`reader.message` cannot be used",
        ),
    ];
    for (body, status, code, needle) in cases {
        let answer = triage(&server, &body).await;
        assert_eq!(
            (answer.status, answer.code()),
            (status, code),
            "{body}: {}",
            answer.text
        );
        assert!(answer.message().contains(needle), "{body}: {}", answer.text);
    }
    let answer = server
        .raw(
            "POST",
            "/triage",
            Some("{\"messages\": ["),
            Some("application/json"),
        )
        .await;
    assert_eq!(
        (answer.status, answer.code()),
        (400, 400),
        "{}",
        answer.text
    );
}

/// Every file of the registry's directory (database, write-ahead log, logs).
fn files(server: &Server) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(&server.dir)
        .expect("the directory")
        .map(|entry| {
            let path = entry.expect("an entry").path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&path).unwrap_or_default())
        })
        .collect();
    out.sort();
    out
}

/// The files holding the database's data, with their contents: the
/// database and its write-ahead log. SQLite's `-shm` file is the WAL's
/// shared-memory index, whose read marks change when a request only reads
/// (a lookup by GUID does).
fn database_files(server: &Server) -> Vec<(String, Vec<u8>)> {
    files(server)
        .into_iter()
        .filter(|(name, _)| name.starts_with("charter.db") && !name.ends_with("-shm"))
        .collect()
}

/// Stops `server` and asserts that its database is as `database` was, and
/// that `marker` (in every payload it was sent) is in no log line it wrote
/// at trace level and in no file.
fn kept_nothing(server: &mut Server, marker: &str, database: &[(String, Vec<u8>)]) {
    assert!(
        database == database_files(server),
        "the database files changed"
    );
    assert!(server.terminate(), "the registry stops cleanly");
    let stderr = server.stderr();
    let stdout = server.stdout_after_exit();
    assert!(
        stderr.contains("/triage") && stderr.contains("TRACE"),
        "the log is at trace level and saw the requests:\n{stderr}"
    );
    assert!(
        !stderr.contains(marker),
        "stderr holds a payload:\n{stderr}"
    );
    assert!(
        !stdout.contains(marker),
        "stdout holds a payload:\n{stdout}"
    );
    for (name, content) in files(server) {
        assert!(!holds(&content, marker), "{name} holds a payload");
    }
}

fn holds(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

#[tokio::test]
async fn payloads_are_never_stored_nor_logged() {
    const MARKER: &str = "MARKER-7f3a9c1e-dead-letter-secret";
    let mut server = Server::start_with(&["--log-level", "trace"]);
    let enumerated = closed(json!({
        "id": {"type": "string"},
        "status": {"enum": ["open", "closed"]}
    }));
    let id = register(&server, "orders-value", &enumerated).await;
    let subjects = server.get("/subjects").await.body;
    let schemas = server.get("/schemas").await.body;
    let database = database_files(&server);

    let with_marker = json!({"id": MARKER, "status": MARKER});
    let answer = triage(
        &server,
        &json!({
            "subject": "orders-value",
            "messages": [
                {"json": with_marker, "label": "json"},
                framed_json(id, &with_marker, "framed"),
                {"value": b64(&frame(id as u32, None, with_marker.to_string().as_bytes())),
                 "key": MARKER, "headers": [{"k": MARKER}]},
                {"base64": b64(format!("\u{1}{MARKER}").as_bytes()), "label": "junk"},
            ]
        }),
    )
    .await;
    verdicts(
        &answer,
        &[
            ("json", "unframed_no_match"),
            ("framed", "producer_invalid"),
            ("messages[2]", "producer_invalid"),
            ("junk", "corrupt"),
        ],
    );
    // The caller gets its payload's errors back (they quote the value)...
    assert!(answer.text.contains(MARKER), "{}", answer.text);
    // ... and refused requests carrying it are not logged either.
    let refused = triage(
        &server,
        &json!({"messages": [{"json": MARKER, "base64": MARKER}, {"note": MARKER}]}),
    )
    .await;
    assert_eq!(refused.status, 422, "{}", refused.text);

    // Nothing was stored.
    assert_eq!(server.get("/subjects").await.body, subjects);
    assert_eq!(server.get("/schemas").await.body, schemas);
    kept_nothing(&mut server, MARKER, &database);
}

/// Issue 13: `POST /triage` reads a dead-letter record framed in its
/// headers (the schema id in `__value_schema_id`, the payload unframed)
/// with the writer the header names.
#[tokio::test]
async fn r13_header_framed_records_are_read_with_their_writer() {
    let server = Server::start();
    let v1 = register(&server, "orders-value", &order_v1()).await;
    let header = b64(&frame(v1 as u32, None, b""));
    let body = json!({"subject": "orders-value", "messages": [
        {"value": b64(br#"{"id": "o-1", "qty": 2}"#), "headers": {"__value_schema_id": header}, "label": "valid"},
        {"value": b64(br#"{"id": "o-2", "qty": 0}"#), "headers": [{"key": "__value_schema_id", "value": header}], "label": "invalid"},
    ]});
    let answer = triage(&server, &body).await;
    verdicts(
        &answer,
        &[("valid", "valid"), ("invalid", "producer_invalid")],
    );
    assert_eq!(report(&answer, "valid")["schema_id"], v1, "{}", answer.text);
    assert_eq!(report(&answer, "invalid")["framing"]["kind"], "confluent");
}

/// Issue 13: a header naming the writer by its schema GUID (magic byte 1,
/// the 16 bytes of the GUID the registry gave the schema) is resolved to
/// the schema's id; an unknown GUID leaves the payload unframed.
#[tokio::test]
async fn r13_records_framed_by_schema_guid_are_read_with_their_writer() {
    let server = Server::start();
    let v1 = register(&server, "orders-value", &order_v1()).await;
    let guid = server.get(&format!("/schemas/ids/{v1}")).await.body["guid"]
        .as_str()
        .expect("a GUID")
        .replace('-', "");
    let bytes: Vec<u8> = (0..16)
        .map(|i| u8::from_str_radix(&guid[2 * i..2 * i + 2], 16).unwrap())
        .collect();
    let header = |guid: &[u8]| b64(&[&[1u8][..], guid].concat());
    let body = json!({"subject": "orders-value", "messages": [
        {"value": b64(br#"{"id": "o-1", "qty": 2}"#), "headers": {"__value_schema_id": header(&bytes)}, "label": "valid"},
        {"value": b64(br#"{"id": "o-2", "qty": 0}"#), "headers": {"__value_schema_id": header(&bytes)}, "label": "invalid"},
        {"value": b64(br#"{"id": "o-3", "qty": 1}"#), "headers": {"__value_schema_id": header(&[9u8; 16])}, "label": "unknown"},
    ]});
    let answer = triage(&server, &body).await;
    verdicts(
        &answer,
        &[
            ("valid", "valid"),
            ("invalid", "producer_invalid"),
            ("unknown", "unframed_match"),
        ],
    );
    assert_eq!(report(&answer, "valid")["schema_id"], v1, "{}", answer.text);
    assert_eq!(report(&answer, "invalid")["framing"]["kind"], "confluent");
    assert_eq!(report(&answer, "unknown")["schema_id"], Value::Null);
}

/// The paths triage gained since the test above (issues 13 and 15): records
/// framed in their headers by schema id and by GUID (known and unknown),
/// values that make a pattern backtrack, an Avro message whose declared
/// items would decode past the limit, and a request over the message
/// limit. Their payloads reach no log line at trace level and no file, and
/// the refusal quotes none of them.
#[tokio::test]
async fn payloads_on_the_newer_triage_paths_are_never_stored_nor_logged() {
    const MARKER: &str = "MARKER-3c9e41b7-newer-triage-paths";
    let mut server = Server::start_with(&["--log-level", "trace", "--max-triage-messages", "8"]);
    let enumerated = closed(json!({"status": {"enum": ["open", "closed"]}}));
    let id = register(&server, "orders-value", &enumerated).await;
    let guid = server.get(&format!("/schemas/ids/{id}")).await.body["guid"]
        .as_str()
        .expect("a GUID")
        .replace('-', "");
    let guid: Vec<u8> = (0..16)
        .map(|i| u8::from_str_radix(&guid[2 * i..2 * i + 2], 16).expect("hex"))
        .collect();
    let patterns = register(
        &server,
        "patterns-value",
        &json!({"type": "object", "properties": {"p": {"type": "string", "pattern": "^(a|aa)*\\1c$"}}}),
    )
    .await;
    let nulls = register_as(
        &server,
        "nulls-value",
        "AVRO",
        r#"{"type": "array", "items": "null"}"#,
    )
    .await;
    let database = database_files(&server);

    let payload = b64(json!({"status": MARKER}).to_string().as_bytes());
    let header = |value: Vec<u8>, label: &str| json!({"value": payload, "headers": {"__value_schema_id": b64(&value)}, "label": label});
    let answer = triage(
        &server,
        &json!({"subject": "orders-value", "messages": [
            header(frame(id as u32, None, b""), "by-id"),
            header([&[1u8][..], &guid].concat(), "by-guid"),
            header([&[1u8][..], &[9u8; 16]].concat(), "unknown-guid"),
        ]}),
    )
    .await;
    verdicts(
        &answer,
        &[
            ("by-id", "producer_invalid"),
            ("by-guid", "producer_invalid"),
        ],
    );
    assert_ne!(
        report(&answer, "unknown-guid")["verdict"],
        "valid",
        "{}",
        answer.text
    );

    let backtracking = json!({"p": format!("{}{MARKER}", "a".repeat(25))});
    let answer = triage(
        &server,
        &json!({"messages": [framed_json(patterns, &backtracking, "backtracking")]}),
    )
    .await;
    verdicts(&answer, &[("backtracking", "producer_invalid")]);

    // Ten million `null` items (zero bytes each) in one block, then the
    // marker: the count is refused against the decoding limit.
    let mut avro = vec![0x80, 0xda, 0xc4, 0x09, 0x00]; // zig-zag varint of 10,000,000, then the end of the blocks
    avro.extend_from_slice(MARKER.as_bytes());
    let answer = triage(
        &server,
        &json!({"messages": [{"base64": b64(&frame(nulls as u32, None, &avro)), "label": "nulls"}]}),
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    assert_ne!(
        report(&answer, "nulls")["verdict"],
        "valid",
        "{}",
        answer.text
    );

    let over: Vec<Value> = (0..9)
        .map(|i| json!({"json": {"status": MARKER}, "label": format!("m{i}")}))
        .collect();
    let refused = triage(
        &server,
        &json!({"subject": "orders-value", "messages": over}),
    )
    .await;
    assert!(
        (400..500).contains(&refused.status),
        "over the message limit: {}",
        refused.text
    );
    assert!(!refused.text.contains(MARKER), "{}", refused.text);

    kept_nothing(&mut server, MARKER, &database);
}
