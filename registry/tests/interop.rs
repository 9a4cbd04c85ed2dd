//! Confluent's own clients against the real binary: the Python client
//! (`confluent-kafka`) runs the scripts in `ci/interop/` with the interpreter
//! `CHARTER_PY` names (a virtualenv directory or its `python`), and the
//! JavaScript client (`@confluentinc/schemaregistry`) runs the scripts in
//! `ci/interop/js/` with `node` and the packages in
//! `target/ci-interop-js/node_modules` (or `CHARTER_INTEROP_NODE_MODULES`);
//! both are set up by `ci/setup-tools.sh`, which `ci/test.sh` runs. Without
//! them each test says so and passes without running.
//!
//! Every script prints one line per check and ends with `N passed, 0 failed`;
//! adding a check to a script means raising the count its test expects.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::Server;
use common::auth::{Authority, hash, start_with_auth, write};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

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

/// `node` on the `PATH` and the directory holding the JavaScript client's
/// packages, or what is missing.
fn node() -> Result<(PathBuf, PathBuf), String> {
    let node = std::env::var_os("PATH")
        .and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|dir| dir.join("node"))
                .find(|candidate| candidate.is_file())
        })
        .ok_or("node is not installed")?;
    let modules = std::env::var_os("CHARTER_INTEROP_NODE_MODULES")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("target/ci-interop-js/node_modules"));
    if !modules
        .join("@confluentinc/schemaregistry/package.json")
        .is_file()
    {
        return Err(format!(
            "@confluentinc/schemaregistry is not installed in {}",
            modules.display()
        ));
    }
    Ok((node, modules))
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
    let (server, args) = start();
    let mut command = Command::new(&python);
    // `-B`: the scripts import `ci/interop/checks.py`; no `__pycache__` in the tree.
    command
        .arg("-B")
        .arg("-W")
        .arg("ignore")
        .arg(repo().join("ci/interop").join(script))
        .arg(&server.base)
        .args(&args);
    expect_checks(command, &python, &server, checks);
}

/// Runs `ci/interop/js/<script>` with Node against a fresh registry and
/// asserts that it exits 0 having run `checks` checks, none failed.
#[allow(clippy::print_stderr)] // the skip notice is for the person running the tests
fn run_node(test: &str, script: &str, checks: usize) {
    let (node, modules) = match node() {
        Ok(found) => found,
        Err(missing) => {
            eprintln!("SKIPPED {test}: {missing} (ci/setup-tools.sh installs it)");
            return;
        }
    };
    let server = Server::start();
    let mut command = Command::new(&node);
    command
        .env("NODE_PATH", &modules)
        .arg(repo().join("ci/interop/js").join(script))
        .arg(&server.base);
    expect_checks(command, &node, &server, checks);
}

/// Runs `command` (a client script against `server`) and asserts that it
/// exits 0 with `N passed, 0 failed` as its last line.
fn expect_checks(mut command: Command, program: &Path, server: &Server, checks: usize) {
    let output = command
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", program.display()));
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
/// `ProtobufDeserializer` round trips, references included, and a record
/// framed by its schema GUID in a header.
#[test]
fn confluent_avro_and_protobuf_serdes_round_trip() {
    run(
        "confluent_avro_and_protobuf_serdes_round_trip",
        "confluent_serdes.py",
        15,
    );
}

/// The schema text as registered, through the Python client: Avro, JSON
/// Schema and Protobuf served as submitted (issue #13), and normalized on
/// request; metadata and rule sets round-trip, a bad rule is refused,
/// `use.latest.with.metadata` serializers pick their major line, and a
/// schema registered with tags serves them and serializes.
#[test]
fn confluent_python_client_reads_back_what_it_registered() {
    run(
        "confluent_python_client_reads_back_what_it_registered",
        "confluent_contracts.py",
        10,
    );
}

/// The data-contract config fields through the Python client (issue #13):
/// `set_config` with `compatibilityGroup` and default and override metadata
/// and rule sets round-trips, globally and per subject; a grouped subject
/// accepts an incompatible `major_version: 2` and still refuses an
/// incompatible change inside line 1; the config's metadata and rules are
/// merged into what is registered; `use.latest.with.metadata` serializers
/// pick each line.
#[test]
fn confluent_python_client_sets_data_contract_config() {
    run(
        "confluent_python_client_sets_data_contract_config",
        "confluent_config.py",
        6,
    );
}

/// Schema contexts through the Python client (issue #13): a `:.ctx1:`
/// subject gets the context's own ids, reads by id naming it read the
/// context, `get_contexts` lists it, its context-level config applies; an
/// Avro serializer writing to the context frames the context's id and
/// deserializers (with the context's subject name strategy and without)
/// read the record back.
#[test]
fn confluent_python_client_uses_contexts() {
    run(
        "confluent_python_client_uses_contexts",
        "confluent_contexts.py",
        6,
    );
}

/// Confluent 8.2's associations through the Python client (issue #13):
/// `create_association` binds topic `orders` to `orders-contract`, which an
/// ASSOCIATED serializer then uses (latest version and auto-registration)
/// and a deserializer reads back; after `delete_associations` a new
/// serializer falls back to `orders-value`; a STRONG association registers
/// its schema, is found by the strategy, and a cascading delete removes its
/// subject.
#[test]
fn confluent_python_serializers_follow_associations() {
    run(
        "confluent_python_serializers_follow_associations",
        "confluent_associations.py",
        4,
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

/// `@confluentinc/schemaregistry` (npm): Avro, JSON Schema and Protobuf
/// registered and read back, lookups, config, errors, association reads,
/// schema GUIDs, and records through its Avro and JSON Schema serializers
/// and deserializers, once framed by a GUID header.
#[test]
fn confluent_javascript_client_round_trips() {
    run_node(
        "confluent_javascript_client_round_trips",
        "confluent_js.js",
        13,
    );
}

/// `@confluentinc/schemaregistry` (npm) and issue #13: Avro, JSON Schema and
/// Protobuf read back as submitted, metadata and rule sets round-trip, a bad
/// rule is refused, and `useLatestWithMetadata` serializers pick their major
/// line.
#[test]
fn confluent_javascript_client_reads_back_what_it_registered() {
    run_node(
        "confluent_javascript_client_reads_back_what_it_registered",
        "confluent_js_contracts.js",
        6,
    );
}
