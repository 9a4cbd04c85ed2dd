//! Counterexample documents: for a breaking change, a document that the
//! writer's schema accepts and the reader's schema rejects, so that
//! "incompatible" comes with something a producer can look at.
//!
//! The search is generate-and-check. A change's schema path
//! (`#/properties/lines/items/properties/qty/maximum`) names a place in a
//! document (`/lines/0/qty`); the generator builds candidate values for that
//! place from the writer's subschema there (boundary strings and numbers,
//! every enum value, each allowed type, optional and undeclared properties,
//! arrays of several lengths, the value left out), probing just past the
//! reader's bounds, and wraps each in a minimal writer-valid document. The
//! first document that the writer's validator accepts and the reader's
//! rejects, preferably with the rejection at or under that place, is the
//! example. When the place yields none, every place of both schemas is
//! tried in turn.
//!
//! Every example is checked by both real validators (formats asserted)
//! before it is returned. The work is bounded (a few hundred validations per
//! change, at most [`FALLBACK_BUDGET`] more for the whole-document search)
//! and deterministic: the same schemas always give the same example.

mod accepts;
mod generate;
mod locate;
mod strings;

use std::cell::{OnceCell, RefCell};
use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value};

use super::JsonSchema;
use super::canonical::to_canonical_string;
use crate::change::{Change, ChangeKind};
use crate::json::node::Shape;
use crate::pointer;
use generate::{Generator, Hints};
use locate::{Level, Want};

/// Validations spent at the place a change names.
pub const TARGETED_BUDGET: usize = 400;
/// Validations spent by the whole-document search.
pub const FALLBACK_BUDGET: usize = 1200;
/// Places of each schema the whole-document search visits.
const FALLBACK_PLACES: usize = 40;
/// Documents built for the place a change names (and for the root).
const MAX_DOCUMENTS: usize = 240;
/// Documents built for each other place in the whole-document search.
const FALLBACK_DOCUMENTS: usize = 60;

/// A schema with its validator, built once and used for many documents.
pub struct Probe<'a> {
    schema: &'a JsonSchema,
    validator: jsonschema::Validator,
}

impl<'a> Probe<'a> {
    /// Builds the validator of `schema` (see [`JsonSchema::validator`]).
    pub fn new(schema: &'a JsonSchema) -> Result<Probe<'a>, String> {
        Ok(Probe {
            schema,
            validator: schema.validator()?,
        })
    }

    /// Whether the schema accepts `document`.
    pub fn accepts(&self, document: &Value) -> bool {
        self.validator.is_valid(document)
    }

    /// The schema.
    pub fn schema(&self) -> &'a JsonSchema {
        self.schema
    }
}

/// The probes of the JSON Schemas of one list (a history and a candidate),
/// each built on first use, and the whole-document counterexample of each
/// (writer, reader) pair, searched for once however many changes need it.
pub(crate) struct Probes<'s> {
    built: Vec<OnceCell<Option<Probe<'s>>>>,
    anywhere: RefCell<HashMap<(usize, usize), Option<Value>>>,
}

impl<'s> Probes<'s> {
    /// Room for a list of `len` schemas.
    pub(crate) fn new(len: usize) -> Self {
        Probes {
            built: (0..len).map(|_| OnceCell::new()).collect(),
            anywhere: RefCell::default(),
        }
    }

    fn get(&self, index: usize, schema: &'s JsonSchema) -> Option<&Probe<'s>> {
        self.built
            .get(index)?
            .get_or_init(|| Probe::new(schema).ok())
            .as_ref()
    }

    /// The example of `change` with the schema at list index `writer.0`
    /// writing and the one at `reader.0` reading: first at the place the
    /// change names, then anywhere. `None` when a validator cannot be built,
    /// `Some(None)` when the search finds nothing.
    pub(crate) fn example(
        &self,
        change: &Change,
        writer: (usize, &'s JsonSchema),
        reader: (usize, &'s JsonSchema),
    ) -> Option<Option<Value>> {
        let (w, r) = (self.get(writer.0, writer.1)?, self.get(reader.0, reader.1)?);
        Some(example_at(w, r, &change.path, change.kind).or_else(|| {
            self.anywhere
                .borrow_mut()
                .entry((writer.0, reader.0))
                .or_insert_with(|| counterexample(w, r))
                .clone()
        }))
    }
}

/// A document that `writer` accepts and `reader` rejects, looked for first
/// at the place the change at `change_path` constrains, then anywhere.
/// `None` when the validators cannot be built or the search finds nothing.
pub fn find_example(
    writer: &JsonSchema,
    reader: &JsonSchema,
    change_path: &str,
    kind: ChangeKind,
) -> Option<Value> {
    let (writer, reader) = (Probe::new(writer).ok()?, Probe::new(reader).ok()?);
    example_with(&writer, &reader, change_path, kind)
}

/// [`find_example`] with validators built beforehand.
pub fn example_with(
    writer: &Probe<'_>,
    reader: &Probe<'_>,
    change_path: &str,
    kind: ChangeKind,
) -> Option<Value> {
    example_at(writer, reader, change_path, kind).or_else(|| counterexample(writer, reader))
}

/// The targeted half of [`example_with`]: only documents built for the place
/// `change_path` names (one rejected elsewhere is returned when no better
/// one is found).
pub fn example_at(
    writer: &Probe<'_>,
    reader: &Probe<'_>,
    change_path: &str,
    kind: ChangeKind,
) -> Option<Value> {
    let mut search = Search::new(writer, reader, TARGETED_BUDGET);
    search
        .at(change_path, absence_breaks(kind), MAX_DOCUMENTS, true)
        .or_else(|| search.far.take())
}

/// A document that `writer` accepts and `reader` rejects, searched for at
/// every place of both schemas (no change to start from).
pub fn counterexample(writer: &Probe<'_>, reader: &Probe<'_>) -> Option<Value> {
    Search::new(writer, reader, FALLBACK_BUDGET).everywhere()
}

/// Kinds whose break shows best with something left out (a property, the
/// matching items, ...), so the value's absence is tried first.
fn absence_breaks(kind: ChangeKind) -> bool {
    use ChangeKind::*;
    matches!(
        kind,
        RequiredAttributeAdded
            | RequiredAttributeWithDefaultAdded
            | RequiredPropertyAddedToOpenContentModel
            | RequiredPropertyWithDefaultAddedToOpenContentModel
            | RequiredPropertyAddedToUnopenContentModel
            | RequiredPropertyWithDefaultAddedToUnopenContentModel
            | DependencyArrayAdded
            | DependencyArrayExtended
            | DependencyArrayChanged
            | ContainsAdded
            | MinItemsAdded
            | MinItemsIncreased
            | MinContainsAdded
            | MinContainsIncreased
            | MinPropertiesAdded
            | MinPropertiesIncreased
    )
}

/// A concrete step into a document.
#[derive(Debug, Clone)]
enum Step {
    Key(String),
    Index(usize),
}

struct Search<'p, 'a> {
    writer: &'p Probe<'a>,
    reader: &'p Probe<'a>,
    generator: Generator<'a>,
    /// Validations left.
    budget: usize,
    tried: HashSet<String>,
    /// A counterexample whose rejection is elsewhere than the place sought.
    far: Option<Value>,
}

impl<'p, 'a> Search<'p, 'a> {
    fn new(writer: &'p Probe<'a>, reader: &'p Probe<'a>, budget: usize) -> Self {
        Search {
            writer,
            reader,
            generator: Generator::new(writer.schema),
            budget,
            tried: HashSet::new(),
            far: None,
        }
    }

    /// Tries the documents built for the place `path` names; with `near`,
    /// only a rejection at or under that place counts (others are kept in
    /// `far`).
    fn at(&mut self, path: &str, absent_first: bool, limit: usize, near: bool) -> Option<Value> {
        let (documents, place) = self.documents(path, absent_first, limit);
        for document in documents {
            if self.budget == 0 {
                return None;
            }
            if let Some(found) = self.check(document, near.then_some(place.as_str())) {
                return Some(found);
            }
        }
        None
    }

    /// Every place of both schemas, the root first, until one yields.
    fn everywhere(&mut self) -> Option<Value> {
        let mut places = locate::places(self.writer.schema, FALLBACK_PLACES);
        for place in locate::places(self.reader.schema, FALLBACK_PLACES) {
            if !places.contains(&place) {
                places.push(place);
            }
        }
        for (i, place) in places.iter().enumerate() {
            let limit = if i == 0 {
                MAX_DOCUMENTS
            } else {
                FALLBACK_DOCUMENTS
            };
            if let Some(found) = self.at(place, false, limit, false) {
                return Some(found);
            }
            if self.budget == 0 {
                break;
            }
        }
        self.far.take()
    }

    /// Validates `document`: `Some` when the writer accepts it and the
    /// reader rejects it (at or under `place`, when given).
    fn check(&mut self, document: Value, place: Option<&str>) -> Option<Value> {
        if !self.tried.insert(to_canonical_string(&document)) {
            return None;
        }
        self.budget = self.budget.saturating_sub(1);
        if !self.writer.accepts(&document) {
            return None;
        }
        self.budget = self.budget.saturating_sub(1);
        if self.reader.accepts(&document) {
            return None;
        }
        match place {
            Some(place) if !rejected_near(self.reader, &document, place) => {
                self.far.get_or_insert(document);
                None
            }
            _ => Some(document),
        }
    }

    /// Documents with candidate values at the place `path` names, and that
    /// place as a JSON pointer.
    fn documents(&mut self, path: &str, absent_first: bool, limit: usize) -> (Vec<Value>, String) {
        let (writer, reader) = (self.writer.schema, self.reader.schema);
        let w = locate::walk(writer, path);
        let r = locate::walk(reader, path);
        let aligned = r.levels.len() == w.levels.len();
        let mut names = w.names.clone();
        names.extend(r.names.iter().cloned());
        let reader_target = if aligned { r.target.as_slice() } else { &[] };
        let hints = Hints::from_nodes(reader, reader_target, &names);
        let steps: Vec<Step> = w
            .levels
            .iter()
            .enumerate()
            .map(|(k, level)| concrete(writer, reader, level, aligned.then(|| &r.levels[k])))
            .collect();
        let mut current: Vec<Option<Value>> = self
            .generator
            .values_at(&w.target, &hints)
            .into_iter()
            .map(Some)
            .collect();
        if !steps.is_empty() {
            current.insert(
                if absent_first {
                    0
                } else {
                    1.min(current.len())
                },
                None,
            );
        }
        let mut documents: Vec<Option<Value>> = current;
        for (k, level) in w.levels.iter().enumerate().rev() {
            let last = k + 1 == w.levels.len();
            let container_hints = Hints {
                keys: if last { names.clone() } else { Vec::new() },
                ..Hints::default()
            };
            let wanted_object = matches!(steps[k], Step::Key(_));
            let mut containers: Vec<Value> = self
                .generator
                .values_at(&level.nodes, &container_hints)
                .into_iter()
                .filter(|v| {
                    if wanted_object {
                        v.is_object()
                    } else {
                        v.is_array()
                    }
                })
                .take(if last { 3 } else { 2 })
                .collect();
            if containers.is_empty() {
                containers.push(if wanted_object {
                    Value::Object(Map::new())
                } else {
                    Value::Array(Vec::new())
                });
            }
            let fill: Vec<Value> = match steps[k] {
                Step::Index(i) => (0..i)
                    .map(|j| self.generator.element(&level.nodes, j))
                    .collect(),
                Step::Key(_) => Vec::new(),
            };
            let mut next = Vec::new();
            'containers: for container in &containers {
                for value in &documents {
                    next.push(Some(put(
                        container.clone(),
                        &steps[k],
                        value.clone(),
                        &fill,
                    )));
                    if next.len() >= limit {
                        break 'containers;
                    }
                }
            }
            documents = next;
        }
        let place: String = steps
            .iter()
            .map(|s| match s {
                Step::Key(k) => format!("/{}", pointer::escape(k)),
                Step::Index(i) => format!("/{i}"),
            })
            .collect();
        let documents = documents.into_iter().flatten().take(limit).collect();
        (documents, place)
    }
}

/// The concrete step for `level` of the writer's walk: a name for a new
/// property that neither schema declares (matching the pattern if the path
/// named one), and the first position past both tuples for extra items.
fn concrete(
    writer: &JsonSchema,
    reader: &JsonSchema,
    level: &Level,
    reader_level: Option<&Level>,
) -> Step {
    let mut parts = typed(writer, &level.nodes);
    if let Some(r) = reader_level {
        parts.extend(typed(reader, &r.nodes));
    }
    match &level.want {
        Want::Key(k) => Step::Key(k.clone()),
        Want::Index(i) => Step::Index(*i),
        Want::Extra => Step::Index(
            parts
                .iter()
                .filter_map(|t| t.prefix_items.as_ref().map(Vec::len))
                .max()
                .unwrap_or(0)
                .min(locate::MAX_INDEX),
        ),
        Want::NewKey(pattern) => {
            let declared = |name: &str| parts.iter().any(|t| t.property(name).is_some());
            if let Some(re) = pattern {
                let samples = strings::pattern_samples(re);
                if let Some(name) = samples.iter().find(|s| !s.is_empty() && !declared(s)) {
                    return Step::Key(name.clone());
                }
            }
            let patterned = |name: &str| {
                parts.iter().any(|t| {
                    t.pattern_properties.iter().any(|(re, _)| {
                        fancy_regex::Regex::new(re)
                            .ok()
                            .and_then(|re| re.is_match(name).ok())
                            .unwrap_or(false)
                    })
                })
            };
            let name = (0..64)
                .map(|i| {
                    if i == 0 {
                        "extra".to_string()
                    } else {
                        format!("extra{i}")
                    }
                })
                .find(|n| !declared(n) && !patterned(n))
                .unwrap_or_else(|| "extra".to_string());
            Step::Key(name)
        }
    }
}

fn typed<'s>(schema: &'s JsonSchema, nodes: &[usize]) -> Vec<&'s crate::json::node::Typed> {
    locate::typed_parts(schema, nodes)
        .into_iter()
        .filter_map(|id| match &schema.nodes[id].shape {
            Shape::Typed(t) => Some(t.as_ref()),
            _ => None,
        })
        .collect()
}

/// `container` with `value` put at `step` (or what is there removed, for
/// `None`); array positions before it are filled from `fill`.
fn put(container: Value, step: &Step, value: Option<Value>, fill: &[Value]) -> Value {
    match step {
        Step::Key(key) => {
            let mut map = match container {
                Value::Object(map) => map,
                _ => Map::new(),
            };
            match value {
                Some(v) => {
                    map.insert(key.clone(), v);
                }
                None => {
                    map.remove(key);
                }
            }
            Value::Object(map)
        }
        Step::Index(i) => {
            let mut items = match container {
                Value::Array(items) => items,
                _ => Vec::new(),
            };
            match value {
                Some(v) => {
                    while items.len() < *i {
                        let j = items.len();
                        items.push(fill.get(j).cloned().unwrap_or(Value::Null));
                    }
                    if items.len() > *i {
                        items[*i] = v;
                    } else {
                        items.push(v);
                    }
                }
                None => items.truncate(*i),
            }
            Value::Array(items)
        }
    }
}

/// Whether `reader` reports an error at `place` or under it, or one at its
/// parent about it: a `required` or extra-property error naming the key, or
/// an error about the items of the array.
fn rejected_near(reader: &Probe<'_>, document: &Value, place: &str) -> bool {
    use jsonschema::error::ValidationErrorKind as Kind;
    let (parent, key) = place.rsplit_once('/').unwrap_or(("", ""));
    let key = pointer::unescape(key).into_owned();
    let under = format!("{place}/");
    reader.validator.iter_errors(document).any(|e| {
        let at = e.instance_path().as_str();
        if at == place || at.starts_with(&under) {
            return true;
        }
        if at != parent || place.is_empty() {
            return false;
        }
        match e.kind() {
            Kind::Required { property } => property.as_str() == Some(key.as_str()),
            Kind::AdditionalProperties { unexpected }
            | Kind::UnevaluatedProperties { unexpected } => unexpected.contains(&key),
            Kind::AdditionalItems { .. }
            | Kind::UnevaluatedItems { .. }
            | Kind::MaxItems { .. }
            | Kind::MinItems { .. }
            | Kind::UniqueItems
            | Kind::Contains => true,
            _ => false,
        }
    })
}

#[cfg(test)]
mod tests;
