//! Every error the API answers, as `{"error_code": N, "message": "..."}`.
//!
//! [`ApiError::classify`] is the one table from error to HTTP status and
//! `error_code`; it matches every variant, so a new error cannot ship without
//! a code. Codes and statuses are the Confluent Schema Registry's where it has
//! one. Server errors answer a generic message; the real error is logged.
//! Errors about the request itself (its body's fields, query, path) are
//! this layer's; the service's [`Error`] is about the registry's rules.

use axum::http::header::RETRY_AFTER;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

pub use super::body::{FieldError, Problem};
pub use super::consumers::InvalidConsumerBody;
pub use super::triage::InvalidTriageBody;
pub use super::wire::{InvalidReference, InvalidSchemaBody};
use crate::service::{Error, InvalidTriage};
use crate::store::StoreError;

/// An error answered by the API.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// A registry rule refused the request, or the store failed.
    #[error(transparent)]
    Service(#[from] Error),
    /// A register, lookup or compatibility body that cannot be used.
    #[error(transparent)]
    SchemaBody(#[from] InvalidSchemaBody),
    /// A body of the consumer endpoints or of `POST /can-i-deploy` that
    /// cannot be used.
    #[error(transparent)]
    ConsumerBody(#[from] InvalidConsumerBody),
    /// A `POST /triage` body that cannot be used.
    #[error(transparent)]
    TriageBody(#[from] InvalidTriageBody),
    /// The body is not JSON, or not the JSON this endpoint takes.
    #[error("{0}")]
    MalformedJson(String),
    /// A query parameter with a value of the wrong kind.
    #[error("query parameter `{name}` must be {expected}, got `{value}`")]
    InvalidQuery {
        /// The parameter.
        name: &'static str,
        /// Its value.
        value: String,
        /// What it should be.
        expected: &'static str,
    },
    /// A path segment that does not decode.
    #[error("the request path does not decode: {0}")]
    InvalidPath(String),
    /// A schema id segment that is not an id.
    #[error("Schema {0} not found: a schema id is a positive integer")]
    InvalidSchemaId(String),
    /// A body in a media type the API does not read.
    #[error(
        "unsupported Content-Type `{0}`: send application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json or application/json"
    )]
    UnsupportedMediaType(String),
    /// A body over the size limit.
    #[error("the request body is larger than the limit of {limit} bytes")]
    PayloadTooLarge {
        /// The limit.
        limit: usize,
    },
    /// The body did not arrive in time.
    #[error("the request body did not arrive within {seconds} s")]
    BodyTimeout {
        /// The limit, in seconds.
        seconds: f64,
    },
    /// No route has this path.
    #[error("HTTP 404 Not Found: no endpoint at {method} {path}")]
    UnknownRoute {
        /// The method.
        method: String,
        /// The path.
        path: String,
    },
    /// The path exists but not with this method.
    #[error("HTTP 405 Method Not Allowed: {path} does not take {method}")]
    MethodNotAllowed {
        /// The method.
        method: String,
        /// The path.
        path: String,
    },
    /// A path under `/associations` the peer does not serve either, or
    /// a batch call Charter does not serve.
    #[error("Association not found: no association endpoint at {0}")]
    AssociationNotFound(String),
    /// The service is shutting down or its store does not answer.
    #[error("the registry is not ready: {0}")]
    NotReady(&'static str),
    /// A handler panicked.
    #[error("internal error")]
    Panic,
    /// Credentials are missing or were not accepted.
    #[error("{0}")]
    Unauthenticated(String),
    /// The principal lacks a permission.
    #[error("{0}")]
    Forbidden(String),
    /// A handler that needs the request's principal ran without one (a
    /// wiring bug: the auth layer always sets it).
    #[error("the request reached a handler without a principal")]
    NoCaller,
}

/// The `Retry-After` of every 503, in seconds.
const RETRY_AFTER_SECONDS: &str = "1";

/// The body of every error response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// The stable code.
    pub error_code: u32,
    /// What went wrong, for people.
    pub message: String,
}

impl ApiError {
    /// The HTTP status and `error_code` of this error: the one table.
    pub fn classify(&self) -> (StatusCode, u32) {
        use StatusCode as S;
        match self {
            ApiError::Service(e) => match e {
                Error::SubjectNotFound { .. } => (S::NOT_FOUND, 40401),
                Error::VersionNotFound { .. } => (S::NOT_FOUND, 40402),
                Error::SchemaNotFound { .. }
                | Error::GuidNotFound { .. }
                | Error::SchemaNotInSubject { .. }
                | Error::NoVersionWithMetadata { .. } => (S::NOT_FOUND, 40403),
                Error::SubjectSoftDeleted { .. } => (S::NOT_FOUND, 40404),
                Error::SubjectNotSoftDeleted { .. } => (S::NOT_FOUND, 40405),
                Error::VersionSoftDeleted { .. } => (S::NOT_FOUND, 40406),
                Error::VersionNotSoftDeleted { .. } => (S::NOT_FOUND, 40407),
                Error::SubjectConfigNotSet { .. } => (S::NOT_FOUND, 40408),
                Error::SubjectModeNotSet { .. } => (S::NOT_FOUND, 40409),
                Error::Incompatible { .. } | Error::ConsumersCannotRead { .. } => {
                    (S::CONFLICT, 40901)
                }
                // Charter's own records: no peer code to follow.
                Error::ConsumerNotFound { .. } | Error::ReaderNotFound { .. } => {
                    (S::NOT_FOUND, 404)
                }
                Error::InvalidName(_) => (S::UNPROCESSABLE_ENTITY, 422),
                Error::InvalidSchema(_) => (S::UNPROCESSABLE_ENTITY, 42201),
                Error::InvalidVersion(_) => (S::UNPROCESSABLE_ENTITY, 42202),
                Error::InvalidConfig(_) => (S::UNPROCESSABLE_ENTITY, 42203),
                Error::InvalidMode(_) | Error::ForwardBelowGlobal => {
                    (S::UNPROCESSABLE_ENTITY, 42204)
                }
                Error::NotPermitted(_) => (S::UNPROCESSABLE_ENTITY, 42205),
                Error::ReferenceExists { .. } => (S::UNPROCESSABLE_ENTITY, 42206),
                Error::InvalidSubject(_) | Error::InvalidContext(_) => {
                    (S::UNPROCESSABLE_ENTITY, 42208)
                }
                Error::ContextNotEmpty { .. } => (S::UNPROCESSABLE_ENTITY, 42211),
                Error::InvalidAssociation { .. } => (S::UNPROCESSABLE_ENTITY, 42212),
                Error::AssociationNotFound { .. } => (S::NOT_FOUND, 40410),
                Error::AssociationExists { .. } => (S::CONFLICT, 40903),
                Error::SubjectAssociated { .. } => (S::CONFLICT, 40904),
                Error::SubjectStronglyAssociated { .. } => (S::CONFLICT, 40905),
                Error::NoActiveSubjectVersion { .. } => (S::CONFLICT, 40907),
                Error::AssociationFrozen { .. } => (S::CONFLICT, 40908),
                Error::AssociatedSubjectReferenced { .. } => (S::UNPROCESSABLE_ENTITY, 42206),
                // Only ever inside a batch answer, as the peer's 500 there.
                Error::AssociationsOfManyResources => (S::INTERNAL_SERVER_ERROR, 500),
                Error::InvalidTriage(e) => match e {
                    InvalidTriage::ReaderSchema(_) => (S::UNPROCESSABLE_ENTITY, 42201),
                    // Charter's own endpoint: no peer code to follow.
                    InvalidTriage::ReaderMessage(_) | InvalidTriage::WriterUnusable { .. } => {
                        (S::UNPROCESSABLE_ENTITY, 422)
                    }
                },
                Error::Store(StoreError::Unavailable(_)) => (S::SERVICE_UNAVAILABLE, 50301),
                Error::Store(_)
                | Error::StoredSchemaUnreadable { .. }
                | Error::StoredReaderUnreadable { .. } => (S::INTERNAL_SERVER_ERROR, 50001),
                Error::Busy => (S::INTERNAL_SERVER_ERROR, 50002),
                Error::Overloaded => (S::SERVICE_UNAVAILABLE, 50302),
            },
            ApiError::SchemaBody(e) => match e {
                InvalidSchemaBody::UnknownType(_)
                | InvalidSchemaBody::Reference(_)
                | InvalidSchemaBody::BadVersion(_)
                | InvalidSchemaBody::Metadata(_)
                | InvalidSchemaBody::Tags(_) => (S::UNPROCESSABLE_ENTITY, 42201),
                InvalidSchemaBody::RuleSet(_) => (S::UNPROCESSABLE_ENTITY, 42210),
                InvalidSchemaBody::BadId(_) => (S::UNPROCESSABLE_ENTITY, 42205),
            },
            ApiError::TriageBody(e) => match e {
                InvalidTriageBody::ReaderReference(_) => (S::UNPROCESSABLE_ENTITY, 42201),
                // Charter's own endpoint: no peer code to follow.
                InvalidTriageBody::Field(_)
                | InvalidTriageBody::TooManyMessages { .. }
                | InvalidTriageBody::MessageShape { .. }
                | InvalidTriageBody::Base64 { .. }
                | InvalidTriageBody::Reader
                | InvalidTriageBody::ReaderMixes { .. }
                | InvalidTriageBody::EmptyReaderSchema => (S::UNPROCESSABLE_ENTITY, 422),
            },
            // Charter's own endpoints: no peer code to follow.
            ApiError::ConsumerBody(_) => (S::UNPROCESSABLE_ENTITY, 422),
            ApiError::MalformedJson(_) => (S::BAD_REQUEST, 400),
            ApiError::InvalidQuery { .. } => (S::BAD_REQUEST, 400),
            ApiError::InvalidPath(_) => (S::BAD_REQUEST, 400),
            ApiError::InvalidSchemaId(_) => (S::NOT_FOUND, 40403),
            ApiError::UnsupportedMediaType(_) => (S::UNSUPPORTED_MEDIA_TYPE, 415),
            ApiError::PayloadTooLarge { .. } => (S::PAYLOAD_TOO_LARGE, 413),
            ApiError::BodyTimeout { .. } => (S::REQUEST_TIMEOUT, 408),
            ApiError::UnknownRoute { .. } => (S::NOT_FOUND, 404),
            ApiError::MethodNotAllowed { .. } => (S::METHOD_NOT_ALLOWED, 405),
            ApiError::AssociationNotFound(_) => (S::NOT_FOUND, 40410),
            ApiError::NotReady(_) => (S::SERVICE_UNAVAILABLE, 503),
            ApiError::Panic => (S::INTERNAL_SERVER_ERROR, 500),
            ApiError::Unauthenticated(_) => (S::UNAUTHORIZED, 40101),
            ApiError::Forbidden(_) => (S::FORBIDDEN, 40301),
            ApiError::NoCaller => (S::INTERNAL_SERVER_ERROR, 50001),
        }
    }

    /// The message clients see: the error's text, or a generic one for
    /// server errors (whose details go to the log instead).
    fn public_message(&self, status: StatusCode) -> String {
        if let ApiError::Service(Error::Overloaded) = self {
            return self.to_string();
        }
        if let ApiError::Service(Error::Store(StoreError::Unavailable(_))) = self {
            return "the registry's database is unavailable; retry later (a registration that \
                    was applied meanwhile answers the same id and version again)"
                .to_string();
        }
        if status.is_server_error() && status != StatusCode::SERVICE_UNAVAILABLE {
            return match self {
                ApiError::Service(Error::Busy) => self.to_string(),
                _ => "Internal server error; the details are in the registry's log".to_string(),
            };
        }
        match self {
            ApiError::Service(Error::InvalidTriage(e)) => triage_message(e),
            _ => self.to_string(),
        }
    }
}

/// A triage schema error, named by the body field it came from (the
/// service does not know the body's shape).
fn triage_message(error: &InvalidTriage) -> String {
    match error {
        InvalidTriage::ReaderSchema(e) => format!("`reader.schema` cannot be used: {e}"),
        InvalidTriage::ReaderMessage(e) => format!("`reader.message` cannot be used: {e}"),
        InvalidTriage::WriterUnusable { id, index, reason } => {
            format!("schema {id}, named by `messages[{index}]`, cannot read payloads: {reason}")
        }
    }
}

impl ApiError {
    /// The status and body this error answers (a server error is logged
    /// here, with its details).
    pub fn answer(&self) -> (StatusCode, ErrorBody) {
        let (status, error_code) = self.classify();
        if status.is_server_error() {
            tracing::error!(error = %self, error_code, "request failed");
        }
        let body = ErrorBody {
            error_code,
            message: self.public_message(status),
        };
        (status, body)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, body) = self.answer();
        let mut response = super::json(status, &body);
        if status == StatusCode::SERVICE_UNAVAILABLE {
            // Every 503 is worth retrying: a full queue drains in moments,
            // a database comes back.
            response
                .headers_mut()
                .insert(RETRY_AFTER, HeaderValue::from_static(RETRY_AFTER_SECONDS));
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(error: ApiError, status: u16, code: u32) {
        let (s, c) = error.classify();
        assert_eq!((s.as_u16(), c), (status, code), "{error}");
    }

    #[test]
    fn codes_follow_the_peer() {
        check(
            Error::SubjectNotFound {
                subject: "s".into(),
            }
            .into(),
            404,
            40401,
        );
        check(
            Error::Incompatible {
                subject: "s".into(),
                messages: vec![],
            }
            .into(),
            409,
            40901,
        );
        check(ApiError::MalformedJson("x".into()), 400, 400);
        check(ApiError::PayloadTooLarge { limit: 1 }, 413, 413);
        check(ApiError::AssociationNotFound("x".into()), 404, 40410);
        check(
            Error::AssociationFrozen {
                association_type: crate::model::AssociationType::Value,
                subject: "s".into(),
            }
            .into(),
            409,
            40908,
        );
        check(
            Error::InvalidAssociation {
                property: "frozen",
                detail: "x".into(),
            }
            .into(),
            422,
            42212,
        );
        check(ApiError::Unauthenticated("x".into()), 401, 40101);
        check(ApiError::Forbidden("x".into()), 403, 40301);
        check(
            InvalidTriageBody::TooManyMessages { count: 2, limit: 1 }.into(),
            422,
            422,
        );
        check(InvalidSchemaBody::BadId(0).into(), 422, 42205);
        check(InvalidSchemaBody::BadVersion(-2).into(), 422, 42201);
        check(
            InvalidSchemaBody::UnknownType("XML".into()).into(),
            422,
            42201,
        );
        check(
            Error::from(InvalidTriage::ReaderSchema(
                crate::service::InvalidSchema::Empty,
            ))
            .into(),
            422,
            42201,
        );
        check(Error::Store(StoreError::Conflict).into(), 500, 50001);
        check(Error::Overloaded.into(), 503, 50302);
        check(
            Error::Store(StoreError::Unavailable(sqlx::Error::PoolTimedOut)).into(),
            503,
            50301,
        );
    }

    #[test]
    fn an_unreachable_database_is_503_without_detail() {
        let io = std::io::Error::other("connection to 10.1.2.3:5432 refused for user charter");
        let error: ApiError = Error::Store(StoreError::Unavailable(sqlx::Error::Io(io))).into();
        let (status, code) = error.classify();
        assert_eq!((status.as_u16(), code), (503, 50301));
        let message = error.public_message(status);
        assert!(message.contains("unavailable"), "{message}");
        assert!(
            !message.contains("10.1.2.3") && !message.contains("charter"),
            "{message}"
        );
    }

    #[test]
    fn triage_schema_errors_name_the_body_field() {
        let message = |e: InvalidTriage| {
            let error: ApiError = Error::from(e).into();
            error.public_message(error.classify().0)
        };
        assert_eq!(
            message(InvalidTriage::ReaderSchema(
                crate::service::InvalidSchema::Empty
            )),
            "`reader.schema` cannot be used: the schema is empty and the subject has no version to take it from"
        );
        let reason = schemas::payload::PrepareError::NoMessage;
        let writer = message(InvalidTriage::WriterUnusable {
            id: crate::model::SchemaId(4),
            index: 2,
            reason,
        });
        assert!(
            writer.starts_with("schema 4, named by `messages[2]`, cannot read payloads"),
            "{writer}"
        );
    }

    #[test]
    fn server_errors_hide_their_details() {
        let error: ApiError = Error::Store(StoreError::Corrupt("secret row".into())).into();
        let message = error.public_message(error.classify().0);
        assert!(!message.contains("secret"), "{message}");
        let incompatible: ApiError = Error::Incompatible {
            subject: "orders".into(),
            messages: vec!["TYPE_CHANGED at #/".into()],
        }
        .into();
        let message = incompatible.public_message(incompatible.classify().0);
        assert!(
            message.contains("orders") && message.contains("TYPE_CHANGED"),
            "{message}"
        );
    }
}
