//! `allOf`, `anyOf` and `oneOf` on both sides: the combinator, the branch
//! count, and a maximum matching of old branches to compatible new ones.

use std::collections::HashSet;

use super::{Changes, Differ, Out, disjoint};
use crate::change::ChangeKind;
use crate::json::node::{Criterion, NodeId, Shape};
use crate::vocabulary::CompatError;

impl Differ<'_> {
    pub(super) fn combined(
        &mut self,
        o: NodeId,
        u: NodeId,
        out: &mut Out,
    ) -> Result<(), CompatError> {
        let (
            Shape::Combined {
                criterion: oc,
                branches: ob,
                synthetic: osyn,
            },
            Shape::Combined {
                criterion: uc,
                branches: ub,
                synthetic: usyn,
            },
        ) = (&self.onode(o).shape, &self.unode(u).shape)
        else {
            return Ok(());
        };
        let (oc, uc, osyn, usyn) = (*oc, *uc, *osyn, *usyn);
        // Two schema objects that group the same keyword kinds (say `type`
        // and `enum`) compare part by part, so the report names the keyword
        // that changed rather than the grouping.
        if osyn && usyn && oc == uc && self.same_parts(ob, ub) {
            for (&o_part, &u_part) in ob.iter().zip(ub.iter()) {
                let changes = self.compare(o_part, u_part)?;
                out.extend("", &changes);
            }
            return Ok(());
        }
        if oc != uc {
            let widening = uc == Criterion::AnyOf
                || (ob.len() == 1 && ub.len() == 1)
                || (ob.len() == 1 && uc == Criterion::OneOf)
                || (oc == Criterion::AllOf && ub.len() == 1);
            if !widening {
                out.push(
                    ChangeKind::CombinedTypeChanged,
                    "",
                    Some(oc.keyword().into()),
                    Some(uc.keyword().into()),
                );
                return Ok(());
            }
            out.push(
                ChangeKind::CombinedTypeExtended,
                "",
                Some(oc.keyword().into()),
                Some(uc.keyword().into()),
            );
        }
        let ob = if osyn {
            indexed(ob)
        } else {
            self.distinct(ob, true)
        };
        let ub = if usyn {
            indexed(ub)
        } else {
            self.distinct(ub, false)
        };
        if ub.len() > ob.len() {
            let kind = if uc == Criterion::AllOf {
                ChangeKind::ProductTypeExtended
            } else {
                ChangeKind::SumTypeExtended
            };
            out.push(kind, "", Some(ob.len().into()), Some(ub.len().into()));
        } else if ub.len() < ob.len() {
            let kind = if oc.is_sum() {
                ChangeKind::SumTypeNarrowed
            } else {
                ChangeKind::ProductTypeNarrowed
            };
            out.push(kind, "", Some(ob.len().into()), Some(ub.len().into()));
        }
        // Compatibility of every pair, then a maximum matching that prefers
        // pairs with fewer changes.
        let mut pairs: Vec<Vec<Option<Changes>>> = Vec::with_capacity(ob.len());
        for &(_, obranch) in &ob {
            let mut row = Vec::with_capacity(ub.len());
            for &(_, ubranch) in &ub {
                let (ok, changes) = self.try_compare(obranch, ubranch)?;
                row.push(ok.then_some(changes));
            }
            pairs.push(row);
        }
        let matched = maximum_matching(&pairs);
        let size = matched.iter().filter(|m| m.is_some()).count();
        if size < ob.len().min(ub.len()) {
            out.push(ChangeKind::CombinedTypeSubschemasChanged, "", None, None);
            return Ok(());
        }
        let mut hit = Vec::new();
        let mut unchanged = Vec::new();
        for (i, m) in matched.iter().enumerate() {
            let Some(j) = *m else { continue };
            let changes = pairs[i][j].clone().unwrap_or_default();
            let prefix = if osyn {
                String::new()
            } else {
                format!("/{}/{}", oc.keyword(), ob[i].0)
            };
            out.extend(&prefix, &changes);
            hit.push(ub[j].0);
            // Only a branch that accepts exactly what it did is known to
            // reject old data matched by another branch; "no change
            // reported" is not enough (a branch widened to `{}` reports none).
            if oc == Criterion::OneOf && self.identical(ob[i].1, ub[j].1) {
                unchanged.push(ub[j].0);
            }
        }
        if uc == Criterion::OneOf {
            self.one_of_overlap_with(u, &hit, &unchanged, out);
        }
        Ok(())
    }

    fn same_parts(&self, ob: &[NodeId], ub: &[NodeId]) -> bool {
        ob.len() == ub.len()
            && ob.iter().zip(ub).all(|(o, u)| {
                std::mem::discriminant(&self.onode(*o).shape)
                    == std::mem::discriminant(&self.unode(*u).shape)
            })
    }

    /// Branches with duplicates (equal canonical text) collapsed, each with
    /// its index as written.
    fn distinct(&self, branches: &[NodeId], original: bool) -> Vec<(usize, NodeId)> {
        let mut seen = HashSet::new();
        branches
            .iter()
            .enumerate()
            .filter(|(_, id)| {
                let text = if original {
                    self.canonical_o(**id)
                } else {
                    self.canonical_u(**id)
                };
                seen.insert(text)
            })
            .map(|(i, id)| (i, *id))
            .collect()
    }

    /// After a value of the old schema was found to match branch `hit` of a
    /// new `oneOf`, every other branch must reject it or `oneOf` fails.
    pub(super) fn one_of_overlap(&self, u: NodeId, hit: &[usize], out: &mut Out) {
        self.one_of_overlap_with(u, hit, &[], out);
    }

    /// As [`Self::one_of_overlap`]; branches in `unchanged` are old `oneOf`
    /// branches kept as they were, which old data already avoided.
    fn one_of_overlap_with(&self, u: NodeId, hit: &[usize], unchanged: &[usize], out: &mut Out) {
        let Shape::Combined {
            criterion: Criterion::OneOf,
            branches,
            ..
        } = &self.unode(u).shape
        else {
            return;
        };
        for &j in hit {
            for (k, &other) in branches.iter().enumerate() {
                if k == j || unchanged.contains(&k) {
                    continue;
                }
                if !disjoint::disjoint(self.update, branches[j], other) {
                    out.push(
                        ChangeKind::OneOfBranchesOverlap,
                        "",
                        Some(format!("oneOf/{j}").into()),
                        Some(format!("oneOf/{k}").into()),
                    );
                    return;
                }
            }
        }
    }
}

fn indexed(branches: &[NodeId]) -> Vec<(usize, NodeId)> {
    branches.iter().copied().enumerate().collect()
}

/// Kuhn's augmenting paths; `pairs[i][j]` is `Some(changes)` when old branch
/// `i` can be read by new branch `j`. Returns, per old branch, its new branch.
fn maximum_matching(pairs: &[Vec<Option<Changes>>]) -> Vec<Option<usize>> {
    let columns = pairs.first().map_or(0, Vec::len);
    let mut owner: Vec<Option<usize>> = vec![None; columns];
    for i in 0..pairs.len() {
        let mut visited = vec![false; columns];
        augment(i, pairs, &mut owner, &mut visited);
    }
    let mut matched = vec![None; pairs.len()];
    for (j, o) in owner.iter().enumerate() {
        if let Some(i) = o {
            matched[*i] = Some(j);
        }
    }
    matched
}

fn augment(
    i: usize,
    pairs: &[Vec<Option<Changes>>],
    owner: &mut [Option<usize>],
    visited: &mut [bool],
) -> bool {
    let mut order: Vec<usize> = (0..pairs[i].len())
        .filter(|j| pairs[i][*j].is_some())
        .collect();
    order.sort_by_key(|j| pairs[i][*j].as_ref().map_or(usize::MAX, |c| c.len()));
    for j in order {
        if visited[j] {
            continue;
        }
        visited[j] = true;
        if owner[j].is_none_or(|other| augment(other, pairs, owner, visited)) {
            owner[j] = Some(i);
            return true;
        }
    }
    false
}
