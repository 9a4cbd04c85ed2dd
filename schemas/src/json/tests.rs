//! Parsing: drafts, references, and every kind of bad input.

use super::*;
use crate::resolver::{MapResolver, NoReferences};

fn parse(text: &str) -> Result<JsonSchema, ParseError> {
    JsonSchema::parse(text, &NoReferences)
}

#[test]
fn accepts_every_draft() {
    for uri in [
        "http://json-schema.org/draft-04/schema#",
        "http://json-schema.org/draft-06/schema#",
        "http://json-schema.org/draft-07/schema#",
        "https://json-schema.org/draft/2019-09/schema",
        "https://json-schema.org/draft/2020-12/schema",
    ] {
        let schema = parse(&format!(r#"{{"$schema":"{uri}","type":"object"}}"#)).unwrap();
        assert_eq!(schema.draft(), Draft::from_uri(uri).unwrap());
    }
    assert_eq!(parse("{}").unwrap().draft(), Draft::Draft7);
}

#[test]
fn invalid_json_says_where() {
    let err = parse("{\"type\": \"object\",\n }").unwrap_err();
    assert!(
        matches!(err, ParseError::Text(TextError::Syntax { line: 2, .. })),
        "{err}"
    );
}

#[test]
fn not_a_schema_says_where_and_why() {
    let err = parse(r#"{"properties":{"a":{"type":"strng"}}}"#).unwrap_err();
    let text = err.to_string();
    assert!(text.contains("#/properties/a/type"), "{text}");
    assert!(matches!(
        parse("42").unwrap_err(),
        ParseError::NotASchema { .. }
    ));
    assert!(matches!(
        parse(r#"{"$schema":"https://example.com/x"}"#).unwrap_err(),
        ParseError::UnknownDraft { .. }
    ));
}

#[test]
fn deep_nesting_is_refused_not_overflowed() {
    let depth = 10_000;
    let text = format!("{}{}", r#"{"items":"#.repeat(depth), "}".repeat(depth));
    let err = parse(&text).unwrap_err();
    assert!(
        matches!(
            &err,
            ParseError::Text(TextError::Limit(e)) if e.limit == crate::limits::Limit::Depth
        ),
        "{err}"
    );
    assert!(err.to_string().contains("--max-schema-depth"), "{err}");
}

#[test]
fn local_references_resolve_including_recursion() {
    let schema = parse(
        r##"{"$defs":{"node":{"type":"object","properties":{"children":{"type":"array","items":{"$ref":"#/$defs/node"}}}}},"$ref":"#/$defs/node"}"##,
    )
    .unwrap();
    assert!(schema.nodes.len() > 3);
    let anchored = parse(
        r##"{"$schema":"https://json-schema.org/draft/2020-12/schema","$defs":{"a":{"$anchor":"thing","type":"string"}},"properties":{"x":{"$ref":"#thing"}}}"##,
    );
    assert!(anchored.is_ok(), "{anchored:?}");
    let by_id = parse(
        r##"{"definitions":{"a":{"$id":"http://example.com/a.json","type":"string"}},"properties":{"x":{"$ref":"http://example.com/a.json"}}}"##,
    );
    assert!(by_id.is_ok(), "{by_id:?}");
}

#[test]
fn reference_cycles_are_refused() {
    let err = parse(r##"{"definitions":{"a":{"$ref":"#/definitions/b"},"b":{"$ref":"#/definitions/a"}},"$ref":"#/definitions/a"}"##).unwrap_err();
    assert!(matches!(err, ParseError::RefCycle { .. }), "{err}");
    // Through a combinator beside the reference (2019-09 on), the same.
    let err = parse(r##"{"$schema":"https://json-schema.org/draft/2020-12/schema","$defs":{"d":{"$ref":"#/$defs/d","type":"number"}},"$ref":"#/$defs/d"}"##).unwrap_err();
    assert!(matches!(err, ParseError::RefCycle { .. }), "{err}");
    assert!(err.to_string().contains("#/$defs/d"), "{err}");
    let err = parse(r##"{"anyOf":[{"type":"string"},{"not":{"$ref":"#"}}]}"##).unwrap_err();
    assert!(matches!(err, ParseError::RefCycle { .. }), "{err}");
    // Recursion one level down the value is what recursive schemas are.
    let tree = parse(
        r##"{"type":"object","properties":{"children":{"type":"array","items":{"$ref":"#"}}},"anyOf":[{"required":["children"]},{"type":"object"}]}"##,
    );
    assert!(tree.is_ok(), "{tree:?}");
}

#[test]
fn unresolvable_and_remote_references_are_refused() {
    let err = parse(r##"{"properties":{"a":{"$ref":"#/definitions/missing"}}}"##).unwrap_err();
    assert!(matches!(err, ParseError::UnresolvedRef { .. }), "{err}");
    assert!(err.to_string().contains("#/properties/a"), "{err}");
    let err = parse(r#"{"$ref":"https://example.com/schema.json"}"#).unwrap_err();
    assert!(matches!(err, ParseError::RemoteRef { .. }), "{err}");
}

#[test]
fn references_to_other_schemas_go_through_the_resolver() {
    let mut resolver = MapResolver::new();
    resolver.insert(
        "customer.json",
        r#"{"type":"object","properties":{"id":{"type":"string"}}}"#,
    );
    let schema = JsonSchema::parse(
        r#"{"properties":{"customer":{"$ref":"customer.json"}}}"#,
        &resolver,
    )
    .unwrap();
    assert_eq!(schema.documents.len(), 2);
    let validator = schema.validator().unwrap();
    assert!(validator.is_valid(&serde_json::json!({"customer":{"id":"c1"}})));
    assert!(!validator.is_valid(&serde_json::json!({"customer":{"id":1}})));
}

#[test]
fn a_large_schema_parses() {
    let props: Vec<String> = (0..20_000)
        .map(|i| {
            format!(
                r#""p{i}":{{"type":"string","maxLength":{i},"description":"property number {i}"}}"#
            )
        })
        .collect();
    let text = format!(
        r#"{{"type":"object","properties":{{{}}}}}"#,
        props.join(",")
    );
    assert!(text.len() > 1_000_000);
    let schema = parse(&text).unwrap();
    assert!(schema.nodes.len() > 20_000);
}

#[test]
fn a_large_schema_diffs_in_bounded_work() {
    let make = |changed: usize| {
        let props: Vec<String> = (0..20_000)
            .map(|i| {
                let max = if i == changed { 1 } else { i + 10 };
                format!(r#""p{i}":{{"type":"string","maxLength":{max},"description":"property number {i}"}}"#)
            })
            .collect();
        format!(
            r#"{{"type":"object","properties":{{{}}}}}"#,
            props.join(",")
        )
    };
    let (old, new) = (make(usize::MAX), make(12_345));
    assert!(old.len() > 1_000_000);
    let old = crate::Schema::parse(crate::SchemaType::Json, &old, &NoReferences).unwrap();
    let new = crate::Schema::parse(crate::SchemaType::Json, &new, &NoReferences).unwrap();
    let changes = crate::diff(&old, &new, crate::Policy::Strict).unwrap();
    assert_eq!(changes.len(), 1, "{changes:?}");
    assert_eq!(changes[0].path, "#/properties/p12345/maxLength");
    assert!(changes[0].breaks.backward);
}

#[test]
fn a_pattern_that_backtracks_without_end_makes_the_value_invalid_with_the_reason() {
    // A back-reference needs the backtracking engine; this one retries every
    // split of the a's before failing on the last character.
    let schema = parse(r#"{"type": "string", "pattern": "^(a|aa)*\\1c$"}"#).unwrap();
    let validator = schema.validator().unwrap();
    // 25 a's take some 100,000 steps: over this limit, under the engine's default.
    let hostile = serde_json::Value::String(format!("{}b", "a".repeat(25)));
    let errors: Vec<String> = validator
        .iter_errors(&hostile)
        .map(|e| e.to_string())
        .collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].to_lowercase().contains("backtrack"), "{errors:?}");
    // An ordinary value is judged as before.
    assert!(
        validator.is_valid(&serde_json::json!("aac"))
            || validator.is_valid(&serde_json::json!("aaac"))
    );
    // Patterns without look-around or back-references take the linear
    // engine: a classic catastrophic pattern answers at once.
    let linear = parse(r#"{"type": "string", "pattern": "^(a+)+$"}"#).unwrap();
    let value = serde_json::Value::String(format!("{}!", "a".repeat(10_000)));
    assert!(!linear.validator().unwrap().is_valid(&value));
}

/// Formats a later draft defined are asserted in every draft (issue 13), and
/// with the checks of the draft that defined them.
#[test]
fn later_draft_formats_are_asserted_in_every_draft() {
    let check = |draft: &str, format: &str, value: &str| {
        let text = format!(r#"{{"$schema":"{draft}","type":"string","format":"{format}"}}"#);
        parse(&text)
            .unwrap()
            .validator()
            .unwrap()
            .is_valid(&serde_json::json!(value))
    };
    let drafts = [
        "http://json-schema.org/draft-04/schema#",
        "http://json-schema.org/draft-06/schema#",
        "http://json-schema.org/draft-07/schema#",
        "https://json-schema.org/draft/2020-12/schema",
    ];
    for draft in drafts {
        let cases = [
            (
                "uuid",
                "86c3560b-6a2f-4c53-9a4e-4d1f0c1b2a3e",
                "evt-86c3560b",
            ),
            ("duration", "PT1H30M", "90 minutes"),
            ("json-pointer", "/a/b", "a/b"),
            ("relative-json-pointer", "1/a", "/a"),
            ("uri-reference", "../a?b", "\\\\x"),
            ("uri-template", "http://x/{id}", "http://x/{id"),
        ];
        for (format, good, bad) in cases {
            assert!(check(draft, format, good), "{draft} {format} {good}");
            assert!(!check(draft, format, bad), "{draft} {format} {bad}");
        }
    }
    // `iri` stays a draft-07 format; an unknown format asserts nothing.
    assert!(check(drafts[0], "iri", "not an iri"));
    assert!(!check(drafts[2], "iri", "not an iri"));
    assert!(check(drafts[2], "x-custom", "anything"));
}

/// The text the Confluent Schema Registry serves for a JSON Schema
/// registered with `normalize=true`, worked out from `JsonSchema.normalize()`
/// (its text read again with `Jackson.newObjectMapper(true)`: `TreeMap`
/// objects, exact big decimals) and written back by Jackson: keys sorted at
/// every depth, numbers with a fraction or exponent as `BigDecimal` writes
/// them, strings escaped Jackson's way. Charter's canonical form differs
/// only in number spelling, where it unifies `1e2`, `100.0` and `100`.
#[test]
fn normalized_text_is_the_peers() {
    let check = |input: &str, expected: &str| {
        let schema = crate::Schema::parse(crate::SchemaType::Json, input, &NoReferences).unwrap();
        assert_eq!(schema.normalized_text(input), expected, "{input}");
    };
    check(
        r#"{ "type": "object", "properties": { "b": {"type": "string", "maxLength": 10}, "a": {"type": "integer"} }, "required": ["b"] }"#,
        r#"{"properties":{"a":{"type":"integer"},"b":{"maxLength":10,"type":"string"}},"required":["b"],"type":"object"}"#,
    );
    check(
        r#"{"type":"number","maximum":1e2,"minimum":-0,"multipleOf":1.50,"enum":[0.0000001,12.5e-1,{"z":1,"a":[{"y":true,"x":null}]}]}"#,
        r#"{"enum":[1E-7,1.25,{"a":[{"x":null,"y":true}],"z":1}],"maximum":1E+2,"minimum":0,"multipleOf":1.50,"type":"number"}"#,
    );
    check(
        r#"{"description":"caf\u00e9 \u001f \"q\" \/","type":"string","title":"x","title":"last"}"#,
        "{\"description\":\"café \\u001F \\\"q\\\" /\",\"title\":\"last\",\"type\":\"string\"}",
    );
}
