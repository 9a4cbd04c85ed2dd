//! Why a JSON Schema could not be parsed, always with where.

/// A JSON text that is not JSON.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    /// Not valid JSON.
    #[error("invalid JSON at line {line}, column {column}: {message}")]
    Syntax {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What the parser expected.
        message: String,
    },
    /// Arrays and objects nested deeper than `--max-schema-depth`.
    #[error(transparent)]
    Limit(crate::limits::LimitExceeded),
}

/// A JSON Schema that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// The text is not JSON.
    #[error(transparent)]
    Text(#[from] TextError),
    /// `$schema` names a meta-schema Charter does not know.
    #[error(
        "unknown $schema `{uri}`: expected a draft-04, draft-06, draft-07, 2019-09 or 2020-12 meta-schema URI"
    )]
    UnknownDraft {
        /// The URI as written.
        uri: String,
    },
    /// The document violates its draft's meta-schema, or is not a schema at all.
    #[error("not a valid JSON Schema at {pointer}: {message}")]
    NotASchema {
        /// JSON pointer fragment into the schema.
        pointer: String,
        /// What is wrong there.
        message: String,
    },
    /// A regular expression that does not compile.
    #[error("invalid regular expression `{pattern}` at {pointer}: {message}")]
    InvalidPattern {
        /// JSON pointer fragment into the schema.
        pointer: String,
        /// The expression.
        pattern: String,
        /// The regex engine's complaint.
        message: String,
    },
    /// A `$ref` that points nowhere.
    #[error("unresolvable $ref `{reference}` at {pointer}: {reason}")]
    UnresolvedRef {
        /// The reference as written.
        reference: String,
        /// Where it is.
        pointer: String,
        /// Why it does not resolve.
        reason: String,
    },
    /// A `$ref` to a remote URL, which Charter never fetches.
    #[error(
        "remote $ref `{reference}` at {pointer} was not fetched: Charter never fetches URLs; register the referenced schema and pass it as a reference"
    )]
    RemoteRef {
        /// The reference as written.
        reference: String,
        /// Where it is.
        pointer: String,
    },
    /// References that lead back to themselves without descending into the
    /// value (through `$ref`, `allOf`, `anyOf`, `oneOf`, `not`, `if`,
    /// `dependentSchemas`).
    #[error(
        "$ref cycle at {pointer}: the schema refers back to itself for the same value, so no value can ever be checked against it"
    )]
    RefCycle {
        /// Where the cycle was found.
        pointer: String,
    },
    /// The schema nests deeper than Charter compiles.
    #[error("schema nested deeper than {limit} levels at {pointer}")]
    TooDeeplyNested {
        /// Where the limit was reached.
        pointer: String,
        /// The limit.
        limit: usize,
    },
    /// Over one of the schema limits (`enum` values, `properties`, `$ref`
    /// expansions).
    #[error(transparent)]
    Limit(#[from] crate::limits::LimitExceeded),
    /// A referenced schema is itself invalid.
    #[error("referenced schema `{name}` is invalid: {error}")]
    InvalidReference {
        /// The reference name.
        name: String,
        /// What is wrong with it.
        error: Box<ParseError>,
    },
}
