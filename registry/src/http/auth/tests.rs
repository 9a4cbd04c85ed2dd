//! The permission table's own checks (see `super::required`).

use super::*;

/// Every `.route("...")` pattern and every `#[utoipa::path(path = "...")]`
/// (routed by `routes!`) in the HTTP sources has a row in the table, and
/// every row is routed.
#[test]
fn the_table_knows_every_route() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/http");
    let mut routed = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            continue; // the tests of modules, like these
        }
        let text = std::fs::read_to_string(path).unwrap();
        // Routes of the API, not of unit tests.
        let code = text.split("#[cfg(test)]").next().unwrap();
        for marker in [".route(", "    path = "] {
            let mut rest = code;
            while let Some(at) = rest.find(marker) {
                rest = &rest[at + marker.len()..];
                let open = rest.find('"').unwrap();
                let close = rest[open + 1..].find('"').unwrap();
                routed.push(rest[open + 1..open + 1 + close].to_string());
            }
        }
    }
    for pattern in &routed {
        assert!(
            Route::of(pattern).is_some(),
            "no permission row for {pattern}"
        );
    }
    for (pattern, _) in Route::ALL {
        assert!(
            routed.iter().any(|p| p == pattern),
            "{pattern} is not routed"
        );
    }
}

fn check(method: Method, path: &str, query: &str) -> Required {
    // Find the pattern that matches `path` segment by segment.
    let segments: Vec<&str> = path.split('/').collect();
    let (pattern, route) = Route::ALL
        .iter()
        .find(|(p, _)| {
            let ps: Vec<&str> = p.split('/').collect();
            ps.len() == segments.len()
                && ps
                    .iter()
                    .zip(&segments)
                    .all(|(p, s)| p.starts_with('{') || p == s)
        })
        .unwrap();
    let value = |name: &str| {
        pattern
            .split('/')
            .zip(&segments)
            .find(|(p, _)| *p == format!("{{{name}}}"))
            .map(|(_, s)| *s)
    };
    required(*route, &method, value("subject"), value("id"), Some(query))
}

#[test]
fn changes_name_their_action() {
    let attempt = |route, method, query| attempted(route, &method, Some(query));
    assert_eq!(
        attempt(Route::SubjectVersions, Method::POST, ""),
        Some(Action::Register)
    );
    assert_eq!(
        attempt(Route::SubjectVersion, Method::DELETE, "permanent=true"),
        Some(Action::DeleteVersion)
    );
    assert_eq!(
        attempt(Route::Subject, Method::DELETE, ""),
        Some(Action::SoftDeleteSubject)
    );
    assert_eq!(
        attempt(Route::GlobalMode, Method::PUT, ""),
        Some(Action::SetMode)
    );
    // Reads and checks change nothing.
    assert_eq!(attempt(Route::Subject, Method::POST, ""), None);
    assert_eq!(attempt(Route::CompatibilityAll, Method::POST, ""), None);
    assert_eq!(attempt(Route::Audit, Method::GET, ""), None);
}

#[test]
fn each_route_needs_what_the_issue_says() {
    use Permission::*;
    let s = |p, subject: &str| Required::Subject(p, subject.to_string());
    let cases = [
        (Method::GET, "/health/live", "", Required::Nothing),
        (Method::GET, "/metrics", "", Required::Metrics),
        (Method::GET, "/subjects", "", Required::Caller),
        (
            Method::GET,
            "/schemas/ids/7",
            "",
            Required::Schema(SchemaId(7), None),
        ),
        (Method::GET, "/schemas/ids/x", "", Required::Caller),
        (
            Method::GET,
            "/schemas/ids/7",
            "subject=:.c:x",
            Required::Schema(SchemaId(7), Some(":.c:x".into())),
        ),
        (Method::POST, "/subjects/a", "", s(Read, "a")),
        (Method::DELETE, "/subjects/a", "", s(Delete, "a")),
        (Method::POST, "/subjects/a/versions", "", s(Write, "a")),
        (Method::GET, "/subjects/a/versions/1", "", s(Read, "a")),
        (Method::DELETE, "/subjects/a/versions/1", "", s(Write, "a")),
        (
            Method::DELETE,
            "/subjects/a/versions/1",
            "permanent=true",
            s(Delete, "a"),
        ),
        (
            Method::POST,
            "/compatibility/subjects/a/versions/latest",
            "",
            s(Read, "a"),
        ),
        (Method::GET, "/config", "", Required::Caller),
        (Method::PUT, "/config", "", Required::Admin),
        (Method::DELETE, "/mode", "", Required::Admin),
        (Method::GET, "/config/a", "", s(Read, "a")),
        (Method::PUT, "/config/a", "", s(Configure, "a")),
        (Method::DELETE, "/mode/a", "", s(Configure, "a")),
        (Method::GET, "/contexts", "", Required::Admin),
        (Method::DELETE, "/contexts/.c", "", Required::Admin),
        (Method::GET, "/grants", "principal=a", Required::Admin),
        (Method::POST, "/triage", "", Required::Caller),
        (Method::GET, "/audit", "", Required::Audit(None)),
        (
            Method::GET,
            "/audit",
            "subject=a&limit=3",
            Required::Audit(Some("a".into())),
        ),
    ];
    for (method, path, query, expected) in cases {
        assert_eq!(
            check(method.clone(), path, query),
            expected,
            "{method} {path}?{query}"
        );
    }
}
