//! Protobuf compatibility-check speed on the fixture `OrderPlaced` contract
//! (`order_placed.v1.proto`, 52 fields in 6 messages, 4 enums, a
//! well-known import). Figures are recorded in BENCHMARKS.md.

mod common;

use common::Contract;
use criterion::{Criterion, criterion_group, criterion_main};
use schemas::{CompatibilityMode, SchemaType};

const V1: &str = include_str!("../../fixtures/contracts/orders/order_placed.v1.proto");
const V2: &str = include_str!("../../fixtures/contracts/orders/order_placed.v2.proto");

/// Version `i` of a history: the v1 contract whose `notes` field is renamed
/// and whose Java class name changes each release (all compatible).
fn version(i: usize) -> String {
    V1.replace(
        "optional string notes = 10;",
        &format!("optional string notes_v{i} = 10;"),
    )
    .replace(
        "option java_multiple_files = true;",
        &format!(
            "option java_multiple_files = true;\noption java_outer_classname = \"OrderPlacedV{i}\";"
        ),
    )
}

fn benches(c: &mut Criterion) {
    Contract {
        schema_type: SchemaType::Protobuf,
        v1: V1,
        v2: V2,
        version,
        history_mode: CompatibilityMode::BackwardTransitive,
        names: [
            "protobuf backward check, 52-field contract",
            "protobuf parse + backward check, 52-field contract",
            "protobuf full diff with messages, 52-field contract",
            "protobuf history",
            "new version against 1,000 prior versions, BACKWARD_TRANSITIVE",
        ],
    }
    .bench(c);
}

criterion_group!(protobuf, benches);
criterion_main!(protobuf);
