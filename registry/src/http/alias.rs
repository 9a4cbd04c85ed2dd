//! Subject aliases, as the peer's `AliasFilter` applies them: a subject
//! whose own config has an `alias` stands for the aliased subject in every
//! path segment that follows `subjects` (`/subjects/{subject}/...`,
//! `/compatibility/subjects/{subject}/...`) and in the `subject` parameter
//! of `/schemas/ids/{id}`, for every method. `/config/{subject}` and
//! `/mode/{subject}` are not rewritten, so an alias can be read and removed.
//! One level: the aliased subject's own alias is not followed.
//!
//! The rewrite happens before routing and so before authorization: a caller
//! needs the permissions of the subject the alias names.

use axum::extract::{Request, State};
use axum::http::Uri;
use axum::http::uri::PathAndQuery;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use percent_encoding::{AsciiSet, CONTROLS, percent_decode_str, utf8_percent_encode};

use super::AppState;
use super::error::ApiError;
use crate::service::Error;

/// What a path segment must percent-encode.
const SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'/')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}');

/// Rewrites the request's subject to its alias, when it has one. A store
/// that cannot answer is answered here (503), as the request would be.
pub(super) async fn resolve(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    match aliased(&state, request.uri()).await {
        Ok(Some(uri)) => *request.uri_mut() = uri,
        Ok(None) => {}
        Err(e) => return ApiError::from(e).into_response(),
    }
    next.run(request).await
}

/// The alias of the subject `name` (percent-decoded) names, when its
/// config has one; a name that is no subject has none.
async fn alias_of(state: &AppState, name: &str) -> Result<Option<String>, Error> {
    match percent_decode_str(name).decode_utf8() {
        Ok(name) => state.registry().alias_of(&name).await,
        Err(_) => Ok(None),
    }
}

/// The URI with its subjects replaced by their aliases; `None` when none
/// has one.
async fn aliased(state: &AppState, uri: &Uri) -> Result<Option<Uri>, Error> {
    let path = uri.path();
    let mut segments: Vec<String> = path.split('/').map(str::to_string).collect();
    let mut changed = false;
    for index in 1..segments.len() {
        if segments[index - 1] != "subjects" || segments[index].is_empty() {
            continue;
        }
        if let Some(alias) = alias_of(state, &segments[index]).await? {
            segments[index] = utf8_percent_encode(&alias, SEGMENT).to_string();
            changed = true;
        }
    }
    let mut query = uri.query().map(str::to_string);
    if path.starts_with("/schemas/ids/") {
        if let Some(rewritten) = aliased_query(state, uri.query().unwrap_or_default()).await? {
            query = Some(rewritten);
            changed = true;
        }
    }
    if !changed {
        return Ok(None);
    }
    let path = segments.join("/");
    let rewritten = match query {
        Some(query) => format!("{path}?{query}"),
        None => path,
    };
    let mut parts = uri.clone().into_parts();
    let Ok(path_and_query) = PathAndQuery::try_from(rewritten) else {
        return Ok(None);
    };
    parts.path_and_query = Some(path_and_query);
    Ok(Uri::from_parts(parts).ok())
}

/// The query with its `subject` parameter replaced by the alias, when the
/// subject has one.
async fn aliased_query(state: &AppState, query: &str) -> Result<Option<String>, Error> {
    let pairs: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    let Some((_, subject)) = pairs.iter().find(|(key, _)| key == "subject") else {
        return Ok(None);
    };
    let Some(alias) = state.registry().alias_of(subject).await? else {
        return Ok(None);
    };
    let mut rewritten = form_urlencoded::Serializer::new(String::new());
    for (key, value) in &pairs {
        let value = if key == "subject" { &alias } else { value };
        rewritten.append_pair(key, value);
    }
    Ok(Some(rewritten.finish()))
}
