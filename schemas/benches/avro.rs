//! Avro compatibility-check speed on the fixture `OrderPlaced` contract (50
//! fields in five records). Figures are recorded in BENCHMARKS.md.

mod common;

use common::Contract;
use criterion::{Criterion, criterion_group, criterion_main};
use schemas::{CompatibilityMode, SchemaType};
use serde_json::Value;

const V1: &str = include_str!("../../fixtures/contracts/orders/order-placed.v1.avsc");
const V2: &str = include_str!("../../fixtures/contracts/orders/order-placed.v2.avsc");

/// Version `i` of a history: the v1 contract with one more optional
/// attribute field per release and a changing default.
fn version(i: usize) -> String {
    let mut value: Value = serde_json::from_str(V1).unwrap();
    let fields = value["fields"][7]["type"]["fields"].as_array_mut().unwrap();
    fields[12]["default"] = (i % 100).into();
    fields.push(serde_json::json!({
        "name": format!("extra{}", i % 7),
        "type": ["null", "string"],
        "default": null,
    }));
    value.to_string()
}

fn benches(c: &mut Criterion) {
    Contract {
        schema_type: SchemaType::Avro,
        v1: V1,
        v2: V2,
        version,
        history_mode: CompatibilityMode::FullTransitive,
        names: [
            "avro: backward check, 50-field contract",
            "avro: parse + backward check, 50-field contract",
            "avro: full diff with messages, 50-field contract",
            "avro history",
            "avro: new version against 1,000 prior versions, FULL_TRANSITIVE",
        ],
    }
    .bench(c);
}

criterion_group!(avro, benches);
criterion_main!(avro);
