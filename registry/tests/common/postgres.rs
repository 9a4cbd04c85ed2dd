//! PostgreSQL for the tests: the server `ci/postgres.sh` started (its URL in
//! `CHARTER_TEST_POSTGRES_URL`), a fresh database per test so tests run in
//! parallel, and clusters of a test's own for tests that stop the server.
//!
//! Without `CHARTER_TEST_POSTGRES_URL` a PostgreSQL test says so on stderr
//! and passes without running, so that `cargo test` works on a machine
//! without PostgreSQL; with `CI=true` it fails instead, so CI can never skip
//! them silently. `ci/test.sh` always sets the variable.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use sqlx::Connection;
use sqlx::postgres::PgConnection;

/// The variable naming the test server.
pub const URL_VARIABLE: &str = "CHARTER_TEST_POSTGRES_URL";

/// The server's URL (of its maintenance database), or `None` after saying
/// loudly why the test is skipped; panics in CI.
#[allow(clippy::print_stderr)] // the skip must be seen
pub fn server_url(test: &str) -> Option<String> {
    match std::env::var(URL_VARIABLE) {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            let in_ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
            assert!(
                !in_ci,
                "{URL_VARIABLE} is not set and CI={}: the PostgreSQL test `{test}` must run in CI; \
                 run the tests through ci/test.sh, which starts PostgreSQL",
                std::env::var("CI").unwrap_or_default()
            );
            eprintln!(
                "\n*** SKIPPED PostgreSQL test `{test}`: {URL_VARIABLE} is not set.\n\
                 *** Start a server with `ci/postgres.sh start` and export \
                 {URL_VARIABLE}=$(ci/postgres.sh url), or run ci/test.sh.\n"
            );
            None
        }
    }
}

/// The variable choosing the store `Server::start` runs on: unset or
/// `sqlite` for an SQLite file, `postgres` for a fresh database on the test
/// server (so a suite of HTTP tests runs on either; `ci/test.sh` runs the
/// registry's HTTP suites once more with `postgres`).
pub const STORE_VARIABLE: &str = "CHARTER_TEST_STORE";

/// A fresh PostgreSQL database when `CHARTER_TEST_STORE=postgres`.
pub fn database_under_test() -> Option<TestDatabase> {
    match std::env::var(STORE_VARIABLE).as_deref() {
        Err(_) | Ok("") | Ok("sqlite") => None,
        Ok("postgres") => {
            let server = std::env::var(URL_VARIABLE).unwrap_or_else(|_| {
                panic!("{STORE_VARIABLE}=postgres needs {URL_VARIABLE} (see ci/postgres.sh)")
            });
            let created = std::thread::spawn(move || {
                tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("runtime")
                    .block_on(TestDatabase::create_on(&server, "server"))
            });
            Some(created.join().expect("database created"))
        }
        Ok(other) => panic!("{STORE_VARIABLE}={other}: expected sqlite or postgres"),
    }
}

/// A database of one test's own, dropped (sessions ended) when this is.
pub struct TestDatabase {
    /// Its URL.
    pub url: String,
    server: String,
    name: String,
}

static NEXT: AtomicUsize = AtomicUsize::new(0);

/// `url` with its database name replaced by `name`.
pub fn with_database(url: &str, name: &str) -> String {
    let (before_query, query) = match url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (url, String::new()),
    };
    let scheme_end = before_query.find("://").map_or(0, |i| i + 3);
    let base = match before_query[scheme_end..].find('/') {
        Some(slash) => &before_query[..scheme_end + slash],
        None => before_query,
    };
    format!("{base}/{name}{query}")
}

impl TestDatabase {
    /// A new empty database on the test server, named after `test`; `None`
    /// when PostgreSQL tests are skipped (see [`server_url`]).
    pub async fn create(test: &str) -> Option<TestDatabase> {
        let server = server_url(test)?;
        Some(TestDatabase::create_on(&server, test).await)
    }

    /// A new empty database on the server at `server`.
    pub async fn create_on(server: &str, test: &str) -> TestDatabase {
        let name = format!(
            "charter_{}_{}_{}",
            test.chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
                .take(30)
                .collect::<String>(),
            std::process::id(),
            NEXT.fetch_add(1, Ordering::SeqCst)
        )
        .to_lowercase();
        let mut admin = PgConnection::connect(server)
            .await
            .unwrap_or_else(|e| panic!("cannot connect to the test PostgreSQL server: {e}"));
        collect_leftovers(server, &mut admin).await;
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .await
            .expect("CREATE DATABASE");
        let _ = admin.close().await;
        TestDatabase {
            url: with_database(server, &name),
            server: server.to_string(),
            name,
        }
    }

    /// Runs one SQL statement on this database and returns the first column
    /// of every row, as text.
    pub async fn query(&self, sql: &str) -> Vec<String> {
        let mut conn = PgConnection::connect(&self.url).await.expect("connect");
        let rows: Vec<(String,)> = sqlx::query_as(sql)
            .fetch_all(&mut conn)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
        let _ = conn.close().await;
        rows.into_iter().map(|(v,)| v).collect()
    }
}

/// Once per test process, drops the databases of test processes that are no
/// longer running (whose drops did not get to finish), in the background.
async fn collect_leftovers(server: &str, admin: &mut PgConnection) {
    static ONCE: std::sync::Once = std::sync::Once::new();
    if ONCE.is_completed() {
        return;
    }
    let names: Vec<(String,)> =
        sqlx::query_as("SELECT datname::text FROM pg_database WHERE datname LIKE 'charter\\_%'")
            .fetch_all(&mut *admin)
            .await
            .unwrap_or_default();
    ONCE.call_once(|| {
        let stale: Vec<String> = names
            .into_iter()
            .map(|(name,)| name)
            .filter(|name| {
                let pid = name.rsplit('_').nth(1).unwrap_or_default();
                !pid.is_empty() && !Path::new("/proc").join(pid).exists()
            })
            .collect();
        for name in stale {
            drop_in_background(server.to_string(), name);
        }
    });
}

/// Drops database `name` from a thread of its own, without waiting (DROP
/// DATABASE checkpoints, which takes a while). A drop the test process does
/// not live to finish is collected by a later test process.
fn drop_in_background(server: String, name: String) {
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        runtime.block_on(async {
            if let Ok(mut admin) = PgConnection::connect(&server).await {
                let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(&mut admin)
                    .await;
                let _ = admin.close().await;
            }
        });
    });
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        drop_in_background(self.server.clone(), self.name.clone());
    }
}

/// A PostgreSQL cluster of one test's own (under `target/postgres/own/`), which
/// the test may stop and start; removed when dropped.
pub struct OwnCluster {
    dir: PathBuf,
    /// The URL of its maintenance database.
    pub url: String,
}

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../ci/postgres.sh")
}

fn run_script(command: &str, dir: &Path) -> String {
    let output = Command::new("bash")
        .arg(script())
        .arg(command)
        .arg(dir)
        .output()
        .expect("ci/postgres.sh runs");
    assert!(
        output.status.success(),
        "ci/postgres.sh {command} {} failed:\n{}",
        dir.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .last()
        .unwrap_or_default()
        .to_string()
}

impl OwnCluster {
    /// Creates and starts a cluster named after `test`; `None` when
    /// PostgreSQL tests are skipped (see [`server_url`]).
    pub fn start(test: &str) -> Option<OwnCluster> {
        server_url(test)?;
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../target/postgres/own")
            .join(format!("{test}-{}", std::process::id()));
        let url = run_script("start", &dir);
        Some(OwnCluster { dir, url })
    }

    /// Stops the server (fast shutdown: sessions are ended).
    pub fn stop(&self) {
        run_script("stop", &self.dir);
    }

    /// Starts the server again, on the same port.
    pub fn restart(&self) {
        let url = run_script("start", &self.dir);
        assert_eq!(url, self.url, "the cluster came back on another URL");
    }
}

impl Drop for OwnCluster {
    fn drop(&mut self) {
        let _ = Command::new("bash")
            .arg(script())
            .arg("destroy")
            .arg(&self.dir)
            .output();
    }
}
