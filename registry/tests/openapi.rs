//! The OpenAPI document as the real `charter-registry` serves it at
//! `GET /openapi.json`: the same text as the checked-in
//! `registry/openapi.json`, and schemathesis, run against the binary with
//! the document, finds no server error and no answer the document does not
//! describe.
//!
//! schemathesis is installed by `ci/setup-tools.sh` (which `ci/test.sh`
//! runs) into `target/ci-schemathesis`; `CHARTER_SCHEMATHESIS` may name
//! another executable. Without it the test says so and passes, unless
//! `CI=true`, where it fails. `ci/schemathesis-long.sh` is the longer run.

mod common;

use std::path::PathBuf;
use std::process::Command;

use common::Server;

const CHECKED_IN: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/openapi.json");

#[tokio::test]
async fn the_served_document_is_the_checked_in_one() {
    let server = Server::start();
    let answer = server.get("/openapi.json").await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    assert_eq!(answer.content_type, "application/json");
    assert_eq!(answer.body["openapi"], "3.1.0");
    let checked_in = std::fs::read_to_string(CHECKED_IN).expect("registry/openapi.json");
    assert!(
        answer.text == checked_in,
        "the served document differs from registry/openapi.json; regenerate the file with \
         `CHARTER_BLESS=1 cargo test -p registry --lib openapi` and review the diff"
    );
}

/// The schemathesis executable, or why there is none.
fn schemathesis() -> Result<PathBuf, String> {
    if let Some(given) = std::env::var_os("CHARTER_SCHEMATHESIS") {
        return Ok(PathBuf::from(given));
    }
    let installed = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../target/ci-schemathesis/bin/schemathesis");
    if installed.is_file() {
        Ok(installed)
    } else {
        Err(format!(
            "{} is missing: run ci/setup-tools.sh (ci/test.sh does)",
            installed.display()
        ))
    }
}

/// Every operation with a bounded number of generated requests (examples,
/// the coverage phase's boundary and negative cases, fuzzing, and stateful
/// sequences through the response links): no 5xx, and every status,
/// content type and body is one the document describes.
#[test]
#[allow(clippy::print_stderr)] // the skip notice and schemathesis's summary are for the person running the tests
fn schemathesis_finds_no_server_error_and_no_undocumented_answer() {
    let executable = match schemathesis() {
        Ok(executable) => executable,
        Err(why) => {
            let in_ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
            assert!(!in_ci, "schemathesis must run in CI: {why}");
            eprintln!("SKIPPED schemathesis: {why}");
            return;
        }
    };
    let server = Server::start();
    let report = server.dir.join("schemathesis.junit.xml");
    let output = Command::new(&executable)
        .arg("run")
        .arg(format!("{}/openapi.json", server.base))
        .args([
            "--checks",
            "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance",
            "--phases",
            "examples,coverage,fuzzing,stateful",
            "--max-examples",
            "50",
            "--seed",
            "20261207",
            // One worker: hypothesis' lambda-source cache is not thread-safe
            // on every Python ("AST constructor recursion depth mismatch").
            "--workers",
            "1",
            "--generation-database",
            "none",
            "--request-timeout",
            "30",
            "--no-color",
            "--report",
            "junit",
            "--report-junit-path",
        ])
        .arg(&report)
        // schemathesis keeps a cache in its working directory: the server's
        // temporary one, not the repository.
        .current_dir(&server.dir)
        .output()
        .expect("schemathesis runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    eprintln!("{stdout}");
    let log = std::fs::read_to_string(server.dir.join("stderr.log")).unwrap_or_default();
    let errors: Vec<&str> = log.lines().filter(|l| l.contains("ERROR")).collect();
    assert!(
        output.status.success(),
        "schemathesis found problems (exit {:?}):\n{stdout}\n{stderr}\nserver errors:\n{}",
        output.status.code(),
        errors.join("\n")
    );
}
