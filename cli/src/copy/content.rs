//! When two registries hold "the same schema": the same format, the same
//! references, and the same text, or texts with one canonical form (a
//! Charter registry keeps the canonical form of what it is sent, so a
//! schema copied from another registry may come back spelled otherwise).

use std::collections::{HashSet, VecDeque};

use schemas::{MapResolver, Schema, SchemaType};

use super::Snapshot;
use crate::client::ExportedVersion;
use crate::values::SchemaReference;

/// What Charter gives one id: format, canonical text, references.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Content {
    schema_type: SchemaType,
    canonical: String,
    references: Vec<SchemaReference>,
}

/// The content of `version`, its references read from `side`, or why
/// Charter cannot parse it.
pub fn content(side: &Snapshot, version: &ExportedVersion) -> Result<Content, String> {
    let resolver = resolver(side, &version.references);
    let schema = Schema::parse(version.schema_type, &version.schema, &resolver)
        .map_err(|e| e.to_string())?;
    Ok(Content {
        schema_type: version.schema_type,
        canonical: schema.canonical().to_string(),
        references: version.references.clone(),
    })
}

/// Whether `a` (held by `a_side`) and `b` (by `b_side`) are one schema.
pub fn same(
    a_side: &Snapshot,
    a: &ExportedVersion,
    b_side: &Snapshot,
    b: &ExportedVersion,
) -> bool {
    if a.schema_type != b.schema_type || a.references != b.references {
        return false;
    }
    if a.schema == b.schema {
        return true;
    }
    match (content(a_side, a), content(b_side, b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// The texts of every schema `references` reach, by reference name.
fn resolver(side: &Snapshot, references: &[SchemaReference]) -> MapResolver {
    let mut resolver = MapResolver::new();
    let mut seen = HashSet::new();
    let mut queue: VecDeque<&SchemaReference> = references.iter().collect();
    while let Some(reference) = queue.pop_front() {
        if !seen.insert((&reference.subject, reference.version)) {
            continue;
        }
        if let Some(held) = side.version(&reference.subject, reference.version) {
            resolver.insert(reference.name.clone(), held.version.schema.clone());
            queue.extend(held.version.references.iter());
        }
    }
    resolver
}
