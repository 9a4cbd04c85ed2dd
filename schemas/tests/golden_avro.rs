//! Golden Avro compatibility cases: every `fixtures/compat/avro/<case>/`
//! folder holds `old.avsc`, `new.avsc` and optionally `mode` (BACKWARD when
//! absent). The verdict under both policies and every change of the diff,
//! with its message and example, is snapshotted.

use std::path::Path;
use std::sync::Arc;

use schemas::payload::{Decoded, PayloadValidator};
use schemas::{CompatibilityMode, NoReferences, Policy, Schema, SchemaType};

mod common;

use common::Golden;

#[test]
fn golden_cases() {
    Golden {
        schema_type: SchemaType::Avro,
        extension: "avsc",
        folder: "avro",
        snapshot: "avro",
        policies: &[Policy::Strict, Policy::Lenient],
        minimum: 25,
    }
    .run();
}

fn load(path: &Path) -> Schema {
    let text = std::fs::read_to_string(path).unwrap();
    Schema::parse(SchemaType::Avro, &text, &NoReferences)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The example `OrderPlaced` contract of the README and benches: v2 is a
/// compatible evolution of v1, v3 breaks v2.
#[test]
fn order_placed_contract() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/contracts/orders");
    let [v1, v2, v3] =
        ["v1", "v2", "v3"].map(|v| load(&root.join(format!("order-placed.{v}.avsc"))));
    let backward = |new: &Schema, old: &[&Schema]| {
        schemas::check(new, old, CompatibilityMode::Backward, Policy::Strict).unwrap()
    };
    assert!(backward(&v2, &[&v1]).compatible);
    let mut report = backward(&v3, &[&v1, &v2]);
    schemas::attach_examples(&mut report, &v3, &[&v1, &v2]);
    let breaking: Vec<String> = report
        .breaking()
        .map(|c| format!("{} {}", c.kind, c.path))
        .collect();
    assert_eq!(
        breaking,
        [
            "TYPE_MISMATCH #/fields/eventVersion/type",
            "MISSING_ENUM_SYMBOLS #/fields/payload/type/fields/currency/type/symbols",
            "READER_FIELD_MISSING_DEFAULT_VALUE #/fields/payload/type/fields/salesChannelId",
        ]
    );
    let prepare = |schema| PayloadValidator::new(Arc::new(schema), None).unwrap();
    let (old, new) = (prepare(v2), prepare(v3));
    for change in report.breaking() {
        let example = change.example.as_ref().expect("an example");
        assert_eq!(old.check(example), []);
        let written = Decoded {
            value: example.clone(),
            message: None,
        };
        assert!(!old.read_as(&new, &written, None).is_empty());
    }
}
