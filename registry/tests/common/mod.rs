//! The real `charter-registry` binary on a free port, each in its own
//! temporary directory, and a small JSON client for it.
#![allow(dead_code)] // each test file uses part of this

pub mod auth;
pub mod authority;
pub mod hostile;
pub mod postgres;
pub mod steps;
pub mod storm;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::{Value, json};

/// A running registry process.
pub struct Server {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// The directory holding the database and the process's stderr.
    pub dir: PathBuf,
    client: reqwest::Client,
    /// The temporary directory, when this server owns it (removed on drop).
    _owned: Option<tempfile::TempDir>,
    /// The PostgreSQL database, when this server owns one (dropped after the
    /// process is killed).
    _database: Option<postgres::TestDatabase>,
    /// Copies what the process writes to stdout after its first line into
    /// `stdout.log`; ends when the process does.
    stdout_copy: Option<std::thread::JoinHandle<()>>,
}

/// An answer: status and JSON body (`Value::Null` when the body is not JSON).
#[derive(Debug, Clone)]
pub struct Answer {
    /// HTTP status.
    pub status: u16,
    /// The body parsed as JSON.
    pub body: Value,
    /// The raw body.
    pub text: String,
    /// The Content-Type.
    pub content_type: String,
    /// Every header.
    pub headers: reqwest::header::HeaderMap,
}

impl Answer {
    /// `error_code` of an error body.
    pub fn code(&self) -> i64 {
        self.body["error_code"].as_i64().unwrap_or(-1)
    }

    /// `message` of an error body.
    pub fn message(&self) -> &str {
        self.body["message"].as_str().unwrap_or_default()
    }
}

impl Server {
    /// Starts a registry on a fresh database in a new temporary directory.
    pub fn start() -> Server {
        Server::start_with(&[])
    }

    /// Like [`Server::start`], with extra flags. The database is an SQLite
    /// file, or a fresh PostgreSQL database with `CHARTER_TEST_STORE=postgres`.
    pub fn start_with(extra: &[&str]) -> Server {
        Server::start_prepared(temp_dir(), extra)
    }

    /// Like [`Server::start_with`], in `dir` (prepared by the caller: files
    /// the flags name), which the server then owns.
    pub fn start_prepared(dir: tempfile::TempDir, extra: &[&str]) -> Server {
        let mut server = match postgres::database_under_test() {
            Some(database) => {
                let mut server = Server::start_on(&database.url, dir.path(), extra);
                server._database = Some(database);
                server
            }
            None => Server::start_in(dir.path(), extra),
        };
        server._owned = Some(dir);
        server
    }

    /// Starts a registry on the database at `database` (a URL), with its
    /// logs in a new temporary directory.
    pub fn start_at(database: &str, extra: &[&str]) -> Server {
        let dir = temp_dir();
        let mut server = Server::start_on(database, dir.path(), extra);
        server._owned = Some(dir);
        server
    }

    /// Starts a registry on the database in `dir` (created if missing).
    pub fn start_in(dir: &Path, extra: &[&str]) -> Server {
        let database = format!("sqlite://{}", dir.join("charter.db").display());
        Server::start_on(&database, dir, extra)
    }

    /// Starts a registry on the database at `database` (a URL), keeping its
    /// logs in `dir`.
    pub fn start_on(database: &str, dir: &Path, extra: &[&str]) -> Server {
        let stderr = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(dir.join("stderr.log"))
            .expect("stderr log");
        let mut child = Command::new(env!("CARGO_BIN_EXE_charter-registry"))
            .args(["--listen", "127.0.0.1:0", "--database-url", database])
            .args(extra)
            .env("CHARTER_LOG_LEVEL", "info")
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .expect("charter-registry starts");
        let mut line = String::new();
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
        stdout.read_line(&mut line).expect("read stdout");
        let Some(address) = line.trim().strip_prefix("listening on ") else {
            let _ = child.kill();
            let log = std::fs::read_to_string(dir.join("stderr.log")).unwrap_or_default();
            panic!("charter-registry did not start: stdout {line:?}, stderr:\n{log}");
        };
        let mut stdout_log = std::fs::File::create(dir.join("stdout.log")).expect("stdout log");
        let stdout_copy = std::thread::spawn(move || {
            let _ = std::io::copy(&mut stdout, &mut stdout_log);
        });
        Server {
            base: format!("http://{address}"),
            child,
            dir: dir.to_path_buf(),
            client: reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .build()
                .expect("client"),
            _owned: None,
            _database: None,
            stdout_copy: Some(stdout_copy),
        }
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Sends a request with an optional JSON body in the registry's media type.
    pub async fn call(&self, method: &str, path: &str, body: Option<&Value>) -> Answer {
        let text = body.map(|b| b.to_string());
        self.raw(
            method,
            path,
            text.as_deref(),
            Some("application/vnd.schemaregistry.v1+json"),
        )
        .await
    }

    /// Sends a request with a raw body and content type.
    pub async fn raw(
        &self,
        method: &str,
        path: &str,
        body: Option<&str>,
        content_type: Option<&str>,
    ) -> Answer {
        self.raw_with(method, path, body, content_type, &[]).await
    }

    /// Sends a request with a JSON body (in the registry's media type) and
    /// an `Authorization` header.
    pub async fn call_as(
        &self,
        authorization: Option<&str>,
        method: &str,
        path: &str,
        body: Option<&Value>,
    ) -> Answer {
        let text = body.map(|b| b.to_string());
        let headers: Vec<(&str, &str)> = authorization
            .map(|a| ("Authorization", a))
            .into_iter()
            .collect();
        self.raw_with(
            method,
            path,
            text.as_deref(),
            Some("application/vnd.schemaregistry.v1+json"),
            &headers,
        )
        .await
    }

    /// Sends a request with a raw body, content type and extra headers.
    pub async fn raw_with(
        &self,
        method: &str,
        path: &str,
        body: Option<&str>,
        content_type: Option<&str>,
        headers: &[(&str, &str)],
    ) -> Answer {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
        let mut request = self.client.request(method, format!("{}{path}", self.base));
        if let Some(body) = body {
            request = request.body(body.to_string());
            if let Some(content_type) = content_type {
                request = request.header("Content-Type", content_type);
            }
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = request.send().await.expect("the registry answers");
        let headers = response.headers().clone();
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap_or_default().to_string())
            .unwrap_or_default();
        let text = response.text().await.expect("body");
        Answer {
            status,
            body: serde_json::from_str(&text).unwrap_or(Value::Null),
            text,
            content_type,
            headers,
        }
    }

    /// GET.
    pub async fn get(&self, path: &str) -> Answer {
        self.call("GET", path, None).await
    }

    /// POST with a JSON body.
    pub async fn post(&self, path: &str, body: &Value) -> Answer {
        self.call("POST", path, Some(body)).await
    }

    /// PUT with a JSON body.
    pub async fn put(&self, path: &str, body: &Value) -> Answer {
        self.call("PUT", path, Some(body)).await
    }

    /// DELETE.
    pub async fn delete(&self, path: &str) -> Answer {
        self.call("DELETE", path, None).await
    }

    /// Registers a JSON Schema and returns the answer.
    pub async fn register(&self, subject: &str, schema: &Value) -> Answer {
        self.post(
            &format!("/subjects/{subject}/versions"),
            &json!({"schemaType": "JSON", "schema": schema.to_string()}),
        )
        .await
    }

    /// Registers `text`, a schema of `schema_type`, and returns the answer.
    pub async fn register_text(&self, subject: &str, schema_type: &str, text: &str) -> Answer {
        self.post(
            &format!("/subjects/{subject}/versions"),
            &json!({"schemaType": schema_type, "schema": text}),
        )
        .await
    }

    /// Sends SIGKILL and waits for the process to end.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Sends a signal (`KILL`, `TERM`, ...) without waiting for the process.
    pub fn signal(&self, name: &str) {
        let status = Command::new("kill")
            .args([&format!("-{name}"), &self.child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success(), "kill -{name} failed");
    }

    /// Sends SIGTERM and waits (at most 20 s) for the process to exit;
    /// returns whether it exited successfully.
    pub fn terminate(&mut self) -> bool {
        self.signal("TERM");
        for _ in 0..200 {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status.success();
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        self.kill();
        false
    }

    /// The URL of the database this server runs on.
    pub fn database_url(&self) -> String {
        match &self._database {
            Some(database) => database.url.clone(),
            None => format!("sqlite://{}", self.dir.join("charter.db").display()),
        }
    }

    /// What the process wrote to stderr.
    pub fn stderr(&self) -> String {
        std::fs::read_to_string(self.dir.join("stderr.log")).unwrap_or_default()
    }

    /// Everything the process wrote to stdout (its first line included),
    /// once it has exited: waits for the copy of its output to finish.
    pub fn stdout_after_exit(&mut self) -> String {
        if let Some(copy) = self.stdout_copy.take() {
            copy.join().expect("the stdout copy ends");
        }
        let rest = std::fs::read_to_string(self.dir.join("stdout.log")).unwrap_or_default();
        format!(
            "listening on {}\n{rest}",
            self.base.trim_start_matches("http://")
        )
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A new temporary directory for a test's database.
pub fn temp_dir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("charter-registry-test")
        .tempdir()
        .expect("temporary directory")
}

/// An object schema with the given properties, closed (no other properties).
pub fn closed(properties: Value) -> Value {
    json!({"type": "object", "properties": properties, "additionalProperties": false})
}

/// Makes the database at `url` (SQLite, created if missing, or PostgreSQL)
/// as an earlier release left it: the migrations of
/// `registry/migrations/{backend}` numbered below `first_missing`, then
/// `statements` (the rows that release wrote).
pub async fn database_before(url: &str, first_missing: u32, statements: &[&str]) {
    let backend = if url.starts_with("sqlite:") {
        "sqlite"
    } else {
        "postgres"
    };
    let dir = temp_dir();
    let source = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("migrations")
        .join(backend);
    for entry in std::fs::read_dir(&source).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        let number: u32 = name[..4].parse().unwrap();
        if number < first_missing {
            std::fs::copy(&path, dir.path().join(&name)).unwrap();
        }
    }
    let migrator = sqlx::migrate::Migrator::new(dir.path())
        .await
        .expect("the migrations read");
    if backend == "sqlite" {
        let pool = sqlx::SqlitePool::connect(&format!("{url}?mode=rwc"))
            .await
            .unwrap();
        migrator.run(&pool).await.unwrap();
        for sql in statements {
            sqlx::query(sql).execute(&pool).await.unwrap();
        }
        pool.close().await;
    } else {
        let pool = sqlx::PgPool::connect(url).await.unwrap();
        migrator.run(&pool).await.unwrap();
        for sql in statements {
            sqlx::query(sql).execute(&pool).await.unwrap();
        }
        pool.close().await;
    }
}
