//! Confluent's own Python client (`confluent-kafka`) against the real binary:
//! runs the scripts in `ci/interop/` with the interpreter `CHARTER_PY` names
//! (a virtualenv directory or its `python`), set up by `ci/test.sh`. Without
//! `CHARTER_PY` each test says so and passes without running.

mod common;

use std::path::PathBuf;
use std::process::Command;

use common::Server;

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
#[allow(clippy::print_stderr)] // the skip notice is for the person running the tests
fn run(test: &str, script: &str, checks: usize) {
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
    let server = Server::start();
    // `-B`: the scripts import `ci/interop/checks.py`; no `__pycache__` in the tree.
    let output = Command::new(&python)
        .arg("-B")
        .arg("-W")
        .arg("ignore")
        .arg(&script)
        .arg(&server.base)
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
