//! The text the Confluent Schema Registry serves for a Protobuf schema
//! registered with `normalize=true` (`ProtobufSchema.normalize()` then
//! `canonicalString()`), byte for byte.

use crate::{MapResolver, Schema, SchemaType};

const DECIMAL: &str = "syntax = \"proto3\";\npackage confluent.type;\nmessage Decimal {\n  bytes value = 1;\n  uint32 precision = 2;\n  int32 scale = 3;\n}\n";

const META: &str = "syntax = \"proto3\";\npackage confluent;\nimport \"google/protobuf/descriptor.proto\";\nmessage Meta {\n  string doc = 1;\n  map<string, string> params = 2;\n  repeated string tags = 3;\n}\nextend google.protobuf.FieldOptions {\n  Meta field_meta = 1088;\n}\n";

fn check(input: &str, expected: &str) {
    check_all(input, expected, true);
}

/// The normalized text of `input` is `expected`, and stays it when
/// normalized again; with `same_canonical`, the text read again is the
/// same schema by Charter's canonical form too.
fn check_all(input: &str, expected: &str, same_canonical: bool) {
    let mut resolver = MapResolver::new();
    resolver.insert("confluent/type/decimal.proto", DECIMAL);
    resolver.insert("confluent/meta.proto", META);
    let schema = Schema::parse(SchemaType::Protobuf, input, &resolver)
        .unwrap_or_else(|e| panic!("{e}: {input}"));
    let normalized = schema.normalized_text(input);
    assert_eq!(normalized, expected);
    // Normalizing the normalized text changes nothing, and it is the same
    // schema.
    let again = Schema::parse(SchemaType::Protobuf, &normalized, &resolver).unwrap();
    assert_eq!(again.normalized_text(&normalized), expected);
    if same_canonical {
        assert_eq!(again.canonical(), schema.canonical());
    }
}

/// Confluent `ProtobufSchemaTest.testNormalization`, its input and
/// expected text, without the one `(confluent.field_meta)` option (the peer
/// knows `confluent/meta.proto` without an import; Charter needs the import,
/// see the next test). Two changes make the input valid Protobuf, which
/// the peer's parser does not check and Charter's compiler does: a zero
/// value first in each enum (proto3 requires it; normalizing sorts the
/// values anyway), and reserved numbers that no field uses (the peer's
/// reserve 1, 10 and 11, which fields have).
#[test]
fn confluent_test_normalization() {
    let input = "syntax = \"proto3\";\npackage my.package;\n\nimport \"google/protobuf/timestamp.proto\";\nimport \"confluent/type/decimal.proto\";\n\noption java_package = \"my.package\";\noption java_outer_classname = \"Outer\";\noption java_multiple_files = true;\noption java_string_check_utf8 = true;\noption optimize_for = CODE_SIZE;\noption go_package = \"go.package\";\noption cc_generic_services = false;\noption java_generic_services = true;\noption py_generic_services = false;\noption cc_enable_arenas = true;\noption objc_class_prefix = \"objc\";\noption csharp_namespace = \"csharp\";\noption swift_prefix = \"swift\";\noption php_class_prefix = \"php\";\noption php_namespace = \"php_ns\";\noption php_metadata_namespace = \"php_md_ns\";\noption ruby_package = \"ruby\";\n\nmessage Nested {\n  confluent.type.Decimal test_cflt_decimal = 1;\n  google.protobuf.Timestamp test_timestamp = 2;\n  map<string, InnerMessage> test_map = 3;\n\n  message InnerMessage {\n    reserved \"foo\", \"bar\";\n    reserved 14, 15, 8 to 9;\n    reserved 16, 20, 29 to 31;\n  \n    option no_standard_descriptor_accessor = true;\n    option deprecated = true;\n  \n    InnerMessage.DeepMessage deep2 = 4;\n    Nested.InnerMessage.DeepMessage deep3 = 5;\n    my.package.Nested.InnerMessage.DeepMessage deep4 = 6;\n    .my.package.Nested.InnerMessage.DeepMessage deep5 = 7;\n    string id = 1 [json_name = \"id\"];\n    repeated int32 ids = 2 [packed = true];\n    DeepMessage deep1 = 3;\n  \n    oneof some_val {\n      string one_id = 12;\n      int32 other_id = 11;\n    }\n    oneof some_val2 {\n      string one_id2 = 13;\n      int32 other_id2 = 10 [\n        deprecated = true,\n        ctype = CORD,\n        jstype = JS_STRING,\n        json_name = \"otherId2\"\n      ];\n    }\n  \n    message DeepMessage {\n      string id = 1;\n    }\n    enum InnerEnum {\n      reserved 100 to 110;\n      option allow_alias = true;\n      ZERO = 0 [deprecated = true];\n      TWO = 2;\n      ONE = 1;\n      ALSO_ZERO = 0;\n    }\n  }\n}\nenum Status {\n  ACTIVE = 0;\n  INACTIVE = 1;\n}\n\nservice MyService {\n  option deprecated = true;\n\n  rpc MyMethod2 (stream Nested) returns (Nested.InnerMessage);\n  rpc MyMethod1 (Nested.InnerMessage) returns (stream Nested) {\n    option idempotency_level = NO_SIDE_EFFECTS;\n    option deprecated = true;\n  };\n}\n";
    let expected = "syntax = \"proto3\";\npackage my.package;\n\nimport \"confluent/type/decimal.proto\";\nimport \"google/protobuf/timestamp.proto\";\n\noption cc_enable_arenas = true;\noption cc_generic_services = false;\noption csharp_namespace = \"csharp\";\noption go_package = \"go.package\";\noption java_generic_services = true;\noption java_multiple_files = true;\noption java_outer_classname = \"Outer\";\noption java_package = \"my.package\";\noption java_string_check_utf8 = true;\noption objc_class_prefix = \"objc\";\noption optimize_for = CODE_SIZE;\noption php_class_prefix = \"php\";\noption php_metadata_namespace = \"php_md_ns\";\noption php_namespace = \"php_ns\";\noption py_generic_services = false;\noption ruby_package = \"ruby\";\noption swift_prefix = \"swift\";\n\nmessage Nested {\n  .confluent.type.Decimal test_cflt_decimal = 1;\n  .google.protobuf.Timestamp test_timestamp = 2;\n  map<string, .my.package.Nested.InnerMessage> test_map = 3;\n\n  message InnerMessage {\n    reserved 8 to 9;\n    reserved 14;\n    reserved 15;\n    reserved 16;\n    reserved 20;\n    reserved 29 to 31;\n    reserved \"bar\";\n    reserved \"foo\";\n  \n    option deprecated = true;\n    option no_standard_descriptor_accessor = true;\n  \n    string id = 1 [json_name = \"id\"];\n    repeated int32 ids = 2 [packed = true];\n    .my.package.Nested.InnerMessage.DeepMessage deep1 = 3;\n    .my.package.Nested.InnerMessage.DeepMessage deep2 = 4;\n    .my.package.Nested.InnerMessage.DeepMessage deep3 = 5;\n    .my.package.Nested.InnerMessage.DeepMessage deep4 = 6;\n    .my.package.Nested.InnerMessage.DeepMessage deep5 = 7;\n  \n    oneof some_val2 {\n      int32 other_id2 = 10 [\n        ctype = CORD,\n        deprecated = true,\n        json_name = \"otherId2\",\n        jstype = JS_STRING\n      ];\n      string one_id2 = 13;\n    }\n    oneof some_val {\n      int32 other_id = 11;\n      string one_id = 12;\n    }\n  \n    message DeepMessage {\n      string id = 1;\n    }\n    enum InnerEnum {\n      reserved 100 to 110;\n      option allow_alias = true;\n      ALSO_ZERO = 0;\n      ZERO = 0 [deprecated = true];\n      ONE = 1;\n      TWO = 2;\n    }\n  }\n}\nenum Status {\n  ACTIVE = 0;\n  INACTIVE = 1;\n}\n\nservice MyService {\n  option deprecated = true;\n\n  rpc MyMethod2 (stream .my.package.Nested) returns (.my.package.Nested.InnerMessage);\n  rpc MyMethod1 (.my.package.Nested.InnerMessage) returns (stream .my.package.Nested) {\n    option deprecated = true;\n    option idempotency_level = NO_SIDE_EFFECTS;\n  };\n}\n";
    // Charter's canonical form keeps the declared order of enum values and
    // of reserved statements, which the peer's normalization sorts: the
    // normalized text is another schema to Charter's identity.
    check_all(input, expected, false);
}

/// The `(confluent.field_meta)` option of Confluent's
/// `ProtobufSchemaTest.testNormalization`, with the import Charter needs:
/// a message-valued option is a block, keys sorted, a map field's entries
/// as a list of `key`/`value` blocks.
#[test]
fn confluent_test_normalization_field_meta() {
    let input = "syntax = \"proto3\";\npackage my.package;\n\nimport \"confluent/meta.proto\";\n\nmessage Nested {\n  string test = 1 [(confluent.field_meta) = {\n    params: [\n      {\n        value: \"8\",\n        key: \"precision\"\n      },\n      {\n        value: \"3\",\n        key: \"scale\"\n      }\n    ],\n    doc: \"test decimal\"\n  }];\n}\n";
    let expected = "syntax = \"proto3\";\npackage my.package;\n\nimport \"confluent/meta.proto\";\n\nmessage Nested {\n  string test = 1 [(confluent.field_meta) = {\n    doc: \"test decimal\",\n    params: [\n      {\n        key: \"precision\",\n        value: \"8\"\n      },\n      {\n        key: \"scale\",\n        value: \"3\"\n      }\n    ]\n  }];\n}\n";
    // Charter's canonical form writes a map-valued option's entries in the
    // order of a hash map, which need not be the same twice.
    check_all(input, expected, false);
}

/// Issue #13's Protobuf schema (registry `schema_text` golden): comments
/// dropped, fields by number, no blank line between `syntax` and
/// `package`, as the peer's normalizing printer writes it.
#[test]
fn proto3_without_options() {
    check(
        "syntax = \"proto3\";\npackage a.b;\n\n// A user.\nmessage User {\n  string email = 2; // where to write\n  int64 id = 1;\n}\n",
        "syntax = \"proto3\";\npackage a.b;\n\nmessage User {\n  int64 id = 1;\n  string email = 2;\n}\n",
    );
}

/// Worked out from `ProtobufSchemaUtils.toString` with `normalize`: a
/// proto2 file is written without its `syntax` statement, labels as
/// declared, defaults among the options (a string escaped the peer's way),
/// groups in a section of their own after the fields.
#[test]
fn proto2_defaults_and_groups() {
    check(
        "syntax = \"proto2\";\npackage p;\nmessage M {\n  optional string name = 2 [default = \"a\\\"b\"];\n  required int32 id = 1;\n  optional group Extra = 3 {\n    optional int32 x = 4;\n  }\n  optional double ratio = 5 [default = 1.5];\n}\n",
        "package p;\n\nmessage M {\n  required int32 id = 1;\n  optional string name = 2 [default = \"a\\\"b\"];\n  optional double ratio = 5 [default = 1.5];\n\n  optional group Extra = 3 {\n    optional int32 x = 4;\n  }\n}\n",
    );
}
