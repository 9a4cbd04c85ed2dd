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
use axum::response::Response;
use percent_encoding::{AsciiSet, CONTROLS, percent_decode_str, utf8_percent_encode};

use super::AppState;

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

/// Rewrites the request's subject to its alias, when it has one.
pub(super) async fn resolve(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    if let Some(uri) = aliased(&state, request.uri()).await {
        *request.uri_mut() = uri;
    }
    next.run(request).await
}

/// The alias of the subject `name` (percent-encoded as in a URI) names,
/// when its config has one. A name that is no subject, or a store that
/// cannot answer, is no alias: the request goes on as it came and meets
/// the same problem where it is answered.
async fn alias_of(state: &AppState, name: &str) -> Option<String> {
    let name = percent_decode_str(name).decode_utf8().ok()?;
    state.registry().alias_of(&name).await.ok().flatten()
}

/// The URI with its subjects replaced by their aliases; `None` when none
/// has one.
async fn aliased(state: &AppState, uri: &Uri) -> Option<Uri> {
    let path = uri.path();
    let mut segments: Vec<String> = path.split('/').map(str::to_string).collect();
    let mut changed = false;
    for index in 1..segments.len() {
        if segments[index - 1] != "subjects" || segments[index].is_empty() {
            continue;
        }
        if let Some(alias) = alias_of(state, &segments[index]).await {
            segments[index] = utf8_percent_encode(&alias, SEGMENT).to_string();
            changed = true;
        }
    }
    let mut query = uri.query().map(str::to_string);
    if path.starts_with("/schemas/ids/") {
        if let Some(rewritten) = aliased_query(state, uri.query().unwrap_or_default()).await {
            query = Some(rewritten);
            changed = true;
        }
    }
    if !changed {
        return None;
    }
    let path = segments.join("/");
    let rewritten = match query {
        Some(query) => format!("{path}?{query}"),
        None => path,
    };
    let mut parts = uri.clone().into_parts();
    parts.path_and_query = Some(PathAndQuery::try_from(rewritten).ok()?);
    Uri::from_parts(parts).ok()
}

/// The query with its `subject` parameter replaced by the alias, when the
/// subject has one.
async fn aliased_query(state: &AppState, query: &str) -> Option<String> {
    let pairs: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    let (_, subject) = pairs.iter().find(|(key, _)| key == "subject")?;
    let alias = state.registry().alias_of(subject).await.ok().flatten()?;
    let mut rewritten = form_urlencoded::Serializer::new(String::new());
    for (key, value) in &pairs {
        let value = if key == "subject" { &alias } else { value };
        rewritten.append_pair(key, value);
    }
    Some(rewritten.finish())
}
