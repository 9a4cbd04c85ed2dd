//! Schema tags as Confluent embeds them in a schema's text: a
//! `confluent:tags` list on an Avro record or field, or on a JSON Schema
//! object or property (Confluent's `ParsedSchema.copy(tagsToAdd,
//! tagsToRemove)` and `inlineTaggedEntities`). An entity is named by a path
//! and a type, `sr_record` or `sr_field`; each format decides how a path
//! finds its entity (`avro/tags.rs`, `json/tags.rs`) and [`crate::format`]
//! picks the format. Tags are added and removed in the text itself, every
//! other byte kept as written, so the schema is still served as
//! registered.

pub(crate) mod text;

pub use text::NotJson;
use text::{Edits, Node};

/// The key Confluent keeps a record's or field's tags under.
pub const TAGS_KEY: &str = "confluent:tags";

/// What an entity path names: a record (Avro record, JSON Schema object,
/// Protobuf message) or a field of one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EntityType {
    /// `sr_record`.
    Record,
    /// `sr_field`.
    Field,
}

impl EntityType {
    /// The name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            EntityType::Record => "sr_record",
            EntityType::Field => "sr_field",
        }
    }

    /// The type a wire name names.
    pub fn from_wire(name: &str) -> Option<EntityType> {
        [EntityType::Record, EntityType::Field]
            .into_iter()
            .find(|t| t.as_str() == name)
    }
}

impl std::fmt::Display for EntityType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A record or field of a schema, by path (Confluent's `SchemaEntity`).
/// Two entities are one when their types and paths agree, a leading `.`
/// of the path aside.
#[derive(Debug, Clone, Eq)]
pub struct SchemaEntity {
    /// The path as given (Avro `namespace.Record.field`, JSON Schema
    /// `object.property.object.nested`).
    pub path: String,
    /// What it names.
    pub entity_type: EntityType,
}

impl SchemaEntity {
    /// An entity.
    pub fn new(path: impl Into<String>, entity_type: EntityType) -> SchemaEntity {
        SchemaEntity {
            path: path.into(),
            entity_type,
        }
    }

    /// The path without a leading `.`.
    pub fn normalized_path(&self) -> &str {
        self.path.strip_prefix('.').unwrap_or(&self.path)
    }
}

impl PartialEq for SchemaEntity {
    fn eq(&self, other: &SchemaEntity) -> bool {
        self.entity_type == other.entity_type && self.normalized_path() == other.normalized_path()
    }
}

/// An entity with tags (Confluent's `SchemaTags`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntityTags {
    /// The entity.
    pub entity: SchemaEntity,
    /// Its tags, in order, each once.
    pub tags: Vec<String>,
}

/// Tags to add to and remove from entities of a schema. Entries for one
/// entity are merged, their tags in the order first given, as Confluent's
/// `schemaTagsListToMap` does.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TagEdit {
    add: Vec<EntityTags>,
    remove: Vec<EntityTags>,
}

impl TagEdit {
    /// The edit adding `add` and removing `remove` (adding first, as
    /// Confluent does: a tag in both ends up removed).
    pub fn new(add: Vec<EntityTags>, remove: Vec<EntityTags>) -> TagEdit {
        TagEdit {
            add: merged(add),
            remove: merged(remove),
        }
    }

    /// Whether it changes nothing.
    pub fn is_empty(&self) -> bool {
        self.add.is_empty() && self.remove.is_empty()
    }

    /// The tags added to and removed from `entity`.
    pub(crate) fn tags_of(&self, entity: &SchemaEntity) -> (&[String], &[String]) {
        fn find<'l>(list: &'l [EntityTags], entity: &SchemaEntity) -> &'l [String] {
            list.iter()
                .find(|e| &e.entity == entity)
                .map_or(&[][..], |e| &e.tags[..])
        }
        (find(&self.add, entity), find(&self.remove, entity))
    }

    /// The entities it touches, each once: those tags are added to first,
    /// then those only removed from.
    pub(crate) fn entities(&self) -> Vec<&SchemaEntity> {
        let mut entities: Vec<&SchemaEntity> = Vec::new();
        for e in self.add.iter().chain(&self.remove) {
            if !entities.contains(&&e.entity) {
                entities.push(&e.entity);
            }
        }
        entities
    }
}

fn merged(list: Vec<EntityTags>) -> Vec<EntityTags> {
    let mut out: Vec<EntityTags> = Vec::with_capacity(list.len());
    for entry in list {
        let at = match out.iter().position(|e| e.entity == entry.entity) {
            Some(at) => at,
            None => {
                out.push(EntityTags {
                    entity: entry.entity,
                    tags: Vec::new(),
                });
                out.len() - 1
            }
        };
        for tag in entry.tags {
            if !out[at].tags.contains(&tag) {
                out[at].tags.push(tag);
            }
        }
    }
    out
}

/// Why tags could not be applied to or read from a schema's text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TagError {
    /// The path names no record or field of the schema (Confluent answers
    /// this 42201 "No matching path ... found in the schema").
    #[error("no matching path '{path}' found in the schema for an entity of type {entity_type}")]
    NoMatchingPath {
        /// The path as given.
        path: String,
        /// The entity type given with it.
        entity_type: EntityType,
    },
    /// The path names a branch a JSON Schema combinator does not have
    /// (Confluent numbers them from 0, in an order of its own).
    #[error(
        "the path '{path}' names no branch at `{segment}`: the combinator has {branches} branches, numbered from 0"
    )]
    NoBranch {
        /// The path as given.
        path: String,
        /// The segment, with its index (`anyof.7`).
        segment: String,
        /// How many branches the combinator has.
        branches: usize,
    },
    /// A Protobuf path names a message or field the schema does not have
    /// (Confluent: "No matching Message with name ... found in the schema").
    #[error("no matching {kind} with name '{name}' found in the schema for the path '{path}'")]
    NoMatchingElement {
        /// The path as given.
        path: String,
        /// `message` or `field`.
        kind: &'static str,
        /// The segment not found.
        name: String,
    },
    /// The entity already has a `confluent:tags` that is not a list of
    /// strings.
    #[error("`{TAGS_KEY}` of '{path}' is not a list of strings")]
    NotAList {
        /// The entity's path.
        path: String,
    },
    /// The stored text is not JSON (it parsed as a schema, so this is a
    /// bug, reported rather than guessed around).
    #[error("the schema text cannot be read for tags: {0}")]
    Text(#[from] NotJson),
}

/// The tags a JSON object lists under [`TAGS_KEY`] (strings only; anything
/// else there is no tag, as Confluent reads it).
pub(crate) fn inline_tags(node: &Node) -> Vec<String> {
    let mut tags = Vec::new();
    for tag in node.get(TAGS_KEY).map(Node::items).unwrap_or_default() {
        if let Some(tag) = tag.as_str()
            && !tags.iter().any(|t| t == tag)
        {
            tags.push(tag.to_string());
        }
    }
    tags
}

/// Applies `edit` to the JSON `text`: for each entity in turn (`locate`
/// finds its object in the text), the tags to add are added and then those
/// to remove removed, and the object's [`TAGS_KEY`] is rewritten, added
/// last, or dropped when no tag is left. Objects whose tags did not change
/// keep their text.
pub(crate) fn edit_json(
    text: &str,
    edit: &TagEdit,
    locate: impl for<'n> Fn(&'n Node, &SchemaEntity) -> Result<&'n Node, TagError>,
) -> Result<String, TagError> {
    let root = Node::parse(text)?;
    apply_to_json(text, &root, edit, locate)
}

/// The tagged entities of the JSON `text` that `walk` (from the root, with
/// the list to fill) finds.
pub(crate) fn list_json(
    text: &str,
    walk: impl FnOnce(&Node, &mut Vec<EntityTags>),
) -> Result<Vec<EntityTags>, TagError> {
    let root = Node::parse(text)?;
    let mut found = Vec::new();
    walk(&root, &mut found);
    Ok(found)
}

fn apply_to_json<'n>(
    text: &str,
    root: &'n Node,
    edit: &TagEdit,
    locate: impl Fn(&'n Node, &SchemaEntity) -> Result<&'n Node, TagError>,
) -> Result<String, TagError> {
    // (object, tags before, tags after) for each object touched.
    let mut touched: Vec<(&'n Node, Vec<String>, Vec<String>)> = Vec::new();
    for entity in edit.entities() {
        let node = locate(root, entity)?;
        let at = match touched.iter().position(|(n, ..)| n.span() == node.span()) {
            Some(at) => at,
            None => {
                if node.get(TAGS_KEY).is_some_and(|t| {
                    !t.items().iter().all(|t| t.as_str().is_some())
                        || !matches!(t, Node::Array { .. })
                }) {
                    return Err(TagError::NotAList {
                        path: entity.path.clone(),
                    });
                }
                let before = inline_tags(node);
                touched.push((node, before.clone(), before));
                touched.len() - 1
            }
        };
        let tags = &mut touched[at].2;
        let find = |list: &[EntityTags]| {
            list.iter()
                .find(|e| &e.entity == entity)
                .map(|e| e.tags.clone())
                .unwrap_or_default()
        };
        for tag in find(&edit.add) {
            if !tags.contains(&tag) {
                tags.push(tag);
            }
        }
        let remove = find(&edit.remove);
        tags.retain(|t| !remove.contains(t));
    }
    let mut edits = Edits::default();
    for (node, before, after) in touched {
        if before == after && (node.get(TAGS_KEY).is_some() || after.is_empty()) {
            continue;
        }
        let value =
            (!after.is_empty()).then(|| serde_json::to_string(&after).expect("strings serialize"));
        edits.set_member(node, TAGS_KEY, value);
    }
    Ok(edits.apply(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(path: &str, entity_type: EntityType, tags: &[&str]) -> EntityTags {
        EntityTags {
            entity: SchemaEntity::new(path, entity_type),
            tags: tags.iter().map(|t| t.to_string()).collect(),
        }
    }

    #[test]
    fn entries_for_one_entity_merge_and_a_leading_dot_is_the_same_entity() {
        let edit = TagEdit::new(
            vec![
                tags("a.B.c", EntityType::Field, &["PII"]),
                tags(".a.B.c", EntityType::Field, &["PII", "GDPR"]),
                tags("a.B.c", EntityType::Record, &["X"]),
            ],
            vec![],
        );
        assert_eq!(edit.add.len(), 2);
        assert_eq!(edit.add[0].tags, ["PII", "GDPR"]);
        assert_eq!(edit.entities().len(), 2);
        assert!(TagEdit::new(vec![], vec![]).is_empty());
        assert_eq!(EntityType::from_wire("sr_field"), Some(EntityType::Field));
        assert_eq!(EntityType::from_wire("SR_FIELD"), None);
    }
}
