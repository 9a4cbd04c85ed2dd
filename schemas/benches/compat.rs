//! Compatibility-check speed on the fixture `OrderPlaced` contract (50
//! properties, 3.9 kB). Figures are recorded in BENCHMARKS.md.

mod common;

use common::Contract;
use criterion::{Criterion, criterion_group, criterion_main};
use schemas::{CompatibilityMode, SchemaType};
use serde_json::Value;

const V1: &str = include_str!("../../fixtures/contracts/orders/order-placed.v1.json");
const V2: &str = include_str!("../../fixtures/contracts/orders/order-placed.v2.json");

/// Version `i` of a history: the v1 contract with limits that grow each release.
fn version(i: usize) -> String {
    let mut value: Value = serde_json::from_str(V1).unwrap();
    let payload = &mut value["$defs"]["OrderPlacedPayload"]["properties"];
    payload["notes"]["maxLength"] = (500 + i).into();
    payload["salesRepId"]["maxLength"] = (40 + i).into();
    value["$defs"]["OrderLine"]["properties"]["quantity"]["maximum"] = (1000 + i).into();
    value.to_string()
}

fn benches(c: &mut Criterion) {
    Contract {
        schema_type: SchemaType::Json,
        v1: V1,
        v2: V2,
        version,
        history_mode: CompatibilityMode::BackwardTransitive,
        names: [
            "backward check, 50-property contract",
            "parse + backward check, 50-property contract",
            "full diff with messages, 50-property contract",
            "history",
            "new version against 1,000 prior versions, BACKWARD_TRANSITIVE",
        ],
    }
    .bench(c);
}

criterion_group!(compat, benches);
criterion_main!(compat);
