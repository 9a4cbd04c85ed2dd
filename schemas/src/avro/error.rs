//! Why an Avro schema could not be parsed, always with where.
//!
//! Every location is a JSON pointer fragment (`#/fields/2/type`) into the
//! document that holds the problem; a problem inside a referenced schema is
//! wrapped in [`AvroError::InReference`], which names the reference.

use crate::json::TextError;

/// An Avro schema that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AvroError {
    /// The text is not JSON.
    #[error("invalid Avro schema: {0}")]
    Text(#[from] TextError),
    /// Over one of the schema limits (enum symbols, record fields).
    #[error(transparent)]
    Limit(#[from] crate::limits::LimitExceeded),
    /// A value where a schema is expected that is none of a type name, a
    /// type object or a union array.
    #[error(
        "invalid Avro schema at {pointer}: expected a type name, a type object or a union array, found {found}"
    )]
    NotASchema {
        /// Where.
        pointer: String,
        /// The JSON kind found.
        found: &'static str,
    },
    /// A type object without an attribute its type requires.
    #[error("invalid Avro schema at {pointer}: this {type_name} needs `{attribute}`")]
    MissingAttribute {
        /// Where the type object is.
        pointer: String,
        /// The type (`record`, `fixed`, ...).
        type_name: &'static str,
        /// The missing attribute.
        attribute: &'static str,
    },
    /// An attribute with a value of the wrong kind.
    #[error("invalid Avro schema at {pointer}: `{attribute}` must be {expected}")]
    BadAttribute {
        /// Where the attribute is.
        pointer: String,
        /// The attribute.
        attribute: &'static str,
        /// What it must be.
        expected: &'static str,
    },
    /// A `type` that names no primitive, complex or defined type.
    #[error("invalid Avro schema at {pointer}: unknown type `{name}`{}", if .tried.is_empty() { String::new() } else { format!(" (looked for {})", .tried.join(", ")) })]
    UnknownType {
        /// Where the name is used.
        pointer: String,
        /// The name as written.
        name: String,
        /// The full names looked for, in order.
        tried: Vec<String>,
    },
    /// A name, namespace, alias or symbol that breaks the naming rules.
    #[error("invalid Avro schema at {pointer}: `{name}` is not a valid {what} ({rule})")]
    BadName {
        /// Where.
        pointer: String,
        /// The name as written.
        name: String,
        /// `name`, `namespace`, `alias`, `field name` or `enum symbol`.
        what: &'static str,
        /// The rule it breaks.
        rule: &'static str,
    },
    /// A second definition of a full name.
    #[error("invalid Avro schema at {pointer}: `{name}` is already defined{}", .first.as_ref().map(|p| format!(" at {p}")).unwrap_or_default())]
    Redefined {
        /// Where the second definition is.
        pointer: String,
        /// The full name.
        name: String,
        /// Where the first one is, when in the same document.
        first: Option<String>,
    },
    /// Two fields of one record with the same name.
    #[error("invalid Avro schema at {pointer}: record `{record}` has two fields named `{field}`")]
    DuplicateField {
        /// Where the second field is.
        pointer: String,
        /// The record's full name.
        record: String,
        /// The field name.
        field: String,
    },
    /// Two equal symbols in one enum.
    #[error("invalid Avro schema at {pointer}: enum `{name}` lists `{symbol}` twice")]
    DuplicateSymbol {
        /// Where the second one is.
        pointer: String,
        /// The enum's full name.
        name: String,
        /// The symbol.
        symbol: String,
    },
    /// A union that breaks the union rules.
    #[error("invalid Avro schema at {pointer}: {problem}")]
    BadUnion {
        /// Where the offending branch is.
        pointer: String,
        /// What is wrong.
        problem: UnionProblem,
    },
    /// A default value that its type does not accept.
    #[error("invalid Avro schema at {pointer}: invalid default: {message}")]
    InvalidDefault {
        /// Where the default is.
        pointer: String,
        /// Why it does not fit, with the place inside the default.
        message: String,
    },
    /// A type no finite value can have: a record that always contains
    /// itself, an enum without symbols.
    #[error("invalid Avro schema at {pointer}: {name} has no finite value: {reason}")]
    NoFiniteValue {
        /// Where the type is defined.
        pointer: String,
        /// The type.
        name: String,
        /// Why.
        reason: String,
    },
    /// A problem inside a referenced schema.
    #[error("in referenced schema `{reference}`: {error}")]
    InReference {
        /// The reference name.
        reference: String,
        /// The problem.
        error: Box<AvroError>,
    },
    /// A reference the caller listed but whose text it does not give.
    #[error("referenced schema `{reference}` is not available")]
    MissingReference {
        /// The reference name.
        reference: String,
    },
}

/// What is wrong with a union.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum UnionProblem {
    /// A union directly inside a union.
    #[error("a union may not directly contain another union")]
    Nested,
    /// Two branches of the same unnamed type, or two named types with one
    /// full name.
    #[error("a union may not contain two branches of the same type")]
    Duplicate,
    /// No branch at all.
    #[error("a union needs at least one branch (no value can be written with none)")]
    Empty,
}

impl AvroError {
    /// Wraps an error found while parsing reference `reference`.
    pub(crate) fn in_reference(self, reference: &str) -> AvroError {
        AvroError::InReference {
            reference: reference.to_string(),
            error: Box::new(self),
        }
    }
}
