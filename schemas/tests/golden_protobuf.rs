//! Golden Protobuf compatibility cases: every `fixtures/compat/protobuf/<case>/`
//! folder holds `old.proto`, `new.proto` and optionally `mode` (BACKWARD when
//! absent). The verdict under the mode and the whole diff in both reading
//! directions, messages and examples included, are snapshotted. The policy
//! has no effect on Protobuf, so only the strict one is shown.

use std::fmt::Write;
use std::path::Path;

use schemas::{CompatibilityMode, NoReferences, Policy, Schema, SchemaType};

fn load(path: &Path) -> Schema {
    let text = std::fs::read_to_string(path).unwrap();
    Schema::parse(SchemaType::Protobuf, &text, &NoReferences)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn render(case: &Path) -> String {
    let old = load(&case.join("old.proto"));
    let new = load(&case.join("new.proto"));
    let mode: CompatibilityMode = std::fs::read_to_string(case.join("mode"))
        .map(|m| m.trim().parse().unwrap())
        .unwrap_or_default();
    let report = schemas::check(&new, &[&old], mode, Policy::Strict).unwrap();
    let mut changes = schemas::diff(&old, &new, Policy::Strict).unwrap();
    schemas::attach_diff_examples(&mut changes, &old, &new);
    let mut out = String::new();
    let verdict = if report.compatible {
        "compatible"
    } else {
        "INCOMPATIBLE"
    };
    let _ = writeln!(out, "{mode}: {verdict}");
    for change in &changes {
        let _ = writeln!(
            out,
            "  {} {} [{}]",
            change.kind,
            change.path,
            change.breaks.sides().join(",")
        );
        let _ = writeln!(out, "    {}", change.message);
        if let Some(example) = &change.example {
            let _ = writeln!(out, "    example: {example}");
        }
    }
    out
}

#[test]
fn golden_cases() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/compat/protobuf");
    let mut cases: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    cases.sort();
    assert!(cases.len() >= 20);
    for case in cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        insta::with_settings!({ snapshot_suffix => name.clone(), prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!("protobuf", render(&case));
        });
    }
}
