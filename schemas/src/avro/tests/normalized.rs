//! The text the Confluent Schema Registry serves for an Avro schema
//! registered with `normalize=true` (`AvroSchema.normalize()` then
//! `canonicalString()`), byte for byte. Cases named after a Confluent test
//! are that test's input and expected text; the others are worked out from
//! the peer's `AvroSchemaUtils.toNormalizedString` and Avro Java's
//! `Schema.toString`, as the comments say.

use crate::avro::AvroSchema;
use crate::{MapResolver, NoReferences, Resolver};

/// The normalized text of `input` is `expected`, and normalizing it
/// again changes nothing; the schema it is read as is `input`'s, unless
/// the peer's normalization itself loses something (`lossy`).
fn check_all(input: &str, resolver: &dyn Resolver, expected: &str, lossy: bool) {
    let schema = AvroSchema::parse(input, resolver).unwrap_or_else(|e| panic!("{e}: {input}"));
    let normalized = schema.normalized_text();
    assert_eq!(normalized, expected, "{input}");
    let again = AvroSchema::parse(&normalized, resolver).unwrap();
    assert_eq!(again.normalized_text(), expected, "{input}");
    // A normalized text is its own `canonicalString()`, as in the peer,
    // which stores one and compares the other.
    assert_eq!(again.canonical_string(), expected, "{input}");
    assert_eq!(again.canonical() == schema.canonical(), !lossy, "{input}");
}

fn check_with(input: &str, resolver: &dyn Resolver, expected: &str) {
    check_all(input, resolver, expected, false);
}

fn check(input: &str, expected: &str) {
    check_with(input, &NoReferences, expected);
}

/// Like [`check`], for a Confluent test that also asserts the schema's
/// `canonicalString()` before normalizing is `expected`.
fn check_both(input: &str, expected: &str) {
    check(input, expected);
    let schema = AvroSchema::parse(input, &NoReferences).unwrap();
    assert_eq!(schema.canonical_string(), expected, "{input}");
}

/// Confluent `AvroSchemaTest.testNormalization`.
#[test]
fn confluent_test_normalization() {
    check_both(
        r#"{"type":"record","name":"myrecord","doc":"hi\"there","fields":[{"type":"string","name":"f1","doc":"bye\"now"}]}"#,
        r#"{"type":"record","name":"myrecord","doc":"hi\"there","fields":[{"name":"f1","type":"string","doc":"bye\"now"}]}"#,
    );
}

/// Confluent `AvroSchemaTest.testNormalizationPreservesMetadataForPrimitiveTypes`.
#[test]
fn confluent_test_normalization_preserves_metadata_for_primitive_types() {
    check_both(
        r#"{"connect.name": "some.scope.Envelope","fields": [{"default": null,"name": "before","type": ["null",{"connect.name": "some.scope.Value","fields": [{"name": "created_at","type": {"connect.name": "io.debezium.time.Timestamp","connect.version": 1,"type": "long"}},{"name":"normal_long","type":"long"}],"name": "Value","type": "record"}]},{"default": null,"name": "after","type": ["null","Value"]}],"name": "Envelope","namespace": "some.scope","type": "record"}"#,
        r#"{"type":"record","name":"Envelope","namespace":"some.scope","fields":[{"name":"before","type":["null",{"type":"record","name":"Value","fields":[{"name":"created_at","type":{"type":"long","connect.name":"io.debezium.time.Timestamp","connect.version":1}},{"name":"normal_long","type":"long"}],"connect.name":"some.scope.Value"}],"default":null},{"name":"after","type":["null","Value"],"default":null}],"connect.name":"some.scope.Envelope"}"#,
    );
}

/// Confluent `RestApiTest.testNormalizeConfigFallbackAppliedOutsideImportMode`
/// (whose comment says it: normalizing sorts a field's properties, `aprop`
/// before `zprop`).
#[test]
fn confluent_rest_api_normalize_sorts_field_properties() {
    check(
        r#"{"type":"record","name":"myrecord","fields":[{"type":"string","name":"field1","zprop":"z","aprop":"a"}]}"#,
        r#"{"type":"record","name":"myrecord","fields":[{"name":"field1","type":"string","aprop":"a","zprop":"z"}]}"#,
    );
}

/// Confluent `RestApiTest.testSchemaNormalization`: two spellings of one
/// schema with references (`{"type":"int"}` and `"int"`, the keys of a
/// property in two orders) normalize to one text; referenced types are
/// written by name.
#[test]
fn confluent_rest_api_schema_normalization_with_references() {
    let mut resolver = MapResolver::new();
    resolver.insert(
        "otherns.Subrecord1",
        r#"{"type":"record","name":"Subrecord1","namespace":"otherns","fields":[{"name":"field1","type":"string"}]}"#,
    );
    resolver.insert(
        "otherns.Subrecord2",
        r#"{"type":"record","name":"Subrecord2","namespace":"otherns","fields":[{"name":"field2","type":"string"}]}"#,
    );
    let expected = r#"{"type":"record","name":"myrecord","fields":[{"name":"field0","type":"int"},{"name":"field1","type":"otherns.Subrecord1"},{"name":"field2","type":"otherns.Subrecord2"}],"extraMetadata":{"a":1,"b":2}}"#;
    check_with(
        r#"{"type":"record","name":"myrecord","fields":[{"type":{"type":"int"},"name":"field0"},{"name":"field1","type":"otherns.Subrecord1"},{"name":"field2","type":"otherns.Subrecord2"}],"extraMetadata": {"a": 1, "b": 2}}"#,
        &resolver,
        expected,
    );
    check_with(
        r#"{"type":"record","name":"myrecord","fields":[{"type":"int","name":"field0"},{"name":"field1","type":"otherns.Subrecord1"},{"name":"field2","type":"otherns.Subrecord2"}],"extraMetadata": {"b": 2, "a": 1}}"#,
        &resolver,
        expected,
    );
}

/// Issue #13's example: the name stays short with its `namespace` (the
/// normalized text goes through Avro Java's `Schema.toString`).
#[test]
fn names_keep_their_namespace() {
    check(
        r#"{ "name": "User", "namespace": "a.b", "type": "record", "doc": "A user.",
            "fields": [ {"name": "id", "type": "long"},
                        {"default": null, "name": "email", "type": ["null", "string"]} ] }"#,
        r#"{"type":"record","name":"User","namespace":"a.b","doc":"A user.","fields":[{"name":"id","type":"long"},{"name":"email","type":["null","string"],"default":null}]}"#,
    );
}

/// Worked out from `toNormalizedString` and Avro Java: a logical type's
/// properties first, then the others sorted; an empty type doc dropped;
/// defaults read as Java values of the field's type (a `double` default
/// `1` is `1.0`, map keys sorted); type aliases sorted and written relative
/// to the namespace, field aliases sorted after `order`; a nested type in
/// the enclosing namespace written short, in another one with its own.
#[test]
fn logical_types_defaults_and_aliases_follow_avro_java() {
    check(
        r#"{"namespace":"com.acme","name":"Order","type":"record","aliases":["x.Legacy","Old"],
            "fields":[
              {"name":"amount","type":{"type":"bytes","scale":2,"precision":9,"logicalType":"decimal","connect.name":"d"},"default":"\u0000"},
              {"name":"at","type":{"logicalType":"timestamp-millis","type":"long","a":1}},
              {"name":"ratio","type":"double","default":1},
              {"name":"f","type":"float","default":0.1},
              {"name":"line","type":{"type":"record","name":"Line","fields":[{"name":"sku","type":"string"}]}},
              {"name":"other","type":{"type":"enum","name":"Kind","namespace":"y","symbols":["A","B"],"default":"A","doc":"k"}},
              {"name":"again","type":["null","Line"],"default":null,"aliases":["z","b"],"order":"descending"},
              {"name":"m","type":{"type":"map","values":"int"},"default":{"b":1,"a":2}}
            ]}"#,
        concat!(
            r#"{"type":"record","name":"Order","namespace":"com.acme","fields":["#,
            r#"{"name":"amount","type":{"type":"bytes","logicalType":"decimal","precision":9,"scale":2,"connect.name":"d"},"default":"\u0000"},"#,
            r#"{"name":"at","type":{"type":"long","logicalType":"timestamp-millis","a":1}},"#,
            r#"{"name":"ratio","type":"double","default":1.0},"#,
            r#"{"name":"f","type":"float","default":0.1},"#,
            r#"{"name":"line","type":{"type":"record","name":"Line","fields":[{"name":"sku","type":"string"}]}},"#,
            r#"{"name":"other","type":{"type":"enum","name":"Kind","namespace":"y","doc":"k","symbols":["A","B"],"default":"A"}},"#,
            r#"{"name":"again","type":["null","Line"],"default":null,"order":"descending","aliases":["b","z"]},"#,
            r#"{"name":"m","type":{"type":"map","values":"int"},"default":{"a":2,"b":1}}"#,
            r#"],"aliases":["Old","x.Legacy"]}"#,
        ),
    );
}

/// Worked out from `toNormalizedString`, where the peer's normalization
/// changes the schema: every name is written in full without `namespace`,
/// and read again inside the enclosing record, so a type of the null
/// namespace defined there moves into its namespace; the type of an
/// `error` is written `record`; an empty type doc is dropped, and so are
/// the reserved attributes of a primitive.
#[test]
fn the_round_trip_through_full_names_is_reproduced() {
    let lossy = |input: &str, expected: &str| check_all(input, &NoReferences, expected, true);
    lossy(
        r#"{"type":"record","name":"R","namespace":"n","fields":[{"name":"a","type":{"type":"record","name":"S","namespace":"","fields":[]}},{"name":"b","type":"S"}]}"#,
        r#"{"type":"record","name":"R","namespace":"n","fields":[{"name":"a","type":{"type":"record","name":"S","fields":[]}},{"name":"b","type":"S"}]}"#,
    );
    lossy(
        r#"{"type":"error","name":"E","fields":[]}"#,
        r#"{"type":"record","name":"E","fields":[]}"#,
    );
    lossy(
        r#"{"type":"record","name":"E","doc":"","fields":[]}"#,
        r#"{"type":"record","name":"E","fields":[]}"#,
    );
    // A primitive's reserved attributes are no properties of it in Avro
    // Java (Charter's canonical form keeps them).
    lossy(r#"{"type":"string","doc":"ignored"}"#, r#""string""#);
}
