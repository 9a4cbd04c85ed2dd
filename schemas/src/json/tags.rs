//! JSON Schema entities for schema tags, as Confluent's `JsonSchemaUtils.
//! findMatchingEntity` and `JsonSchema.inlineTaggedEntities` name them: a
//! path of segments from the root, `object` for an object schema (then a
//! property name, `definitions.NAME` or `$defs.NAME`), `array` for its
//! `items`, `not` for `not`, `anyof.N`, `allof.N` and `oneof.N` for branch
//! `N` of a combinator (numbered in Confluent's order, see `tag_order.rs`),
//! and `conditional.if` (`then`, `else`). `object` alone is the root object
//! (`sr_record`); `object.ssn` its property `ssn` (`sr_field`), whose tags
//! sit on the property's schema; `object.address.object.zip` a nested one.
//! A property name may itself hold dots: the shortest run of segments
//! that names a property wins, as in Confluent.
//!
//! As in Confluent, finding a path reads the JSON: `anyof.N` where the
//! object has no `anyOf` (a `type` list) and `allof.N` where it has no
//! `allOf` (keywords of several kinds, such as an object with `if`) go on
//! in the same object, `N` unread. Listing reads the schema as everit
//! loads it, so those made-up combinators number their branches, and tags
//! written on the object they share belong to the combinator (a property's,
//! or nobody's at the root), not to a branch.

use std::collections::HashSet;

use super::tag_order::{Loaded, sorted};
use crate::tags::text::Node;
use crate::tags::{
    EntityTags, EntityType, SchemaEntity, TagEdit, TagError, edit_json, inline_tags, list_json,
};

/// Finds the JSON object of `entity` in the schema `root` of `text`.
fn locate<'n>(root: &'n Node, entity: &SchemaEntity, text: &str) -> Result<&'n Node, TagError> {
    let path = entity.path.as_str();
    let mut finder = Finder {
        root,
        text,
        path,
        entity_type: entity.entity_type,
        segments: path.split('.').rev().collect(),
    };
    finder
        .find(root)?
        .filter(|n| n.is_object())
        .ok_or(TagError::NoMatchingPath {
            path: path.to_string(),
            entity_type: entity.entity_type,
        })
}

/// Confluent's `findNodeHelper` over one path: `segments` reversed (the
/// next is last).
struct Finder<'p, 'n> {
    root: &'n Node,
    text: &'p str,
    path: &'p str,
    entity_type: EntityType,
    segments: Vec<&'p str>,
}

impl<'n> Finder<'_, 'n> {
    fn find(&mut self, node: &'n Node) -> Result<Option<&'n Node>, TagError> {
        let Some(segment) = self.segments.pop() else {
            return Ok(None);
        };
        let next = |finder: &mut Self, node: Option<&'n Node>| match node {
            Some(node) => finder.find(node),
            None => Ok(None),
        };
        match segment {
            "object" => {
                if self.entity_type == EntityType::Record && self.segments.is_empty() {
                    return Ok(Some(node));
                }
                let Some(&word) = self.segments.last() else {
                    return Ok(None);
                };
                let holder = match word {
                    "definitions" | "$defs" => {
                        self.segments.pop();
                        node.get(word)
                    }
                    _ => node.get("properties"),
                };
                match holder.and_then(|h| named(h, &mut self.segments)) {
                    Some(found) if !self.segments.is_empty() => self.find(found),
                    other => Ok(other),
                }
            }
            "array" => next(self, node.get("items")),
            "not" => next(self, node.get("not")),
            "anyof" if node.get("anyOf").is_none() => {
                // A `type` list: the same object, the index unread.
                self.segments.pop();
                self.find(node)
            }
            "allof" if node.get("allOf").is_none() => {
                self.segments.pop();
                if self.segments.last() == Some(&"conditional") {
                    self.segments.pop();
                    let branch = self.segments.pop().and_then(|k| node.get(k));
                    next(self, branch)
                } else {
                    self.find(node)
                }
            }
            "anyof" | "allof" | "oneof" => {
                let keyword = match segment {
                    "anyof" => "anyOf",
                    "allof" => "allOf",
                    _ => "oneOf",
                };
                let Some(list) = node.get(keyword) else {
                    return Ok(None);
                };
                let Some(index) = self.segments.pop() else {
                    return Ok(None);
                };
                let branches = sorted(list.items(), self.root, self.text);
                let branch = index.parse::<usize>().ok().and_then(|i| branches.get(i));
                match branch {
                    Some(branch) => self.find(branch),
                    None => Err(TagError::NoBranch {
                        path: self.path.to_string(),
                        segment: format!("{segment}.{index}"),
                        branches: list.items().len(),
                    }),
                }
            }
            _ => Ok(None),
        }
    }
}

/// Confluent's `findNodeFromNameBuilder`: the member of `holder` named by
/// the next segments, joined by dots until a member has that name.
fn named<'n>(holder: &'n Node, segments: &mut Vec<&str>) -> Option<&'n Node> {
    let mut name = segments.pop()?.to_string();
    loop {
        if let Some(found) = holder.get(&name) {
            return Some(found);
        }
        name.push('.');
        name.push_str(segments.pop()?);
    }
}

/// The JSON Schema `text` with `edit` applied.
pub(crate) fn edit_tags(text: &str, edit: &TagEdit) -> Result<String, TagError> {
    edit_json(text, edit, |root, entity| locate(root, entity, text))
}

/// The tagged objects and properties of the JSON Schema `text`, depth first
/// in the order written.
pub(crate) fn tagged_entities(text: &str) -> Result<Vec<EntityTags>, TagError> {
    list_json(text, |root, found| {
        let mut walk = Walk {
            root,
            text,
            visited: HashSet::new(),
            found,
        };
        walk.schema(&Loaded::of(root, text), "", false);
    })
}

/// Confluent's `getInlineTaggedEntitiesRecursively` over the schema as
/// everit loads it.
struct Walk<'w, 'n> {
    root: &'n Node,
    text: &'w str,
    visited: HashSet<String>,
    found: &'w mut Vec<EntityTags>,
}

/// The tags a loaded schema carries (none for made-up branches).
fn own_tags(loaded: &Loaded) -> Vec<String> {
    if loaded.own {
        inline_tags(loaded.node)
    } else {
        Vec::new()
    }
}

impl Walk<'_, '_> {
    fn schema(&mut self, loaded: &Loaded, scope: &str, in_field: bool) {
        match loaded.label() {
            Some("array") => {
                if let Some(Some(items)) = loaded.parts.first() {
                    self.schema(items, &format!("{scope}array."), false);
                }
            }
            Some("not") => {
                if let Some(Some(not)) = loaded.parts.first() {
                    self.schema(not, &format!("{scope}not."), false);
                }
            }
            Some("conditional") => {
                for (branch, name) in loaded.parts.iter().zip(["if", "then", "else"]) {
                    if let Some(branch) = branch {
                        self.schema(branch, &format!("{scope}conditional.{name}."), false);
                    }
                }
            }
            Some(criterion) => {
                let branches = loaded.sorted_branches(self.root, self.text);
                for (i, branch) in branches.into_iter().enumerate() {
                    self.schema(branch, &format!("{scope}{criterion}.{i}."), false);
                }
            }
            None if loaded.is_object() => self.object(loaded, scope, in_field),
            None => {}
        }
    }

    /// An object schema's own tags (not for a property's schema: those are
    /// the property's), each property's, then its definitions.
    fn object(&mut self, loaded: &Loaded, scope: &str, in_field: bool) {
        let scoped = format!("{scope}object");
        if !self.visited.insert(scoped.clone()) {
            return;
        }
        let tags = own_tags(loaded);
        if !in_field && !tags.is_empty() {
            self.found.push(EntityTags {
                entity: SchemaEntity::new(scoped.clone(), EntityType::Record),
                tags,
            });
        }
        let node = loaded.node;
        let properties = node.get("properties").map(Node::members);
        for property in properties.unwrap_or_default() {
            let name = format!("{scoped}.{}", property.key);
            let schema = Loaded::of(&property.value, self.text);
            let tags = own_tags(&schema);
            if !tags.is_empty() {
                self.found.push(EntityTags {
                    entity: SchemaEntity::new(name.clone(), EntityType::Field),
                    tags,
                });
            }
            self.schema(&schema, &format!("{name}."), true);
        }
        if !loaded.own {
            return;
        }
        for holder in ["definitions", "$defs"] {
            for definition in node.get(holder).map(Node::members).unwrap_or_default() {
                let scope = format!("{scoped}.{holder}.{}.", definition.key);
                self.schema(&Loaded::of(&definition.value, self.text), &scope, false);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PERSON: &str = r#"{"$schema":"http://json-schema.org/draft-07/schema#","type":"object","properties":{"ssn":{"type":"string"},"address":{"type":"object","properties":{"zip":{"type":"string"}}},"a.b":{"type":"integer"},"phones":{"type":"array","items":{"type":"object","properties":{"number":{"type":"string"}}}},"either":{"anyOf":[{"type":"string"},{"type":"integer"}]}},"definitions":{"Id":{"type":"object","properties":{"v":{"type":"string"}}}}}"#;

    fn entry(path: &str, entity_type: EntityType, tags: &[&str]) -> EntityTags {
        EntityTags {
            entity: SchemaEntity::new(path, entity_type),
            tags: tags.iter().map(|t| t.to_string()).collect(),
        }
    }

    fn added(path: &str, entity_type: EntityType) -> Result<String, TagError> {
        edit_tags(
            PERSON,
            &TagEdit::new(vec![entry(path, entity_type, &["PII"])], vec![]),
        )
    }

    #[test]
    fn paths_find_properties_nested_objects_items_and_definitions() {
        let field = EntityType::Field;
        for (path, entity_type, tagged) in [
            (
                "object.ssn",
                field,
                r#""ssn":{"type":"string","confluent:tags":["PII"]}"#,
            ),
            (
                "object.address.object.zip",
                field,
                r#""zip":{"type":"string","confluent:tags":["PII"]}"#,
            ),
            (
                "object.a.b",
                field,
                r#""a.b":{"type":"integer","confluent:tags":["PII"]}"#,
            ),
            (
                "object.phones.array.object.number",
                field,
                r#""number":{"type":"string","confluent:tags":["PII"]}"#,
            ),
            (
                "object.definitions.Id.object.v",
                field,
                r#""v":{"type":"string","confluent:tags":["PII"]}"#,
            ),
            (
                "object.address.object",
                EntityType::Record,
                r#""zip":{"type":"string"}},"confluent:tags":["PII"]}"#,
            ),
        ] {
            let edited = added(path, entity_type).unwrap();
            assert!(edited.contains(tagged), "{path}: {edited}");
            assert_eq!(
                edited.len(),
                PERSON.len() + r#","confluent:tags":["PII"]"#.len()
            );
        }
        let root = added("object", EntityType::Record).unwrap();
        assert!(
            root.ends_with(r#"}}}},"confluent:tags":["PII"]}"#),
            "{root}"
        );
    }

    #[test]
    fn listing_names_entities_as_confluent_does_and_removal_restores_the_text() {
        let entries = vec![
            entry("object", EntityType::Record, &["R"]),
            entry("object.ssn", EntityType::Field, &["PII"]),
            entry(
                "object.phones.array.object.number",
                EntityType::Field,
                &["PHONE"],
            ),
            entry("object.definitions.Id.object", EntityType::Record, &["ID"]),
        ];
        let tagged = edit_tags(PERSON, &TagEdit::new(entries.clone(), vec![])).unwrap();
        assert_eq!(tagged_entities(&tagged).unwrap(), entries);
        let removed = edit_tags(&tagged, &TagEdit::new(vec![], entries)).unwrap();
        assert_eq!(removed, PERSON);
    }

    #[test]
    fn bad_and_unsupported_paths_are_named() {
        for path in [
            "object.nope",
            "object.ssn.object.x",
            "array.x",
            "object",
            ".object.ssn",
        ] {
            assert_eq!(
                added(path, EntityType::Field),
                Err(TagError::NoMatchingPath {
                    path: path.to_string(),
                    entity_type: EntityType::Field
                }),
                "{path}"
            );
        }
        // A branch is named by what it is (`anyof.0.object`): the index
        // alone names nothing, as in Confluent.
        assert!(matches!(
            added("object.either.anyof.0", EntityType::Record),
            Err(TagError::NoMatchingPath { .. })
        ));
    }

    #[test]
    fn combinator_branches_are_numbered_in_confluents_order_both_ways() {
        // Two object branches: untitled before titled, then by title, so
        // the written order (Card, Bank) is numbered Bank 0, Card 1.
        let schema = r#"{"type":"object","properties":{"pay":{"anyOf":[{"type":"object","title":"Card","properties":{"number":{"type":"string"}}},{"type":"object","title":"Bank","properties":{"iban":{"type":"string"}}}]}}}"#;
        let entries = vec![
            entry(
                "object.pay.anyof.1.object.number",
                EntityType::Field,
                &["PCI"],
            ),
            entry("object.pay.anyof.0.object", EntityType::Record, &["BANK"]),
        ];
        let tagged = edit_tags(schema, &TagEdit::new(entries.clone(), vec![])).unwrap();
        assert!(
            tagged.contains(r#""number":{"type":"string","confluent:tags":["PCI"]}"#),
            "{tagged}"
        );
        assert!(
            tagged.contains(r#""iban":{"type":"string"}},"confluent:tags":["BANK"]}"#),
            "{tagged}"
        );
        let mut listed = tagged_entities(&tagged).unwrap();
        listed.reverse();
        assert_eq!(listed, entries);
    }
}

#[cfg(test)]
mod confluent_cases;
