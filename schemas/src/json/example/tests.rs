//! Counterexamples for every kind of breaking change the brief names, each
//! checked against both schemas by the test itself.

use serde_json::{Value, json};

use super::*;
use crate::NoReferences;
use crate::vocabulary::{Directions, Policy};

fn schema(value: Value) -> JsonSchema {
    JsonSchema::from_value(value, &NoReferences).unwrap()
}

/// Diffs `old` → `new`, expects a breaking change of `kind` (backward), finds
/// its example and checks it: the old schema accepts it, the new one rejects
/// it. Returns the example.
fn check(old: Value, new: Value, kind: &str) -> Value {
    let (o, n) = (schema(old), schema(new));
    let changes = crate::json::diff::changes(
        &o,
        &n,
        Policy::Strict,
        Directions {
            backward: true,
            forward: false,
        },
        &crate::limits::Work::new(u64::MAX),
    )
    .unwrap();
    let change = changes
        .iter()
        .find(|c| c.kind.name() == kind)
        .unwrap_or_else(|| panic!("no {kind} in {changes:#?}"));
    assert!(change.breaks.backward, "{kind} does not break: {change:?}");
    let example = find_example(&o, &n, &change.path, change.kind)
        .unwrap_or_else(|| panic!("no example for {kind} at {}", change.path));
    assert!(o.validator().unwrap().is_valid(&example), "{example}");
    assert!(!n.validator().unwrap().is_valid(&example), "{example}");
    example
}

#[test]
fn required_attribute_added() {
    let example = check(
        json!({"type":"object","properties":{"a":{"type":"string"},"b":{"type":"string"}},"required":["a"]}),
        json!({"type":"object","properties":{"a":{"type":"string"},"b":{"type":"string"}},"required":["a","b"]}),
        "REQUIRED_ATTRIBUTE_ADDED",
    );
    assert!(example.get("b").is_none(), "{example}");
}

#[test]
fn max_length_decreased() {
    let example = check(
        json!({"type":"object","properties":{"a":{"type":"string","maxLength":10}}}),
        json!({"type":"object","properties":{"a":{"type":"string","maxLength":5}}}),
        "MAX_LENGTH_DECREASED",
    );
    let len = example["a"].as_str().unwrap().chars().count();
    assert!((6..=10).contains(&len), "{example}");
}

#[test]
fn type_changed() {
    let example = check(
        json!({"type":"object","properties":{"a":{"type":"string"}}}),
        json!({"type":"object","properties":{"a":{"type":"integer"}}}),
        "TYPE_CHANGED",
    );
    assert!(example["a"].is_string(), "{example}");
}

#[test]
fn enum_array_narrowed() {
    let example = check(
        json!({"enum":["EUR","USD","GBP"]}),
        json!({"enum":["EUR","USD"]}),
        "ENUM_ARRAY_NARROWED",
    );
    assert_eq!(example, json!("GBP"));
}

#[test]
fn optional_property_added_to_open_content_model() {
    let example = check(
        json!({"type":"object","properties":{"a":{"type":"string"}}}),
        json!({"type":"object","properties":{"a":{"type":"string"},"b":{"type":"string"}}}),
        "OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL",
    );
    assert!(
        example.get("b").is_some_and(|b| !b.is_string()),
        "{example}"
    );
}

#[test]
fn property_removed_from_closed_content_model() {
    let example = check(
        json!({"type":"object","properties":{"a":{"type":"string"},"b":{"type":"integer"}},"additionalProperties":false}),
        json!({"type":"object","properties":{"a":{"type":"string"}},"additionalProperties":false}),
        "PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL",
    );
    assert!(example["b"].is_i64(), "{example}");
}

#[test]
fn maximum_decreased() {
    let example = check(
        json!({"type":"object","properties":{"qty":{"type":"integer","minimum":1,"maximum":100}},"required":["qty"]}),
        json!({"type":"object","properties":{"qty":{"type":"integer","minimum":1,"maximum":50}},"required":["qty"]}),
        "MAXIMUM_DECREASED",
    );
    let qty = example["qty"].as_i64().unwrap();
    assert!((51..=100).contains(&qty), "{example}");
}

#[test]
fn multiple_of_changed() {
    let example = check(
        json!({"type":"number","multipleOf":0.01}),
        json!({"type":"number","multipleOf":0.05}),
        "MULTIPLE_OF_EXPANDED",
    );
    assert!(example.is_number(), "{example}");
    check(
        json!({"type":"integer","multipleOf":3}),
        json!({"type":"integer","multipleOf":5}),
        "MULTIPLE_OF_CHANGED",
    );
}

#[test]
fn format_added() {
    let example = check(
        json!({"type":"object","properties":{"at":{"type":"string"}},"required":["at"]}),
        json!({"type":"object","properties":{"at":{"type":"string","format":"date-time"}},"required":["at"]}),
        "FORMAT_ADDED",
    );
    assert!(example["at"].is_string(), "{example}");
}

#[test]
fn item_removed_from_closed_content_model() {
    let example = check(
        json!({"type":"array","items":[{"type":"string"},{"type":"integer"}],"additionalItems":false}),
        json!({"type":"array","items":[{"type":"string"}],"additionalItems":false}),
        "ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL",
    );
    assert_eq!(example.as_array().map(Vec::len), Some(2), "{example}");
}

#[test]
fn nested_paths_reach_the_change() {
    let example = check(
        json!({"type":"object","required":["a"],"properties":{"a":{"type":"array","minItems":1,
            "items":{"type":"object","required":["b"],"properties":{"b":{"type":"string","maxLength":8}}}}}}),
        json!({"type":"object","required":["a"],"properties":{"a":{"type":"array","minItems":1,
            "items":{"type":"object","required":["b"],"properties":{"b":{"type":"string","maxLength":4}}}}}}),
        "MAX_LENGTH_DECREASED",
    );
    let b = example["a"][0]["b"].as_str().unwrap();
    assert!((5..=8).contains(&b.chars().count()), "{example}");
}

#[test]
fn formats_and_patterns_are_satisfied_on_the_way() {
    // The writer demands well-formed ids and timestamps around the change.
    let old = json!({"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object",
        "required":["id","at","code","currency"],
        "properties":{"id":{"type":"string","format":"uuid"},"at":{"type":"string","format":"date-time"},
            "code":{"type":"string","pattern":"^[A-Z]{3}-[0-9]{4}$"},"currency":{"enum":["EUR","USD"]},
            "total":{"type":"number","exclusiveMinimum":0}}});
    let mut new = old.clone();
    new["properties"]["total"]["exclusiveMaximum"] = json!(1000);
    let example = check(old, new, "EXCLUSIVE_MAXIMUM_ADDED");
    assert!(example["total"].as_f64().unwrap() >= 1000.0, "{example}");
}

#[test]
fn additional_properties_and_tuples() {
    check(
        json!({"type":"object","properties":{"a":{}}}),
        json!({"type":"object","properties":{"a":{}},"additionalProperties":false}),
        "ADDITIONAL_PROPERTIES_REMOVED",
    );
    check(
        json!({"type":"object","additionalProperties":{"type":"string"}}),
        json!({"type":"object","additionalProperties":{"type":"string","minLength":2}}),
        "MIN_LENGTH_ADDED",
    );
    check(
        json!({"$schema":"https://json-schema.org/draft/2020-12/schema","type":"array","prefixItems":[{"type":"string"}]}),
        json!({"$schema":"https://json-schema.org/draft/2020-12/schema","type":"array","prefixItems":[{"type":"string"}],"items":{"type":"integer"}}),
        "ADDITIONAL_ITEMS_NARROWED",
    );
    check(
        json!({"type":"array","items":{"type":"integer"}}),
        json!({"type":"array","items":{"type":"integer"},"uniqueItems":true}),
        "UNIQUE_ITEMS_ADDED",
    );
    check(
        json!({"type":"array"}),
        json!({"type":"array","maxItems":100}),
        "MAX_ITEMS_ADDED",
    );
}

#[test]
fn combinators_and_references() {
    check(
        json!({"anyOf":[{"type":"string"},{"type":"integer"}]}),
        json!({"anyOf":[{"type":"string"}]}),
        "SUM_TYPE_NARROWED",
    );
    check(
        json!({"definitions":{"money":{"type":"number","maximum":10}},"type":"object","properties":{"price":{"$ref":"#/definitions/money"}}}),
        json!({"definitions":{"money":{"type":"number","maximum":5}},"type":"object","properties":{"price":{"$ref":"#/definitions/money"}}}),
        "MAXIMUM_DECREASED",
    );
    check(
        json!({"type":["string","null"]}),
        json!({"type":"string"}),
        "TYPE_CHANGED",
    );
    check(
        json!({"type":"object","properties":{"a":{"type":"string"}}}),
        json!({"type":"object","properties":{"a":{"type":"string"}},"dependencies":{"a":["b"]}}),
        "DEPENDENCY_ARRAY_ADDED",
    );
}

#[test]
fn no_example_when_the_reader_accepts_everything_the_writer_does() {
    let (o, n) = (
        schema(json!({"type":"string","maxLength":5})),
        schema(json!({"type":"string","maxLength":10})),
    );
    assert_eq!(
        find_example(&o, &n, "#/maxLength", ChangeKind::MaxLengthIncreased),
        None
    );
}

#[test]
fn the_search_is_deterministic_and_survives_bad_paths() {
    let (o, n) = (
        schema(json!({"type":"object","properties":{"a":{"type":"string"}}})),
        schema(json!({"type":"object","properties":{"a":{"type":"string"}},"required":["a"]})),
    );
    let first = find_example(&o, &n, "#/required/a", ChangeKind::RequiredAttributeAdded);
    assert!(first.is_some());
    assert_eq!(
        first,
        find_example(&o, &n, "#/required/a", ChangeKind::RequiredAttributeAdded)
    );
    for path in [
        "",
        "#",
        "#/items/7/oneOf/x",
        "#/properties",
        "#/~1~0/%%",
        "#/items/18446744073709551615",
        "#/prefixItems/999999999/maxLength",
    ] {
        let found = find_example(&o, &n, path, ChangeKind::TypeChanged);
        assert!(found.is_some(), "{path}");
    }
}

#[test]
fn an_error_elsewhere_does_not_count_as_near() {
    // Every old document fails the new `b` (now required) at the parent of
    // `a`; the example must still show a value of `a` the reader rejects.
    let example = check(
        json!({"type":"object","required":["a"],"properties":{"a":{"enum":["x","y","z"]},"b":{}}}),
        json!({"type":"object","required":["a","b"],"properties":{"a":{"enum":["x","y"]},"b":{}}}),
        "ENUM_ARRAY_NARROWED",
    );
    assert_eq!(example["a"], json!("z"), "{example}");
}
