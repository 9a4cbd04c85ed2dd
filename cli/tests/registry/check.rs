//! `charter check --subject`: the registry's verdict beside Charter's.

use serde_json::json;

use crate::common::fixture;
use crate::server::Registry;
use crate::{SUBJECT, V1, V2, V3};

#[test]
fn check_accepts_any_first_schema_for_a_new_subject() {
    let registry = Registry::start();
    let run = registry.charter(&["check", &fixture(V3), "--subject", SUBJECT]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    insta::assert_snapshot!(registry.transcript(&run));
}

#[test]
fn check_prints_breaking_changes_with_examples_and_the_registry_verdict() {
    let registry = Registry::start();
    registry.register(SUBJECT, V1);
    registry.register(SUBJECT, V2);
    let run = registry.charter(&["check", &fixture(V3), "--subject", SUBJECT]);
    assert_eq!(run.code, 1, "{}", run.transcript());
    insta::assert_snapshot!(registry.transcript(&run));

    let json = registry.charter(&[
        "check",
        &fixture(V3),
        "--subject",
        SUBJECT,
        "--output",
        "json",
    ]);
    assert_eq!(json.code, 1);
    let report = json.json();
    assert_eq!(report["compatible"], false);
    assert_eq!(report["mode"], "BACKWARD");
    assert_eq!(report["engine_judged"], true);
    let side = &report["registry"];
    assert_eq!(side["is_compatible"], false);
    assert_eq!(side["engine_agrees"], true);
    assert_eq!(side["level"], "BACKWARD");
    assert_eq!(side["versions"], json!([1, 2]));
    assert_eq!(
        side["fetched"],
        json!([2]),
        "BACKWARD needs the latest only"
    );
    let changes = report["changes"].as_array().unwrap();
    assert!(!changes.is_empty());
    for change in changes
        .iter()
        .filter(|c| c["breaks"] == json!(["backward"]))
    {
        assert!(change["example"].is_object(), "no example: {change}");
    }

    let ok = registry.charter(&["check", &fixture(V2), "--subject", SUBJECT]);
    assert_eq!(ok.code, 0, "{}", ok.transcript());
    assert!(ok.stdout.contains("ACCEPTED by registry"), "{}", ok.stdout);
}

#[test]
fn check_takes_the_subjects_level_and_mode_overrides_only_charters_judgement() {
    let registry = Registry::start();
    registry.register(SUBJECT, V2);
    registry.set_level(SUBJECT, "NONE");
    let accepted = registry.charter(&["check", &fixture(V3), "--subject", SUBJECT]);
    assert_eq!(accepted.code, 0, "{}", accepted.transcript());
    assert!(accepted.stdout.contains("COMPATIBLE under NONE"));

    let stricter = registry.charter(&[
        "check",
        &fixture(V3),
        "--subject",
        SUBJECT,
        "--mode",
        "backward",
        "--output",
        "json",
    ]);
    assert_eq!(stricter.code, 1, "{}", stricter.transcript());
    let report = stricter.json();
    assert_eq!(report["mode"], "BACKWARD");
    assert_eq!(report["registry"]["is_compatible"], true);
    assert_eq!(report["registry"]["level"], "NONE");
}

#[test]
fn check_judges_the_registrys_versions_and_files_as_one_history() {
    let registry = Registry::start();
    registry.register(SUBJECT, V1);
    let run = registry.charter(&[
        "check",
        &fixture(V3),
        "--subject",
        SUBJECT,
        "--against",
        &fixture(V2),
        "--mode",
        "BACKWARD_TRANSITIVE",
        "--output",
        "json",
    ]);
    assert_eq!(run.code, 1, "{}", run.transcript());
    let report = run.json();
    // Index 0 is the registry's version 1, index 1 the file.
    let against: Vec<i64> = report["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["against"].as_i64())
        .collect();
    assert!(against.contains(&0) && against.contains(&1), "{against:?}");
    assert_eq!(report["registry"]["fetched"], json!([1]));

    let text = registry.charter(&[
        "check",
        &fixture(V3),
        "--subject",
        SUBJECT,
        "--against",
        &fixture(V2),
        "--mode",
        "BACKWARD_TRANSITIVE",
    ]);
    assert!(
        text.stdout.contains("(against orders-value version 1)"),
        "{}",
        text.stdout
    );
    assert!(
        text.stdout.contains("order-placed.v2.json)"),
        "{}",
        text.stdout
    );
}

#[test]
fn check_github_and_junit_reports_carry_the_registry_verdict() {
    let registry = Registry::start();
    registry.register(SUBJECT, V2);
    let github = registry.charter(&[
        "check",
        &fixture(V3),
        "--subject",
        SUBJECT,
        "--output",
        "github",
    ]);
    assert_eq!(github.code, 1);
    assert!(
        github
            .stdout
            .lines()
            .any(|l| l.starts_with("::error ") && l.contains("title=registry rejects::")),
        "{}",
        github.stdout
    );
    for line in github.stdout.lines() {
        assert!(
            line.starts_with("::") || line.starts_with("INCOMPATIBLE"),
            "{line}"
        );
    }

    let junit = registry.charter(&[
        "check",
        &fixture(V3),
        "--subject",
        SUBJECT,
        "--output",
        "junit",
    ]);
    assert_eq!(junit.code, 1);
    let doc = roxmltree::Document::parse(&junit.stdout).expect("JUnit XML");
    let suite = doc
        .descendants()
        .find(|n| n.has_tag_name("testsuite"))
        .unwrap();
    assert!(
        suite
            .attribute("name")
            .unwrap()
            .contains("orders-value version 1"),
        "{}",
        junit.stdout
    );
    assert!(
        junit.stderr.contains("REJECTED by registry"),
        "{}",
        junit.stderr
    );
}

/// A subject with a `compatibilityGroup`: `check` judges a candidate only
/// against the versions of its own line (the metadata property's value),
/// as the registry does, so both say a new major line is accepted and an
/// incompatible change inside line 1 is refused; the report names the line.
#[test]
fn check_honours_the_compatibility_group() {
    let registry = Registry::start();
    let (status, answer) = crate::server::http(
        "PUT",
        &format!("{}config/{SUBJECT}", registry.url),
        Some(json!({"compatibility": "BACKWARD", "compatibilityGroup": "major_version"})),
    );
    assert_eq!(status, 200, "{answer}");
    let v1 = fixture(V1);
    let first = registry.charter(&[
        "register",
        &v1,
        "--subject",
        SUBJECT,
        "--property",
        "major_version=1",
    ]);
    assert_eq!(first.code, 0, "{}", first.transcript());
    let v3 = fixture(V3);
    // V3 breaks V1: refused in line 1 ...
    let inside = registry.charter(&[
        "check",
        &v3,
        "--subject",
        SUBJECT,
        "--property",
        "major_version=1",
        "--output",
        "json",
    ]);
    assert_eq!(inside.code, 1, "{}", inside.transcript());
    let side = &inside.json()["registry"];
    assert_eq!(side["is_compatible"], false, "{side}");
    assert_eq!(side["engine_agrees"], true, "{side}");
    assert_eq!(
        side["compatibility_group"]["judged_against"],
        json!([1]),
        "{side}"
    );
    // ... and accepted as the first version of line 2, by both.
    let apart = registry.charter(&[
        "check",
        &v3,
        "--subject",
        SUBJECT,
        "--property",
        "major_version=2",
    ]);
    assert_eq!(apart.code, 0, "{}", apart.transcript());
    assert!(
        apart.stdout.contains("compatibility group `major_version` = \"2\": judged against the versions of that line only"),
        "{}",
        apart.transcript()
    );
    let json = registry.charter(&[
        "check",
        &v3,
        "--subject",
        SUBJECT,
        "--property",
        "major_version=2",
        "--output",
        "json",
    ]);
    let side = &json.json()["registry"];
    assert_eq!(
        (side["is_compatible"].clone(), side["engine_agrees"].clone()),
        (json!(true), json!(true)),
        "{side}"
    );
    assert_eq!(
        side["compatibility_group"]["judged_against"],
        json!([]),
        "{side}"
    );
    let second = registry.charter(&[
        "register",
        &v3,
        "--subject",
        SUBJECT,
        "--property",
        "major_version=2",
    ]);
    assert_eq!(second.code, 0, "{}", second.transcript());
}
