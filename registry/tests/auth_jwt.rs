//! JWT bearer tokens end to end: keys the test makes (RS256, ES256,
//! EdDSA) in a JWKS file or served at a URL, tokens valid and not (expired,
//! not yet valid, wrong audience or issuer, unknown kid, `alg: none`,
//! HMAC, tampered), principal and roles from claims; and no secret of any
//! kind in the log at `--log-level trace`.

mod common;

use std::time::{Duration, Instant};

use common::auth::{SigningKey, basic, bearer, hash, jwks, now, refused_start, start_with_auth};
use common::{Answer, Server};
use serde_json::{Value, json};

const ISSUER: &str = "https://idp.test";
const AUDIENCE: &str = "charter-registry";

fn file(jwt: &str) -> String {
    format!(
        r#"
[[principals]]
name = "monitor"
password_hash = "{}"

[jwt]
issuer = "{ISSUER}"
audience = "{AUDIENCE}"
{jwt}
roles_claim = "groups"

[[grants]]
principal = "svc-orders"
subjects = ["orders-*"]
permissions = ["read", "write"]

[[grants]]
role = "auditors"
subjects = ["*"]
permissions = ["read"]
"#,
        hash("pw-monitor")
    )
}

fn claims(sub: &str) -> Value {
    json!({"sub": sub, "iss": ISSUER, "aud": AUDIENCE, "exp": now() + 600, "iat": now()})
}

fn with(mut claims: Value, key: &str, value: Value) -> Value {
    claims[key] = value;
    claims
}

async fn subjects(server: &Server, token: &str) -> Answer {
    server
        .call_as(Some(&bearer(token)), "GET", "/subjects", None)
        .await
}

async fn failures(server: &Server, reason: &str) -> u64 {
    let text = server
        .call_as(
            Some(&basic("monitor", "pw-monitor")),
            "GET",
            "/metrics",
            None,
        )
        .await
        .text;
    let series = format!("charter_auth_failures_total{{reason=\"{reason}\"}} ");
    text.lines()
        .find_map(|l| l.strip_prefix(&series)?.parse().ok())
        .unwrap()
}

#[tokio::test]
async fn tokens_signed_by_each_algorithm_and_refused_for_each_reason() {
    let rsa = SigningKey::rsa("rsa-1");
    let ec = SigningKey::ec("ec-1");
    let ed = SigningKey::ed("ed-1");
    let stranger = SigningKey::ec("ec-1"); // same kid, another key
    let keys = jwks(&[&rsa, &ec, &ed]);
    let server = start_with_auth(
        &file("jwks_file = \"jwks.json\"\nleeway_seconds = 60"),
        &[("jwks.json", keys.as_bytes())],
        &[],
    );
    let register = |token: String, subject: &'static str| {
        let server = &server;
        async move {
            let body = json!({"schemaType": "JSON", "schema": "{}"});
            server
                .call_as(
                    Some(&bearer(&token)),
                    "POST",
                    &format!("/subjects/{subject}/versions"),
                    Some(&body),
                )
                .await
        }
    };
    for key in [&rsa, &ec, &ed] {
        let answer = register(key.sign(&claims("svc-orders")), "orders-value").await;
        assert_eq!(answer.status, 200, "{:?}: {}", key.alg, answer.text);
        // The principal claim names the principal the grants are for.
        let answer = register(key.sign(&claims("svc-orders")), "payments-value").await;
        assert_eq!(answer.code(), 40301, "{}", answer.text);
        assert!(
            answer.message().contains("principal `svc-orders`"),
            "{}",
            answer.text
        );
    }
    // Roles from the roles claim (a list, or a space-separated string).
    for groups in [json!(["auditors"]), json!("staff auditors")] {
        let token = ec.sign(&with(claims("someone"), "groups", groups));
        assert_eq!(
            subjects(&server, &token).await.body,
            json!(["orders-value"])
        );
    }
    let nobody = ec.sign(&claims("someone"));
    assert_eq!(subjects(&server, &nobody).await.body, json!([]));
    // Within the leeway.
    let lately = ec.sign(&with(claims("svc-orders"), "exp", json!(now() - 20)));
    assert_eq!(subjects(&server, &lately).await.status, 200);

    let none_header = {
        use base64::Engine;
        let b64 =
            |v: &Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string());
        format!(
            "{}.{}.",
            b64(&json!({"alg": "none", "typ": "JWT", "kid": "ec-1"})),
            b64(&claims("svc-orders"))
        )
    };
    let hmac = {
        let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256);
        header.kid = Some("rsa-1".into());
        jsonwebtoken::encode(
            &header,
            &claims("svc-orders"),
            &jsonwebtoken::EncodingKey::from_secret(b"the RSA key's modulus, say"),
        )
        .unwrap()
    };
    let tampered = {
        let token = ec.sign(&claims("svc-orders"));
        let parts: Vec<&str> = token.split('.').collect();
        use base64::Engine;
        let forged = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(with(claims("svc-orders"), "sub", json!("root")).to_string());
        format!("{}.{forged}.{}", parts[0], parts[2])
    };
    let wrong_family = {
        let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::ES256);
        header.kid = Some("rsa-1".into());
        ec.sign_with(header, &claims("svc-orders"))
    };
    let unknown_kid = {
        let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::ES256);
        header.kid = Some("retired-2019".into());
        ec.sign_with(header, &claims("svc-orders"))
    };
    let refused = [
        (
            ec.sign(&with(claims("svc-orders"), "exp", json!(now() - 3600))),
            "jwt_expired",
        ),
        (
            ec.sign(&with(claims("svc-orders"), "nbf", json!(now() + 3600))),
            "jwt_not_yet_valid",
        ),
        (
            ec.sign(&with(claims("svc-orders"), "aud", json!("another-service"))),
            "jwt_audience",
        ),
        (
            ec.sign(&with(
                claims("svc-orders"),
                "iss",
                json!("https://evil.test"),
            )),
            "jwt_issuer",
        ),
        (unknown_kid, "jwt_unknown_key"),
        (none_header, "jwt_algorithm"),
        (hmac, "jwt_algorithm"),
        (wrong_family, "jwt_algorithm"),
        (tampered, "jwt_signature"),
        (stranger.sign(&claims("svc-orders")), "jwt_signature"),
        (
            ec.sign(&json!({"sub": "svc-orders", "iss": ISSUER, "aud": AUDIENCE})),
            "jwt_claims",
        ),
        (
            ec.sign(&with(claims("svc-orders"), "sub", json!(42))),
            "jwt_claims",
        ),
        (
            ec.sign(&with(claims("svc-orders"), "groups", json!({"a": 1}))),
            "jwt_claims",
        ),
    ];
    for (token, reason) in &refused {
        let answer = subjects(&server, token).await;
        assert_eq!(
            (answer.status, answer.code()),
            (401, 40101),
            "{reason}: {}",
            answer.text
        );
        assert_eq!(
            answer.message(),
            format!("the token was not accepted ({reason})")
        );
    }
    for (reason, count) in [
        ("jwt_expired", 1),
        ("jwt_not_yet_valid", 1),
        ("jwt_audience", 1),
        ("jwt_issuer", 1),
        ("jwt_unknown_key", 1),
        ("jwt_algorithm", 3),
        ("jwt_signature", 2),
        ("jwt_claims", 3),
    ] {
        assert_eq!(failures(&server, reason).await, count, "{reason}");
    }
}

/// A JWKS document served over HTTP on loopback, which the test can change.
struct Idp {
    url: String,
    document: std::sync::Arc<std::sync::Mutex<String>>,
}

impl Idp {
    async fn start(document: String) -> Idp {
        let document = std::sync::Arc::new(std::sync::Mutex::new(document));
        let served = document.clone();
        let app = axum::Router::new().route(
            "/jwks.json",
            axum::routing::get(move || {
                let served = served.clone();
                async move { served.lock().unwrap().clone() }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/jwks.json", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Idp { url, document }
    }

    fn serve(&self, document: String) {
        *self.document.lock().unwrap() = document;
    }
}

async fn until_accepted(server: &Server, token: &str) {
    let deadline = Instant::now() + Duration::from_secs(40);
    while subjects(server, token).await.status != 200 {
        assert!(
            Instant::now() < deadline,
            "never accepted:\n{}",
            server.stderr()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn keys_from_a_url_are_fetched_at_start_refreshed_and_on_sighup() {
    let first = SigningKey::ed("2024");
    let second = SigningKey::ec("2025");
    let third = SigningKey::rsa("2026");
    let idp = Idp::start(jwks(&[&first])).await;
    let server = start_with_auth(
        &file(&format!("jwks_url = \"{}\"\nrefresh_seconds = 10", idp.url)),
        &[],
        &[],
    );
    assert_eq!(
        subjects(&server, &first.sign(&claims("svc-orders")))
            .await
            .status,
        200
    );
    let rotated = second.sign(&claims("svc-orders"));
    assert_eq!(subjects(&server, &rotated).await.code(), 40101);
    // The periodic refresh picks up a rotation...
    idp.serve(jwks(&[&second]));
    until_accepted(&server, &rotated).await;
    assert_eq!(
        subjects(&server, &first.sign(&claims("svc-orders")))
            .await
            .code(),
        40101
    );
    // ... and so does a reload, at once.
    idp.serve(jwks(&[&third]));
    server.signal("HUP");
    until_accepted(&server, &third.sign(&claims("svc-orders"))).await;
}

#[test]
fn a_jwks_url_that_cannot_be_fetched_stops_the_start() {
    let dir = common::temp_dir();
    let path = dir.path().join("auth.toml");
    std::fs::write(&path, file("jwks_url = \"http://127.0.0.1:9/jwks.json\"")).unwrap();
    let stderr = refused_start(dir.path(), &["--auth-file", path.to_str().unwrap()]);
    assert!(
        stderr.contains("line 6, column 1: cannot fetch jwks_url http://127.0.0.1:9/jwks.json"),
        "{stderr}"
    );
}

#[tokio::test]
async fn no_secret_reaches_the_log_at_trace() {
    let key = SigningKey::ec("ec-1");
    let password = "pw-Zq8vX2-not-in-logs";
    let token = "tok-Hk3mP9-not-in-logs";
    let toml = format!(
        "{}\n[[principals]]\nname = \"ci\"\npassword_hash = \"{}\"\ntoken_hash = \"{}\"\n",
        file("jwks_file = \"jwks.json\""),
        hash(password),
        hash(token),
    );
    let server = start_with_auth(
        &toml,
        &[("jwks.json", jwks(&[&key]).as_bytes())],
        &["--log-level", "trace"],
    );
    let jwt = key.sign(&claims("svc-orders"));
    let expired = key.sign(&with(claims("svc-orders"), "exp", json!(now() - 3600)));
    let wrong_password = "pw-Wr0ng-not-in-logs";
    let wrong_token = "tok-Wr0ng-not-in-logs";
    let attempts = [
        basic("ci", password),
        basic("ci", wrong_password),
        basic(password, password),
        bearer(token),
        bearer(wrong_token),
        bearer(&jwt),
        bearer(&expired),
        format!("Basic {password}"),
        format!("Bearer {token} {token}"),
    ];
    // Each once for a read and once for a write (more would only wait out
    // the back-off of the failing ones).
    for authorization in &attempts {
        server
            .call_as(Some(authorization), "GET", "/subjects", None)
            .await;
        let body = json!({"schemaType": "JSON", "schema": "{}"});
        server
            .call_as(
                Some(authorization),
                "POST",
                "/subjects/orders-value/versions",
                Some(&body),
            )
            .await;
    }
    let log = server.stderr();
    assert!(log.contains("TRACE"), "trace logging is on:\n{log}");
    let jwt_signature = jwt.rsplit('.').next().unwrap().to_string();
    let mut secrets = vec![
        password.to_string(),
        wrong_password.to_string(),
        token.to_string(),
        wrong_token.to_string(),
        jwt.clone(),
        jwt_signature,
        expired.clone(),
    ];
    secrets.extend(
        attempts
            .iter()
            .map(|a| a.split_once(' ').unwrap().1.to_string()),
    );
    for secret in &secrets {
        assert!(
            !log.contains(secret.as_str()),
            "a secret is in the log: {secret}"
        );
    }
    assert!(!log.contains("$argon2id$"), "a hash is in the log");
    // Who asked is logged, by name.
    assert!(log.contains("principal=\"svc-orders\""), "{log}");
    assert!(log.contains("principal=\"ci\""), "{log}");
}
