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

use std::collections::HashMap;

use serde_json::{Value, json};

use super::AvroSchema;
use super::model::{Field, Kind, Logical, Named, NodeId};
use super::report::{Finding, Findings, list};
use super::resolution::{Judge, names_match, promotes, same_shape};
use crate::change::{Change, ChangeKind};
use crate::vocabulary::{Directions, Policy};

/// Every change from `old` to `new`; judging `directions.backward`, those
/// that stop new readers reading old data are marked, judging
/// `directions.forward` those that stop old readers reading new data.
pub(crate) fn changes(
    old: &AvroSchema,
    new: &AvroSchema,
    policy: Policy,
    directions: Directions,
) -> Vec<Change> {
    let mut walk = Walk {
        old,
        new,
        policy,
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

    fn primitive(&mut self, o: NodeId, n: NodeId, todo: Directions, path: &str) {
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
    fn properties(&mut self, o: NodeId, n: NodeId, path: &str) {
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

    fn logical(&mut self, o: NodeId, n: NodeId, todo: Directions, path: &str) {
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
    fn names(&mut self, o: NodeId, n: NodeId, todo: Directions, path: &str) -> Directions {
        let (a, b) = (named(self.old, o), named(self.new, n));
        let (reads_old, reads_new) = (names_match(a, b), names_match(b, a));
        if a.name != b.name {
            let (kind, what) = if a.short() == b.short() {
                (
                    ChangeKind::AvroNamespaceChanged,
                    format!(
                        "`{}` moved to namespace `{}`",
                        a.name,
                        super::model::namespace_of(&b.name)
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
    fn attributes(
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

    fn record(&mut self, o: NodeId, n: NodeId, dirs: Directions, path: &str) {
        let (old, new) = (self.old, self.new);
        let (Kind::Record(a), Kind::Record(b)) = (&old.nodes[o].kind, &new.nodes[n].kind) else {
            return;
        };
        // Each direction's reader finds its fields in the writer.
        let back: Vec<Option<usize>> = b
            .fields
            .iter()
            .map(|f| super::resolution::writer_field(a, f).map(|(i, _)| i))
            .collect();
        let fwd: Vec<Option<usize>> = a
            .fields
            .iter()
            .map(|f| super::resolution::writer_field(b, f).map(|(i, _)| i))
            .collect();
        let record = a.named.name.clone();
        for (ni, field) in b.fields.iter().enumerate() {
            if let Some(oi) = back[ni].filter(|&oi| fwd[oi] == Some(ni)) {
                if self.same_field(&a.fields[oi], field) {
                    continue;
                }
            }
            let here = format!("{path}/fields/{}", field.name);
            let from_back = back[ni];
            let from_fwd: Vec<usize> = (0..a.fields.len())
                .filter(|&oi| fwd[oi] == Some(ni))
                .collect();
            let mut pairs: Vec<(usize, Directions)> = Vec::new();
            if let Some(oi) = from_back {
                pairs.push((
                    oi,
                    Directions {
                        backward: true,
                        forward: from_fwd.contains(&oi),
                    },
                ));
            }
            for &oi in from_fwd.iter().filter(|&&oi| Some(oi) != from_back) {
                pairs.push((
                    oi,
                    Directions {
                        backward: false,
                        forward: true,
                    },
                ));
            }
            if from_back.is_none() {
                let ty = describe(new, field.ty);
                let (kind, what) = match &field.default {
                    Some(d) => (
                        ChangeKind::AvroFieldAddedWithDefault,
                        format!("field `{}` ({ty}) was added with default {d}", field.name),
                    ),
                    None => (
                        ChangeKind::ReaderFieldMissingDefaultValue,
                        format!("field `{}` ({ty}) was added without a default", field.name),
                    ),
                };
                let mut shown = json!({"name": field.name, "type": ty});
                if let Some(d) = &field.default {
                    shown["default"] = d.clone();
                }
                self.emit(
                    kind,
                    here.clone(),
                    None,
                    Some(shown),
                    what,
                    (dirs.backward && field.default.is_none()).then(|| {
                        format!("old `{record}` data has no `{}` and the field has no default to fill in", field.name)
                    }),
                    None,
                );
            }
            for (oi, pd) in pairs {
                let pd = Directions {
                    backward: pd.backward && dirs.backward,
                    forward: pd.forward && dirs.forward,
                };
                self.field_pair(o, oi, n, ni, pd, &here);
            }
        }
        for (oi, field) in a.fields.iter().enumerate() {
            let seen_back = back.contains(&Some(oi));
            if seen_back && fwd[oi].is_some() {
                continue;
            }
            if seen_back {
                // Renamed, with the alias only in the new schema: old
                // readers look for the old name.
                let ni = back.iter().position(|&m| m == Some(oi)).unwrap_or_default();
                let renamed = &b.fields[ni];
                if dirs.forward && field.default.is_none() {
                    self.emit(
                        ChangeKind::AvroFieldRenamed,
                        format!("{path}/fields/{}", renamed.name),
                        Some(json!(field.name)),
                        Some(json!(renamed.name)),
                        renamed_what(&field.name, &renamed.name),
                        None,
                        Some(format!(
                            "they look for `{}`, which new data calls `{}` (only the new schema lists the alias), and the old schema gives `{}` no default",
                            field.name, renamed.name, field.name
                        )),
                    );
                }
                continue;
            }
            let ty = describe(old, field.ty);
            let mut shown = json!({"name": field.name, "type": ty});
            if let Some(d) = &field.default {
                shown["default"] = d.clone();
            }
            let what = match &field.default {
                Some(d) => format!("field `{}` ({ty}, default {d}) was removed", field.name),
                None => format!("field `{}` ({ty}) was removed", field.name),
            };
            self.emit(
                ChangeKind::AvroFieldRemoved,
                format!("{path}/fields/{}", field.name),
                Some(shown),
                None,
                what,
                None,
                (dirs.forward && fwd[oi].is_none() && field.default.is_none()).then(|| {
                    format!(
                        "they read `{}`, new `{}` data no longer has it, and the old schema gives it no default",
                        field.name, b.named.name
                    )
                }),
            );
        }
    }

    /// Whether two fields are identical, their types included.
    fn same_field(&self, x: &Field, y: &Field) -> bool {
        let hashes = (self.old.hashes[x.ty], self.new.hashes[y.ty]);
        matches!(hashes, (Some(a), Some(b)) if a == b)
            && x.name == y.name
            && x.aliases == y.aliases
            && x.doc == y.doc
            && x.default == y.default
            && x.order == y.order
            && x.attrs == y.attrs
    }

    /// A field of the old record (index `oi`) read as a field of the new one.
    fn field_pair(
        &mut self,
        o: NodeId,
        oi: usize,
        n: NodeId,
        ni: usize,
        dirs: Directions,
        here: &str,
    ) {
        let (old, new) = (self.old, self.new);
        let (Kind::Record(a), Kind::Record(b)) = (&old.nodes[o].kind, &new.nodes[n].kind) else {
            return;
        };
        let (x, y) = (&a.fields[oi], &b.fields[ni]);
        if x.name != y.name {
            self.emit(
                ChangeKind::AvroFieldRenamed,
                here.to_string(),
                Some(json!(x.name)),
                Some(json!(y.name)),
                renamed_what(&x.name, &y.name),
                None,
                None,
            );
        }
        if x.default != y.default {
            let what = match (&x.default, &y.default) {
                (None, Some(d)) => format!("default {d} was added"),
                (Some(d), None) => format!("default {d} was removed"),
                (Some(d), Some(e)) => format!("default changed from {d} to {e}"),
                (None, None) => String::new(),
            };
            self.emit(
                ChangeKind::AvroDefaultChanged,
                format!("{here}/default"),
                x.default.clone(),
                y.default.clone(),
                format!("field `{}`: {what}", y.name),
                None,
                None,
            );
        }
        if x.order != y.order {
            self.emit(
                ChangeKind::AvroSortOrderChanged,
                format!("{here}/order"),
                Some(json!(x.order.as_str())),
                Some(json!(y.order.as_str())),
                format!(
                    "sort order of field `{}` changed from {} to {}",
                    y.name,
                    x.order.as_str(),
                    y.order.as_str()
                ),
                None,
                None,
            );
        }
        let keys: std::collections::BTreeSet<&String> =
            x.attrs.keys().chain(y.attrs.keys()).collect();
        for key in keys {
            if x.attrs.get(key) != y.attrs.get(key) {
                self.emit(
                    ChangeKind::AvroPropertyChanged,
                    format!("{here}/{key}"),
                    x.attrs.get(key).cloned(),
                    y.attrs.get(key).cloned(),
                    format!(
                        "property `{key}` of field `{}` changed from {} to {}",
                        y.name,
                        show(x.attrs.get(key)),
                        show(y.attrs.get(key))
                    ),
                    None,
                    None,
                );
            }
        }
        let (xd, yd, xa, ya) = (
            x.doc.clone(),
            y.doc.clone(),
            x.aliases.clone(),
            y.aliases.clone(),
        );
        self.attributes(&xd, &yd, &xa, &ya, here);
        let (xt, yt) = (x.ty, y.ty);
        self.pair(xt, yt, dirs, &format!("{here}/type"));
    }

    fn enumeration(&mut self, o: NodeId, n: NodeId, dirs: Directions, path: &str) {
        let (old, new) = (self.old, self.new);
        let (Kind::Enum(a), Kind::Enum(b)) = (&old.nodes[o].kind, &new.nodes[n].kind) else {
            return;
        };
        let added: Vec<&str> = b
            .symbols
            .iter()
            .filter(|s| !a.symbols.contains(s))
            .map(String::as_str)
            .collect();
        let removed: Vec<&str> = a
            .symbols
            .iter()
            .filter(|s| !b.symbols.contains(s))
            .map(String::as_str)
            .collect();
        let here = format!("{path}/symbols");
        if !added.is_empty() {
            let what = match &a.default {
                Some(d) => format!(
                    "enum `{}` gained {} (old readers read unknown symbols as their default `{d}`)",
                    b.named.name,
                    list(&added)
                ),
                None => format!("enum `{}` gained {}", b.named.name, list(&added)),
            };
            self.emit(
                ChangeKind::AvroEnumSymbolAdded,
                here.clone(),
                Some(json!(a.symbols)),
                Some(json!(b.symbols)),
                what,
                None,
                (dirs.forward && a.default.is_none()).then(|| {
                    format!(
                        "new data may hold {}, which the old enum lacks, and it declares no default symbol",
                        list(&added)
                    )
                }),
            );
        }
        if !removed.is_empty() {
            let (kind, what) = match &b.default {
                Some(d) => (
                    ChangeKind::AvroEnumSymbolRemoved,
                    format!(
                        "enum `{}` lost {} (new readers read them as the default `{d}`)",
                        b.named.name,
                        list(&removed)
                    ),
                ),
                None => (
                    ChangeKind::MissingEnumSymbols,
                    format!("enum `{}` lost {}", b.named.name, list(&removed)),
                ),
            };
            self.emit(
                kind,
                here,
                Some(json!(a.symbols)),
                Some(json!(b.symbols)),
                what,
                (dirs.backward && b.default.is_none()).then(|| {
                    format!(
                        "old data may hold {}, which the new enum lacks, and it declares no default symbol",
                        list(&removed)
                    )
                }),
                None,
            );
        }
        if a.default != b.default {
            let shown =
                |d: &Option<String>| d.as_ref().map_or("none".to_string(), |d| format!("`{d}`"));
            self.emit(
                ChangeKind::AvroDefaultChanged,
                format!("{path}/default"),
                a.default.as_ref().map(|d| json!(d)),
                b.default.as_ref().map(|d| json!(d)),
                format!(
                    "default symbol of enum `{}` changed from {} to {}",
                    b.named.name,
                    shown(&a.default),
                    shown(&b.default)
                ),
                None,
                None,
            );
        }
    }

    fn fixed(&mut self, o: NodeId, n: NodeId, dirs: Directions, path: &str) {
        let (Kind::Fixed(a), Kind::Fixed(b)) = (&self.old.nodes[o].kind, &self.new.nodes[n].kind)
        else {
            return;
        };
        if a.size == b.size {
            return;
        }
        let (name, was, now) = (b.named.name.clone(), a.size, b.size);
        self.emit(
            ChangeKind::FixedSizeMismatch,
            format!("{path}/size"),
            Some(json!(was)),
            Some(json!(now)),
            format!("fixed `{name}` changed size from {was} to {now} bytes"),
            dirs.backward
                .then(|| format!("old values are {was} bytes, new readers read {now}")),
            dirs.forward
                .then(|| format!("new values are {now} bytes, old readers read {was}")),
        );
    }

    /// At least one side is a union: branches are paired by type, and each
    /// unpaired branch is judged by whether the other side reads it.
    fn union(&mut self, o: NodeId, n: NodeId, todo: Directions, path: &str) {
        let (old, new) = (self.old, self.new);
        let branches = |s: &AvroSchema, id: NodeId| match &s.nodes[id].kind {
            Kind::Union(b) => b.clone(),
            _ => vec![id],
        };
        let (ob, nb) = (branches(old, o), branches(new, n));
        let new_is_union = matches!(new.nodes[n].kind, Kind::Union(_));
        let old_is_union = matches!(old.nodes[o].kind, Kind::Union(_));
        let mut taken = vec![false; ob.len()];
        let mut partner: Vec<Option<usize>> = vec![None; nb.len()];
        // Same type, then same unqualified name, then an alias either way.
        for rule in 0..3 {
            for (j, &nj) in nb.iter().enumerate() {
                if partner[j].is_some() {
                    continue;
                }
                let found = ob.iter().enumerate().find(|&(i, &oi)| {
                    !taken[i] && counterparts(&old.nodes[oi].kind, &new.nodes[nj].kind, rule)
                });
                if let Some((i, _)) = found {
                    taken[i] = true;
                    partner[j] = Some(i);
                }
            }
        }
        let at = |label: &str, is_union: bool| {
            if is_union {
                format!("{path}/{label}")
            } else {
                path.to_string()
            }
        };
        let (old_all, new_all) = (describe(old, o), describe(new, n));
        for (j, &nj) in nb.iter().enumerate() {
            let here = at(new.nodes[nj].kind.label(), new_is_union);
            match partner[j] {
                Some(i) => self.pair(ob[i], nj, todo, &here),
                None => {
                    let label = describe(new, nj);
                    let readable = !todo.forward || self.fwd.reads(nj, o);
                    self.emit(
                        ChangeKind::AvroUnionBranchAdded,
                        here,
                        Some(json!(old_all)),
                        Some(json!(new_all)),
                        format!("{label} was added to the type (was {old_all}, now {new_all})"),
                        None,
                        (!readable).then(|| {
                            format!("new data may hold a {label} value, and the old type {old_all} has no branch that reads it")
                        }),
                    );
                }
            }
        }
        for (i, &oi) in ob.iter().enumerate() {
            if taken[i] {
                continue;
            }
            let label = describe(old, oi);
            let readable = self.back.reads(oi, n);
            let (kind, what) = if readable {
                (
                    ChangeKind::AvroUnionBranchRemoved,
                    format!(
                        "{label} was removed from the type (was {old_all}, now {new_all}); new readers still read it"
                    ),
                )
            } else {
                (
                    ChangeKind::MissingUnionBranch,
                    format!("{label} was removed from the type (was {old_all}, now {new_all})"),
                )
            };
            self.emit(
                kind,
                at(old.nodes[oi].kind.label(), old_is_union),
                Some(json!(old_all)),
                Some(json!(new_all)),
                what,
                (todo.backward && !readable).then(|| {
                    format!("old data may hold a {label} value, and the new type {new_all} has no branch that reads it")
                }),
                None,
            );
        }
    }
}

/// Whether an old and a new union branch are the same branch under pairing
/// rule `rule`: 0 the same type (full name for named types), 1 the same
/// unqualified name, 2 an alias of one naming the other.
fn counterparts(a: &Kind, b: &Kind, rule: u8) -> bool {
    if !same_shape(a, b) {
        return false;
    }
    match (a.named(), b.named()) {
        (Some(x), Some(y)) => match rule {
            0 => x.name == y.name,
            1 => x.short() == y.short(),
            _ => x.aliases.contains(&y.name) || y.aliases.contains(&x.name),
        },
        _ => rule == 0,
    }
}

fn renamed_what(old: &str, new: &str) -> String {
    format!("field `{old}` was renamed to `{new}` (an alias pairs the two names)")
}

fn named(schema: &AvroSchema, id: NodeId) -> &Named {
    schema.nodes[id]
        .kind
        .named()
        .expect("named() is called on records, enums and fixed only")
}

fn show(value: Option<&Value>) -> String {
    value.map_or("nothing".to_string(), Value::to_string)
}
