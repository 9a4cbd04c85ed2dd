//! Parsing: what is accepted, and the error (with its place) for what is not.

use crate::avro::AvroSchema;
use crate::{MapResolver, NoReferences, Resolver};

/// Parses `text`; `Ok` with the normalized form, `Err` with the message.
fn check(text: &str) -> Result<String, String> {
    check_with(&NoReferences, text)
}

fn check_with(resolver: &dyn Resolver, text: &str) -> Result<String, String> {
    AvroSchema::parse(text, resolver)
        .map(|s| s.canonical().to_string())
        .map_err(|e| e.to_string())
}

fn error(text: &str) -> String {
    check(text).expect_err("the schema should be refused")
}

fn record(fields: &str) -> String {
    format!(r#"{{"type":"record","name":"R","namespace":"com.acme","fields":[{fields}]}}"#)
}

#[test]
fn every_kind_of_type_parses() {
    let text = r#"{
      "type": "record", "name": "Order", "namespace": "com.acme", "doc": "An order.",
      "aliases": ["Purchase"],
      "fields": [
        {"name": "id", "type": {"type": "string", "logicalType": "uuid"}},
        {"name": "at", "type": {"type": "long", "logicalType": "timestamp-millis"}},
        {"name": "total", "type": {"type": "bytes", "logicalType": "decimal", "precision": 10, "scale": 2}},
        {"name": "status", "type": {"type": "enum", "name": "Status", "symbols": ["NEW", "PAID"], "default": "NEW"}},
        {"name": "hash", "type": {"type": "fixed", "name": "Hash", "size": 4}},
        {"name": "lines", "type": {"type": "array", "items": {"type": "record", "name": "Line", "fields": [
            {"name": "sku", "type": "string"}, {"name": "qty", "type": "int", "default": 1}]}}},
        {"name": "tags", "type": {"type": "map", "values": "string"}, "default": {}},
        {"name": "note", "type": ["null", "string"], "default": null, "order": "ignore"},
        {"name": "next", "type": ["null", "Order"], "default": null},
        {"name": "again", "type": "com.acme.Line", "default": {"sku": "x"}},
        {"name": "rate", "type": "double", "default": "NaN"},
        {"name": "flag", "type": "boolean", "default": true, "x-custom": [1, 2]}
      ]
    }"#;
    let schema = AvroSchema::parse(text, &NoReferences).unwrap();
    assert_eq!(schema.name(), Some("com.acme.Order"));
    assert!(schema.references().is_empty());
}

#[test]
fn names_are_qualified_by_the_enclosing_namespace() {
    let text = record(
        r#"{"name":"a","type":{"type":"enum","name":"E","symbols":["X"]}},
           {"name":"b","type":"E"},
           {"name":"c","type":{"type":"fixed","name":"other.F","size":2}},
           {"name":"d","type":"other.F"},
           {"name":"e","type":{"type":"record","name":"G","namespace":"","fields":[]}},
           {"name":"f","type":"G"}"#,
    );
    let canonical = check(&text).unwrap();
    assert!(canonical.contains(r#""name":"com.acme.E""#), "{canonical}");
    assert!(canonical.contains(r#""name":"other.F""#), "{canonical}");
    // A null-namespace type inside a namespaced one keeps `"namespace":""`.
    assert!(
        canonical.contains(r#""name":"G","namespace":"""#),
        "{canonical}"
    );
}

#[test]
fn invalid_json_says_where() {
    assert_eq!(
        error("{\"type\": \"record\",\n \"name\": }"),
        "invalid Avro schema: invalid JSON at line 2, column 10: expected value"
    );
}

#[test]
fn unknown_types_say_what_was_looked_for() {
    assert_eq!(
        error(&record(r#"{"name":"a","type":"Address"}"#)),
        "invalid Avro schema at #/fields/0/type: unknown type `Address` (looked for com.acme.Address, Address)"
    );
    assert_eq!(
        error(r#"{"type":"array","items":"strin"}"#),
        "invalid Avro schema at #/items: unknown type `strin` (looked for strin)"
    );
}

#[test]
fn a_record_that_always_contains_itself_is_refused() {
    assert_eq!(
        error(
            r#"{"type":"record","name":"Node","fields":[{"name":"value","type":"int"},{"name":"next","type":"Node"}]}"#
        ),
        "invalid Avro schema at #: `Node` has no finite value: field `next` always needs another value of a type without a finite value, so every `Node` contains another without end (make the field nullable, e.g. [\"null\", ...], or an array or map)"
    );
    // Two records that need each other, through a union of the two.
    let mutual = r#"{"type":"record","name":"A","fields":[{"name":"b","type":{"type":"record","name":"B","fields":[{"name":"a","type":["A"]}]}}]}"#;
    assert!(
        error(mutual).contains("has no finite value"),
        "{}",
        error(mutual)
    );
    // A union, array or map ends the chain.
    for escape in [
        r#"["null","Node"]"#,
        r#"{"type":"array","items":"Node"}"#,
        r#"{"type":"map","values":"Node"}"#,
    ] {
        let text = format!(
            r#"{{"type":"record","name":"Node","fields":[{{"name":"next","type":{escape}}}]}}"#
        );
        check(&text).unwrap();
    }
}

#[test]
fn duplicate_fields_symbols_and_definitions_are_refused() {
    assert_eq!(
        error(&record(
            r#"{"name":"a","type":"int"},{"name":"a","type":"long"}"#
        )),
        "invalid Avro schema at #/fields/1/name: record `com.acme.R` has two fields named `a`"
    );
    assert_eq!(
        error(r#"{"type":"enum","name":"E","symbols":["A","B","A"]}"#),
        "invalid Avro schema at #/symbols/2: enum `E` lists `A` twice"
    );
    assert_eq!(
        error(&record(
            r#"{"name":"a","type":{"type":"fixed","name":"R","size":1}}"#
        )),
        "invalid Avro schema at #/fields/0/type/name: `com.acme.R` is already defined at #"
    );
}

#[test]
fn bad_names_are_refused() {
    let cases = [
        (
            r#"{"type":"fixed","name":"1x","size":1}"#,
            "at #/name: `1x` is not a valid name",
        ),
        (
            r#"{"type":"fixed","name":"x","namespace":"a..b","size":1}"#,
            "at #/namespace: `a..b` is not a valid namespace",
        ),
        (
            r#"{"type":"record","name":"int","fields":[]}"#,
            "a primitive type name cannot be redefined",
        ),
        (
            r#"{"type":"enum","name":"E","symbols":["ok","not ok"]}"#,
            "at #/symbols/1: `not ok` is not a valid enum symbol",
        ),
        (
            r#"{"type":"record","name":"R","fields":[{"name":"a-b","type":"int"}]}"#,
            "at #/fields/0/name: `a-b` is not a valid field name",
        ),
        (
            r#"{"type":"record","name":"R","aliases":["x y"],"fields":[]}"#,
            "at #/aliases/0: `x y` is not a valid alias",
        ),
    ];
    for (text, expected) in cases {
        let message = error(text);
        assert!(message.contains(expected), "{text}: {message}");
    }
}

#[test]
fn invalid_defaults_say_where_and_why() {
    let cases = [
        (
            r#"{"name":"n","type":"int","default":"x"}"#,
            r#"at #/fields/0/default: invalid default: field `n`: expected an int (a 32-bit integer), found "x""#,
        ),
        (
            r#"{"name":"n","type":"int","default":2147483648}"#,
            "expected an int (a 32-bit integer), found 2147483648",
        ),
        (
            r#"{"name":"n","type":"long","default":1.5}"#,
            "expected a long (a 64-bit integer), found 1.5",
        ),
        (
            r#"{"name":"u","type":["null","string"],"default":1}"#,
            "field `u`: 1 fits no branch of the union [null, string]",
        ),
        (
            r#"{"name":"b","type":"bytes","default":"\u0100"}"#,
            "bytes are a string of code points U+0000 to U+00FF",
        ),
        (
            r#"{"name":"f","type":{"type":"fixed","name":"F","size":2},"default":"abc"}"#,
            "`com.acme.F` is 2 bytes, found 3 bytes",
        ),
        (
            r#"{"name":"e","type":{"type":"enum","name":"E","symbols":["A"]},"default":"B"}"#,
            "`B` is not a symbol of `com.acme.E` (A)",
        ),
        (
            r#"{"name":"l","type":{"type":"array","items":"int"},"default":[1,"2"]}"#,
            r#"field `l`: at /1: expected an int (a 32-bit integer), found "2""#,
        ),
        (
            r#"{"name":"r","type":{"type":"record","name":"In","fields":[{"name":"x","type":"int"}]},"default":{}}"#,
            "at /x: missing field `x` of `com.acme.In`",
        ),
    ];
    for (field, expected) in cases {
        let message = error(&record(field));
        assert!(message.contains(expected), "{field}: {message}");
    }
    // An enum's own default must be one of its symbols.
    assert_eq!(
        error(r#"{"type":"enum","name":"E","symbols":["A"],"default":"Z"}"#),
        "invalid Avro schema at #/default: invalid default: an enum default must be one of its symbols (A), found \"Z\""
    );
    // Since Avro 1.12 a union default may match any branch.
    check(&record(
        r#"{"name":"u","type":["null","string"],"default":"x"}"#,
    ))
    .unwrap();
    // A record default may leave out fields that have their own default.
    check(&record(r#"{"name":"r","type":{"type":"record","name":"In","fields":[{"name":"x","type":"int","default":0}]},"default":{}}"#)).unwrap();
}

#[test]
fn malformed_types_are_refused() {
    let cases = [
        (
            "42",
            "at #: expected a type name, a type object or a union array, found a number",
        ),
        (r#"{"name":"x"}"#, "at #: this type object needs `type`"),
        (
            r#"{"type":"fixed","name":"F"}"#,
            "at #: this fixed needs `size`",
        ),
        (
            r#"{"type":"fixed","name":"F","size":-1}"#,
            "at #/size: `size` must be a non-negative integer below 2^31",
        ),
        (r#"{"type":"array"}"#, "at #: this array needs `items`"),
        (
            r#"{"type":"record","name":"R"}"#,
            "at #: this record needs `fields`",
        ),
        (
            r#"{"type":"record","name":"R","fields":[{"name":"a"}]}"#,
            "at #/fields/0: this field needs `type`",
        ),
        (
            r#"{"type":"enum","name":"E"}"#,
            "at #: this enum needs `symbols`",
        ),
        (
            r#"["null",["int"]]"#,
            "at #/1: a union may not directly contain another union",
        ),
        (
            r#"["string","int","string"]"#,
            "at #/2: a union may not contain two branches of the same type",
        ),
        (
            r#"["long",{"type":"long","logicalType":"timestamp-millis"}]"#,
            "at #/1: a union may not contain two branches of the same type",
        ),
        ("[]", "at #: a union needs at least one branch"),
        (
            r#"{"type":"enum","name":"E","symbols":[]}"#,
            "`E` has no finite value: it has no symbols",
        ),
        (
            r#"{"type":"record","name":"R","fields":[{"name":"a","type":"int","order":"up"}]}"#,
            "`order` must be one of ascending, descending, ignore",
        ),
    ];
    for (text, expected) in cases {
        let message = error(text);
        assert!(message.contains(expected), "{text}: {message}");
    }
}

#[test]
fn invalid_logical_types_are_ignored_but_kept() {
    // Decimal precision above what 2 bytes hold, uuid on an int: ignored,
    // as the specification says, and kept in the normalized form.
    let text = record(
        r#"{"name":"d","type":{"type":"fixed","name":"D","size":2,"logicalType":"decimal","precision":9}},
           {"name":"u","type":{"type":"int","logicalType":"uuid"}}"#,
    );
    let schema = AvroSchema::parse(&text, &NoReferences).unwrap();
    assert!(schema.nodes.iter().all(|n| n.logical.is_none()));
    assert!(schema.canonical().contains(r#""logicalType":"uuid""#));
}

fn address_resolver() -> MapResolver {
    let mut resolver = MapResolver::new();
    resolver.insert(
        "com.acme.Address",
        r#"{"type":"record","name":"Address","namespace":"com.acme","fields":[{"name":"street","type":"string"},{"name":"country","type":"com.acme.Country"}]}"#,
    );
    resolver.insert(
        "country.avsc",
        r#"{"type":"enum","name":"Country","namespace":"com.acme","symbols":["FR","DE"]}"#,
    );
    resolver
}

#[test]
fn named_types_of_referenced_schemas_are_known() {
    let text = record(
        r#"{"name":"ship_to","type":"Address"},{"name":"bill_to","type":"com.acme.Address"}"#,
    );
    let resolver = address_resolver();
    let schema = AvroSchema::parse(&text, &resolver).unwrap();
    // Listed references are parsed in order; the first uses a type of the
    // second, which is found all the same.
    assert_eq!(schema.references(), ["com.acme.Address", "country.avsc"]);
    // The normalized form uses the referenced type by name; the PCF, which
    // describes what a decoder needs, holds it in full.
    assert!(
        schema.canonical().contains(r#""type":"com.acme.Address""#),
        "{}",
        schema.canonical()
    );
    assert!(
        schema
            .parsing_canonical_form()
            .contains(r#"{"name":"com.acme.Address","type":"record""#)
    );
    // The resolved form is one self-contained schema: it parses alone, and
    // to the same PCF.
    let resolved = schema.resolved();
    let country = r#"{"type":"enum","name":"com.acme.Country","symbols":["FR","DE"]}"#;
    assert!(resolved.contains(country), "{resolved}");
    let alone = AvroSchema::parse(&resolved, &NoReferences).unwrap();
    assert_eq!(
        alone.parsing_canonical_form(),
        schema.parsing_canonical_form()
    );
    assert_eq!(alone.canonical(), resolved);
    assert_eq!(
        check(&text).unwrap_err(),
        "invalid Avro schema at #/fields/0/type: unknown type `Address` (looked for com.acme.Address, Address)"
    );
}

/// A resolver that cannot list its names: types are asked for by full name.
struct ByName(MapResolver);

impl Resolver for ByName {
    fn resolve(&self, name: &str) -> Option<String> {
        self.0.resolve(name)
    }
}

#[test]
fn an_unknown_type_is_asked_for_by_full_name() {
    let mut resolver = MapResolver::new();
    resolver.insert(
        "com.acme.Country",
        r#"{"type":"enum","name":"Country","namespace":"com.acme","symbols":["FR"]}"#,
    );
    let schema = AvroSchema::parse(
        &record(r#"{"name":"c","type":"Country"}"#),
        &ByName(resolver),
    )
    .unwrap();
    assert_eq!(schema.references(), ["com.acme.Country"]);
}

#[test]
fn problems_in_references_name_the_reference() {
    let mut resolver = MapResolver::new();
    resolver.insert("com.acme.Bad", r#"{"type":"record","name":"Bad","namespace":"com.acme","fields":[{"name":"x","type":"Nope"}]}"#);
    assert_eq!(
        check_with(&resolver, &record(r#"{"name":"b","type":"Bad"}"#)).unwrap_err(),
        "in referenced schema `com.acme.Bad`: invalid Avro schema at #/fields/0/type: unknown type `Nope` (looked for com.acme.Nope, Nope)"
    );
    // A schema may not define again a type a reference defines.
    let resolver = address_resolver();
    let text = r#"{"type":"record","name":"Address","namespace":"com.acme","fields":[]}"#;
    assert_eq!(
        check_with(&resolver, text).unwrap_err(),
        "invalid Avro schema at #/name: `com.acme.Address` is already defined"
    );
}
