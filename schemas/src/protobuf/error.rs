//! Why a Protobuf schema could not be compiled, or a payload could not be
//! read with it.

use std::fmt;

/// Where in which file a problem was found. Lines and columns are 1-based;
/// they are absent for a file that arrived as a serialized descriptor (it has
/// no source text) or for problems that belong to the file as a whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The file name: the import path of an imported file, or the name of the
    /// schema itself (`schema.proto` for text, the descriptor's own name for
    /// a serialized descriptor).
    pub file: String,
    /// The 1-based line.
    pub line: Option<usize>,
    /// The 1-based column.
    pub column: Option<usize>,
}

impl Location {
    pub(crate) fn file(file: &str) -> Location {
        Location {
            file: file.to_string(),
            line: None,
            column: None,
        }
    }

    /// The location of byte `offset` of `source`.
    pub(crate) fn at_offset(file: &str, source: &str, offset: usize) -> Location {
        let before = &source[..floor_char_boundary(source, offset.min(source.len()))];
        let line = before.matches('\n').count() + 1;
        let column = before
            .rsplit('\n')
            .next()
            .map_or(1, |l| l.chars().count() + 1);
        Location {
            file: file.to_string(),
            line: Some(line),
            column: Some(column),
        }
    }
}

fn floor_char_boundary(s: &str, mut index: usize) -> usize {
    while !s.is_char_boundary(index) {
        index -= 1;
    }
    index
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        Ok(())
    }
}

/// Why a Protobuf schema does not compile.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// Over one of the schema limits (nesting, fields, enum values).
    #[error(transparent)]
    Limit(#[from] crate::limits::LimitExceeded),
    /// The text is empty.
    #[error("invalid Protobuf schema: the text is empty")]
    Empty,
    /// The text is not valid `.proto` syntax.
    #[error("invalid Protobuf schema: {location}: {message}")]
    Syntax {
        /// Where the parser stopped.
        location: Location,
        /// What the parser expected.
        message: String,
    },
    /// An `import` names a file that is neither a well-known
    /// `google/protobuf/*.proto` file nor a reference of the schema.
    #[error(
        "invalid Protobuf schema: {location}: import `{import}` not found (it is not a well-known google/protobuf file; register it and pass it as a reference named `{import}`)"
    )]
    MissingImport {
        /// The `import` statement.
        location: Location,
        /// The imported path.
        import: String,
    },
    /// Files import each other in a cycle.
    #[error("invalid Protobuf schema: import cycle {cycle}")]
    ImportCycle {
        /// The cycle, as `a.proto -> b.proto -> a.proto`.
        cycle: String,
    },
    /// The syntax is valid but the definitions are not: duplicate field
    /// numbers or names, unknown types, numbers in reserved ranges, bad
    /// options or defaults.
    #[error("invalid Protobuf schema: {location}: {message}")]
    Invalid {
        /// The offending definition.
        location: Location,
        /// What is wrong, as the compiler says it.
        message: String,
    },
    /// Base64 text that does not decode to a `FileDescriptorProto`.
    #[error(
        "invalid Protobuf schema: {file} is not a base64 serialized FileDescriptorProto: {reason}"
    )]
    BadDescriptor {
        /// The file (`schema.proto` or the import path).
        file: String,
        /// What failed: the base64 or the protobuf decoding.
        reason: String,
    },
}

/// Why a payload does not match a message of the schema.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PayloadError {
    /// No message of that name in the schema or its imports.
    #[error("the schema has no message `{name}`")]
    UnknownMessage {
        /// The name asked for.
        name: String,
    },
    /// No message at that Confluent message-index path.
    #[error("the schema has no message at index path {indexes:?}")]
    NoMessageAt {
        /// The index path asked for.
        indexes: Vec<usize>,
    },
    /// The JSON document is not a valid JSON mapping of the message.
    #[error("not a valid JSON `{message}`: {reason}")]
    Json {
        /// The message's full name.
        message: String,
        /// What the JSON mapping rejected.
        reason: String,
    },
    /// The bytes are not a valid encoding of the message.
    #[error("not a valid binary `{message}`: {reason}")]
    Binary {
        /// The message's full name.
        message: String,
        /// What the decoder rejected.
        reason: String,
    },
    /// A proto2 `required` field is missing.
    #[error("`{message}` misses required field `{field}` at {path}")]
    MissingRequired {
        /// The message's full name.
        message: String,
        /// Where, as a JSON pointer into the JSON mapping (`/lines/0`).
        path: String,
        /// The field's name.
        field: String,
    },
}
