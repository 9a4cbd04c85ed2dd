//! JSON Schema entities for schema tags, as Confluent's `JsonSchemaUtils.
//! findMatchingEntity` and `JsonSchema.inlineTaggedEntities` name them: a
//! path of segments from the root, `object` for an object schema (then a
//! property name, `definitions.NAME` or `$defs.NAME`), `array` for its
//! `items`, `not` for `not`. `object` alone is the root object
//! (`sr_record`); `object.ssn` its property `ssn` (`sr_field`), whose tags
//! sit on the property's schema; `object.address.object.zip` a nested one.
//! A property name may itself hold dots: the shortest run of segments
//! that names a property wins, as in Confluent.
//!
//! Paths through `anyOf`, `allOf`, `oneOf` and `if`/`then`/`else` are
//! refused (Confluent numbers their branches in the order of its own schema
//! comparator, which Charter does not reproduce yet), and listing does not
//! descend into them.

use crate::tags::text::Node;
use crate::tags::{
    EntityTags, EntityType, SchemaEntity, TagEdit, TagError, edit_json, inline_tags, list_json,
};

/// Finds the JSON object of `entity` in the schema `root`.
fn locate<'n>(root: &'n Node, entity: &SchemaEntity) -> Result<&'n Node, TagError> {
    let path = entity.path.as_str();
    let mut segments: Vec<&str> = path.split('.').rev().collect();
    let found = find(root, entity.entity_type, &mut segments, path)?;
    found
        .filter(|n| n.is_object())
        .ok_or(TagError::NoMatchingPath {
            path: path.to_string(),
            entity_type: entity.entity_type,
        })
}

/// Confluent's `findNodeHelper`: `segments` reversed (the next is last).
fn find<'n>(
    node: &'n Node,
    entity_type: EntityType,
    segments: &mut Vec<&str>,
    path: &str,
) -> Result<Option<&'n Node>, TagError> {
    let Some(segment) = segments.pop() else {
        return Ok(None);
    };
    match segment {
        "object" => {
            if entity_type == EntityType::Record && segments.is_empty() {
                return Ok(Some(node));
            }
            let Some(&word) = segments.last() else {
                return Ok(None);
            };
            let holder = match word {
                "definitions" | "$defs" => {
                    segments.pop();
                    node.get(word)
                }
                _ => node.get("properties"),
            };
            let result = holder.and_then(|h| named(h, segments));
            match result {
                Some(found) if !segments.is_empty() => find(found, entity_type, segments, path),
                other => Ok(other),
            }
        }
        "array" => match node.get("items") {
            Some(items) => find(items, entity_type, segments, path),
            None => Ok(None),
        },
        "not" => match node.get("not") {
            Some(not) => find(not, entity_type, segments, path),
            None => Ok(None),
        },
        "anyof" | "allof" | "oneof" | "conditional" => Err(TagError::UnsupportedPath {
            path: path.to_string(),
            segment: segment.to_string(),
        }),
        _ => Ok(None),
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
    edit_json(text, edit, locate)
}

/// The tagged objects and properties of the JSON Schema `text`, depth first
/// in the order written.
pub(crate) fn tagged_entities(text: &str) -> Result<Vec<EntityTags>, TagError> {
    list_json(text, |root, found| walk(root, "", false, found))
}

fn combined(node: &Node) -> bool {
    ["anyOf", "allOf", "oneOf", "if", "$ref"]
        .iter()
        .any(|k| node.get(k).is_some())
        || matches!(node.get("type"), Some(Node::Array { .. }))
}

/// Confluent's `getInlineTaggedEntitiesRecursively` over the text: an
/// object schema's own tags (not for a property's schema: those are the
/// property's), each property's, then its definitions.
fn walk(node: &Node, scope: &str, in_field: bool, found: &mut Vec<EntityTags>) {
    if !node.is_object() || combined(node) {
        return;
    }
    let kind = node.get("type").and_then(Node::as_str);
    if kind == Some("array") || (kind.is_none() && node.get("items").is_some()) {
        if let Some(items) = node.get("items") {
            walk(items, &format!("{scope}array."), false, found);
        }
    } else if kind == Some("object") || (kind.is_none() && node.get("properties").is_some()) {
        let scoped = format!("{scope}object");
        let tags = inline_tags(node);
        if !in_field && !tags.is_empty() {
            found.push(EntityTags {
                entity: SchemaEntity::new(scoped.clone(), EntityType::Record),
                tags,
            });
        }
        for property in node
            .get("properties")
            .map(Node::members)
            .unwrap_or_default()
        {
            let name = format!("{scoped}.{}", property.key);
            let tags = inline_tags(&property.value);
            if !tags.is_empty() {
                found.push(EntityTags {
                    entity: SchemaEntity::new(name.clone(), EntityType::Field),
                    tags,
                });
            }
            walk(&property.value, &format!("{name}."), true, found);
        }
        for holder in ["definitions", "$defs"] {
            for definition in node.get(holder).map(Node::members).unwrap_or_default() {
                let scope = format!("{scoped}.{holder}.{}.", definition.key);
                walk(&definition.value, &scope, false, found);
            }
        }
    } else if let Some(not) = node.get("not") {
        walk(not, &format!("{scope}not."), false, found);
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
        assert!(matches!(
            added("object.either.anyof.0", EntityType::Field),
            Err(TagError::UnsupportedPath { segment, .. }) if segment == "anyof"
        ));
    }
}
