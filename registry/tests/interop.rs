//! Confluent's own Python client (`confluent-kafka`) against the real binary:
//! runs the scripts in `ci/interop/` with the interpreter `CHARTER_PY` names
//! (a virtualenv directory or its `python`), set up by `ci/test.sh`. Without
//! `CHARTER_PY` each test says so and passes without running.

mod common;

use std::path::PathBuf;
use std::process::Command;

use common::Server;
use common::auth::{Authority, hash, start_with_auth, write};

/// The interpreter to use: `$CHARTER_PY`, or `$CHARTER_PY/bin/python` when
/// it names a virtualenv directory.
fn python() -> Option<PathBuf> {
    let given = PathBuf::from(std::env::var_os("CHARTER_PY")?);
    Some(if given.is_dir() {
        given.join("bin").join("python")
    } else {
        given
    })
}

/// Runs `ci/interop/<script>` against a fresh registry and asserts that it
/// exits 0 having run `checks` checks, none failed.
fn run(test: &str, script: &str, checks: usize) {
    run_against(test, script, || (Server::start(), Vec::new()), checks);
}

/// Runs `ci/interop/<script>` against the registry `start` makes, with the
/// extra arguments it gives, and asserts that it exits 0 having run
/// `checks` checks, none failed.
#[allow(clippy::print_stderr)] // the skip notice is for the person running the tests
fn run_against(
    test: &str,
    script: &str,
    start: impl FnOnce() -> (Server, Vec<String>),
    checks: usize,
) {
    let Some(python) = python() else {
        eprintln!(
            "SKIPPED {test}: set CHARTER_PY to a virtualenv with ci/interop/requirements.txt \
             installed (ci/test.sh does)"
        );
        return;
    };
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("ci/interop")
        .join(script);
    let (server, args) = start();
    // `-B`: the scripts import `ci/interop/checks.py`; no `__pycache__` in the tree.
    let output = Command::new(&python)
        .arg("-B")
        .arg("-W")
        .arg("ignore")
        .arg(&script)
        .arg(&server.base)
        .args(&args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", python.display()));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "the Confluent client failed against charter-registry\n--- stdout\n{stdout}\n--- stderr\n{stderr}\n--- registry log\n{}",
        server.stderr()
    );
    let summary = format!("{checks} passed, 0 failed");
    assert!(
        stdout.lines().last() == Some(summary.as_str()),
        "expected `{summary}`\n{stdout}"
    );
}

/// `SchemaRegistryClient` through registration, lookup, reads, config, mode,
/// compatibility and deletion; a JSON Schema serializer round trip.
#[test]
fn confluent_python_client_round_trips() {
    run(
        "confluent_python_client_round_trips",
        "confluent_python.py",
        15,
    );
}

/// `AvroSerializer`/`AvroDeserializer` and `ProtobufSerializer`/
/// `ProtobufDeserializer` round trips, references included.
#[test]
fn confluent_avro_and_protobuf_serdes_round_trip() {
    run(
        "confluent_avro_and_protobuf_serdes_round_trip",
        "confluent_serdes.py",
        14,
    );
}

/// The auth file of the authenticated interop runs: `py` by password or
/// token, and `py-cert` by client certificate, each writing `orders-*`.
fn auth_file() -> String {
    format!(
        r#"
[[principals]]
name = "py"
roles = ["producers"]
password_hash = "{}"
token_hash = "{}"

[[principals]]
name = "py-cert"
roles = ["producers"]

[[grants]]
role = "producers"
subjects = ["orders-*"]
permissions = ["read", "write"]
"#,
        hash("pw-py-interop"),
        hash("tok-py-interop"),
    )
}

/// `basic.auth.user.info` and `bearer.auth.token`: register, read and
/// serialize through an auth-enabled registry; wrong secrets fail with 401
/// in the client.
#[test]
fn confluent_python_client_with_basic_and_bearer_auth() {
    run_against(
        "confluent_python_client_with_basic_and_bearer_auth",
        "confluent_auth.py",
        || {
            let server = start_with_auth(&auth_file(), &[], &[]);
            let args = [
                "--basic=py:pw-py-interop",
                "--bearer=tok-py-interop",
                "--wrong-basic=py:pw-wrong",
                "--wrong-bearer=tok-wrong",
            ];
            (server, args.map(String::from).to_vec())
        },
        8,
    );
}

/// The same over TLS, once with a password and once with a client
/// certificate naming the principal (mutual TLS).
#[test]
fn confluent_python_client_over_tls_and_mtls() {
    let ca = Authority::new("interop CA");
    let clients = Authority::new("interop client CA");
    let dir = common::temp_dir();
    let server_pair = ca.server();
    let client_pair = clients.client(Some("py-cert"), &[]);
    let path = |name: &str, content: &str| write(dir.path(), name, content);
    let flags = [
        "--tls-cert".to_string(),
        path("server.pem", &server_pair.cert),
        "--tls-key".to_string(),
        path("server.key", &server_pair.key),
        "--tls-client-ca".to_string(),
        path("clients.pem", &clients.pem),
    ];
    let ca_file = path("ca.pem", &ca.pem);
    let cert_file = path("client.pem", &client_pair.cert);
    let key_file = path("client.key", &client_pair.key);
    let tls = |server: Server| {
        let base = server.base.replace("http://", "https://");
        (server, base)
    };
    for (with_certificate, checks) in [(false, 3), (true, 3)] {
        run_against(
            "confluent_python_client_over_tls_and_mtls",
            "confluent_auth.py",
            || {
                let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
                let (mut server, base) = tls(start_with_auth(&auth_file(), &[], &flags));
                server.base = base;
                let mut args = vec![format!("--ca={ca_file}")];
                if with_certificate {
                    args.push(format!("--cert={cert_file}"));
                    args.push(format!("--key={key_file}"));
                } else {
                    args.push("--basic=py:pw-py-interop".to_string());
                }
                (server, args)
            },
            checks,
        );
    }
}
