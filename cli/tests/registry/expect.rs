//! `charter expect`: the consumer-driven check against registered versions.

use serde_json::json;

use crate::common::{self, fixture};
use crate::server::Registry;
use crate::{SUBJECT, V1, V2};

#[test]
fn expect_reads_the_latest_version_by_default_and_all_on_request() {
    let registry = Registry::start();
    registry.register(SUBJECT, V1);
    registry.register(SUBJECT, V2);
    // The v1 consumer cannot read what v2 producers may send.
    let latest = registry.charter(&["expect", "--subject", SUBJECT, "--reader", &fixture(V1)]);
    assert_eq!(latest.code, 1, "{}", latest.transcript());
    insta::assert_snapshot!(registry.transcript(&latest));

    let first = registry.charter(&[
        "expect",
        "--subject",
        SUBJECT,
        "--reader",
        &fixture(V1),
        "--versions",
        "1",
    ]);
    assert_eq!(first.code, 0, "{}", first.transcript());

    let all = registry.charter(&[
        "expect",
        "--subject",
        SUBJECT,
        "--reader",
        &fixture(V1),
        "--versions",
        "all",
        "--output",
        "json",
    ]);
    assert_eq!(all.code, 1);
    let report = all.json();
    assert_eq!(
        report["writers"],
        json!([
            {"writer": "orders-value version 1", "readable": true},
            {"writer": "orders-value version 2", "readable": false},
        ])
    );
    let v2_reader = registry.charter(&[
        "expect",
        "--subject",
        SUBJECT,
        "--reader",
        &fixture(V2),
        "--versions",
        "all",
    ]);
    assert_eq!(v2_reader.code, 0, "{}", v2_reader.transcript());
    assert!(
        v2_reader.stdout.contains("READABLE"),
        "{}",
        v2_reader.stdout
    );

    let reader = fixture(V1);
    let expect = |output: &str| {
        let run = registry.charter(&[
            "expect",
            "--subject",
            SUBJECT,
            "--reader",
            &reader,
            "--versions",
            "all",
            "--output",
            output,
        ]);
        assert_eq!(run.code, 1, "{}", run.transcript());
        run.stdout
    };
    let github = expect("github");
    assert!(
        github
            .lines()
            .all(|l| l.starts_with("::") || l.starts_with("INCOMPATIBLE"))
    );
    assert!(
        github.contains(&format!("::error file={reader},line=")),
        "{github}"
    );
    let junit = expect("junit");
    let doc = roxmltree::Document::parse(&junit).expect("JUnit XML");
    let failing: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("testsuite") && n.attribute("failures") != Some("0"))
        .filter_map(|n| n.attribute("name"))
        .collect();
    assert_eq!(failing.len(), 1, "{junit}");
    assert!(
        failing[0].ends_with("against orders-value version 2"),
        "{failing:?}"
    );
}

#[test]
fn expect_works_offline_with_writer_files() {
    let unreadable = common::charter(&[
        "expect",
        "--reader",
        &fixture(V1),
        "--writer",
        &fixture(V1),
        &fixture(V2),
    ]);
    assert_eq!(unreadable.code, 1, "{}", unreadable.transcript());
    assert!(unreadable.stdout.contains("UNREADABLE"));
    assert!(unreadable.stdout.contains("order-placed.v2.json"));
    let readable = common::charter(&["expect", "--reader", &fixture(V2), "--writer", &fixture(V1)]);
    assert_eq!(readable.code, 0, "{}", readable.transcript());
    let neither = common::charter(&["expect", "--reader", &fixture(V2)]);
    assert_eq!(neither.code, 2, "{}", neither.transcript());
}
