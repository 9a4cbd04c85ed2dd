//! Architecture tests (rust-analyzer's `tidy` idea): the invariants
//! ARCHITECTURE.md states, checked by reading the sources, so that none of
//! them goes stale without a failing test.
//!
//! Each test names the invariant it guards and, when it fails, every place
//! that breaks it.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use conformance::workspace_root;

/// The longest a source file may grow before it is split.
const MAX_LINES: usize = 800;

/// What the pure core may depend on: parsing, hashing, encodings and the
/// format libraries. No async runtime, database, HTTP or CLI crate.
const SCHEMAS_DEPENDENCIES: &[&str] = &[
    "base64",
    "cel",
    "fancy-regex",
    "jsonschema",
    "percent-encoding",
    "prost-reflect",
    "protox-parse",
    "regex-syntax",
    "serde",
    "serde_json",
    "sha2",
    "thiserror",
    "url",
];

/// Tokens that mean file, environment, process or network access.
const IO_TOKENS: &[&str] = &[
    "std::fs",
    "std::env",
    "std::net",
    "std::process",
    "File::open",
    "File::create",
    "env::var",
    "TcpStream",
    "TcpListener",
    "UdpSocket",
];

/// Statements that only SQL begins a string literal with.
const SQL_STARTS: &[&str] = &[
    "SELECT ",
    "INSERT INTO",
    "UPDATE ",
    "DELETE FROM",
    "CREATE TABLE",
    "CREATE INDEX",
    "ALTER TABLE",
    "BEGIN",
    "PRAGMA ",
];

#[test]
fn source_files_stay_under_800_lines() {
    let long: Vec<String> = rust_files(&["schemas", "registry", "cli", "tests", "fuzz"])
        .into_iter()
        .filter_map(|file| {
            let lines = read(&file).lines().count();
            (lines > MAX_LINES).then(|| format!("{} has {lines} lines", relative(&file)))
        })
        .collect();
    assert!(
        long.is_empty(),
        "split these files into modules named for what they hold (at most {MAX_LINES} lines):\n{}",
        long.join("\n")
    );
}

#[test]
fn schemas_depends_only_on_the_allowlist() {
    let manifest = manifest("schemas");
    let deps = table_keys(&manifest, "dependencies");
    let extra: Vec<&String> = deps
        .iter()
        .filter(|d| !SCHEMAS_DEPENDENCIES.contains(&d.as_str()))
        .collect();
    assert!(
        extra.is_empty(),
        "the pure core gained dependencies outside the allowlist in tests/tests/architecture.rs: {extra:?}"
    );
    // jsonschema's default features resolve remote and file references.
    let workspace = manifest_at(&workspace_root().join("Cargo.toml"));
    let jsonschema = &workspace["workspace"]["dependencies"]["jsonschema"];
    assert_eq!(
        jsonschema.get("default-features").and_then(|v| v.as_bool()),
        Some(false),
        "jsonschema must be used without its default features (they fetch remote references)"
    );
}

#[test]
fn schemas_does_no_io() {
    let mut found = Vec::new();
    for file in rust_files(&["schemas/src"]) {
        for (n, line) in code_lines(&read(&file)) {
            for token in IO_TOKENS {
                if line.contains(token) {
                    found.push(format!("{}:{n}: {token}", relative(&file)));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "the pure core reads files, the environment or the network:\n{}",
        found.join("\n")
    );
}

#[test]
fn dependencies_point_inward() {
    for (krate, forbidden) in [
        ("schemas", &["registry", "cli"][..]),
        ("registry", &["cli"][..]),
        ("cli", &["registry"][..]),
        // The fuzz targets feed the core as the registry and CLI call it.
        ("fuzz", &["registry", "cli", "conformance"][..]),
    ] {
        let deps = table_keys(&manifest(krate), "dependencies");
        for other in forbidden {
            assert!(
                !deps.contains(*other),
                "`{krate}` depends on `{other}`: dependencies point inward to `schemas`, and the two binaries' crates never depend on each other"
            );
        }
    }
}

#[test]
fn sql_lives_only_in_the_store() {
    let store = workspace_root().join("registry/src/store");
    let mut found = Vec::new();
    for file in rust_files(&["schemas/src", "registry/src", "cli/src"]) {
        if file.starts_with(&store) {
            continue;
        }
        for (n, line) in code_lines(&read(&file)) {
            let sql_string = line.split('"').skip(1).step_by(2).any(|literal| {
                SQL_STARTS
                    .iter()
                    .any(|start| literal.trim_start().starts_with(start))
            });
            if sql_string || line.contains("sqlx::query") {
                found.push(format!("{}:{n}: {}", relative(&file), line.trim()));
            }
        }
    }
    assert!(
        found.is_empty(),
        "SQL outside registry/src/store:\n{}",
        found.join("\n")
    );
}

#[test]
fn no_placeholders_in_shipped_code() {
    let mut found = Vec::new();
    for file in rust_files(&["schemas/src", "registry/src", "cli/src"]) {
        for (n, line) in code_lines(&read(&file)) {
            if line.contains("todo!(") || line.contains("unimplemented!(") {
                found.push(format!("{}:{n}", relative(&file)));
            }
        }
    }
    assert!(
        found.is_empty(),
        "placeholders a user can reach:\n{}",
        found.join("\n")
    );
}

#[test]
fn no_import_cycle_between_modules_of_schemas() {
    assert_no_module_cycle("schemas");
}

#[test]
fn no_import_cycle_between_modules_of_cli() {
    assert_no_module_cycle("cli");
}

/// Runs `ci/module-cycles.py` (which resolves re-exports and looks at every
/// level of the module tree) on a crate, and fails with its findings.
fn assert_no_module_cycle(krate: &str) {
    let out = Command::new("python3")
        .arg(workspace_root().join("ci/module-cycles.py"))
        .arg(workspace_root().join(krate).join("src"))
        .output()
        .expect("python3 runs ci/module-cycles.py");
    assert!(
        out.status.success(),
        "modules of `{krate}` import each other in a circle (move the shared vocabulary into a leaf module):\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn formats_are_told_apart_only_in_the_seam() {
    let seam = [
        workspace_root().join("schemas/src/format.rs"),
        workspace_root().join("schemas/src/schema_type.rs"),
    ];
    let mut found = Vec::new();
    for file in rust_files(&["schemas/src", "registry/src", "cli/src"]) {
        if seam.contains(&file) {
            continue;
        }
        for (n, line) in code_lines(&read(&file)) {
            if let Some(probe) = format_probe(&line) {
                found.push(format!("{}:{n}: {probe}: {}", relative(&file), line.trim()));
            }
        }
    }
    // Tests and fuzz targets may name formats to build schemas, but never
    // probe a schema.
    let this_file = workspace_root().join(file!());
    for file in rust_files(&["schemas", "registry", "cli", "tests", "fuzz"]) {
        if file == this_file {
            continue;
        }
        for (n, line) in strip_comments(&read(&file)).lines().enumerate() {
            for probe in [".as_json()", ".as_avro()", ".as_protobuf()"] {
                if line.contains(probe) {
                    found.push(format!("{}:{}: {probe}", relative(&file), n + 1));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "a schema's format is probed outside its seam (schemas/src/format.rs); ask the seam instead:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_probe_finder_finds_probes() {
    for probe in [
        "SchemaKind::Json(s) => s.x(),",
        "if kind != SchemaType::Json {",
        "if schema.schema_type() == SchemaType::Avro {",
        "SchemaType::Json | SchemaType::Avro => true,",
        "matches!(t, SchemaType::Protobuf)",
        "let a = schema.as_avro();",
    ] {
        assert!(format_probe(probe).is_some(), "{probe}");
    }
    for fine in [
        "Schema::parse(SchemaType::Json, text, &r)",
        "\"avsc\" => SchemaType::Avro,",
        "None => SchemaType::Avro,",
        "let kind = SchemaKind::parse(schema_type, text, resolver)?;",
    ] {
        assert_eq!(format_probe(fine), None, "{fine}");
    }
}

/// What on a line tells formats apart by name: a match arm or comparison
/// on a `SchemaType` variant, a `SchemaKind` variant, or an `as_*` probe.
fn format_probe(line: &str) -> Option<&'static str> {
    const VARIANTS: [&str; 3] = [
        "SchemaType::Json",
        "SchemaType::Avro",
        "SchemaType::Protobuf",
    ];
    let kind_variant = line
        .match_indices("SchemaKind::")
        .any(|(at, m)| line[at + m.len()..].starts_with(|c: char| c.is_ascii_uppercase()));
    if kind_variant {
        return Some("SchemaKind variant");
    }
    if [".as_json()", ".as_avro()", ".as_protobuf()"]
        .iter()
        .any(|p| line.contains(p))
    {
        return Some("as_* probe");
    }
    for variant in VARIANTS {
        let Some(at) = line.find(variant) else {
            continue;
        };
        let before = line[..at].trim_end();
        let after = line[at + variant.len()..].trim_start();
        let compared = ["==", "!="]
            .iter()
            .any(|op| before.ends_with(op) || after.starts_with(op));
        if compared {
            return Some("comparison on SchemaType");
        }
        if line.contains("matches!(") {
            return Some("matches! on SchemaType");
        }
        // An arm: the variant, possibly or-ed with others, then `=>`.
        if let Some((head, _)) = after.split_once("=>") {
            let mut rest = head.to_string();
            for v in VARIANTS {
                rest = rest.replace(v, "");
            }
            if rest.chars().all(|c| c == '|' || c.is_whitespace()) {
                return Some("match arm on SchemaType");
            }
        }
    }
    None
}

/// Lines with their numbers, comments removed (so that prose may name what
/// code must not do), `#[cfg(test)]` modules at the end of a file left out.
fn code_lines(text: &str) -> Vec<(usize, String)> {
    let stripped = strip_comments(text);
    let mut lines = Vec::new();
    for (i, line) in stripped.lines().enumerate() {
        if line.trim() == "#[cfg(test)]" {
            break;
        }
        lines.push((i + 1, line.to_string()));
    }
    lines
}

/// The text with `//` and `/* */` comments blanked, string literals kept,
/// line numbers preserved.
fn strip_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let (mut in_string, mut escaped) = (false, false);
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match (c, chars.peek()) {
            ('"', _) => {
                in_string = true;
                out.push(c);
            }
            ('/', Some('/')) => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            ('/', Some('*')) => {
                chars.next();
                let mut previous = ' ';
                for c in chars.by_ref() {
                    if c == '\n' {
                        out.push('\n');
                    }
                    if previous == '*' && c == '/' {
                        break;
                    }
                    previous = c;
                }
            }
            ('\'', _) => {
                // A char literal such as '"' must not open a string.
                out.push(c);
                let literal: String = chars.clone().take(3).collect();
                if literal.starts_with("\"'") || literal.starts_with("\\\"") {
                    let take = if literal.starts_with("\"'") { 2 } else { 3 };
                    for _ in 0..take {
                        out.extend(chars.next());
                    }
                }
            }
            _ => out.push(c),
        }
    }
    out
}

fn rust_files(roots: &[&str]) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending: Vec<PathBuf> = roots.iter().map(|r| workspace_root().join(r)).collect();
    while let Some(path) = pending.pop() {
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n == "target") {
                continue;
            }
            for entry in fs::read_dir(&path).unwrap() {
                pending.push(entry.unwrap().path());
            }
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files.sort();
    files
}

fn manifest(krate: &str) -> toml::Table {
    manifest_at(&workspace_root().join(krate).join("Cargo.toml"))
}

fn manifest_at(path: &Path) -> toml::Table {
    read(path)
        .parse()
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn table_keys(manifest: &toml::Table, table: &str) -> BTreeSet<String> {
    manifest
        .get(table)
        .and_then(|t| t.as_table())
        .map(|t| t.keys().cloned().collect())
        .unwrap_or_default()
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn relative(path: &Path) -> String {
    path.strip_prefix(workspace_root())
        .unwrap_or(path)
        .display()
        .to_string()
}
