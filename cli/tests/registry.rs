//! The registry commands end to end: the real `charter` binary against a
//! real `charter-registry` started on a fresh SQLite database per test, and
//! against stand-ins for a registry that is down, slow to recover or
//! guarded by credentials.

#[allow(dead_code)] // not every helper is used here
mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};

use common::registry::{Registry, closed_port, http};
use common::{charter, charter_in, fixture, root};
use serde_json::{Value, json};

const V1: &str = "contracts/orders/order-placed.v1.json";
const V2: &str = "contracts/orders/order-placed.v2.json";
const V3: &str = "contracts/orders/order-placed.v3.json";
const SUBJECT: &str = "orders-value";

/// A stand-in registry answering canned responses in turn (the last one
/// repeated), recording each request's head.
struct Canned {
    url: String,
    requests: Arc<Mutex<Vec<String>>>,
}

impl Canned {
    fn start(answers: Vec<(u16, &'static str)>) -> Canned {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/", listener.local_addr().unwrap());
        let requests = Arc::new(Mutex::new(Vec::new()));
        let seen = requests.clone();
        std::thread::spawn(move || {
            for (n, stream) in listener.incoming().enumerate() {
                let Ok(stream) = stream else { return };
                let (status, body) = answers[n.min(answers.len() - 1)];
                let head = answer(stream, status, body);
                seen.lock().unwrap().push(head);
            }
        });
        Canned { url, requests }
    }

    fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }
}

/// Reads one request head, answers, closes; returns the head.
fn answer(mut stream: TcpStream, status: u16, body: &str) -> String {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut head = String::new();
    let mut length = 0;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
            break;
        }
        if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            length = value.trim().parse().unwrap_or(0);
        }
        head.push_str(&line);
    }
    let mut request_body = vec![0; length];
    let _ = reader.read_exact(&mut request_body);
    let _ = write!(
        stream,
        "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    head
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn help_names_every_command_and_the_exit_codes() {
    let run = common::charter(&["--help"]);
    assert_eq!(run.code, 0);
    for command in [
        "diff", "check", "validate", "expect", "register", "push", "get", "subjects", "versions",
    ] {
        assert!(
            run.stdout.contains(&format!("\n  {command} ")),
            "{command}: {}",
            run.stdout
        );
    }
    assert!(run.stdout.contains("3  the registry could not be reached"));
    assert!(run.stdout.contains("CHARTER_REGISTRY_AUTH"));
    let push = common::charter(&["push", "--help"]);
    assert!(push.stdout.contains("[[contract]]"), "{}", push.stdout);
}

#[test]
fn register_prints_id_and_version_and_a_second_run_changes_nothing() {
    let registry = Registry::start();
    let first = registry.charter(&["register", &fixture(V1), "--subject", SUBJECT]);
    let again = registry.charter(&["register", &fixture(V1), "--subject", SUBJECT]);
    let json = registry.charter(&[
        "register",
        &fixture(V2),
        "--subject",
        SUBJECT,
        "--output",
        "json",
    ]);
    insta::assert_snapshot!(format!(
        "{}\n{}",
        registry.transcript(&first),
        registry.transcript(&again)
    ));
    assert_eq!((first.code, again.code, json.code), (0, 0, 0));
    let answer = json.json();
    assert_eq!(answer["registered"], true);
    assert_eq!(answer["version"], 2);
    assert!(answer["id"].as_i64().unwrap() > 0);
}

#[test]
fn register_refused_as_incompatible_exits_one_with_the_reasons() {
    let registry = Registry::start();
    registry.register(SUBJECT, V2);
    let run = registry.charter(&["register", &fixture(V3), "--subject", SUBJECT]);
    assert_eq!(run.code, 1, "{}", run.transcript());
    insta::assert_snapshot!(registry.transcript(&run));
    let json = registry.charter(&[
        "register",
        &fixture(V3),
        "--subject",
        SUBJECT,
        "--output",
        "json",
    ]);
    assert_eq!(json.code, 1);
    let answer = json.json();
    assert_eq!(answer["incompatible"], true);
    assert!(
        answer["messages"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m.as_str().unwrap().contains("REQUIRED_ATTRIBUTE_ADDED"))
    );
}

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

#[test]
fn a_registry_that_is_down_exits_three_with_one_clear_line() {
    let port = closed_port();
    let url = format!("http://127.0.0.1:{port}");
    let file = fixture(V1);
    let manifest = fixture("contracts/contracts.toml");
    let commands: [&[&str]; 7] = [
        &["check", &file, "--subject", SUBJECT],
        &["expect", "--subject", SUBJECT, "--reader", &file],
        &["register", &file, "--subject", SUBJECT],
        &["push", &manifest],
        &["get", "--id", "1"],
        &["subjects"],
        &["versions", "--subject", SUBJECT],
    ];
    for args in commands {
        let mut args = args.to_vec();
        args.extend(["--registry", &url, "--registry-retries", "0"]);
        let run = common::charter(&args);
        assert_eq!(run.code, 3, "{args:?}: {}", run.transcript());
        assert_eq!(
            run.stderr,
            format!("error: registry {url}/ unreachable: connection refused\n"),
            "{args:?}"
        );
    }
    // The default retries (3 tries) end the same way, quickly.
    let started = std::time::Instant::now();
    let run = common::charter(&["subjects", "--registry", &url]);
    assert_eq!(run.code, 3);
    assert!(started.elapsed().as_secs() < 10);
}

#[test]
fn usage_errors_exit_two() {
    let file = fixture(V1);
    let cases: [(&[&str], &str); 5] = [
        (
            &["subjects"],
            "no registry given: pass --registry URL or set CHARTER_REGISTRY_URL",
        ),
        (
            &["subjects", "--registry", "localhost:8081"],
            "expected an http:// or https:// URL",
        ),
        (&["check", &file], "--against"),
        (&["get", "--registry", "http://127.0.0.1:1"], "--subject"),
        (
            &[
                "register",
                &file,
                "--subject",
                "s",
                "--reference",
                "x.json",
                "--registry",
                "http://127.0.0.1:1",
            ],
            "expected NAME=SUBJECT:VERSION",
        ),
    ];
    for (args, expected) in cases {
        let run = common::charter(args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.transcript());
        assert!(run.stderr.contains(expected), "{args:?}: {}", run.stderr);
    }
    let auth = Command::new(env!("CARGO_BIN_EXE_charter"))
        .args(["subjects", "--registry", "http://127.0.0.1:1"])
        .env("CHARTER_REGISTRY_AUTH", "Bearer ")
        .output()
        .unwrap();
    assert_eq!(auth.status.code(), Some(2));
}

#[test]
fn server_errors_are_retried_and_credentials_are_sent() {
    let canned = Canned::start(vec![(503, ""), (502, "bad gateway"), (200, r#"["a","b"]"#)]);
    let run = Command::new(env!("CARGO_BIN_EXE_charter"))
        .args(["subjects", "--registry", &canned.url])
        .env("CHARTER_REGISTRY_AUTH", "key:secret")
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&run.stdout), "a\nb\n");
    let requests = canned.requests();
    assert_eq!(requests.len(), 3, "{requests:?}");
    for head in &requests {
        assert!(head.starts_with("GET /subjects HTTP/1.1"), "{head}");
        // base64("key:secret")
        assert!(
            head.contains("authorization: Basic a2V5OnNlY3JldA==")
                || head.contains("Authorization: Basic a2V5OnNlY3JldA=="),
            "{head}"
        );
        assert!(
            head.to_ascii_lowercase()
                .contains("accept: application/vnd.schemaregistry.v1+json")
        );
    }

    let bearer = Canned::start(vec![(200, "[]")]);
    let run = Command::new(env!("CARGO_BIN_EXE_charter"))
        .args(["subjects", "--registry", &bearer.url])
        .env("CHARTER_REGISTRY_AUTH", "Bearer t0k3n")
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(0));
    assert!(
        bearer.requests()[0]
            .to_ascii_lowercase()
            .contains("authorization: bearer t0k3n")
    );

    let failing = Canned::start(vec![(
        500,
        r#"{"error_code": 50001, "message": "Error in the backend data store"}"#,
    )]);
    let run = common::charter(&[
        "subjects",
        "--registry",
        &failing.url,
        "--registry-retries",
        "1",
    ]);
    assert_eq!(run.code, 3);
    assert_eq!(
        run.stderr,
        format!(
            "error: registry {} answered 500 (error 50001): Error in the backend data store\n",
            failing.url
        )
    );
    assert_eq!(failing.requests().len(), 2, "one retry");
    // A registry that accepts connections and never answers times out.
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/", silent.local_addr().unwrap());
    let started = std::time::Instant::now();
    let run = common::charter(&[
        "subjects",
        "--registry",
        &url,
        "--registry-timeout",
        "1",
        "--registry-retries",
        "0",
    ]);
    assert_eq!(run.code, 3, "{}", run.transcript());
    assert_eq!(
        run.stderr,
        format!("error: registry {url} unreachable: no answer within 1 s (--registry-timeout)\n")
    );
    assert!(started.elapsed().as_secs() < 5);
    drop(silent);
    // Client errors are not retried.
    let refused = Canned::start(vec![(
        401,
        r#"{"error_code": 401, "message": "Unauthorized"}"#,
    )]);
    let run = common::charter(&["subjects", "--registry", &refused.url]);
    assert_eq!(run.code, 3);
    assert_eq!(refused.requests().len(), 1);
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

#[test]
fn references_are_fetched_from_the_registry_to_read_and_sent_along() {
    let registry = Registry::start();
    registry.register("shared.money", "contracts/shared/money.json");
    let payment = fixture("contracts/payments/payment-captured.json");
    let name = "https://contracts.acme.example/shared/money.json";
    let reference = format!("{name}=shared.money:1");

    let without = registry.charter(&["register", &payment, "--subject", "payments"]);
    assert_eq!(without.code, 2, "{}", without.transcript());
    assert!(
        without.stderr.contains("was not fetched"),
        "{}",
        without.stderr
    );

    let with = registry.charter(&[
        "register",
        &payment,
        "--subject",
        "payments",
        "--reference",
        &reference,
        "--output",
        "json",
    ]);
    assert_eq!(with.code, 0, "{}", with.transcript());
    assert_eq!(with.json()["version"], 1);
    let record = registry.charter(&["get", "--subject", "payments", "--output", "json"]);
    assert_eq!(record.json()["references"][0]["subject"], "shared.money");

    let check = registry.charter(&[
        "check",
        &payment,
        "--subject",
        "payments",
        "--registry-reference",
        &reference,
    ]);
    assert_eq!(check.code, 0, "{}", check.transcript());
    let expect = registry.charter(&[
        "expect",
        "--subject",
        "payments",
        "--reader",
        &payment,
        "--reference",
        &format!("{name}={}", fixture("contracts/shared/money.json")),
    ]);
    assert_eq!(expect.code, 0, "{}", expect.transcript());
}

#[test]
fn validate_takes_the_schema_from_a_subject() {
    let registry = Registry::start();
    registry.register("orders-value", "contracts/orders/order-placed.v1.json");
    let valid = fixture("payloads/order-placed.valid.ndjson");
    let mixed = fixture("payloads/order-placed.mixed.ndjson");
    let ok = registry.charter(&["validate", &valid, "--subject", "orders-value"]);
    assert_eq!(ok.code, 0, "{}", registry.transcript(&ok));
    let pinned = registry.charter(&[
        "validate",
        &valid,
        "--subject",
        "orders-value",
        "--version",
        "1",
    ]);
    assert_eq!(pinned.code, 0, "{}", registry.transcript(&pinned));
    let bad = registry.charter(&[
        "validate",
        &mixed,
        "--subject",
        "orders-value",
        "--output",
        "json",
    ]);
    assert_eq!(bad.code, 1, "{}", registry.transcript(&bad));
    // The same verdict as validating against the file itself.
    let offline = charter(&[
        "validate",
        &mixed,
        "--schema",
        &fixture("contracts/orders/order-placed.v1.json"),
        "--output",
        "json",
    ]);
    assert_eq!(bad.json(), offline.json());
    let missing = registry.charter(&["validate", &valid, "--subject", "no-such-subject"]);
    assert_eq!(missing.code, 3, "{}", registry.transcript(&missing));
    let neither = charter(&["validate", &valid]);
    assert_eq!(neither.code, 2, "{}", neither.transcript());
}

#[test]
fn validate_binary_records_against_a_subject_tells_a_framed_id_that_differs() {
    let registry = Registry::start();
    let avsc = "contracts/orders/order-placed.v3.avsc";
    registry.register("orders-avro-value", avsc);
    let record = registry.charter(&["get", "--subject", "orders-avro-value", "--output", "json"]);
    let id = record.json()["id"].as_u64().unwrap() as u32;
    let json_records = fixture("payloads/order-placed.avro.ndjson");
    let ok = registry.charter(&["validate", &json_records, "--subject", "orders-avro-value"]);
    assert_eq!(ok.code, 0, "{}", registry.transcript(&ok));

    let text = std::fs::read_to_string(root().join("fixtures").join(avsc)).unwrap();
    let schema =
        schemas::Schema::parse(schemas::SchemaType::Avro, &text, &schemas::NoReferences).unwrap();
    let first = std::fs::read_to_string(&json_records).unwrap();
    let datum: Value = serde_json::from_str(first.lines().next().unwrap()).unwrap();
    let bytes = schemas::payload::PayloadValidator::new(Arc::new(schema), None)
        .unwrap()
        .encode(&datum)
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("same.bin"),
        schemas::wire::frame(id, None, &bytes),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("other.bin"),
        schemas::wire::frame(id + 100, None, &bytes),
    )
    .unwrap();
    let run = registry.charter_in(
        dir.path(),
        &[
            "validate",
            "--binary",
            "same.bin",
            "other.bin",
            "--subject",
            "orders-avro-value",
            "--output",
            "json",
        ],
    );
    // Decoded with the subject's schema, both records are valid; the one
    // naming another id says so.
    assert_eq!(run.code, 0, "{}", registry.transcript(&run));
    let files = run.json()["files"].clone();
    assert_eq!(files[0]["schema_id"], id);
    assert!(files[0].get("notes").is_none(), "{files}");
    assert_eq!(files[1]["schema_id"], id + 100);
    assert_eq!(
        files[1]["notes"][0],
        format!(
            "written with schema id {}, but orders-avro-value version 1 has id {id}; decoded with id {id}",
            id + 100
        )
    );
    let text = registry.charter_in(
        dir.path(),
        &[
            "validate",
            "--binary",
            "other.bin",
            "--subject",
            "orders-avro-value",
        ],
    );
    assert!(
        text.stdout
            .starts_with("other.bin: note: written with schema id"),
        "{}",
        text.stdout
    );
}
