//! `charter audit` against a Charter registry, and `charter` over TLS:
//! trusting the registry's CA (`--ca-cert`) and presenting a client
//! certificate (`--client-cert`, `--client-key`) to a registry that asks
//! for one.

use serde_json::Value;

use crate::common::fixture;
use crate::server::{Authority, Registry};
use crate::{SUBJECT, V1, V2};

/// The transcript with each event's time (the text before the first two
/// spaces of a line) filtered out.
fn without_times(registry: &Registry, run: &crate::common::Run) -> String {
    registry
        .transcript(run)
        .lines()
        .map(|line| match line.split_once("  ") {
            Some((time, rest)) if time.ends_with('Z') => format!("[TIME]  {rest}"),
            _ => line.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn audit_prints_the_trail_newest_first() {
    let registry = Registry::start();
    registry.register(SUBJECT, V1);
    registry.set_level(SUBJECT, "NONE");
    registry.register(SUBJECT, V2);
    registry.register("payments-value", V1);

    let run = registry.charter(&["audit", "--subject", SUBJECT]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    insta::assert_snapshot!(without_times(&registry, &run));

    let run = registry.charter(&["audit", "--limit", "2", "--output", "json"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    let answer: Value = serde_json::from_str(&run.stdout).expect("JSON");
    let events = answer["events"].as_array().expect("events");
    assert_eq!(events.len(), 2);
    assert_eq!(events[0]["subject"], "payments-value");
    assert_eq!(events[0]["action"], "register");
    assert_eq!(events[1]["version"], 2);

    // The registry checks the query; charter reports what it said.
    let run = registry.charter(&["audit", "--since", "last tuesday"]);
    assert_eq!(run.code, 3, "{}", run.transcript());
    assert!(run.stderr.contains("since"), "{}", run.stderr);
    let run = registry.charter(&["audit", "--limit", "0"]);
    assert_eq!(run.code, 2, "{}", run.transcript());
}

#[test]
fn charter_trusts_a_ca_and_presents_a_client_certificate() {
    let authority = Authority::new("charter test CA");
    // The client certificate names the principal; nothing else may do
    // anything.
    let auth = r#"
[[principals]]
name = "charter-ci"

[[grants]]
principal = "charter-ci"
subjects = ["*"]
permissions = ["read", "write"]
"#;
    let registry = Registry::start_tls(&authority, auth);
    let dir = tempfile::tempdir().unwrap();
    let client = authority.client(Some("charter-ci"), &[]);
    let write = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path.display().to_string()
    };
    let ca = write("ca.pem", &authority.pem);
    let cert = write("client.pem", &client.cert);
    let key = write("client-key.pem", &client.key);
    let tls = [
        "--ca-cert",
        &ca,
        "--client-cert",
        &cert,
        "--client-key",
        &key,
    ];
    let with = |args: &[&str]| {
        let mut all = args.to_vec();
        all.extend(tls);
        registry.charter(&all)
    };

    let run = with(&["register", &fixture(V1), "--subject", SUBJECT]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    let run = with(&["subjects"]);
    assert_eq!(
        (run.code, run.stdout.trim()),
        (0, SUBJECT),
        "{}",
        run.transcript()
    );

    // An unknown CA: the registry's certificate is not trusted.
    let run = registry.charter(&["subjects"]);
    assert_eq!(run.code, 3, "{}", run.transcript());
    // The CA, but no client certificate: no principal, 401.
    let run = registry.charter(&["subjects", "--ca-cert", &ca]);
    assert_eq!(run.code, 3, "{}", run.transcript());
    assert!(run.stderr.contains("401"), "{}", run.stderr);
    // Files that are not what the flag needs are named before any request.
    let run = registry.charter(&["subjects", "--ca-cert", &key]);
    assert_eq!(run.code, 2, "{}", run.transcript());
    assert!(run.stderr.contains("--ca-cert"), "{}", run.stderr);
    let run = registry.charter(&["subjects", "--client-cert", &cert]);
    assert_eq!(run.code, 2, "{}", run.transcript());
    assert!(run.stderr.contains("--client-key"), "{}", run.stderr);
}
