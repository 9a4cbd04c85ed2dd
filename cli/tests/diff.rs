//! `charter diff` and offline `charter check` through the real binary.

#[allow(dead_code)] // not every helper is used here
mod common;

use common::{charter, charter_in, fixture};

const V1: &str = "orders/order-placed.v1.json";
const V2: &str = "orders/order-placed.v2.json";
const V3: &str = "orders/order-placed.v3.json";

fn contract(version: &str) -> String {
    fixture(&format!("contracts/{version}"))
}

#[test]
fn compatible_change_exits_zero_and_lists_the_changes() {
    let run = charter(&["diff", &contract(V1), &contract(V2)]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    insta::assert_snapshot!(run.transcript());
}

#[test]
fn breaking_change_exits_one_with_one_line_per_break() {
    let run = charter(&["diff", &contract(V2), &contract(V3)]);
    assert_eq!(run.code, 1, "{}", run.transcript());
    insta::assert_snapshot!(run.transcript());
}

#[test]
fn json_output_has_the_documented_shape() {
    let run = charter(&["diff", &contract(V2), &contract(V3), "--output", "json"]);
    assert_eq!(run.code, 1);
    let report = run.json();
    assert_eq!(report["compatible"], false);
    assert_eq!(report["mode"], "BACKWARD");
    assert_eq!(report["policy"], "strict");
    let changes = report["changes"].as_array().unwrap();
    assert!(!changes.is_empty());
    for change in changes {
        for key in ["kind", "path", "breaks", "message"] {
            assert!(change.get(key).is_some(), "{key} missing in {change}");
        }
        assert!(change["path"].as_str().unwrap().starts_with("#/"));
    }
    let required = changes
        .iter()
        .find(|c| c["kind"] == "REQUIRED_ATTRIBUTE_ADDED")
        .expect("required change reported");
    assert_eq!(required["path"], "#/properties/payload/required/channel");
    assert_eq!(required["breaks"], serde_json::json!(["backward"]));
}

#[test]
fn forward_mode_judges_old_readers() {
    // v1 -> v2 only widens: new readers are fine, old readers are not.
    let backward = charter(&["diff", &contract(V1), &contract(V2), "--mode", "backward"]);
    let forward = charter(&["diff", &contract(V1), &contract(V2), "--mode", "forward"]);
    let full = charter(&["diff", &contract(V1), &contract(V2), "--mode", "FULL"]);
    assert_eq!(
        (backward.code, forward.code, full.code),
        (0, 1, 1),
        "{}",
        forward.transcript()
    );
    assert!(
        forward
            .stdout
            .contains("breaks readers still on the old schema")
    );
}

#[test]
fn mode_names_are_accepted_in_any_case() {
    for mode in [
        "backward_transitive",
        "BACKWARD_TRANSITIVE",
        "Full-Transitive",
        "none",
    ] {
        let run = charter(&["diff", &contract(V1), &contract(V2), "--mode", mode]);
        assert!(
            run.code == 0 || run.code == 1,
            "{mode}: {}",
            run.transcript()
        );
    }
    let run = charter(&["diff", &contract(V1), &contract(V2), "--mode", "sideways"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("unknown compatibility mode `sideways`"),
        "{}",
        run.stderr
    );
}

#[test]
fn lenient_policy_is_named_in_the_verdict() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("old.json"),
        r#"{"type":"object","properties":{"id":{"type":"string"}}}"#,
    )
    .unwrap();
    std::fs::write(
        dir.path().join("new.json"),
        r#"{"type":"object","properties":{"id":{"type":"string"},"note":{"type":"string"}}}"#,
    )
    .unwrap();
    let strict = charter_in(dir.path(), &["diff", "old.json", "new.json"]);
    let lenient = charter_in(
        dir.path(),
        &["diff", "old.json", "new.json", "--policy", "lenient"],
    );
    assert_eq!((strict.code, lenient.code), (1, 0));
    assert!(
        strict
            .stdout
            .contains("OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL")
            || strict.stdout.contains("optional property `note`")
    );
    assert!(
        strict.stdout.contains("policy: strict"),
        "{}",
        strict.stdout
    );
    assert!(
        lenient.stdout.contains("policy: lenient"),
        "{}",
        lenient.stdout
    );
}

#[test]
fn check_judges_a_history_transitively() {
    let run = charter(&[
        "check",
        &contract(V3),
        "--against",
        &contract(V1),
        &contract(V2),
        "--mode",
        "BACKWARD_TRANSITIVE",
    ]);
    assert_eq!(run.code, 1, "{}", run.transcript());
    insta::assert_snapshot!(run.transcript());
    let ok = charter(&[
        "check",
        &contract(V2),
        "--against",
        &contract(V1),
        "--mode",
        "BACKWARD_TRANSITIVE",
    ]);
    assert_eq!(ok.code, 0, "{}", ok.transcript());
}

#[test]
fn bad_input_is_one_clear_line_and_exit_two() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| std::fs::write(dir.path().join(name), text).unwrap();
    write("broken.json", "{\"type\": \"object\",\n");
    write("notschema.json", r#"{"type": "strng"}"#);
    write("remote.json", r#"{"$ref": "https://example.com/x.json"}"#);
    write(
        "dangling.json",
        r##"{"properties": {"a": {"$ref": "#/$defs/missing"}}}"##,
    );
    write("ok.json", r#"{"type":"object"}"#);
    let cases = [
        ("missing.json", "missing.json: cannot read"),
        ("broken.json", "broken.json: invalid JSON at line 2"),
        (
            "notschema.json",
            "notschema.json: not a valid JSON Schema at #/type",
        ),
        ("remote.json", "was not fetched"),
        (
            "dangling.json",
            "unresolvable $ref `#/$defs/missing` at #/properties/a",
        ),
    ];
    for (file, expected) in cases {
        let run = charter_in(dir.path(), &["diff", file, "ok.json"]);
        assert_eq!(run.code, 2, "{file}: {}", run.transcript());
        assert_eq!(run.stderr.lines().count(), 1, "{file}: {}", run.stderr);
        assert!(run.stderr.contains(expected), "{file}: {}", run.stderr);
        assert!(run.stdout.is_empty());
    }
}

#[test]
fn references_to_files_resolve_next_to_the_schema() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("money.json"),
        r#"{"type":"number","maximum":100}"#,
    )
    .unwrap();
    std::fs::write(
        dir.path().join("money2.json"),
        r#"{"type":"number","maximum":50}"#,
    )
    .unwrap();
    std::fs::write(
        dir.path().join("old.json"),
        r#"{"properties":{"total":{"$ref":"money.json"}}}"#,
    )
    .unwrap();
    std::fs::write(
        dir.path().join("new.json"),
        r#"{"properties":{"total":{"$ref":"money2.json"}}}"#,
    )
    .unwrap();
    let run = charter_in(dir.path(), &["diff", "old.json", "new.json"]);
    assert_eq!(run.code, 1, "{}", run.transcript());
    assert!(
        run.stdout
            .contains("#/properties/total/maximum: maximum lowered from 100 to 50"),
        "{}",
        run.stdout
    );
    let named = charter_in(
        dir.path(),
        &[
            "diff",
            "old.json",
            "new.json",
            "--reference",
            "money2.json=money.json",
        ],
    );
    assert_eq!(named.code, 0, "{}", named.transcript());

    // A reference that is no NAME=FILE, or names no file, is a usage error
    // naming the flag and the value, before any schema is read.
    for (reference, expected) in [
        (
            "money2.json",
            "'--reference <NAME=FILE>': `money2.json`: expected NAME=FILE",
        ),
        (
            "money2.json=nowhere.json",
            "--reference `money2.json=nowhere.json`: nowhere.json: no such file",
        ),
    ] {
        let run = charter_in(
            dir.path(),
            &["diff", "old.json", "new.json", "--reference", reference],
        );
        assert_eq!(run.code, 2, "{}", run.transcript());
        assert!(run.stderr.contains(expected), "{}", run.stderr);
        assert!(run.stdout.is_empty(), "{}", run.stdout);
    }
}

#[test]
fn quiet_prints_only_the_breaking_changes() {
    let loud = charter(&["diff", &contract(V2), &contract(V3)]);
    let quiet = charter(&["diff", &contract(V2), &contract(V3), "--quiet"]);
    assert_eq!((loud.code, quiet.code), (1, 1));
    assert!(loud.stdout.contains("INCOMPATIBLE under BACKWARD"));
    assert!(!quiet.stdout.contains("INCOMPATIBLE"), "{}", quiet.stdout);
    assert!(
        quiet
            .stdout
            .lines()
            .all(|l| l.starts_with("BREAKING ") || l.starts_with("    example")),
        "{}",
        quiet.stdout
    );
    let compatible = charter(&["diff", &contract(V1), &contract(V2), "-q"]);
    assert_eq!(compatible.code, 0);
    assert!(compatible.stdout.is_empty(), "{}", compatible.stdout);
}

/// Issue 13: `--policy confluent` gives the Confluent Schema Registry's
/// verdict, and a strict refusal it would accept says so.
#[test]
fn r13_a_strict_refusal_names_the_policy_that_accepts_it() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| std::fs::write(dir.path().join(name), text).unwrap();
    write(
        "v1.json",
        r#"{"type":"object","properties":{"id":{"type":"string"}},"additionalProperties":false}"#,
    );
    write(
        "v2.json",
        r#"{"type":"object","properties":{"id":{"type":"string"},"region":{"type":"string","default":"eu"}},"required":["region"],"additionalProperties":false}"#,
    );
    let strict = charter_in(dir.path(), &["diff", "v1.json", "v2.json"]);
    assert_eq!(strict.code, 1, "{}", strict.transcript());
    assert!(
        strict.stdout.ends_with(
            "note: --policy lenient or --policy confluent would accept this change (the Confluent Schema Registry's verdict)\n"
        ),
        "{}",
        strict.transcript()
    );
    let json = charter_in(
        dir.path(),
        &[
            "check",
            "v2.json",
            "--against",
            "v1.json",
            "--output",
            "json",
        ],
    );
    assert_eq!(json.code, 1, "{}", json.transcript());
    assert_eq!(
        json.json()["accepted_by"],
        serde_json::json!(["lenient", "confluent"])
    );
    let confluent = charter_in(
        dir.path(),
        &[
            "check",
            "v2.json",
            "--against",
            "v1.json",
            "--policy",
            "confluent",
        ],
    );
    assert_eq!(confluent.code, 0, "{}", confluent.transcript());
    assert!(
        confluent.stdout.contains("(policy: confluent)"),
        "{}",
        confluent.transcript()
    );
    let unknown = charter_in(
        dir.path(),
        &["diff", "v1.json", "v2.json", "--policy", "loose"],
    );
    assert_eq!(unknown.code, 2, "{}", unknown.transcript());
    assert!(
        unknown
            .stderr
            .contains("expected strict, lenient or confluent"),
        "{}",
        unknown.transcript()
    );
}
