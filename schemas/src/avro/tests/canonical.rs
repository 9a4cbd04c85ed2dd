//! The normalized form, the Parsing Canonical Form and the fingerprints.

use crate::avro::{AvroSchema, rabin_fingerprint};
use crate::{NoReferences, Schema, SchemaType};

fn parse(text: &str) -> AvroSchema {
    AvroSchema::parse(text, &NoReferences).unwrap_or_else(|e| panic!("{e}: {text}"))
}

/// The PCF of `input` is `pcf`, and (when given) its CRC-64-AVRO, written as
/// the signed long of the specification's test file, is `fingerprint`.
fn check(input: &str, pcf: &str, fingerprint: Option<i64>) {
    let schema = parse(input);
    assert_eq!(schema.parsing_canonical_form(), pcf, "{input}");
    if let Some(fp) = fingerprint {
        assert_eq!(schema.rabin_fingerprint(), fp as u64, "{input}");
    }
}

/// The specification's test vectors (Apache Avro `share/test/data/schema-tests.txt`).
#[test]
fn parsing_canonical_form_matches_the_specification_vectors() {
    check(r#""null""#, r#""null""#, Some(7195948357588979594));
    check(r#"{"type":"null"}"#, r#""null""#, None);
    check(r#""boolean""#, r#""boolean""#, Some(-6970731678124411036));
    check(r#"{"type":"boolean"}"#, r#""boolean""#, None);
    check(r#""int""#, r#""int""#, Some(8247732601305521295));
    check(r#"{"type":"int"}"#, r#""int""#, None);
    check(r#""long""#, r#""long""#, Some(-3434872931120570953));
    check(r#""float""#, r#""float""#, Some(5583340709985441680));
    check(r#""double""#, r#""double""#, Some(-8181574048448539266));
    check(r#""bytes""#, r#""bytes""#, Some(5746618253357095269));
    check(r#""string""#, r#""string""#, Some(-8142146995180207161));
    check(r#"[ "int"  ]"#, r#"["int"]"#, Some(-5232228896498058493));
    check(
        r#"[ "int" , {"type":"boolean"} ]"#,
        r#"["int","boolean"]"#,
        Some(5392556393470105090),
    );
    check(
        r#"{"fields":[], "type":"record", "name":"foo"}"#,
        r#"{"name":"foo","type":"record","fields":[]}"#,
        Some(-4824392279771201922),
    );
    check(
        r#"{"fields":[], "type":"record", "name":"foo", "namespace":"x.y"}"#,
        r#"{"name":"x.y.foo","type":"record","fields":[]}"#,
        Some(5916914534497305771),
    );
    check(
        r#"{"fields":[], "type":"record", "name":"a.b.foo", "namespace":"x.y"}"#,
        r#"{"name":"a.b.foo","type":"record","fields":[]}"#,
        Some(-4616218487480524110),
    );
    check(
        r#"{"fields":[], "type":"record", "name":"foo", "doc":"Useful info"}"#,
        r#"{"name":"foo","type":"record","fields":[]}"#,
        Some(-4824392279771201922),
    );
    check(
        r#"{"fields":[], "type":"record", "name":"foo", "doc":"foo", "aliases":["foo","bar"]}"#,
        r#"{"name":"foo","type":"record","fields":[]}"#,
        Some(-4824392279771201922),
    );
    check(
        r#"{"fields":[{"type":{"type":"boolean"}, "name":"f1"}], "type":"record", "name":"foo"}"#,
        r#"{"name":"foo","type":"record","fields":[{"name":"f1","type":"boolean"}]}"#,
        Some(7843277075252814651),
    );
    // The vector's default is the string "true", which Charter refuses for a
    // boolean; the PCF and fingerprint do not depend on it.
    check(
        r#"{ "fields":[{"type":"boolean", "aliases":[], "name":"f1", "default":true},
                      {"order":"descending","name":"f2","doc":"Hello","type":"int"}],
             "type":"record", "name":"foo"}"#,
        r#"{"name":"foo","type":"record","fields":[{"name":"f1","type":"boolean"},{"name":"f2","type":"int"}]}"#,
        Some(-4860222112080293046),
    );
    check(
        r#"{"type":"enum", "name":"foo", "symbols":["A1"]}"#,
        r#"{"name":"foo","type":"enum","symbols":["A1"]}"#,
        Some(-6342190197741309591),
    );
    check(
        r#"{"namespace":"x.y.z", "type":"enum", "name":"foo", "doc":"foo bar", "symbols":["A1", "A2"]}"#,
        r#"{"name":"x.y.z.foo","type":"enum","symbols":["A1","A2"]}"#,
        Some(-4448647247586288245),
    );
    check(
        r#"{"name":"foo","type":"fixed","size":15}"#,
        r#"{"name":"foo","type":"fixed","size":15}"#,
        Some(1756455273707447556),
    );
    check(
        r#"{"namespace":"x.y.z", "type":"fixed", "name":"foo", "doc":"foo bar", "size":32}"#,
        r#"{"name":"x.y.z.foo","type":"fixed","size":32}"#,
        Some(-3064184465700546786),
    );
    check(
        r#"{ "items":{"type":"null"}, "type":"array"}"#,
        r#"{"type":"array","items":"null"}"#,
        Some(-589620603366471059),
    );
    check(
        r#"{ "values":"string", "type":"map"}"#,
        r#"{"type":"map","values":"string"}"#,
        Some(-8732877298790414990),
    );
    check(
        r#"{"name":"PigValue","type":"record",
            "fields":[{"name":"value", "type":["null", "int", "long", "PigValue"]}]}"#,
        r#"{"name":"PigValue","type":"record","fields":[{"name":"value","type":["null","int","long","PigValue"]}]}"#,
        Some(-1759257747318642341),
    );
    // The empty union of vector 016, which Charter refuses to parse.
    assert_eq!(rabin_fingerprint("[]") as i64, -1241056759729112623);
}

#[test]
fn logical_types_and_properties_are_not_in_the_pcf() {
    check(
        r#"{"type":"long","logicalType":"timestamp-millis","x":1}"#,
        r#""long""#,
        None,
    );
}

/// The normalized form of `text`.
fn normalized(text: &str) -> String {
    parse(text).canonical().to_string()
}

#[test]
fn the_normalized_form_ignores_spelling() {
    let a = r#"{"type":"record","name":"Order","namespace":"com.acme","fields":[
        {"name":"id","type":{"type":"string"}},
        {"name":"qty","type":"double","default":1.0,"order":"ascending"},
        {"name":"line","type":{"type":"record","name":"Line","fields":[{"name":"n","type":"int"}]}},
        {"name":"other","type":"Line","aliases":["b","a"]}]}"#;
    let b = r#"{
      "fields": [
        {"type": "string", "name": "id"},
        {"default": 1, "type": {"type": "double"}, "name": "qty"},
        {"type": {"fields": [{"type": "int", "name": "n"}], "name": "com.acme.Line", "type": "record"}, "name": "line"},
        {"aliases": ["a", "b"], "name": "other", "type": "com.acme.Line"}
      ],
      "name": "com.acme.Order", "type": "record"
    }"#;
    assert_eq!(normalized(a), normalized(b));
    assert_eq!(
        normalized(a),
        r#"{"type":"record","name":"com.acme.Order","fields":[{"name":"id","type":"string"},{"name":"qty","type":"double","default":1},{"name":"line","type":{"type":"record","name":"com.acme.Line","fields":[{"name":"n","type":"int"}]}},{"name":"other","type":"com.acme.Line","aliases":["a","b"]}]}"#
    );
}

#[test]
fn the_normalized_form_keeps_what_changes_meaning() {
    let base = r#"{"type":"record","name":"R","fields":[{"name":"a","type":"int"}]}"#;
    let variants = [
        r#"{"type":"record","name":"R","fields":[{"name":"a","type":"int","default":0}]}"#,
        r#"{"type":"record","name":"R","fields":[{"name":"a","type":"int","aliases":["b"]}]}"#,
        r#"{"type":"record","name":"R","aliases":["Old"],"fields":[{"name":"a","type":"int"}]}"#,
        r#"{"type":"record","name":"R","fields":[{"name":"a","type":{"type":"int","logicalType":"date"}}]}"#,
        r#"{"type":"record","name":"R","doc":"x","fields":[{"name":"a","type":"int"}]}"#,
        r#"{"type":"record","name":"R","fields":[{"name":"a","type":"int","order":"descending"}]}"#,
    ];
    let pcf = parse(base).parsing_canonical_form().to_string();
    for variant in variants {
        assert_ne!(normalized(variant), normalized(base), "{variant}");
        assert_eq!(parse(variant).parsing_canonical_form(), pcf, "{variant}");
    }
}

#[test]
fn the_normalized_form_parses_back_to_itself() {
    let text = r#"{"type":"record","name":"R","namespace":"a.b","fields":[
        {"name":"g","type":{"type":"record","name":"G","namespace":"","fields":[{"name":"x","type":"int"}]}},
        {"name":"h","type":["null","G"],"default":null},
        {"name":"e","type":{"type":"enum","name":"E","symbols":["Y","X"],"default":"X","doc":"d"}},
        {"name":"t","type":{"type":"long","logicalType":"timestamp-micros"}},
        {"name":"m","type":{"type":"map","values":{"type":"array","items":"E"}},"x-prop":{"b":1,"a":2}}]}"#;
    let once = normalized(text);
    assert_eq!(normalized(&once), once);
    let schema = parse(&once);
    assert_eq!(
        schema.parsing_canonical_form(),
        parse(text).parsing_canonical_form()
    );
}

#[test]
fn the_registry_identity_is_the_normalized_form() {
    let a = Schema::parse(
        SchemaType::Avro,
        r#"{"type":"fixed","name":"F","size":4}"#,
        &NoReferences,
    )
    .unwrap();
    let b = Schema::parse(
        SchemaType::Avro,
        r#" { "size" : 4 , "name" : "F" , "type" : "fixed" } "#,
        &NoReferences,
    )
    .unwrap();
    assert_eq!(a.fingerprint(), b.fingerprint());
    assert_eq!(a.canonical(), r#"{"type":"fixed","name":"F","size":4}"#);
    let avro = parse(r#"{"type":"fixed","name":"F","size":4}"#);
    // The SHA-256 of the PCF, not of the normalized form.
    assert_eq!(
        avro.fingerprint(),
        crate::Fingerprint::of(avro.parsing_canonical_form())
    );
}
