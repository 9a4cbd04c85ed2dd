//! Builds the node arena from JSON documents and resolves every `$ref`.

use std::borrow::Cow;
use std::collections::HashMap;

use serde_json::{Map, Value};
use url::Url;

use super::draft::Draft;
use super::error::ParseError;
use super::node::{Annotations, Criterion, JsonType, Node, NodeId, Num, Shape, Typed};
use super::{Document, parse_text};
use crate::pointer::escape;
use crate::resolver::Resolver;

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

/// Compiles `root` (already checked against its meta-schema) and every
/// document it references.
pub(crate) fn compile(
    root: Value,
    draft: Draft,
    resolver: &dyn Resolver,
) -> Result<Compiled, ParseError> {
    let mut compiler = Compiler {
        resolver,
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

fn join_uri(base: &str, reference: &str) -> Option<String> {
    if let Ok(absolute) = Url::parse(reference) {
        return Some(absolute.to_string());
    }
    Url::parse(base)
        .ok()?
        .join(reference)
        .ok()
        .map(|u| u.to_string())
}

fn strip_fragment(uri: &str) -> &str {
    uri.split_once('#').map_or(uri, |(u, _)| u)
}

fn is_remote(uri: &str) -> bool {
    let lower = uri.to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
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

    fn compile_object(
        &mut self,
        doc: usize,
        pointer: &str,
        map: &Map<String, Value>,
        mut base: String,
        depth: usize,
        id: NodeId,
    ) -> Result<(Annotations, Shape), ParseError> {
        let draft = self.documents[doc].draft;
        let mut annotations = Annotations::default();
        // Resource identifiers and anchors.
        if let Some(Value::String(raw_id)) = map.get(draft.id_keyword()) {
            annotations.id = Some(raw_id.clone());
            if let Some(anchor) = raw_id.strip_prefix('#').filter(|_| draft <= Draft::Draft7) {
                self.anchors.insert(
                    (strip_fragment(&base).to_string(), anchor.to_string()),
                    (doc, pointer.to_string()),
                );
            } else if let Some(joined) = join_uri(&base, raw_id) {
                base = joined;
                self.resources.insert(
                    strip_fragment(&base).to_string(),
                    (doc, pointer.to_string()),
                );
            }
        }
        for key in ["$anchor", "$dynamicAnchor"] {
            if let Some(Value::String(anchor)) = map.get(key) {
                self.anchors.insert(
                    (strip_fragment(&base).to_string(), anchor.clone()),
                    (doc, pointer.to_string()),
                );
            }
        }
        self.bases.insert((doc, pointer.to_string()), base.clone());
        annotations.title = map.get("title").cloned();
        annotations.description = map.get("description").cloned();
        annotations.default = map.get("default").cloned();

        // Definitions are compiled eagerly so their identifiers and anchors are
        // known before references resolve.
        for container in ["definitions", "$defs"] {
            if let Some(Value::Object(defs)) = map.get(container) {
                for name in defs.keys() {
                    let child = format!("{pointer}/{container}/{}", escape(name));
                    self.compile_at(doc, child, base.clone(), depth + 1)?;
                }
            }
        }

        let reference = ["$ref", "$dynamicRef", "$recursiveRef"]
            .into_iter()
            .find_map(|k| map.get(k).and_then(Value::as_str).map(str::to_string));
        if let Some(reference) = &reference {
            if !draft.ref_has_siblings() {
                self.pending.push(PendingRef {
                    node: id,
                    reference: reference.clone(),
                    base,
                });
                return Ok((annotations, Shape::Ref(PENDING)));
            }
        }

        let mut parts: Vec<Shape> = Vec::new();
        let child = |c: &mut Self, suffix: String| {
            c.compile_at(doc, format!("{pointer}{suffix}"), base.clone(), depth + 1)
        };

        // Typed parts.
        let types: Option<Vec<JsonType>> = match map.get("type") {
            None => None,
            Some(Value::String(name)) => Some(vec![self.type_named(doc, pointer, name)?]),
            Some(Value::Array(names)) => {
                let mut types = Vec::new();
                for name in names {
                    let name = name.as_str().ok_or_else(|| {
                        self.not_a_schema(doc, pointer, "`type` must name types as strings")
                    })?;
                    let ty = self.type_named(doc, pointer, name)?;
                    if !types.contains(&ty) {
                        types.push(ty);
                    }
                }
                Some(types)
            }
            Some(_) => {
                return Err(self.not_a_schema(
                    doc,
                    pointer,
                    "`type` must be a string or an array of strings",
                ));
            }
        };
        match types {
            Some(types) if types.is_empty() => parts.push(Shape::Never),
            Some(types) if types.len() == 1 => {
                parts.push(Shape::Typed(Box::new(
                    self.typed(doc, pointer, map, types[0], true, &child)?,
                )));
            }
            Some(types) => {
                let mut branches = Vec::new();
                for ty in types {
                    let typed = self.typed(doc, pointer, map, ty, true, &child)?;
                    branches.push(self.synthetic(doc, pointer, Shape::Typed(Box::new(typed))));
                }
                parts.push(Shape::Combined {
                    criterion: Criterion::AnyOf,
                    branches,
                    synthetic: true,
                });
            }
            None => {
                for (ty, keywords) in GROUPS {
                    let content = *ty == JsonType::String
                        && draft.asserts_content()
                        && CONTENT.iter().any(|k| map.contains_key(*k));
                    let asserted = |k: &&str| match (*k, map.get(*k)) {
                        ("format", Some(Value::String(f))) => draft.asserts_format(f),
                        (_, found) => found.is_some(),
                    };
                    if content || keywords.iter().any(asserted) {
                        parts.push(Shape::Typed(Box::new(
                            self.typed(doc, pointer, map, *ty, false, &child)?,
                        )));
                    }
                }
            }
        }
        if let Some(values) = map.get("enum") {
            let values = values
                .as_array()
                .ok_or_else(|| self.not_a_schema(doc, pointer, "`enum` must be an array"))?;
            parts.push(Shape::Enum(values.clone()));
        }
        if let Some(value) = map.get("const") {
            parts.push(Shape::Const(value.clone()));
        }
        if map.contains_key("not") {
            parts.push(Shape::Not(child(self, "/not".into())?));
        }
        for criterion in [Criterion::AllOf, Criterion::AnyOf, Criterion::OneOf] {
            if let Some(list) = map.get(criterion.keyword()) {
                let list = list.as_array().ok_or_else(|| {
                    self.not_a_schema(
                        doc,
                        pointer,
                        format!("`{}` must be an array of schemas", criterion.keyword()),
                    )
                })?;
                let mut branches = Vec::new();
                for i in 0..list.len() {
                    branches.push(child(self, format!("/{}/{i}", criterion.keyword()))?);
                }
                parts.push(Shape::Combined {
                    criterion,
                    branches,
                    synthetic: false,
                });
            }
        }
        if map.contains_key("if") && draft >= Draft::Draft7 {
            let condition = child(self, "/if".into())?;
            let then = map
                .contains_key("then")
                .then(|| child(self, "/then".into()))
                .transpose()?;
            let otherwise = map
                .contains_key("else")
                .then(|| child(self, "/else".into()))
                .transpose()?;
            if then.is_some() || otherwise.is_some() {
                parts.push(Shape::Conditional {
                    condition,
                    then,
                    otherwise,
                });
            }
        }
        let shape = match (parts.len(), reference) {
            (0, None) => Shape::Any,
            (0, Some(reference)) => {
                self.pending.push(PendingRef {
                    node: id,
                    reference,
                    base,
                });
                Shape::Ref(PENDING)
            }
            (1, None) => parts.pop().unwrap_or(Shape::Any),
            (_, reference) => {
                let mut branches: Vec<NodeId> = parts
                    .into_iter()
                    .map(|shape| self.synthetic(doc, pointer, shape))
                    .collect();
                if let Some(reference) = reference {
                    let part = self.synthetic(doc, pointer, Shape::Ref(PENDING));
                    self.pending.push(PendingRef {
                        node: part,
                        reference,
                        base,
                    });
                    branches.push(part);
                }
                Shape::Combined {
                    criterion: Criterion::AllOf,
                    branches,
                    synthetic: true,
                }
            }
        };
        Ok((annotations, shape))
    }

    fn synthetic(&mut self, doc: usize, pointer: &str, shape: Shape) -> NodeId {
        self.push(Node {
            doc,
            pointer: pointer.to_string(),
            annotations: Annotations::default(),
            shape,
        })
    }

    fn type_named(&self, doc: usize, pointer: &str, name: &str) -> Result<JsonType, ParseError> {
        JsonType::from_name(name).ok_or_else(|| {
            self.not_a_schema(
                doc,
                &format!("{pointer}/type"),
                format!("unknown type `{name}`"),
            )
        })
    }

    fn typed(
        &mut self,
        doc: usize,
        pointer: &str,
        map: &Map<String, Value>,
        ty: JsonType,
        explicit: bool,
        child: &dyn Fn(&mut Self, String) -> Result<NodeId, ParseError>,
    ) -> Result<Typed, ParseError> {
        let draft = self.documents[doc].draft;
        let mut t = Typed {
            ty: Some(ty),
            explicit,
            ..Typed::default()
        };
        let uint = |c: &Self, key: &str| -> Result<Option<u64>, ParseError> {
            match map.get(key) {
                None => Ok(None),
                Some(v) => v
                    .as_u64()
                    .or_else(|| {
                        v.as_f64()
                            .filter(|f| f.fract() == 0.0 && *f >= 0.0)
                            .map(|f| f as u64)
                    })
                    .map(Some)
                    .ok_or_else(|| {
                        c.not_a_schema(
                            doc,
                            &format!("{pointer}/{key}"),
                            format!("`{key}` must be a non-negative integer"),
                        )
                    }),
            }
        };
        let num = |c: &Self, key: &str| -> Result<Option<Num>, ParseError> {
            match map.get(key) {
                None | Some(Value::Bool(_)) => Ok(None),
                Some(Value::Number(n)) => Ok(Some(Num {
                    value: n.as_f64().unwrap_or(f64::NAN),
                    written: n.clone(),
                })),
                Some(_) => Err(c.not_a_schema(
                    doc,
                    &format!("{pointer}/{key}"),
                    format!("`{key}` must be a number"),
                )),
            }
        };
        match ty {
            JsonType::String => {
                t.min_length = uint(self, "minLength")?;
                t.max_length = uint(self, "maxLength")?;
                t.pattern = map
                    .get("pattern")
                    .and_then(Value::as_str)
                    .map(str::to_string);
                if let Some(pattern) = &t.pattern {
                    check_regex(pattern).map_err(|message| ParseError::InvalidPattern {
                        pointer: self.display_pointer(doc, &format!("{pointer}/pattern")),
                        pattern: pattern.clone(),
                        message,
                    })?;
                }
                // A format the validator does not assert in this draft is an
                // annotation, and comparing it would hide a real change.
                t.format = map
                    .get("format")
                    .and_then(Value::as_str)
                    .filter(|f| draft.asserts_format(f))
                    .map(str::to_string);
                if draft.asserts_content() {
                    let text = |key: &str| map.get(key).and_then(Value::as_str).map(str::to_string);
                    t.content_encoding = text("contentEncoding");
                    t.content_media_type = text("contentMediaType");
                }
            }
            JsonType::Number | JsonType::Integer => {
                t.minimum = num(self, "minimum")?;
                t.maximum = num(self, "maximum")?;
                t.exclusive_minimum = num(self, "exclusiveMinimum")?;
                t.exclusive_maximum = num(self, "exclusiveMaximum")?;
                t.multiple_of = num(self, "multipleOf")?;
                if draft == Draft::Draft4 {
                    // Draft 4 spells exclusive bounds as booleans beside the bound.
                    if map.get("exclusiveMinimum") == Some(&Value::Bool(true)) {
                        t.exclusive_minimum = t.minimum.take();
                    }
                    if map.get("exclusiveMaximum") == Some(&Value::Bool(true)) {
                        t.exclusive_maximum = t.maximum.take();
                    }
                }
            }
            JsonType::Object => {
                if let Some(Value::Object(props)) = map.get("properties") {
                    for name in props.keys() {
                        let id = child(self, format!("/properties/{}", escape(name)))?;
                        t.properties.push((name.clone(), id));
                    }
                }
                if let Some(Value::Array(required)) = map.get("required") {
                    for name in required.iter().filter_map(Value::as_str) {
                        if !t.required.iter().any(|r| r == name) {
                            t.required.push(name.to_string());
                        }
                    }
                }
                if let Some(Value::Object(patterns)) = map.get("patternProperties") {
                    for re in patterns.keys() {
                        check_regex(re).map_err(|message| ParseError::InvalidPattern {
                            pointer: self
                                .display_pointer(doc, &format!("{pointer}/patternProperties")),
                            pattern: re.clone(),
                            message,
                        })?;
                        let id = child(self, format!("/patternProperties/{}", escape(re)))?;
                        t.pattern_properties.push((re.clone(), id));
                    }
                }
                if map.contains_key("additionalProperties") {
                    t.additional_properties = Some(child(self, "/additionalProperties".into())?);
                }
                if map.contains_key("unevaluatedProperties") {
                    t.unevaluated_properties = Some(child(self, "/unevaluatedProperties".into())?);
                }
                if map.contains_key("propertyNames") {
                    t.property_names = Some(child(self, "/propertyNames".into())?);
                }
                t.min_properties = uint(self, "minProperties")?;
                t.max_properties = uint(self, "maxProperties")?;
                let dependency = |c: &mut Self,
                                  keyword: &str,
                                  name: &str,
                                  value: &Value,
                                  t: &mut Typed|
                 -> Result<(), ParseError> {
                    match value {
                        Value::Array(names) => {
                            let names = names
                                .iter()
                                .filter_map(Value::as_str)
                                .map(str::to_string)
                                .collect();
                            t.dependent_required.push((name.to_string(), names));
                        }
                        _ => {
                            let id = child(c, format!("/{keyword}/{}", escape(name)))?;
                            t.dependent_schemas.push((name.to_string(), id));
                        }
                    }
                    Ok(())
                };
                for keyword in ["dependencies", "dependentRequired", "dependentSchemas"] {
                    if let Some(Value::Object(deps)) = map.get(keyword) {
                        for (name, value) in deps {
                            dependency(self, keyword, name, value, &mut t)?;
                        }
                    }
                }
            }
            JsonType::Array => {
                if draft >= Draft::Draft202012 {
                    if let Some(Value::Array(prefix)) = map.get("prefixItems") {
                        let mut ids = Vec::new();
                        for i in 0..prefix.len() {
                            ids.push(child(self, format!("/prefixItems/{i}"))?);
                        }
                        t.prefix_items = Some(ids);
                    }
                    // As the peer translates 2020-12: `items` is the extra-items
                    // schema beside `prefixItems` or when it is a boolean, and
                    // the every-item schema otherwise.
                    match map.get("items") {
                        Some(Value::Object(_)) if t.prefix_items.is_none() => {
                            t.items = Some(child(self, "/items".into())?);
                        }
                        Some(_) => t.additional_items = Some(child(self, "/items".into())?),
                        None => {}
                    }
                } else {
                    match map.get("items") {
                        Some(Value::Array(list)) => {
                            let mut ids = Vec::new();
                            for i in 0..list.len() {
                                ids.push(child(self, format!("/items/{i}"))?);
                            }
                            t.prefix_items = Some(ids);
                        }
                        Some(_) => t.items = Some(child(self, "/items".into())?),
                        None => {}
                    }
                    if map.contains_key("additionalItems") {
                        t.additional_items = Some(child(self, "/additionalItems".into())?);
                        t.additional_items_inert = t.prefix_items.is_none();
                    }
                }
                if map.contains_key("unevaluatedItems") {
                    t.unevaluated_items = Some(child(self, "/unevaluatedItems".into())?);
                }
                if map.contains_key("contains") {
                    t.contains = Some(child(self, "/contains".into())?);
                    t.min_contains = uint(self, "minContains")?;
                    t.max_contains = uint(self, "maxContains")?;
                }
                t.min_items = uint(self, "minItems")?;
                t.max_items = uint(self, "maxItems")?;
                t.unique_items = map.get("uniqueItems") == Some(&Value::Bool(true));
            }
            JsonType::Boolean | JsonType::Null => {}
        }
        Ok(t)
    }

    fn resolve_pending(&mut self) -> Result<(), ParseError> {
        while let Some(pending) = self.pending.pop() {
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
        let value = parse_text(&text).map_err(|e| invalid(e.into()))?;
        let draft = super::detect_draft(&value).map_err(invalid)?;
        super::check_meta(&value, draft).map_err(invalid)?;
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
    fn check_ref_cycles(&self) -> Result<(), ParseError> {
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

/// String keywords that assert only in drafts 6 and 7.
const CONTENT: [&str; 2] = ["contentEncoding", "contentMediaType"];

/// Keyword groups of an untyped schema object, one typed part each.
const GROUPS: &[(JsonType, &[&str])] = &[
    (
        JsonType::Object,
        &[
            "properties",
            "required",
            "additionalProperties",
            "patternProperties",
            "unevaluatedProperties",
            "propertyNames",
            "minProperties",
            "maxProperties",
            "dependencies",
            "dependentRequired",
            "dependentSchemas",
        ],
    ),
    (
        JsonType::Array,
        &[
            "items",
            "prefixItems",
            "additionalItems",
            "unevaluatedItems",
            "contains",
            "minItems",
            "maxItems",
            "uniqueItems",
        ],
    ),
    (
        JsonType::String,
        &["minLength", "maxLength", "pattern", "format"],
    ),
    (
        JsonType::Number,
        &[
            "minimum",
            "maximum",
            "exclusiveMinimum",
            "exclusiveMaximum",
            "multipleOf",
        ],
    ),
];

fn check_regex(pattern: &str) -> Result<(), String> {
    fancy_regex::Regex::new(pattern)
        .map(|_| ())
        .map_err(|e| e.to_string())
}
