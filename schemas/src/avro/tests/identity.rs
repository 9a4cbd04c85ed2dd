//! The Confluent Schema Registry's `canonicalString()` of an Avro schema
//! registered without `normalize` (Avro Java's `Schema.toString` of the
//! schema as parsed), over which the peer tells one schema from another,
//! worked out from Avro Java's `Schema.Parser` and `Schema.toJson`, as the
//! comments say. The Confluent tests of `canonicalString()` are with the
//! normalized text's (`normalized.rs`), which they assert too.

use crate::avro::AvroSchema;
use crate::{MapResolver, NoReferences, Resolver};

/// Every spelling in `inputs` prints as `expected`, and `expected` prints
/// as itself.
fn check_with(inputs: &[&str], resolver: &dyn Resolver, expected: &str) {
    for input in inputs.iter().chain([&expected]) {
        let schema = AvroSchema::parse(input, resolver).unwrap_or_else(|e| panic!("{e}: {input}"));
        assert_eq!(schema.canonical_string(), expected, "{input}");
    }
}

fn check(inputs: &[&str], expected: &str) {
    check_with(inputs, &NoReferences, expected);
}

/// The spellings issue #13 names: key order, a primitive as
/// an object, the namespace inside the name or beside it.
#[test]
fn key_order_primitive_objects_and_namespaces_print_alike() {
    check(
        &[
            r#"{"name":"A","type":"record","fields":[{"type":"int","name":"x"}]}"#,
            r#"{"fields":[{"name":"x","type":{"type":"int"}}],"type":"record","name":"A"}"#,
        ],
        r#"{"type":"record","name":"A","fields":[{"name":"x","type":"int"}]}"#,
    );
    check(
        &[r#"{"type":"string"}"#, r#"{"type": "string"}"#],
        r#""string""#,
    );
    check(
        &[
            r#"{"type":"record","name":"a.b.A","fields":[]}"#,
            r#"{"namespace":"a.b","name":"A","type":"record","fields":[]}"#,
            r#"{"type":"record","name":"a.b.A","namespace":"ignored.here","fields":[]}"#,
        ],
        r#"{"type":"record","name":"A","namespace":"a.b","fields":[]}"#,
    );
    // A nested type in its enclosing namespace is written short, in another
    // with its own; a reference to it by its full name is written short too.
    check(
        &[
            r#"{"type":"record","name":"a.R","fields":[{"name":"s","type":{"type":"record","name":"a.S","fields":[]}},{"name":"t","type":"a.S"}]}"#,
        ],
        r#"{"type":"record","name":"R","namespace":"a","fields":[{"name":"s","type":{"type":"record","name":"S","fields":[]}},{"name":"t","type":"S"}]}"#,
    );
}

/// Unlike the normalized text, properties and aliases stay in the
/// document's order and values as Jackson reads them: integers as written,
/// other numbers as `Double.toString` writes them, objects unsorted.
#[test]
fn properties_aliases_and_values_keep_their_order_and_jacksons_numbers() {
    check(
        &[
            r#"{"zz":1,"type":"record","aliases":["Z","A"],"name":"n.R","aa":{"y":1.50,"x":1e2},"fields":[
                {"name":"d","type":"double","default":1,"z":"1","a":"2","aliases":["z","b"]},
                {"name":"e","type":"double","default":1.50},
                {"name":"n","type":"double","default":"NaN"},
                {"name":"t","type":{"connect.version":1,"logicalType":"timestamp-millis","type":"long"}}]}"#,
        ],
        concat!(
            r#"{"type":"record","name":"R","namespace":"n","fields":["#,
            r#"{"name":"d","type":"double","default":1,"aliases":["z","b"],"z":"1","a":"2"},"#,
            r#"{"name":"e","type":"double","default":1.5},"#,
            r#"{"name":"n","type":"double","default":"NaN"},"#,
            r#"{"name":"t","type":{"type":"long","connect.version":1,"logicalType":"timestamp-millis"}}"#,
            r#"],"zz":1,"aa":{"y":1.5,"x":100.0},"aliases":["Z","A"]}"#,
        ),
    );
}

/// What the normalized text changes and `Schema.toString` does not: a type
/// of the null namespace inside a namespaced record keeps `"namespace":""`,
/// an `error` stays one, an empty doc is written.
#[test]
fn the_null_namespace_errors_and_empty_docs_are_kept() {
    check(
        &[
            r#"{"type":"record","name":"R","namespace":"n","fields":[{"name":"a","type":{"type":"record","name":"S","namespace":"","fields":[]}},{"name":"b","type":"S"}]}"#,
        ],
        r#"{"type":"record","name":"R","namespace":"n","fields":[{"name":"a","type":{"type":"record","name":"S","namespace":"","fields":[]}},{"name":"b","type":"S"}]}"#,
    );
    check(
        &[r#"{"name":"E","type":"error","doc":"","fields":[]}"#],
        r#"{"type":"error","name":"E","doc":"","fields":[]}"#,
    );
    // A primitive's reserved attributes are no properties in Avro Java.
    check(&[r#"{"type":"string","doc":"ignored"}"#], r#""string""#);
}

/// `toString(referencedSchemas)`: the top type of a referenced schema is
/// written by name; a type nested in one is written out where first used,
/// as Avro Java, which knows only the referenced schemas' own names, does.
#[test]
fn referenced_types_are_written_by_name_when_their_schema_is_named_after_them() {
    let mut resolver = MapResolver::new();
    resolver.insert(
        "other.Outer",
        r#"{"type":"record","name":"Outer","namespace":"other","fields":[{"name":"i","type":{"type":"record","name":"Inner","fields":[]}}]}"#,
    );
    let input = r#"{"fields":[{"name":"o","type":"other.Outer"},{"name":"i","type":"other.Inner"}],"name":"R","type":"record"}"#;
    let schema = AvroSchema::parse(input, &resolver).unwrap();
    assert_eq!(
        schema.canonical_string(),
        r#"{"type":"record","name":"R","fields":[{"name":"o","type":"other.Outer"},{"name":"i","type":{"type":"record","name":"Inner","namespace":"other","fields":[]}}]}"#,
    );
}
