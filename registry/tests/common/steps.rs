//! Tests written as data: `METHOD path[, body] => status expectation;`
//! where the expectation is `is(json)` (the whole body), `has(json)` (these
//! fields, recursively) or `code(n)` (an error with this `error_code` and a
//! message). Used through the `steps!` macro.

use serde_json::Value;

use super::{Answer, Server};

/// What a step's answer must hold.
pub enum Expect {
    /// The whole body.
    Is(Value),
    /// These fields, recursively.
    Has(Value),
    /// An error with this `error_code` and a message.
    Code(i64),
}

pub fn is(v: Value) -> Expect {
    Expect::Is(v)
}

pub fn has(v: Value) -> Expect {
    Expect::Has(v)
}

pub fn code(c: i64) -> Expect {
    Expect::Code(c)
}

/// Whether `actual` holds every field of `expected`: objects field by field,
/// arrays element by element (same length), anything else equal.
pub fn holds(actual: &Value, expected: &Value) -> bool {
    match (actual, expected) {
        (Value::Object(a), Value::Object(e)) => e
            .iter()
            .all(|(k, v)| holds(a.get(k).unwrap_or(&Value::Null), v)),
        (Value::Array(a), Value::Array(e)) => {
            a.len() == e.len() && a.iter().zip(e).all(|(a, e)| holds(a, e))
        }
        _ => actual == expected,
    }
}

/// Sends one step and checks its answer; returns it for further checks.
pub async fn step(
    server: &Server,
    method: &str,
    path: &str,
    body: Option<&Value>,
    status: u16,
    expect: &Expect,
) -> Answer {
    let answer = server.call(method, path, body).await;
    let ok = answer.status == status
        && match expect {
            Expect::Is(v) => answer.body == *v,
            Expect::Has(v) => holds(&answer.body, v),
            Expect::Code(c) => answer.code() == *c && !answer.message().is_empty(),
        };
    assert!(
        ok,
        "{method} {path}\n  expected {status} {}\n  got      {} {}",
        match expect {
            Expect::Is(v) | Expect::Has(v) => v.to_string(),
            Expect::Code(c) => format!("error_code {c}"),
        },
        answer.status,
        answer.text
    );
    answer
}

/// Runs steps against a server in order, each a [`step`]:
/// `steps!(server; GET "/subjects" => 200 is(json!([]));)`.
#[macro_export]
macro_rules! steps {
    ($server:expr; $($method:ident $path:expr $(, $body:expr)? => $status:literal $expect:expr;)*) => {{
        $( $crate::common::steps::step(&$server, stringify!($method), &$path, steps!(@body $($body)?), $status, &$expect).await; )*
    }};
    (@body) => { None };
    (@body $body:expr) => { Some(&$body) };
}
