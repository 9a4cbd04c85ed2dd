//! The `/contexts/{context}/...` URL prefix, rewritten before routing as the
//! peer's `ContextFilter` does: the prefix goes, and the context qualifies
//! the names the rest of the path and query give.
//!
//! - the segment after `subjects` (anywhere) and after a leading `config`
//!   or `mode` gets `:.ctx:` in front, unless it is qualified already
//!   (starts with `:.` or `:*:`); a leading `config` or `mode` without a
//!   subject names the context itself (`/config/:.ctx:`);
//! - under `schemas/ids`, the `subject` query parameter is qualified the
//!   same way (no `subject` becomes `:.ctx:`, the context itself);
//! - for `/schemas` and `/subjects`, so is `subjectPrefix` (no prefix
//!   becomes `:.ctx:`, the context's subjects).
//!
//! `/contexts/{context}` alone is the context itself (`DELETE`), and is
//! left as it is; so is everything under the default context `.`, but for
//! the prefix.

use axum::extract::Request;
use axum::http::Uri;
use axum::http::uri::PathAndQuery;
use percent_encoding::percent_decode_str;

use crate::model::{context_scope_name, parse_context};

/// Rewrites a request under the `/contexts/{context}/` prefix (see the
/// module's documentation); any other request passes as it came.
pub fn rewrite(mut request: Request) -> Request {
    let uri = request.uri();
    let Some(rewritten) = rewritten(uri.path(), uri.query()) else {
        return request;
    };
    let mut parts = uri.clone().into_parts();
    let Ok(path_and_query) = PathAndQuery::try_from(rewritten) else {
        return request;
    };
    parts.path_and_query = Some(path_and_query);
    if let Ok(uri) = Uri::from_parts(parts) {
        *request.uri_mut() = uri;
    }
    request
}

/// Whether a (percent-encoded) name is qualified with a context already.
fn qualified(encoded: &str) -> bool {
    let name = percent_decode_str(encoded).decode_utf8_lossy();
    name.starts_with(":.") || name.starts_with(":*:")
}

/// The path and query `path?query` stands for, when it is under the prefix.
fn rewritten(path: &str, query: Option<&str>) -> Option<String> {
    let rest = path.strip_prefix("/contexts/")?;
    let (context, rest) = rest.split_once('/')?;
    let context = percent_decode_str(context).decode_utf8_lossy();
    // A name that is no context is left for the router to refuse.
    let prefix = match parse_context(&context).ok()? {
        Some(context) => context_scope_name(&context),
        None => String::new(),
    };
    let segments: Vec<&str> = rest.split('/').collect();
    let mut out: Vec<String> = Vec::with_capacity(segments.len() + 1);
    let mut subject_next = false;
    let mut root_setting = false;
    for (index, segment) in segments.iter().enumerate() {
        if subject_next {
            subject_next = false;
            out.push(if qualified(segment) {
                segment.to_string()
            } else {
                format!("{prefix}{segment}")
            });
            continue;
        }
        let setting = index == 0 && matches!(*segment, "config" | "mode");
        root_setting |= setting;
        subject_next = *segment == "subjects" || setting;
        out.push(segment.to_string());
    }
    if root_setting && subject_next && !prefix.is_empty() {
        out.push(prefix.clone());
    }
    let path = format!("/{}", out.join("/"));
    let query = rewritten_query(&path, query.unwrap_or_default(), &prefix);
    Some(match query {
        Some(query) if !query.is_empty() => format!("{path}?{query}"),
        _ => path,
    })
}

/// The query of a rewritten path: `subject` under `/schemas/ids`,
/// `subjectPrefix` of `/schemas` and `/subjects`, qualified.
fn rewritten_query(path: &str, query: &str, prefix: &str) -> Option<String> {
    if prefix.is_empty() {
        return Some(query.to_string());
    }
    let name = if path.starts_with("/schemas/ids") {
        "subject"
    } else if path == "/schemas" || path == "/subjects" {
        "subjectPrefix"
    } else {
        return Some(query.to_string());
    };
    let mut pairs: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    if !pairs.iter().any(|(k, _)| k == name) {
        pairs.push((name.to_string(), String::new()));
    }
    for (key, value) in &mut pairs {
        if key == name && !(value.starts_with(":.") || value.starts_with(":*:")) {
            *value = format!("{prefix}{value}");
        }
    }
    Some(
        form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(from: &str, to: Option<&str>) {
        let (path, query) = match from.split_once('?') {
            Some((p, q)) => (p, Some(q)),
            None => (from, None),
        };
        assert_eq!(rewritten(path, query).as_deref(), to, "{from}");
    }

    #[test]
    fn the_prefix_qualifies_subjects_settings_and_queries() {
        check(
            "/contexts/.ctx1/subjects/orders/versions",
            Some("/subjects/:.ctx1:orders/versions"),
        );
        check(
            "/contexts/ctx1/subjects/:.other:orders/versions/1",
            Some("/subjects/:.other:orders/versions/1"),
        );
        check("/contexts/.ctx1/config", Some("/config/:.ctx1:"));
        check("/contexts/.ctx1/mode/orders", Some("/mode/:.ctx1:orders"));
        check(
            "/contexts/.ctx1/compatibility/subjects/orders/versions/latest",
            Some("/compatibility/subjects/:.ctx1:orders/versions/latest"),
        );
        check(
            "/contexts/.ctx1/schemas/ids/1",
            Some("/schemas/ids/1?subject=%3A.ctx1%3A"),
        );
        check(
            "/contexts/.ctx1/schemas/ids/1?subject=orders&format=resolved",
            Some("/schemas/ids/1?subject=%3A.ctx1%3Aorders&format=resolved"),
        );
        check(
            "/contexts/.ctx1/subjects",
            Some("/subjects?subjectPrefix=%3A.ctx1%3A"),
        );
        check("/contexts/./subjects/orders", Some("/subjects/orders"));
        check("/contexts/.ctx1", None);
        check("/contexts", None);
        check("/subjects/orders", None);
        check("/contexts/a:b/subjects/x", None);
    }
}
