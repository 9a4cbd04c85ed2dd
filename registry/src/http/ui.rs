//! `/ui/`: the registry's web page, to look at subjects, versions, what
//! changed between two versions, and why dead-letter messages fail.
//!
//! The page is plain HTML, CSS and JavaScript modules kept in `registry/ui/`
//! and embedded in the binary at compile time; there is no front-end build.
//! Each file is served with an `ETag` (a hash of its bytes, so a conditional
//! request answers 304), `Cache-Control: no-cache` and a Content-Security-
//! Policy that allows only the page's own files: no inline script or style,
//! no `eval`, no other origin.
//!
//! Architecture invariants: the page fetches nothing from elsewhere, and it
//! reads and writes only through the public HTTP API, as every client does
//! (no endpoint exists for it alone). Only `index.html` is rendered at start:
//! it carries where the API is ([`UiBasePath`]).

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Extension, Path};
use axum::http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE, ETAG, IF_NONE_MATCH, LOCATION,
    REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use bytes::Bytes;
use sha2::{Digest, Sha256};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::AppState;
use super::error::ApiError;

/// The path prefix under which a reverse proxy exposes the registry
/// (`/registry`), so that the page finds the API at `/registry/subjects`;
/// empty when the page should find the API relative to its own address
/// (`../`, which works at the root and behind a proxy that strips a prefix).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UiBasePath(String);

impl UiBasePath {
    /// Reads a prefix: empty or `/`, or `/` followed by path segments of
    /// letters, digits and `-._~`; a trailing `/` is dropped.
    pub fn parse(text: &str) -> Result<UiBasePath, String> {
        let trimmed = text.trim_end_matches('/');
        if trimmed.is_empty() {
            return Ok(UiBasePath::default());
        }
        let Some(rest) = trimmed.strip_prefix('/') else {
            return Err("it must start with `/`".into());
        };
        for segment in rest.split('/') {
            if segment.is_empty() || segment == "." || segment == ".." {
                return Err(format!("`{segment}` is not a path segment"));
            }
            if let Some(c) = segment
                .chars()
                .find(|c| !(c.is_ascii_alphanumeric() || "-._~".contains(*c)))
            {
                return Err(format!(
                    "`{c}` is not allowed (letters, digits, `-._~` and `/` are)"
                ));
            }
        }
        Ok(UiBasePath(trimmed.to_string()))
    }

    /// Where the page finds the API: `{prefix}/`, or `../` (relative to
    /// `/ui/`) without a prefix.
    fn api_base(&self) -> String {
        if self.0.is_empty() {
            "../".to_string()
        } else {
            format!("{}/", self.0)
        }
    }
}

/// Every file of `registry/ui/`, by its path under `/ui/`.
const FILES: &[(&str, &[u8])] = &[
    ("index.html", include_bytes!("../../ui/index.html")),
    ("style.css", include_bytes!("../../ui/style.css")),
    ("icon.svg", include_bytes!("../../ui/icon.svg")),
    ("js/app.js", include_bytes!("../../ui/js/app.js")),
    ("js/api.js", include_bytes!("../../ui/js/api.js")),
    ("js/dom.js", include_bytes!("../../ui/js/dom.js")),
    (
        "js/highlight.js",
        include_bytes!("../../ui/js/highlight.js"),
    ),
    ("js/diff.js", include_bytes!("../../ui/js/diff.js")),
    ("js/code.js", include_bytes!("../../ui/js/code.js")),
    ("js/contract.js", include_bytes!("../../ui/js/contract.js")),
    (
        "js/views/subjects.js",
        include_bytes!("../../ui/js/views/subjects.js"),
    ),
    (
        "js/views/subject.js",
        include_bytes!("../../ui/js/views/subject.js"),
    ),
    (
        "js/views/version.js",
        include_bytes!("../../ui/js/views/version.js"),
    ),
    (
        "js/views/compare.js",
        include_bytes!("../../ui/js/views/compare.js"),
    ),
    (
        "js/views/triage.js",
        include_bytes!("../../ui/js/views/triage.js"),
    ),
    (
        "js/views/signin.js",
        include_bytes!("../../ui/js/views/signin.js"),
    ),
    (
        "js/views/consumers.js",
        include_bytes!("../../ui/js/views/consumers.js"),
    ),
];

/// Where `index.html` says the API is.
const API_BASE_MARK: &str = "{{api-base}}";

/// The policy every file of the page is served with.
const POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
    img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; \
    frame-ancestors 'none'";

/// One file, ready to serve.
#[derive(Debug)]
struct Served {
    content_type: &'static str,
    body: Bytes,
    etag: HeaderValue,
}

impl Served {
    fn new(path: &str, body: Bytes) -> Served {
        let digest = Sha256::digest(&body);
        let hex: String = digest[..12].iter().map(|b| format!("{b:02x}")).collect();
        Served {
            content_type: content_type(path),
            etag: HeaderValue::from_str(&format!("\"{hex}\"")).expect("hex is a header value"),
            body,
        }
    }

    /// The file, or 304 when the request already holds this version.
    fn respond(&self, headers: &HeaderMap) -> Response {
        let fresh = headers
            .get_all(IF_NONE_MATCH)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .any(|tag| {
                let tag = tag.trim();
                tag == "*" || tag.trim_start_matches("W/").as_bytes() == self.etag.as_bytes()
            });
        let (status, body) = if fresh {
            (StatusCode::NOT_MODIFIED, Body::empty())
        } else {
            (StatusCode::OK, Body::from(self.body.clone()))
        };
        let mut response = (status, body).into_response();
        let h = response.headers_mut();
        h.insert(CONTENT_TYPE, HeaderValue::from_static(self.content_type));
        h.insert(ETAG, self.etag.clone());
        h.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        protect(h);
        response
    }
}

/// The headers that keep the page to its own files.
fn protect(h: &mut HeaderMap) {
    h.insert(CONTENT_SECURITY_POLICY, HeaderValue::from_static(POLICY));
    h.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    h.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit_once('.').map(|(_, ext)| ext) {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("svg") => "image/svg+xml",
        _ => "application/octet-stream",
    }
}

/// The page's files, `index.html` rendered for one [`UiBasePath`].
#[derive(Debug)]
struct Page {
    files: HashMap<&'static str, Served>,
}

impl Page {
    fn new(base: &UiBasePath) -> Page {
        let files = FILES
            .iter()
            .map(|&(path, body)| {
                let body = if path == "index.html" {
                    let text = std::str::from_utf8(body).expect("index.html is UTF-8");
                    Bytes::from(text.replace(API_BASE_MARK, &base.api_base()))
                } else {
                    Bytes::from_static(body)
                };
                (path, Served::new(path, body))
            })
            .collect();
        Page { files }
    }

    fn serve(&self, path: &str, headers: &HeaderMap) -> Result<Response, ApiError> {
        match self.files.get(path) {
            Some(file) => Ok(file.respond(headers)),
            None => Err(ApiError::UnknownRoute {
                method: Method::GET.to_string(),
                path: format!("/ui/{path}"),
            }),
        }
    }
}

/// Whether `path` is one of the page's own (under `/ui/`), whose trailing
/// slash is part of it.
pub(super) fn is_page_path(path: &str) -> bool {
    path.starts_with("/ui/")
}

/// The page's routes: `/ui` (redirects to `/ui/`), `/ui/` and its files.
pub(super) fn routes(base: &UiBasePath) -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(to_index))
        .routes(routes!(index))
        // A catch-all, which OpenAPI cannot describe: the page's own files.
        .route("/ui/{*path}", get(file))
        .layer(Extension(Arc::new(Page::new(base))))
}

/// `/ui/`: the page.
#[utoipa::path(
    get,
    path = "/ui/",
    tag = "operations",
    responses(
        (status = 200, description = "The web page", content_type = "text/html; charset=utf-8", body = String),
        (status = 304, description = "Not modified (`If-None-Match` holds its `ETag`)"),
    ),
)]
async fn index(Extension(page): Extension<Arc<Page>>, headers: HeaderMap) -> Response {
    page.serve("index.html", &headers)
        .unwrap_or_else(IntoResponse::into_response)
}

/// `/ui/{path}`: one of the page's files, or 404.
async fn file(
    Extension(page): Extension<Arc<Page>>,
    Path(path): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    page.serve(&path, &headers)
}

/// `/ui` → `/ui/`, relative so that it holds behind any proxy prefix.
#[utoipa::path(
    get,
    path = "/ui",
    tag = "operations",
    responses((
        status = 308,
        description = "To the page, `/ui/`",
        headers(("Location" = String, description = "`ui/`, relative")),
    )),
)]
async fn to_index(uri: Uri) -> Response {
    let target = match uri.query() {
        Some(query) => format!("ui/?{query}"),
        None => "ui/".to_string(),
    };
    let mut response = StatusCode::PERMANENT_REDIRECT.into_response();
    if let Ok(value) = HeaderValue::from_str(&target) {
        response.headers_mut().insert(LOCATION, value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn ui_dir() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("ui")
    }

    fn walk(dir: &std::path::Path, found: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, found);
            } else {
                let relative = path.strip_prefix(ui_dir()).unwrap();
                found.push(relative.to_string_lossy().replace('\\', "/"));
            }
        }
    }

    #[test]
    fn every_file_of_the_page_is_embedded() {
        let mut on_disk = Vec::new();
        walk(&ui_dir(), &mut on_disk);
        on_disk.sort();
        let mut embedded: Vec<String> = FILES.iter().map(|(p, _)| p.to_string()).collect();
        embedded.sort();
        assert_eq!(on_disk, embedded, "registry/ui/ and FILES differ");
    }

    /// The page loads only its own files: no other origin, no inline script
    /// or style (the policy would refuse them anyway; this says where).
    #[test]
    fn the_page_refers_to_nothing_outside_itself() {
        for (path, body) in FILES {
            // An SVG names its XML namespace with a URL it never fetches.
            let text = std::str::from_utf8(body)
                .unwrap()
                .replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
            for needle in ["http://", "https://", "//cdn", "eval(", "new Function"] {
                assert!(!text.contains(needle), "{path} contains `{needle}`");
            }
            if path.ends_with(".html") {
                for needle in [
                    " style=",
                    " onclick=",
                    " onload=",
                    " onsubmit=",
                    "javascript:",
                ] {
                    assert!(!text.contains(needle), "{path} contains `{needle}`");
                }
                for script in text.split("<script").skip(1) {
                    let tag = &script[..script.find('>').unwrap()];
                    assert!(tag.contains("src="), "{path}: an inline script");
                }
                assert!(!text.contains("<style"), "{path}: an inline style sheet");
            }
        }
    }

    /// Every module an embedded script imports is embedded.
    #[test]
    fn every_import_is_embedded() {
        for (path, body) in FILES.iter().filter(|(p, _)| p.ends_with(".js")) {
            let text = std::str::from_utf8(body).unwrap();
            let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
            for line in text.lines().filter(|l| l.starts_with("import ")) {
                let target = line.split(['\'', '"']).nth(1).unwrap();
                let mut parts: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
                for segment in target.split('/') {
                    match segment {
                        "." => {}
                        ".." => {
                            parts.pop();
                        }
                        other => parts.push(other),
                    }
                }
                let resolved = parts.join("/");
                assert!(
                    FILES.iter().any(|(p, _)| *p == resolved),
                    "{path} imports {target}, which is not embedded"
                );
            }
        }
    }

    /// The page tells a dead-letter record from a JSON message as the
    /// registry does: its list of record keys is the core's.
    #[test]
    fn the_page_knows_the_record_keys_the_core_knows() {
        let (_, body) = FILES
            .iter()
            .find(|(p, _)| *p == "js/views/triage.js")
            .unwrap();
        let text = std::str::from_utf8(body).unwrap();
        let start = text.find("ENVELOPE_KEYS = [").unwrap();
        let list = &text[start..start + text[start..].find("];").unwrap()];
        let keys: Vec<&str> = list.split('\'').skip(1).step_by(2).collect();
        assert_eq!(keys, schemas::triage::ENVELOPE_KEYS);
    }

    #[test]
    fn base_paths_are_checked() {
        assert_eq!(UiBasePath::parse("").unwrap().api_base(), "../");
        assert_eq!(UiBasePath::parse("/").unwrap().api_base(), "../");
        assert_eq!(
            UiBasePath::parse("/registry/").unwrap().api_base(),
            "/registry/"
        );
        assert_eq!(UiBasePath::parse("/a/b-c").unwrap().api_base(), "/a/b-c/");
        for bad in ["registry", "/a//b", "/a/../b", "/a\"><script>", "/a b"] {
            assert!(UiBasePath::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn files_answer_304_when_the_tag_matches() {
        let page = Page::new(&UiBasePath::parse("/proxy").unwrap());
        let index = &page.files["index.html"];
        assert!(
            std::str::from_utf8(&index.body)
                .unwrap()
                .contains("content=\"/proxy/\""),
            "the API base is written into the page"
        );
        let mut headers = HeaderMap::new();
        assert_eq!(index.respond(&headers).status(), StatusCode::OK);
        headers.insert(IF_NONE_MATCH, index.etag.clone());
        let response = index.respond(&headers);
        assert_eq!(response.status(), StatusCode::NOT_MODIFIED);
        assert_eq!(response.headers()[CONTENT_SECURITY_POLICY], POLICY);
        headers.insert(IF_NONE_MATCH, HeaderValue::from_static("\"other\""));
        assert_eq!(index.respond(&headers).status(), StatusCode::OK);
        assert_eq!(
            page.files["js/app.js"].content_type,
            "text/javascript; charset=utf-8"
        );
        assert!(page.serve("nope.js", &HeaderMap::new()).is_err());
    }
}
