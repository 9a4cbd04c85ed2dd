//! Avro compatibility-check speed on the fixture `OrderPlaced` contract (50
//! fields in five records). Figures are recorded in BENCHMARKS.md.

use criterion::{Criterion, criterion_group, criterion_main};
use schemas::{CompatibilityMode, NoReferences, Policy, Schema, SchemaType};
use serde_json::Value;
use std::hint::black_box;

const V1: &str = include_str!("../../fixtures/contracts/orders/order-placed.v1.avsc");
const V2: &str = include_str!("../../fixtures/contracts/orders/order-placed.v2.avsc");

fn parse(text: &str) -> Schema {
    Schema::parse(SchemaType::Avro, text, &NoReferences).expect("fixture parses")
}

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
    let (v1, v2) = (parse(V1), parse(V2));
    c.bench_function("avro: backward check, 50-field contract", |b| {
        b.iter(|| {
            schemas::check(
                black_box(&v2),
                &[&v1],
                CompatibilityMode::Backward,
                Policy::Strict,
            )
            .unwrap()
        })
    });
    c.bench_function("avro: parse + backward check, 50-field contract", |b| {
        b.iter(|| {
            let (old, new) = (parse(black_box(V1)), parse(black_box(V2)));
            schemas::check(&new, &[&old], CompatibilityMode::Backward, Policy::Strict).unwrap()
        })
    });
    c.bench_function("avro: full diff with messages, 50-field contract", |b| {
        b.iter(|| schemas::diff(black_box(&v1), black_box(&v2), Policy::Strict).unwrap())
    });

    let history: Vec<Schema> = (0..1000).map(|i| parse(&version(i))).collect();
    let refs: Vec<&Schema> = history.iter().collect();
    let candidate = parse(&version(1000));
    let mut group = c.benchmark_group("avro history");
    group.sample_size(20);
    group.bench_function(
        "avro: new version against 1,000 prior versions, FULL_TRANSITIVE",
        |b| {
            b.iter(|| {
                let report = schemas::check(
                    black_box(&candidate),
                    &refs,
                    CompatibilityMode::FullTransitive,
                    Policy::Strict,
                )
                .unwrap();
                assert!(report.compatible);
                report
            })
        },
    );
    group.finish();
}

criterion_group!(avro, benches);
criterion_main!(avro);
