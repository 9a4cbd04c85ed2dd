//! `charter push`: a manifest registered all or nothing.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::common::fixture;
use crate::server::{Registry, http};
use crate::{V1, V2, V3};

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn push_checks_everything_first_and_registers_nothing_if_any_is_refused() {
    let registry = Registry::start();
    registry.register("orders.order-placed-value", V2);
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "new.json",
        &std::fs::read_to_string(fixture("contracts/shared/money.json")).unwrap(),
    );
    write(
        dir.path(),
        "orders.json",
        &std::fs::read_to_string(fixture(V3)).unwrap(),
    );
    let manifest = write(
        dir.path(),
        "contracts.toml",
        r#"
[[contract]]
subject = "fresh"
file = "new.json"
compatibility = "FULL"

[[contract]]
subject = "orders.order-placed-value"
file = "orders.json"
"#,
    );
    let manifest = manifest.display().to_string();
    let run = registry.charter(&["push", &manifest]);
    assert_eq!(run.code, 1, "{}", run.transcript());
    insta::assert_snapshot!(registry.transcript(&run));
    assert_eq!(
        registry.charter(&["subjects"]).stdout,
        "orders.order-placed-value\n",
        "nothing was registered"
    );
    assert_eq!(
        http("GET", &format!("{}config/fresh", registry.url), None).0,
        404,
        "no level set"
    );

    let json = registry.charter(&["push", &manifest, "--output", "json"]);
    assert_eq!(json.code, 1);
    let report = json.json();
    assert_eq!(report["accepted"], false);
    assert_eq!(report["contracts"][0]["action"], "register");
    assert_eq!(report["contracts"][1]["action"], "rejected");
    assert!(
        !report["contracts"][1]["changes"]
            .as_array()
            .unwrap()
            .is_empty()
    );
}

#[test]
fn push_dry_run_changes_nothing_and_a_second_push_registers_nothing_new() {
    let registry = Registry::start();
    let manifest = fixture("contracts/contracts.toml");
    let dry = registry.charter(&["push", &manifest, "--dry-run"]);
    assert_eq!(dry.code, 0, "{}", dry.transcript());
    insta::assert_snapshot!("dry_run", registry.transcript(&dry));
    assert_eq!(registry.charter(&["subjects"]).stdout, "");

    let first = registry.charter(&["push", &manifest]);
    assert_eq!(first.code, 0, "{}", first.transcript());
    insta::assert_snapshot!("first_push", registry.transcript(&first));
    let second = registry.charter(&["push", &manifest, "--output", "json"]);
    assert_eq!(second.code, 0, "{}", second.transcript());
    let report = second.json();
    assert_eq!(report["accepted"], true);
    for contract in report["contracts"].as_array().unwrap() {
        assert_eq!(contract["action"], "unchanged", "{contract}");
        assert_eq!(contract["level"], Value::Null, "{contract}");
    }
    // The manifest's levels were set; the reference points at the version
    // this push gave the referenced subject.
    let (_, config) = http("GET", &format!("{}config/shared.money", registry.url), None);
    assert_eq!(config["compatibilityLevel"], "FULL_TRANSITIVE");
    let record = registry.charter(&[
        "get",
        "--subject",
        "payments.payment-captured-value",
        "--output",
        "json",
    ]);
    assert_eq!(
        record.json()["references"],
        json!([{"name": "https://contracts.acme.example/shared/money.json", "subject": "shared.money", "version": 1}])
    );
}

#[test]
fn push_judges_under_the_level_the_manifest_asks_for() {
    let registry = Registry::start();
    registry.register("orders", V1);
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "orders.json",
        &std::fs::read_to_string(fixture(V2)).unwrap(),
    );
    // v2 only widens v1: fine under BACKWARD (the registry's level), refused
    // under FULL, which this push would set.
    let manifest = write(
        dir.path(),
        "contracts.toml",
        "[[contract]]\nsubject = \"orders\"\nfile = \"orders.json\"\ncompatibility = \"FULL\"\n",
    );
    let run = registry.charter(&["push", &manifest.display().to_string()]);
    assert_eq!(run.code, 1, "{}", run.transcript());
    assert!(
        run.stdout
            .contains("REJECTED `orders`: orders.json under FULL"),
        "{}",
        run.stdout
    );
    assert_eq!(
        registry
            .charter(&["versions", "--subject", "orders"])
            .stdout,
        "1\n"
    );
}

#[test]
fn push_reports_manifest_mistakes_as_input_errors() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            "[[contract]]\nsubject = \"a\"\nfile = \"a.json\"\nmode = \"FULL\"\n",
            "unknown field `mode`",
        ),
        (
            "[[contract]]\nsubject = \"a\"\nfile = \"missing.json\"\n",
            "missing.json: cannot read",
        ),
        (
            "[[contract]]\nsubject = \"a\"\nfile = \"a.json\"\nreferences = [{ name = \"b\", subject = \"b\" }]\n[[contract]]\nsubject = \"b\"\nfile = \"a.json\"\n",
            "must come before it",
        ),
    ];
    write(dir.path(), "a.json", r#"{"type": "object"}"#);
    let registry = Registry::start();
    for (text, expected) in cases {
        let manifest = write(dir.path(), "contracts.toml", text);
        let run = registry.charter(&["push", &manifest.display().to_string()]);
        assert_eq!(run.code, 2, "{text}: {}", run.transcript());
        assert!(run.stderr.contains(expected), "{text}: {}", run.stderr);
    }
}

/// A consumer's manifest: its readers are recorded with the contracts, all
/// or nothing, and a second push records nothing again.
#[test]
fn push_records_readers_with_the_contracts_all_or_nothing() {
    let registry = Registry::start();
    registry.register("orders", V1);
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "readers/orders.json",
        &std::fs::read_to_string(fixture(V1)).unwrap(),
    );
    write(
        dir.path(),
        "orders-v3.json",
        &std::fs::read_to_string(fixture(V3)).unwrap(),
    );
    let readers = r#"
[defaults]
consumer = "fulfillment"
environment = "prod"

[[consumes]]
subject = "orders"
reader = "readers/orders.json"
consumer_version = "1.4.2"

[[consumes]]
subject = "orders"
version = 1
environment = "staging"
"#;
    // A contract that would be refused stops the readers too.
    let refused = write(
        dir.path(),
        "refused.toml",
        &format!(
            "[[contract]]\nsubject = \"orders\"\nfile = \"orders-v3.json\"\ncompatibility = \"FULL\"\n{readers}"
        ),
    );
    let run = registry.charter(&["push", &refused.display().to_string()]);
    assert_eq!(run.code, 1, "{}", run.transcript());
    assert!(
        run.stdout
            .contains("would record `fulfillment` reads `orders` in prod: readers/orders.json")
            && run.stdout.contains("no reader recorded"),
        "{}",
        run.stdout
    );
    assert_eq!(
        http("GET", &format!("{}consumers", registry.url), None).1,
        json!([])
    );

    let manifest = write(dir.path(), "contracts.toml", readers);
    let manifest = manifest.display().to_string();
    let first = registry.charter(&["push", &manifest]);
    assert_eq!(first.code, 0, "{}", first.transcript());
    insta::assert_snapshot!("readers_first_push", registry.transcript(&first));
    let listed = registry.charter(&["consumer", "list", "--consumer", "fulfillment"]);
    assert_eq!(
        listed.stdout,
        "fulfillment reads orders in prod with its own JSON schema (consumer version 1.4.2)\n\
         fulfillment reads orders in staging with version 1\n",
        "{}",
        listed.transcript()
    );
    let second = registry.charter(&["push", &manifest, "--output", "json"]);
    assert_eq!(second.code, 0, "{}", second.transcript());
    let report = second.json();
    let actions: Vec<&str> = report["consumes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["unchanged", "unchanged"], "{report}");

    // A reader of a subject nobody registered is an input error, before
    // anything is written.
    let unknown = write(
        dir.path(),
        "unknown.toml",
        "[[contract]]\nsubject = \"fresh\"\nfile = \"orders-v3.json\"\n\n[[consumes]]\nsubject = \"nobody\"\nconsumer = \"fulfillment\"\nversion = 1\n",
    );
    let run = registry.charter(&["push", &unknown.display().to_string()]);
    assert_eq!(run.code, 2, "{}", run.transcript());
    assert!(
        run.stderr
            .contains("[[consumes]] `nobody`: no such subject"),
        "{}",
        run.stderr
    );
    assert!(!registry.charter(&["subjects"]).stdout.contains("fresh"));
}

/// A contract's `metadata` and `rule_set` (inline or a JSON file) are sent
/// with its schema; pushing the same manifest again registers nothing, and a
/// changed property alone makes a new version.
#[test]
fn push_sends_each_contracts_metadata_and_rule_set() {
    let registry = Registry::start();
    let dir = tempfile::tempdir().unwrap();
    let manifest = |major: &str| {
        write(
            dir.path(),
            "contracts.toml",
            &format!(
                "[[contract]]\nsubject = \"orders-value\"\nfile = {:?}\n\
                 metadata = {{ properties = {{ owner = \"orders-team\", major_version = \"{major}\" }} }}\n\
                 rule_set = {:?}\n",
                fixture(V1),
                fixture("contracts/orders/order-placed.rules.json"),
            ),
        )
        .display()
        .to_string()
    };
    let first = registry.charter(&["push", &manifest("1"), "--output", "json"]);
    assert_eq!(first.code, 0, "{}", first.transcript());
    let (status, record) = http(
        "GET",
        &format!("{}subjects/orders-value/versions/latest", registry.url),
        None,
    );
    assert_eq!(status, 200);
    assert_eq!(record["version"], 1);
    assert_eq!(
        record["metadata"]["properties"],
        json!({"owner": "orders-team", "major_version": "1"})
    );
    assert_eq!(
        record["ruleSet"]["domainRules"][0]["name"],
        "positiveVersion"
    );
    let again = registry.charter(&["push", &manifest("1")]);
    assert_eq!(again.code, 0, "{}", again.transcript());
    let (_, versions) = http(
        "GET",
        &format!("{}subjects/orders-value/versions", registry.url),
        None,
    );
    assert_eq!(
        versions,
        json!([1]),
        "the same contract is not registered again"
    );
    let major = registry.charter(&["push", &manifest("2")]);
    assert_eq!(major.code, 0, "{}", major.transcript());
    let (_, record) = http(
        "GET",
        &format!("{}subjects/orders-value/versions/latest", registry.url),
        None,
    );
    assert_eq!(record["version"], 2);
    assert_eq!(record["metadata"]["properties"]["major_version"], "2");
}
