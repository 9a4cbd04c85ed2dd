//! Unions: old and new branches paired as each direction's reader picks a
//! branch for a writer's value.

use serde_json::json;

use super::{Walk, describe};
use crate::avro::AvroSchema;
use crate::avro::model::{Kind, NodeId};
use crate::avro::resolution::same_shape;
use crate::change::ChangeKind;
use crate::vocabulary::Directions;

impl Walk<'_> {
    /// At least one side is a union: branches are paired by type, and each
    /// unpaired branch is judged by whether the other side reads it.
    pub(super) fn union(&mut self, o: NodeId, n: NodeId, todo: Directions, path: &str) {
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
