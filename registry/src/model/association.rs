//! Associations (Confluent 8.2+): which subject holds the schemas of a
//! resource (a Kafka topic) for its keys or its values, and how the two are
//! bound (a STRONG association's subject belongs to the resource; a WEAK one
//! is shared).

use std::fmt;
use std::str::FromStr;

/// The only resource type the peer takes.
pub const TOPIC: &str = "topic";

/// Whether an association is for a resource's keys or its values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AssociationType {
    /// The keys.
    Key,
    /// The values (the default).
    Value,
}

impl AssociationType {
    /// Its name on the wire and in the store.
    pub fn as_str(self) -> &'static str {
        match self {
            AssociationType::Key => "key",
            AssociationType::Value => "value",
        }
    }
}

impl FromStr for AssociationType {
    type Err = ();

    fn from_str(s: &str) -> Result<Self, ()> {
        match s {
            "key" => Ok(AssociationType::Key),
            "value" => Ok(AssociationType::Value),
            _ => Err(()),
        }
    }
}

impl fmt::Display for AssociationType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a subject is bound to its resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lifecycle {
    /// The subject belongs to the resource: frozen, named after it, deleted
    /// with it when the deletion cascades.
    Strong,
    /// The subject is shared: the association only points at it.
    Weak,
}

impl Lifecycle {
    /// Its name on the wire and in the store.
    pub fn as_str(self) -> &'static str {
        match self {
            Lifecycle::Strong => "STRONG",
            Lifecycle::Weak => "WEAK",
        }
    }
}

impl FromStr for Lifecycle {
    type Err = ();

    fn from_str(s: &str) -> Result<Self, ()> {
        match s {
            "STRONG" => Ok(Lifecycle::Strong),
            "WEAK" => Ok(Lifecycle::Weak),
            _ => Err(()),
        }
    }
}

impl fmt::Display for Lifecycle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One stored association.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Association {
    /// The subject it binds.
    pub subject: String,
    /// Its id: a random UUID given at creation, kept by updates.
    pub guid: String,
    /// The resource's name (a topic's name).
    pub resource_name: String,
    /// The resource's namespace (a Kafka cluster's id).
    pub resource_namespace: String,
    /// The resource's id (a topic's id).
    pub resource_id: String,
    /// The resource's type (`topic`).
    pub resource_type: String,
    /// Keys or values.
    pub association_type: AssociationType,
    /// How the subject is bound.
    pub lifecycle: Lifecycle,
    /// Whether it may no longer change (STRONG ones are).
    pub frozen: bool,
    /// When it was created, milliseconds since the Unix epoch.
    pub created_at_ms: i64,
    /// When it last changed.
    pub updated_at_ms: i64,
}

impl Association {
    /// The peer's order: resource name, namespace, type, association type,
    /// subject.
    pub fn sort_key(&self) -> (&str, &str, &str, AssociationType, &str) {
        (
            &self.resource_name,
            &self.resource_namespace,
            &self.resource_type,
            self.association_type,
            &self.subject,
        )
    }
}

/// Which associations a read wants: those of one subject, of one resource
/// id, or of resources by name and namespace (either `None`: any), each
/// narrowed by resource type, association types and lifecycle.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AssociationFilter {
    /// Only this subject's.
    pub subject: Option<String>,
    /// Only this resource id's.
    pub resource_id: Option<String>,
    /// Only resources of this name.
    pub resource_name: Option<String>,
    /// Only resources in this namespace.
    pub resource_namespace: Option<String>,
    /// Only resources of this type.
    pub resource_type: Option<String>,
    /// Only these association types (empty: any).
    pub association_types: Vec<AssociationType>,
    /// Only this lifecycle.
    pub lifecycle: Option<Lifecycle>,
}

impl AssociationFilter {
    /// Whether `association` passes every narrowing of the filter.
    pub fn admits(&self, association: &Association) -> bool {
        let equal =
            |wanted: &Option<String>, value: &str| wanted.as_deref().is_none_or(|w| w == value);
        equal(&self.subject, &association.subject)
            && equal(&self.resource_id, &association.resource_id)
            && equal(&self.resource_name, &association.resource_name)
            && equal(&self.resource_namespace, &association.resource_namespace)
            && equal(&self.resource_type, &association.resource_type)
            && (self.association_types.is_empty()
                || self
                    .association_types
                    .contains(&association.association_type))
            && self.lifecycle.is_none_or(|l| l == association.lifecycle)
    }
}
