//! Random JSON documents over the names and scalars the schemas use.

use proptest::prelude::*;
use proptest::sample::select;
use serde_json::Value;

use crate::NAMES;

/// Scalars that schemas mention and documents carry.
pub(crate) fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        (-3i64..12).prop_map(Value::from),
        select(vec![9_007_199_254_740_992_u64, 9_007_199_254_740_993_u64]).prop_map(Value::from),
        select(vec![0.5, 1.5, -0.25, 2.5, 1e6]).prop_map(Value::from),
        select(vec![
            "",
            "a",
            "b",
            "c",
            "ab",
            "x",
            "xa",
            "ab1",
            "aaaaaaaaaa",
            "12",
            "2024-01-01T00:00:00Z",
            "2024-01-01",
            "user@example.com",
            "123e4567-e89b-12d3-a456-426614174000",
            "https://example.com/a",
        ])
        .prop_map(Value::from),
    ]
}

/// Random JSON documents over the names and scalars the schemas use.
pub(crate) fn document() -> BoxedStrategy<Value> {
    scalar()
        .prop_recursive(3, 24, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::btree_map(select(NAMES.to_vec()), inner, 0..4).prop_map(|m| {
                    Value::Object(m.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
                }),
            ]
        })
        .boxed()
}
