//! TLS and mutual TLS end to end, with certificates the test makes
//! (rcgen): HTTPS over HTTP/1.1 and HTTP/2, client certificates naming
//! principals (subject CN, else the first DNS name), certificates from
//! another CA refused, and passwords still accepted over TLS.

mod common;

use common::auth::{Authority, Issued, basic, hash, refused_start, start_with_auth, write};
use common::{Server, temp_dir};
use serde_json::json;

/// A client trusting `ca`, presenting `identity` if given.
fn client(ca: &Authority, identity: Option<&Issued>, http2: bool) -> reqwest::Client {
    let mut builder = reqwest::Client::builder()
        .use_rustls_tls()
        .tls_built_in_root_certs(false)
        .add_root_certificate(reqwest::Certificate::from_pem(ca.pem.as_bytes()).unwrap());
    if let Some(issued) = identity {
        let pem = format!("{}{}", issued.cert, issued.key);
        builder = builder.identity(reqwest::Identity::from_pem(pem.as_bytes()).unwrap());
    }
    builder = if http2 {
        builder.http2_adaptive_window(true)
    } else {
        builder.http1_only()
    };
    builder.build().unwrap()
}

/// TLS flags for a server certificate of `ca`, files in `dir`; with the
/// client CA `client_ca` when given.
fn tls_flags(dir: &std::path::Path, ca: &Authority, client_ca: Option<&Authority>) -> Vec<String> {
    let server = ca.server();
    let mut flags = vec![
        "--tls-cert".to_string(),
        write(dir, "server.pem", &server.cert),
        "--tls-key".to_string(),
        write(dir, "server.key", &server.key),
    ];
    if let Some(client_ca) = client_ca {
        flags.push("--tls-client-ca".to_string());
        flags.push(write(dir, "client-ca.pem", &client_ca.pem));
    }
    flags
}

#[tokio::test]
async fn https_over_http1_and_http2() {
    let ca = Authority::new("test CA");
    let dir = temp_dir();
    let flags = tls_flags(dir.path(), &ca, None);
    let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
    let server = Server::start_with(&flags);
    let https = server.base.replace("http://", "https://");
    for (http2, version) in [
        (false, reqwest::Version::HTTP_11),
        (true, reqwest::Version::HTTP_2),
    ] {
        let client = client(&ca, None, http2);
        let response = client
            .get(format!("{https}/subjects"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(response.version(), version);
        let body = json!({"schemaType": "JSON", "schema": "{}"});
        let response = client
            .post(format!("{https}/subjects/tls-{http2}/versions"))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
    }
    // Nothing in clear text.
    let plain = reqwest::Client::new()
        .get(format!("{}/subjects", server.base))
        .send()
        .await;
    assert!(plain.is_err() || plain.unwrap().status() != 200);
    // A client that does not trust the CA does not connect.
    let stranger = client(&Authority::new("other CA"), None, false);
    assert!(
        stranger
            .get(format!("{https}/subjects"))
            .send()
            .await
            .is_err()
    );
}

#[tokio::test]
async fn client_certificates_name_principals() {
    let ca = Authority::new("test CA");
    let clients = Authority::new("client CA");
    let dir = temp_dir();
    let flags = tls_flags(dir.path(), &ca, Some(&clients));
    let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
    let toml = format!(
        r#"
[[principals]]
name = "orders-ci"
roles = ["producers"]

[[principals]]
name = "monitor"
password_hash = "{}"

[[grants]]
role = "producers"
subjects = ["orders-*"]
permissions = ["read", "write"]

[[grants]]
principal = "reader.example"
subjects = ["*"]
permissions = ["read"]
"#,
        hash("pw-monitor")
    );
    let server = start_with_auth(&toml, &[], &flags);
    let https = server.base.replace("http://", "https://");
    let body = json!({"schemaType": "JSON", "schema": "{}"});

    // Subject CN → principal; its roles from the file.
    let ci = client(&ca, Some(&clients.client(Some("orders-ci"), &[])), true);
    let answer = ci
        .post(format!("{https}/subjects/orders-value/versions"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200, "{}", answer.text().await.unwrap());
    let refused = ci
        .post(format!("{https}/subjects/payments-value/versions"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403);
    let refused: serde_json::Value = refused.json().await.unwrap();
    assert_eq!(
        refused["message"],
        "principal `orders-ci` lacks `write` on subject `payments-value`"
    );

    // No CN: the first DNS name.
    let reader = client(
        &ca,
        Some(&clients.client(None, &["reader.example", "x.example"])),
        false,
    );
    let subjects = reader
        .get(format!("{https}/subjects"))
        .send()
        .await
        .unwrap();
    assert_eq!(subjects.status(), 200);
    assert_eq!(
        subjects.json::<serde_json::Value>().await.unwrap(),
        json!(["orders-value"])
    );

    // No certificate: other credentials, or 401.
    let bare = client(&ca, None, false);
    let answer = bare.get(format!("{https}/subjects")).send().await.unwrap();
    assert_eq!(answer.status(), 401);
    let answer = bare
        .get(format!("{https}/metrics"))
        .header("Authorization", basic("monitor", "pw-monitor"))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);

    // A certificate from a CA the registry does not trust: no connection.
    let forged = client(
        &ca,
        Some(&Authority::new("rogue CA").client(Some("orders-ci"), &[])),
        false,
    );
    assert!(
        forged
            .get(format!("{https}/subjects"))
            .send()
            .await
            .is_err()
    );
}

#[tokio::test]
async fn unusable_tls_files_stop_the_start() {
    let dir = temp_dir();
    let ca = Authority::new("test CA");
    let server = ca.server();
    let other = ca.server();
    let cert = write(dir.path(), "server.pem", &server.cert);
    let wrong_key = write(dir.path(), "other.key", &other.key);
    let empty = write(dir.path(), "empty.pem", "");
    for (flags, expected) in [
        (
            vec!["--tls-cert", &cert],
            "--tls-cert and --tls-key go together",
        ),
        (
            vec!["--tls-cert", &empty, "--tls-key", &wrong_key],
            "no PEM certificate",
        ),
        (
            vec!["--tls-cert", &cert, "--tls-key", &wrong_key],
            "the TLS configuration is unusable",
        ),
        (
            vec!["--tls-cert", &cert, "--tls-key", "/nonexistent.key"],
            "--tls-key /nonexistent.key",
        ),
    ] {
        let stderr = refused_start(dir.path(), &flags);
        assert!(stderr.contains(expected), "{flags:?}: {stderr}");
    }
}

/// A TLS connection to `server` that asks for HTTP/2 by ALPN, trusting `ca`.
async fn h2_connection(
    server: &Server,
    ca: &Authority,
) -> tokio_rustls::client::TlsStream<tokio::net::TcpStream> {
    use rustls::pki_types::pem::PemObject;
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(rustls::pki_types::CertificateDer::from_pem_slice(ca.pem.as_bytes()).unwrap())
        .unwrap();
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.alpn_protocols = vec![b"h2".to_vec()];
    let address = server.base.trim_start_matches("http://");
    let tcp = tokio::net::TcpStream::connect(address).await.unwrap();
    let name = rustls::pki_types::ServerName::try_from("127.0.0.1").unwrap();
    let stream = tokio_rustls::TlsConnector::from(std::sync::Arc::new(config))
        .connect(name, tcp)
        .await
        .unwrap();
    assert_eq!(stream.get_ref().1.alpn_protocol(), Some(&b"h2"[..]));
    stream
}

/// HTTP/2 has no header-read timeout of its own in hyper: a connection that
/// never completes its preface, or that sends its settings and then no
/// request, is closed after `--header-read-timeout` like an idle HTTP/1
/// one, so such clients cannot hold every connection slot.
#[tokio::test]
async fn idle_and_half_open_http2_connections_are_closed() {
    use std::time::{Duration, Instant};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let ca = Authority::new("test CA");
    let dir = temp_dir();
    let mut flags = tls_flags(dir.path(), &ca, None);
    flags.extend(["--header-read-timeout".to_string(), "1".to_string()]);
    let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
    let server = Server::start_with(&flags);
    let preface: &[u8] = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
    // An empty SETTINGS frame: length 0, type 4, no flags, stream 0.
    let settings: &[u8] = &[0, 0, 0, 4, 0, 0, 0, 0, 0];
    for (what, sent) in [
        ("half a preface", preface[..10].to_vec()),
        (
            "a preface and settings, then nothing",
            [preface, settings].concat(),
        ),
    ] {
        let mut stream = h2_connection(&server, &ca).await;
        stream.write_all(&sent).await.unwrap();
        stream.flush().await.unwrap();
        let start = Instant::now();
        let mut buffer = [0u8; 1024];
        loop {
            match tokio::time::timeout(Duration::from_secs(10), stream.read(&mut buffer)).await {
                Ok(Ok(0)) | Ok(Err(_)) => break,
                Ok(Ok(_)) => continue, // the server's settings, acknowledgements
                Err(_) => panic!("{what}: the connection was still open after 10 s"),
            }
        }
        let took = start.elapsed();
        assert!(
            took >= Duration::from_millis(900),
            "{what}: closed after {took:?}, before the 1 s timeout"
        );
    }
    // A connection that sends requests stays open while it does, and
    // answers them over HTTP/2.
    let client = client(&ca, None, true);
    let https = server.base.replace("http://", "https://");
    for _ in 0..3 {
        let response = client
            .get(format!("{https}/subjects"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(response.version(), reqwest::Version::HTTP_2);
        tokio::time::sleep(Duration::from_millis(400)).await;
    }
}
