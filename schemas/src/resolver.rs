//! How a schema reaches the schemas it references.
//!
//! A JSON Schema `$ref` to another document (`"$ref": "customer.json"`) names a
//! *reference*: in the registry, an entry `{name, subject, version}` of the
//! schema's `references`; in the CLI, a file given with `--reference`. The core
//! never looks them up itself: the caller passes a [`Resolver`].

use std::collections::HashMap;

/// Gives the text of a referenced schema by its reference name.
///
/// The name is the string a schema uses to point at the other document (for
/// JSON Schema, the URI of the `$ref` without its fragment, resolved against
/// the referencing document's base URI, and also tried as written).
pub trait Resolver {
    /// The schema text registered under `name`, or `None` when unknown.
    fn resolve(&self, name: &str) -> Option<String>;

    /// Every reference name the caller knows, in the order given (the
    /// registry's `references`, dependencies first). Avro parses each of them
    /// before the schema so that their named types are known, as Confluent
    /// does; a resolver that cannot list its names returns none, and Avro then
    /// asks for an unknown type by its full name.
    fn reference_names(&self) -> Vec<String> {
        Vec::new()
    }
}

/// A resolver that knows no references: any external `$ref` is an error.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoReferences;

impl Resolver for NoReferences {
    fn resolve(&self, _name: &str) -> Option<String> {
        None
    }
}

/// A resolver backed by a map from reference name to schema text.
#[derive(Debug, Clone, Default)]
pub struct MapResolver {
    documents: HashMap<String, String>,
    /// Names in first-insertion order.
    order: Vec<String>,
}

impl MapResolver {
    /// An empty resolver.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds (or replaces) the schema text for reference `name`.
    pub fn insert(&mut self, name: impl Into<String>, text: impl Into<String>) {
        let name = name.into();
        if self.documents.insert(name.clone(), text.into()).is_none() {
            self.order.push(name);
        }
    }
}

impl Resolver for MapResolver {
    fn resolve(&self, name: &str) -> Option<String> {
        self.documents.get(name).cloned()
    }

    fn reference_names(&self) -> Vec<String> {
        self.order.clone()
    }
}

impl<R: Resolver + ?Sized> Resolver for &R {
    fn resolve(&self, name: &str) -> Option<String> {
        (**self).resolve(name)
    }

    fn reference_names(&self) -> Vec<String> {
        (**self).reference_names()
    }
}
