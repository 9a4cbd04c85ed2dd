//! The differential target: the compatibility verdict against the
//! validators. Under the default policy (`strict`), a change called
//! compatible must have no document that the writer's schema accepts and
//! the reader's schema rejects, among the generated documents and those the
//! counterexample search (`schemas::json::example`) builds from both.

use schemas::json::JsonSchema;
use schemas::json::example::{Probe, counterexample};
use schemas::{CompatibilityMode, NoReferences, Policy, Schema, SchemaType};
use serde_json::Value;

pub use crate::generate::Pair;

/// Judges the pair both ways round, in both directions.
pub fn differential(pair: &Pair) {
    let (old, new) = pair.versions();
    let documents: Vec<Value> = pair.documents.iter().map(|d| d.value()).collect();
    sound(&old, &new, &documents);
    sound(&new, &old, &documents);
}

/// Panics with the proof when a strict verdict on `new` after `old` calls
/// a change compatible that a document breaks.
fn sound(old_text: &Value, new_text: &Value, documents: &[Value]) {
    let parse = |v: &Value| Schema::parse(SchemaType::Json, &v.to_string(), &NoReferences).ok();
    let json = |v: &Value| JsonSchema::parse(&v.to_string(), &NoReferences).ok();
    let (Some(old), Some(new)) = (parse(old_text), parse(new_text)) else {
        return; // an edit made something that is not a schema
    };
    let (Some(o), Some(n)) = (json(old_text), json(new_text)) else {
        return;
    };
    let (Ok(old_probe), Ok(new_probe)) = (Probe::new(&o), Probe::new(&n)) else {
        return;
    };
    for (mode, writer, reader) in [
        (CompatibilityMode::Backward, &old_probe, &new_probe),
        (CompatibilityMode::Forward, &new_probe, &old_probe),
    ] {
        let Ok(report) = schemas::check(&new, &[&old], mode, Policy::Strict) else {
            continue; // over a limit: no verdict, which is not a wrong one
        };
        if !report.compatible {
            continue;
        }
        let proof = documents
            .iter()
            .find(|d| writer.accepts(d) && !reader.accepts(d))
            .cloned()
            .or_else(|| counterexample(writer, reader));
        if let Some(document) = proof {
            assert!(
                !writer.accepts(&document) || reader.accepts(&document),
                "{mode} called compatible, but the writer accepts and the reader rejects\n  \
                 document: {document}\n  old: {old_text}\n  new: {new_text}\n  changes: {:?}",
                report
                    .changes
                    .iter()
                    .map(|c| format!("{} {}", c.kind, c.path))
                    .collect::<Vec<_>>()
            );
        }
    }
}
