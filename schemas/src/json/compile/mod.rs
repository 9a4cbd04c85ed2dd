//! Builds the node arena from JSON documents and resolves every `$ref`.
//!
//! `mod.rs` walks schemas (`compile_at`, once per location); `object.rs`
//! turns one schema object into a shape (identifiers and anchors, typed
//! parts, applicators, the synthetic `allOf` of several); `typed.rs` reads
//! the keywords of one type; `resolve.rs` resolves references (within the
//! document, by `$id` and anchor, and other documents through the
//! [`Resolver`]) and refuses recursion that never descends into the value.

mod object;
mod regex_size;
mod resolve;
mod typed;

use std::borrow::Cow;
use std::collections::HashMap;

use serde_json::{Map, Value};

use super::Document;
use super::draft::Draft;
use super::error::ParseError;
use super::node::{Annotations, Node, NodeId, Shape};
use crate::limits::SchemaLimits;
use crate::resolver::Resolver;
use resolve::strip_fragment;

/// The base URI of a document that names none.
const DEFAULT_BASE: &str = "charter:///root.json";
/// Deepest schema nesting compiled.
const MAX_DEPTH: usize = 256;
/// Placeholder target of a reference not resolved yet.
const PENDING: NodeId = NodeId::MAX;

pub(crate) struct Compiled {
    pub(crate) nodes: Vec<Node>,
    pub(crate) root: NodeId,
    pub(crate) documents: Vec<Document>,
}

struct PendingRef {
    node: NodeId,
    reference: String,
    base: String,
}

struct Compiler<'r> {
    resolver: &'r dyn Resolver,
    limits: SchemaLimits,
    /// `$ref`s resolved so far, held to `limits.max_ref_expansions`.
    expansions: u64,
    documents: Vec<Document>,
    nodes: Vec<Node>,
    by_location: HashMap<(usize, String), NodeId>,
    /// Absolute URI (no fragment) of a schema resource -> its document and pointer.
    resources: HashMap<String, (usize, String)>,
    /// (resource URI, anchor name) -> document and pointer.
    anchors: HashMap<(String, String), (usize, String)>,
    /// Base URI in force at a location.
    bases: HashMap<(usize, String), String>,
    pending: Vec<PendingRef>,
}

/// Where a schema object is compiled: its document, its pointer there, the
/// base URI in force (after its own `$id`) and its nesting depth.
struct Place<'p> {
    doc: usize,
    pointer: &'p str,
    base: String,
    depth: usize,
}

/// Compiles `root` (already checked against its meta-schema) and every
/// document it references.
pub(crate) fn compile(
    root: Value,
    draft: Draft,
    resolver: &dyn Resolver,
    limits: &SchemaLimits,
) -> Result<Compiled, ParseError> {
    let mut compiler = Compiler {
        resolver,
        limits: *limits,
        expansions: 0,
        documents: Vec::new(),
        nodes: Vec::new(),
        by_location: HashMap::new(),
        resources: HashMap::new(),
        anchors: HashMap::new(),
        bases: HashMap::new(),
        pending: Vec::new(),
    };
    let root_id = compiler.add_document(root, draft, DEFAULT_BASE.to_string())?;
    compiler.resolve_pending()?;
    compiler.check_ref_cycles()?;
    Ok(Compiled {
        nodes: compiler.nodes,
        root: root_id,
        documents: compiler.documents,
    })
}

impl Compiler<'_> {
    fn add_document(
        &mut self,
        value: Value,
        draft: Draft,
        uri: String,
    ) -> Result<NodeId, ParseError> {
        let doc = self.documents.len();
        self.resources
            .insert(strip_fragment(&uri).to_string(), (doc, String::new()));
        self.documents.push(Document {
            uri: uri.clone(),
            value,
            draft,
        });
        self.compile_at(doc, String::new(), uri, 0)
    }

    fn value_at(&self, doc: usize, pointer: &str) -> Option<&Value> {
        self.documents[doc].value.pointer(pointer)
    }

    fn push(&mut self, node: Node) -> NodeId {
        self.nodes.push(node);
        self.nodes.len() - 1
    }

    fn not_a_schema(&self, doc: usize, pointer: &str, message: impl Into<String>) -> ParseError {
        ParseError::NotASchema {
            pointer: self.display_pointer(doc, pointer),
            message: message.into(),
        }
    }

    fn display_pointer(&self, doc: usize, pointer: &str) -> String {
        if doc == 0 {
            format!("#{pointer}")
        } else {
            format!("{}#{pointer}", self.documents[doc].uri)
        }
    }

    /// Compiles the schema at `pointer` of `doc` (once) and returns its node.
    fn compile_at(
        &mut self,
        doc: usize,
        pointer: String,
        base: String,
        depth: usize,
    ) -> Result<NodeId, ParseError> {
        if let Some(&id) = self.by_location.get(&(doc, pointer.clone())) {
            return Ok(id);
        }
        if depth > MAX_DEPTH {
            return Err(ParseError::TooDeeplyNested {
                pointer: self.display_pointer(doc, &pointer),
                limit: MAX_DEPTH,
            });
        }
        let value = self
            .value_at(doc, &pointer)
            .cloned()
            .ok_or_else(|| self.not_a_schema(doc, &pointer, "nothing at this location"))?;
        let id = self.push(Node {
            doc,
            pointer: pointer.clone(),
            annotations: Annotations::default(),
            shape: Shape::Any,
        });
        self.by_location.insert((doc, pointer.clone()), id);
        let (annotations, shape) = match &value {
            Value::Bool(true) => (Annotations::default(), Shape::Any),
            Value::Bool(false) => (Annotations::default(), Shape::Never),
            Value::Object(map) => {
                let draft = self.documents[doc].draft;
                let map = known_keywords(map, draft);
                self.compile_object(doc, &pointer, &map, base, depth, id)?
            }
            other => {
                return Err(self.not_a_schema(
                    doc,
                    &pointer,
                    format!(
                        "a schema must be an object or a boolean, found {}",
                        super::kind_of(other)
                    ),
                ));
            }
        };
        self.nodes[id].annotations = annotations;
        self.nodes[id].shape = shape;
        Ok(id)
    }

    /// Compiles the subschema at `suffix` below `at` (`/properties/a`).
    fn child(&mut self, at: &Place<'_>, suffix: &str) -> Result<NodeId, ParseError> {
        self.compile_at(
            at.doc,
            format!("{}{suffix}", at.pointer),
            at.base.clone(),
            at.depth + 1,
        )
    }

    fn synthetic(&mut self, doc: usize, pointer: &str, shape: Shape) -> NodeId {
        self.push(Node {
            doc,
            pointer: pointer.to_string(),
            annotations: Annotations::default(),
            shape,
        })
    }
}

/// `map` without the keywords `draft` does not have (borrowed when it has
/// them all, as almost every schema object does).
fn known_keywords(map: &Map<String, Value>, draft: Draft) -> Cow<'_, Map<String, Value>> {
    if map.keys().all(|k| draft.knows_keyword(k)) {
        return Cow::Borrowed(map);
    }
    Cow::Owned(
        map.iter()
            .filter(|(k, _)| draft.knows_keyword(k))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
    )
}
