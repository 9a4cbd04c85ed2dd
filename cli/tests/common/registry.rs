//! A real `charter-registry` for end-to-end tests: started on port 0 on a
//! fresh SQLite database, stopped when dropped.

#![allow(dead_code)] // not every test uses every helper

use std::io::BufRead;
use std::io::BufReader;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;

use serde_json::{Value, json};

use super::{Run, charter_in, fixture, root};

/// The `charter-registry` binary next to `charter`, built once if missing
/// (`cargo test -p cli` builds only this package's binaries).
pub fn registry_binary() -> &'static Path {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY.get_or_init(|| {
        let charter = Path::new(env!("CARGO_BIN_EXE_charter"));
        let dir = charter.parent().expect("the binary's directory");
        let binary = dir.join(format!("charter-registry{}", std::env::consts::EXE_SUFFIX));
        if !binary.exists() {
            let profile = dir.file_name().and_then(|p| p.to_str()).expect("profile");
            let target = dir.parent().expect("the target directory");
            let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
            let mut build = Command::new(cargo);
            build
                .args(["build", "-p", "registry", "--bin", "charter-registry"])
                .arg("--target-dir")
                .arg(target)
                .current_dir(root());
            match profile {
                "debug" => {}
                "release" => {
                    build.arg("--release");
                }
                other => {
                    build.args(["--profile", other]);
                }
            }
            let status = build.status().expect("cargo runs");
            assert!(status.success(), "building charter-registry failed");
        }
        binary
    })
}

/// A running `charter-registry` on a free port, in its own directory.
pub struct Registry {
    child: Child,
    /// `http://127.0.0.1:PORT/`, as charter shows it.
    pub url: String,
    /// Its working directory (the database).
    pub dir: tempfile::TempDir,
}

impl Registry {
    /// Starts one on port 0: the registry prints the address it bound, so
    /// no port is guessed and none can collide.
    pub fn start() -> Registry {
        let dir = tempfile::tempdir().expect("temporary directory");
        let database = format!("sqlite://{}", dir.path().join("charter.db").display());
        let mut child = Command::new(registry_binary())
            .args(["--listen", "127.0.0.1:0", "--database-url", &database])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("charter-registry starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("read the address");
        let Some(address) = line.trim().strip_prefix("listening on ") else {
            let _ = child.kill();
            panic!("charter-registry did not start: {line:?}");
        };
        Registry {
            url: format!("http://{address}/"),
            child,
            dir,
        }
    }

    /// Runs charter against this registry, in `dir`.
    pub fn charter_in(&self, dir: &Path, args: &[&str]) -> Run {
        let mut all: Vec<&str> = args.to_vec();
        all.extend(["--registry", &self.url]);
        charter_in(dir, &all)
    }

    /// Runs charter against this registry, in the workspace root.
    pub fn charter(&self, args: &[&str]) -> Run {
        self.charter_in(&root(), args)
    }

    /// Registers a fixture under `subject`, expecting success.
    pub fn register(&self, subject: &str, file: &str) {
        let run = self.charter(&["register", &fixture(file), "--subject", subject]);
        assert_eq!(run.code, 0, "{}", run.transcript());
    }

    /// Sets a subject's level through the HTTP API.
    pub fn set_level(&self, subject: &str, level: &str) {
        let answer = http(
            "PUT",
            &format!("{}config/{subject}", self.url),
            Some(json!({"compatibility": level})),
        );
        assert_eq!(answer.0, 200, "{answer:?}");
    }

    /// A transcript with the registry's URL and schema ids filtered out.
    pub fn transcript(&self, run: &Run) -> String {
        let text = run
            .transcript()
            .replace(&self.url, "[REGISTRY]/")
            .replace(&self.dir.path().display().to_string(), "[TMP]");
        filter_ids(&text)
    }
}

impl Drop for Registry {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `(id 7)` becomes `(id [ID])`.
pub fn filter_ids(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("(id ") {
        out.push_str(&rest[..at + 4]);
        rest = &rest[at + 4..];
        let digits = rest.chars().take_while(char::is_ascii_digit).count();
        if digits > 0 {
            out.push_str("[ID]");
            rest = &rest[digits..];
        }
    }
    out.push_str(rest);
    out
}

/// One plain HTTP/1.1 request: status and body as JSON.
pub fn http(method: &str, url: &str, body: Option<Value>) -> (u16, Value) {
    let client = reqwest::blocking::Client::new();
    let mut request = client.request(method.parse().unwrap(), url);
    if let Some(body) = body {
        request = request
            .header("Content-Type", "application/json")
            .body(body.to_string());
    }
    let response = request.send().expect("the registry answers");
    let status = response.status().as_u16();
    let text = response.text().unwrap_or_default();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// A local port nothing listens on.
pub fn closed_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}
