//! Extractors whose rejections are API errors: a JSON body in the registry's
//! media types, lenient query parameters, and validated path segments.

use std::collections::HashMap;

use axum::extract::{FromRequest, FromRequestParts, RawPathParams, Request};
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use axum::http::request::Parts;
use bytes::Bytes;
use http_body_util::{BodyExt, LengthLimitError, Limited};
use serde::de::DeserializeOwned;

use super::AppState;
use super::error::ApiError;
use crate::model::{InvalidSubject, SchemaId, Scope, Subject, VersionSelector};
use crate::service::Error;

/// A JSON request body.
///
/// Accepted media types: the registry's two, `application/json`, any
/// `+json` type, `application/octet-stream` (the peer reads it as JSON so
/// that `curl` without a type works) and a missing Content-Type.
#[derive(Debug)]
pub struct JsonBody<T>(pub T);

fn accepts_media_type(content_type: &str) -> bool {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
        || essence == "application/octet-stream"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

impl<T: DeserializeOwned + Send + 'static> FromRequest<AppState> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let bytes = read_body(req, state).await?;
        if bytes.len() <= INLINE_BODY_BYTES {
            return parse_json(&bytes).map(JsonBody);
        }
        let parsed = state
            .registry()
            .work()
            .run(move || parse_json(&bytes))
            .await?;
        parsed.map(JsonBody)
    }
}

/// Bodies up to this size are parsed on the request's own thread; larger
/// ones are CPU work like a schema's and go to the schema work pool.
pub const INLINE_BODY_BYTES: usize = 64 * 1024;

/// The body of a request in the API's media type, at most
/// `--max-body-bytes` long and arriving within `--body-read-timeout`.
pub async fn read_body(req: Request, state: &AppState) -> Result<Bytes, ApiError> {
    // The limit is enforced here rather than by a `DefaultBodyLimit`
    // layer, which would cost every request (bodies are read only here).
    if let Some(content_type) = req.headers().get(CONTENT_TYPE) {
        let text = content_type.to_str().unwrap_or_default();
        if !accepts_media_type(text) {
            return Err(ApiError::UnsupportedMediaType(text.to_string()));
        }
    }
    let limit = state.max_body_bytes();
    let too_large = ApiError::PayloadTooLarge { limit };
    let declared = req
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        return Err(too_large);
    }
    let deadline = state.http_limits().body_read_timeout;
    let read = tokio::time::timeout(deadline, Limited::new(req.into_body(), limit).collect());
    Ok(read
        .await
        .map_err(|_| ApiError::BodyTimeout {
            seconds: deadline.as_secs_f64(),
        })?
        .map_err(|e| {
            if e.downcast_ref::<LengthLimitError>().is_some() {
                too_large
            } else {
                ApiError::MalformedJson(format!("the request body could not be read: {e}"))
            }
        })?
        .to_bytes())
}

/// Parses a body, naming the problem and where it is: the line and column
/// of a syntax error, the field of a value of the wrong shape.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::MalformedJson(
            "the request body is empty: send a JSON object".to_string(),
        ));
    }
    let not_json = |e: serde_json::Error| {
        ApiError::MalformedJson(format!("the request body is not valid JSON: {e}"))
    };
    let mut json = serde_json::Deserializer::from_slice(bytes);
    let parsed = serde_path_to_error::deserialize(&mut json).map_err(|e| {
        let at = match e.path().to_string().as_str() {
            "." => String::new(),
            path => format!(" at `{path}`"),
        };
        let e = e.into_inner();
        match e.classify() {
            serde_json::error::Category::Data => {
                ApiError::MalformedJson(format!("the request body has the wrong shape{at}: {e}"))
            }
            _ => not_json(e),
        }
    })?;
    json.end().map_err(not_json)?;
    Ok(parsed)
}

/// Query parameters, read leniently: unknown names are ignored, booleans
/// accept any case (`true`, `True`), and the first of repeated names wins
/// except where a parameter is a list ([`Params::all`]).
#[derive(Debug, Default)]
pub struct Params(HashMap<String, Vec<String>>);

impl<S: Send + Sync> FromRequestParts<S> for Params {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Params::parse(parts.uri.query().unwrap_or_default()))
    }
}

impl Params {
    /// Parses a query string.
    pub fn parse(query: &str) -> Params {
        let mut map: HashMap<String, Vec<String>> = HashMap::new();
        for (key, value) in form_urlencoded::parse(query.as_bytes()) {
            map.entry(key.into_owned())
                .or_default()
                .push(value.into_owned());
        }
        Params(map)
    }

    fn first(&self, name: &str) -> Option<&String> {
        self.0.get(name).and_then(|values| values.first())
    }

    /// A string parameter.
    pub fn text(&self, name: &str) -> Option<&str> {
        self.first(name).map(String::as_str)
    }

    /// Every value of a repeated parameter (`?lifecycle=STRONG&lifecycle=NONE`),
    /// in order; empty when absent.
    pub fn all(&self, name: &str) -> &[String] {
        self.0.get(name).map_or(&[], Vec::as_slice)
    }

    /// A boolean parameter, `false` when absent.
    pub fn flag(&self, name: &'static str) -> Result<bool, ApiError> {
        match self.first(name).map(|v| v.trim()) {
            None | Some("") => Ok(false),
            Some(v) if v.eq_ignore_ascii_case("true") => Ok(true),
            Some(v) if v.eq_ignore_ascii_case("false") => Ok(false),
            Some(v) => Err(ApiError::InvalidQuery {
                name,
                value: v.to_string(),
                expected: "true or false",
            }),
        }
    }

    /// A boolean parameter that has two spellings (the peer's and a client's).
    pub fn flag_either(&self, name: &'static str, alias: &'static str) -> Result<bool, ApiError> {
        Ok(self.flag(name)? || self.flag(alias)?)
    }

    /// An integer parameter.
    pub fn int(&self, name: &'static str) -> Result<Option<i64>, ApiError> {
        match self.first(name).map(|v| v.trim()) {
            None | Some("") => Ok(None),
            Some(v) => v.parse().map(Some).map_err(|_| ApiError::InvalidQuery {
                name,
                value: v.to_string(),
                expected: "an integer",
            }),
        }
    }

    /// `offset` and `limit` applied to a list: a negative or absent limit
    /// (the clients send `-1`) means all, and so does 0.
    pub fn page<T>(&self, items: Vec<T>) -> Result<Vec<T>, ApiError> {
        let offset = self.int("offset")?.unwrap_or(0).max(0) as usize;
        let limit = self.int("limit")?.filter(|l| *l > 0).map(|l| l as usize);
        let page = items.into_iter().skip(offset);
        Ok(match limit {
            Some(limit) => page.take(limit).collect(),
            None => page.collect(),
        })
    }
}

/// Path parameters by name, percent-decoded, with decoding errors as API
/// errors.
#[derive(Debug)]
pub struct Segments(RawPathParams);

impl<S: Send + Sync> FromRequestParts<S> for Segments {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        RawPathParams::from_request_parts(parts, state)
            .await
            .map(Segments)
            .map_err(|e| ApiError::InvalidPath(e.body_text()))
    }
}

impl Segments {
    fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(key, _)| *key == name)
            .map_or("", |(_, value)| value)
    }

    /// The segment `{name}`, percent-decoded (empty when the route has none).
    pub fn named(&self, name: &str) -> &str {
        self.get(name)
    }

    /// The `{subject}` segment of a route about schemas, validated: not in
    /// the peer's global context (42208, as the peer refuses it). Also
    /// recorded on the request span.
    pub fn subject(&self) -> Result<Subject, ApiError> {
        let subject = self.any_subject()?;
        if subject.in_global_context() {
            return Err(ApiError::Service(
                InvalidSubject(subject.as_str().to_string()).into(),
            ));
        }
        Ok(subject)
    }

    /// The scope the `{subject}` segment of `/config/{subject}` and
    /// `/mode/{subject}` names: a subject, or the global context
    /// (`:.__GLOBAL:`).
    pub fn settings_scope(&self) -> Result<Scope, ApiError> {
        Ok(Scope::Subject(self.any_subject()?))
    }

    fn any_subject(&self) -> Result<Subject, ApiError> {
        let raw = self.get("subject");
        tracing::Span::current().record("subject", raw);
        Subject::parse(raw).map_err(|e| ApiError::Service(e.into()))
    }

    /// The `{version}` segment.
    pub fn version(&self) -> Result<VersionSelector, ApiError> {
        self.get("version")
            .parse()
            .map_err(|e: crate::model::InvalidVersion| ApiError::Service(Error::from(e)))
    }

    /// The `{id}` segment.
    pub fn schema_id(&self) -> Result<SchemaId, ApiError> {
        let raw = self.get("id");
        match raw.parse::<i64>() {
            Ok(id) if id > 0 => Ok(SchemaId(id)),
            _ => Err(ApiError::InvalidSchemaId(raw.to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_accept_any_case_and_refuse_nonsense() {
        let p = Params::parse("a=true&b=True&c=FALSE&d=yes&e=");
        assert!(p.flag("a").unwrap());
        assert!(p.flag("b").unwrap());
        assert!(!p.flag("c").unwrap());
        assert!(!p.flag("e").unwrap());
        assert!(!p.flag("absent").unwrap());
        let err = p.flag("d").unwrap_err().to_string();
        assert!(err.contains("`d`") && err.contains("yes"), "{err}");
    }

    #[test]
    fn pages_treat_minus_one_as_all() {
        let items = || (1..=5).collect::<Vec<_>>();
        assert_eq!(
            Params::parse("offset=0&limit=-1").page(items()).unwrap(),
            vec![1, 2, 3, 4, 5]
        );
        assert_eq!(
            Params::parse("offset=1&limit=2").page(items()).unwrap(),
            vec![2, 3]
        );
        assert_eq!(
            Params::parse("offset=9").page(items()).unwrap(),
            Vec::<i32>::new()
        );
        assert!(Params::parse("limit=x").page(items()).is_err());
    }

    #[test]
    fn media_types() {
        for ok in [
            "application/vnd.schemaregistry.v1+json",
            "application/vnd.schemaregistry+json; charset=utf-8",
            "application/json",
            "Application/JSON",
            "application/octet-stream",
        ] {
            assert!(accepts_media_type(ok), "{ok}");
        }
        for bad in [
            "text/plain",
            "application/x-www-form-urlencoded",
            "application/xml",
        ] {
            assert!(!accepts_media_type(bad), "{bad}");
        }
    }

    #[test]
    fn malformed_json_names_the_problem() {
        let err = parse_json::<serde_json::Value>(b"{\"schema\": ")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("not valid JSON") && err.contains("line 1"),
            "{err}"
        );
        let err = parse_json::<serde_json::Value>(b"  ")
            .unwrap_err()
            .to_string();
        assert!(err.contains("empty"), "{err}");
        let err = parse_json::<serde_json::Value>(b"{} {}")
            .unwrap_err()
            .to_string();
        assert!(err.contains("not valid JSON"), "{err}");
        let err = parse_json::<super::super::wire::SchemaBody>(
            br#"{"schema": "{}", "references": [{"name": "a", "version": "1"}]}"#,
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("wrong shape at `references[0].version`: invalid type"),
            "{err}"
        );
    }
}
