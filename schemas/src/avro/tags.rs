//! Avro entities for schema tags, as Confluent's `AvroSchemaUtils.
//! findMatchingEntity` and `AvroSchema.inlineTaggedEntities` name them: a
//! record by its full name (`namespace.Record`, `sr_record`), a field by
//! the record's full name and the field's (`namespace.Record.field`,
//! `sr_field`). A path without a namespace (`Record.field`) matches a
//! record of that name in any namespace; records are searched breadth
//! first, the first match wins. Types named from referenced schemas are
//! not searched (Confluent does not search them either).

use std::collections::VecDeque;

use crate::tags::text::Node;
use crate::tags::{
    EntityTags, EntityType, SchemaEntity, TagEdit, TagError, edit_json, inline_tags, list_json,
};

/// The namespace and simple name of a named type written as `name` inside
/// `namespace` (an explicit `namespace` attribute counts over the
/// enclosing one; a dotted name carries its own).
fn qualified(node: &Node, enclosing: &str) -> (String, String) {
    let name = node.get("name").and_then(Node::as_str).unwrap_or_default();
    match name.rsplit_once('.') {
        Some((namespace, simple)) => (namespace.to_string(), simple.to_string()),
        None => {
            let namespace = node
                .get("namespace")
                .and_then(Node::as_str)
                .unwrap_or(enclosing);
            (namespace.to_string(), name.to_string())
        }
    }
}

/// The type attribute of an object schema, when it is a name.
fn type_name(node: &Node) -> Option<&str> {
    node.get("type").and_then(Node::as_str)
}

/// Finds the JSON object of `entity` in the schema `root`.
fn locate<'n>(root: &'n Node, entity: &SchemaEntity) -> Result<&'n Node, TagError> {
    let path = entity.path.as_str();
    let not_found = || TagError::NoMatchingPath {
        path: path.to_string(),
        entity_type: entity.entity_type,
    };
    let mut parts: Vec<&str> = path.split('.').collect();
    let field = match entity.entity_type {
        EntityType::Record => None,
        EntityType::Field => Some(
            parts
                .pop()
                .filter(|_| !parts.is_empty())
                .ok_or_else(not_found)?,
        ),
    };
    let record = parts.pop().ok_or_else(not_found)?;
    let namespace = parts.join(".");

    let mut queue: VecDeque<(&Node, String)> = VecDeque::new();
    queue.push_back((root, String::new()));
    while let Some((node, enclosing)) = queue.pop_front() {
        match node {
            Node::Array { items, .. } => {
                queue.extend(items.iter().map(|i| (i, enclosing.clone())));
            }
            Node::Object { .. } => match type_name(node) {
                Some("record") | Some("error") => {
                    let (own_namespace, name) = qualified(node, &enclosing);
                    let fields = node.get("fields").map(Node::items).unwrap_or_default();
                    if name == record && (namespace.is_empty() || namespace == own_namespace) {
                        match field {
                            None => return Ok(node),
                            Some(field) => {
                                if let Some(found) = fields
                                    .iter()
                                    .find(|f| f.get("name").and_then(Node::as_str) == Some(field))
                                {
                                    return Ok(found);
                                }
                            }
                        }
                    } else {
                        for f in fields {
                            if let Some(t) = f.get("type") {
                                queue.push_back((t, own_namespace.clone()));
                            }
                        }
                    }
                }
                Some("array") => queue.extend(node.get("items").map(|n| (n, enclosing.clone()))),
                Some("map") => queue.extend(node.get("values").map(|n| (n, enclosing.clone()))),
                Some("enum") | Some("fixed") => {}
                _ => queue.extend(node.get("type").map(|n| (n, enclosing.clone()))),
            },
            Node::String { .. } | Node::Other { .. } => {}
        }
    }
    Err(not_found())
}

/// The Avro schema `text` with `edit` applied.
pub(crate) fn edit_tags(text: &str, edit: &TagEdit) -> Result<String, TagError> {
    edit_json(text, edit, locate)
}

/// The tagged records and fields of the Avro schema `text`, depth first in
/// the order written (Confluent's order).
pub(crate) fn tagged_entities(text: &str) -> Result<Vec<EntityTags>, TagError> {
    list_json(text, |root, found| walk(root, "", found))
}

fn walk(node: &Node, enclosing: &str, found: &mut Vec<EntityTags>) {
    match node {
        Node::Array { items, .. } => items.iter().for_each(|i| walk(i, enclosing, found)),
        Node::Object { .. } => match type_name(node) {
            Some("record") | Some("error") => {
                let (namespace, name) = qualified(node, enclosing);
                let full = if namespace.is_empty() {
                    name
                } else {
                    format!("{namespace}.{name}")
                };
                let tags = inline_tags(node);
                if !tags.is_empty() {
                    found.push(EntityTags {
                        entity: SchemaEntity::new(full.clone(), EntityType::Record),
                        tags,
                    });
                }
                for field in node.get("fields").map(Node::items).unwrap_or_default() {
                    let tags = inline_tags(field);
                    let field_name = field.get("name").and_then(Node::as_str).unwrap_or_default();
                    if !tags.is_empty() {
                        found.push(EntityTags {
                            entity: SchemaEntity::new(
                                format!("{full}.{field_name}"),
                                EntityType::Field,
                            ),
                            tags,
                        });
                    }
                    if let Some(t) = field.get("type") {
                        walk(t, &namespace, found);
                    }
                }
            }
            Some("array") => node
                .get("items")
                .iter()
                .for_each(|n| walk(n, enclosing, found)),
            Some("map") => node
                .get("values")
                .iter()
                .for_each(|n| walk(n, enclosing, found)),
            _ => {}
        },
        Node::String { .. } | Node::Other { .. } => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ORDER: &str = r#"{"type":"record","name":"Order","namespace":"shop","fields":[{"name":"id","type":"string"},{"name":"customer","type":{"type":"record","name":"Customer","fields":[{"name":"ssn","type":"string","doc":"x"}]}},{"name":"lines","type":{"type":"array","items":{"type":"record","name":"other.Line","fields":[{"name":"sku","type":["null","string"]}]}}}]}"#;

    fn entry(path: &str, entity_type: EntityType, tags: &[&str]) -> EntityTags {
        EntityTags {
            entity: SchemaEntity::new(path, entity_type),
            tags: tags.iter().map(|t| t.to_string()).collect(),
        }
    }

    fn check(text: &str, add: Vec<EntityTags>, remove: Vec<EntityTags>, expect: &str) {
        let edited = edit_tags(text, &TagEdit::new(add, remove)).unwrap();
        assert_eq!(edited, expect);
    }

    #[test]
    fn fields_and_records_get_tags_appended_and_nothing_else_changes() {
        let with_field = ORDER.replace(r#""doc":"x"}"#, r#""doc":"x","confluent:tags":["PII"]}"#);
        let expect = format!(
            "{},\"confluent:tags\":[\"ORDER\"]}}",
            &with_field[..with_field.len() - 1]
        );
        check(
            ORDER,
            vec![
                entry("shop.Customer.ssn", EntityType::Field, &["PII"]),
                entry("shop.Order", EntityType::Record, &["ORDER"]),
            ],
            vec![],
            &expect,
        );
        // Without a namespace, any namespace; a dotted name is its own.
        let line = edit_tags(
            ORDER,
            &TagEdit::new(vec![entry("Line.sku", EntityType::Field, &["A"])], vec![]),
        )
        .unwrap();
        assert!(line.contains(r#"{"name":"sku","type":["null","string"],"confluent:tags":["A"]}"#));
        let line = edit_tags(
            ORDER,
            &TagEdit::new(
                vec![entry("other.Line.sku", EntityType::Field, &["A"])],
                vec![],
            ),
        )
        .unwrap();
        assert!(line.contains(r#""confluent:tags":["A"]"#));
    }

    #[test]
    fn removal_drops_the_key_when_nothing_is_left_and_listing_finds_full_names() {
        let tagged = edit_tags(
            ORDER,
            &TagEdit::new(
                vec![
                    entry("shop.Customer.ssn", EntityType::Field, &["PII", "GDPR"]),
                    entry("Order", EntityType::Record, &["ORDER"]),
                ],
                vec![],
            ),
        )
        .unwrap();
        assert_eq!(
            tagged_entities(&tagged).unwrap(),
            [
                entry("shop.Order", EntityType::Record, &["ORDER"]),
                entry("shop.Customer.ssn", EntityType::Field, &["PII", "GDPR"]),
            ]
        );
        let less = edit_tags(
            &tagged,
            &TagEdit::new(
                vec![],
                vec![entry("shop.Customer.ssn", EntityType::Field, &["PII"])],
            ),
        )
        .unwrap();
        assert!(less.contains(r#""doc":"x","confluent:tags":["GDPR"]}"#));
        let none = edit_tags(
            &less,
            &TagEdit::new(
                vec![],
                vec![
                    entry("shop.Customer.ssn", EntityType::Field, &["GDPR"]),
                    entry("shop.Order", EntityType::Record, &["ORDER"]),
                ],
            ),
        )
        .unwrap();
        assert_eq!(none, ORDER);
        // Adding and removing one tag in one edit removes it.
        check(
            ORDER,
            vec![entry("shop.Order", EntityType::Record, &["X"])],
            vec![entry("shop.Order", EntityType::Record, &["X"])],
            ORDER,
        );
    }

    #[test]
    fn a_path_naming_nothing_is_refused_with_the_path() {
        for (path, entity_type) in [
            ("shop.Order.nope", EntityType::Field),
            ("elsewhere.Order", EntityType::Record),
            ("Order", EntityType::Field),
            ("", EntityType::Record),
        ] {
            let edit = TagEdit::new(vec![entry(path, entity_type, &["PII"])], vec![]);
            assert_eq!(
                edit_tags(ORDER, &edit),
                Err(TagError::NoMatchingPath {
                    path: path.to_string(),
                    entity_type
                }),
                "{path}"
            );
        }
    }
}
