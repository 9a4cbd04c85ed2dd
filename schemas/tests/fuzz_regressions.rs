//! Findings of the fuzz targets (`fuzz/`, see FUZZING.md), one test each,
//! named after what was found. The inputs libFuzzer wrote are kept in
//! `fuzz/artifacts-regressions/<target>/`; each test feeds its input the
//! way the target did and asserts the clear answer the core now gives.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use prost_reflect::prost::Message;
use prost_reflect::prost_types::descriptor_proto::ExtensionRange;
use prost_reflect::prost_types::{
    FileDescriptorProto, MethodDescriptorProto, ServiceDescriptorProto,
};
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

/// `protobuf_descriptor` (a mutation of the seeds, found while measuring
/// the target's speed): a field whose type is its message's map entry but
/// whose label is not `repeated` (one byte of a seed, the label 3 made 7)
/// linked, and the printed text named the entry, which the text never
/// declares, so it did not parse again. The same entry without its key or
/// value field panicked in prost-reflect's accessors while printing. Such
/// uses of a map entry are refused as protoc refuses them; the seed itself
/// is a map.
#[test]
fn fuzz_protobuf_descriptor_map_entry_not_repeated() {
    use prost_reflect::prost_types::field_descriptor_proto::Label;
    let found = include_bytes!(
        "../../fuzz/artifacts-regressions/protobuf_descriptor/map-entry-not-repeated"
    );
    let parse = |descriptor: &FileDescriptorProto| {
        Schema::parse(
            SchemaType::Protobuf,
            &STANDARD.encode(descriptor.encode_to_vec()),
            &NoReferences,
        )
        .map_err(|e| e.to_string())
    };
    let refused = |problem: &str| {
        format!(
            "invalid Protobuf schema: schema.proto is not a base64 serialized \
             FileDescriptorProto: the field \"shop.v1.Order.counts\" has the map entry \
             \"shop.v1.Order.CountsEntry\" as its type, which .proto text cannot write: \
             {problem}"
        )
    };
    let err =
        Schema::parse(SchemaType::Protobuf, &STANDARD.encode(found), &NoReferences).unwrap_err();
    assert_eq!(err.to_string(), refused("the field is not repeated"));

    let mut descriptor = FileDescriptorProto::decode(&found[..]).unwrap();
    descriptor.message_type[0].field[0].set_label(Label::Repeated);
    let schema = Schema::parse(
        SchemaType::Protobuf,
        &STANDARD.encode(descriptor.encode_to_vec()),
        &NoReferences,
    )
    .unwrap();
    assert!(
        schema
            .canonical()
            .contains("map<string, int32> counts = 1;"),
        "{}",
        schema.canonical()
    );
    let again = Schema::parse(SchemaType::Protobuf, schema.canonical(), &NoReferences).unwrap();
    assert_eq!(again.canonical(), schema.canonical());

    let entry = &descriptor.message_type[0].nested_type[0];
    let (key, value) = (entry.field[0].clone(), entry.field[1].clone());
    let shape = "the entry does not hold exactly an optional key = 1 and value = 2";
    for fields in [vec![value], vec![key], vec![]] {
        let mut without = descriptor.clone();
        without.message_type[0].nested_type[0].field = fields;
        assert_eq!(parse(&without).unwrap_err(), refused(shape));
    }
    let mut repeated_key = descriptor.clone();
    repeated_key.message_type[0].nested_type[0].field[0].set_label(Label::Repeated);
    assert_eq!(parse(&repeated_key).unwrap_err(), refused(shape));
    let mut renamed = descriptor.clone();
    renamed.message_type[0].field[0].name = Some("tally".into());
    renamed.message_type[0].field[0].json_name = Some("tally".into());
    assert_eq!(
        parse(&renamed).unwrap_err(),
        refused("the entry is not named after the field").replace("Order.counts", "Order.tally")
    );

    let mut rpc = descriptor.clone();
    rpc.service.push(ServiceDescriptorProto {
        name: Some("Orders".into()),
        method: vec![MethodDescriptorProto {
            name: Some("Count".into()),
            input_type: Some(".shop.v1.Order.CountsEntry".into()),
            output_type: Some(".shop.v1.Order".into()),
            ..Default::default()
        }],
        ..Default::default()
    });
    assert!(
        parse(&rpc).unwrap_err().ends_with(
            "the method \"shop.v1.Orders.Count\" takes or returns the map entry \
             \"shop.v1.Order.CountsEntry\", which .proto text cannot name"
        ),
        "{rpc:?}"
    );
    let mut extension = descriptor.clone();
    extension.syntax = Some("proto2".into());
    extension.message_type[0]
        .extension_range
        .push(ExtensionRange {
            start: Some(100),
            end: Some(200),
            options: None,
        });
    let mut field = descriptor.message_type[0].field[0].clone();
    field.name = Some("extra".into());
    field.json_name = Some("extra".into());
    field.number = Some(100);
    field.extendee = Some(".shop.v1.Order".into());
    extension.extension.push(field);
    assert!(
        parse(&extension).unwrap_err().ends_with(
            "the extension \"shop.v1.extra\" has the map entry \
             \"shop.v1.Order.CountsEntry\" as its type, where an extension cannot be a map"
        ),
        "{extension:?}"
    );
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
