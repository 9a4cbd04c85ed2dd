//! Reader/writer compatibility: each rule of the specification's schema
//! resolution in both directions, and Confluent's `AvroCompatibilityTest`
//! cases rewritten as data.

use crate::avro::AvroSchema;
use crate::{CompatibilityMode, NoReferences, Policy, Schema, SchemaType};

fn parse(text: &str) -> Schema {
    Schema::parse(SchemaType::Avro, text, &NoReferences).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

/// Every change from `old` to `new` as `KIND path [sides]`, under the strict
/// policy; each breaking change must carry a verified example.
fn check(old: &str, new: &str, expected: &[&str]) {
    let (o, n) = (parse(old), parse(new));
    let mut changes = crate::diff(&o, &n, Policy::Strict).unwrap();
    crate::attach_diff_examples(&mut changes, &o, &n);
    let lines: Vec<String> = changes
        .iter()
        .map(|c| format!("{} {} [{}]", c.kind, c.path, c.breaks.sides().join(",")))
        .collect();
    assert_eq!(lines, expected, "{changes:#?}");
    let avro = |text| AvroSchema::parse(text, &NoReferences).unwrap();
    let (o, n) = (avro(old), avro(new));
    for change in changes.iter().filter(|c| c.is_breaking()) {
        let (writer, reader) = if change.breaks.backward {
            (&o, &n)
        } else {
            (&n, &o)
        };
        match &change.example {
            Some(example) => {
                writer.validate_json(example).unwrap();
                assert!(writer.resolve_json(reader, example).is_err(), "{change:?}");
            }
            // No datum fails: its value is read with another meaning.
            None => assert!(
                change.kind.name().starts_with("AVRO_LOGICAL_TYPE_"),
                "{change:?}"
            ),
        }
    }
}

fn record(fields: &str) -> String {
    format!(r#"{{"type":"record","name":"R","namespace":"x","fields":[{fields}]}}"#)
}

#[test]
fn fields_added_removed_and_renamed() {
    let a = r#"{"name":"a","type":"int"}"#;
    check(
        &record(a),
        &record(&format!(r#"{a},{{"name":"b","type":"string"}}"#)),
        &["READER_FIELD_MISSING_DEFAULT_VALUE #/fields/b [backward]"],
    );
    check(
        &record(a),
        &record(&format!(
            r#"{a},{{"name":"b","type":"string","default":""}}"#
        )),
        &["AVRO_FIELD_ADDED_WITH_DEFAULT #/fields/b []"],
    );
    check(
        &record(&format!(r#"{a},{{"name":"b","type":"string"}}"#)),
        &record(a),
        &["AVRO_FIELD_REMOVED #/fields/b [forward]"],
    );
    check(
        &record(&format!(
            r#"{a},{{"name":"b","type":"string","default":""}}"#
        )),
        &record(a),
        &["AVRO_FIELD_REMOVED #/fields/b []"],
    );
    // Renamed with the old name as an alias: new readers find it, old ones
    // look for `a` in vain.
    check(
        &record(a),
        &record(r#"{"name":"c","type":"int","aliases":["a"]}"#),
        &[
            "AVRO_FIELD_RENAMED #/fields/c [forward]",
            "AVRO_ALIASES_CHANGED #/fields/c/aliases []",
        ],
    );
    check(
        &record(r#"{"name":"a","type":"int","default":0}"#),
        &record(r#"{"name":"c","type":"int","aliases":["a"],"default":0}"#),
        &[
            "AVRO_FIELD_RENAMED #/fields/c []",
            "AVRO_ALIASES_CHANGED #/fields/c/aliases []",
        ],
    );
    // Renamed without an alias: one field removed, one added.
    check(
        &record(a),
        &record(r#"{"name":"c","type":"int"}"#),
        &[
            "READER_FIELD_MISSING_DEFAULT_VALUE #/fields/c [backward]",
            "AVRO_FIELD_REMOVED #/fields/a [forward]",
        ],
    );
}

#[test]
fn promotions_go_one_way() {
    let field = |t: &str| record(&format!(r#"{{"name":"a","type":"{t}"}}"#));
    for (from, to) in [
        ("int", "long"),
        ("int", "float"),
        ("int", "double"),
        ("long", "float"),
        ("long", "double"),
        ("float", "double"),
    ] {
        check(
            &field(from),
            &field(to),
            &["AVRO_TYPE_PROMOTED #/fields/a/type [forward]"],
        );
        check(
            &field(to),
            &field(from),
            &["AVRO_TYPE_NARROWED #/fields/a/type [backward]"],
        );
    }
    check(
        &field("string"),
        &field("bytes"),
        &["AVRO_TYPE_PROMOTED #/fields/a/type []"],
    );
    check(
        &field("bytes"),
        &field("string"),
        &["AVRO_TYPE_PROMOTED #/fields/a/type []"],
    );
    check(
        &field("int"),
        &field("string"),
        &["TYPE_MISMATCH #/fields/a/type [backward,forward]"],
    );
    check(
        &field("boolean"),
        &field("null"),
        &["TYPE_MISMATCH #/fields/a/type [backward,forward]"],
    );
    // Inside arrays and maps.
    let array = |t: &str| {
        record(&format!(
            r#"{{"name":"a","type":{{"type":"array","items":"{t}"}}}}"#
        ))
    };
    check(
        &array("int"),
        &array("long"),
        &["AVRO_TYPE_PROMOTED #/fields/a/type/items [forward]"],
    );
    let map = |t: &str| {
        record(&format!(
            r#"{{"name":"a","type":{{"type":"map","values":"{t}"}}}}"#
        ))
    };
    check(
        &map("double"),
        &map("float"),
        &["AVRO_TYPE_NARROWED #/fields/a/type/values [backward]"],
    );
    check(
        &array("int"),
        &map("int"),
        &["TYPE_MISMATCH #/fields/a/type [backward,forward]"],
    );
}

#[test]
fn enum_symbols_with_and_without_defaults() {
    let e = |symbols: &str, default: &str| {
        record(&format!(
            r#"{{"name":"e","type":{{"type":"enum","name":"E","symbols":[{symbols}]{default}}}}}"#
        ))
    };
    let d = r#","default":"A""#;
    check(
        &e(r#""A","B""#, ""),
        &e(r#""A","B","C""#, ""),
        &["AVRO_ENUM_SYMBOL_ADDED #/fields/e/type/symbols [forward]"],
    );
    check(
        &e(r#""A","B""#, d),
        &e(r#""A","B","C""#, d),
        &["AVRO_ENUM_SYMBOL_ADDED #/fields/e/type/symbols []"],
    );
    check(
        &e(r#""A","B""#, ""),
        &e(r#""A""#, ""),
        &["MISSING_ENUM_SYMBOLS #/fields/e/type/symbols [backward]"],
    );
    check(
        &e(r#""A","B""#, ""),
        &e(r#""A""#, d),
        &[
            "AVRO_ENUM_SYMBOL_REMOVED #/fields/e/type/symbols []",
            "AVRO_DEFAULT_CHANGED #/fields/e/type/default []",
        ],
    );
    // Reordering symbols changes nothing a reader sees.
    check(&e(r#""A","B""#, ""), &e(r#""B","A""#, ""), &[]);
}

#[test]
fn union_branches() {
    let u = |t: &str| record(&format!(r#"{{"name":"u","type":{t}}}"#));
    check(
        &u(r#"["null","string"]"#),
        &u(r#"["null","string","int"]"#),
        &["AVRO_UNION_BRANCH_ADDED #/fields/u/type/int [forward]"],
    );
    check(
        &u(r#"["null","string","int"]"#),
        &u(r#"["null","string"]"#),
        &["MISSING_UNION_BRANCH #/fields/u/type/int [backward]"],
    );
    // A removed branch that another branch still reads (int as long).
    check(
        &u(r#"["null","int","long"]"#),
        &u(r#"["null","long"]"#),
        &["AVRO_UNION_BRANCH_REMOVED #/fields/u/type/int []"],
    );
    // An added branch the old union reads by promotion.
    check(
        &u(r#"["null","long"]"#),
        &u(r#"["null","int","long"]"#),
        &["AVRO_UNION_BRANCH_ADDED #/fields/u/type/int []"],
    );
    // Non-union to union and back.
    check(
        &u(r#""string""#),
        &u(r#"["null","string"]"#),
        &["AVRO_UNION_BRANCH_ADDED #/fields/u/type/null [forward]"],
    );
    check(
        &u(r#"["null","string"]"#),
        &u(r#""string""#),
        &["MISSING_UNION_BRANCH #/fields/u/type/null [backward]"],
    );
    check(
        &u(r#"["int","long"]"#),
        &u(r#""long""#),
        &["AVRO_UNION_BRANCH_REMOVED #/fields/u/type/int []"],
    );
    // A change inside a branch is reported inside it.
    let card = |t: &str| {
        u(&format!(
            r#"["null",{{"type":"record","name":"Card","fields":[{{"name":"n","type":"{t}"}}]}}]"#
        ))
    };
    check(
        &card("int"),
        &card("string"),
        &["TYPE_MISMATCH #/fields/u/type/x.Card/fields/n/type [backward,forward]"],
    );
}

#[test]
fn named_types_match_by_unqualified_name_or_reader_alias() {
    let f = |name: &str, extra: &str| {
        record(&format!(
            r#"{{"name":"f","type":{{"type":"fixed","name":"{name}","size":4{extra}}}}}"#
        ))
    };
    check(
        &f("y.F", ""),
        &f("z.F", ""),
        &["AVRO_NAMESPACE_CHANGED #/fields/f/type/name []"],
    );
    check(
        &f("F", ""),
        &f("G", ""),
        &["NAME_MISMATCH #/fields/f/type/name [backward,forward]"],
    );
    check(
        &f("F", ""),
        &f("G", r#","aliases":["x.F"]"#),
        &[
            "AVRO_TYPE_RENAMED #/fields/f/type/name [forward]",
            "AVRO_ALIASES_CHANGED #/fields/f/type/aliases []",
        ],
    );
    check(
        &f("F", ""),
        &f("F", r#","size":8"#.replace(r#","size":8"#, "").as_str()),
        &[],
    );
    let g = |size: u32| {
        record(&format!(
            r#"{{"name":"f","type":{{"type":"fixed","name":"F","size":{size}}}}}"#
        ))
    };
    check(
        &g(4),
        &g(8),
        &["FIXED_SIZE_MISMATCH #/fields/f/type/size [backward,forward]"],
    );
    // The top-level record renamed with an alias.
    check(
        r#"{"type":"record","name":"a.Old","fields":[]}"#,
        r#"{"type":"record","name":"b.New","aliases":["a.Old"],"fields":[]}"#,
        &[
            "AVRO_TYPE_RENAMED #/name [forward]",
            "AVRO_ALIASES_CHANGED #/aliases []",
        ],
    );
}

#[test]
fn recursive_types_end_and_changes_inside_them_are_found() {
    let list = |t: &str| {
        format!(
            r#"{{"type":"record","name":"Node","fields":[{{"name":"v","type":"{t}"}},{{"name":"next","type":["null","Node"]}}]}}"#
        )
    };
    check(
        &list("int"),
        &list("long"),
        &["AVRO_TYPE_PROMOTED #/fields/v/type [forward]"],
    );
    check(
        &list("long"),
        &list("int"),
        &["AVRO_TYPE_NARROWED #/fields/v/type [backward]"],
    );
    check(&list("int"), &list("int"), &[]);
}

#[test]
fn logical_types_are_judged_by_policy() {
    let t = |l: &str| {
        record(&format!(
            r#"{{"name":"t","type":{{"type":"long","logicalType":"{l}"}}}}"#
        ))
    };
    check(
        &t("timestamp-millis"),
        &t("timestamp-micros"),
        &["AVRO_LOGICAL_TYPE_CHANGED #/fields/t/type/logicalType [backward,forward]"],
    );
    let (o, n) = (parse(&t("timestamp-millis")), parse(&t("timestamp-micros")));
    assert!(
        crate::diff(&o, &n, Policy::Lenient)
            .unwrap()
            .iter()
            .all(|c| !c.is_breaking())
    );
    let d = |p: u32, s: u32| {
        record(&format!(
            r#"{{"name":"d","type":{{"type":"bytes","logicalType":"decimal","precision":{p},"scale":{s}}}}}"#
        ))
    };
    check(
        &d(10, 2),
        &d(12, 2),
        &["AVRO_LOGICAL_TYPE_WIDENED #/fields/d/type/logicalType [forward]"],
    );
    check(
        &d(12, 2),
        &d(10, 2),
        &["AVRO_LOGICAL_TYPE_NARROWED #/fields/d/type/logicalType [backward]"],
    );
    check(
        &d(10, 2),
        &d(10, 3),
        &["AVRO_LOGICAL_TYPE_CHANGED #/fields/d/type/logicalType [backward,forward]"],
    );
    check(
        &record(r#"{"name":"t","type":"long"}"#),
        &t("timestamp-millis"),
        &["AVRO_LOGICAL_TYPE_ADDED #/fields/t/type/logicalType []"],
    );
}

#[test]
fn documentation_and_properties_are_listed_as_compatible() {
    check(
        &record(r#"{"name":"a","type":"int","doc":"one","x-p":1}"#),
        &record(
            r#"{"name":"a","type":"int","doc":"two","x-p":2,"order":"descending","default":3}"#,
        ),
        &[
            "AVRO_DEFAULT_CHANGED #/fields/a/default []",
            "AVRO_SORT_ORDER_CHANGED #/fields/a/order []",
            "AVRO_PROPERTY_CHANGED #/fields/a/x-p []",
            "AVRO_DOC_CHANGED #/fields/a/doc []",
        ],
    );
}

/// The verdict of `new` against `history` (oldest first) under `mode`.
fn compatible(new: &str, history: &[&str], mode: &str) -> bool {
    let new = parse(new);
    let history: Vec<Schema> = history.iter().map(|t| parse(t)).collect();
    let refs: Vec<&Schema> = history.iter().collect();
    crate::check(
        &new,
        &refs,
        mode.parse::<CompatibilityMode>().unwrap(),
        Policy::Strict,
    )
    .unwrap()
    .compatible
}

// Confluent's AvroCompatibilityTest, rewritten: the same schemas and verdicts.
const SCHEMA1: &str =
    r#"{"type":"record","name":"myrecord","fields":[{"type":"string","name":"f1"}]}"#;
const SCHEMA2: &str = r#"{"type":"record","name":"myrecord","fields":[{"type":"string","name":"f1"},{"type":"string","name":"f2","default":"foo"}]}"#;
const SCHEMA3: &str = r#"{"type":"record","name":"myrecord","fields":[{"type":"string","name":"f1"},{"type":"string","name":"f2"}]}"#;
const SCHEMA4: &str = r#"{"type":"record","name":"myrecord","fields":[{"type":"string","name":"f1_new","aliases":["f1"]}]}"#;
const SCHEMA6: &str = r#"{"type":"record","name":"myrecord","fields":[{"type":["null","string"],"name":"f1","doc":"doc of f1"}]}"#;
const SCHEMA7: &str = r#"{"type":"record","name":"myrecord","fields":[{"type":["null","string","int"],"name":"f1","doc":"doc of f1"}]}"#;
const SCHEMA8: &str = r#"{"type":"record","name":"myrecord","fields":[{"type":"string","name":"f1"},{"type":"string","name":"f2","default":"foo"},{"type":"string","name":"f3","default":"bar"}]}"#;

#[test]
fn confluent_backward_cases() {
    assert!(
        compatible(SCHEMA2, &[SCHEMA1], "BACKWARD"),
        "adding a field with a default"
    );
    assert!(
        !compatible(SCHEMA3, &[SCHEMA1], "BACKWARD"),
        "adding a field without a default"
    );
    assert!(
        compatible(SCHEMA3, &[SCHEMA2], "BACKWARD"),
        "removing a default is backward compatible"
    );
    assert!(
        compatible(SCHEMA2, &[SCHEMA3], "BACKWARD"),
        "adding a default"
    );
    assert!(
        compatible(SCHEMA4, &[SCHEMA1], "BACKWARD"),
        "renaming a field with an alias"
    );
    assert!(
        compatible(SCHEMA6, &[SCHEMA1], "BACKWARD"),
        "evolving a field type to a union"
    );
    assert!(
        !compatible(SCHEMA1, &[SCHEMA6], "BACKWARD"),
        "removing a type from a union"
    );
    assert!(
        compatible(SCHEMA7, &[SCHEMA6], "BACKWARD"),
        "adding a type to a union"
    );
    assert!(
        !compatible(SCHEMA6, &[SCHEMA7], "BACKWARD"),
        "removing a type from a union"
    );
}

#[test]
fn confluent_transitive_cases() {
    // Only the latest version is checked without TRANSITIVE.
    assert!(compatible(SCHEMA3, &[SCHEMA1, SCHEMA2], "BACKWARD"));
    assert!(!compatible(
        SCHEMA3,
        &[SCHEMA1, SCHEMA2],
        "BACKWARD_TRANSITIVE"
    ));
    // Forward: the old schema reads the new one.
    assert!(
        compatible(SCHEMA1, &[SCHEMA2], "FORWARD"),
        "removing a field with a default"
    );
    assert!(compatible(SCHEMA2, &[SCHEMA1], "FORWARD"), "adding a field");
    assert!(compatible(
        SCHEMA3,
        &[SCHEMA1, SCHEMA2],
        "FORWARD_TRANSITIVE"
    ));
    assert!(
        !compatible(SCHEMA1, &[SCHEMA3], "FORWARD"),
        "removing a field without a default"
    );
    assert!(!compatible(
        SCHEMA1,
        &[SCHEMA2, SCHEMA3],
        "FORWARD_TRANSITIVE"
    ));
    // Full: only fields with defaults come and go.
    assert!(compatible(SCHEMA8, &[SCHEMA1, SCHEMA2], "FULL"));
    assert!(compatible(SCHEMA2, &[SCHEMA8], "FULL"));
    assert!(!compatible(SCHEMA3, &[SCHEMA1], "FULL"));
    assert!(compatible(SCHEMA8, &[SCHEMA1, SCHEMA2], "FULL_TRANSITIVE"));
    assert!(compatible(SCHEMA8, &[SCHEMA3, SCHEMA2], "FULL_TRANSITIVE"));
    assert!(compatible(SCHEMA3, &[SCHEMA2], "FULL"));
    assert!(!compatible(SCHEMA3, &[SCHEMA1, SCHEMA2], "FULL_TRANSITIVE"));
}

#[test]
fn different_formats_are_incompatible() {
    let json = Schema::parse(SchemaType::Json, r#"{"type":"string"}"#, &NoReferences).unwrap();
    let avro = parse(r#""string""#);
    let report =
        crate::check(&avro, &[&json], CompatibilityMode::Backward, Policy::Strict).unwrap();
    assert!(!report.compatible);
    assert_eq!(report.changes[0].kind, crate::ChangeKind::SchemaTypeChanged);
}

#[test]
fn transitive_examples_use_the_version_they_were_found_against() {
    let e = |symbols: &str| {
        parse(&format!(
            r#"{{"type":"enum","name":"E","symbols":[{symbols}]}}"#
        ))
    };
    let (v1, v2, v3) = (e(r#""A","B","C""#), e(r#""A","B""#), e(r#""A","B""#));
    let mut report = crate::check(
        &v3,
        &[&v1, &v2],
        CompatibilityMode::BackwardTransitive,
        Policy::Strict,
    )
    .unwrap();
    crate::attach_examples(&mut report, &v3, &[&v1, &v2]);
    let change = report.breaking().next().unwrap();
    assert_eq!(change.kind, crate::ChangeKind::MissingEnumSymbols);
    assert_eq!(change.against, Some(0));
    assert_eq!(change.example, Some(serde_json::json!("C")));
}
