//! The named schema limits: a schema over one is refused with an error that
//! names the limit, the value seen, the flag and the place; a compatibility
//! check over its work budget answers an error, never a verdict.

use schemas::{
    CompatError, CompatibilityMode, Limit, LimitExceeded, MapResolver, NoReferences, Policy,
    Schema, SchemaError, SchemaLimits, SchemaType,
};

fn limits(limit: Limit, max: u64) -> SchemaLimits {
    let mut limits = SchemaLimits::default();
    match limit {
        Limit::SchemaBytes => limits.max_schema_bytes = max,
        Limit::Depth => limits.max_depth = max,
        Limit::EnumSymbols => limits.max_enum_symbols = max,
        Limit::Fields => limits.max_fields = max,
        Limit::References => limits.max_references = max,
        Limit::RefExpansions => limits.max_ref_expansions = max,
        Limit::CompatWork => limits.max_compat_work = max,
    }
    limits
}

/// Parses `text` with `limit` at `max`, which must refuse it with that
/// limit, `seen` and `path`, then with `limit` at what it needs (`seen`, or
/// `max + 1` where counting stops), which must parse it.
fn check(
    schema_type: SchemaType,
    text: &str,
    limit: Limit,
    max: u64,
    seen: Option<u64>,
    path: &str,
) {
    check_with(schema_type, text, &NoReferences, limit, max, seen, path);
}

fn check_with(
    schema_type: SchemaType,
    text: &str,
    resolver: &dyn schemas::Resolver,
    limit: Limit,
    max: u64,
    seen: Option<u64>,
    path: &str,
) {
    let err = Schema::parse_within(schema_type, text, resolver, &limits(limit, max))
        .expect_err("over the limit");
    let exceeded = exceeded(&err).unwrap_or_else(|| panic!("not a limit: {err}"));
    assert_eq!(
        exceeded,
        &LimitExceeded {
            limit,
            max,
            seen,
            path: path.to_string()
        },
        "{err}"
    );
    let message = err.to_string();
    assert!(
        message.contains(&format!("--{}", limit.flag())),
        "{message}"
    );
    assert!(message.contains(path), "{message}");
    let enough = seen.unwrap_or(max + 1);
    Schema::parse_within(schema_type, text, resolver, &limits(limit, enough))
        .unwrap_or_else(|e| panic!("within {limit:?} = {enough}: {e}"));
}

/// The limit error inside a parse error of any format.
fn exceeded(err: &SchemaError) -> Option<&LimitExceeded> {
    match err {
        SchemaError::Limit(e) => Some(e),
        SchemaError::Json(schemas::json::ParseError::Limit(e))
        | SchemaError::Json(schemas::json::ParseError::Text(schemas::json::TextError::Limit(e)))
        | SchemaError::Avro(schemas::avro::AvroError::Limit(e))
        | SchemaError::Avro(schemas::avro::AvroError::Text(schemas::json::TextError::Limit(e)))
        | SchemaError::Protobuf(schemas::protobuf::ParseError::Limit(e)) => Some(e),
        _ => None,
    }
}

#[test]
fn schema_size_is_checked_before_parsing() {
    let text = r#"{"type":"string"}"#;
    let len = text.len() as u64;
    for schema_type in [SchemaType::Json, SchemaType::Avro] {
        check(
            schema_type,
            text,
            Limit::SchemaBytes,
            len - 1,
            Some(len),
            "#",
        );
    }
    // Not even parsed: text that is not a schema is refused for its size.
    let err = Schema::parse_within(
        SchemaType::Protobuf,
        "not protobuf at all",
        &NoReferences,
        &limits(Limit::SchemaBytes, 4),
    )
    .unwrap_err();
    assert!(matches!(err, SchemaError::Limit(_)), "{err}");
}

#[test]
fn nesting_depth_in_every_format() {
    let nested = format!(
        "{}{}",
        r#"{"type":"array","items":"#.repeat(3),
        r#""string""#.to_string() + &"}".repeat(3)
    );
    check(
        SchemaType::Avro,
        &nested,
        Limit::Depth,
        2,
        None,
        "line 1, column 49",
    );
    check(
        SchemaType::Json,
        r#"{"items":{"items":{"items":true}}}"#,
        Limit::Depth,
        2,
        None,
        "line 1, column 19",
    );
    let proto = "syntax = \"proto3\"; package p;\n\
                 message A { message B { message C { string s = 1; } } }";
    check(
        SchemaType::Protobuf,
        proto,
        Limit::Depth,
        2,
        None,
        "p.A.B.C",
    );
}

#[test]
fn enum_symbols_in_every_format() {
    let avro = r#"{"type":"record","name":"R","fields":[{"name":"e","type":
        {"type":"enum","name":"E","symbols":["A","B","C"]}}]}"#;
    check(
        SchemaType::Avro,
        avro,
        Limit::EnumSymbols,
        2,
        Some(3),
        "#/fields/0/type/symbols",
    );
    let json = r#"{"properties":{"e":{"enum":["A","B","C"]}}}"#;
    check(
        SchemaType::Json,
        json,
        Limit::EnumSymbols,
        2,
        Some(3),
        "#/properties/e/enum",
    );
    let proto = "syntax = \"proto3\"; package p;\n\
                 message M { enum E { A = 0; B = 1; C = 2; } E e = 1; }";
    check(
        SchemaType::Protobuf,
        proto,
        Limit::EnumSymbols,
        2,
        Some(3),
        "p.M.E",
    );
}

#[test]
fn fields_in_every_format() {
    let avro = r#"{"type":"record","name":"R","fields":[
        {"name":"a","type":"int"},{"name":"b","type":"int"},{"name":"c","type":"int"}]}"#;
    check(
        SchemaType::Avro,
        avro,
        Limit::Fields,
        2,
        Some(3),
        "#/fields",
    );
    let json = r#"{"type":"object","properties":{"x":{"properties":{"a":{},"b":{},"c":{}}}}}"#;
    check(
        SchemaType::Json,
        json,
        Limit::Fields,
        2,
        Some(3),
        "#/properties/x/properties",
    );
    let proto = "syntax = \"proto3\"; package p;\n\
                 message M { int32 a = 1; int32 b = 2; int32 c = 3; }";
    check(
        SchemaType::Protobuf,
        proto,
        Limit::Fields,
        2,
        Some(3),
        "p.M",
    );
}

#[test]
fn references_and_ref_expansions() {
    let mut resolver = MapResolver::new();
    resolver.insert("a.json", r#"{"type":"string"}"#);
    resolver.insert("b.json", r#"{"type":"integer"}"#);
    let json = r##"{"properties":{"a":{"$ref":"a.json"},"b":{"$ref":"b.json"},
        "c":{"$ref":"#/properties/a"}}}"##;
    check_with(
        SchemaType::Json,
        json,
        &resolver,
        Limit::References,
        1,
        Some(2),
        "#",
    );
    // Three `$ref`s: the third resolved is over a limit of two (they are
    // resolved last first).
    check_with(
        SchemaType::Json,
        json,
        &resolver,
        Limit::RefExpansions,
        2,
        None,
        "#/properties/a",
    );
}

const AVRO_V1: &str = r#"{"type":"record","name":"R","fields":[
    {"name":"a","type":"int"},
    {"name":"n","type":{"type":"record","name":"N","fields":[{"name":"x","type":"string"}]}}]}"#;
const AVRO_V2_COMPATIBLE: &str = r#"{"type":"record","name":"R","fields":[
    {"name":"a","type":"long"},
    {"name":"n","type":{"type":"record","name":"N","fields":[{"name":"x","type":"string"},
        {"name":"y","type":"int","default":0}]}}]}"#;
const AVRO_V2_BREAKING: &str = r#"{"type":"record","name":"R","fields":[
    {"name":"a","type":"int"},
    {"name":"n","type":{"type":"record","name":"N","fields":[{"name":"x","type":"string"},
        {"name":"y","type":"int"}]}}]}"#;

const JSON_V1: &str = r#"{"type":"object","properties":{"a":{"type":"integer"},
    "n":{"type":"object","properties":{"x":{"type":"string"}}}}}"#;
const JSON_V2_COMPATIBLE: &str = r#"{"type":"object","properties":{"a":{"type":"number"},
    "n":{"type":"object","properties":{"x":{"type":"string"}}}}}"#;
const JSON_V2_BREAKING: &str = r#"{"type":"object","properties":{"a":{"type":"integer"},
    "n":{"type":"object","properties":{"x":{"type":"integer"}}}}}"#;

const PROTO_V1: &str = "syntax = \"proto3\"; package p;\n\
    message A { string s = 1; B b = 2; }\nmessage B { int32 i = 1; }\nenum E { Z = 0; }";
const PROTO_V2_COMPATIBLE: &str = "syntax = \"proto3\"; package p;\n\
    message A { string s = 1; B b = 2; int32 t = 3; }\nmessage B { int32 i = 1; }\nenum E { Z = 0; Y = 1; }";
const PROTO_V2_BREAKING: &str = "syntax = \"proto3\"; package p;\n\
    message A { string s = 1; B b = 2; }\nmessage B { string i = 1; }\nenum E { Z = 0; }";

/// With the default budget the check gives its verdict; with a budget too
/// small for it, an error naming the budget, whichever the verdict would
/// have been.
#[test]
fn an_exceeded_budget_is_an_error_never_a_verdict() {
    for (schema_type, v1, compatible, breaking) in [
        (
            SchemaType::Avro,
            AVRO_V1,
            AVRO_V2_COMPATIBLE,
            AVRO_V2_BREAKING,
        ),
        (
            SchemaType::Json,
            JSON_V1,
            JSON_V2_COMPATIBLE,
            JSON_V2_BREAKING,
        ),
        (
            SchemaType::Protobuf,
            PROTO_V1,
            PROTO_V2_COMPATIBLE,
            PROTO_V2_BREAKING,
        ),
    ] {
        let parse = |text: &str| Schema::parse(schema_type, text, &NoReferences).unwrap();
        let old = parse(v1);
        for (text, verdict) in [(compatible, true), (breaking, false)] {
            let new = parse(text);
            let mode = CompatibilityMode::Backward;
            let full = schemas::check_within(
                &new,
                &[&old],
                mode,
                Policy::Strict,
                &SchemaLimits::default(),
            )
            .unwrap();
            assert_eq!(full.compatible, verdict, "{schema_type} {full:?}");
            // Every budget below what the check needs is an error; the
            // first that suffices gives the same verdict as the default.
            let mut budget = 0;
            let report = loop {
                let tight = limits(Limit::CompatWork, budget);
                match schemas::check_within(&new, &[&old], mode, Policy::Strict, &tight) {
                    Ok(report) => break report,
                    Err(CompatError::Limit(exceeded)) => {
                        assert_eq!(exceeded.limit, Limit::CompatWork);
                        assert_eq!(exceeded.max, budget);
                        assert!(exceeded.path.starts_with('#'), "{exceeded}");
                        let message = exceeded.to_string();
                        assert!(message.contains("--max-compat-work"), "{message}");
                        assert!(message.contains("no verdict"), "{message}");
                        let err = schemas::diff_within(&old, &new, Policy::Strict, &tight);
                        assert!(matches!(err, Err(CompatError::Limit(_))), "{err:?}");
                    }
                    Err(other) => panic!("{schema_type}: {other}"),
                }
                budget += 1;
                assert!(
                    budget < 1_000,
                    "{schema_type}: no verdict within 1000 steps"
                );
            };
            assert!(budget > 0, "{schema_type}: the check took no step");
            assert_eq!(report, full, "{schema_type}");
        }
    }
}

/// The budget is one for the whole check: each version of a transitive
/// history spends from it.
#[test]
fn the_budget_covers_the_whole_history() {
    let parse = |text: &str| Schema::parse(SchemaType::Avro, text, &NoReferences).unwrap();
    let (v1, v2) = (parse(AVRO_V1), parse(AVRO_V2_BREAKING));
    let v3 = parse(AVRO_V2_COMPATIBLE);
    let mode = CompatibilityMode::FullTransitive;
    let spent = |max: u64| {
        schemas::check_within(
            &v3,
            &[&v1, &v2],
            mode,
            Policy::Strict,
            &limits(Limit::CompatWork, max),
        )
    };
    let mut enough = 1;
    while spent(enough).is_err() {
        enough += 1;
        assert!(enough < 1_000, "no verdict with a budget of 1000");
    }
    let latest_only = schemas::check_within(
        &v3,
        &[&v2],
        mode,
        Policy::Strict,
        &limits(Limit::CompatWork, enough),
    );
    assert!(latest_only.is_ok());
    let mut alone = 1;
    while schemas::check_within(
        &v3,
        &[&v2],
        mode,
        Policy::Strict,
        &limits(Limit::CompatWork, alone),
    )
    .is_err()
    {
        alone += 1;
    }
    assert!(
        alone < enough,
        "{alone} steps alone, {enough} for the history"
    );
}
