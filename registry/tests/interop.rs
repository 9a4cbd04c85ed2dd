//! Confluent's own Python client (`confluent-kafka`) against the real binary:
//! runs `ci/interop/confluent_python.py` with the interpreter `CHARTER_PY`
//! names (a virtualenv directory or its `python`), set up by `ci/test.sh`.
//! Without `CHARTER_PY` the test says so and passes without running.

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

#[test]
#[allow(clippy::print_stderr)] // the skip notice is for the person running the tests
fn confluent_python_client_round_trips() {
    let Some(python) = python() else {
        eprintln!(
            "SKIPPED confluent_python_client_round_trips: set CHARTER_PY to a virtualenv with \
             confluent-kafka, httpx, attrs, cachetools, jsonschema and referencing (ci/test.sh does)"
        );
        return;
    };
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("ci/interop/confluent_python.py");
    let server = Server::start();
    let output = Command::new(&python)
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
    assert!(stdout.contains(" passed, 0 failed"), "{stdout}");
}
