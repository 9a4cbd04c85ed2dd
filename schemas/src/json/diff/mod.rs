//! The structural diff of two JSON Schemas.
//!
//! [`Differ`] compares an *original* schema (the writer) with an *update*
//! (the reader) node by node and lists every difference as a typed change,
//! following the Confluent Schema Registry's rules so verdicts agree with the
//! peer, plus the rules the peer lacks where ignoring a keyword would call a
//! breaking change compatible (`format`, `contains`, `propertyNames`,
//! `patternProperties`, `if`/`then`/`else`, overlapping `oneOf` branches,
//! required properties with defaults).
//!
//! Recursive schemas are finite graphs (every `$ref` is a node index). A pair
//! met again while it is being compared is assumed compatible (the greatest
//! fixed point: a finite document cannot recurse forever); results that rest
//! on such an assumption are not memoised until it is discharged.

mod array;
mod combined;
mod disjoint;
mod object;
mod report;
pub(crate) mod scalar;

#[cfg(test)]
mod regressions;

use std::collections::HashMap;
use std::rc::Rc;

use serde_json::Value;

use super::JsonSchema;
use super::canonical::{json_equal, to_canonical_string};
use super::draft::Draft;
use super::node::{Criterion, Node, NodeId, Shape};
use crate::change::ChangeKind;
use crate::limits::Work;
use crate::vocabulary::{CompatError, Policy};

pub(crate) use report::changes;

/// Deepest chain of nested comparisons.
const MAX_DEPTH: usize = 400;

/// One difference, with a path relative to the pair being compared.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RawChange {
    pub(crate) kind: ChangeKind,
    pub(crate) path: String,
    pub(crate) old: Option<Value>,
    pub(crate) new: Option<Value>,
}

type Changes = Rc<Vec<RawChange>>;

/// Compares nodes of `original` with nodes of `update`.
pub(crate) struct Differ<'a> {
    pub(crate) original: &'a JsonSchema,
    pub(crate) update: &'a JsonSchema,
    pub(crate) policy: Policy,
    /// The check's budget, one step per pair compared.
    work: &'a Work,
    memo: HashMap<(NodeId, NodeId), Changes>,
    stack: Vec<(NodeId, NodeId)>,
    /// Lowest stack index whose pair was assumed compatible on a cycle.
    assumed_floor: usize,
    /// The shared "no changes" result.
    empty: Changes,
}

/// Output buffer with a path prefix for the node being compared.
pub(crate) struct Out {
    pub(crate) changes: Vec<RawChange>,
}

impl Out {
    fn new() -> Self {
        Out {
            changes: Vec::new(),
        }
    }

    pub(crate) fn push(
        &mut self,
        kind: ChangeKind,
        path: impl Into<String>,
        old: Option<Value>,
        new: Option<Value>,
    ) {
        self.changes.push(RawChange {
            kind,
            path: path.into(),
            old,
            new,
        });
    }

    /// Adds the changes of a sub-comparison found at `prefix`.
    pub(crate) fn extend(&mut self, prefix: &str, changes: &[RawChange]) {
        self.changes.extend(changes.iter().map(|c| RawChange {
            path: format!("{prefix}{}", c.path),
            ..c.clone()
        }));
    }
}

impl<'a> Differ<'a> {
    pub(crate) fn new(
        original: &'a JsonSchema,
        update: &'a JsonSchema,
        policy: Policy,
        work: &'a Work,
    ) -> Self {
        Differ {
            original,
            update,
            policy,
            work,
            memo: HashMap::new(),
            stack: Vec::new(),
            assumed_floor: usize::MAX,
            empty: Rc::new(Vec::new()),
        }
    }

    /// Every difference between the two roots, with `#/`-style paths.
    pub(crate) fn run(mut self) -> Result<Vec<RawChange>, CompatError> {
        let changes = self.compare(self.original.root, self.update.root)?;
        Ok(changes
            .iter()
            .map(|c| RawChange {
                path: if c.path.is_empty() {
                    "#/".to_string()
                } else {
                    format!("#{}", c.path)
                },
                ..c.clone()
            })
            .collect())
    }

    pub(crate) fn onode(&self, id: NodeId) -> &'a Node {
        &self.original.nodes[id]
    }

    pub(crate) fn unode(&self, id: NodeId) -> &'a Node {
        &self.update.nodes[id]
    }

    pub(crate) fn compatible(&self, changes: &[RawChange]) -> bool {
        changes.iter().all(|c| c.kind.is_compatible(self.policy))
    }

    /// The draft of the update side, which decides keyword names in paths.
    pub(crate) fn update_draft(&self, node: NodeId) -> Draft {
        self.update.documents[self.unode(node).doc].draft
    }

    /// Compares original node `o` with update node `u`; paths are relative.
    pub(crate) fn compare(&mut self, o: NodeId, u: NodeId) -> Result<Changes, CompatError> {
        let o = deref(&self.original.nodes, o);
        let u = deref(&self.update.nodes, u);
        if let (Some(a), Some(b)) = (self.original.hashes[o], self.update.hashes[u]) {
            if a == b && !self.reads_siblings(o) {
                return Ok(self.empty.clone());
            }
        }
        if let Some(found) = self.memo.get(&(o, u)) {
            return Ok(found.clone());
        }
        if let Some(index) = self.stack.iter().position(|p| *p == (o, u)) {
            self.assumed_floor = self.assumed_floor.min(index);
            return Ok(self.empty.clone());
        }
        if self.stack.len() >= MAX_DEPTH {
            return Err(CompatError::TooDeep {
                limit: MAX_DEPTH,
                path: format!("#{}", self.onode(o).pointer),
            });
        }
        if !self.work.step(|| format!("#{}", self.onode(o).pointer)) {
            self.work.verdict()?;
        }
        self.stack.push((o, u));
        let mut out = Out::new();
        let result = self.compare_nodes(o, u, &mut out);
        let index = self.stack.len() - 1;
        self.stack.pop();
        result?;
        let changes = if out.changes.is_empty() {
            self.empty.clone()
        } else {
            Rc::new(out.changes)
        };
        if self.assumed_floor >= index {
            self.memo.insert((o, u), changes.clone());
            if self.assumed_floor == index {
                self.assumed_floor = usize::MAX;
            }
        }
        Ok(changes)
    }

    /// `compare` then whether the result is compatible.
    pub(crate) fn try_compare(
        &mut self,
        o: NodeId,
        u: NodeId,
    ) -> Result<(bool, Changes), CompatError> {
        let changes = self.compare(o, u)?;
        Ok((self.compatible(&changes), changes))
    }

    fn compare_nodes(&mut self, o: NodeId, u: NodeId, out: &mut Out) -> Result<(), CompatError> {
        let (on, un) = (self.onode(o), self.unode(u));
        if matches!(on.shape, Shape::Never) {
            return Ok(()); // nothing was valid before
        }
        if matches!(un.shape, Shape::Any) {
            if matches!(on.shape, Shape::Any) {
                self.annotations(on, un, out);
            }
            return Ok(()); // everything is valid now
        }
        match (&on.shape, &un.shape) {
            (Shape::Combined { .. }, Shape::Combined { .. }) => {
                self.annotations(on, un, out);
                return self.combined(o, u, out);
            }
            (
                _,
                Shape::Combined {
                    criterion,
                    branches,
                    ..
                },
            ) if criterion.is_sum() => {
                for (index, &branch) in branches.iter().enumerate() {
                    let (ok, changes) = self.try_compare(o, branch)?;
                    if ok {
                        out.extend("", &changes);
                        out.push(ChangeKind::SumTypeExtended, "", None, None);
                        self.one_of_overlap(u, &[index], out);
                        return Ok(());
                    }
                }
            }
            (
                Shape::Combined {
                    criterion,
                    branches,
                    ..
                },
                _,
            ) if !criterion.is_sum() => {
                for &branch in branches {
                    let (ok, changes) = self.try_compare(branch, u)?;
                    if ok {
                        out.extend("", &changes);
                        out.push(ChangeKind::ProductTypeNarrowed, "", None, None);
                        return Ok(());
                    }
                }
            }
            _ => {}
        }
        if let Shape::Combined { branches, .. } = &on.shape {
            if branches.len() == 1 {
                let (ok, changes) = self.try_compare(branches[0], u)?;
                if ok {
                    out.extend("", &changes);
                    return Ok(());
                }
            }
        }
        if let Shape::Combined { branches, .. } = &un.shape {
            if branches.len() == 1 {
                let (ok, changes) = self.try_compare(o, branches[0])?;
                if ok {
                    out.extend("", &changes);
                    return Ok(());
                }
            }
        }
        // A schema object that now groups more keyword kinds (say `if`/`then`
        // beside `type`): every part must read what the old schema allowed.
        if let Shape::Combined {
            criterion: Criterion::AllOf,
            branches,
            synthetic: true,
        } = &un.shape
        {
            if !matches!(on.shape, Shape::Combined { .. }) {
                self.annotations(on, un, out);
                for &part in branches {
                    self.added_part(o, part, out)?;
                }
                return Ok(());
            }
        }
        let (okind, ukind) = (shape_kind(&on.shape), shape_kind(&un.shape));
        if !okind.reads_as(ukind) {
            let (old, new) = (describe(self.original, o), describe(self.update, u));
            out.push(
                ChangeKind::TypeChanged,
                "",
                Some(Value::from(old)),
                Some(Value::from(new)),
            );
            return Ok(());
        }
        self.annotations(on, un, out);
        match (&on.shape, &un.shape) {
            (Shape::Typed(ot), Shape::Typed(ut)) => self.typed(o, u, ot, ut, out),
            (Shape::Enum(ov), Shape::Enum(uv)) => {
                scalar::enum_values(ov, uv, out);
                Ok(())
            }
            (Shape::Const(ov), Shape::Const(uv)) => {
                if !json_equal(ov, uv) {
                    out.push(
                        ChangeKind::EnumArrayChanged,
                        "/const",
                        Some(ov.clone()),
                        Some(uv.clone()),
                    );
                }
                Ok(())
            }
            (Shape::Not(on_not), Shape::Not(un_not)) => self.not(*on_not, *un_not, out),
            (
                Shape::Conditional {
                    condition: oc,
                    then: ot,
                    otherwise: oe,
                },
                Shape::Conditional {
                    condition: uc,
                    then: ut,
                    otherwise: ue,
                },
            ) => self.conditional((*oc, *ot, *oe), (*uc, *ut, *ue), out),
            _ => Ok(()),
        }
    }

    /// One part of a new synthetic `allOf` against a plain old schema: parts
    /// of the old schema's kind are compared, others are new constraints.
    fn added_part(&mut self, o: NodeId, part: NodeId, out: &mut Out) -> Result<(), CompatError> {
        let okind = shape_kind(&self.onode(o).shape);
        let part_shape = &self.unode(deref(&self.update.nodes, part)).shape;
        let (kind, path) = match part_shape {
            Shape::Enum(_) if okind != ShapeKind::Enum => (ChangeKind::EnumArrayNarrowed, "/enum"),
            Shape::Const(_) if okind != ShapeKind::Const => {
                (ChangeKind::EnumArrayChanged, "/const")
            }
            Shape::Not(_) if okind != ShapeKind::Not => (ChangeKind::NotTypeExtended, "/not"),
            Shape::Conditional { condition, .. } if okind != ShapeKind::Conditional => {
                out.push(
                    ChangeKind::ConditionalChanged,
                    "/if",
                    None,
                    Some(self.raw_u(*condition)),
                );
                return Ok(());
            }
            _ => {
                let changes = self.compare(o, part)?;
                out.extend("", &changes);
                return Ok(());
            }
        };
        let new = match part_shape {
            Shape::Enum(values) => Some(Value::from(values.clone())),
            Shape::Const(value) => Some(value.clone()),
            Shape::Not(not) => Some(self.raw_u(*not)),
            _ => None,
        };
        out.push(kind, path, None, new);
        Ok(())
    }

    fn typed(
        &mut self,
        o: NodeId,
        u: NodeId,
        ot: &super::node::Typed,
        ut: &super::node::Typed,
        out: &mut Out,
    ) -> Result<(), CompatError> {
        use super::node::JsonType;
        match (ot.ty, ut.ty) {
            (Some(JsonType::Integer), Some(JsonType::Number)) => out.push(
                ChangeKind::TypeExtended,
                "",
                Some("integer".into()),
                Some("number".into()),
            ),
            (Some(JsonType::Number), Some(JsonType::Integer)) => out.push(
                ChangeKind::TypeNarrowed,
                "",
                Some("number".into()),
                Some("integer".into()),
            ),
            _ => {}
        }
        match ut.ty {
            Some(JsonType::String) => scalar::string(ot, ut, out),
            Some(JsonType::Number | JsonType::Integer) => scalar::number(ot, ut, out),
            Some(JsonType::Object) => self.object(o, u, ot, ut, out)?,
            Some(JsonType::Array) => self.array(o, u, ot, ut, out)?,
            _ => {}
        }
        Ok(())
    }

    fn annotations(&self, on: &Node, un: &Node, out: &mut Out) {
        let (oa, ua) = (&on.annotations, &un.annotations);
        let legacy_ids = self.original.documents[on.doc].draft <= Draft::Draft7;
        if legacy_ids && oa.id != ua.id {
            out.push(
                ChangeKind::IdChanged,
                "",
                oa.id.clone().map(Value::from),
                ua.id.clone().map(Value::from),
            );
        }
        let pairs = [
            (ChangeKind::TitleChanged, &oa.title, &ua.title),
            (
                ChangeKind::DescriptionChanged,
                &oa.description,
                &ua.description,
            ),
            (ChangeKind::DefaultChanged, &oa.default, &ua.default),
        ];
        for (kind, old, new) in pairs {
            let same = match (old, new) {
                (Some(a), Some(b)) => json_equal(a, b),
                (None, None) => true,
                _ => false,
            };
            if !same {
                out.push(kind, "", old.clone(), new.clone());
            }
        }
    }

    /// `not`: the new `not` must exclude no more than the old one did, so the
    /// two subschemas are compared with their roles swapped.
    fn not(&mut self, o_not: NodeId, u_not: NodeId, out: &mut Out) -> Result<(), CompatError> {
        let mut swapped = Differ::new(self.update, self.original, self.policy, self.work);
        let changes = swapped.compare(u_not, o_not)?;
        if changes.is_empty() {
            return Ok(());
        }
        let kind = if swapped.compatible(&changes) {
            ChangeKind::NotTypeNarrowed
        } else {
            ChangeKind::NotTypeExtended
        };
        out.push(
            kind,
            "/not",
            Some(self.raw_o(o_not)),
            Some(self.raw_u(u_not)),
        );
        Ok(())
    }

    fn conditional(
        &mut self,
        (oc, ot, oe): (NodeId, Option<NodeId>, Option<NodeId>),
        (uc, ut, ue): (NodeId, Option<NodeId>, Option<NodeId>),
        out: &mut Out,
    ) -> Result<(), CompatError> {
        // Structural identity, not equal text: a condition that reads the same
        // may reach a `$ref` whose target changed.
        if !self.identical(oc, uc) {
            out.push(
                ChangeKind::ConditionalChanged,
                "/if",
                Some(self.raw_o(oc)),
                Some(self.raw_u(uc)),
            );
            return Ok(());
        }
        for (keyword, old, new) in [("/then", ot, ut), ("/else", oe, ue)] {
            match (old, new) {
                (Some(o), Some(u)) => {
                    let changes = self.compare(o, u)?;
                    out.extend(keyword, &changes);
                }
                (None, Some(u)) => {
                    out.push(
                        ChangeKind::ConditionalChanged,
                        keyword,
                        None,
                        Some(self.raw_u(u)),
                    );
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// The JSON of an original node, as written.
    pub(crate) fn raw_o(&self, id: NodeId) -> Value {
        raw(self.original, id)
    }

    /// The JSON of an update node, as written.
    pub(crate) fn raw_u(&self, id: NodeId) -> Value {
        raw(self.update, id)
    }

    pub(crate) fn canonical_o(&self, id: NodeId) -> String {
        to_canonical_string(&self.raw_o(id))
    }

    pub(crate) fn canonical_u(&self, id: NodeId) -> String {
        to_canonical_string(&self.raw_u(id))
    }

    /// Whether original node `o` and update node `u` have the same structure
    /// (equal structural hashes, which see through references; nodes that
    /// reach a reference cycle have none and are never identical).
    pub(crate) fn identical(&self, o: NodeId, u: NodeId) -> bool {
        let (o, u) = (deref(&self.original.nodes, o), deref(&self.update.nodes, u));
        matches!((self.original.hashes[o], self.update.hashes[u]), (Some(a), Some(b)) if a == b)
    }

    /// Whether original node `o` accepts more than its own keywords say: a
    /// part whose `unevaluatedProperties`/`unevaluatedItems` lets through
    /// what sibling keywords evaluate. Equal structure then proves nothing.
    fn reads_siblings(&self, o: NodeId) -> bool {
        match &self.onode(o).shape {
            Shape::Typed(t) => {
                (t.unevaluated_items.is_some() && t.contains.is_some())
                    || ((t.unevaluated_properties.is_some() || t.unevaluated_items.is_some())
                        && self.evaluates_in_place(o))
            }
            _ => false,
        }
    }

    /// Whether the schema object of original node `o` has keywords that
    /// evaluate properties or items in place (`allOf`, `$ref`, `if`, ...):
    /// its `unevaluatedProperties`/`unevaluatedItems` then let those through,
    /// which the content model cannot see.
    pub(crate) fn evaluates_in_place(&self, o: NodeId) -> bool {
        const IN_PLACE: [&str; 10] = [
            "allOf",
            "anyOf",
            "oneOf",
            "if",
            "then",
            "else",
            "$ref",
            "$dynamicRef",
            "$recursiveRef",
            "dependentSchemas",
        ];
        let node = self.onode(o);
        match self.original.documents[node.doc]
            .value
            .pointer(&node.pointer)
        {
            Some(Value::Object(map)) => IN_PLACE.iter().any(|k| map.contains_key(*k)),
            _ => false,
        }
    }
}

pub(crate) fn raw(schema: &JsonSchema, id: NodeId) -> Value {
    let node = &schema.nodes[deref(&schema.nodes, id)];
    schema.documents[node.doc]
        .value
        .pointer(&node.pointer)
        .cloned()
        .unwrap_or(Value::Bool(true))
}

/// Follows references to the schema they name.
pub(crate) fn deref(nodes: &[Node], mut id: NodeId) -> NodeId {
    // Reference cycles are rejected at parse time; the bound is a safeguard.
    for _ in 0..=nodes.len() {
        match nodes[id].shape {
            Shape::Ref(target) => id = target,
            _ => return id,
        }
    }
    id
}

/// The peer's notion of a schema's kind: different kinds are a TYPE_CHANGED.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ShapeKind {
    Any,
    Never,
    Typed(Option<super::node::JsonType>, bool),
    Enum,
    Const,
    Not,
    Combined,
    Conditional,
}

impl ShapeKind {
    /// Whether values of this kind are compared keyword by keyword with
    /// `update` (otherwise the change is a TYPE_CHANGED). A keyword group
    /// that constrains only its type may become an explicit `type` only by
    /// rejecting values of other types, so that is a kind change too.
    fn reads_as(self, update: ShapeKind) -> bool {
        match (self, update) {
            (ShapeKind::Typed(o, oe), ShapeKind::Typed(u, ue)) => {
                family(o) == family(u) && (oe || !ue)
            }
            (o, u) => o == u,
        }
    }

    fn describe(self) -> String {
        match self {
            ShapeKind::Any => "any value".into(),
            ShapeKind::Never => "no value".into(),
            ShapeKind::Typed(Some(ty), true) => ty.name().into(),
            ShapeKind::Typed(Some(ty), false) => format!("any value, {}s constrained", ty.name()),
            ShapeKind::Typed(None, _) => "any value".into(),
            ShapeKind::Enum => "an enum".into(),
            ShapeKind::Const => "const".into(),
            ShapeKind::Not => "not".into(),
            ShapeKind::Combined => "combined schema".into(),
            ShapeKind::Conditional => "if/then/else".into(),
        }
    }
}

/// A few words for what a node accepts, for reports: `string or null`.
fn describe(schema: &JsonSchema, id: NodeId) -> String {
    let node = &schema.nodes[deref(&schema.nodes, id)];
    match &node.shape {
        Shape::Combined {
            criterion: Criterion::AnyOf,
            branches,
            synthetic: true,
        } => branches
            .iter()
            .map(|b| describe(schema, *b))
            .collect::<Vec<_>>()
            .join(" or "),
        Shape::Combined {
            criterion: Criterion::AllOf,
            branches,
            synthetic: true,
        } => branches
            .iter()
            .map(|b| describe(schema, *b))
            .collect::<Vec<_>>()
            .join(" and "),
        Shape::Combined {
            criterion,
            branches,
            ..
        } => format!("{} of {} schemas", criterion.keyword(), branches.len()),
        Shape::Enum(values) if values.len() <= 5 => {
            format!(
                "one of {}",
                values
                    .iter()
                    .map(Value::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }
        Shape::Const(value) => format!("the constant {value}"),
        shape => shape_kind(shape).describe(),
    }
}

/// `integer` is read as a `number` (its narrowing is a change of its own).
fn family(ty: Option<super::node::JsonType>) -> Option<super::node::JsonType> {
    use super::node::JsonType;
    ty.map(|t| {
        if t == JsonType::Integer {
            JsonType::Number
        } else {
            t
        }
    })
}

fn shape_kind(shape: &Shape) -> ShapeKind {
    match shape {
        Shape::Any | Shape::Ref(_) => ShapeKind::Any,
        Shape::Never => ShapeKind::Never,
        Shape::Typed(t) => ShapeKind::Typed(t.ty, t.explicit),
        Shape::Enum(_) => ShapeKind::Enum,
        Shape::Const(_) => ShapeKind::Const,
        Shape::Not(_) => ShapeKind::Not,
        Shape::Combined { .. } => ShapeKind::Combined,
        Shape::Conditional { .. } => ShapeKind::Conditional,
    }
}

/// Every change from `original` to `update`, with `#/` paths (no direction).
pub(crate) fn raw_changes(
    original: &JsonSchema,
    update: &JsonSchema,
    policy: Policy,
    work: &Work,
) -> Result<Vec<RawChange>, CompatError> {
    Differ::new(original, update, policy, work).run()
}
