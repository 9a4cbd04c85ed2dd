//! Confluent's own Protobuf tag cases (`ProtobufSchemaTest` in its
//! protobuf-provider), with their schemas, paths and expected texts.

use super::*;
use EntityType::{Field as F, Record as R};

fn entries(list: &[(&str, EntityType, &[&str])]) -> Vec<EntityTags> {
    list.iter()
        .map(|(path, entity_type, tags)| EntityTags {
            entity: SchemaEntity::new(*path, *entity_type),
            tags: tags.iter().map(|t| t.to_string()).collect(),
        })
        .collect()
}

fn sorted(mut list: Vec<EntityTags>) -> Vec<(String, EntityType, Vec<String>)> {
    list.sort_by(|a, b| a.entity.path.cmp(&b.entity.path));
    list.into_iter()
        .map(|e| {
            (
                e.entity.normalized_path().to_string(),
                e.entity.entity_type,
                e.tags,
            )
        })
        .collect()
}

const BASIC: &str = "syntax = \"proto3\";\npackage com.example.mynamespace;\n\nimport \"confluent/meta.proto\";\nimport \"confluent/type/decimal.proto\";\n\noption java_package = \"io.confluent.kafka.serializers.protobuf.test\";\noption java_outer_classname = \"ComplexProto\";\noption (confluent.file_meta).tags = \"FILE\";\n\nmessage SampleRecord {\n  option (confluent.message_meta).tags = \"OTHER\";\n\n  int32 my_field1 = 1 [\n    (confluent.field_meta).tags = \"OTHER\",\n    (confluent.field_meta).tags = \"PRIVATE\"\n  ];\n  double my_field2 = 2 [(confluent.field_meta) = {\n    tags: [ \"PRIVATE\" ]\n  }];\n  NestedRecord my_field3 = 3 [(confluent.field_meta) = {\n    doc: \"field_meta\"\n  }];\n\n  message NestedRecord {\n    int64 nested_filed1 = 4;\n  }\n  enum Kind {\n    option (confluent.enum_meta).tags = \"ENUM\";\n    APPLE = 6 [(confluent.enum_value_meta) = {\n      tags: [\n        \"CONST\"\n      ]\n    }];\n    BANANA = 7;\n  }\n}\n";

const HEAD: &str = "syntax = \"proto3\";\npackage com.example.mynamespace;\n\nimport \"confluent/meta.proto\";\nimport \"confluent/type/decimal.proto\";\n\noption java_package = \"io.confluent.kafka.serializers.protobuf.test\";\noption java_outer_classname = \"ComplexProto\";\noption (confluent.file_meta).tags = \"FILE\";\n\n";
const KIND: &str = "  enum Kind {\n    option (confluent.enum_meta).tags = \"ENUM\";\n    APPLE = 6 [(confluent.enum_value_meta) = {\n      tags: [\n        \"CONST\"\n      ]\n    }];\n    BANANA = 7;\n  }\n}\n";

#[test]
fn test_basic_add_and_remove_schema_tags() {
    let add = entries(&[
        (".SampleRecord.my_field1", F, &["PII"]),
        (".SampleRecord.my_field2", F, &["PII"]),
        (".SampleRecord.my_field3", F, &["PII"]),
        (".SampleRecord.NestedRecord.nested_filed1", F, &["PII"]),
        (".SampleRecord", R, &["PII"]),
        (".SampleRecord.NestedRecord", R, &["PII"]),
    ]);
    let tagged = edit_tags(BASIC, &TagEdit::new(add, vec![])).unwrap();
    let expected = format!(
        "{HEAD}message SampleRecord {{\n  option (confluent.message_meta) = {{\n    tags: [\n      \"OTHER\",\n      \"PII\"\n    ]\n  }};\n\n  int32 my_field1 = 1 [(confluent.field_meta) = {{\n    tags: [\n      \"OTHER\",\n      \"PRIVATE\",\n      \"PII\"\n    ]\n  }}];\n  double my_field2 = 2 [(confluent.field_meta) = {{\n    tags: [\n      \"PRIVATE\",\n      \"PII\"\n    ]\n  }}];\n  NestedRecord my_field3 = 3 [(confluent.field_meta) = {{\n    doc: \"field_meta\",\n    tags: [\n      \"PII\"\n    ]\n  }}];\n\n  message NestedRecord {{\n    option (confluent.message_meta) = {{\n      tags: [\n        \"PII\"\n      ]\n    }};\n  \n    int64 nested_filed1 = 4 [(confluent.field_meta) = {{\n      tags: [\n        \"PII\"\n      ]\n    }}];\n  }}\n{KIND}"
    );
    assert_eq!(tagged, expected);
    assert_eq!(
        sorted(tagged_entities(&tagged).unwrap()),
        sorted(entries(&[
            ("SampleRecord", R, &["OTHER", "PII"]),
            ("SampleRecord.my_field1", F, &["OTHER", "PRIVATE", "PII"]),
            ("SampleRecord.my_field2", F, &["PRIVATE", "PII"]),
            ("SampleRecord.my_field3", F, &["PII"]),
            ("SampleRecord.NestedRecord.nested_filed1", F, &["PII"]),
            ("SampleRecord.NestedRecord", R, &["PII"]),
        ]))
    );

    let remove = entries(&[
        (".SampleRecord.my_field1", F, &["OTHER"]),
        (".SampleRecord.my_field2", F, &["PRIVATE"]),
        (".SampleRecord.my_field3", F, &["PII"]),
        (
            ".SampleRecord.NestedRecord.nested_filed1",
            F,
            &["DOES_NOT_EXIST"],
        ),
        (".SampleRecord", R, &["OTHER"]),
        (".SampleRecord.NestedRecord", R, &["PII"]),
    ]);
    let removed = edit_tags(&tagged, &TagEdit::new(vec![], remove)).unwrap();
    let expected = format!(
        "{HEAD}message SampleRecord {{\n  option (confluent.message_meta) = {{\n    tags: [\n      \"PII\"\n    ]\n  }};\n\n  int32 my_field1 = 1 [(confluent.field_meta) = {{\n    tags: [\n      \"PRIVATE\",\n      \"PII\"\n    ]\n  }}];\n  double my_field2 = 2 [(confluent.field_meta) = {{\n    tags: [\n      \"PII\"\n    ]\n  }}];\n  NestedRecord my_field3 = 3 [(confluent.field_meta) = {{\n    doc: \"field_meta\"\n  }}];\n\n  message NestedRecord {{\n    int64 nested_filed1 = 4 [(confluent.field_meta) = {{\n      tags: [\n        \"PII\"\n      ]\n    }}];\n  }}\n{KIND}"
    );
    assert_eq!(removed, expected);
}

const PLAIN: &str = "syntax = \"proto3\";\npackage com.example.mynamespace;\n\nimport \"confluent/meta.proto\";\n\nmessage SampleRecord {\n  string my_field1 = 1 [(confluent.field_meta) = {\n    tags: [\n      \"EXISTING\"\n    ]\n  }];\n}\n";

#[test]
fn test_add_before_remove_tags() {
    let add = entries(&[(".SampleRecord.my_field1", F, &["OVERLAP", "NEW"])]);
    let remove = entries(&[(".SampleRecord.my_field1", F, &["OVERLAP", "EXISTING"])]);
    let result = edit_tags(PLAIN, &TagEdit::new(add, remove)).unwrap();
    assert_eq!(
        tagged_entities(&result).unwrap(),
        entries(&[("SampleRecord.my_field1", F, &["NEW"])])
    );
}

#[test]
fn test_add_duplicate_tags() {
    let schema = "syntax = \"proto3\";\npackage com.example.mynamespace;\n\nmessage SampleRecord {\n  int32 my_field1 = 1 [(confluent.field_meta).tags = \"PRIVATE\"];\n  double my_field2 = 2 [(confluent.field_meta) = {\n    tags: [\n      \"PRIVATE\"\n    ]\n  }];\n}\n";
    let add = entries(&[(".SampleRecord.my_field1", F, &["PRIVATE"])]);
    let result = edit_tags(schema, &TagEdit::new(add, vec![])).unwrap();
    // Confluent's text, with the import Charter needs to compile it.
    assert_eq!(
        result,
        "syntax = \"proto3\";\npackage com.example.mynamespace;\n\nimport \"confluent/meta.proto\";\n\nmessage SampleRecord {\n  int32 my_field1 = 1 [(confluent.field_meta) = {\n    tags: [\n      \"PRIVATE\"\n    ]\n  }];\n  double my_field2 = 2 [(confluent.field_meta) = {\n    tags: [\n      \"PRIVATE\"\n    ]\n  }];\n}\n"
    );
}

#[test]
fn test_complex_remove() {
    let schema = "syntax = \"proto3\";\n\nmessage SampleRecord {\n  int32 my_field1 = 1 [(confluent.field_meta).tags = \"PRIVATE\"];\n  double my_field2 = 2 [(confluent.field_meta) = {\n    doc: \"no tag\"\n  }];\n  NestedRecord my_field3 = 3 [(confluent.field_meta) = {\n    doc: \"field_meta\",\n    tags: [\n      \"PII\",\n      \"PRIVATE\"\n    ]\n  }];\n  int32 my_field4 = 5 [\n    otherOption = \"foo\",\n    (confluent.field_meta).tags = \"PRIVATE\"\n  ];\n  oneof some_val {\n    int32 other_id = 11 [(confluent.field_meta).tags = \"PRIVATE\"];\n    string one_id = 12;\n  }\n\n  message NestedRecord {\n    int64 nested_filed1 = 4 [(confluent.field_meta).tags = [\"PII\"]];\n  }\n}\n";
    let remove = entries(&[
        (".SampleRecord.my_field1", F, &["PRIVATE"]),
        (".SampleRecord.my_field2", F, &["PRIVATE"]),
        (".SampleRecord.my_field3", F, &["PRIVATE"]),
        (".SampleRecord.my_field4", F, &["PRIVATE"]),
        (".SampleRecord.NestedRecord.nested_filed1", F, &["PRIVATE"]),
        (".SampleRecord.some_val.other_id", F, &["PRIVATE"]),
    ]);
    let result = edit_tags(schema, &TagEdit::new(vec![], remove)).unwrap();
    // Confluent's expected text, but for the blank line it prints before
    // the oneof (untouched here, so kept as submitted) and the import.
    assert_eq!(
        result,
        "syntax = \"proto3\";\n\nimport \"confluent/meta.proto\";\n\nmessage SampleRecord {\n  int32 my_field1 = 1;\n  double my_field2 = 2 [(confluent.field_meta) = {\n    doc: \"no tag\"\n  }];\n  NestedRecord my_field3 = 3 [(confluent.field_meta) = {\n    doc: \"field_meta\",\n    tags: [\n      \"PII\"\n    ]\n  }];\n  int32 my_field4 = 5 [otherOption = \"foo\"];\n  oneof some_val {\n    int32 other_id = 11;\n    string one_id = 12;\n  }\n\n  message NestedRecord {\n    int64 nested_filed1 = 4 [(confluent.field_meta) = {\n      tags: [\n        \"PII\"\n      ]\n    }];\n  }\n}\n"
    );
}

const ONEOF: &str = "syntax = \"proto3\";\npackage com.example.mynamespace;\n\nmessage SampleRecord {\n  oneof test_oneof {\n    string f1 = 1;\n    int32 f2 = 2;\n  }\n}\n";

#[test]
fn test_optional_one_of_field_name() {
    let add = entries(&[
        (".SampleRecord.f1", F, &["TAG1"]),
        (".SampleRecord.test_oneof.f1", F, &["TAG2"]),
        ("SampleRecord.f2", F, &["TAG3"]),
        ("SampleRecord.test_oneof.f2", F, &["TAG4"]),
    ]);
    let result = edit_tags(ONEOF, &TagEdit::new(add, vec![])).unwrap();
    // Confluent's text, with the import Charter needs to compile it.
    assert_eq!(
        result,
        "syntax = \"proto3\";\npackage com.example.mynamespace;\n\nimport \"confluent/meta.proto\";\n\nmessage SampleRecord {\n  oneof test_oneof {\n    string f1 = 1 [(confluent.field_meta) = {\n      tags: [\n        \"TAG1\",\n        \"TAG2\"\n      ]\n    }];\n    int32 f2 = 2 [(confluent.field_meta) = {\n      tags: [\n        \"TAG3\",\n        \"TAG4\"\n      ]\n    }];\n  }\n}\n"
    );
}

#[test]
fn test_invalid_path() {
    let schema = "syntax = \"proto3\";\npackage com.example.mynamespace;\n\nmessage SampleRecord {\n  oneof test_oneof {\n    string f1 = 1;\n    int32 test_oneof = 2;\n  }\n}\n";
    for (path, entity_type, kind, name) in [
        ("SampleRecord", F, "field", "SampleRecord"),
        ("SampleRecord.bad_oneof.f1", F, "field", "f1"),
        ("SampleRecord.f3", F, "field", "f3"),
        ("badRecord", R, "message", "badRecord"),
        ("..SampleRecord", R, "message", ""),
        (".SampleRecord.f1", R, "message", "f1"),
    ] {
        let edit = TagEdit::new(entries(&[(path, entity_type, &["TAG1"])]), vec![]);
        assert_eq!(
            edit_tags(schema, &edit),
            Err(TagError::NoMatchingElement {
                path: path.to_string(),
                kind,
                name: name.to_string()
            }),
            "{path}"
        );
    }
}
