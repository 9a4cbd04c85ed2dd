//! `charter validate` through the real binary.

mod common;

use std::io::Write;
use std::process::Command;

use common::{Run, charter, charter_in, charter_with_stdin, fixture};

fn order_schema() -> String {
    fixture("contracts/orders/order-placed.v1.json")
}

fn valid_payloads() -> String {
    fixture("payloads/order-placed.valid.ndjson")
}

fn mixed_payloads() -> String {
    fixture("payloads/order-placed.mixed.ndjson")
}

/// Writes `files` (name, content) into a fresh directory and runs `charter`
/// there with `args`, so reports show the short names.
fn run_with_files(files: &[(&str, &str)], args: &[&str]) -> Run {
    let dir = tempfile::tempdir().unwrap();
    for (name, content) in files {
        std::fs::write(dir.path().join(name), content).unwrap();
    }
    charter_in(dir.path(), args)
}

/// Runs `charter validate NAME --schema schema.json EXTRA...` on a payload
/// `name` holding `content`, with [`PRICE_SCHEMA`] as `schema.json`.
fn validate_prices(name: &str, content: &str, extra: &[&str]) -> Run {
    let mut args = vec!["validate", name, "--schema", "schema.json"];
    args.extend_from_slice(extra);
    run_with_files(&[("schema.json", PRICE_SCHEMA), (name, content)], &args)
}

/// A schema with one `number` property `price` in cents.
const PRICE_SCHEMA: &str = r#"{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object","required":["price"],"properties":{"price":{"type":"number","multipleOf":0.01}}}"#;

/// `price` records, one per line, from `prices`.
fn price_lines(prices: &[&str]) -> String {
    prices
        .iter()
        .map(|p| format!("{{\"price\":{p}}}\n"))
        .collect()
}

#[test]
fn valid_payloads_exit_zero_with_a_summary() {
    let run = charter(&["validate", &valid_payloads(), "--schema", &order_schema()]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    insta::assert_snapshot!(run.transcript());
}

#[test]
fn each_invalid_record_is_reported_and_bad_json_does_not_stop_the_run() {
    let run = charter(&["validate", &mixed_payloads(), "--schema", &order_schema()]);
    assert_eq!(run.code, 1, "{}", run.transcript());
    insta::assert_snapshot!(run.transcript());
}

#[test]
fn json_output_has_the_documented_shape() {
    let run = charter(&[
        "validate",
        &mixed_payloads(),
        &valid_payloads(),
        "--schema",
        &order_schema(),
        "--output",
        "json",
    ]);
    assert_eq!(run.code, 1, "{}", run.transcript());
    let report = run.json();
    assert_eq!(report["valid"], 8);
    assert_eq!(report["invalid"], 8);
    assert_eq!(report["stopped_early"], false);
    let errors = report["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 10, "{errors:#?}");
    for error in errors {
        for key in [
            "file",
            "line",
            "instance_path",
            "keyword",
            "schema_path",
            "message",
        ] {
            assert!(error.get(key).is_some(), "{key} missing in {error}");
        }
        assert_eq!(error["file"], mixed_payloads().as_str());
    }
    let lines: Vec<u64> = errors.iter().map(|e| e["line"].as_u64().unwrap()).collect();
    assert_eq!(lines, [2, 3, 4, 4, 5, 7, 8, 8, 9, 12], "in input order");
    let bad_json = &errors[4];
    assert_eq!(bad_json["keyword"], "json");
    assert_eq!(bad_json["instance_path"], "");
    assert!(
        bad_json["message"].as_str().unwrap().contains("column"),
        "{bad_json}"
    );
    let currency = &errors[5];
    assert_eq!(currency["instance_path"], "/payload/currency");
    assert_eq!(currency["keyword"], "enum");
    assert_eq!(currency["schema_path"], "#/$defs/Currency/enum");
    assert_eq!(
        report["files"],
        serde_json::json!([
            {"file": mixed_payloads(), "valid": 3, "invalid": 8},
            {"file": valid_payloads(), "valid": 5, "invalid": 0},
        ])
    );
}

#[test]
fn github_output_annotates_the_file_and_line_of_each_problem() {
    let run = run_with_files(
        &[
            ("schema.json", PRICE_SCHEMA),
            ("a,b.ndjson", &price_lines(&["1.5", "\"x\"", "2.001"])),
        ],
        &[
            "validate",
            "a,b.ndjson",
            "--schema",
            "schema.json",
            "--output",
            "github",
        ],
    );
    assert_eq!(run.code, 1, "{}", run.transcript());
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(
        lines,
        [
            "::error file=a%2Cb.ndjson,line=2,title=type at /price::/price: \"x\" is not of type \"number\" (type at #/properties/price/type)",
            "::error file=a%2Cb.ndjson,line=3,title=multipleOf at /price::/price: 2.001 is not a multiple of 0.01 (multipleOf at #/properties/price/multipleOf)",
            "INVALID: 1 valid, 2 invalid (3 records in 1 file)",
        ]
    );
}

#[test]
fn github_output_notes_empty_files_and_early_stops() {
    let run = run_with_files(
        &[
            ("schema.json", PRICE_SCHEMA),
            ("empty.ndjson", ""),
            ("bad.ndjson", &price_lines(&["true", "false"])),
        ],
        &[
            "validate",
            "empty.ndjson",
            "bad.ndjson",
            "--schema",
            "schema.json",
            "--output",
            "github",
            "--max-errors",
            "1",
        ],
    );
    assert_eq!(run.code, 1, "{}", run.transcript());
    insta::assert_snapshot!(run.transcript());
}

#[test]
fn junit_output_is_xml_with_a_suite_per_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("empty.ndjson"), "").unwrap();
    let run = charter_in(
        dir.path(),
        &[
            "validate",
            &mixed_payloads(),
            &valid_payloads(),
            "empty.ndjson",
            "--schema",
            &order_schema(),
            "--output",
            "junit",
        ],
    );
    assert_eq!(run.code, 1, "{}", run.transcript());
    let xml = roxmltree::Document::parse(&run.stdout)
        .unwrap_or_else(|e| panic!("not XML ({e}):\n{}", run.stdout));
    let root = xml.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    assert_eq!(root.attribute("tests"), Some("11"));
    assert_eq!(root.attribute("failures"), Some("8"));
    assert_eq!(root.attribute("skipped"), Some("1"));
    let suites: Vec<_> = root.children().filter(|n| n.is_element()).collect();
    let names: Vec<_> = suites
        .iter()
        .map(|s| s.attribute("name").unwrap())
        .collect();
    assert_eq!(
        names,
        [mixed_payloads().as_str(), &valid_payloads(), "empty.ndjson"]
    );
    let mixed = suites[0];
    let cases: Vec<_> = mixed
        .children()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    let case_names: Vec<_> = cases.iter().map(|c| c.attribute("name").unwrap()).collect();
    assert_eq!(
        case_names,
        [
            "line 2",
            "line 3",
            "line 4",
            "line 5",
            "line 7",
            "line 8",
            "line 9",
            "line 12",
            "3 valid records"
        ]
    );
    let failure = cases[2]
        .children()
        .find(|n| n.has_tag_name("failure"))
        .unwrap();
    assert_eq!(failure.attribute("type"), Some("format"));
    assert!(
        failure
            .attribute("message")
            .unwrap()
            .ends_with("(and 1 more problem)"),
        "{:?}",
        failure.attribute("message")
    );
    let body = failure.text().unwrap();
    assert!(
        body.contains(":4: /eventId: \"order-104\" is not a \"uuid\""),
        "{body}"
    );
    assert!(body.contains(":4: /occurredAt:"), "{body}");
    let json_failure = cases[3]
        .children()
        .find(|n| n.has_tag_name("failure"))
        .unwrap();
    assert_eq!(json_failure.attribute("type"), Some("json"));
    let empty = suites[2]
        .children()
        .find(|n| n.has_tag_name("testcase"))
        .unwrap();
    assert!(empty.children().any(|n| n.has_tag_name("skipped")));
}

#[test]
fn an_empty_file_has_no_records_and_says_so() {
    for name in ["empty.ndjson", "empty.json"] {
        let run = validate_prices(name, "\n  \n", &[]);
        assert_eq!(run.code, 0, "{}", run.transcript());
        assert_eq!(
            run.stdout,
            format!("{name}: empty, no records\nVALID: 0 valid, 0 invalid (0 records in 1 file)\n")
        );
    }
}

#[test]
fn stdin_is_read_as_ndjson() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("schema.json"), PRICE_SCHEMA).unwrap();
    let input = price_lines(&["1", "2.5", "oops", "3.333"]);
    let run = charter_with_stdin(
        dir.path(),
        &["validate", "-", "--schema", "schema.json"],
        input.as_bytes(),
    );
    assert_eq!(run.code, 1, "{}", run.transcript());
    insta::assert_snapshot!(run.transcript());
}

#[test]
fn stdin_can_be_one_json_document() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("schema.json"), PRICE_SCHEMA).unwrap();
    let run = charter_with_stdin(
        dir.path(),
        &[
            "validate",
            "-",
            "--format",
            "json",
            "--schema",
            "schema.json",
        ],
        b"{\n  \"price\": 12.34\n}\n",
    );
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(run.stdout.contains("1 valid, 0 invalid"), "{}", run.stdout);
}

#[test]
fn array_elements_are_records_at_their_lines() {
    let array = "[\n  {\"price\": 1.25},\n  {\"price\": \"2\"},\n  {\n    \"price\": 3.125\n  },\n  {\"price\": 4}\n]\n";
    let run = validate_prices("orders.json", array, &["--array"]);
    assert_eq!(run.code, 1, "{}", run.transcript());
    insta::assert_snapshot!(run.transcript());
    // Without --array the file is one document, which is not an object.
    let whole = validate_prices("orders.json", array, &[]);
    assert_eq!(whole.code, 1, "{}", whole.transcript());
    assert!(
        whole.stdout.starts_with("orders.json:1: (root): "),
        "{}",
        whole.stdout
    );
    assert!(
        whole.stdout.contains("0 valid, 1 invalid"),
        "{}",
        whole.stdout
    );
}

#[test]
fn a_broken_array_element_is_reported_and_the_next_ones_are_read() {
    let array = "[\n  {\"price\": 1},\n  {\"price\": },\n  {\"price\": 2}\n";
    let run = validate_prices("orders.json", array, &["--array"]);
    assert_eq!(run.code, 1, "{}", run.transcript());
    insta::assert_snapshot!(run.transcript());
}

#[test]
fn max_errors_stops_early_and_says_so() {
    let run = charter(&[
        "validate",
        &mixed_payloads(),
        &valid_payloads(),
        "--schema",
        &order_schema(),
        "--max-errors",
        "2",
    ]);
    assert_eq!(run.code, 1, "{}", run.transcript());
    insta::assert_snapshot!(run.transcript());
    let json = charter(&[
        "validate",
        &mixed_payloads(),
        "--schema",
        &order_schema(),
        "--max-errors",
        "3",
        "--output",
        "json",
    ]);
    let report = json.json();
    assert_eq!(report["stopped_early"], true);
    assert_eq!(
        (report["valid"].as_u64(), report["invalid"].as_u64()),
        (Some(1), Some(3))
    );
    // Record 4 has two errors: both are reported.
    assert_eq!(report["errors"].as_array().unwrap().len(), 4);
}

#[test]
fn max_errors_stops_reading_stdin() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("schema.json"), PRICE_SCHEMA).unwrap();
    let input = price_lines(&["\"x\""; 50_000]);
    let run = charter_with_stdin(
        dir.path(),
        &[
            "validate",
            "-",
            "--schema",
            "schema.json",
            "--max-errors",
            "3",
            "--quiet",
        ],
        input.as_bytes(),
    );
    assert_eq!(run.code, 1, "{}", run.transcript());
    assert_eq!(run.stdout.lines().count(), 3, "{}", run.stdout);
}

#[test]
fn formats_are_asserted() {
    let schema = r#"{"$schema":"https://json-schema.org/draft/2020-12/schema","properties":{"id":{"type":"string","format":"uuid"},"at":{"type":"string","format":"date-time"},"day":{"type":"string","format":"date"},"mail":{"type":"string","format":"email"}}}"#;
    let records = [
        r#"{"id":"123e4567-e89b-12d3-a456-426614174000","at":"2024-02-29T23:59:59+01:00","day":"2024-02-29","mail":"a.b@example.com"}"#,
        r#"{"id":"123e4567-e89b-12d3-a456-42661417400"}"#,
        r#"{"at":"2024-02-29 23:59:59"}"#,
        r#"{"day":"2023-02-29"}"#,
        r#"{"mail":"a.b.example.com"}"#,
    ]
    .join("\n");
    let run = run_with_files(
        &[("schema.json", schema), ("records.jsonl", &records)],
        &[
            "validate",
            "records.jsonl",
            "--schema",
            "schema.json",
            "--output",
            "json",
        ],
    );
    assert_eq!(run.code, 1, "{}", run.transcript());
    let report = run.json();
    let failed: Vec<(u64, &str, &str)> = report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["line"].as_u64().unwrap(),
                e["keyword"].as_str().unwrap(),
                e["instance_path"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        failed,
        [
            (2, "format", "/id"),
            (3, "format", "/at"),
            (4, "format", "/day"),
            (5, "format", "/mail")
        ]
    );
}

#[test]
fn numbers_are_judged_exactly() {
    // Each of these fails a naive floating-point `x / 0.01` check somewhere.
    let fine = [
        "835.53",
        "0.07",
        "1.1",
        "4.35",
        "19.99",
        "0.29",
        "1e2",
        "100",
        "1234567.89",
    ];
    let run = validate_prices("prices.ndjson", &price_lines(&fine), &[]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    let off = validate_prices(
        "prices.ndjson",
        &price_lines(&["835.531", "0.001"]),
        &["--quiet"],
    );
    assert_eq!(off.code, 1, "{}", off.transcript());
    assert_eq!(off.stdout.lines().count(), 2, "{}", off.stdout);
}

#[test]
fn format_flag_overrides_the_file_name() {
    let run = validate_prices(
        "prices.txt",
        &price_lines(&["1", "2"]),
        &["--format", "ndjson"],
    );
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(run.stdout.contains("2 valid, 0 invalid"), "{}", run.stdout);
}

#[test]
fn quiet_prints_only_the_invalid_records() {
    let run = run_with_files(
        &[
            ("schema.json", PRICE_SCHEMA),
            ("prices.ndjson", &price_lines(&["1", "null"])),
            ("empty.ndjson", ""),
        ],
        &[
            "validate",
            "prices.ndjson",
            "empty.ndjson",
            "--schema",
            "schema.json",
            "-q",
        ],
    );
    assert_eq!(run.code, 1, "{}", run.transcript());
    assert_eq!(
        run.stdout,
        "prices.ndjson:2: /price: null is not of type \"number\" (type at #/properties/price/type)\n"
    );
    let ok = validate_prices("prices.ndjson", &price_lines(&["1"]), &["--quiet"]);
    assert_eq!(
        (ok.code, ok.stdout.as_str(), ok.stderr.as_str()),
        (0, "", "")
    );
}

#[test]
fn text_has_no_colour_when_not_on_a_terminal() {
    let output = Command::new(env!("CARGO_BIN_EXE_charter"))
        .args(["validate", &mixed_payloads(), "--schema", &order_schema()])
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(!output.stdout.contains(&0x1b), "escape codes in a pipe");
    assert!(!output.stderr.contains(&0x1b), "progress in a pipe");
}

#[test]
fn keywords_in_referenced_files_name_the_file() {
    let run = run_with_files(
        &[
            ("money.json", r#"{"type":"number","minimum":0}"#),
            (
                "schema.json",
                r#"{"properties":{"total":{"$ref":"money.json"}}}"#,
            ),
            ("orders.ndjson", "{\"total\":-1}\n"),
        ],
        &[
            "validate",
            "orders.ndjson",
            "--schema",
            "schema.json",
            "--output",
            "json",
        ],
    );
    assert_eq!(run.code, 1, "{}", run.transcript());
    let report = run.json();
    assert_eq!(report["errors"][0]["schema_path"], "money.json#/minimum");
    assert_eq!(report["errors"][0]["instance_path"], "/total");
}

#[test]
fn a_large_input_streams_through_every_worker_in_order() {
    // 200,000 records, every 1,000th invalid: counts and order must be exact
    // whatever the threads do (memory stays bounded: see validate::pipeline).
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("schema.json"), PRICE_SCHEMA).unwrap();
    let mut big =
        std::io::BufWriter::new(std::fs::File::create(dir.path().join("big.ndjson")).unwrap());
    for i in 0..200_000u64 {
        if i % 1000 == 999 {
            writeln!(big, "{{\"price\":\"{i}\"}}").unwrap();
        } else {
            writeln!(big, "{{\"price\":{}.{:02}}}", i / 100, i % 100).unwrap();
        }
    }
    big.flush().unwrap();
    drop(big);
    let run = charter_in(
        dir.path(),
        &[
            "validate",
            "big.ndjson",
            "--schema",
            "schema.json",
            "--output",
            "json",
            "--jobs",
            "4",
        ],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    let report = run.json();
    assert_eq!(
        (report["valid"].as_u64(), report["invalid"].as_u64()),
        (Some(199_800), Some(200))
    );
    let lines: Vec<u64> = report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["line"].as_u64().unwrap())
        .collect();
    let expected: Vec<u64> = (1..=200).map(|k| k * 1000).collect();
    assert_eq!(lines, expected);
    let single = charter_in(
        dir.path(),
        &[
            "validate",
            "big.ndjson",
            "--schema",
            "schema.json",
            "--output",
            "json",
            "--jobs",
            "1",
        ],
    );
    assert_eq!(
        single.stdout, run.stdout,
        "one worker or four, the same report"
    );
}

#[test]
fn bad_input_is_one_clear_line_and_exit_two() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| std::fs::write(dir.path().join(name), text).unwrap();
    write("schema.json", PRICE_SCHEMA);
    write("broken-schema.json", "{\"type\": \"object\",\n");
    write("not-a-schema.json", r#"{"type": "strng"}"#);
    write("ok.ndjson", "{\"price\":1}\n");
    write("object.json", "{\"price\":1}\n");
    write("prices.csv", "price\n1\n");
    std::fs::create_dir(dir.path().join("folder.ndjson")).unwrap();
    let cases: &[(&[&str], &str)] = &[
        (
            &["missing.ndjson", "--schema", "schema.json"],
            "missing.ndjson: cannot read",
        ),
        (
            &["ok.ndjson", "--schema", "missing.json"],
            "missing.json: cannot read",
        ),
        (
            &["ok.ndjson", "--schema", "broken-schema.json"],
            "broken-schema.json: invalid JSON at line 2",
        ),
        (
            &["ok.ndjson", "--schema", "not-a-schema.json"],
            "not-a-schema.json: not a valid JSON Schema",
        ),
        (
            &["ok.ndjson", "--schema", "schema.json", "--message", "Order"],
            "schema.json: --message applies to Protobuf schemas only, this is JSON",
        ),
        (
            &["prices.csv", "--schema", "schema.json"],
            "prices.csv: cannot tell the payload format from the file name; pass --format ndjson or --format json",
        ),
        (
            &["folder.ndjson", "--schema", "schema.json"],
            "folder.ndjson: is a directory",
        ),
        (
            &["object.json", "--array", "--schema", "schema.json"],
            "object.json: --array expects a top-level array, but line 1 starts with `{`",
        ),
        (
            &["-", "-", "--schema", "schema.json"],
            "`-` (stdin) can be given only once",
        ),
    ];
    for (args, expected) in cases {
        let mut full = vec!["validate"];
        full.extend_from_slice(args);
        let run = charter_in(dir.path(), &full);
        assert_eq!(run.code, 2, "{args:?}: {}", run.transcript());
        assert_eq!(run.stderr.lines().count(), 1, "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains(expected), "{args:?}: {}", run.stderr);
        assert!(run.stdout.is_empty(), "{args:?}: {}", run.stdout);
    }
}

#[test]
fn usage_errors_exit_two() {
    for args in [
        &["validate", "--schema", "x.json"][..],
        &["validate", "a.ndjson"][..],
        &[
            "validate",
            "a.ndjson",
            "--schema",
            "x.json",
            "--max-errors",
            "0",
        ][..],
        &[
            "validate", "a.ndjson", "--schema", "x.json", "--format", "csv",
        ][..],
        &[
            "validate", "a.ndjson", "--schema", "x.json", "--output", "xml",
        ][..],
    ] {
        let run = charter(args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.transcript());
    }
}

/// Issue 13: a draft-07 schema asserts the formats later drafts defined, as
/// ajv-formats and Python's jsonschema do, and `check` judges by them.
#[test]
fn r13_a_draft_07_schema_asserts_uuid_in_validate_and_check() {
    let old = r#"{"$schema":"http://json-schema.org/draft-07/schema#","type":"object","properties":{"eventId":{"type":"string"}}}"#;
    let new = r#"{"$schema":"http://json-schema.org/draft-07/schema#","type":"object","properties":{"eventId":{"type":"string","format":"uuid"}}}"#;
    let records =
        "{\"eventId\":\"86c3560b-6a2f-4c53-9a4e-4d1f0c1b2a3e\"}\n{\"eventId\":\"evt-86c3560b\"}\n";
    let files = [
        ("old.json", old),
        ("new.json", new),
        ("records.jsonl", records),
    ];
    let run = run_with_files(
        &files,
        &["validate", "records.jsonl", "--schema", "new.json"],
    );
    assert_eq!(run.code, 1, "{}", run.transcript());
    assert!(
        run.stdout
            .contains("records.jsonl:2: /eventId: \"evt-86c3560b\" is not a \"uuid\""),
        "{}",
        run.transcript()
    );
    assert!(
        !run.stdout.contains("records.jsonl:1:"),
        "{}",
        run.transcript()
    );
    let check = run_with_files(&files, &["check", "new.json", "--against", "old.json"]);
    assert_eq!(check.code, 1, "{}", check.transcript());
    assert!(
        check
            .stdout
            .contains("BREAKING #/properties/eventId/format: format `uuid` was added"),
        "{}",
        check.transcript()
    );
    let back = run_with_files(&files, &["check", "old.json", "--against", "new.json"]);
    assert_eq!(back.code, 0, "{}", back.transcript());
}
