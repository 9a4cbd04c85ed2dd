//! The one typed HTTP client for a Confluent-compatible schema registry
//! (Charter's own included). Every command that talks to a registry goes
//! through [`Client`]; nothing else in the CLI builds a request.
//!
//! - **Where.** [`ClientSettings::url`], resolved by the settings step from
//!   `--registry URL` or `CHARTER_REGISTRY_URL`. A base path is kept
//!   (`https://host/sr/` sends `https://host/sr/subjects`); subjects are
//!   percent-encoded in paths (only `A-Z a-z 0-9 - . _ ~` stay as they are).
//! - **Credentials.** [`Auth`]: `user:password` is sent as basic auth (a
//!   Confluent Cloud API key and secret are `KEY:SECRET`); `Bearer TOKEN`, or
//!   a bare token without a colon, as a bearer token. Credentials never
//!   appear in messages: the URL shown in errors has no user or password.
//! - **Patience.** A connect timeout (at most 10 s) and a whole-request
//!   timeout (`--registry-timeout`, 30 s by default). Connection errors,
//!   timeouts and the answers 408, 429, 500, 502, 503 and 504 are retried
//!   (`--registry-retries`, 2 by default: 3 tries), waiting 250 ms, then
//!   500 ms, doubling. Every call is safe to repeat: registering a schema
//!   that is already registered answers its existing id and version.
//! - **Errors.** An [`Error`] says which registry, and carries the
//!   registry's `error_code` and `message` when it answered one. The command
//!   line maps every `Error` to exit code 3 ([`crate::exit`]).
//! - **Answers.** Typed (`answers.rs`); the Confluent JSON is known only here
//!   (`wire.rs`). Where Charter's registry answers structured data beside
//!   the peer's text (the breaking changes of a compatibility check), the
//!   structured data is read and the text is never parsed.
//!
//! `endpoints.rs` holds one method per API call, `copying.rs` those only
//! `charter copy` makes (a registry read whole, written in IMPORT mode);
//! this file sends requests.

mod answers;
mod consumers;
mod copying;
mod endpoints;
mod error;
mod rules;
mod wire;

use std::time::Duration;

pub use answers::{
    AuditEntry, AuditFilter, NewSchema, Registered, RegisteredSchema, RegistryChange, SchemaById,
    SubjectConfig, Verdict,
};
pub use consumers::{
    ConsumerRecord, DeployAnswer, DeployQuestion, MatrixRow, Reader, ReaderChange, WriterRef,
};
pub use copying::{ExportedVersion, ScopeConfig};
pub use error::{Error, code};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use reqwest::Method;
use reqwest::blocking::{Client as Http, RequestBuilder};
use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderValue, USER_AGENT};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::values::Auth;

/// The media type the Confluent API prefers, sent on request bodies.
const MEDIA_TYPE: &str = "application/vnd.schemaregistry.v1+json";
/// What the client accepts, in the order of preference.
const ACCEPTED: &str =
    "application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json, application/json";
/// Bytes kept as they are in a subject path segment (RFC 3986 unreserved).
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');
/// Answers worth asking again: timeouts, throttling and server trouble.
const RETRIED: [u16; 6] = [408, 429, 500, 502, 503, 504];

/// Everything a [`Client`] needs, resolved once from flags and environment
/// by the settings step (`crate::settings`).
#[derive(Debug, Clone)]
pub struct ClientSettings {
    /// The base URL, ending in `/`, without credentials.
    pub url: reqwest::Url,
    /// Credentials, if any.
    pub auth: Option<Auth>,
    /// Longest wait for one whole request.
    pub timeout: Duration,
    /// Tries per call (1 = no retry).
    pub tries: u32,
    /// The wait before the first retry; doubled for each next one.
    pub backoff: Duration,
    /// The largest answer body read, in bytes.
    pub max_answer_bytes: u64,
    /// Extra trust and a client certificate for HTTPS (shared: a client
    /// identity is large, and settings are cloned).
    pub tls: std::sync::Arc<ClientTls>,
}

/// What HTTPS needs beyond the system's roots (`--ca-cert`,
/// `--client-cert`/`--client-key`), read and checked by the settings step.
#[derive(Debug, Clone, Default)]
pub struct ClientTls {
    /// CA certificates trusted besides the system's roots.
    pub ca: Vec<reqwest::Certificate>,
    /// The client certificate and key presented for mutual TLS.
    pub identity: Option<reqwest::Identity>,
}

/// A blocking client for one registry.
#[derive(Debug, Clone)]
pub struct Client {
    settings: ClientSettings,
    shown: String,
    http: Http,
}

/// A raw answer: status and body text.
struct Answer {
    status: u16,
    text: String,
}

impl Client {
    /// A client with these settings.
    pub fn new(settings: ClientSettings) -> Result<Client, reqwest::Error> {
        let mut builder = Http::builder()
            .connect_timeout(settings.timeout.min(Duration::from_secs(10)))
            .timeout(settings.timeout);
        for ca in &settings.tls.ca {
            builder = builder.add_root_certificate(ca.clone());
        }
        if let Some(identity) = &settings.tls.identity {
            builder = builder.identity(identity.clone());
        }
        let http = builder.build()?;
        let shown = settings.url.to_string();
        Ok(Client {
            settings,
            shown,
            http,
        })
    }

    /// The registry's URL as shown in messages (no credentials).
    pub fn url(&self) -> &str {
        &self.shown
    }

    /// Sends a request (retrying as the module documents) and decodes a
    /// success body as `T`.
    fn call<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, &str)],
        body: Option<&Value>,
    ) -> Result<T, Error> {
        let what = format!("{method} {path}");
        let answer = self.send(method, path, query, body)?;
        if !(200..300).contains(&answer.status) {
            return Err(self.api_error(&answer));
        }
        serde_json::from_str(&answer.text).map_err(|e| self.bad_body(what, e.to_string()))
    }

    /// An answer that is not what the API documents.
    fn bad_body(&self, what: String, reason: String) -> Error {
        Error::Body {
            url: self.shown.clone(),
            what,
            reason,
        }
    }

    fn send(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, &str)],
        body: Option<&Value>,
    ) -> Result<Answer, Error> {
        let url = self
            .settings
            .url
            .join(path)
            .map_err(|e| Error::Unreachable {
                url: self.shown.clone(),
                reason: format!("cannot form a URL for `{path}`: {e}"),
            })?;
        let mut wait = self.settings.backoff;
        let mut tries = 1;
        loop {
            let mut request = self
                .http
                .request(method.clone(), url.clone())
                .query(query)
                .header(ACCEPT, ACCEPTED)
                .header(USER_AGENT, concat!("charter/", env!("CARGO_PKG_VERSION")));
            if let Some(body) = body {
                request = request
                    .header(CONTENT_TYPE, HeaderValue::from_static(MEDIA_TYPE))
                    .body(body.to_string());
            }
            request = self.authorize(request);
            let outcome = request
                .send()
                .map_err(|e| self.unreachable(&e))
                .and_then(|response| self.read(&method, path, response));
            let again = match &outcome {
                Ok(answer) => RETRIED.contains(&answer.status),
                Err(Error::AnswerTooLarge { .. }) => false,
                Err(_) => true,
            };
            if !again || tries >= self.settings.tries {
                return outcome;
            }
            std::thread::sleep(wait);
            wait *= 2;
            tries += 1;
        }
    }

    /// Reads an answer, at most `max_answer_bytes` of it: a larger one is
    /// an error before it fills memory.
    fn read(
        &self,
        method: &Method,
        path: &str,
        response: reqwest::blocking::Response,
    ) -> Result<Answer, Error> {
        use std::io::Read;
        let status = response.status().as_u16();
        let limit = self.settings.max_answer_bytes;
        let too_large = || Error::AnswerTooLarge {
            url: self.shown.clone(),
            what: format!("{method} {path}"),
            limit,
        };
        if response.content_length().is_some_and(|n| n > limit) {
            return Err(too_large());
        }
        let mut bytes = Vec::new();
        response
            .take(limit.saturating_add(1))
            .read_to_end(&mut bytes)
            .map_err(|e| Error::Unreachable {
                url: self.shown.clone(),
                reason: format!("the answer broke off: {e}"),
            })?;
        if bytes.len() as u64 > limit {
            return Err(too_large());
        }
        let text = String::from_utf8(bytes)
            .map_err(|_| self.bad_body(format!("{method} {path}"), "not UTF-8 text".into()))?;
        Ok(Answer { status, text })
    }

    fn authorize(&self, request: RequestBuilder) -> RequestBuilder {
        match &self.settings.auth {
            Some(Auth::Basic { user, password }) => request.basic_auth(user, Some(password)),
            Some(Auth::Bearer(token)) => request.bearer_auth(token),
            None => request,
        }
    }

    fn api_error(&self, answer: &Answer) -> Error {
        let (error_code, message) = match wire::error_body(&answer.text) {
            Some(body) => body,
            None => (None, first_line(&answer.text)),
        };
        Error::Api {
            url: self.shown.clone(),
            status: answer.status,
            error_code,
            message,
        }
    }

    fn unreachable(&self, error: &reqwest::Error) -> Error {
        let reason = if error.is_timeout() {
            format!(
                "no answer within {} s (--registry-timeout)",
                self.settings.timeout.as_secs()
            )
        } else {
            root_cause(error)
        };
        Error::Unreachable {
            url: self.shown.clone(),
            reason,
        }
    }
}

/// The innermost cause of a transport error, in a few words:
/// `connection refused`, `dns error: ...`.
fn root_cause(error: &reqwest::Error) -> String {
    let mut cause: &dyn std::error::Error = error;
    while let Some(next) = cause.source() {
        cause = next;
    }
    if let Some(io) = cause.downcast_ref::<std::io::Error>() {
        use std::io::ErrorKind as K;
        let plain = match io.kind() {
            K::ConnectionRefused => Some("connection refused"),
            K::ConnectionReset => Some("connection reset"),
            K::ConnectionAborted => Some("connection aborted"),
            K::TimedOut => Some("timed out"),
            K::UnexpectedEof => Some("connection closed before an answer"),
            _ => None,
        };
        if let Some(plain) = plain {
            return plain.to_string();
        }
    }
    let text = cause.to_string();
    // io::Error appends " (os error N)"; the number helps nobody.
    match text.find(" (os error ") {
        Some(i) => text[..i].to_lowercase(),
        None => text,
    }
}

fn first_line(text: &str) -> String {
    let line = text.lines().next().unwrap_or_default().trim();
    let mut end = line.len().min(200);
    while !line.is_char_boundary(end) {
        end -= 1;
    }
    line[..end].to_string()
}

/// A subject as one path segment.
fn segment(subject: &str) -> String {
    utf8_percent_encode(subject, SEGMENT).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subjects_are_one_path_segment() {
        assert_eq!(segment("orders-value"), "orders-value");
        assert_eq!(segment("a/b c:%"), "a%2Fb%20c%3A%25");
        assert_eq!(segment("ünï"), "%C3%BCn%C3%AF");
    }

    #[test]
    fn bodies_that_are_not_the_apis_error_object_give_their_first_line() {
        assert_eq!(first_line("bad gateway\n<html>"), "bad gateway");
        let long = "é".repeat(150);
        assert_eq!(first_line(&long).len(), 200, "cut at a char boundary");
    }
}
