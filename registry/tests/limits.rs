//! The named schema limits against the real binary (issue #15): a schema
//! over one answers 422 (`error_code` 42201) with a message naming the
//! limit, the value seen, the flag and the place; a compatibility check over
//! its work budget answers 422, never a verdict; and afterwards the server
//! still serves a schema registered before, under the same id.

mod common;

use common::hostile::Known;
use common::{Answer, Server};
use serde_json::{Value, json};

/// Every limit set low, so that small schemas reach them.
const TIGHT: &[&str] = &[
    "--max-schema-bytes",
    "4000",
    "--max-schema-depth",
    "8",
    "--max-enum-symbols",
    "10",
    "--max-fields",
    "10",
    "--max-references",
    "1",
    "--max-ref-expansions",
    "5",
    "--max-compat-work",
    "8",
];

async fn post_with(
    server: &Server,
    subject: &str,
    schema_type: &str,
    text: &str,
    references: Value,
) -> Answer {
    server
        .post(
            &format!("/subjects/{subject}/versions"),
            &json!({"schemaType": schema_type, "schema": text, "references": references}),
        )
        .await
}

/// The answer is 422 / 42201 and its message holds every one of `parts`.
fn refused(answer: &Answer, parts: &[&str]) {
    assert_eq!(answer.status, 422, "{}", answer.text);
    assert_eq!(answer.code(), 42201, "{}", answer.text);
    for part in parts {
        assert!(
            answer.message().contains(part),
            "`{part}` not in {}",
            answer.message()
        );
    }
}

/// An Avro record of `count` int fields named `prefix0`...
fn avro_record(name: &str, prefix: &str, count: usize) -> Value {
    let fields: Vec<Value> = (0..count)
        .map(|i| json!({"name": format!("{prefix}{i}"), "type": "int"}))
        .collect();
    json!({"type": "record", "name": name, "fields": fields})
}

#[tokio::test]
async fn each_schema_limit_answers_422_naming_the_limit_value_flag_and_place() {
    let server = Server::start_with(TIGHT);
    let known = Known::register(&server).await;

    // Size: checked before anything is parsed.
    let big = avro_record("Big", &"f".repeat(400), 10).to_string();
    let answer = server.register_text("big-value", "AVRO", &big).await;
    refused(
        &answer,
        &[
            "schema too large",
            &format!("{} bytes", big.len()),
            "--max-schema-bytes",
            "limit of 4000",
        ],
    );

    // Depth: JSON nesting, with the line and column where it passed.
    let deep = format!(
        "{}{}",
        r#"{"items":"#.repeat(9),
        "true".to_string() + &"}".repeat(9)
    );
    let answer = server.register_text("deep-value", "JSON", &deep).await;
    refused(
        &answer,
        &[
            "nested too deeply",
            "line 1, column 73",
            "more than 8 levels",
            "--max-schema-depth",
        ],
    );

    // Enum symbols (Avro), at the enum's place.
    let symbols: Vec<String> = (0..11).map(|i| format!("S{i}")).collect();
    let avro = json!({"type": "record", "name": "R", "fields": [
        {"name": "kind", "type": {"type": "enum", "name": "Kind", "symbols": symbols}}]});
    let answer = server
        .register_text("enum-value", "AVRO", &avro.to_string())
        .await;
    refused(
        &answer,
        &[
            "too many enum symbols",
            "#/fields/0/type/symbols",
            "11 symbols",
            "--max-enum-symbols",
        ],
    );

    // Fields (Protobuf), named by the message's full name.
    let fields: String = (1..=11).map(|i| format!("int32 f{i} = {i}; ")).collect();
    let proto = format!("syntax = \"proto3\";\npackage shop;\nmessage Order {{ {fields}}}\n");
    let answer = server
        .register_text("fields-value", "PROTOBUF", &proto)
        .await;
    refused(
        &answer,
        &["too many fields", "shop.Order", "11 fields", "--max-fields"],
    );

    // References: two referenced schemas where one is allowed.
    for name in ["a", "b"] {
        let answer = server.register(name, &json!({"type": "string"})).await;
        assert_eq!(answer.status, 200, "{}", answer.text);
    }
    let referencing = json!({"properties": {"a": {"$ref": "a.json"}, "b": {"$ref": "b.json"}}});
    let references = json!([
        {"name": "a.json", "subject": "a", "version": 1},
        {"name": "b.json", "subject": "b", "version": 1}
    ]);
    let answer = post_with(
        &server,
        "refs-value",
        "JSON",
        &referencing.to_string(),
        references,
    )
    .await;
    refused(
        &answer,
        &["too many references", "2 references", "--max-references"],
    );

    // `$ref` expansions: six local references where five are allowed.
    let properties: serde_json::Map<String, Value> = (0..6)
        .map(|i| (format!("p{i}"), json!({"$ref": "#/$defs/s"})))
        .collect();
    let expanding = json!({"$defs": {"s": {"type": "string"}}, "properties": properties});
    let answer = server
        .register_text("expanding-value", "JSON", &expanding.to_string())
        .await;
    refused(
        &answer,
        &[
            "too many $ref expansions",
            "more than 5 $ref expansions",
            "#/properties/p",
            "--max-ref-expansions",
        ],
    );

    // Nothing refused was stored, and the known schema is still served.
    for subject in [
        "big-value",
        "deep-value",
        "enum-value",
        "fields-value",
        "refs-value",
        "expanding-value",
    ] {
        let answer = server.get(&format!("/subjects/{subject}/versions")).await;
        assert_eq!(answer.status, 404, "{subject}: {}", answer.text);
    }
    known.still_served(&server).await;
}

/// A check over its work budget answers 422 on registration and on the
/// compatibility endpoint, whichever way the verdict would have gone; with
/// the budget raised the same check gives its verdict.
#[tokio::test]
async fn a_check_over_its_work_budget_answers_422_never_a_verdict() {
    let server = Server::start_with(TIGHT);
    let known = Known::register(&server).await;
    // Ten records of nine fields: within every parse limit, but comparing
    // two versions visits more than 8 type pairs (the outer record and each
    // inner one that changed).
    let outer = |extra: bool| {
        let fields: Vec<Value> = (0..10)
            .map(|i| {
                let mut inner = avro_record(&format!("Inner{i}"), "x", 9);
                if extra {
                    inner["fields"]
                        .as_array_mut()
                        .unwrap()
                        .push(json!({"name": "added", "type": "int", "default": 0}));
                }
                json!({"name": format!("f{i}"), "type": inner})
            })
            .collect();
        json!({"type": "record", "name": "Outer", "fields": fields}).to_string()
    };
    let v1 = outer(false);
    let answer = server.register_text("work-value", "AVRO", &v1).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    let v2 = outer(true);
    // A compatible change (fields added with defaults) and a breaking one
    // (a field's type changed): no verdict either way.
    let breaking = v1.replace(
        r#""name":"x0","type":"int""#,
        r#""name":"x0","type":"string""#,
    );
    assert_ne!(breaking, v1);
    for text in [&v2, &breaking] {
        let answer = server.register_text("work-value", "AVRO", text).await;
        refused(
            &answer,
            &[
                "over its work budget",
                "no verdict",
                "more than 8 comparison steps",
                "--max-compat-work",
            ],
        );
        let answer = server
            .post(
                "/compatibility/subjects/work-value/versions/latest?verbose=true",
                &json!({"schemaType": "AVRO", "schema": text}),
            )
            .await;
        assert_eq!(answer.status, 422, "{}", answer.text);
        assert!(
            answer.body.get("is_compatible").is_none(),
            "{}",
            answer.text
        );
        assert!(
            answer.message().contains("--max-compat-work"),
            "{}",
            answer.text
        );
    }
    let versions = server.get("/subjects/work-value/versions").await;
    assert_eq!(versions.body, json!([1]), "{}", versions.text);
    known.still_served(&server).await;

    // The same checks with the budget raised: their verdicts.
    drop(server);
    let server = Server::start_with(&["--max-compat-work", "100000"]);
    let answer = server.register_text("work-value", "AVRO", &v1).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    let answer = server.register_text("work-value", "AVRO", &breaking).await;
    assert_eq!(answer.status, 409, "{}", answer.text);
    let answer = server.register_text("work-value", "AVRO", &v2).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
}
