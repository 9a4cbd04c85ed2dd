//! The specification's schema resolution: can a reader holding one schema
//! read what a writer wrote with another?
//!
//! Two forms share the same rules: [`Judge::reads`] answers for every datum
//! a writer schema can produce (recursive types are assumed readable while
//! under evaluation, as Apache Avro does), and [`resolve_value`] answers for
//! one datum in the Avro JSON encoding, saying where it fails. The judge is
//! sound with respect to the datum form: when it says a pair reads, every
//! datum resolves (the property tests hold it to that).

use std::collections::{HashMap, HashSet};

use serde_json::Value;

use super::AvroSchema;
use super::model::{Field, Kind, Named, NodeId, Record};
use crate::pointer;

/// Whether a writer's primitive promotes to the reader's (int → long, float,
/// double; long → float, double; float → double; string ↔ bytes).
pub(crate) fn promotes(writer: &Kind, reader: &Kind) -> bool {
    use Kind::*;
    matches!(
        (writer, reader),
        (Int, Long | Float | Double)
            | (Long, Float | Double)
            | (Float, Double)
            | (String, Bytes)
            | (Bytes, String)
    )
}

/// Whether the reader's named type reads the writer's: same unqualified
/// name, or a reader alias equal to the writer's full name.
pub(crate) fn names_match(writer: &Named, reader: &Named) -> bool {
    writer.short() == reader.short() || reader.aliases.contains(&writer.name)
}

/// Whether two kinds have the same shape (both records, both `int`...).
pub(crate) fn same_shape(a: &Kind, b: &Kind) -> bool {
    std::mem::discriminant(a) == std::mem::discriminant(b)
}

/// The reader field's source in the writer record: by name, then by the
/// reader field's aliases.
pub(crate) fn writer_field<'w>(writer: &'w Record, reader: &Field) -> Option<(usize, &'w Field)> {
    let by = |name: &str| writer.by_name.get(name).map(|&i| (i, &writer.fields[i]));
    by(&reader.name).or_else(|| reader.aliases.iter().find_map(|a| by(a)))
}

/// The reader union branch that reads writer type `w`: a branch of the same
/// type (same full name for named types), then a named branch with the same
/// unqualified name, then one whose aliases name the writer's type, then the
/// first branch the writer's primitive promotes to.
pub(crate) fn select(
    writer: &AvroSchema,
    w: NodeId,
    reader: &AvroSchema,
    branches: &[NodeId],
) -> Option<NodeId> {
    let wk = &writer.nodes[w].kind;
    let kinds = || branches.iter().map(|&b| (b, &reader.nodes[b].kind));
    if let Some(wn) = wk.named() {
        let named = || {
            kinds()
                .filter(|(_, k)| same_shape(wk, k))
                .filter_map(|(b, k)| Some((b, k.named()?)))
        };
        return named()
            .find(|(_, rn)| rn.name == wn.name)
            .or_else(|| named().find(|(_, rn)| rn.short() == wn.short()))
            .or_else(|| named().find(|(_, rn)| rn.aliases.contains(&wn.name)))
            .map(|(b, _)| b);
    }
    kinds()
        .find(|(_, k)| same_shape(wk, k))
        .or_else(|| kinds().find(|(_, k)| promotes(wk, k)))
        .map(|(b, _)| b)
}

/// Answers "does the reader read everything the writer writes?" for pairs
/// of types, remembering answers.
pub(crate) struct Judge<'a> {
    writer: &'a AvroSchema,
    reader: &'a AvroSchema,
    memo: HashMap<(NodeId, NodeId), bool>,
    /// Pairs in the order they were entered, so that answers that relied on
    /// an assumption proved false can be forgotten.
    log: Vec<(NodeId, NodeId)>,
}

impl<'a> Judge<'a> {
    pub(crate) fn new(writer: &'a AvroSchema, reader: &'a AvroSchema) -> Self {
        Judge {
            writer,
            reader,
            memo: HashMap::new(),
            log: Vec::new(),
        }
    }

    /// Whether every datum of writer type `w` resolves to reader type `r`.
    pub(crate) fn reads(&mut self, w: NodeId, r: NodeId) -> bool {
        if let Some(&known) = self.memo.get(&(w, r)) {
            return known;
        }
        // Assume yes while evaluating (recursive types); on a no, forget
        // everything decided since, as it may rest on that assumption.
        self.memo.insert((w, r), true);
        let mark = self.log.len();
        self.log.push((w, r));
        let answer = self.decide(w, r);
        if !answer {
            for pair in self.log.drain(mark + 1..) {
                self.memo.remove(&pair);
            }
            self.memo.insert((w, r), false);
        }
        answer
    }

    fn decide(&mut self, w: NodeId, r: NodeId) -> bool {
        let (writer, reader) = (self.writer, self.reader);
        let (wk, rk) = (&writer.nodes[w].kind, &reader.nodes[r].kind);
        match (wk, rk) {
            (Kind::Union(branches), _) => branches.iter().all(|&b| self.reads(b, r)),
            (_, Kind::Union(branches)) => match select(writer, w, reader, branches) {
                Some(b) => self.reads(w, b),
                None => false,
            },
            (Kind::Array(a), Kind::Array(b)) | (Kind::Map(a), Kind::Map(b)) => self.reads(*a, *b),
            (Kind::Record(wr), Kind::Record(rr)) => {
                names_match(&wr.named, &rr.named)
                    && rr.fields.iter().all(|rf| match writer_field(wr, rf) {
                        Some((_, wf)) => self.reads(wf.ty, rf.ty),
                        None => rf.default.is_some(),
                    })
            }
            (Kind::Enum(we), Kind::Enum(re)) => {
                names_match(&we.named, &re.named)
                    && (re.default.is_some() || {
                        let known: HashSet<&String> = re.symbols.iter().collect();
                        we.symbols.iter().all(|s| known.contains(s))
                    })
            }
            (Kind::Fixed(wf), Kind::Fixed(rf)) => {
                names_match(&wf.named, &rf.named) && wf.size == rf.size
            }
            (a, b) if a.primitive_name().is_some() && b.primitive_name().is_some() => {
                same_shape(a, b) || promotes(a, b)
            }
            _ => false,
        }
    }
}

/// Why one datum does not resolve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolveError {
    /// JSON pointer into the datum (empty for the whole datum).
    pub path: String,
    /// The place in the reader's schema, as a change path (`#/fields/a/type`).
    pub schema_path: String,
    /// What fails.
    pub message: String,
}

/// Resolves one datum, written with `writer` in the Avro JSON encoding,
/// against `reader`: `Ok` when a reader decodes it.
pub(crate) fn resolve_value(
    writer: &AvroSchema,
    reader: &AvroSchema,
    value: &Value,
) -> Result<(), ResolveError> {
    Resolver {
        writer,
        reader,
        path: String::new(),
        schema_path: "#".to_string(),
    }
    .resolve(writer.root, reader.root, value, 0)
}

struct Resolver<'a> {
    writer: &'a AvroSchema,
    reader: &'a AvroSchema,
    path: String,
    schema_path: String,
}

impl Resolver<'_> {
    fn fail(&self, message: String) -> Result<(), ResolveError> {
        Err(ResolveError {
            path: self.path.clone(),
            schema_path: self.schema_path.clone(),
            message,
        })
    }

    /// Fails with the reader's schema place extended by `schema_path`.
    fn fail_at(&self, schema_path: &str, message: String) -> Result<(), ResolveError> {
        let mut error = self.fail(message).unwrap_err();
        error.schema_path.push_str(schema_path);
        Err(error)
    }

    /// Resolves a part of the datum: `path` and `schema_path` extend the
    /// places for as long as it takes.
    fn nested(
        &mut self,
        path: &str,
        schema_path: &str,
        (w, r, value): (NodeId, NodeId, &Value),
        depth: usize,
    ) -> Result<(), ResolveError> {
        let (p, s) = (self.path.len(), self.schema_path.len());
        self.path.push_str(path);
        self.schema_path.push_str(schema_path);
        let result = self.resolve(w, r, value, depth + 1);
        self.path.truncate(p);
        self.schema_path.truncate(s);
        result
    }

    // Each kind of value that holds others resolves in its own small frame,
    // so that deep data uses little stack per level.
    fn resolve(
        &mut self,
        w: NodeId,
        r: NodeId,
        value: &Value,
        depth: usize,
    ) -> Result<(), ResolveError> {
        if depth > super::value::MAX_VALUE_DEPTH {
            return self.fail("the datum is nested too deeply to resolve".into());
        }
        let (writer, reader) = (self.writer, self.reader);
        match (&writer.nodes[w].kind, &reader.nodes[r].kind) {
            (Kind::Union(branches), _) => self.writer_union(branches, r, value, depth),
            (_, Kind::Union(branches)) => match select(writer, w, reader, branches) {
                Some(b) => {
                    let label = format!("/{}", reader.nodes[b].kind.label());
                    self.nested("", &label, (w, b, value), depth)
                }
                None => self.fail(format!(
                    "the reader's union has no branch for the writer's {}",
                    writer.nodes[w].kind.label()
                )),
            },
            (Kind::Array(a), Kind::Array(b)) => self.array(*a, *b, value, depth),
            (Kind::Map(a), Kind::Map(b)) => self.map(*a, *b, value, depth),
            (Kind::Record(wr), Kind::Record(rr)) => self.record(wr, rr, value, depth),
            _ => self.scalar(w, r, value),
        }
    }

    #[inline(never)]
    fn writer_union(
        &mut self,
        branches: &[NodeId],
        r: NodeId,
        value: &Value,
        depth: usize,
    ) -> Result<(), ResolveError> {
        let writer = self.writer;
        match value {
            Value::Null => match branches
                .iter()
                .find(|&&b| matches!(writer.nodes[b].kind, Kind::Null))
            {
                Some(&b) => self.resolve(b, r, value, depth + 1),
                None => self.fail("null is not a branch of the writer's union".into()),
            },
            Value::Object(map) if map.len() == 1 => {
                let Some((label, inner)) = map.iter().next() else {
                    return self.fail("empty union value".into());
                };
                match branches
                    .iter()
                    .find(|&&b| writer.nodes[b].kind.label() == label)
                {
                    Some(&b) => self.nested(
                        &format!("/{}", pointer::escape(label)),
                        "",
                        (b, r, inner),
                        depth,
                    ),
                    None => self.fail(format!("`{label}` is not a branch of the writer's union")),
                }
            }
            _ => self.fail("not a union value of the writer's schema".into()),
        }
    }

    #[inline(never)]
    fn array(
        &mut self,
        a: NodeId,
        b: NodeId,
        value: &Value,
        depth: usize,
    ) -> Result<(), ResolveError> {
        let Value::Array(items) = value else {
            return self.fail("not an array".into());
        };
        for (i, item) in items.iter().enumerate() {
            self.nested(&format!("/{i}"), "/items", (a, b, item), depth)?;
        }
        Ok(())
    }

    #[inline(never)]
    fn map(
        &mut self,
        a: NodeId,
        b: NodeId,
        value: &Value,
        depth: usize,
    ) -> Result<(), ResolveError> {
        let Value::Object(map) = value else {
            return self.fail("not a map".into());
        };
        for (key, item) in map {
            self.nested(
                &format!("/{}", pointer::escape(key)),
                "/values",
                (a, b, item),
                depth,
            )?;
        }
        Ok(())
    }

    #[inline(never)]
    fn record(
        &mut self,
        wr: &Record,
        rr: &Record,
        value: &Value,
        depth: usize,
    ) -> Result<(), ResolveError> {
        if !names_match(&wr.named, &rr.named) {
            return self.fail(format!(
                "the reader expects `{}`, the writer wrote `{}`",
                rr.named.name, wr.named.name
            ));
        }
        let Value::Object(map) = value else {
            return self.fail("not a record".into());
        };
        for rf in &rr.fields {
            match writer_field(wr, rf) {
                Some((_, wf)) => {
                    let Some(item) = map.get(&wf.name) else {
                        return self.fail(format!("missing field `{}`", wf.name));
                    };
                    let (path, schema_path) = (
                        format!("/{}", pointer::escape(&wf.name)),
                        format!("/fields/{}/type", rf.name),
                    );
                    self.nested(&path, &schema_path, (wf.ty, rf.ty, item), depth)?;
                }
                None if rf.default.is_some() => {}
                None => {
                    return self.fail_at(
                        &format!("/fields/{}", rf.name),
                        format!(
                            "the reader's field `{}` is not in the writer's `{}` and has no default",
                            rf.name, wr.named.name
                        ),
                    );
                }
            }
        }
        Ok(())
    }

    /// Enums, fixed, primitives, and types of different shapes.
    #[inline(never)]
    fn scalar(&mut self, w: NodeId, r: NodeId, value: &Value) -> Result<(), ResolveError> {
        let (wk, rk) = (&self.writer.nodes[w].kind, &self.reader.nodes[r].kind);
        match (wk, rk) {
            (Kind::Enum(we), Kind::Enum(re)) => {
                if !names_match(&we.named, &re.named) {
                    return self.fail(format!(
                        "the reader expects `{}`, the writer wrote `{}`",
                        re.named.name, we.named.name
                    ));
                }
                match value {
                    Value::String(s) if re.symbols.contains(s) || re.default.is_some() => Ok(()),
                    Value::String(s) => self.fail_at(
                        "/symbols",
                        format!(
                            "`{s}` is not a symbol of the reader's `{}`, which has no default",
                            re.named.name
                        ),
                    ),
                    _ => self.fail("not an enum symbol".into()),
                }
            }
            (Kind::Fixed(wf), Kind::Fixed(rf)) => {
                if !names_match(&wf.named, &rf.named) {
                    self.fail(format!(
                        "the reader expects `{}`, the writer wrote `{}`",
                        rf.named.name, wf.named.name
                    ))
                } else if wf.size != rf.size {
                    self.fail_at(
                        "/size",
                        format!(
                            "the reader's `{}` is {} bytes, the writer's {}",
                            rf.named.name, rf.size, wf.size
                        ),
                    )
                } else {
                    Ok(())
                }
            }
            (a, b) if a.primitive_name().is_some() && b.primitive_name().is_some() => {
                if same_shape(a, b) || promotes(a, b) {
                    Ok(())
                } else {
                    self.fail(format!("a {} cannot be read as {}", a.shape(), b.shape()))
                }
            }
            (a, b) => self.fail(format!("a {} cannot be read as {}", a.label(), b.label())),
        }
    }
}
