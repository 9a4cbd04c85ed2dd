//! Confluent's own JSON Schema tag cases (`JsonSchemaTest` in its
//! json-schema-provider), with the schemas, paths and expected texts of
//! those tests: applying the tags gives Confluent's expected schema (the
//! same JSON value), listing gives its expected entities, and removing
//! restores the schema.

use super::*;
use serde_json::Value;

fn tags(entries: &[(&str, EntityType, &[&str])]) -> Vec<EntityTags> {
    entries
        .iter()
        .map(|(path, entity_type, tags)| EntityTags {
            entity: SchemaEntity::new(*path, *entity_type),
            tags: tags.iter().map(|t| t.to_string()).collect(),
        })
        .collect()
}

fn value(text: &str) -> Value {
    serde_json::from_str(text).expect("JSON")
}

/// The entities listed, as a set (Confluent compares maps).
fn listed(text: &str) -> Vec<(String, EntityType, Vec<String>)> {
    let mut found: Vec<_> = tagged_entities(text)
        .unwrap()
        .into_iter()
        .map(|e| (e.entity.path, e.entity.entity_type, e.tags))
        .collect();
    found.sort_by(|a, b| a.0.cmp(&b.0));
    found
}

fn expected(entries: &[EntityTags]) -> Vec<(String, EntityType, Vec<String>)> {
    let mut expected: Vec<_> = entries
        .iter()
        .map(|e| (e.entity.path.clone(), e.entity.entity_type, e.tags.clone()))
        .collect();
    expected.sort_by(|a, b| a.0.cmp(&b.0));
    expected
}

use EntityType::{Field, Record};

const BASIC: &str = r#"{"$schema":"http://json-schema.org/draft-07/schema#","$id":"http://example.com/myURI.schema.json","title":"SampleRecord","description":"Sample schema to help you get started.","type":"object","additionalProperties":false,"properties":{"myfield1":{"type":"array","items":{"type":"object","title":"arrayRecord","properties":{"field1":{"type":"string"},"field2":{"type":"number"}}}},"myfield2":{"allOf":[{"type":"string"},{"type":"object","title":"nestedUnion","properties":{"nestedUnionField1":{"type":"boolean"},"nestedUnionField2":{"type":"number"}}}]},"myfield3":{"not":{"type":"object","title":"nestedNot","properties":{"nestedNotField1":{"type":"boolean"},"nestedNotField2":{"type":"string"}}}},"myfield4":{"enum":["red","amber","green"]}}}"#;
const BASIC_TAGGED: &str = r#"{"$schema":"http://json-schema.org/draft-07/schema#","$id":"http://example.com/myURI.schema.json","title":"SampleRecord","description":"Sample schema to help you get started.","type":"object","additionalProperties":false,"properties":{"myfield1":{"type":"array","items":{"type":"object","title":"arrayRecord","properties":{"field1":{"type":"string","confluent:tags":["PII"]},"field2":{"type":"number"}},"confluent:tags":["record"]}},"myfield2":{"allOf":[{"type":"string"},{"type":"object","title":"nestedUnion","properties":{"nestedUnionField1":{"type":"boolean"},"nestedUnionField2":{"type":"number","confluent:tags":["PII"]}},"confluent:tags":["record"]}]},"myfield3":{"not":{"type":"object","title":"nestedNot","properties":{"nestedNotField1":{"type":"boolean"},"nestedNotField2":{"type":"string","confluent:tags":["PII"]}},"confluent:tags":["record"]}},"myfield4":{"enum":["red","amber","green"],"confluent:tags":["PII"]}}}"#;

#[test]
fn test_basic_add_and_remove_tags() {
    let entries = tags(&[
        ("object.myfield1.array.object.field1", Field, &["PII"]),
        (
            "object.myfield2.allof.0.object.nestedUnionField2",
            Field,
            &["PII"],
        ),
        (
            "object.myfield3.not.object.nestedNotField2",
            Field,
            &["PII"],
        ),
        ("object.myfield4", Field, &["PII"]),
        ("object.myfield1.array.object", Record, &["record"]),
        ("object.myfield2.allof.0.object", Record, &["record"]),
        ("object.myfield3.not.object", Record, &["record"]),
    ]);
    let tagged = edit_tags(BASIC, &TagEdit::new(entries.clone(), vec![])).unwrap();
    assert_eq!(value(&tagged), value(BASIC_TAGGED), "{tagged}");
    assert_eq!(listed(&tagged), expected(&entries));
    let removed = edit_tags(&tagged, &TagEdit::new(vec![], entries)).unwrap();
    assert_eq!(removed, BASIC);
}

const CONDITIONAL: &str = r#"{"else":{"properties":{"postal_code":{"pattern":"[A-Z][0-9][A-Z] [0-9][A-Z][0-9]"}}},"if":{"properties":{"country":{"const":"United States of America"}}},"properties":{"country":{"default":"United States of America","enum":["United States of America","Canada"]},"street_address":{"type":"string"}},"then":{"properties":{"postal_code":{"pattern":"[0-9]{5}(-[0-9]{4})?"}}},"type":"object"}"#;
const CONDITIONAL_TAGGED: &str = r#"{"else":{"properties":{"postal_code":{"pattern":"[A-Z][0-9][A-Z] [0-9][A-Z][0-9]","confluent:tags":["testConditional"]}}},"if":{"properties":{"country":{"const":"United States of America"}},"confluent:tags":["record"]},"properties":{"country":{"default":"United States of America","enum":["United States of America","Canada"],"confluent:tags":["testConditional"]},"street_address":{"type":"string"}},"then":{"properties":{"postal_code":{"pattern":"[0-9]{5}(-[0-9]{4})?"}}},"type":"object","confluent:tags":["record"]}"#;

#[test]
fn test_add_tags_to_conditional() {
    let entries = tags(&[
        (
            "allof.0.conditional.else.object.postal_code",
            Field,
            &["testConditional"],
        ),
        ("allof.1.object.country", Field, &["testConditional"]),
        ("allof.1.object", Record, &["record"]),
        ("allof.0.conditional.if.object", Record, &["record"]),
    ]);
    let tagged = edit_tags(CONDITIONAL, &TagEdit::new(entries.clone(), vec![])).unwrap();
    assert_eq!(value(&tagged), value(CONDITIONAL_TAGGED), "{tagged}");
    // Listed as everit loads the schema: the root's own tags belong to the
    // made-up allOf, not to its object branch, so they are not listed.
    let mut entries = entries;
    entries.retain(|e| e.entity.path != "allof.1.object");
    assert_eq!(listed(&tagged), expected(&entries));
}

const RECURSIVE: &str = r#"{"$id":"task.schema.json","$schema":"http://json-schema.org/draft-07/schema#","description":"A task","properties":{"parent":{"$ref":"task.schema.json","confluent:tags":["testRecursive"]},"title":{"description":"Task title","type":"string"}},"title":"Task","type":["null","object"]}"#;

#[test]
fn test_add_tag_to_recursive_schema() {
    let entries = tags(&[("anyof.1.object.parent", Field, &["PII"])]);
    let tagged = edit_tags(RECURSIVE, &TagEdit::new(entries.clone(), vec![])).unwrap();
    let expected_text = RECURSIVE.replace(r#"["testRecursive"]"#, r#"["testRecursive","PII"]"#);
    assert_eq!(tagged, expected_text);
    assert_eq!(
        listed(&tagged),
        expected(&tags(&[(
            "anyof.1.object.parent",
            Field,
            &["testRecursive", "PII"]
        )]))
    );
}

const COMPOSITE: &str = r##"{"$schema":"http://json-schema.org/draft-07/schema#","title":"Customer","type":"object","additionalProperties":false,"properties":{"cc_details":{"oneOf":[{"type":"null","title":"Not included"},{"$ref":"#/definitions/CardDetails"}]}},"definitions":{"Another.Details":{"additionalProperties":false,"properties":{"additional.field1":{"type":"string"},"field2":{"type":"number"}},"type":"object"},"CardDetails":{"type":"object","additionalProperties":false,"properties":{"credit_card":{"oneOf":[{"type":"null","title":"Not included"},{"type":"string"}]}}}}}"##;

#[test]
fn test_add_tag_to_composite_field() {
    let entries = tags(&[
        (
            "object.definitions.CardDetails.object.credit_card",
            Field,
            &["PII"],
        ),
        (
            "object.definitions.Another.Details.object.additional.field1",
            Field,
            &["TEST2"],
        ),
        ("object.definitions.CardDetails.object", Record, &["TEST3"]),
    ]);
    let tagged = edit_tags(COMPOSITE, &TagEdit::new(entries.clone(), vec![])).unwrap();
    let expected_text = COMPOSITE
        .replace(
            r#""additional.field1":{"type":"string"}"#,
            r#""additional.field1":{"type":"string","confluent:tags":["TEST2"]}"#,
        )
        .replace(
            r#"{"type":"string"}]}}}}}"#,
            r#"{"type":"string"}],"confluent:tags":["PII"]}},"confluent:tags":["TEST3"]}}}"#,
        );
    assert_eq!(tagged, expected_text);
    assert_eq!(listed(&tagged), expected(&entries));
    // Through the oneOf, branch 1 (after the null) is the reference: as in
    // Confluent, `object` as the last segment of a record's path names the
    // object there, a `$ref` or not; nothing is followed into it.
    let through = tags(&[("object.cc_details.oneof.1.object", Record, &["X"])]);
    let edited = edit_tags(COMPOSITE, &TagEdit::new(through, vec![])).unwrap();
    assert!(
        edited.contains(r##"{"$ref":"#/definitions/CardDetails","confluent:tags":["X"]}"##),
        "{edited}"
    );
    let into = tags(&[(
        "object.cc_details.oneof.1.object.credit_card",
        Field,
        &["X"],
    )]);
    assert!(matches!(
        edit_tags(COMPOSITE, &TagEdit::new(into, vec![])),
        Err(TagError::NoMatchingPath { .. })
    ));
}

#[test]
fn test_inline_tags_for_ref_in_array() {
    let schema = r##"{"definitions":{"MetricData":{"additionalProperties":false,"properties":{"name":{"oneOf":[{"title":"Not included","type":"null"},{"type":"string"}],"confluent:tags":["PII"]},"value":{"oneOf":[{"title":"Not included","type":"null"},{"type":"string"}]}},"type":"object"},"SensorData":{"additionalProperties":false,"properties":{"metricData":{"oneOf":[{"title":"Not included","type":"null"},{"items":{"$ref":"#/definitions/MetricData"},"type":"array"}]}},"type":"object"}},"properties":{"sensorData":{"oneOf":[{"title":"Not included","type":"null"},{"items":{"$ref":"#/definitions/SensorData"},"type":"array"}]}},"type":"object"}"##;
    assert_eq!(
        listed(schema),
        expected(&tags(&[(
            "object.definitions.MetricData.object.name",
            Field,
            &["PII"]
        )]))
    );
}

#[test]
fn test_inline_tags_for_null_in_array() {
    let schema = r##"{"$id":"http://example.com/myURI.schema.json","$schema":"http://json-schema.org/draft-07/schema#","additionalProperties":false,"description":"Sample schema to help you get started.","definitions":{"banana":{"type":"string","enum":["a","b",null]}},"properties":{"f1":{"$ref":"#/definitions/banana","confluent:tags":["PII"]}},"title":"SampleRecord","type":"object"}"##;
    assert_eq!(
        listed(schema),
        expected(&tags(&[("object.f1", Field, &["PII"])]))
    );
}

#[test]
fn test_nested_combined_schemas_draft_2020_12() {
    let schema = r#"{"$schema":"https://json-schema.org/draft/2020-12/schema","$id":"http://example.com/myURI.schema.json","title":"SampleRecord","description":"Sample schema to help you get started.","type":"object","additionalProperties":false,"properties":{"myfield1":{"type":"array","items":{"type":"object","title":"arrayRecord","properties":{"field1":{"type":"string","confluent:tags":["PII"]},"field2":{"type":"number"}}}},"myfield2":{"allOf":[{"type":"string"},{"type":"object","title":"nestedUnion","properties":{"nestedUnionField1":{"type":"boolean"},"nestedUnionField2":{"type":"number"}}},{"oneOf":[{"title":"Not included","type":"null"},{"type":"string"}]}]}}}"#;
    assert_eq!(
        listed(schema),
        expected(&tags(&[(
            "object.myfield1.array.object.field1",
            Field,
            &["PII"]
        )]))
    );
}

#[test]
fn a_branch_that_is_not_there_is_named_with_its_segment() {
    for (path, segment) in [
        ("object.myfield2.allof.2.object", "allof.2"),
        ("object.myfield2.allof.x", "allof.x"),
    ] {
        let edit = TagEdit::new(tags(&[(path, Record, &["R"])]), vec![]);
        assert_eq!(
            edit_tags(BASIC, &edit),
            Err(TagError::NoBranch {
                path: path.to_string(),
                segment: segment.to_string(),
                branches: 2
            })
        );
    }
    // A `oneof` where there is none names nothing.
    let edit = TagEdit::new(tags(&[("object.myfield1.oneof.0", Record, &["R"])]), vec![]);
    assert!(matches!(
        edit_tags(BASIC, &edit),
        Err(TagError::NoMatchingPath { .. })
    ));
}
