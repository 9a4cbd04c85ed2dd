//! Golden compatibility cases: every `fixtures/compat/json/<case>/` folder
//! holds `old.json`, `new.json` and optionally `mode` (BACKWARD when absent).
//! The whole report under both policies, examples included, is snapshotted.

use schemas::{Policy, SchemaType};

mod common;

use common::Golden;

#[test]
fn golden_cases() {
    Golden {
        schema_type: SchemaType::Json,
        extension: "json",
        folder: "json",
        snapshot: "case",
        policies: &[Policy::Strict, Policy::Lenient],
        minimum: 20,
    }
    .run();
}
