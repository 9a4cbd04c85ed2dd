//! The benchmark shape shared by every format: one check, parse plus check,
//! a full diff, and a new version against 1,000 prior versions, all on one
//! fixture contract. Figures are recorded in BENCHMARKS.md under these names.

use criterion::Criterion;
use schemas::{CompatibilityMode, NoReferences, Policy, Schema, SchemaType};
use std::hint::black_box;

/// A contract to measure and the names its figures go by.
pub struct Contract {
    /// Its format.
    pub schema_type: SchemaType,
    /// Version 1, as text.
    pub v1: &'static str,
    /// A compatible version 2, as text.
    pub v2: &'static str,
    /// Version `i` of a compatible history.
    pub version: fn(usize) -> String,
    /// The mode the history is checked in.
    pub history_mode: CompatibilityMode,
    /// Benchmark names: check, parse + check, full diff, history group, history.
    pub names: [&'static str; 5],
}

impl Contract {
    fn parse(&self, text: &str) -> Schema {
        Schema::parse(self.schema_type, text, &NoReferences).expect("fixture parses")
    }

    /// Runs the four benchmarks.
    pub fn bench(&self, c: &mut Criterion) {
        let [check, parse_check, diff, group_name, history_name] = self.names;
        let (v1, v2) = (self.parse(self.v1), self.parse(self.v2));
        let backward = |new: &Schema, old: &Schema| {
            schemas::check(new, &[old], CompatibilityMode::Backward, Policy::Strict).unwrap()
        };
        c.bench_function(check, |b| b.iter(|| backward(black_box(&v2), &v1)));
        c.bench_function(parse_check, |b| {
            b.iter(|| {
                let (old, new) = (
                    self.parse(black_box(self.v1)),
                    self.parse(black_box(self.v2)),
                );
                backward(&new, &old)
            })
        });
        c.bench_function(diff, |b| {
            b.iter(|| schemas::diff(black_box(&v1), black_box(&v2), Policy::Strict).unwrap())
        });

        let history: Vec<Schema> = (0..1000).map(|i| self.parse(&(self.version)(i))).collect();
        let refs: Vec<&Schema> = history.iter().collect();
        let candidate = self.parse(&(self.version)(1000));
        let mut group = c.benchmark_group(group_name);
        group.sample_size(20);
        group.bench_function(history_name, |b| {
            b.iter(|| {
                let report = schemas::check(
                    black_box(&candidate),
                    &refs,
                    self.history_mode,
                    Policy::Strict,
                )
                .unwrap();
                assert!(report.compatible);
                report
            })
        });
        group.finish();
    }
}
