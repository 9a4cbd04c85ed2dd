//! The one typed HTTP client for a Confluent-compatible schema registry
//! (Charter's own included). Every command that talks to a registry goes
//! through [`Client`]; nothing else in the CLI builds a request.
//!
//! - **Where.** `--registry URL` or `CHARTER_REGISTRY_URL`. A base path is
//!   kept (`https://host/sr/` sends `https://host/sr/subjects`); subjects are
//!   percent-encoded in paths (only `A-Z a-z 0-9 - . _ ~` stay as they are).
//! - **Credentials.** `CHARTER_REGISTRY_AUTH` (or `--registry-auth`, which a
//!   process listing shows): `user:password` is sent as basic auth (a
//!   Confluent Cloud API key and secret are `KEY:SECRET`); `Bearer TOKEN`, or a
//!   bare token without a colon, as a bearer token. Credentials never appear
//!   in messages: the URL shown in errors has its user and password removed.
//! - **Patience.** A connect timeout (at most 10 s) and a whole-request
//!   timeout (`--registry-timeout`, 30 s by default). Connection errors,
//!   timeouts and the answers 408, 429, 500, 502, 503 and 504 are retried
//!   (`--registry-retries`, 2 by default: 3 tries), waiting 250 ms, then
//!   500 ms, doubling. Every call is safe to repeat: registering a schema
//!   that is already registered answers its existing id and version.
//! - **Errors.** An [`Error`] says which registry, and carries the
//!   registry's `error_code` and `message` when it answered one. The command
//!   line maps every `Error` to exit code 3 ([`crate::exit`]).

use std::collections::{HashSet, VecDeque};
use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use reqwest::Method;
use reqwest::blocking::{Client as Http, RequestBuilder};
use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderValue, USER_AGENT};
use schemas::{CompatibilityMode, MapResolver, Policy, SchemaType};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::args::RegistryArgs;

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

/// Credentials sent with every request.
#[derive(Clone, PartialEq, Eq)]
pub enum Auth {
    /// HTTP basic auth.
    Basic {
        /// The user (a Confluent Cloud API key).
        user: String,
        /// The password (its secret).
        password: String,
    },
    /// `Authorization: Bearer TOKEN`.
    Bearer(String),
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Auth::Basic { user, .. } => write!(f, "Basic({user}:***)"),
            Auth::Bearer(_) => f.write_str("Bearer(***)"),
        }
    }
}

/// Why a `CHARTER_REGISTRY_AUTH` value is not usable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "CHARTER_REGISTRY_AUTH: expected `user:password` (basic) or `Bearer TOKEN` (bearer), got an empty {0}"
)]
pub struct BadAuth(&'static str);

impl FromStr for Auth {
    type Err = BadAuth;

    /// `Bearer TOKEN` (any case) or a value without `:` is a bearer token;
    /// `user:password` is basic auth (the password may contain `:`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if s.eq_ignore_ascii_case("bearer") {
            return Err(BadAuth("token"));
        }
        if s.len() >= 7 && s[..7].eq_ignore_ascii_case("bearer ") {
            let token = s[7..].trim();
            if token.is_empty() {
                return Err(BadAuth("token"));
            }
            return Ok(Auth::Bearer(token.to_string()));
        }
        match s.split_once(':') {
            Some(("", _)) => Err(BadAuth("user")),
            Some((user, password)) => Ok(Auth::Basic {
                user: user.to_string(),
                password: password.to_string(),
            }),
            None if s.is_empty() => Err(BadAuth("value")),
            None => Ok(Auth::Bearer(s.to_string())),
        }
    }
}

/// Everything a [`Client`] needs, resolved from flags and environment.
#[derive(Debug, Clone)]
pub struct ClientSettings {
    /// The base URL.
    pub url: reqwest::Url,
    /// Credentials, if any.
    pub auth: Option<Auth>,
    /// Longest wait for one whole request.
    pub timeout: Duration,
    /// Tries per call (1 = no retry).
    pub tries: u32,
    /// The wait before the first retry; doubled for each next one.
    pub backoff: Duration,
}

/// Why the registry settings are unusable (exit 2: fix the flags).
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    /// Neither `--registry` nor `CHARTER_REGISTRY_URL`.
    #[error("no registry given: pass --registry URL or set CHARTER_REGISTRY_URL")]
    Missing,
    /// Not an http(s) URL.
    #[error("--registry `{url}`: {reason}")]
    BadUrl {
        /// As given.
        url: String,
        /// Why.
        reason: String,
    },
    /// Unusable credentials.
    #[error(transparent)]
    BadAuth(#[from] BadAuth),
}

impl ClientSettings {
    /// Resolves `--registry`, `CHARTER_REGISTRY_AUTH`, the timeout and the
    /// retries.
    pub fn from_args(args: &RegistryArgs) -> Result<ClientSettings, SettingsError> {
        let given = args.url.as_deref().map(str::trim).unwrap_or_default();
        if given.is_empty() {
            return Err(SettingsError::Missing);
        }
        let bad = |reason: String| SettingsError::BadUrl {
            url: given.to_string(),
            reason,
        };
        let mut url = reqwest::Url::parse(given).map_err(|e| bad(e.to_string()))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(bad("expected an http:// or https:// URL".into()));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(bad("expected a base URL without query or fragment".into()));
        }
        if !url.path().ends_with('/') {
            let path = format!("{}/", url.path());
            url.set_path(&path);
        }
        let mut auth = args.auth.as_deref().map(str::parse).transpose()?;
        if auth.is_none() && !url.username().is_empty() {
            // Credentials in the URL are honoured, and kept out of messages.
            auth = Some(Auth::Basic {
                user: decode(url.username()),
                password: decode(url.password().unwrap_or_default()),
            });
        }
        let _ = url.set_username("");
        let _ = url.set_password(None);
        Ok(ClientSettings {
            url,
            auth,
            timeout: Duration::from_secs(args.timeout.max(1)),
            tries: args.retries.saturating_add(1),
            backoff: Duration::from_millis(250),
        })
    }
}

fn decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

/// A reference from one schema to another registered one, as the API
/// spells it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchemaReference {
    /// The name the referring schema uses (for JSON Schema, the `$ref`).
    pub name: String,
    /// The referenced subject.
    pub subject: String,
    /// The referenced version.
    pub version: i32,
}

impl FromStr for SchemaReference {
    type Err = String;

    /// `NAME=SUBJECT:VERSION`, the version a number (the last `:` splits,
    /// so subjects may contain `:`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let expected = || format!("`{s}`: expected NAME=SUBJECT:VERSION");
        let (name, target) = s.split_once('=').ok_or_else(expected)?;
        let (subject, version) = target.rsplit_once(':').ok_or_else(expected)?;
        let version: i32 = version
            .parse()
            .ok()
            .filter(|v| *v > 0)
            .ok_or_else(|| format!("`{s}`: the version must be a number from 1"))?;
        if name.is_empty() || subject.is_empty() {
            return Err(expected());
        }
        Ok(SchemaReference {
            name: name.to_string(),
            subject: subject.to_string(),
            version,
        })
    }
}

/// A schema to register, look up or check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSchema {
    /// The schema text, as written.
    pub schema: String,
    /// Its format.
    pub schema_type: SchemaType,
    /// What it references.
    pub references: Vec<SchemaReference>,
}

impl NewSchema {
    fn body(&self) -> Value {
        json!({
            "schema": self.schema,
            "schemaType": self.schema_type.as_str(),
            "references": self.references,
        })
    }
}

/// A registered version of a subject.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RegisteredSchema {
    /// The subject.
    pub subject: String,
    /// The version number.
    pub version: i32,
    /// The global schema id.
    pub id: i64,
    /// Its format (`AVRO` when the registry leaves it out).
    #[serde(serialize_with = "type_name")]
    pub schema_type: SchemaType,
    /// What it references.
    pub references: Vec<SchemaReference>,
    /// The schema text as the registry holds it.
    pub schema: String,
}

fn type_name<S: serde::Serializer>(t: &SchemaType, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(t.as_str())
}

/// A schema looked up by id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SchemaById {
    /// The id asked for.
    pub id: i64,
    /// Its format.
    #[serde(serialize_with = "type_name")]
    pub schema_type: SchemaType,
    /// What it references.
    pub references: Vec<SchemaReference>,
    /// The schema text.
    pub schema: String,
}

/// The answer to a registration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Registered {
    /// The global schema id.
    pub id: i64,
    /// The version, when the registry says (Confluent before 7.5 does not).
    pub version: Option<i32>,
}

/// The registry's verdict on a candidate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    /// Whether registering it would be accepted.
    pub is_compatible: bool,
    /// The registry's reasons (verbose answers), one per line.
    pub messages: Vec<String>,
}

/// A subject's compatibility settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SubjectConfig {
    /// The level.
    pub level: CompatibilityMode,
    /// The policy, when the registry has one (Charter's, Confluent's
    /// `compatibilityPolicy`).
    pub policy: Option<Policy>,
}

/// Which version of a subject.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VersionRef {
    /// The latest live version.
    Latest,
    /// A version number.
    Number(i32),
}

impl FromStr for VersionRef {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.trim().eq_ignore_ascii_case("latest") {
            return Ok(VersionRef::Latest);
        }
        match s.trim().parse::<i32>() {
            Ok(v) if v > 0 => Ok(VersionRef::Number(v)),
            _ => Err(format!(
                "`{s}`: expected `latest` or a version number from 1"
            )),
        }
    }
}

impl fmt::Display for VersionRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VersionRef::Latest => f.write_str("latest"),
            VersionRef::Number(v) => write!(f, "{v}"),
        }
    }
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
    /// A client for the registry `args` name.
    pub fn from_args(args: &RegistryArgs) -> anyhow::Result<Client> {
        Ok(Client::new(ClientSettings::from_args(args)?)?)
    }

    /// A client with these settings.
    pub fn new(settings: ClientSettings) -> Result<Client, reqwest::Error> {
        let http = Http::builder()
            .connect_timeout(settings.timeout.min(Duration::from_secs(10)))
            .timeout(settings.timeout)
            .build()?;
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

    /// `GET /subjects`: subject names, optionally by prefix and with the
    /// soft-deleted ones.
    pub fn subjects(&self, prefix: Option<&str>, deleted: bool) -> Result<Vec<String>, Error> {
        let mut query = Vec::new();
        if let Some(prefix) = prefix {
            query.push(("subjectPrefix", prefix));
        }
        if deleted {
            query.push(("deleted", "true"));
        }
        self.call(Method::GET, "subjects", &query, None)
    }

    /// `GET /subjects/{s}/versions`: the live version numbers, ascending.
    /// A subject without versions answers an error (40401).
    pub fn versions(&self, subject: &str) -> Result<Vec<i32>, Error> {
        let path = format!("subjects/{}/versions", segment(subject));
        let mut versions: Vec<i32> = self.call(Method::GET, &path, &[], None)?;
        versions.sort_unstable();
        Ok(versions)
    }

    /// Like [`Client::versions`], with an unknown subject as no versions.
    pub fn versions_or_none(&self, subject: &str) -> Result<Vec<i32>, Error> {
        match self.versions(subject) {
            Err(e) if e.is_not_found(&[code::SUBJECT_NOT_FOUND]) => Ok(Vec::new()),
            other => other,
        }
    }

    /// `GET /subjects/{s}/versions/{v}`.
    pub fn version(&self, subject: &str, version: VersionRef) -> Result<RegisteredSchema, Error> {
        let path = format!("subjects/{}/versions/{version}", segment(subject));
        let wire: WireSchema = self.call(Method::GET, &path, &[], None)?;
        wire.registered(subject, &self.shown, &path)
    }

    /// `GET /schemas/ids/{id}`.
    pub fn schema_by_id(&self, id: i64) -> Result<SchemaById, Error> {
        let path = format!("schemas/ids/{id}");
        let wire: WireSchema = self.call(Method::GET, &path, &[], None)?;
        Ok(SchemaById {
            id,
            schema_type: wire.schema_type(&self.shown, &path)?,
            references: wire.references,
            schema: wire.schema,
        })
    }

    /// `GET /schemas/ids/{id}/versions`: the subjects and versions holding
    /// schema `id`, soft-deleted ones too with `deleted`. The answer does not
    /// say which are deleted; compare with a call without `deleted`.
    pub fn schema_versions(&self, id: i64, deleted: bool) -> Result<Vec<(String, i32)>, Error> {
        #[derive(Deserialize)]
        struct Usage {
            subject: String,
            version: i32,
        }
        let path = format!("schemas/ids/{id}/versions");
        let query: &[(&str, &str)] = if deleted { &[("deleted", "true")] } else { &[] };
        let usages: Vec<Usage> = self.call(Method::GET, &path, query, None)?;
        Ok(usages.into_iter().map(|u| (u.subject, u.version)).collect())
    }

    /// `POST /subjects/{s}`: the version holding this schema, if any.
    pub fn lookup(
        &self,
        subject: &str,
        schema: &NewSchema,
    ) -> Result<Option<RegisteredSchema>, Error> {
        let path = format!("subjects/{}", segment(subject));
        let body = schema.body();
        match self.call::<WireSchema>(Method::POST, &path, &[], Some(&body)) {
            Ok(wire) => wire.registered(subject, &self.shown, &path).map(Some),
            Err(e) if e.is_not_found(&[code::SUBJECT_NOT_FOUND, code::SCHEMA_NOT_FOUND]) => {
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }

    /// `POST /subjects/{s}/versions`. A 409 answer is an error for which
    /// [`Error::is_incompatible`] holds.
    pub fn register(&self, subject: &str, schema: &NewSchema) -> Result<Registered, Error> {
        #[derive(Deserialize)]
        struct Answer {
            id: i64,
            version: Option<i32>,
        }
        let path = format!("subjects/{}/versions", segment(subject));
        let answer: Answer = self.call(Method::POST, &path, &[], Some(&schema.body()))?;
        Ok(Registered {
            id: answer.id,
            version: answer.version,
        })
    }

    /// `POST /compatibility/subjects/{s}/versions?verbose=true`: would
    /// registering `schema` be accepted? Checked as registration checks
    /// (every live version for transitive levels); a subject without
    /// versions accepts anything.
    pub fn check(&self, subject: &str, schema: &NewSchema) -> Result<Verdict, Error> {
        #[derive(Deserialize)]
        struct Answer {
            is_compatible: bool,
            #[serde(default)]
            messages: Vec<Value>,
        }
        let path = format!("compatibility/subjects/{}/versions", segment(subject));
        let body = schema.body();
        match self.call::<Answer>(Method::POST, &path, &[("verbose", "true")], Some(&body)) {
            Ok(answer) => Ok(Verdict {
                is_compatible: answer.is_compatible,
                messages: answer
                    .messages
                    .into_iter()
                    .map(|m| match m {
                        Value::String(s) => s,
                        other => other.to_string(),
                    })
                    .collect(),
            }),
            // Older registries answer 40401 for a subject nobody registered.
            Err(e) if e.is_not_found(&[code::SUBJECT_NOT_FOUND]) => Ok(Verdict {
                is_compatible: true,
                messages: Vec::new(),
            }),
            Err(e) => Err(e),
        }
    }

    /// `GET /config/{s}?defaultToGlobal=true`: the level that applies.
    pub fn effective_config(&self, subject: &str) -> Result<SubjectConfig, Error> {
        let path = format!("config/{}", segment(subject));
        let wire: WireConfig =
            self.call(Method::GET, &path, &[("defaultToGlobal", "true")], None)?;
        wire.config(&self.shown, &path)
    }

    /// `GET /config/{s}`: the subject's own level, `None` when it inherits.
    pub fn own_config(&self, subject: &str) -> Result<Option<SubjectConfig>, Error> {
        let path = format!("config/{}", segment(subject));
        match self.call::<WireConfig>(Method::GET, &path, &[], None) {
            Ok(wire) => wire.config(&self.shown, &path).map(Some),
            Err(e) if e.is_not_found(&[code::SUBJECT_LEVEL_NOT_SET, code::SUBJECT_NOT_FOUND]) => {
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }

    /// `PUT /config/{s}`: sets the subject's level.
    pub fn set_level(&self, subject: &str, level: CompatibilityMode) -> Result<(), Error> {
        let path = format!("config/{}", segment(subject));
        let body = json!({"compatibility": level.as_str()});
        self.call::<Value>(Method::PUT, &path, &[], Some(&body))
            .map(drop)
    }

    /// The texts of every schema `references` reach, directly or through
    /// their own references, by reference name: what parsing a schema with
    /// these references needs.
    pub fn resolver(&self, references: &[SchemaReference]) -> Result<MapResolver, Error> {
        let mut resolver = MapResolver::new();
        for (name, text) in self.referenced_texts(references)? {
            resolver.insert(name, text);
        }
        Ok(resolver)
    }

    /// [`Client::resolver`] as `(name, text)` pairs, each subject version
    /// fetched once.
    pub fn referenced_texts(
        &self,
        references: &[SchemaReference],
    ) -> Result<Vec<(String, String)>, Error> {
        let mut texts = Vec::new();
        let mut seen = HashSet::new();
        let mut queue: VecDeque<SchemaReference> = references.iter().cloned().collect();
        while let Some(reference) = queue.pop_front() {
            if !seen.insert((reference.subject.clone(), reference.version)) {
                continue;
            }
            let found = self.version(&reference.subject, VersionRef::Number(reference.version))?;
            texts.push((reference.name.clone(), found.schema));
            queue.extend(found.references);
        }
        Ok(texts)
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
        serde_json::from_str(&answer.text).map_err(|e| Error::Body {
            url: self.shown.clone(),
            what,
            reason: e.to_string(),
        })
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
                .and_then(|response| {
                    let status = response.status().as_u16();
                    response.text().map(|text| Answer { status, text })
                })
                .map_err(|e| self.unreachable(&e));
            let again = match &outcome {
                Ok(answer) => RETRIED.contains(&answer.status),
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

    fn authorize(&self, request: RequestBuilder) -> RequestBuilder {
        match &self.settings.auth {
            Some(Auth::Basic { user, password }) => request.basic_auth(user, Some(password)),
            Some(Auth::Bearer(token)) => request.bearer_auth(token),
            None => request,
        }
    }

    fn api_error(&self, answer: &Answer) -> Error {
        #[derive(Deserialize)]
        struct Body {
            error_code: Option<i64>,
            message: Option<String>,
        }
        let parsed = serde_json::from_str::<Body>(&answer.text).ok();
        let (error_code, message) = match parsed {
            Some(body) if body.error_code.is_some() || body.message.is_some() => {
                (body.error_code, body.message.unwrap_or_default())
            }
            _ => (None, first_line(&answer.text)),
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

/// `Schema` and `SchemaString` as answered.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireSchema {
    subject: Option<String>,
    version: Option<i32>,
    id: Option<i64>,
    schema_type: Option<String>,
    #[serde(default)]
    references: Vec<SchemaReference>,
    schema: String,
}

impl WireSchema {
    fn schema_type(&self, url: &str, path: &str) -> Result<SchemaType, Error> {
        match self.schema_type.as_deref() {
            None => Ok(SchemaType::Avro),
            Some(name) => name.parse().map_err(|e| Error::Body {
                url: url.to_string(),
                what: path.to_string(),
                reason: format!("{e}"),
            }),
        }
    }

    fn registered(self, subject: &str, url: &str, path: &str) -> Result<RegisteredSchema, Error> {
        let missing = |field: &str| Error::Body {
            url: url.to_string(),
            what: path.to_string(),
            reason: format!("missing `{field}`"),
        };
        Ok(RegisteredSchema {
            schema_type: self.schema_type(url, path)?,
            subject: self.subject.unwrap_or_else(|| subject.to_string()),
            version: self.version.ok_or_else(|| missing("version"))?,
            id: self.id.ok_or_else(|| missing("id"))?,
            references: self.references,
            schema: self.schema,
        })
    }
}

/// `Config` as `GET /config` answers it.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireConfig {
    compatibility_level: Option<String>,
    compatibility: Option<String>,
    compatibility_policy: Option<String>,
}

impl WireConfig {
    fn config(self, url: &str, path: &str) -> Result<SubjectConfig, Error> {
        let bad = |reason: String| Error::Body {
            url: url.to_string(),
            what: format!("GET {path}"),
            reason,
        };
        let level = self
            .compatibility_level
            .or(self.compatibility)
            .ok_or_else(|| bad("missing `compatibilityLevel`".into()))?;
        Ok(SubjectConfig {
            level: level.parse().map_err(|e| bad(format!("{e}")))?,
            // A policy Charter does not know (Confluent's LOGICAL) judges as
            // strict does for JSON Schema.
            policy: self.compatibility_policy.and_then(|p| p.parse().ok()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn auth(s: &str) -> Result<Auth, BadAuth> {
        s.parse()
    }

    #[test]
    fn credentials_are_basic_with_a_colon_and_bearer_otherwise() {
        assert_eq!(
            auth("key:se:cret").unwrap(),
            Auth::Basic {
                user: "key".into(),
                password: "se:cret".into()
            }
        );
        assert_eq!(auth("Bearer abc").unwrap(), Auth::Bearer("abc".into()));
        assert_eq!(auth("bearer  a:b ").unwrap(), Auth::Bearer("a:b".into()));
        assert_eq!(
            auth("eyJ0eXAi.x.y").unwrap(),
            Auth::Bearer("eyJ0eXAi.x.y".into())
        );
        assert!(auth("").is_err());
        assert!(auth(":secret").is_err());
        assert!(auth("Bearer ").is_err());
        assert_eq!(
            format!("{:?}", auth("u:p").unwrap()),
            "Basic(u:***)",
            "secrets stay out of debug output"
        );
    }

    #[test]
    fn subjects_are_one_path_segment() {
        assert_eq!(segment("orders-value"), "orders-value");
        assert_eq!(segment("a/b c:%"), "a%2Fb%20c%3A%25");
        assert_eq!(segment("ünï"), "%C3%BCn%C3%AF");
    }

    #[test]
    fn references_split_at_the_last_colon() {
        let r: SchemaReference = "money.json=shared:money:3".parse().unwrap();
        assert_eq!(
            (r.name.as_str(), r.subject.as_str(), r.version),
            ("money.json", "shared:money", 3)
        );
        assert!("money.json".parse::<SchemaReference>().is_err());
        assert!("m=s:0".parse::<SchemaReference>().is_err());
        assert!("m=s:latest".parse::<SchemaReference>().is_err());
    }

    fn settings(url: &str, auth: Option<&str>) -> Result<ClientSettings, SettingsError> {
        ClientSettings::from_args(&RegistryArgs {
            url: Some(url.into()),
            auth: auth.map(Into::into),
            timeout: 30,
            retries: 2,
        })
    }

    #[test]
    fn base_urls_keep_their_path_and_lose_their_credentials() {
        let s = settings("https://u:p%40ss@sr.example/base", None).unwrap();
        assert_eq!(s.url.as_str(), "https://sr.example/base/");
        assert_eq!(
            s.auth,
            Some(Auth::Basic {
                user: "u".into(),
                password: "p@ss".into()
            })
        );
        assert_eq!(
            s.url.join("subjects/a%2Fb/versions").unwrap().as_str(),
            "https://sr.example/base/subjects/a%2Fb/versions"
        );
        assert_eq!(s.tries, 3);
        assert!(matches!(settings("", None), Err(SettingsError::Missing)));
        assert!(matches!(
            settings("ftp://x", None),
            Err(SettingsError::BadUrl { .. })
        ));
        assert!(matches!(
            settings("localhost:8081", None),
            Err(SettingsError::BadUrl { .. })
        ));
    }

    #[test]
    fn versions_are_latest_or_positive() {
        assert_eq!("LATEST".parse::<VersionRef>().unwrap(), VersionRef::Latest);
        assert_eq!("3".parse::<VersionRef>().unwrap(), VersionRef::Number(3));
        assert!("0".parse::<VersionRef>().is_err());
        assert!("x".parse::<VersionRef>().is_err());
    }

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
