//! Protobuf compatibility-check speed on the fixture `OrderPlaced` contract
//! (`order_placed.v1.proto`, 52 fields in 6 messages, 4 enums, a
//! well-known import). Figures are recorded in BENCHMARKS.md.

use criterion::{Criterion, criterion_group, criterion_main};
use schemas::{CompatibilityMode, NoReferences, Policy, Schema, SchemaType};
use std::hint::black_box;

const V1: &str = include_str!("../../fixtures/contracts/orders/order_placed.v1.proto");
const V2: &str = include_str!("../../fixtures/contracts/orders/order_placed.v2.proto");

fn parse(text: &str) -> Schema {
    Schema::parse(SchemaType::Protobuf, text, &NoReferences).expect("fixture compiles")
}

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
    let (v1, v2) = (parse(V1), parse(V2));
    c.bench_function("protobuf backward check, 52-field contract", |b| {
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
    c.bench_function("protobuf parse + backward check, 52-field contract", |b| {
        b.iter(|| {
            let (old, new) = (parse(black_box(V1)), parse(black_box(V2)));
            schemas::check(&new, &[&old], CompatibilityMode::Backward, Policy::Strict).unwrap()
        })
    });
    c.bench_function("protobuf full diff with messages, 52-field contract", |b| {
        b.iter(|| schemas::diff(black_box(&v1), black_box(&v2), Policy::Strict).unwrap())
    });

    let history: Vec<Schema> = (0..1000).map(|i| parse(&version(i))).collect();
    let refs: Vec<&Schema> = history.iter().collect();
    let candidate = parse(&version(1000));
    let mut group = c.benchmark_group("protobuf history");
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

criterion_group!(protobuf, benches);
criterion_main!(protobuf);
