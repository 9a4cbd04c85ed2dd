//! `charter get`, `subjects` and `versions`: reading what is registered.

use serde_json::json;

use crate::common::{charter_in, fixture};
use crate::server::{Registry, http};
use crate::{SUBJECT, V1, V2};

#[test]
fn get_subjects_and_versions_read_what_is_registered() {
    let registry = Registry::start();
    registry.register(SUBJECT, V1);
    registry.register(SUBJECT, V2);
    registry.register("payments-value", V1);

    let dir = tempfile::tempdir().unwrap();
    let latest = registry.charter(&["get", "--subject", SUBJECT]);
    assert_eq!(latest.code, 0);
    let by_version = registry.charter(&["get", "--subject", SUBJECT, "--version", "1"]);
    let record = registry.charter(&["get", "--subject", SUBJECT, "--output", "json"]);
    let record = record.json();
    assert_eq!(latest.stdout.trim_end(), record["schema"].as_str().unwrap());
    assert_eq!(record["version"], 2);
    assert_eq!(record["schemaType"], "JSON");
    // The schema text is a schema: diff reads it back.
    std::fs::write(dir.path().join("v1.json"), &by_version.stdout).unwrap();
    std::fs::write(dir.path().join("v2.json"), &latest.stdout).unwrap();
    let diff = charter_in(dir.path(), &["diff", "v1.json", "v2.json"]);
    assert_eq!(diff.code, 0, "{}", diff.transcript());
    let id = record["id"].as_i64().unwrap().to_string();
    let by_id = registry.charter(&["get", "--id", &id]);
    assert_eq!(by_id.stdout, latest.stdout);

    let subjects = registry.charter(&["subjects"]);
    assert_eq!(subjects.stdout, "orders-value\npayments-value\n");
    let prefixed = registry.charter(&["subjects", "--prefix", "pay", "--output", "json"]);
    assert_eq!(prefixed.json(), json!(["payments-value"]));
    let versions = registry.charter(&["versions", "--subject", SUBJECT]);
    assert_eq!(versions.stdout, "1\n2\n");
    let versions = registry.charter(&["versions", "--subject", SUBJECT, "--output", "json"]);
    assert_eq!(versions.json(), json!([1, 2]));

    let deleted = http(
        "DELETE",
        &format!("{}subjects/payments-value", registry.url),
        None,
    );
    assert_eq!(deleted.0, 200, "{deleted:?}");
    assert_eq!(registry.charter(&["subjects"]).stdout, "orders-value\n");
    assert_eq!(
        registry.charter(&["subjects", "--deleted"]).stdout,
        "orders-value\npayments-value\n"
    );
}

#[test]
fn subjects_with_odd_names_are_one_path_segment() {
    let registry = Registry::start();
    let subject = "team/orders value:v1";
    registry.register(subject, V1);
    let subjects = registry.charter(&["subjects"]);
    assert_eq!(subjects.stdout, format!("{subject}\n"));
    let versions = registry.charter(&["versions", "--subject", subject]);
    assert_eq!((versions.code, versions.stdout.as_str()), (0, "1\n"));
}

#[test]
fn an_unknown_subject_version_or_id_exits_three_and_says_so() {
    let registry = Registry::start();
    registry.register(SUBJECT, V1);
    let cases: [(&[&str], &str); 5] = [
        (
            &["versions", "--subject", "nope"],
            "answered 404 (error 40401): Subject 'nope' not found.",
        ),
        (&["get", "--subject", "nope"], "(error 40401)"),
        (
            &["get", "--subject", SUBJECT, "--version", "9"],
            "(error 40402)",
        ),
        (&["get", "--id", "999"], "(error 40403)"),
        (
            &["expect", "--subject", "nope", "--reader", V1],
            "(error 40401)",
        ),
    ];
    for (args, expected) in cases {
        let args: Vec<String> = args
            .iter()
            .map(|a| if *a == V1 { fixture(V1) } else { a.to_string() })
            .collect();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let run = registry.charter(&args);
        assert_eq!(run.code, 3, "{args:?}: {}", run.transcript());
        assert!(run.stdout.is_empty(), "{args:?}: {}", run.stdout);
        assert_eq!(run.stderr.lines().count(), 1, "{args:?}: {}", run.stderr);
        assert!(run.stderr.starts_with("error: registry http://127.0.0.1:"));
        assert!(run.stderr.contains(expected), "{args:?}: {}", run.stderr);
    }
}
