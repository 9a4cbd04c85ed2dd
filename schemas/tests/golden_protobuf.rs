//! Golden Protobuf compatibility cases: every `fixtures/compat/protobuf/<case>/`
//! folder holds `old.proto`, `new.proto` and optionally `mode` (BACKWARD when
//! absent). The verdict under the mode and the whole diff in both reading
//! directions, messages and examples included, are snapshotted. The policy
//! has no effect on Protobuf, so only the strict one is shown.

use schemas::{Policy, SchemaType};

mod common;

use common::Golden;

#[test]
fn golden_cases() {
    Golden {
        schema_type: SchemaType::Protobuf,
        extension: "proto",
        folder: "protobuf",
        snapshot: "protobuf",
        policies: &[Policy::Strict],
        minimum: 20,
    }
    .run();
}
