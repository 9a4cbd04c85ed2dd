//! What every type is compared on: a primitive's promotions, properties
//! such as `doc`, logical types, names and aliases, and the attributes of
//! named types.

use serde_json::{Value, json};

use super::{Walk, show};
use crate::avro::AvroSchema;
use crate::avro::model::{Logical, Named, NodeId};
use crate::avro::resolution::{names_match, promotes};
use crate::change::ChangeKind;
use crate::vocabulary::{Directions, Policy};

impl Walk<'_> {
    pub(super) fn primitive(&mut self, o: NodeId, n: NodeId, todo: Directions, path: &str) {
        let (ok, nk) = (&self.old.nodes[o].kind, &self.new.nodes[n].kind);
        let (was, now) = (ok.shape(), nk.shape());
        let (up, down) = (promotes(ok, nk), promotes(nk, ok));
        let (kind, what) = match (up, down) {
            (true, _) => (
                ChangeKind::AvroTypePromoted,
                format!("type promoted from {was} to {now}"),
            ),
            (false, true) => (
                ChangeKind::AvroTypeNarrowed,
                format!("type narrowed from {was} to {now}"),
            ),
            (false, false) => (
                ChangeKind::TypeMismatch,
                format!("type changed from {was} to {now}"),
            ),
        };
        self.emit(
            kind,
            path.to_string(),
            Some(json!(was)),
            Some(json!(now)),
            what,
            (todo.backward && !up).then(|| format!("old {was} values cannot be read as {now}")),
            (todo.forward && !down).then(|| format!("new {now} values cannot be read as {was}")),
        );
        self.logical(o, n, todo, path);
    }

    /// Custom properties of a type (not its logical type).
    pub(super) fn properties(&mut self, o: NodeId, n: NodeId, path: &str) {
        let (a, b) = (&self.old.nodes[o].attrs, &self.new.nodes[n].attrs);
        let logical = ["logicalType", "precision", "scale"];
        let keys: std::collections::BTreeSet<&String> = a.keys().chain(b.keys()).collect();
        for key in keys {
            if logical.contains(&key.as_str()) || a.get(key) == b.get(key) {
                continue;
            }
            self.emit(
                ChangeKind::AvroPropertyChanged,
                format!("{path}/{key}"),
                a.get(key).cloned(),
                b.get(key).cloned(),
                format!(
                    "property `{key}` changed from {} to {}",
                    show(a.get(key)),
                    show(b.get(key))
                ),
                None,
                None,
            );
        }
    }

    pub(super) fn logical(&mut self, o: NodeId, n: NodeId, todo: Directions, path: &str) {
        let (a, b) = (self.old.nodes[o].logical, self.new.nodes[n].logical);
        let here = format!("{path}/logicalType");
        let strict = self.policy == Policy::Strict;
        let text = |l: Option<Logical>| l.map(|l| l.to_string());
        match (a, b) {
            (None, None) => {}
            (Some(x), Some(y)) if x == y => {}
            (None, Some(y)) => self.emit(
                ChangeKind::AvroLogicalTypeAdded,
                here,
                None,
                Some(json!(y.to_string())),
                format!("logical type {y} was added"),
                None,
                None,
            ),
            (Some(x), None) => self.emit(
                ChangeKind::AvroLogicalTypeRemoved,
                here,
                Some(json!(x.to_string())),
                None,
                format!("logical type {x} was removed"),
                None,
                None,
            ),
            (Some(x), Some(y)) => {
                let (kind, backward, forward) = match (x, y) {
                    (
                        Logical::Decimal {
                            precision: p,
                            scale: s,
                        },
                        Logical::Decimal {
                            precision: q,
                            scale: t,
                        },
                    ) if s == t => {
                        if q > p {
                            (ChangeKind::AvroLogicalTypeWidened, false, true)
                        } else {
                            (ChangeKind::AvroLogicalTypeNarrowed, true, false)
                        }
                    }
                    _ => (ChangeKind::AvroLogicalTypeChanged, true, true),
                };
                let why = |writer: &str, written: Logical, reading: Logical| {
                    format!(
                        "{writer} values decode, but are read as {reading} where they were written as {written}"
                    )
                };
                self.emit(
                    kind,
                    here,
                    text(a).map(Value::from),
                    text(b).map(Value::from),
                    format!(
                        "logical type changed from {x} to {y} (Avro resolution ignores logical types, and so does the lenient policy)"
                    ),
                    (strict && backward && todo.backward).then(|| why("old", x, y)),
                    (strict && forward && todo.forward).then(|| why("new", y, x)),
                );
            }
        }
    }

    /// Compares the names of two named types; answers the directions in
    /// which the reader's name matches the writer's.
    pub(super) fn names(
        &mut self,
        o: NodeId,
        n: NodeId,
        todo: Directions,
        path: &str,
    ) -> Directions {
        let (a, b) = (named(self.old, o), named(self.new, n));
        let (reads_old, reads_new) = (names_match(a, b), names_match(b, a));
        if a.name != b.name {
            let (kind, what) = if a.short() == b.short() {
                (
                    ChangeKind::AvroNamespaceChanged,
                    format!(
                        "`{}` moved to namespace `{}`",
                        a.name,
                        crate::avro::model::namespace_of(&b.name)
                    ),
                )
            } else if reads_old {
                (
                    ChangeKind::AvroTypeRenamed,
                    format!(
                        "`{}` was renamed to `{}`, with the old name as an alias",
                        a.name, b.name
                    ),
                )
            } else {
                (
                    ChangeKind::NameMismatch,
                    format!("`{}` was renamed to `{}`", a.name, b.name),
                )
            };
            self.emit(
                kind,
                format!("{path}/name"),
                Some(json!(a.name)),
                Some(json!(b.name)),
                what,
                (todo.backward && !reads_old).then(|| {
                    format!(
                        "they expect `{}` and list no alias `{}` for the name old data was written with",
                        b.name, a.name
                    )
                }),
                (todo.forward && !reads_new).then(|| {
                    format!(
                        "they expect `{}` and list no alias `{}` for the name new data is written with",
                        a.name, b.name
                    )
                }),
            );
        }
        self.attributes(&a.doc, &b.doc, &a.aliases, &b.aliases, path);
        Directions {
            backward: todo.backward && reads_old,
            forward: todo.forward && reads_new,
        }
    }

    /// `doc` and `aliases` changes (they break no reader by themselves).
    pub(super) fn attributes(
        &mut self,
        old_doc: &Option<String>,
        new_doc: &Option<String>,
        old_aliases: &[String],
        new_aliases: &[String],
        path: &str,
    ) {
        if old_doc != new_doc {
            self.emit(
                ChangeKind::AvroDocChanged,
                format!("{path}/doc"),
                old_doc.as_ref().map(|d| json!(d)),
                new_doc.as_ref().map(|d| json!(d)),
                "doc changed".into(),
                None,
                None,
            );
        }
        let mut a: Vec<&String> = old_aliases.iter().collect();
        let mut b: Vec<&String> = new_aliases.iter().collect();
        a.sort();
        b.sort();
        if a != b {
            self.emit(
                ChangeKind::AvroAliasesChanged,
                format!("{path}/aliases"),
                Some(json!(a)),
                Some(json!(b)),
                format!("aliases changed from {} to {}", json!(a), json!(b)),
                None,
                None,
            );
        }
    }
}

fn named(schema: &AvroSchema, id: NodeId) -> &Named {
    schema.nodes[id]
        .kind
        .named()
        .expect("named() is called on records, enums and fixed only")
}
