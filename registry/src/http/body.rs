//! Request bodies decoded with serde into typed wire structs, with errors
//! that say where (`messages[3].base64`) and what was expected, and never
//! quote a value: the body of `POST /triage` carries payloads, which must
//! appear in no answer and no log.
//!
//! serde's errors quote what they found (`invalid type: string "…"`), and
//! `serde_json`'s error type keeps nothing but that text. So a body, parsed
//! once as a [`Value`], is decoded through a deserializer whose error type,
//! [`Problem`], keeps the kind of what was found and drops the value;
//! `serde_path_to_error` tracks where.

use std::fmt;
use std::marker::PhantomData;

use schemas::json::kind_of;
use serde::de::value::{MapDeserializer, SeqDeserializer};
use serde::de::{self, Deserialize, DeserializeOwned, Deserializer, IntoDeserializer, Unexpected};
use serde_json::Value;

/// Decodes `body` as `T`, naming the field that does not fit.
pub fn decode<T: DeserializeOwned>(body: Value) -> Result<T, FieldError> {
    serde_path_to_error::deserialize(ValueDeserializer(body)).map_err(|e| FieldError {
        path: e.path().to_string(),
        problem: e.into_inner(),
    })
}

/// A body field that cannot be decoded, and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// `messages[3].base64`, `reader`, or `.` for the body itself.
    path: String,
    problem: Problem,
}

impl FieldError {
    /// Where, as `messages[3].base64` (`.` for the body itself).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// What is wrong there.
    pub fn problem(&self) -> &Problem {
        &self.problem
    }

    fn field(&self) -> &str {
        match self.path.as_str() {
            "." => "the request body",
            path => path,
        }
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = self.field();
        match &self.problem {
            Problem::WrongType { expected, found } => {
                write!(f, "`{at}` must be {expected}; it is {found}")
            }
            Problem::WrongValue { expected } => write!(f, "`{at}` must be {expected}"),
            Problem::UnknownField { expected } => {
                write!(
                    f,
                    "unknown field `{at}`; expected one of {}",
                    names(expected)
                )
            }
            Problem::MissingField(field) if self.path == "." => {
                write!(f, "`{field}` is required")
            }
            Problem::MissingField(field) => write!(f, "`{at}.{field}` is required"),
            Problem::Other(message) => write!(f, "`{at}` cannot be used: {message}"),
        }
    }
}

impl std::error::Error for FieldError {}

/// `` `a`, `b` ``.
fn names(fields: &[&str]) -> String {
    let quoted: Vec<String> = fields.iter().map(|f| format!("`{f}`")).collect();
    quoted.join(", ")
}

/// What is wrong with a body field. No variant holds a value from the body.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    /// A value of the wrong JSON kind.
    #[error("must be {expected}; it is {found}")]
    WrongType {
        /// What it must be.
        expected: String,
        /// The JSON kind it is (`a string`), never its value.
        found: &'static str,
    },
    /// A value of the right kind that is not one of those allowed.
    #[error("must be {expected}")]
    WrongValue {
        /// What it must be.
        expected: String,
    },
    /// A field the object does not take (the path ends with its name).
    #[error("unknown field; expected one of {}", names(expected))]
    UnknownField {
        /// The fields it takes.
        expected: &'static [&'static str],
    },
    /// A required field is absent (the path is the object's).
    #[error("`{0}` is required")]
    MissingField(&'static str),
    /// Anything else serde reports; raised only with texts that quote no
    /// value (lengths, duplicated field names).
    #[error("{0}")]
    Other(String),
}

impl de::Error for Problem {
    fn custom<T: fmt::Display>(message: T) -> Self {
        Problem::Other(message.to_string())
    }

    fn invalid_type(found: Unexpected<'_>, expected: &dyn de::Expected) -> Self {
        Problem::WrongType {
            expected: expected.to_string(),
            found: kind(&found),
        }
    }

    fn invalid_value(_found: Unexpected<'_>, expected: &dyn de::Expected) -> Self {
        Problem::WrongValue {
            expected: expected.to_string(),
        }
    }

    fn invalid_length(len: usize, expected: &dyn de::Expected) -> Self {
        Problem::Other(format!("it has {len} elements, expected {expected}"))
    }

    fn unknown_variant(_variant: &str, expected: &'static [&'static str]) -> Self {
        Problem::WrongValue {
            expected: format!("one of {}", names(expected)),
        }
    }

    fn unknown_field(_field: &str, expected: &'static [&'static str]) -> Self {
        Problem::UnknownField { expected }
    }

    fn missing_field(field: &'static str) -> Self {
        Problem::MissingField(field)
    }

    fn duplicate_field(field: &'static str) -> Self {
        Problem::Other(format!("`{field}` is given twice"))
    }
}

/// The JSON kind of what serde found, without its value.
fn kind(found: &Unexpected<'_>) -> &'static str {
    match found {
        Unexpected::Bool(_) => "a boolean",
        Unexpected::Unsigned(_) | Unexpected::Signed(_) | Unexpected::Float(_) => "a number",
        Unexpected::Char(_) | Unexpected::Str(_) => "a string",
        Unexpected::Unit | Unexpected::Option => "null",
        Unexpected::Seq => "an array",
        Unexpected::Map => "an object",
        _ => "another kind of value",
    }
}

/// A parsed body as a serde deserializer whose errors are [`Problem`]s.
/// `serde_json::Value`'s own deserializer cannot serve: its error type is
/// fixed, and its messages quote values.
struct ValueDeserializer(Value);

impl<'de> IntoDeserializer<'de, Problem> for ValueDeserializer {
    type Deserializer = Self;

    fn into_deserializer(self) -> Self {
        self
    }
}

impl<'de> Deserializer<'de> for ValueDeserializer {
    type Error = Problem;

    fn deserialize_any<V: de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, Problem> {
        match self.0 {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(b),
            Value::Number(n) => match (n.as_u64(), n.as_i64()) {
                (Some(u), _) => visitor.visit_u64(u),
                (None, Some(i)) => visitor.visit_i64(i),
                // Without `arbitrary_precision` every other number is an f64.
                (None, None) => visitor.visit_f64(n.as_f64().unwrap_or(f64::NAN)),
            },
            Value::String(s) => visitor.visit_string(s),
            Value::Array(items) => {
                let mut seq = SeqDeserializer::new(items.into_iter().map(ValueDeserializer));
                let value = visitor.visit_seq(&mut seq)?;
                seq.end()?;
                Ok(value)
            }
            Value::Object(fields) => {
                let mut map = MapDeserializer::new(
                    fields
                        .into_iter()
                        .map(|(key, value)| (key, ValueDeserializer(value))),
                );
                let value = visitor.visit_map(&mut map)?;
                map.end()?;
                Ok(value)
            }
        }
    }

    fn deserialize_option<V: de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, Problem> {
        match self.0 {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    /// Only an object is a struct (serde would also take an array, its
    /// elements as the fields in order).
    fn deserialize_struct<V: de::Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Problem> {
        match self.0 {
            Value::Object(_) => self.deserialize_any(visitor),
            other => Err(Problem::WrongType {
                expected: (&visitor as &dyn de::Expected).to_string(),
                found: kind_of(&other),
            }),
        }
    }

    fn deserialize_newtype_struct<V: de::Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Problem> {
        visitor.visit_newtype_struct(self)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct seq tuple tuple_struct map enum
        identifier ignored_any
    }
}

/// Reads a field that may be absent (`None`), null (`Some(None)`) or set;
/// use with `#[serde(default, deserialize_with = "nullable")]`.
pub fn nullable<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// A JSON array of `T`; errors say "an array", not serde's "a sequence".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Array<T>(pub Vec<T>);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Array<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Elements<T>(PhantomData<T>);

        impl<'de, T: Deserialize<'de>> de::Visitor<'de> for Elements<T> {
            type Value = Array<T>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an array")
            }

            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Array<T>, A::Error> {
                let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(Array(items))
            }
        }

        d.deserialize_seq(Elements(PhantomData))
    }
}

/// A JSON integer; errors say "an integer", not serde's "i64".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Integer(pub i64);

impl<'de> Deserialize<'de> for Integer {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Whole;

        impl de::Visitor<'_> for Whole {
            type Value = Integer;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an integer")
            }

            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Integer, E> {
                Ok(Integer(v))
            }

            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Integer, E> {
                i64::try_from(v)
                    .map(Integer)
                    .map_err(|_| E::invalid_value(Unexpected::Unsigned(v), &self))
            }
        }

        d.deserialize_i64(Whole)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use serde_json::json;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)] // fields are read by the decoder, not the tests
    struct Outer {
        items: Array<Inner>,
        flag: Option<bool>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(expecting = "an object with `n`")]
    #[allow(dead_code)]
    struct Inner {
        n: Integer,
        text: Option<String>,
    }

    /// The message decoding `body` as `Outer` fails with.
    fn refused(body: Value) -> String {
        decode::<Outer>(body)
            .expect_err("the body is refused")
            .to_string()
    }

    fn check(body: Value, expect: &str) {
        assert_eq!(refused(body), expect);
    }

    #[test]
    fn errors_name_the_path_and_the_kind_found() {
        check(
            json!({"items": [{"n": 1}, {"n": 2, "text": 3}]}),
            "`items[1].text` must be a string; it is a number",
        );
        check(
            json!({"items": [{"n": 1}, "SECRET"]}),
            "`items[1]` must be an object with `n`; it is a string",
        );
        check(
            json!({"items": {"n": 1}}),
            "`items` must be an array; it is an object",
        );
        check(
            json!({"items": [{"n": 1.5}]}),
            "`items[0].n` must be an integer; it is a number",
        );
        check(json!({"items": [{}]}), "`items[0].n` is required");
        check(json!({}), "`items` is required");
        check(
            json!([[{"n": 1}]]),
            "`the request body` must be struct Outer; it is an array",
        );
        check(
            json!({"items": [], "flag": "yes"}),
            "`flag` must be a boolean; it is a string",
        );
        check(
            json!({"items": [], "flga": true}),
            "unknown field `flga`; expected one of `items`, `flag`",
        );
    }

    #[test]
    fn no_error_quotes_a_value() {
        for body in [
            json!({"items": [{"n": "SECRET"}]}),
            json!({"items": [{"n": 1, "text": ["SECRET"]}]}),
            json!({"items": "SECRET"}),
            json!({"items": [], "flag": "SECRET"}),
            json!("SECRET"),
            json!({"items": [{"n": 18446744073709551615_u64}]}),
        ] {
            let message = refused(body.clone());
            assert!(!message.contains("SECRET"), "{body}: {message}");
            assert!(!message.contains("18446744073709551615"), "{message}");
        }
    }

    #[test]
    fn values_decode_whole() {
        #[derive(Debug, Deserialize, PartialEq)]
        struct Holder {
            #[serde(default, deserialize_with = "nullable")]
            value: Option<Option<Value>>,
        }
        let payload =
            json!({"z": 1, "a": [1.5, -2, "s", null, true], "m": {"y": 18446744073709551615_u64}});
        let held: Holder = decode(json!({"value": payload.clone()})).unwrap();
        assert_eq!(held.value, Some(Some(payload)));
        // Key order survives (`preserve_order`).
        let Some(Some(Value::Object(fields))) = held.value else {
            unreachable!()
        };
        assert_eq!(fields.keys().collect::<Vec<_>>(), ["z", "a", "m"]);
        let null: Holder = decode(json!({"value": null})).unwrap();
        assert_eq!(null.value, Some(None));
        let absent: Holder = decode(json!({})).unwrap();
        assert_eq!(absent.value, None);
    }
}
