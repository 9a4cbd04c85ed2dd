//! Compatibility-check speed on the fixture `OrderPlaced` contract (50
//! properties, 3.9 kB). Figures are recorded in BENCHMARKS.md.

use criterion::{Criterion, criterion_group, criterion_main};
use schemas::{CompatibilityMode, NoReferences, Policy, Schema, SchemaType};
use serde_json::Value;
use std::hint::black_box;

const V1: &str = include_str!("../../fixtures/contracts/orders/order-placed.v1.json");
const V2: &str = include_str!("../../fixtures/contracts/orders/order-placed.v2.json");

fn parse(text: &str) -> Schema {
    Schema::parse(SchemaType::Json, text, &NoReferences).expect("fixture parses")
}

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
    let (v1, v2) = (parse(V1), parse(V2));
    c.bench_function("backward check, 50-property contract", |b| {
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
    c.bench_function("parse + backward check, 50-property contract", |b| {
        b.iter(|| {
            let (old, new) = (parse(black_box(V1)), parse(black_box(V2)));
            schemas::check(&new, &[&old], CompatibilityMode::Backward, Policy::Strict).unwrap()
        })
    });
    c.bench_function("full diff with messages, 50-property contract", |b| {
        b.iter(|| schemas::diff(black_box(&v1), black_box(&v2), Policy::Strict).unwrap())
    });

    let history: Vec<Schema> = (0..1000).map(|i| parse(&version(i))).collect();
    let refs: Vec<&Schema> = history.iter().collect();
    let candidate = parse(&version(1000));
    let mut group = c.benchmark_group("history");
    group.sample_size(20);
    group.bench_function(
        "new version against 1,000 prior versions, BACKWARD_TRANSITIVE",
        |b| {
            b.iter(|| {
                let report = schemas::check(
                    black_box(&candidate),
                    &refs,
                    CompatibilityMode::BackwardTransitive,
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

criterion_group!(compat, benches);
criterion_main!(compat);
