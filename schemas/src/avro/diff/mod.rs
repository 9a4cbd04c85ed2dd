//! The walk over an old and a new schema that lists every change, each
//! judged in both reading directions by the specification's resolution
//! rules: backward (the new schema reads what the old one wrote) and forward
//! (the old schema reads what the new one wrote).
//!
//! Types are paired as a reader pairs them with a writer: record fields by
//! name or by the reader field's aliases (each direction has its own
//! reader, so a pair may hold in one direction only), union branches by type
//! and name, everything else by position. Each pair is visited once per
//! direction, so recursive types end; a pair under evaluation is assumed
//! compatible, as Apache Avro does.
//!
//! Paths are JSON-pointer shaped but name-based, so that one path names the
//! same place in both versions: `#` is the root type; `/fields/<name>` a
//! record field (its new name; a removed field's old name), followed by
//! `/type`, `/default`, `/doc`, `/aliases` or `/order`; `/items` and
//! `/values` the inside of an array or map; `/<type name>` a union branch
//! (`/null`, `/string`, `/com.acme.Card`); `/name`, `/doc`, `/aliases`,
//! `/symbols`, `/default`, `/size` and `/logicalType` the attributes of a
//! type. A type used in several places is reported at the first place the
//! walk meets it, which is where the new schema defines it.
//!
//! This module holds the walk and the pairing of two types; `types.rs`
//! compares what every type has (primitive promotions, properties, logical
//! types, names and aliases), `record.rs` records and their fields,
//! `enumeration.rs` enums and fixed types, `union.rs` unions.

mod enumeration;
mod record;
mod types;
mod union;

use std::collections::HashMap;

use serde_json::{Value, json};

use super::AvroSchema;
use super::model::{Kind, NodeId};
use super::report::{Finding, Findings};
use super::resolution::{Judge, same_shape};
use crate::change::{Change, ChangeKind};
use crate::limits::Work;
use crate::vocabulary::{Directions, Policy};

/// Every change from `old` to `new`; judging `directions.backward`, those
/// that stop new readers reading old data are marked, judging
/// `directions.forward` those that stop old readers reading new data.
pub(crate) fn changes(
    old: &AvroSchema,
    new: &AvroSchema,
    policy: Policy,
    directions: Directions,
    work: &Work,
) -> Vec<Change> {
    let mut walk = Walk {
        old,
        new,
        policy,
        work,
        seen: HashMap::new(),
        back: Judge::new(old, new),
        fwd: Judge::new(new, old),
        findings: Findings::default(),
    };
    // Unjudged directions still walk, so `diff` lists every change.
    walk.pair(old.root, new.root, directions, "#");
    walk.findings.into_changes()
}

struct Walk<'a> {
    old: &'a AvroSchema,
    new: &'a AvroSchema,
    policy: Policy,
    /// The check's budget, one step per pair visited; once spent the walk
    /// descends no further (and the caller gives no verdict).
    work: &'a Work,
    /// Directions already visited per (old, new) pair.
    seen: HashMap<(NodeId, NodeId), Directions>,
    /// Old writes, new reads.
    back: Judge<'a>,
    /// New writes, old reads.
    fwd: Judge<'a>,
    findings: Findings,
}

/// A short description of a type for messages and `old`/`new` values.
pub(crate) fn describe(schema: &AvroSchema, id: NodeId) -> String {
    let node = &schema.nodes[id];
    let base = match &node.kind {
        Kind::Union(branches) => {
            let labels: Vec<&str> = branches
                .iter()
                .map(|&b| schema.nodes[b].kind.label())
                .collect();
            format!("[{}]", labels.join(", "))
        }
        Kind::Array(items) => format!("array of {}", schema.nodes[*items].kind.label()),
        Kind::Map(values) => format!("map of {}", schema.nodes[*values].kind.label()),
        kind => kind.label().to_string(),
    };
    match node.logical {
        Some(logical) => format!("{base} ({logical})"),
        None => base,
    }
}

impl Walk<'_> {
    #[allow(clippy::too_many_arguments)]
    fn emit(
        &mut self,
        kind: ChangeKind,
        path: String,
        old: Option<Value>,
        new: Option<Value>,
        what: String,
        backward: Option<String>,
        forward: Option<String>,
    ) {
        self.findings.push(Finding {
            kind,
            path,
            old,
            new,
            what,
            backward,
            forward,
        });
    }

    /// Compares old type `o` with new type `n` at `path`, judging `dirs`
    /// (with none, the visit only lists: the mode does not check them).
    fn pair(&mut self, o: NodeId, n: NodeId, dirs: Directions, path: &str) {
        if let (Some(a), Some(b)) = (self.old.hashes[o], self.new.hashes[n]) {
            if a == b {
                return;
            }
        }
        let done = self.seen.get(&(o, n)).copied();
        let todo = match done {
            // Listing happens on the first visit; later visits judge what
            // is left.
            Some(done) => dirs.minus(done),
            None => dirs,
        };
        if done.is_some() && !todo.any() {
            return;
        }
        if !self.work.step(|| path.to_string()) {
            return;
        }
        let entry = self.seen.entry((o, n)).or_default();
        entry.backward |= todo.backward;
        entry.forward |= todo.forward;
        let (old, new) = (self.old, self.new);
        let (ok, nk) = (&old.nodes[o].kind, &new.nodes[n].kind);
        if matches!(ok, Kind::Union(_)) || matches!(nk, Kind::Union(_)) {
            self.union(o, n, todo, path);
            return;
        }
        self.properties(o, n, path);
        match (ok, nk) {
            (Kind::Array(a), Kind::Array(b)) => self.pair(*a, *b, todo, &format!("{path}/items")),
            (Kind::Map(a), Kind::Map(b)) => self.pair(*a, *b, todo, &format!("{path}/values")),
            (Kind::Record(_), Kind::Record(_))
            | (Kind::Enum(_), Kind::Enum(_))
            | (Kind::Fixed(_), Kind::Fixed(_)) => {
                let passed = self.names(o, n, todo, path);
                self.logical(o, n, todo, path);
                if todo.any() && !passed.any() {
                    // A reader of another name reads nothing inside.
                    return;
                }
                match (ok, nk) {
                    (Kind::Record(_), Kind::Record(_)) => self.record(o, n, passed, path),
                    (Kind::Enum(_), Kind::Enum(_)) => self.enumeration(o, n, passed, path),
                    _ => self.fixed(o, n, passed, path),
                }
            }
            (a, b) if a.primitive_name().is_some() && b.primitive_name().is_some() => {
                if same_shape(a, b) {
                    self.logical(o, n, todo, path);
                } else {
                    self.primitive(o, n, todo, path);
                }
            }
            _ => {
                let (was, now) = (describe(old, o), describe(new, n));
                self.emit(
                    ChangeKind::TypeMismatch,
                    path.to_string(),
                    Some(json!(was)),
                    Some(json!(now)),
                    format!("type changed from {was} to {now}"),
                    todo.backward
                        .then(|| format!("old {was} values cannot be read as {now}")),
                    todo.forward
                        .then(|| format!("new {now} values cannot be read as {was}")),
                );
            }
        }
    }
}

pub(super) fn show(value: Option<&Value>) -> String {
    value.map_or("nothing".to_string(), Value::to_string)
}
