use serde_json::json;

use super::*;
use crate::{
    Change, CompatibilityMode, MapResolver, NoReferences, Policy, Schema, SchemaType,
    attach_diff_examples,
};

fn proto(text: &str) -> ProtobufSchema {
    ProtobufSchema::parse(text, &NoReferences).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

fn schema(text: &str, resolver: &MapResolver) -> Schema {
    Schema::parse(SchemaType::Protobuf, text, resolver).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

fn error(text: &str, resolver: &MapResolver) -> ParseError {
    ProtobufSchema::parse(text, resolver).unwrap_err()
}

/// Every change from `old` to `new` as `KIND path [sides]`, examples attached.
fn diff(old: &str, new: &str) -> Vec<Change> {
    let (old, new) = (
        schema(old, &MapResolver::new()),
        schema(new, &MapResolver::new()),
    );
    let mut changes = crate::diff(&old, &new, Policy::Strict).unwrap();
    attach_diff_examples(&mut changes, &old, &new);
    changes
}

fn check(old: &str, new: &str, expected: &[&str]) {
    let found: Vec<String> = diff(old, new)
        .iter()
        .map(|c| format!("{} {} [{}]", c.kind, c.path, c.breaks.sides().join(",")))
        .collect();
    assert_eq!(found, expected, "\nold: {old}\nnew: {new}");
}

const P3: &str = "syntax = \"proto3\";\n";

#[test]
fn syntax_errors_have_a_line_and_column() {
    let err = error(
        "syntax = \"proto3\";\nmessage A {\n  int32 a = 1\n}\n",
        &MapResolver::new(),
    );
    let ParseError::Syntax { location, .. } = &err else {
        panic!("{err:?}");
    };
    assert_eq!(
        (location.line, location.column),
        (Some(4), Some(1)),
        "{err}"
    );
    assert!(
        err.to_string()
            .starts_with("invalid Protobuf schema: schema.proto:4:1: "),
        "{err}"
    );
}

#[test]
fn missing_imports_name_the_import_and_its_line() {
    let err = error(
        "syntax = \"proto3\";\n\nimport \"common/money.proto\";\nmessage A { common.Money m = 1; }\n",
        &MapResolver::new(),
    );
    assert_eq!(
        err,
        ParseError::MissingImport {
            location: Location {
                file: "schema.proto".into(),
                line: Some(3),
                column: Some(1)
            },
            import: "common/money.proto".into(),
        }
    );
}

#[test]
fn duplicate_field_numbers_are_located() {
    let err = error(
        "syntax = \"proto3\";\nmessage A {\n  int32 a = 1;\n  string b = 1;\n}\n",
        &MapResolver::new(),
    );
    let ParseError::Invalid { location, message } = &err else {
        panic!("{err:?}");
    };
    assert_eq!(location.line, Some(4), "{err}");
    assert!(message.contains('1'), "{message}");
}

#[test]
fn unknown_types_empty_text_and_import_cycles_are_errors() {
    let mut resolver = MapResolver::new();
    assert!(matches!(
        error(
            "syntax = \"proto3\";\nmessage A { Missing m = 1; }",
            &resolver
        ),
        ParseError::Invalid { .. }
    ));
    assert_eq!(error("  \n", &resolver), ParseError::Empty);
    resolver.insert("a.proto", "syntax = \"proto3\"; import \"b.proto\";");
    resolver.insert("b.proto", "syntax = \"proto3\"; import \"a.proto\";");
    let err = error("syntax = \"proto3\"; import \"a.proto\";", &resolver);
    assert_eq!(
        err,
        ParseError::ImportCycle {
            cycle: "a.proto -> b.proto -> a.proto".into()
        }
    );
    let err = error("QUJD", &resolver);
    assert!(
        matches!(
            err,
            ParseError::BadDescriptor { .. } | ParseError::Syntax { .. }
        ),
        "{err:?}"
    );
}

#[test]
fn canonical_form_ignores_spelling_order_and_comments() {
    let a = proto(
        "syntax = \"proto3\";\npackage shop;\n// an order\nmessage Order {\n  string id = 1;\n  Status status = 2 [deprecated = true, json_name = \"state\"];\n  enum Status { NEW = 0; PAID = 1; }\n}\n",
    );
    let b = proto(
        "syntax='proto3'; package shop;\nmessage Order { .shop.Order.Status status = 2 [json_name = \"state\", deprecated = true]; /* id */ string id = 1;\n enum Status { NEW = 0; PAID = 1; } }",
    );
    assert_eq!(a.canonical(), b.canonical());
    let c = proto(
        "syntax = \"proto3\";\npackage shop;\nmessage Order {\n  bytes id = 1;\n  Status status = 2 [deprecated = true, json_name = \"state\"];\n  enum Status { NEW = 0; PAID = 1; }\n}\n",
    );
    assert_ne!(a.canonical(), c.canonical());
    assert_eq!(
        a.canonical(),
        "syntax = \"proto3\";\n\npackage shop;\n\nmessage Order {\n  string id = 1;\n  .shop.Order.Status status = 2 [json_name = \"state\", deprecated = true];\n  enum Status {\n    NEW = 0;\n    PAID = 1;\n  }\n}\n"
    );
    // The declared order is kept by the text form.
    assert!(
        b.to_proto_text().find("status = 2").unwrap() < b.to_proto_text().find("id = 1").unwrap()
    );
}

const RICH: &str = r#"
syntax = "proto2";
package shop.v1;
import "google/protobuf/timestamp.proto";
option java_package = "com.shop";
option optimize_for = SPEED;
message Order {
  option deprecated = true;
  required string id = 1;
  optional int32 count = 2 [default = -3];
  optional string note = 3 [default = "a \"quoted\"\nline"];
  optional bytes raw = 4 [default = "\001\377"];
  repeated double prices = 5 [packed = true];
  map<string, Line> lines = 6;
  oneof payment { string card = 7; Coupon coupon = 8; }
  optional group Extra = 9 { optional string tag = 1; }
  optional .google.protobuf.Timestamp at = 10;
  optional Kind kind = 11 [default = BIG];
  reserved 20 to 25, 500 to 599;
  reserved "old", "older";
  extensions 1000 to max;
  message Line { optional string sku = 1; }
  message Coupon { optional string code = 1; }
  enum Kind { option allow_alias = true; SMALL = 1; BIG = 2; HUGE = 2; reserved 9; }
}
extend Order { optional string origin = 1000; }
service Orders {
  rpc Place (Order) returns (Order);
  rpc Watch (stream Order) returns (stream Order) { option deprecated = true; }
}
"#;

#[test]
fn printed_text_compiles_back_to_the_same_canonical_form() {
    let schema = proto(RICH);
    for text in [schema.canonical().to_string(), schema.to_proto_text()] {
        let again = proto(&text);
        assert_eq!(again.canonical(), schema.canonical(), "{text}");
    }
    let text = schema.to_proto_text();
    for expected in [
        "required string id = 1;",
        "optional int32 count = 2 [default = -3];",
        "optional string note = 3 [default = \"a \\\"quoted\\\"\\nline\"];",
        "map<string, .shop.v1.Order.Line> lines = 6;",
        "oneof payment {",
        "optional group Extra = 9 {",
        "reserved 20 to 25, 500 to 599;",
        "reserved \"old\", \"older\";",
        "extensions 1000 to max;",
        "option allow_alias = true;",
        "option optimize_for = SPEED;",
        "extend .shop.v1.Order {",
        "rpc Watch (stream .shop.v1.Order) returns (stream .shop.v1.Order) {",
        "import \"google/protobuf/timestamp.proto\";",
    ] {
        assert!(text.contains(expected), "{expected}\n{text}");
    }
}

#[test]
fn serialized_descriptors_round_trip_with_their_imports() {
    let mut texts = MapResolver::new();
    texts.insert(
        "common/money.proto",
        "syntax = \"proto3\"; package common; message Money { int64 units = 1; string currency = 2; }",
    );
    let main = "syntax = \"proto3\";\nimport \"common/money.proto\";\nmessage Price { common.Money amount = 1; }\n";
    let from_text = ProtobufSchema::parse(main, &texts).unwrap();
    let dependency =
        ProtobufSchema::parse(&texts.resolve("common/money.proto").unwrap(), &NoReferences)
            .unwrap();
    // The Python serializer sends every file as base64 of its descriptor.
    let mut serialized = MapResolver::new();
    serialized.insert(
        "common/money.proto",
        dependency.file_descriptor_base64_named("whatever.proto"),
    );
    let from_base64 =
        ProtobufSchema::parse(&from_text.file_descriptor_base64(), &serialized).unwrap();
    assert_eq!(from_base64.canonical(), from_text.canonical());
    assert_eq!(from_base64.file_name(), "schema.proto");
    assert_eq!(
        from_base64.imports(),
        vec!["common/money.proto".to_string()]
    );
    assert_eq!(from_base64.message_names(), vec!["Price".to_string()]);
}

/// Regression (issue 5): confluent-kafka's `ProtobufSerializer` with
/// `skip.known.types=False` registers each well-known import as a schema of
/// its own, sent as its descriptor under its own name; compiling it panicked.
#[test]
fn r5_a_well_known_file_registers_as_a_schema_of_its_own() {
    use base64::Engine;
    use prost_reflect::prost::Message;

    // The built-in file, sent as the Python serializer sends it.
    let serialized = |name: &str| {
        let file = prost_reflect::DescriptorPool::global()
            .get_file_by_name(name)
            .unwrap();
        let encoded = base64::engine::general_purpose::STANDARD
            .encode(file.file_descriptor_proto().encode_to_vec());
        ProtobufSchema::parse(&encoded, &NoReferences).unwrap_or_else(|e| panic!("{name}: {e}"))
    };
    let timestamp = serialized("google/protobuf/timestamp.proto");
    assert_eq!(timestamp.file_name(), "google/protobuf/timestamp.proto");
    assert_eq!(
        timestamp.message_names(),
        vec!["google.protobuf.Timestamp".to_string()]
    );
    // One with built-in imports of its own.
    let api = serialized("google/protobuf/api.proto");
    assert_eq!(api.file_name(), "google/protobuf/api.proto");
    assert!(
        api.imports()
            .contains(&"google/protobuf/type.proto".to_string()),
        "{:?}",
        api.imports()
    );
}

use crate::Resolver;

#[test]
fn custom_options_survive_printing_and_serializing() {
    let mut resolver = MapResolver::new();
    resolver.insert(
        "meta.proto",
        "syntax = \"proto3\"; package meta; import \"google/protobuf/descriptor.proto\";\nmessage Meta { string doc = 1; map<string, string> params = 2; }\nextend google.protobuf.FieldOptions { Meta field_meta = 50001; }",
    );
    let text = "syntax = \"proto3\";\nimport \"meta.proto\";\nmessage A { bytes v = 1 [(meta.field_meta) = { doc: \"x\", params: [{ key: \"scale\", value: \"3\" }] }]; }\n";
    let a = ProtobufSchema::parse(text, &resolver).unwrap();
    assert!(
        a.canonical().contains("(meta.field_meta) = {"),
        "{}",
        a.canonical()
    );
    assert!(a.canonical().contains("scale"), "{}", a.canonical());
    let again = ProtobufSchema::parse(a.canonical(), &resolver).unwrap();
    assert_eq!(again.canonical(), a.canonical());
    let serialized = ProtobufSchema::parse(&a.file_descriptor_base64(), &resolver).unwrap();
    assert_eq!(serialized.canonical(), a.canonical());
}

#[test]
fn compatible_scalar_groups_and_breaking_ones() {
    let message = |ty: &str| format!("{P3}message M {{ {ty} f = 1; }}");
    for (old, new) in [
        ("int32", "int64"),
        ("int32", "uint64"),
        ("uint32", "bool"),
        ("sint32", "sint64"),
        ("string", "bytes"),
        ("fixed32", "sfixed32"),
        ("fixed64", "sfixed64"),
    ] {
        check(&message(old), &message(new), &[]);
    }
    for (old, new) in [
        ("int32", "sint32"),
        ("int32", "string"),
        ("fixed32", "float"),
        ("fixed64", "double"),
        ("int64", "fixed64"),
    ] {
        check(
            &message(old),
            &message(new),
            &["FIELD_SCALAR_KIND_CHANGED #/M/1 [backward,forward]"],
        );
    }
}

#[test]
fn removed_fields_are_flagged_unless_reserved() {
    let old = format!("{P3}message M {{ string a = 1; int32 b = 2; }}");
    check(
        &old,
        &format!("{P3}message M {{ string a = 1; }}"),
        &["FIELD_REMOVED_WITHOUT_RESERVING #/M/2 []"],
    );
    check(
        &old,
        &format!("{P3}message M {{ string a = 1; reserved 2; reserved \"b\"; }}"),
        &["FIELD_REMOVED #/M/2 []"],
    );
    let message = &diff(&old, &format!("{P3}message M {{ string a = 1; }}"))[0].message;
    assert!(message.contains("reserved 2; reserved \"b\";"), "{message}");
}

#[test]
fn reusing_a_number_with_another_type_breaks_with_a_wire_example() {
    let changes = diff(
        &format!("{P3}message M {{ int32 count = 2; }}"),
        &format!("{P3}message M {{ string label = 2; }}"),
    );
    let kinds: Vec<String> = changes.iter().map(|c| c.kind.to_string()).collect();
    assert_eq!(kinds, ["FIELD_NAME_CHANGED", "FIELD_SCALAR_KIND_CHANGED"]);
    let change = &changes[1];
    assert!(change.message.contains("wire type 0"), "{}", change.message);
    assert!(change.message.contains("wire type 2"), "{}", change.message);
    assert_eq!(change.example, Some(json!({"count": 150})));
}

#[test]
fn label_changes_on_implicit_proto3_fields_are_judged_by_their_encoding() {
    check(
        &format!("{P3}message M {{ int32 f = 1; }}"),
        &format!("{P3}message M {{ repeated int32 f = 1; }}"),
        &["FIELD_NUMERIC_LABEL_CHANGED #/M/1 [backward,forward]"],
    );
    // The example shows the direction that fails on the wire: a packed list
    // read as one number.
    let changes = diff(
        &format!("{P3}message M {{ int32 f = 1; }}"),
        &format!("{P3}message M {{ repeated int32 f = 1; }}"),
    );
    assert_eq!(changes[0].example, Some(json!({"f": [150, 150]})));
    check(
        &format!("{P3}message M {{ string f = 1; }}"),
        &format!("{P3}message M {{ repeated string f = 1; }}"),
        &["FIELD_STRING_OR_BYTES_LABEL_CHANGED #/M/1 []"],
    );
    check(
        &format!("{P3}message M {{ int32 f = 1; }}"),
        &format!("{P3}message M {{ optional int32 f = 1; }}"),
        &[],
    );
}

#[test]
fn required_fields_added_and_removed_break_both_ways_with_an_example() {
    let old = "syntax = \"proto2\"; message M { optional string a = 1; }";
    let new = "syntax = \"proto2\"; message M { optional string a = 1; required int32 b = 2; }";
    check(old, new, &["REQUIRED_FIELD_ADDED #/M/2 [backward,forward]"]);
    check(
        new,
        old,
        &["REQUIRED_FIELD_REMOVED #/M/2 [backward,forward]"],
    );
    assert_eq!(diff(old, new)[0].example, Some(json!({})));
    assert_eq!(diff(new, old)[0].example, Some(json!({})));
}

#[test]
fn added_messages_break_only_old_readers() {
    check(
        &format!("{P3}message A {{ string a = 1; }}"),
        &format!("{P3}message A {{ string a = 1; }} message B {{ int32 b = 1; }}"),
        &["MESSAGE_ADDED #/B [forward]"],
    );
    let changes = diff(
        &format!("{P3}message A {{ string a = 1; }} message B {{ int32 b = 1; }}"),
        &format!("{P3}message A {{ string a = 1; }}"),
    );
    assert_eq!(changes[0].kind, ChangeKind::MessageRemoved);
    assert_eq!(changes[0].example, Some(json!({"b": 150})));
}

use crate::ChangeKind;

#[test]
fn fields_merged_into_a_oneof_get_an_example_that_loses_one() {
    let changes = diff(
        &format!("{P3}message M {{ string a = 1; string b = 2; }}"),
        &format!("{P3}message M {{ oneof choice {{ string a = 1; string b = 2; }} }}"),
    );
    let merged = changes
        .iter()
        .find(|c| c.kind == ChangeKind::MultipleFieldsMovedToOneof)
        .unwrap();
    assert_eq!(merged.path, "#/M/choice");
    assert_eq!(merged.example, Some(json!({"a": "text", "b": "text"})));
    // Read the other way, the oneof's fields became independent: old readers
    // of new data lose one.
    let split = diff(
        &format!("{P3}message M {{ oneof choice {{ string a = 1; string b = 2; }} }}"),
        &format!("{P3}message M {{ string a = 1; string b = 2; }}"),
    );
    let reversed = split
        .iter()
        .find(|c| c.kind == ChangeKind::MultipleFieldsMovedToOneof)
        .unwrap();
    assert!(
        !reversed.breaks.backward && reversed.breaks.forward,
        "{reversed:?}"
    );
    assert!(
        reversed.message.contains("no longer exclusive"),
        "{}",
        reversed.message
    );
}

#[test]
fn imported_messages_are_compared_and_cycles_terminate() {
    let mut old = MapResolver::new();
    old.insert(
        "tree.proto",
        "syntax = \"proto3\"; package t; message Node { int32 v = 1; repeated Node kids = 2; }",
    );
    let mut new = MapResolver::new();
    new.insert(
        "tree.proto",
        "syntax = \"proto3\"; package t; message Node { string v = 1; repeated Node kids = 2; }",
    );
    let main = "syntax = \"proto3\"; import \"tree.proto\"; message Root { t.Node node = 1; }";
    let (a, b) = (schema(main, &old), schema(main, &new));
    let report = crate::check(&b, &[&a], CompatibilityMode::Backward, Policy::Strict).unwrap();
    let found: Vec<String> = report
        .changes
        .iter()
        .map(|c| format!("{} {}", c.kind, c.path))
        .collect();
    assert_eq!(
        found,
        [
            "FIELD_SCALAR_KIND_CHANGED #/Node/1",
            "FIELD_NAMED_TYPE_CHANGED #/Root/1"
        ]
    );
    let mut changes = crate::diff(&a, &b, Policy::Strict).unwrap();
    attach_diff_examples(&mut changes, &a, &b);
    let named = changes.iter().find(|c| c.path == "#/Root/1").unwrap();
    assert!(named.example.is_some(), "{named:?}");
}

#[test]
fn json_payloads_are_validated_with_required_fields() {
    let schema = proto(
        "syntax = \"proto2\"; package shop; message Order { required string id = 1; repeated Line lines = 2; message Line { required int32 qty = 1; } }",
    );
    assert_eq!(
        schema.validate_json("Order", &json!({"id": "1", "lines": [{"qty": 2}]})),
        Ok(())
    );
    assert_eq!(
        schema.validate_json("shop.Order", &json!({"id": "1", "lines": [{}]})),
        Err(PayloadError::MissingRequired {
            message: "shop.Order.Line".into(),
            path: "/lines/0".into(),
            field: "qty".into(),
        })
    );
    assert!(matches!(
        schema.validate_json("Order", &json!({"id": 1, "colour": "red"})),
        Err(PayloadError::Json { .. })
    ));
    assert!(matches!(
        schema.validate_json("Nope", &json!({})),
        Err(PayloadError::UnknownMessage { .. })
    ));
}

#[test]
fn binary_payloads_decode_by_name_or_message_index() {
    let schema = proto(
        "syntax = \"proto3\"; message A { int32 a = 1; } message B { message C { string c = 1; } }",
    );
    assert_eq!(
        schema.decode_binary("A", &[0x08, 0x96, 0x01]),
        Ok(json!({"a": 150}))
    );
    let indexes: &[usize] = &[1, 0];
    assert_eq!(schema.message_name(indexes), Ok("B.C".to_string()));
    assert_eq!(
        schema.decode_binary(indexes, &[0x0a, 0x01, b'x']),
        Ok(json!({"c": "x"}))
    );
    assert!(matches!(
        schema.decode_binary("A", &[0x0a, 0x05]),
        Err(PayloadError::Binary { .. })
    ));
    let missing: &[usize] = &[2];
    assert!(matches!(
        schema.message_name(missing),
        Err(PayloadError::NoMessageAt { .. })
    ));
}

#[test]
fn the_order_placed_contract_evolves_as_its_comments_say() {
    let resolver = MapResolver::new();
    let v1 = schema(
        include_str!("../../../fixtures/contracts/orders/order_placed.v1.proto"),
        &resolver,
    );
    let v2 = schema(
        include_str!("../../../fixtures/contracts/orders/order_placed.v2.proto"),
        &resolver,
    );
    let v3 = schema(
        include_str!("../../../fixtures/contracts/orders/order_placed.v3.proto"),
        &resolver,
    );
    let fields: usize = ProtobufSchema::parse(
        include_str!("../../../fixtures/contracts/orders/order_placed.v1.proto"),
        &resolver,
    )
    .unwrap()
    .file()
    .messages()
    .map(|m| m.fields().len())
    .sum();
    assert_eq!(fields, 52);
    let full = crate::check(
        &v2,
        &[&v1],
        CompatibilityMode::FullTransitive,
        Policy::Strict,
    )
    .unwrap();
    assert!(full.compatible, "{:?}", full.changes);
    let report = crate::check(
        &v3,
        &[&v1, &v2],
        CompatibilityMode::BackwardTransitive,
        Policy::Strict,
    )
    .unwrap();
    assert!(!report.compatible);
    let found: Vec<String> = report
        .changes
        .iter()
        .filter(|c| c.against == Some(1))
        .map(|c| format!("{} {}", c.kind, c.path))
        .collect();
    assert_eq!(
        found,
        [
            "FIELD_SCALAR_KIND_CHANGED #/OrderPlaced/3",
            "FIELD_REMOVED_WITHOUT_RESERVING #/OrderPlacedPayload/9",
            "ENUM_CONST_REMOVED #/Currency/5",
        ]
    );
}

#[test]
fn truncated_and_garbled_input_is_an_error_not_a_panic() {
    let resolver = MapResolver::new();
    for end in (0..RICH.len()).step_by(3) {
        if RICH.is_char_boundary(end) {
            let _ = ProtobufSchema::parse(&RICH[..end], &resolver);
        }
    }
    let bytes = proto(RICH).file_descriptor_base64();
    for end in (4..bytes.len()).step_by(5) {
        let _ = ProtobufSchema::parse(&bytes[..end], &resolver);
    }
    for garbage in ["AAAA", "message", "}}}", "syntax = \"proto4\";"] {
        assert!(
            ProtobufSchema::parse(garbage, &resolver).is_err(),
            "{garbage}"
        );
    }
}

#[test]
fn digests_taken_while_printing_tell_apart_what_printing_each_message_does() {
    // Nested messages and enums, a map (its entry is not printed as a
    // message), a proto2 group (printed as a field), and a message of an
    // imported file (its text is part of the digest of what refers to it).
    let imported = "syntax = \"proto2\";\npackage dep;\nmessage Shared { optional int32 a = 1; }\n";
    let file = |shared_field: &str, inner_field: &str| {
        format!(
            "syntax = \"proto2\";\npackage p;\nimport \"dep.proto\";\n\
             message Outer {{\n  message Inner {{ {inner_field} enum Level {{ LOW = 0; HIGH = 1; }} }}\n  \
             map<string, Inner> by_name = 1;\n  optional group Part = 2 {{ optional string x = 3; }}\n  \
             optional dep.Shared shared = 4;\n}}\n\
             message Plain {{ optional string s = 1; }}\n\
             enum Top {{ A = 0; B = 1; }}\n\
             message Uses {{ optional dep.Shared shared = 1; }}\n{shared_field}"
        )
    };
    let compile = |text: &str, imported: &str| {
        let mut resolver = MapResolver::new();
        resolver.insert("dep.proto", imported);
        ProtobufSchema::parse(text, &resolver).unwrap_or_else(|e| panic!("{e}\n{text}"))
    };
    let variants = [
        compile(&file("", "optional int32 n = 1;"), imported),
        compile(&file("", "optional int64 n = 1;"), imported),
        compile(
            &file(
                "message Extra { optional bool b = 1; }\n",
                "optional int32 n = 1;",
            ),
            imported,
        ),
        compile(
            &file("", "optional int32 n = 1;"),
            "syntax = \"proto2\";\npackage dep;\nmessage Shared { optional int64 a = 1; }\n",
        ),
    ];
    let oracle: Vec<_> = variants
        .iter()
        .map(|v| print::message_digests(&v.file))
        .collect();
    for (i, a) in variants.iter().enumerate() {
        for names in oracle[i].keys() {
            assert!(a.digests.contains_key(names), "no digest for {names}");
        }
        assert_eq!(a.digests.len(), oracle[i].len());
        for (j, b) in variants.iter().enumerate() {
            for name in oracle[i].keys().filter(|n| oracle[j].contains_key(*n)) {
                let same_oracle = oracle[i][name] == oracle[j][name];
                let same = a.digests[name] == b.digests[name];
                assert_eq!(same, same_oracle, "{name}: variants {i} and {j}");
            }
        }
    }
    // A change is seen in the type that has it and in those holding it or
    // referring to another file's changed message, and nowhere else.
    let changed = |j: usize| {
        let mut names: Vec<&str> = oracle[0]
            .keys()
            .filter(|n| variants[0].digests[*n] != variants[j].digests[*n])
            .map(String::as_str)
            .collect();
        names.sort();
        names
    };
    assert_eq!(changed(1), ["p.Outer", "p.Outer.Inner"]);
    assert_eq!(changed(2), Vec::<&str>::new());
    assert_eq!(changed(3), ["p.Outer", "p.Uses"]);
}

#[test]
fn a_map_inside_a_message_option_prints_the_same_every_time() {
    // prost-reflect keeps a map in a hash table seeded anew for each map,
    // so its own text format lists the entries in a different order from
    // one parse to the next: the canonical text (and the schema's identity)
    // must not follow it.
    let options = "syntax = \"proto3\";\npackage opts;\nimport \"google/protobuf/descriptor.proto\";\n\
                   message Meta { map<string, string> params = 1; repeated string tags = 2; \
                   map<int32, Meta> nested = 3; }\n\
                   extend google.protobuf.FieldOptions { Meta meta = 50001; }\n";
    let mut resolver = MapResolver::new();
    resolver.insert("opts.proto", options);
    let params: String = (0..12)
        .rev()
        .map(|i| format!("params: {{ key: \"k{i:02}\" value: \"v{i}\" }} "))
        .collect();
    let text = format!(
        "syntax = \"proto3\";\nimport \"opts.proto\";\nmessage M {{\n  string f = 1 [(opts.meta) = {{ \
         tags: \"PII\" {params} nested: {{ key: 2 value: {{ params: {{ key: \"b\" value: \"1\" }} \
         params: {{ key: \"a\" value: \"2\" }} }} }} nested: {{ key: 1 value: {{ tags: \"x\" }} }} }}];\n}}\n"
    );
    let first = schema(&text, &resolver);
    for _ in 0..20 {
        assert_eq!(schema(&text, &resolver).canonical(), first.canonical());
    }
    let canonical = first.canonical();
    let order: Vec<usize> = (0..12)
        .map(|i| canonical.find(&format!("\"k{i:02}\"")).unwrap())
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{canonical}");
    assert!(canonical.find("key:1").unwrap() < canonical.find("key:2").unwrap());
    assert!(canonical.find("key:\"a\"").unwrap() < canonical.find("key:\"b\"").unwrap());
    // The printed text compiles back to the same canonical form.
    assert_eq!(schema(canonical, &resolver).canonical(), canonical);
}
