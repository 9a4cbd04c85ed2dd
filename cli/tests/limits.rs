//! The schema limits in `charter` (issue #15): a schema file over one, or a
//! check over its work budget, exits 2 with a message naming the limit, the
//! value seen, the flag and the place; never a verdict.

#[allow(dead_code)] // not every helper is used here
mod common;

use std::path::Path;

use common::charter_in;
use serde_json::{Value, json};

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("writes");
    name.to_string()
}

/// An Avro record of records: `outer` fields, each a record of `inner`
/// int fields (plus one with a default when `extra`).
fn nested(outer: usize, inner: usize, extra: bool) -> String {
    let fields: Vec<Value> = (0..outer)
        .map(|i| {
            let mut fields: Vec<Value> = (0..inner)
                .map(|j| json!({"name": format!("x{j}"), "type": "int"}))
                .collect();
            if extra {
                fields.push(json!({"name": "added", "type": "int", "default": 0}));
            }
            json!({"name": format!("f{i}"), "type":
                {"type": "record", "name": format!("Inner{i}"), "fields": fields}})
        })
        .collect();
    json!({"type": "record", "name": "Outer", "fields": fields}).to_string()
}

/// The run exited 2 and its stderr holds every one of `parts`.
fn refused(run: &common::Run, parts: &[&str]) {
    assert_eq!(run.code, 2, "{}", run.transcript());
    assert!(run.stdout.is_empty(), "{}", run.transcript());
    for part in parts {
        assert!(run.stderr.contains(part), "`{part}` not in {}", run.stderr);
    }
}

#[test]
fn a_schema_over_a_limit_exits_2_naming_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let symbols: Vec<String> = (0..6).map(|i| format!("S{i}")).collect();
    let avro = json!({"type": "enum", "name": "Kind", "symbols": symbols}).to_string();
    let old = write(dir.path(), "old.avsc", &avro);
    let new = write(dir.path(), "new.avsc", &avro);
    let run = charter_in(dir.path(), &["diff", &old, &new, "--max-enum-symbols", "5"]);
    refused(
        &run,
        &[
            "old.avsc",
            "too many enum symbols at #/symbols: 6 symbols",
            "--max-enum-symbols",
        ],
    );
    // The same limit from the environment, on `check`.
    let run = common::charter_with_env(
        dir.path(),
        &["check", &new, "--against", &old],
        &[("CHARTER_MAX_ENUM_SYMBOLS", "5")],
    );
    refused(&run, &["too many enum symbols", "CHARTER_MAX_ENUM_SYMBOLS"]);
    // Within the limit the same files compare.
    let run = charter_in(dir.path(), &["diff", &old, &new]);
    assert_eq!(run.code, 0, "{}", run.transcript());

    let proto = "syntax = \"proto3\";\npackage p;\nmessage A { message B { message C { int32 i = 1; } } }\n";
    let file = write(dir.path(), "deep.proto", proto);
    let run = charter_in(
        dir.path(),
        &["diff", &file, &file, "--max-schema-depth", "2"],
    );
    refused(
        &run,
        &["schema nested too deeply at p.A.B.C", "--max-schema-depth"],
    );
    let big = write(
        dir.path(),
        "big.json",
        &format!("{{\"description\":\"{}\"}}", "x".repeat(100)),
    );
    let run = charter_in(
        dir.path(),
        &["diff", &big, &big, "--max-schema-bytes", "100"],
    );
    refused(
        &run,
        &["schema too large at #: 118 bytes", "--max-schema-bytes"],
    );
}

/// Over the work budget, `diff` and `check` exit 2 whichever way the verdict
/// would have gone (0 for the compatible change, 1 for the breaking one).
#[test]
fn a_check_over_its_work_budget_exits_2_never_a_verdict() {
    let dir = tempfile::tempdir().expect("temp dir");
    let v1 = write(dir.path(), "v1.avsc", &nested(10, 9, false));
    let compatible = write(dir.path(), "v2.avsc", &nested(10, 9, true));
    let breaking = nested(10, 9, false).replace(
        r#""name":"x0","type":"int""#,
        r#""name":"x0","type":"string""#,
    );
    let breaking = write(dir.path(), "v3.avsc", &breaking);
    for (new, verdict) in [(&compatible, 0), (&breaking, 1)] {
        let run = charter_in(dir.path(), &["diff", &v1, new]);
        assert_eq!(run.code, verdict, "{}", run.transcript());
        for args in [
            vec!["diff", &v1, new, "--max-compat-work", "8"],
            vec!["check", new, "--against", &v1, "--max-compat-work", "8"],
        ] {
            let run = charter_in(dir.path(), &args);
            refused(
                &run,
                &[
                    "over its work budget",
                    "no verdict",
                    "more than 8 comparison steps",
                    "--max-compat-work",
                ],
            );
        }
    }
}
