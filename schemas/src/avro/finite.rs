//! Which Avro types have a finite value: a record whose fields always need
//! another value of its own type (directly or through other records) has
//! none, and no datum can ever be written with it.

use super::model::{Kind, Node, NodeId};

/// Which types have at least one finite value (a least fixpoint: arrays and
/// maps always do, being possibly empty; a union when a branch does; a record
/// when every field does). Computed by propagation from the types known
/// finite, each dependency followed once, so a chain of types of any length
/// takes time proportional to it.
pub(crate) fn finite_types(nodes: &[Node]) -> Vec<bool> {
    let mut finite = vec![false; nodes.len()];
    // For each node, how many of its dependencies must still become finite
    // (a union needs one, a record every field), and who depends on it.
    let mut waiting = vec![0usize; nodes.len()];
    let mut dependents: Vec<Vec<NodeId>> = vec![Vec::new(); nodes.len()];
    let mut ready: Vec<NodeId> = Vec::new();
    for (id, node) in nodes.iter().enumerate() {
        let needs = match &node.kind {
            Kind::Union(branches) => {
                // One branch is enough: the first to become finite counts.
                branches.iter().for_each(|&b| dependents[b].push(id));
                if branches.is_empty() { usize::MAX } else { 1 }
            }
            Kind::Record(r) => {
                r.fields.iter().for_each(|f| dependents[f.ty].push(id));
                r.fields.len()
            }
            Kind::Enum(e) if e.symbols.is_empty() => usize::MAX,
            _ => 0,
        };
        waiting[id] = needs;
        if needs == 0 {
            finite[id] = true;
            ready.push(id);
        }
    }
    while let Some(id) = ready.pop() {
        for &parent in &dependents[id] {
            if finite[parent] || waiting[parent] == usize::MAX {
                continue;
            }
            waiting[parent] -= 1;
            if waiting[parent] == 0 {
                finite[parent] = true;
                ready.push(parent);
            }
        }
    }
    finite
}
