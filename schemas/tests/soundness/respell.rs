//! The same schema spelled differently: keys shuffled, whitespace added,
//! integers written `5`, `5.0` or `5e0`.

use serde_json::Value;

/// `value` as JSON text with keys in a shuffled order, random whitespace and
/// integers spelled `5`, `5.0` or `5e0`.
pub(crate) fn respell(value: &Value, seed: u64) -> String {
    let mut state = seed | 1;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut out = String::new();
    write_respelled(value, &mut next, &mut out);
    out
}

pub(crate) fn write_respelled(value: &Value, next: &mut impl FnMut() -> u64, out: &mut String) {
    let space = |next: &mut dyn FnMut() -> u64, out: &mut String| {
        out.push_str([" ", "", "\n  ", "\t", ""][(next() % 5) as usize]);
    };
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            for i in (1..entries.len()).rev() {
                entries.swap(i, (next() % (i as u64 + 1)) as usize);
            }
            out.push('{');
            for (i, (k, v)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                space(next, out);
                out.push_str(&serde_json::to_string(k).unwrap());
                space(next, out);
                out.push(':');
                write_respelled(v, next, out);
            }
            space(next, out);
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                space(next, out);
                write_respelled(v, next, out);
            }
            out.push(']');
        }
        // Integers a double holds exactly: beyond 2^53, `N.0` is read as a double
        // and is another number to Charter (a known limit of the canonical form).
        Value::Number(n) if n.as_i64().is_some_and(|i| i.unsigned_abs() <= 1 << 53) => {
            let i = n.as_i64().unwrap_or_default();
            match next() % 3 {
                0 => out.push_str(&format!("{i}.0")),
                1 => out.push_str(&format!("{i}e0")),
                _ => out.push_str(&i.to_string()),
            }
        }
        Value::Number(n) if n.is_f64() => {
            let x = n.as_f64().unwrap_or_default();
            match next() % 3 {
                0 => out.push_str(&format!("{x:e}")),
                1 if x.to_string().contains('.') => out.push_str(&format!("{x}0")),
                _ => out.push_str(&n.to_string()),
            }
        }
        other => out.push_str(&other.to_string()),
    }
}
