//! Canonical JSON text: object keys sorted, no insignificant whitespace, and
//! one spelling per number (`100`, `1e2` and `100.0` all become `100`).
//!
//! Numbers are compared as IEEE doubles: two spellings of the same double are
//! one number. Integers beyond 2^53 that serde_json reads exactly stay exact.

use serde_json::{Number, Value};
use std::fmt::Write;

/// The canonical text of a JSON value.
pub fn to_canonical_string(value: &Value) -> String {
    let mut out = String::new();
    write_canonical(value, &mut out);
    out
}

fn write_canonical(value: &Value, out: &mut String) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => write_number(n, out),
        Value::String(s) => write_string(s, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(item, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut entries: Vec<_> = map.iter().collect();
            entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
            out.push('{');
            for (i, (key, item)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(key, out);
                out.push(':');
                write_canonical(item, out);
            }
            out.push('}');
        }
    }
}

fn write_string(s: &str, out: &mut String) {
    // serde_json's escaping is the JSON standard's; a String never fails.
    out.push_str(&serde_json::to_string(s).unwrap_or_default());
}

/// Writes one number in its canonical spelling.
pub(crate) fn write_number(n: &Number, out: &mut String) {
    if let Some(i) = n.as_i64() {
        let _ = write!(out, "{i}");
    } else if let Some(u) = n.as_u64() {
        let _ = write!(out, "{u}");
    } else if let Some(f) = n.as_f64() {
        write_f64(f, out);
    }
}

fn write_f64(f: f64, out: &mut String) {
    const EXACT_INT: f64 = 9_007_199_254_740_992.0; // 2^53
    if f == 0.0 {
        out.push('0');
    } else if f.fract() == 0.0 && f.abs() < EXACT_INT {
        let _ = write!(out, "{}", f as i64);
    } else if (1e-6..1e21).contains(&f.abs()) {
        let _ = write!(out, "{f}");
    } else {
        let _ = write!(out, "{f:e}");
    }
}

/// A set of JSON values under [`json_equal`], for membership tests in
/// constant expected time (values are bucketed by a hash that equal values
/// share, then compared).
pub(crate) struct ValueSet<'v> {
    buckets: std::collections::HashMap<u64, Vec<&'v Value>>,
}

impl<'v> ValueSet<'v> {
    /// The set of `values`.
    pub(crate) fn new(values: &'v [Value]) -> Self {
        let mut buckets: std::collections::HashMap<u64, Vec<&'v Value>> =
            std::collections::HashMap::with_capacity(values.len());
        for v in values {
            buckets.entry(json_hash(v)).or_default().push(v);
        }
        ValueSet { buckets }
    }

    /// Whether some value of the set is [`json_equal`] to `v`.
    pub(crate) fn contains(&self, v: &Value) -> bool {
        self.buckets
            .get(&json_hash(v))
            .is_some_and(|bucket| bucket.iter().any(|w| json_equal(v, w)))
    }
}

/// A hash equal for values that [`json_equal`] calls equal: numbers by
/// their `f64` value, objects independent of key order.
fn json_hash(v: &Value) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    match v {
        Value::Null => 0u8.hash(&mut h),
        Value::Bool(b) => (1u8, b).hash(&mut h),
        Value::Number(n) => {
            // Equal numbers have equal f64 values; 0.0 and -0.0 are one.
            let f = n.as_f64().unwrap_or_default();
            (2u8, if f == 0.0 { 0 } else { f.to_bits() }).hash(&mut h);
        }
        Value::String(s) => (3u8, s).hash(&mut h),
        Value::Array(items) => {
            (4u8, items.len()).hash(&mut h);
            items.iter().for_each(|i| json_hash(i).hash(&mut h));
        }
        Value::Object(map) => {
            let mut sum = 0u64;
            for (k, v) in map {
                let mut e = std::collections::hash_map::DefaultHasher::new();
                (k, json_hash(v)).hash(&mut e);
                sum = sum.wrapping_add(e.finish());
            }
            (5u8, map.len(), sum).hash(&mut h);
        }
    }
    h.finish()
}

/// Whether two JSON values are equal as JSON Schema defines it (`1 == 1.0`).
pub fn json_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => number_equal(x, y),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| json_equal(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_equal(v, w)))
        }
        _ => a == b,
    }
}

fn number_equal(x: &Number, y: &Number) -> bool {
    match (x.as_i64(), y.as_i64(), x.as_u64(), y.as_u64()) {
        (Some(a), Some(b), _, _) => a == b,
        (_, _, Some(a), Some(b)) => a == b,
        _ => x.as_f64() == y.as_f64(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn check(input: &str, expect: &str) {
        let value: Value = serde_json::from_str(input).unwrap();
        assert_eq!(to_canonical_string(&value), expect);
    }

    #[test]
    fn sorts_keys_and_strips_whitespace() {
        check(
            r#"{ "b": 1, "a": [ true, null ] }"#,
            r#"{"a":[true,null],"b":1}"#,
        );
    }

    #[test]
    fn normalises_number_spelling() {
        check(
            "[100, 1e2, 100.0, 1.50, -0.0, 0.1, 1e-7, 1e300]",
            "[100,100,100,1.5,0,0.1,1e-7,1e300]",
        );
    }

    #[test]
    fn escapes_strings_the_json_way() {
        check(r#"["a\"b\u00e9\n"]"#, "[\"a\\\"bé\\n\"]");
    }

    #[test]
    fn json_equality_ignores_number_spelling() {
        assert!(json_equal(&json!([1, {"a": 2.0}]), &json!([1.0, {"a": 2}])));
        assert!(!json_equal(&json!([1]), &json!(["1"])));
    }
}
