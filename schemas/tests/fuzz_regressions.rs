//! Findings of the fuzz targets (`fuzz/`, see FUZZING.md), one test each,
//! named after what was found. The inputs libFuzzer wrote are kept in
//! `fuzz/artifacts-regressions/<target>/`; each test feeds its input the
//! way the target did and asserts the clear answer the core now gives.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use prost_reflect::prost::Message;
use prost_reflect::prost_types::FileDescriptorProto;
use schemas::{NoReferences, Schema, SchemaType};

/// `protobuf_descriptor`: a serialized `FileDescriptorProto` whose `syntax`
/// is neither proto2 nor proto3 (here `proto1`, one mutated byte of a real
/// descriptor) panicked in prost-reflect while the registry parsed it.
#[test]
fn fuzz_protobuf_descriptor_unknown_syntax() {
    let found =
        include_bytes!("../../fuzz/artifacts-regressions/protobuf_descriptor/unknown-syntax");
    let mut descriptor = FileDescriptorProto::decode(&found[..]).unwrap();
    assert_eq!(descriptor.syntax(), "proto1");
    let mut inputs = vec![found.to_vec()];
    for syntax in ["editions", ""] {
        descriptor.syntax = Some(syntax.to_string());
        inputs.push(descriptor.encode_to_vec());
    }
    for (input, syntax) in inputs.iter().zip(["proto1", "editions", ""]) {
        let err = Schema::parse(SchemaType::Protobuf, &STANDARD.encode(input), &NoReferences)
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "invalid Protobuf schema: schema.proto is not a base64 serialized \
                 FileDescriptorProto: its syntax is {syntax:?}, not \"proto2\" or \"proto3\""
            )
        );
    }
    // The same descriptor with its syntax put right is a schema.
    descriptor.syntax = Some("proto3".to_string());
    let schema = Schema::parse(
        SchemaType::Protobuf,
        &STANDARD.encode(descriptor.encode_to_vec()),
        &NoReferences,
    )
    .unwrap();
    assert_eq!(schema.message_names(), ["shop.v1.Order"]);
}

/// `protobuf_descriptor`: a serialized descriptor may carry names `.proto`
/// text cannot (here the field `` i` ``); prost-reflect links it, and the
/// schema's canonical form, its `.proto` text, then did not parse again, so
/// a registry would have stored a schema it cannot read back.
#[test]
fn fuzz_protobuf_descriptor_name_not_an_identifier() {
    let found = include_bytes!(
        "../../fuzz/artifacts-regressions/protobuf_descriptor/field-name-not-an-identifier"
    );
    let parse = |descriptor: &FileDescriptorProto| {
        Schema::parse(
            SchemaType::Protobuf,
            &STANDARD.encode(descriptor.encode_to_vec()),
            &NoReferences,
        )
    };
    let mut descriptor = FileDescriptorProto::decode(&found[..]).unwrap();
    assert_eq!(descriptor.message_type[0].field[0].name(), "i`");
    let refused = |descriptor: &FileDescriptorProto, name: &str| {
        assert_eq!(
            parse(descriptor).unwrap_err().to_string(),
            format!(
                "invalid Protobuf schema: schema.proto is not a base64 serialized \
                 FileDescriptorProto: {name:?} is not a Protobuf identifier"
            )
        );
    };
    refused(&descriptor, "i`");
    descriptor.message_type[0].field[0].name = Some("id".into());
    let schema = parse(&descriptor).unwrap();
    let again = Schema::parse(SchemaType::Protobuf, schema.canonical(), &NoReferences).unwrap();
    assert_eq!(again.canonical(), schema.canonical());
    // Other names the text prints are held to the same rule.
    let mut package = descriptor.clone();
    package.package = Some("shop..v1".into());
    refused(&package, "shop..v1");
    let mut message = descriptor.clone();
    message.message_type[1].name = Some("1Cancelled".into());
    refused(&message, "1Cancelled");
}

/// `protobuf_descriptor`: a reserved name of a serialized descriptor (here
/// the bytes of a field moved into `reserved_name`) is printed as a string
/// in the canonical `.proto` text, whose parser wants an identifier there,
/// so the canonical form did not parse again.
#[test]
fn fuzz_protobuf_descriptor_reserved_name_not_an_identifier() {
    let found = include_bytes!(
        "../../fuzz/artifacts-regressions/protobuf_descriptor/reserved-name-not-an-identifier"
    );
    let mut descriptor = FileDescriptorProto::decode(&found[..]).unwrap();
    let reserved = descriptor.message_type[0].reserved_name[0].clone();
    let err =
        Schema::parse(SchemaType::Protobuf, &STANDARD.encode(found), &NoReferences).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "invalid Protobuf schema: schema.proto is not a base64 serialized \
             FileDescriptorProto: {reserved:?} is not a Protobuf identifier"
        )
    );
    descriptor.message_type[0].reserved_name = vec!["status".into()];
    let schema = Schema::parse(
        SchemaType::Protobuf,
        &STANDARD.encode(descriptor.encode_to_vec()),
        &NoReferences,
    )
    .unwrap();
    let again = Schema::parse(SchemaType::Protobuf, schema.canonical(), &NoReferences).unwrap();
    assert_eq!(again.canonical(), schema.canonical());
}

/// `protobuf_descriptor` (long run of 2026-12-07): a serialized descriptor
/// may declare a map whose key is `bytes` (its map entry's field 1), which
/// prost-reflect links; the printed `map<bytes, string>` then did not parse
/// again. Such a map is refused, as `.proto` text refuses it; with a string
/// key the same descriptor is a schema.
#[test]
fn fuzz_protobuf_descriptor_map_key_bytes() {
    let found =
        include_bytes!("../../fuzz/artifacts-regressions/protobuf_descriptor/map-key-bytes");
    let parse = |descriptor: &FileDescriptorProto| {
        Schema::parse(
            SchemaType::Protobuf,
            &STANDARD.encode(descriptor.encode_to_vec()),
            &NoReferences,
        )
    };
    let err =
        Schema::parse(SchemaType::Protobuf, &STANDARD.encode(found), &NoReferences).unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid Protobuf schema: schema.proto is not a base64 serialized FileDescriptorProto: \
         the map entry \"AttributesEntry\" has a key of type bytes, where a map key must be an \
         integer, boolean or string type"
    );
    let mut descriptor = FileDescriptorProto::decode(&found[..]).unwrap();
    let entry = descriptor
        .message_type
        .iter_mut()
        .flat_map(|m| m.nested_type.iter_mut())
        .find(|m| m.name() == "AttributesEntry")
        .expect("the map entry");
    entry.field[0].set_type(prost_reflect::prost_types::field_descriptor_proto::Type::String);
    let schema = parse(&descriptor).unwrap();
    assert!(
        schema
            .canonical()
            .contains("map<string, string> attributes = 17;")
    );
    let again = Schema::parse(SchemaType::Protobuf, schema.canonical(), &NoReferences).unwrap();
    assert_eq!(again.canonical(), schema.canonical());
}

/// `json_schema` (long run of 2026-12-07): a `pattern` with the repetition
/// count 18446744073709551614 overflowed an addition in fancy-regex's
/// analysis (a panic where overflow is checked, a wrong match size where it
/// is not). A pattern whose shortest match passes 2^32 - 1 characters is
/// now refused at parse, naming the keyword; the same schema with a count
/// a string can meet is a schema.
#[test]
fn fuzz_json_schema_pattern_repeat_count_overflow() {
    let found =
        include_str!("../../fuzz/artifacts-regressions/json_schema/pattern-repeat-count-overflow");
    let err = Schema::parse(SchemaType::Json, found, &NoReferences).unwrap_err();
    let message = err.to_string();
    assert!(
        message.contains("/properties/sku/pattern")
            && message.contains("more than 4294967295 characters"),
        "{message}"
    );
    let fixed = found.replace("18446744073709551614", "3");
    let schema = Schema::parse(SchemaType::Json, &fixed, &NoReferences).unwrap();
    assert!(schema.canonical().contains("AZY{"));
}
