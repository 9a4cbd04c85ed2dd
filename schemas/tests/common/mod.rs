//! The golden-case runner shared by every format: each
//! `fixtures/compat/<format>/<case>/` folder holds `old.<ext>`, `new.<ext>`
//! and optionally `mode` (BACKWARD when absent); the verdict and every change
//! of the diff, with its message and example, is snapshotted per case.

use std::fmt::Write;
use std::path::Path;

use schemas::{CompatibilityMode, NoReferences, Policy, Schema, SchemaType};

/// One format's golden cases.
pub struct Golden {
    /// The format the files are in.
    pub schema_type: SchemaType,
    /// The files' extension (`json`, `avsc`, `proto`).
    pub extension: &'static str,
    /// The folder under `fixtures/compat/`.
    pub folder: &'static str,
    /// The snapshot name (`case`, `avro`, `protobuf`).
    pub snapshot: &'static str,
    /// The policies to show; with one, the verdict line names only the mode.
    pub policies: &'static [Policy],
    /// How many cases there must be at least.
    pub minimum: usize,
}

impl Golden {
    fn load(&self, path: &Path) -> Schema {
        let text = std::fs::read_to_string(path).unwrap();
        Schema::parse(self.schema_type, &text, &NoReferences)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    /// The snapshot text of one case.
    pub fn render(&self, case: &Path) -> String {
        let old = self.load(&case.join(format!("old.{}", self.extension)));
        let new = self.load(&case.join(format!("new.{}", self.extension)));
        let mode: CompatibilityMode = std::fs::read_to_string(case.join("mode"))
            .map(|m| m.trim().parse().unwrap())
            .unwrap_or_default();
        let mut out = String::new();
        for &policy in self.policies {
            let report = schemas::check(&new, &[&old], mode, policy).unwrap();
            let mut changes = schemas::diff(&old, &new, policy).unwrap();
            schemas::attach_diff_examples(&mut changes, &old, &new);
            let verdict = if report.compatible {
                "compatible"
            } else {
                "INCOMPATIBLE"
            };
            if self.policies.len() == 1 {
                let _ = writeln!(out, "{mode}: {verdict}");
            } else {
                let _ = writeln!(out, "{mode} {policy}: {verdict}");
            }
            for change in &changes {
                let sides = change.breaks.sides().join(",");
                let _ = writeln!(out, "  {} {} [{sides}]", change.kind, change.path);
                let _ = writeln!(out, "    {}", change.message);
                if let Some(example) = &change.example {
                    let _ = writeln!(out, "    example: {example}");
                }
            }
        }
        out
    }

    /// Snapshots every case of the folder.
    pub fn run(&self) {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../fixtures/compat")
            .join(self.folder);
        let mut cases: Vec<_> = std::fs::read_dir(&root)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        cases.sort();
        assert!(
            cases.len() >= self.minimum,
            "{} cases in {}",
            cases.len(),
            root.display()
        );
        for case in cases {
            let name = case.file_name().unwrap().to_string_lossy().into_owned();
            insta::with_settings!({ snapshot_path => "../snapshots", snapshot_suffix => name.clone(), prepend_module_to_snapshot => false }, {
                insta::assert_snapshot!(self.snapshot, self.render(&case));
            });
        }
    }
}
