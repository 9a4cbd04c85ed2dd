//! Authentication end to end against the real binary: `hash-secret`,
//! HTTP Basic and bearer tokens from the auth file, anonymous and metrics
//! access, malformed and oversized credentials (401, never 500), failure
//! counts by reason, the verification cache, the back-off, SIGHUP reloads
//! and the start-up messages.

mod common;

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::auth::{basic, bearer, hash, refused_start, start_with_auth};
use common::{Answer, Server, temp_dir};
use serde_json::json;

fn file(extra: &str) -> String {
    format!(
        r#"{extra}
[[principals]]
name = "orders-ci"
roles = ["producers"]
password_hash = "{}"
token_hash = "{}"

[[principals]]
name = "monitor"
password_hash = "{}"

[[grants]]
role = "producers"
subjects = ["orders-*"]
permissions = ["read", "write"]
"#,
        hash("pw-orders-ci"),
        hash("tok-orders-ci-7f3a"),
        hash("pw-monitor"),
    )
}

async fn get(server: &Server, authorization: Option<&str>, path: &str) -> Answer {
    server.call_as(authorization, "GET", path, None).await
}

fn assert_401(answer: &Answer, what: &str) {
    assert_eq!(
        (answer.status, answer.code()),
        (401, 40101),
        "{what}: {}",
        answer.text
    );
    assert!(
        answer.headers.get_all("www-authenticate").iter().count() == 2,
        "{what}: {:?}",
        answer.headers
    );
}

/// The value of one series of the metrics text.
async fn metric(server: &Server, authorization: Option<&str>, series: &str) -> u64 {
    let text = get(server, authorization, "/metrics").await.text;
    text.lines()
        .find_map(|l| l.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
        .unwrap_or_else(|| panic!("no {series} in\n{text}"))
}

#[test]
fn hash_secret_prints_only_the_hash_of_stdin_without_its_newline() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_charter-registry"))
        .arg("hash-secret")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"s3cret-h4sh\n")
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success());
    let stdout = String::from_utf8(output.stdout).unwrap();
    let printed = stdout.strip_suffix('\n').unwrap();
    assert!(printed.starts_with("$argon2id$v=19$"), "{stdout}");
    assert!(!printed.contains('\n') && !stdout.contains("s3cret"));
    assert!(output.stderr.is_empty());
    assert!(registry::auth::secret::verify(b"s3cret-h4sh", printed));
    assert!(!registry::auth::secret::verify(b"s3cret-h4sh\n", printed));

    let empty = Command::new(env!("CARGO_BIN_EXE_charter-registry"))
        .arg("hash-secret")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(empty.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&empty.stderr).contains("no secret on standard input"));
}

#[tokio::test]
async fn basic_and_tokens_from_the_file() {
    let server = start_with_auth(&file(""), &[], &[]);
    assert!(
        server.stderr().contains("authentication on: 2 principals"),
        "{}",
        server.stderr()
    );
    let ci = basic("orders-ci", "pw-orders-ci");
    let token = bearer("tok-orders-ci-7f3a");
    for authorization in [&ci, &token] {
        let answer = server.register_as(authorization, "orders-value").await;
        assert_eq!(answer.status, 200, "{}", answer.text);
        assert_eq!(
            get(&server, Some(authorization), "/subjects").await.body,
            json!(["orders-value"])
        );
    }
    // The role's grant stops at its subjects.
    let refused = server.register_as(&ci, "payments-value").await;
    assert_eq!((refused.status, refused.code()), (403, 40301));
    assert_eq!(
        refused.message(),
        "principal `orders-ci` lacks `write` on subject `payments-value`"
    );
    // A principal with no grant may ask what needs no permission.
    let monitor = basic("monitor", "pw-monitor");
    assert_eq!(
        get(&server, Some(&monitor), "/subjects").await.body,
        json!([])
    );
    assert_eq!(get(&server, Some(&monitor), "/metrics").await.status, 200);
    // Health is open to anyone, whatever they send.
    for authorization in [None, Some("Basic !!"), Some(ci.as_str())] {
        assert_eq!(
            get(&server, authorization, "/health/live").await.status,
            200
        );
        assert_eq!(
            get(&server, authorization, "/health/ready").await.status,
            200
        );
    }

    let wrong = [
        (None, "missing"),
        (Some(basic("orders-ci", "pw-wrong")), "wrong_password"),
        (Some(basic("nobody", "pw-orders-ci")), "unknown_principal"),
        (Some(bearer("tok-wrong")), "unknown_token"),
    ];
    for (authorization, reason) in &wrong {
        let answer = get(&server, authorization.as_deref(), "/subjects").await;
        assert_401(&answer, reason);
        assert!(!answer.text.contains("pw-") && !answer.text.contains("tok-"));
    }
    for (_, reason) in &wrong {
        let series = format!("charter_auth_failures_total{{reason=\"{reason}\"}}");
        assert_eq!(
            metric(&server, Some(&monitor), &series).await,
            1,
            "{reason}"
        );
    }
    assert_eq!(
        metric(&server, Some(&monitor), "charter_auth_denied_total").await,
        1
    );
}

impl Server {
    async fn register_as(&self, authorization: &str, subject: &str) -> Answer {
        let body = json!({"schemaType": "JSON", "schema": r#"{"type":"object"}"#});
        self.call_as(
            Some(authorization),
            "POST",
            &format!("/subjects/{subject}/versions"),
            Some(&body),
        )
        .await
    }
}

#[tokio::test]
async fn malformed_credentials_answer_401_never_500() {
    let server = start_with_auth(&file(""), &[], &[]);
    let b64 = |s: &[u8]| {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.encode(s)
    };
    let shapes = [
        "Basic".to_string(),
        "Basic !!!not-base64!!!".to_string(),
        format!("Basic {}", b64(b"no-colon")),
        format!("Basic {}", b64(b":no-user")),
        format!("Basic {}", b64(b"\xff\xfe:bytes")),
        "Bearer".to_string(),
        "Bearer two words".to_string(),
        "Digest username=\"orders-ci\"".to_string(),
        "orders-ci:pw-orders-ci".to_string(),
        format!("Bearer {}", "x".repeat(64 * 1024)),
    ];
    for shape in &shapes {
        let answer = server
            .raw_with("GET", "/subjects", None, None, &[("Authorization", shape)])
            .await;
        assert_401(&answer, &shape[..shape.len().min(40)]);
    }
    let latin1 = reqwest::header::HeaderValue::from_bytes(b"Basic \xe9\xe9").unwrap();
    let answer = reqwest::Client::new()
        .get(format!("{}/subjects", server.base))
        .header("Authorization", latin1)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 401);
    // A header past what the server reads at all: 431, not a 500.
    let huge = format!("Bearer {}", "x".repeat(1024 * 1024));
    match reqwest::Client::new()
        .get(format!("{}/subjects", server.base))
        .header("Authorization", huge)
        .send()
        .await
    {
        Ok(answer) => assert!(
            matches!(answer.status().as_u16(), 401 | 431),
            "{}",
            answer.status()
        ),
        // The server may close before the client has sent it all.
        Err(e) => assert!(!e.is_status(), "{e}"),
    }
    let monitor = basic("monitor", "pw-monitor");
    let malformed = metric(
        &server,
        Some(&monitor),
        "charter_auth_failures_total{reason=\"malformed\"}",
    )
    .await;
    let oversized = metric(
        &server,
        Some(&monitor),
        "charter_auth_failures_total{reason=\"oversized\"}",
    )
    .await;
    assert_eq!((malformed, oversized), (10, 1));
    assert!(
        server
            .stderr()
            .lines()
            .all(|l| !l.contains("ERROR") && !l.contains("panicked")),
        "{}",
        server.stderr()
    );
}

#[tokio::test]
async fn a_verified_secret_is_not_hashed_again() {
    let server = start_with_auth(&file(""), &[], &[]);
    let ci = basic("orders-ci", "pw-orders-ci");
    let token = bearer("tok-orders-ci-7f3a");
    for _ in 0..20 {
        assert_eq!(get(&server, Some(&ci), "/subjects").await.status, 200);
        assert_eq!(get(&server, Some(&token), "/subjects").await.status, 200);
    }
    // Each secret hashed once: the other 19 requests found it verified.
    let verified = metric(
        &server,
        Some(&ci),
        "charter_auth_secret_verifications_total",
    )
    .await;
    assert_eq!(verified, 2, "password once, token once");
}

#[tokio::test]
async fn repeated_failures_from_one_address_are_slowed_down() {
    let server = start_with_auth(&file(""), &[], &[]);
    let ci = basic("orders-ci", "pw-orders-ci");
    // Verified (and cached) before the failures.
    assert_eq!(get(&server, Some(&ci), "/subjects").await.status, 200);
    let wrong = basic("orders-ci", "pw-guess");
    let mut took = Vec::new();
    for _ in 0..7 {
        let started = Instant::now();
        assert_401(&get(&server, Some(&wrong), "/subjects").await, "guess");
        took.push(started.elapsed());
    }
    // Failures 1 to 5 are free; the 6th attempt waits 250 ms, the 7th 500.
    assert!(took[5] >= Duration::from_millis(250), "{took:?}");
    assert!(took[6] >= Duration::from_millis(500), "{took:?}");
    // Credentials verified before do not wait, from the same address.
    let started = Instant::now();
    assert_eq!(get(&server, Some(&ci), "/subjects").await.status, 200);
    assert!(
        started.elapsed() < Duration::from_millis(250),
        "{:?}",
        started.elapsed()
    );
    // Missing credentials are not an attempt: nothing to slow down.
    let started = Instant::now();
    assert_401(&get(&server, None, "/subjects").await, "missing");
    assert!(started.elapsed() < Duration::from_millis(250));
    assert_eq!(
        metric(&server, Some(&ci), "charter_auth_backoff_delays_total").await,
        2
    );
}

#[tokio::test]
async fn anonymous_reading_and_open_metrics() {
    let server = start_with_auth(&file("anonymous = \"read\"\nmetrics = \"open\""), &[], &[]);
    let ci = basic("orders-ci", "pw-orders-ci");
    assert_eq!(server.register_as(&ci, "orders-value").await.status, 200);
    assert_eq!(
        get(&server, None, "/subjects").await.body,
        json!(["orders-value"])
    );
    assert_eq!(
        get(&server, None, "/subjects/orders-value/versions/1")
            .await
            .status,
        200
    );
    assert_eq!(get(&server, None, "/schemas/ids/1").await.status, 200);
    assert_eq!(get(&server, None, "/metrics").await.status, 200);
    // Reading only: anything more asks for credentials.
    let body = json!({"schemaType": "JSON", "schema": "{}"});
    let answer = server
        .call_as(None, "POST", "/subjects/orders-value/versions", Some(&body))
        .await;
    assert_401(&answer, "anonymous write");
    assert_401(&get(&server, None, "/contexts").await, "anonymous admin");
    // Wrong credentials are refused even where anonymous reading is allowed.
    assert_401(
        &get(&server, Some(&basic("orders-ci", "nope")), "/subjects").await,
        "wrong",
    );
}

#[tokio::test]
async fn metrics_need_a_principal_unless_open() {
    let server = start_with_auth(&file(""), &[], &[]);
    assert_401(&get(&server, None, "/metrics").await, "metrics");
}

#[tokio::test]
async fn sighup_reloads_the_file_and_keeps_it_when_the_new_one_is_invalid() {
    let server = start_with_auth(&file(""), &[], &[]);
    let newcomer = basic("newcomer", "pw-newcomer");
    assert_401(&get(&server, Some(&newcomer), "/subjects").await, "before");
    let added = format!(
        "{}\n[[principals]]\nname = \"newcomer\"\npassword_hash = \"{}\"\n",
        file(""),
        hash("pw-newcomer")
    );
    std::fs::write(server.auth_file(), added).unwrap();
    server.signal("HUP");
    let deadline = Instant::now() + Duration::from_secs(20);
    while get(&server, Some(&newcomer), "/subjects").await.status != 200 {
        assert!(
            Instant::now() < deadline,
            "not reloaded:\n{}",
            server.stderr()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(server.stderr().contains("auth file reloaded: 3 principals"));

    std::fs::write(
        server.auth_file(),
        "[[principals]]\nname = \"x\"\nrole = \"typo\"\n",
    )
    .unwrap();
    server.signal("HUP");
    while !server.stderr().contains("NOT reloaded") {
        assert!(
            Instant::now() < deadline,
            "no refusal logged:\n{}",
            server.stderr()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let log = server.stderr();
    assert!(
        log.contains("line 3, column 1: unknown field `role`"),
        "{log}"
    );
    assert_eq!(get(&server, Some(&newcomer), "/subjects").await.status, 200);
}

#[test]
fn an_invalid_file_at_start_is_an_error_naming_the_line() {
    let dir = temp_dir();
    let path = dir.path().join("auth.toml");
    std::fs::write(
        &path,
        "[[grants]]\nprincipal = \"a\"\nsubjects = [\"*\"]\npermissions = [\"read\", \"wrtie\"]\n",
    )
    .unwrap();
    let stderr = refused_start(dir.path(), &["--auth-file", path.to_str().unwrap()]);
    assert!(
        stderr.contains(&format!(
            "invalid auth file {}, line 4, column 24: unknown variant `wrtie`",
            path.display()
        )),
        "{stderr}"
    );
}

#[tokio::test]
async fn without_a_file_the_log_says_the_registry_is_open() {
    let server = Server::start();
    assert!(
        server.stderr().contains("the registry is OPEN"),
        "{}",
        server.stderr()
    );
    assert_eq!(
        get(&server, Some("Basic !!"), "/subjects").await.status,
        200
    );
}

/// `fixtures/auth/auth.toml` does what its comments say, with the secrets
/// they give.
#[tokio::test]
async fn the_example_file_works_as_documented() {
    let fixture =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/auth/auth.toml");
    let server = Server::start_with(&["--auth-file", fixture.to_str().unwrap()]);
    let admin = basic("admin", "admin-secret");
    let ci = basic("orders-ci", "orders-ci-secret");
    let dashboard = bearer("dashboard-token");
    let body = json!({"compatibility": "FULL"});
    assert_eq!(
        server
            .call_as(Some(&admin), "PUT", "/config", Some(&body))
            .await
            .status,
        200
    );
    assert_eq!(server.register_as(&ci, "orders-value").await.status, 200);
    assert_eq!(server.register_as(&ci, "payments-value").await.status, 403);
    assert_eq!(
        server.register_as(&admin, "payments-value").await.status,
        200
    );
    assert_eq!(
        get(&server, Some(&dashboard), "/subjects").await.body,
        json!(["orders-value", "payments-value"])
    );
    assert_eq!(
        server.register_as(&dashboard, "orders-value").await.status,
        403
    );
    assert_eq!(get(&server, None, "/metrics").await.status, 200);
    assert_401(&get(&server, None, "/subjects").await, "anonymous");
}
