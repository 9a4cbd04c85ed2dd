//! The compiled form of a JSON Schema: an arena of nodes in which every
//! `$ref` is an index, so recursive schemas are finite graphs.
//!
//! Keywords are grouped the way the peer's object model groups them: a node
//! that mixes keyword groups (say `type: string` with an `enum`) becomes a
//! *synthetic* `allOf` of one part per group, and a `type` list becomes a
//! synthetic `anyOf` of one typed part per type.

use std::collections::{HashMap, HashSet};

use serde_json::{Number, Value};

/// Index of a node in [`super::JsonSchema`]'s arena.
pub(crate) type NodeId = usize;

/// A JSON type as the `type` keyword names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum JsonType {
    Null,
    Boolean,
    Object,
    Array,
    Number,
    Integer,
    String,
}

impl JsonType {
    pub(crate) fn from_name(name: &str) -> Option<JsonType> {
        Some(match name {
            "null" => JsonType::Null,
            "boolean" => JsonType::Boolean,
            "object" => JsonType::Object,
            "array" => JsonType::Array,
            "number" => JsonType::Number,
            "integer" => JsonType::Integer,
            "string" => JsonType::String,
            _ => return None,
        })
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            JsonType::Null => "null",
            JsonType::Boolean => "boolean",
            JsonType::Object => "object",
            JsonType::Array => "array",
            JsonType::Number => "number",
            JsonType::Integer => "integer",
            JsonType::String => "string",
        }
    }
}

/// `allOf`, `anyOf` or `oneOf`.
#[allow(clippy::enum_variant_names)] // named after the keywords
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Criterion {
    AllOf,
    AnyOf,
    OneOf,
}

impl Criterion {
    pub(crate) fn keyword(self) -> &'static str {
        match self {
            Criterion::AllOf => "allOf",
            Criterion::AnyOf => "anyOf",
            Criterion::OneOf => "oneOf",
        }
    }

    pub(crate) fn is_sum(self) -> bool {
        matches!(self, Criterion::AnyOf | Criterion::OneOf)
    }
}

/// A numeric keyword's value, kept as written for reports and as a double
/// for comparisons.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Num {
    pub(crate) value: f64,
    pub(crate) written: Number,
}

impl Num {
    pub(crate) fn json(&self) -> Value {
        Value::Number(self.written.clone())
    }
}

/// Constraints of one typed part. Only the fields relevant to `ty` are set.
#[derive(Debug, Clone, Default)]
pub(crate) struct Typed {
    pub(crate) ty: Option<JsonType>,
    /// True when `type` demands this type; false for a keyword group that
    /// only constrains values of its type and lets others through.
    pub(crate) explicit: bool,
    // string
    pub(crate) min_length: Option<u64>,
    pub(crate) max_length: Option<u64>,
    pub(crate) pattern: Option<String>,
    pub(crate) format: Option<String>,
    /// `contentEncoding` and `contentMediaType`, where the draft makes them
    /// assertions (drafts 6 and 7; annotations from 2019-09 on).
    pub(crate) content_encoding: Option<String>,
    pub(crate) content_media_type: Option<String>,
    // number
    pub(crate) minimum: Option<Num>,
    pub(crate) maximum: Option<Num>,
    pub(crate) exclusive_minimum: Option<Num>,
    pub(crate) exclusive_maximum: Option<Num>,
    pub(crate) multiple_of: Option<Num>,
    // object
    pub(crate) properties: Vec<(String, NodeId)>,
    /// `properties` by name (filled by [`Typed::add_property`]).
    pub(crate) property_index: HashMap<String, NodeId>,
    pub(crate) required: Vec<String>,
    /// `required` as a set (filled by [`Typed::add_required`]).
    pub(crate) required_set: HashSet<String>,
    pub(crate) additional_properties: Option<NodeId>,
    pub(crate) pattern_properties: Vec<(String, NodeId)>,
    pub(crate) unevaluated_properties: Option<NodeId>,
    pub(crate) property_names: Option<NodeId>,
    pub(crate) min_properties: Option<u64>,
    pub(crate) max_properties: Option<u64>,
    pub(crate) dependent_required: Vec<(String, Vec<String>)>,
    pub(crate) dependent_schemas: Vec<(String, NodeId)>,
    // array
    /// Object-form `items` (every item) when there is no tuple.
    pub(crate) items: Option<NodeId>,
    /// Tuple positions (`prefixItems`, or array-form `items`).
    pub(crate) prefix_items: Option<Vec<NodeId>>,
    /// Items past the tuple: `additionalItems`, or 2020-12 `items` (which the
    /// peer translates to `additionalItems` with or without `prefixItems`).
    pub(crate) additional_items: Option<NodeId>,
    /// True when `additional_items` has no effect: `additionalItems` without
    /// a tuple before 2020-12 (still compared, as the peer compares it).
    pub(crate) additional_items_inert: bool,
    pub(crate) unevaluated_items: Option<NodeId>,
    pub(crate) contains: Option<NodeId>,
    pub(crate) min_contains: Option<u64>,
    pub(crate) max_contains: Option<u64>,
    pub(crate) min_items: Option<u64>,
    pub(crate) max_items: Option<u64>,
    pub(crate) unique_items: bool,
}

impl Typed {
    /// The schema of declared property `name` (looked up in constant time,
    /// so that objects of many properties compare in linear time).
    pub(crate) fn property(&self, name: &str) -> Option<NodeId> {
        self.property_index.get(name).copied()
    }

    pub(crate) fn is_required(&self, name: &str) -> bool {
        self.required_set.contains(name)
    }

    /// Declares property `name` with schema `id` (the first declaration of a
    /// name is the one looked up).
    pub(crate) fn add_property(&mut self, name: String, id: NodeId) {
        self.property_index.entry(name.clone()).or_insert(id);
        self.properties.push((name, id));
    }

    /// Adds `name` to `required`, once.
    pub(crate) fn add_required(&mut self, name: &str) {
        if self.required_set.insert(name.to_string()) {
            self.required.push(name.to_string());
        }
    }
}

/// What a node asserts.
#[derive(Debug, Clone)]
pub(crate) enum Shape {
    /// `true`, `{}`, or annotations only: every value is valid.
    Any,
    /// `false`: no value is valid.
    Never,
    /// A reference, resolved to its target.
    Ref(NodeId),
    /// Constraints on values of one type.
    Typed(Box<Typed>),
    /// `enum`.
    Enum(Vec<Value>),
    /// `const`.
    Const(Value),
    /// `not`.
    Not(NodeId),
    /// `allOf`/`anyOf`/`oneOf`; `synthetic` when Charter made it to group
    /// keywords of one schema object (no path segment in reports).
    Combined {
        criterion: Criterion,
        branches: Vec<NodeId>,
        synthetic: bool,
    },
    /// `if`/`then`/`else`.
    Conditional {
        condition: NodeId,
        then: Option<NodeId>,
        otherwise: Option<NodeId>,
    },
}

/// Keywords that describe but do not constrain.
#[derive(Debug, Clone, Default)]
pub(crate) struct Annotations {
    pub(crate) id: Option<String>,
    pub(crate) title: Option<Value>,
    pub(crate) description: Option<Value>,
    pub(crate) default: Option<Value>,
}

/// One schema location (or one synthetic part of it).
#[derive(Debug, Clone)]
pub(crate) struct Node {
    /// Index of the document that holds it.
    pub(crate) doc: usize,
    /// JSON pointer to it inside that document (`""` for the root).
    pub(crate) pointer: String,
    pub(crate) annotations: Annotations,
    pub(crate) shape: Shape,
}
