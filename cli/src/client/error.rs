//! What a failed call says: which registry, and its `error_code` and
//! `message` when it answered one.

/// `error_code`s of the Confluent API the commands act on.
pub mod code {
    /// The subject has no (live) versions.
    pub const SUBJECT_NOT_FOUND: i64 = 40401;
    /// The subject has no such version.
    pub const VERSION_NOT_FOUND: i64 = 40402;
    /// No such schema id, or the schema is not under the subject (lookup).
    pub const SCHEMA_NOT_FOUND: i64 = 40403;
    /// The subject has no compatibility level of its own.
    pub const SUBJECT_LEVEL_NOT_SET: i64 = 40408;
    /// Charter's registry: no reader is recorded for the consumer.
    pub const CONSUMER_NOT_FOUND: i64 = 404;
}

/// Why a call to the registry failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// No answer: connection refused, name not resolved, TLS failure or
    /// timeout (after every retry).
    #[error("registry {url} unreachable: {reason}")]
    Unreachable {
        /// The registry, without credentials.
        url: String,
        /// What went wrong, in a few words.
        reason: String,
    },
    /// The registry answered an error status.
    #[error("registry {url} answered {}", describe(*status, *error_code, message))]
    Api {
        /// The registry, without credentials.
        url: String,
        /// The HTTP status.
        status: u16,
        /// The body's `error_code`, when the body is the API's error object.
        error_code: Option<i64>,
        /// The body's `message`, or the start of a body that is not one.
        message: String,
    },
    /// The registry answered more than `--registry-max-answer-bytes`.
    #[error(
        "registry {url} answered {what} with more than {limit} bytes (--registry-max-answer-bytes)"
    )]
    AnswerTooLarge {
        /// The registry, without credentials.
        url: String,
        /// The call, e.g. `GET subjects`.
        what: String,
        /// The limit, in bytes.
        limit: u64,
    },
    /// The registry answered success with a body that is not what the API
    /// documents.
    #[error("registry {url} answered {what} with a body Charter cannot read: {reason}")]
    Body {
        /// The registry, without credentials.
        url: String,
        /// The call, e.g. `GET subjects`.
        what: String,
        /// The decoding problem.
        reason: String,
    },
}

fn describe(status: u16, error_code: Option<i64>, message: &str) -> String {
    match error_code {
        Some(code) => format!("{status} (error {code}): {message}"),
        None if message.is_empty() => format!("HTTP {status}"),
        None => format!("HTTP {status}: {message}"),
    }
}

impl Error {
    /// The HTTP status of an answered error.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The API's `error_code` of an answered error.
    pub fn error_code(&self) -> Option<i64> {
        match self {
            Error::Api { error_code, .. } => *error_code,
            _ => None,
        }
    }

    /// Whether this is a 404 with one of `codes` (or any 404 without a
    /// code, as a registry behind a proxy may answer).
    pub fn is_not_found(&self, codes: &[i64]) -> bool {
        self.status() == Some(404) && self.error_code().is_none_or(|c| codes.contains(&c))
    }

    /// Whether the registry refused a schema as incompatible (HTTP 409).
    pub fn is_incompatible(&self) -> bool {
        self.status() == Some(409)
    }

    /// The registry's message of an answered error.
    pub fn message(&self) -> Option<&str> {
        match self {
            Error::Api { message, .. } => Some(message),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_read_as_one_line() {
        let e = Error::Api {
            url: "http://r/".into(),
            status: 404,
            error_code: Some(40401),
            message: "Subject 'x' not found.".into(),
        };
        assert_eq!(
            e.to_string(),
            "registry http://r/ answered 404 (error 40401): Subject 'x' not found."
        );
        assert!(e.is_not_found(&[code::SUBJECT_NOT_FOUND]));
        assert!(!e.is_not_found(&[code::VERSION_NOT_FOUND]));
    }
}
