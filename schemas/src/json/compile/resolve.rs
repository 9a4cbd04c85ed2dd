//! Resolving references: within a document by pointer, by `$id` and anchor,
//! and to other documents supplied through the resolver (never fetched);
//! then refusing recursion that never descends into the value.

use url::Url;

use super::{Compiler, PendingRef};
use crate::json::error::ParseError;
use crate::json::node::{NodeId, Shape};
use crate::json::{check_meta, detect_draft, parse_text};
use crate::limits::Limit;

impl Compiler<'_> {
    pub(super) fn resolve_pending(&mut self) -> Result<(), ParseError> {
        while let Some(pending) = self.pending.pop() {
            self.expansions += 1;
            if self.expansions > self.limits.max_ref_expansions {
                let node = &self.nodes[pending.node];
                let at = self.display_pointer(node.doc, &node.pointer);
                return Err(self.limits.passed(Limit::RefExpansions, at).into());
            }
            let target = self.resolve(&pending)?;
            self.nodes[pending.node].shape = Shape::Ref(target);
        }
        Ok(())
    }

    fn resolve(&mut self, pending: &PendingRef) -> Result<NodeId, ParseError> {
        let at = {
            let node = &self.nodes[pending.node];
            self.display_pointer(node.doc, &node.pointer)
        };
        let (uri_part, fragment) = pending
            .reference
            .split_once('#')
            .map_or((pending.reference.as_str(), ""), |(u, f)| (u, f));
        let resource_uri = if uri_part.is_empty() {
            strip_fragment(&pending.base).to_string()
        } else {
            join_uri(&pending.base, uri_part)
                .map(|u| strip_fragment(&u).to_string())
                .unwrap_or_else(|| uri_part.to_string())
        };
        let (doc, resource_pointer) = match self.resources.get(&resource_uri) {
            Some(found) => found.clone(),
            None => self.load_external(&resource_uri, uri_part, &pending.reference, &at)?,
        };
        let fragment = percent_encoding::percent_decode_str(fragment)
            .decode_utf8()
            .map(|s| s.into_owned())
            .unwrap_or_else(|_| fragment.to_string());
        let (doc, pointer) = if fragment.is_empty() {
            (doc, resource_pointer)
        } else if fragment.starts_with('/') {
            (doc, format!("{resource_pointer}{fragment}"))
        } else {
            self.anchors
                .get(&(resource_uri.clone(), fragment.clone()))
                .cloned()
                .ok_or_else(|| ParseError::UnresolvedRef {
                    reference: pending.reference.clone(),
                    pointer: at.clone(),
                    reason: format!("no anchor named `{fragment}`"),
                })?
        };
        if self.value_at(doc, &pointer).is_none() {
            return Err(ParseError::UnresolvedRef {
                reference: pending.reference.clone(),
                pointer: at,
                reason: "it points at nothing in the document".to_string(),
            });
        }
        let base = self.base_for(doc, &pointer);
        self.compile_at(doc, pointer, base, 0)
    }

    fn base_for(&self, doc: usize, pointer: &str) -> String {
        let mut p = pointer.to_string();
        loop {
            if let Some(base) = self.bases.get(&(doc, p.clone())) {
                return base.clone();
            }
            match p.rfind('/') {
                Some(i) => p.truncate(i),
                None => return self.documents[doc].uri.clone(),
            }
        }
    }

    fn load_external(
        &mut self,
        resource_uri: &str,
        written: &str,
        reference: &str,
        at: &str,
    ) -> Result<(usize, String), ParseError> {
        let text = self
            .resolver
            .resolve(resource_uri)
            .or_else(|| self.resolver.resolve(written));
        let Some(text) = text else {
            return Err(if is_remote(resource_uri) {
                ParseError::RemoteRef {
                    reference: reference.to_string(),
                    pointer: at.to_string(),
                }
            } else {
                ParseError::UnresolvedRef {
                    reference: reference.to_string(),
                    pointer: at.to_string(),
                    reason: format!("no referenced schema named `{written}` was supplied"),
                }
            });
        };
        let invalid = |error: ParseError| ParseError::InvalidReference {
            name: written.to_string(),
            error: Box::new(error),
        };
        let value = parse_text(&text, self.limits.max_depth).map_err(|e| invalid(e.into()))?;
        let draft = detect_draft(&value).map_err(invalid)?;
        check_meta(&value, draft).map_err(invalid)?;
        let doc = self.documents.len();
        self.add_document(value, draft, resource_uri.to_string())
            .map_err(invalid)?;
        Ok((doc, String::new()))
    }

    /// Refuses recursion that never descends into the instance: a `$ref`
    /// (or `allOf`, `anyOf`, `oneOf`, `not`, `if`/`then`/`else`,
    /// `dependentSchemas`) that leads back to itself at the same value. No
    /// finite evaluation exists for it (validators loop or guess), so no
    /// verdict about it could be sound. Recursion through `properties`,
    /// `items` and the like is fine: each step goes one level down the value.
    pub(super) fn check_ref_cycles(&self) -> Result<(), ParseError> {
        #[derive(Clone, Copy, PartialEq)]
        enum Mark {
            New,
            Open,
            Done,
        }
        let mut marks = vec![Mark::New; self.nodes.len()];
        for root in 0..self.nodes.len() {
            if marks[root] != Mark::New {
                continue;
            }
            // Depth-first without recursion: (node, its next edge to follow).
            let mut stack = vec![(root, 0)];
            marks[root] = Mark::Open;
            while let Some(&mut (node, ref mut next)) = stack.last_mut() {
                let Some(target) = same_value_edge(&self.nodes[node].shape, *next) else {
                    marks[node] = Mark::Done;
                    stack.pop();
                    continue;
                };
                *next += 1;
                match marks[target] {
                    Mark::New => {
                        marks[target] = Mark::Open;
                        stack.push((target, 0));
                    }
                    Mark::Open => {
                        let at = &self.nodes[target];
                        return Err(ParseError::RefCycle {
                            pointer: self.display_pointer(at.doc, &at.pointer),
                        });
                    }
                    Mark::Done => {}
                }
            }
        }
        Ok(())
    }
}

/// The `index`th subschema `shape` applies to the same value it is given.
fn same_value_edge(shape: &Shape, index: usize) -> Option<NodeId> {
    match shape {
        Shape::Ref(target) | Shape::Not(target) => (index == 0).then_some(*target),
        Shape::Combined { branches, .. } => branches.get(index).copied(),
        Shape::Conditional {
            condition,
            then,
            otherwise,
        } => [Some(*condition), *then, *otherwise]
            .into_iter()
            .flatten()
            .nth(index),
        Shape::Typed(typed) => typed.dependent_schemas.get(index).map(|(_, id)| *id),
        Shape::Any | Shape::Never | Shape::Enum(_) | Shape::Const(_) => None,
    }
}

pub(super) fn join_uri(base: &str, reference: &str) -> Option<String> {
    if let Ok(absolute) = Url::parse(reference) {
        return Some(absolute.to_string());
    }
    Url::parse(base)
        .ok()?
        .join(reference)
        .ok()
        .map(|u| u.to_string())
}

pub(super) fn strip_fragment(uri: &str) -> &str {
    uri.split_once('#').map_or(uri, |(u, _)| u)
}

fn is_remote(uri: &str) -> bool {
    let lower = uri.to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}
