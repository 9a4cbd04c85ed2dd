//! Help and usage errors (exit 2) of the registry commands.

use std::process::Command;

use crate::V1;
use crate::common::{self, fixture};

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
