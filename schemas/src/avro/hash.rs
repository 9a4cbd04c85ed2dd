//! A structural hash per type, so the diff skips identical subtrees of two
//! versions in constant time. Equal hashes mean equal definitions (names,
//! docs, aliases, defaults, properties and every type inside); types on a
//! recursion cycle, and those that contain one, get none and are always
//! compared.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

use super::model::{Kind, Node, NodeId, sorted};
use crate::json::canonical::to_canonical_string;

/// The hash of every node (`None` on and above recursion cycles).
pub(crate) fn structural_hashes(nodes: &[Node]) -> Vec<Option<u64>> {
    let mut state = State {
        nodes,
        memo: vec![None; nodes.len()],
        visiting: vec![false; nodes.len()],
    };
    (0..nodes.len()).map(|id| state.hash(id)).collect()
}

struct State<'a> {
    nodes: &'a [Node],
    /// `Some(answer)` once decided.
    memo: Vec<Option<Option<u64>>>,
    visiting: Vec<bool>,
}

impl State<'_> {
    fn hash(&mut self, id: NodeId) -> Option<u64> {
        if let Some(known) = self.memo[id] {
            return known;
        }
        if self.visiting[id] {
            return None;
        }
        self.visiting[id] = true;
        let answer = self.compute(id);
        self.visiting[id] = false;
        self.memo[id] = Some(answer);
        answer
    }

    fn compute(&mut self, id: NodeId) -> Option<u64> {
        let node = &self.nodes[id];
        let mut h = DefaultHasher::new();
        node.kind.shape().hash(&mut h);
        for (key, value) in sorted(&node.attrs) {
            key.hash(&mut h);
            to_canonical_string(value).hash(&mut h);
        }
        if let Some(named) = node.kind.named() {
            (&named.name, &named.aliases, &named.doc).hash(&mut h);
        }
        match &node.kind {
            Kind::Array(inner) | Kind::Map(inner) => self.hash(*inner)?.hash(&mut h),
            Kind::Union(branches) => {
                for &b in branches {
                    self.hash(b)?.hash(&mut h);
                }
            }
            Kind::Record(r) => {
                r.is_error.hash(&mut h);
                for f in &r.fields {
                    (&f.name, &f.aliases, &f.doc, f.order.as_str()).hash(&mut h);
                    f.default.as_ref().map(to_canonical_string).hash(&mut h);
                    for (key, value) in sorted(&f.attrs) {
                        key.hash(&mut h);
                        to_canonical_string(value).hash(&mut h);
                    }
                    self.hash(f.ty)?.hash(&mut h);
                }
            }
            Kind::Enum(e) => (&e.symbols, &e.default).hash(&mut h),
            Kind::Fixed(f) => f.size.hash(&mut h),
            _ => {}
        }
        Some(h.finish())
    }
}
