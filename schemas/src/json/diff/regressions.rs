//! Verdicts the soundness property tests (`tests/soundness/`) proved
//! wrong, one test each, named `r<issue>_...`. Each breaking case carries the
//! document that proves the break, checked against both schemas here.

use std::sync::Arc;

use serde_json::{Value, json};

use crate::payload::PayloadValidator;
use crate::{CompatibilityMode, NoReferences, Policy, Schema, SchemaType};

const DRAFT_2020: &str = "https://json-schema.org/draft/2020-12/schema";
const DRAFT_04: &str = "http://json-schema.org/draft-04/schema#";
const DRAFT_06: &str = "http://json-schema.org/draft-06/schema#";

fn parse(mut value: Value, draft: Option<&str>) -> Schema {
    if let (Some(draft), Value::Object(map)) = (draft, &mut value) {
        map.insert("$schema".into(), json!(draft));
    }
    Schema::parse(SchemaType::Json, &value.to_string(), &NoReferences).unwrap()
}

/// Whether `schema` accepts `document`.
fn accepts(schema: Schema, document: &Value) -> bool {
    PayloadValidator::new(Arc::new(schema), None)
        .unwrap()
        .is_valid(document)
}

/// Checks `old` → `new` under strict BACKWARD: incompatible with `proof` (a
/// document the old schema accepts and the new one rejects) when given,
/// compatible otherwise.
fn check(draft: Option<&str>, old: Value, new: Value, proof: Option<Value>) {
    let (old, new) = (parse(old, draft), parse(new, draft));
    let report = crate::check(&new, &[&old], CompatibilityMode::Backward, Policy::Strict).unwrap();
    match proof {
        Some(document) => {
            assert!(
                accepts(old, &document) && !accepts(new, &document),
                "{document} proves nothing"
            );
            assert!(
                !report.compatible,
                "{document} breaks, yet: {:#?}",
                report.changes
            );
        }
        None => assert!(report.compatible, "{:#?}", report.changes),
    }
}

/// Widening a `oneOf` branch to `{}` reports no change for that branch, but
/// `"a"` (old: only the string branch) now matches both branches.
#[test]
fn r2_one_of_branch_widened_to_anything_overlaps() {
    check(
        None,
        json!({"oneOf":[{"enum":[false]},{"type":["string","null"]}]}),
        json!({"oneOf":[{},{"type":["string","null"]}]}),
        Some(json!("a")),
    );
    // Branches kept exactly as they were still need no proof.
    check(
        None,
        json!({"oneOf":[{"type":"string"},{"type":"string","maxLength":3}]}),
        json!({"oneOf":[{"type":"string"},{"type":"string","maxLength":3},{"type":"null"}]}),
        None,
    );
}

/// `contains: {}` with `minContains: 0` demands nothing, but `maxContains`
/// beside it caps the array's length.
#[test]
fn r2_contains_anything_with_max_contains_bounds_the_length() {
    check(
        Some(DRAFT_2020),
        json!({"type":"array"}),
        json!({"type":"array","contains":{},"minContains":0,"maxContains":1}),
        Some(json!([1, 2])),
    );
}

/// Under `maxContains`, a wider `contains` counts more items against the cap.
#[test]
fn r2_wider_contains_under_max_contains_counts_more_items() {
    check(
        Some(DRAFT_2020),
        json!({"type":"array","contains":{"type":"string","minLength":1},"maxContains":2}),
        json!({"type":"array","contains":{"type":"string"},"maxContains":2}),
        Some(json!(["", "", "a"])),
    );
    // The same `contains` under a higher cap is fine.
    check(
        Some(DRAFT_2020),
        json!({"type":"array","contains":{"type":"string"},"maxContains":2}),
        json!({"type":"array","contains":{"type":"string"},"maxContains":3}),
        None,
    );
}

/// The writer's `unevaluatedProperties: false` lets through what a sibling
/// `allOf` evaluates; the content model (and the structural-hash shortcut)
/// took it for `additionalProperties: false`.
#[test]
fn r2_writer_unevaluated_properties_sees_sibling_applicators() {
    check(
        Some(DRAFT_2020),
        json!({"allOf":[{"properties":{"a":{"type":"string"}}}],"unevaluatedProperties":false}),
        json!({"unevaluatedProperties":false}),
        Some(json!({"a": "x"})),
    );
    check(
        Some(DRAFT_2020),
        json!({"type":"object","allOf":[{"properties":{"b":{}}}],"unevaluatedProperties":false}),
        json!({"type":"object","allOf":[{"properties":{"b":{}}}],"unevaluatedProperties":false,
            "properties":{"b":{"type":"string"}}}),
        Some(json!({"b": 0})),
    );
}

/// In 2020-12, items that `contains` matches count as evaluated, so the
/// writer's `unevaluatedItems: false` lets them through.
#[test]
fn r2_writer_unevaluated_items_sees_contains() {
    check(
        Some(DRAFT_2020),
        json!({"type":"array","contains":{"type":"string"},"unevaluatedItems":false}),
        json!({"type":"array","unevaluatedItems":false}),
        Some(json!(["a"])),
    );
}

/// `if` conditions were compared as text, so one that reaches a changed
/// definition through a `$ref` counted as unchanged.
#[test]
fn r2_condition_reaching_a_changed_definition() {
    let schema = |d0: &str| {
        json!({"definitions":{"d0":{"type": d0}},
            "if":{"properties":{"a":{"$ref":"#/definitions/d0"}},"required":["a"]},
            "then":{"required":["b"]}})
    };
    check(
        None,
        schema("number"),
        schema("string"),
        Some(json!({"a": "x"})),
    );
    check(None, schema("number"), schema("number"), None);
}

/// Before 2020-12, `additionalItems` without a tuple is ignored, so the old
/// schema allowed any items; the new one's is real.
#[test]
fn r2_inert_additional_items_constrains_nothing() {
    check(
        None,
        json!({"type":"array","additionalItems":false}),
        json!({"type":"array","items":[{}],"additionalItems":false}),
        Some(json!([1, 2])),
    );
    check(
        None,
        json!({"type":"array","additionalItems":false}),
        json!({"$schema":DRAFT_2020,"type":"array","items":false}),
        Some(json!(["x"])),
    );
    // Both inert: nothing changes for any document (compared as the peer does).
    check(
        None,
        json!({"type":"array","additionalItems":false}),
        json!({"type":"array","additionalItems":false}),
        None,
    );
}

/// Drafts 6 and 7 assert `contentEncoding` and `contentMediaType` (the
/// validator rejects `"a"` as base64); the diff ignored them.
#[test]
fn r2_content_keywords_assert_in_draft_7() {
    check(
        None,
        json!({"type":"string"}),
        json!({"type":"string","contentEncoding":"base64"}),
        Some(json!("a")),
    );
    check(
        None,
        json!({}),
        json!({"contentMediaType":"application/json"}),
        Some(json!("{")),
    );
    check(
        None,
        json!({"type":"string","contentEncoding":"base64"}),
        json!({"type":"string"}),
        None,
    );
    // From 2019-09 on they are annotations.
    check(
        Some(DRAFT_2020),
        json!({"type":"string"}),
        json!({"type":"string","contentEncoding":"base64"}),
        None,
    );
}

/// Formats a later draft defined (`uuid`, `duration`, ...) are asserted in
/// draft-04/06/07 schemas too, as ajv-formats and Python's jsonschema assert
/// them (issue 13): adding `format: uuid` to a draft-07 property breaks old
/// data that is not a UUID, and moving the schema to 2020-12 changes nothing.
#[test]
fn r13_later_draft_formats_assert_in_every_draft() {
    let id = |draft: Option<&str>, format: Option<&str>| {
        let mut schema = json!({"type":"object","properties":{"id":{"type":"string"}}});
        if let Some(format) = format {
            schema["properties"]["id"]["format"] = json!(format);
        }
        if let Some(draft) = draft {
            schema["$schema"] = json!(draft);
        }
        schema
    };
    for draft in [None, Some(DRAFT_04), Some(DRAFT_06)] {
        check(
            None,
            id(draft, None),
            id(draft, Some("uuid")),
            Some(json!({"id": "evt-86c3560b"})),
        );
        check(
            None,
            id(draft, None),
            id(draft, Some("duration")),
            Some(json!({"id": "90 minutes"})),
        );
        check(None, id(draft, Some("uuid")), id(draft, None), None);
    }
    check(
        None,
        id(None, Some("uuid")),
        id(Some(DRAFT_2020), Some("uuid")),
        None,
    );
    check(
        None,
        id(Some(DRAFT_2020), Some("uuid")),
        id(None, Some("uuid")),
        None,
    );
    // An unknown format is an annotation: adding it changes nothing.
    check(
        None,
        json!({"type":"string"}),
        json!({"type":"string","format":"x-custom"}),
        None,
    );
}

/// Bounds were compared as doubles, which cannot tell 2^53 + 1 from 2^53;
/// the validator compares integers exactly.
#[test]
fn r2_integer_bounds_compare_exactly() {
    check(
        None,
        json!({"type":"integer","maximum":9_007_199_254_740_993_u64}),
        json!({"type":"integer","maximum":9_007_199_254_740_992_u64}),
        Some(json!(9_007_199_254_740_993_u64)),
    );
    check(
        None,
        json!({"type":"integer","minimum":-9_007_199_254_740_993_i64}),
        json!({"type":"integer","minimum":-9_007_199_254_740_992_i64}),
        Some(json!(-9_007_199_254_740_993_i64)),
    );
    check(
        None,
        json!({"type":"number","maximum":2.5}),
        json!({"type":"number","maximum":2.50}),
        None,
    );
}

/// `dependentRequired` is a keyword from 2019-09 on: in a draft-07 schema
/// it asserts nothing, so moving it to 2020-12 starts rejecting `{"a": "x"}`.
#[test]
fn r2_keywords_of_a_later_draft_assert_nothing() {
    let rule = json!({"type": "object", "dependentRequired": {"a": ["b"]}});
    let draft7 = parse(rule.clone(), None);
    let draft2020 = parse(rule.clone(), Some(DRAFT_2020));
    let document = json!({"a": "x"});
    assert!(
        accepts(parse(rule.clone(), None), &document)
            && !accepts(parse(rule, Some(DRAFT_2020)), &document)
    );
    let report = crate::check(
        &draft2020,
        &[&draft7],
        CompatibilityMode::Backward,
        Policy::Strict,
    )
    .unwrap();
    assert!(!report.compatible, "{document} breaks");
    // Within draft 7 it stays an annotation: adding it changes nothing.
    check(
        None,
        json!({"type": "object"}),
        json!({"type": "object", "dependentRequired": {"a": ["b"]}, "unevaluatedProperties": false}),
        None,
    );
}
