//! Hostile schemas and values against the real binary (issue #15): large
//! schemas of every format, an enum of the most symbols allowed, patterns
//! that backtrack, and a stream of distinct large schemas. Each answers
//! within a stated bound with a clear 4xx or a bounded result, the server's
//! peak resident memory (from /proc) stays under a stated bound, and the
//! server still serves a schema registered before, under the same id.
//!
//! The bounds are safety bounds for a debug build on a loaded 2-core CI
//! machine, not benchmarks: the release figures (and the 1 s / 10 s targets)
//! are in BENCHMARKS.md, measured by `ci/bench-hostile.sh`.

mod common;

use std::time::{Duration, Instant};

use common::Server;
use common::hostile::{Known, peak_under};
use serde_json::{Value, json};

/// Runs `call`, asserting it answered within `bound`.
async fn within<T>(bound: Duration, what: &str, call: impl std::future::Future<Output = T>) -> T {
    let start = Instant::now();
    let answer = call.await;
    let took = start.elapsed();
    assert!(
        took < bound,
        "{what}: answered after {took:?}, bound {bound:?}"
    );
    answer
}

/// One schema of about `bytes` bytes in `schema_type`, and a changed
/// version a BACKWARD check accepts: fields added with defaults, one type
/// widened. Kept under the default limits (fields per record, properties per
/// object) by splitting into parts of at most `per_part` fields.
fn large(schema_type: &str, bytes: usize, per_part: usize) -> (String, String) {
    match schema_type {
        "AVRO" => {
            let fields = bytes / 36;
            let record = |changed: bool| {
                let parts: Vec<Value> = (0..fields.div_ceil(per_part))
                    .map(|p| {
                        let mut fields: Vec<Value> = (0..per_part.min(fields - p * per_part))
                            .map(|i| json!({"name": format!("field_{i:06}"), "type": "int"}))
                            .collect();
                        if changed && p == 0 {
                            fields[0]["type"] = json!("long");
                            fields.push(json!({"name": "added", "type": "int", "default": 0}));
                        }
                        json!({"name": format!("part_{p}"), "type":
                            {"type": "record", "name": format!("Part{p}"), "fields": fields}})
                    })
                    .collect();
                json!({"type": "record", "name": "Large", "fields": parts}).to_string()
            };
            (record(false), record(true))
        }
        "JSON" => {
            let properties = bytes / 50;
            let object = |changed: bool| {
                let parts: serde_json::Map<String, Value> = (0..properties.div_ceil(per_part))
                    .map(|p| {
                        let mut inner: serde_json::Map<String, Value> = (0..per_part
                            .min(properties - p * per_part))
                            .map(|i| {
                                let name = format!("property_{i:06}");
                                (name, json!({"type": "string", "maxLength": 100}))
                            })
                            .collect();
                        if changed && p == 0 {
                            inner["property_000000"]["maxLength"] = json!(200);
                            inner.insert("added".into(), json!({"type": "integer"}));
                        }
                        let part = json!({"type": "object", "properties": inner,
                                          "additionalProperties": false});
                        (format!("part_{p}"), part)
                    })
                    .collect();
                json!({"type": "object", "properties": parts, "additionalProperties": false})
                    .to_string()
            };
            (object(false), object(true))
        }
        "PROTOBUF" => {
            let messages = bytes / 80;
            let file = |changed: bool| {
                let mut text = String::from("syntax = \"proto3\";\npackage large;\n");
                for i in 0..messages {
                    let next = (i + 1) % messages;
                    text.push_str(&format!(
                        "message M{i} {{ string a = 1; int64 b = 2; repeated string c = 3; M{next} d = 4;"
                    ));
                    if changed && i % 100 == 0 {
                        text.push_str(" bool added = 5;");
                    }
                    text.push_str(" }\n");
                }
                text
            };
            (file(false), file(true))
        }
        other => unreachable!("no generator for {other}"),
    }
}

/// A one-megabyte schema of each format registers, and a changed version
/// is checked against it and registered, in bounded time and memory (once
/// 2.6–7.1 s per check in a release build, superlinear in the input).
#[tokio::test]
async fn a_one_megabyte_schema_of_each_format_registers_and_is_checked_in_bounded_time() {
    let server = Server::start();
    let known = Known::register(&server).await;
    for schema_type in ["AVRO", "JSON", "PROTOBUF"] {
        let (v1, v2) = large(schema_type, 1 << 20, 10_000);
        assert!(v1.len() > 900_000, "{schema_type}: {} bytes", v1.len());
        let subject = format!("large-{}-value", schema_type.to_lowercase());
        let bound = Duration::from_secs(30);
        let first = within(
            bound,
            schema_type,
            server.register_text(&subject, schema_type, &v1),
        )
        .await;
        assert_eq!(first.status, 200, "{schema_type}: {}", first.text);
        let second = within(
            bound,
            schema_type,
            server.register_text(&subject, schema_type, &v2),
        )
        .await;
        assert_eq!(second.status, 200, "{schema_type}: {}", second.text);
        assert_ne!(first.body["id"], second.body["id"]);
    }
    peak_under(&server, 800);
    known.still_served(&server).await;
}

/// A 14 MB Avro record of 400,000 fields is refused at once, naming the
/// limit (once: no answer to its first registration in 60 s). The 14 MB
/// JSON Schema and Protobuf cases of the issue (once: no answer in 60 s and
/// 1.4 GB; 5–6 GB) are within every default limit, so they are judged, not
/// refused: a debug build takes minutes over each, so they are measured on
/// the release build by `ci/bench-hostile.sh` (BENCHMARKS.md).
#[tokio::test]
async fn a_fourteen_megabyte_avro_record_is_refused_at_once_naming_the_limit() {
    // Written first: a debug build takes seconds over it, and a connection
    // idle for longer than --header-read-timeout is closed by the server.
    let (avro, _) = large("AVRO", 14 << 20, usize::MAX);
    // A 14 MB schema's text, quoted inside a JSON body, is over the default
    // 16 MiB body limit: an operator expecting such schemas raises it.
    let server = Server::start_with(&["--max-body-bytes", "33554432"]);
    let known = Known::register(&server).await;
    let refused = within(
        Duration::from_secs(30),
        "AVRO",
        server.register_text("huge-avro-value", "AVRO", &avro),
    )
    .await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    assert_eq!(refused.code(), 42201, "{}", refused.text);
    assert!(
        refused.message().contains("--max-fields"),
        "{}",
        refused.text
    );
    peak_under(&server, 600);
    known.still_served(&server).await;
}

/// An Avro enum of the most symbols allowed (100,000) registers, and a
/// version adding a symbol is judged, in bounded time (once 12–16 s on every
/// endpoint: parsing was quadratic in the symbols).
#[tokio::test]
async fn an_enum_of_a_hundred_thousand_symbols_is_registered_and_judged_in_bounded_time() {
    let server = Server::start();
    let known = Known::register(&server).await;
    let symbols: Vec<String> = (0..99_999).map(|i| format!("S{i}")).collect();
    let v1 = json!({"type": "enum", "name": "E", "symbols": symbols}).to_string();
    let mut more = symbols.clone();
    more.push("ADDED".into());
    let v2 = json!({"type": "enum", "name": "E", "symbols": more}).to_string();
    let bound = Duration::from_secs(30);
    let first = within(bound, "v1", server.register_text("enum-value", "AVRO", &v1)).await;
    assert_eq!(first.status, 200, "{}", first.text);
    let second = within(bound, "v2", server.register_text("enum-value", "AVRO", &v2)).await;
    assert_eq!(second.status, 200, "{}", second.text);
    // One symbol more than the limit is refused, naming it.
    more.push("ONE_TOO_MANY".into());
    let over = json!({"type": "enum", "name": "E", "symbols": more}).to_string();
    let refused = within(
        bound,
        "v3",
        server.register_text("enum-value", "AVRO", &over),
    )
    .await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    assert!(
        refused.message().contains("--max-enum-symbols"),
        "{}",
        refused.text
    );
    peak_under(&server, 256);
    known.still_served(&server).await;
}

/// A schema whose patterns need backtracking (a back-reference keeps them
/// off the linear-time engine) and values built to make them retry every
/// split before failing: triage of 1,000 such messages answers in bounded time, each value
/// invalid with the engine's reason; the compatibility check of two such
/// schemas answers in bounded time too (once 25 ms per message at triage
/// and 7.9 s for one 3 kB schema's check).
#[tokio::test]
async fn patterns_that_backtrack_cost_bounded_time_at_triage_and_in_checks() {
    let server = Server::start();
    let known = Known::register(&server).await;
    let schema = |suffix: &str| {
        let properties: serde_json::Map<String, Value> = (0..40)
            .map(|i| {
                let pattern = format!("^(a|aa)*\\1c{suffix}$");
                (
                    format!("p{i}"),
                    json!({"type": "string", "pattern": pattern}),
                )
            })
            .collect();
        json!({"type": "object", "properties": properties})
    };
    let v1 = schema("");
    assert!(v1.to_string().len() > 2_000);
    let first = server.register("patterns-value", &v1).await;
    assert_eq!(first.status, 200, "{}", first.text);
    let id = first.body["id"].as_u64().expect("an id") as u32;

    let hostile = format!("{}b", "a".repeat(25));
    let document: serde_json::Map<String, Value> =
        (0..40).map(|i| (format!("p{i}"), json!(hostile))).collect();
    let framed = schemas::wire::frame(id, None, Value::Object(document).to_string().as_bytes());
    use base64::Engine;
    let encoded = base64::engine::general_purpose::STANDARD.encode(framed);
    let messages: Vec<Value> = (0..1_000).map(|_| json!({"base64": encoded})).collect();
    let triage = within(
        Duration::from_secs(60),
        "triage",
        server.post("/triage", &json!({"messages": messages})),
    )
    .await;
    assert_eq!(triage.status, 200, "{}", triage.text);
    let reports = triage.body["messages"].as_array().expect("reports");
    assert_eq!(reports.len(), 1_000);
    for report in reports {
        assert_eq!(report["verdict"], "producer_invalid", "{report}");
    }
    assert!(
        reports[0].to_string().contains("backtrack"),
        "{}",
        reports[0]
    );

    let check = within(
        Duration::from_secs(30),
        "compatibility",
        server.post(
            "/compatibility/subjects/patterns-value/versions/latest?verbose=true",
            &json!({"schema": schema("d").to_string()}),
        ),
    )
    .await;
    assert_eq!(check.status, 200, "{}", check.text);
    assert_eq!(check.body["is_compatible"], false, "{}", check.text);
    peak_under(&server, 200);
    known.still_served(&server).await;
}

/// Distinct 3 MB schemas, each parsed and kept: memory is bounded by
/// `--schema-cache-bytes`, not by the number of schemas (once ~138 MB held
/// per schema, 1.8 GB after 12); a schema dropped from the cache is read
/// and parsed again when asked for.
#[tokio::test]
async fn distinct_large_schemas_are_held_within_the_cache_bytes() {
    let server = Server::start_with(&["--schema-cache-bytes", "209715200"]);
    let known = Known::register(&server).await;
    let mut ids = Vec::new();
    for n in 0..5 {
        let (mut text, _) = large("JSON", 3 << 20, 10_000);
        text = text.replacen("\"part_0\"", &format!("\"distinct_{n}\""), 1);
        let answer = within(
            Duration::from_secs(60),
            "register",
            server.register_text(&format!("large-{n}-value"), "JSON", &text),
        )
        .await;
        assert_eq!(answer.status, 200, "{}", answer.text);
        ids.push(answer.body["id"].as_u64().expect("an id"));
    }
    for id in &ids {
        let answer = server.get(&format!("/schemas/ids/{id}/schema")).await;
        assert_eq!(answer.status, 200, "{}", answer.text);
    }
    // Five parsed schemas would hold some 700 MiB, with the transient peak
    // of parsing the last one (about 450 MiB in a debug build) on top: over
    // 1 GiB. The cache holds one (about 140 MiB), so the peak is that and
    // one parse's transient: about 600 MiB, a little more or less with how
    // the allocator's arenas fall under load (602 MiB seen once).
    peak_under(&server, 750);
    known.still_served(&server).await;
}
