//! One schema object into a shape: its identifiers and anchors, its typed
//! parts, its applicators, and a synthetic `allOf` when it has several.

use serde_json::{Map, Value};

use super::resolve::{join_uri, strip_fragment};
use super::{Compiler, PENDING, PendingRef, Place};
use crate::json::draft::Draft;
use crate::json::error::ParseError;
use crate::json::node::{Annotations, Criterion, JsonType, NodeId, Shape};
use crate::limits::Limit;
use crate::pointer::escape;

impl Compiler<'_> {
    /// The annotations and shape of the schema object `map` at `pointer` of
    /// `doc`, whose node is `id`.
    pub(super) fn compile_object(
        &mut self,
        doc: usize,
        pointer: &str,
        map: &Map<String, Value>,
        base: String,
        depth: usize,
        id: NodeId,
    ) -> Result<(Annotations, Shape), ParseError> {
        let draft = self.documents[doc].draft;
        let mut at = Place {
            doc,
            pointer,
            base,
            depth,
        };
        let annotations = self.identify(&mut at, map, draft);
        // Definitions are compiled eagerly so their identifiers and anchors are
        // known before references resolve.
        self.definitions(&at, map)?;

        let reference = ["$ref", "$dynamicRef", "$recursiveRef"]
            .into_iter()
            .find_map(|k| map.get(k).and_then(Value::as_str).map(str::to_string));
        if let Some(reference) = &reference {
            if !draft.ref_has_siblings() {
                self.pending.push(PendingRef {
                    node: id,
                    reference: reference.clone(),
                    base: at.base,
                });
                return Ok((annotations, Shape::Ref(PENDING)));
            }
        }

        let mut parts: Vec<Shape> = Vec::new();
        self.typed_parts(&at, map, draft, &mut parts)?;
        self.applicators(&at, map, draft, &mut parts)?;
        Ok((annotations, self.combine(at, id, parts, reference)))
    }

    /// Records the resource identifier and anchors of the object at `at`
    /// (its `$id` moves the base URI) and reads its annotations.
    fn identify(
        &mut self,
        at: &mut Place<'_>,
        map: &Map<String, Value>,
        draft: Draft,
    ) -> Annotations {
        let mut annotations = Annotations::default();
        let here = (at.doc, at.pointer.to_string());
        if let Some(Value::String(raw_id)) = map.get(draft.id_keyword()) {
            annotations.id = Some(raw_id.clone());
            if let Some(anchor) = raw_id.strip_prefix('#').filter(|_| draft <= Draft::Draft7) {
                self.anchors.insert(
                    (strip_fragment(&at.base).to_string(), anchor.to_string()),
                    here.clone(),
                );
            } else if let Some(joined) = join_uri(&at.base, raw_id) {
                at.base = joined;
                self.resources
                    .insert(strip_fragment(&at.base).to_string(), here.clone());
            }
        }
        for key in ["$anchor", "$dynamicAnchor"] {
            if let Some(Value::String(anchor)) = map.get(key) {
                self.anchors.insert(
                    (strip_fragment(&at.base).to_string(), anchor.clone()),
                    here.clone(),
                );
            }
        }
        self.bases.insert(here, at.base.clone());
        annotations.title = map.get("title").cloned();
        annotations.description = map.get("description").cloned();
        annotations.default = map.get("default").cloned();
        annotations
    }

    /// Compiles every schema under `definitions` and `$defs`.
    fn definitions(&mut self, at: &Place<'_>, map: &Map<String, Value>) -> Result<(), ParseError> {
        for container in ["definitions", "$defs"] {
            if let Some(Value::Object(defs)) = map.get(container) {
                for name in defs.keys() {
                    self.child(at, &format!("/{container}/{}", escape(name)))?;
                }
            }
        }
        Ok(())
    }

    /// The types `type` names, each once, in order; `None` without `type`.
    fn types(
        &self,
        at: &Place<'_>,
        map: &Map<String, Value>,
    ) -> Result<Option<Vec<JsonType>>, ParseError> {
        let (doc, pointer) = (at.doc, at.pointer);
        match map.get("type") {
            None => Ok(None),
            Some(Value::String(name)) => Ok(Some(vec![self.type_named(doc, pointer, name)?])),
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
                Ok(Some(types))
            }
            Some(_) => Err(self.not_a_schema(
                doc,
                pointer,
                "`type` must be a string or an array of strings",
            )),
        }
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

    /// The typed parts: the one type `type` names, a synthetic `anyOf` of
    /// the several it names, or without `type` one part per group of typed
    /// keywords the object uses.
    fn typed_parts(
        &mut self,
        at: &Place<'_>,
        map: &Map<String, Value>,
        draft: Draft,
        parts: &mut Vec<Shape>,
    ) -> Result<(), ParseError> {
        match self.types(at, map)? {
            Some(types) if types.is_empty() => parts.push(Shape::Never),
            Some(types) if types.len() == 1 => {
                parts.push(Shape::Typed(Box::new(self.typed(at, map, types[0], true)?)));
            }
            Some(types) => {
                let mut branches = Vec::new();
                for ty in types {
                    let typed = self.typed(at, map, ty, true)?;
                    branches.push(self.synthetic(
                        at.doc,
                        at.pointer,
                        Shape::Typed(Box::new(typed)),
                    ));
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
                        parts.push(Shape::Typed(Box::new(self.typed(at, map, *ty, false)?)));
                    }
                }
            }
        }
        Ok(())
    }

    /// The parts of the applicators and assertions on any value: `enum`,
    /// `const`, `not`, `allOf`/`anyOf`/`oneOf`, `if`/`then`/`else`.
    fn applicators(
        &mut self,
        at: &Place<'_>,
        map: &Map<String, Value>,
        draft: Draft,
        parts: &mut Vec<Shape>,
    ) -> Result<(), ParseError> {
        if let Some(values) = map.get("enum") {
            let values = values
                .as_array()
                .ok_or_else(|| self.not_a_schema(at.doc, at.pointer, "`enum` must be an array"))?;
            self.limits.check(Limit::EnumSymbols, values.len(), || {
                self.display_pointer(at.doc, &format!("{}/enum", at.pointer))
            })?;
            parts.push(Shape::Enum(values.clone()));
        }
        if let Some(value) = map.get("const") {
            parts.push(Shape::Const(value.clone()));
        }
        if map.contains_key("not") {
            parts.push(Shape::Not(self.child(at, "/not")?));
        }
        for criterion in [Criterion::AllOf, Criterion::AnyOf, Criterion::OneOf] {
            if let Some(list) = map.get(criterion.keyword()) {
                let list = list.as_array().ok_or_else(|| {
                    self.not_a_schema(
                        at.doc,
                        at.pointer,
                        format!("`{}` must be an array of schemas", criterion.keyword()),
                    )
                })?;
                let mut branches = Vec::new();
                for i in 0..list.len() {
                    branches.push(self.child(at, &format!("/{}/{i}", criterion.keyword()))?);
                }
                parts.push(Shape::Combined {
                    criterion,
                    branches,
                    synthetic: false,
                });
            }
        }
        if map.contains_key("if") && draft >= Draft::Draft7 {
            let condition = self.child(at, "/if")?;
            let then = map
                .contains_key("then")
                .then(|| self.child(at, "/then"))
                .transpose()?;
            let otherwise = map
                .contains_key("else")
                .then(|| self.child(at, "/else"))
                .transpose()?;
            if then.is_some() || otherwise.is_some() {
                parts.push(Shape::Conditional {
                    condition,
                    then,
                    otherwise,
                });
            }
        }
        Ok(())
    }

    /// The shape of an object of `parts` with maybe a `$ref` beside them:
    /// no part is any value, one part is itself, several (or parts and a
    /// reference) are a synthetic `allOf`.
    fn combine(
        &mut self,
        at: Place<'_>,
        id: NodeId,
        mut parts: Vec<Shape>,
        reference: Option<String>,
    ) -> Shape {
        match (parts.len(), reference) {
            (0, None) => Shape::Any,
            (0, Some(reference)) => {
                self.pending.push(PendingRef {
                    node: id,
                    reference,
                    base: at.base,
                });
                Shape::Ref(PENDING)
            }
            (1, None) => parts.pop().unwrap_or(Shape::Any),
            (_, reference) => {
                let mut branches: Vec<NodeId> = parts
                    .into_iter()
                    .map(|shape| self.synthetic(at.doc, at.pointer, shape))
                    .collect();
                if let Some(reference) = reference {
                    let part = self.synthetic(at.doc, at.pointer, Shape::Ref(PENDING));
                    self.pending.push(PendingRef {
                        node: part,
                        reference,
                        base: at.base,
                    });
                    branches.push(part);
                }
                Shape::Combined {
                    criterion: Criterion::AllOf,
                    branches,
                    synthetic: true,
                }
            }
        }
    }
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
