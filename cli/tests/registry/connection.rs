//! How the client meets registries that are down, failing, slow or guarded.

use std::net::TcpListener;
use std::process::Command;

use crate::canned::Canned;
use crate::common::{self, fixture};
use crate::server::Registry;
use crate::{SUBJECT, V1};

#[test]
fn a_registry_that_is_down_exits_three_with_one_clear_line() {
    // A registry that was up, and is stopped: its port is closed.
    let mut registry = Registry::start();
    registry.register(SUBJECT, V1);
    registry.stop();
    let url = registry.url.trim_end_matches('/').to_string();
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
fn an_answer_larger_than_the_bound_is_refused_not_read_into_memory() {
    // Two million bytes of a subject list, against a bound of one million.
    let names: Vec<String> = (0..100_000).map(|i| format!("subject-{i:09}")).collect();
    let body: &'static str = Box::leak(serde_json::to_string(&names).unwrap().into_boxed_str());
    assert!(body.len() > 2_000_000);
    let canned = Canned::start(vec![(200, body)]);
    let url = canned.url.trim_end_matches('/').to_string();
    let run = common::charter(&[
        "subjects",
        "--registry",
        &url,
        "--registry-max-answer-bytes",
        "1000000",
    ]);
    assert_eq!(run.code, 3, "{}", run.transcript());
    assert_eq!(
        run.stderr,
        format!(
            "error: registry {url}/ answered GET subjects with more than 1000000 bytes (--registry-max-answer-bytes)\n"
        )
    );
    // Not retried: a second try would be as large. (The stand-in records a
    // request once it has answered, after `charter` may have exited.)
    for _ in 0..100 {
        if !canned.requests().is_empty() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    std::thread::sleep(std::time::Duration::from_millis(200));
    assert_eq!(canned.requests().len(), 1);
    // Within the bound it is read as before.
    let run = common::charter(&["subjects", "--registry", &url]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert_eq!(run.stdout.lines().count(), 100_000);
}
