//! A real Charter registry for end-to-end tests: `registry::run` served
//! in-process on a port-0 listener (the way mini-redis tests its server),
//! over a fresh SQLite database in the test's own temporary directory (or a
//! PostgreSQL database the test made, [`Registry::start_postgres`]). The
//! `charter` under test is still the real binary, talking HTTP to it.
//! Stopped when dropped, or earlier with [`Registry::stop`] to see how
//! commands fare when the registry is down.

#![allow(dead_code)] // not every test uses every helper

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc;
use std::thread::JoinHandle;

use ::registry::auth::Authenticator;
use ::registry::http::tls::{self, TlsFiles};
use ::registry::store::{PostgresOptions, PostgresStore, SqliteStore, Store};
use ::registry::{AppState, StateOptions};
use serde_json::{Value, json};
use tokio::sync::oneshot;

use crate::common::{Run, charter_in, fixture, root};

#[path = "../../../registry/tests/common/authority.rs"]
mod authority;
pub use authority::Authority;

/// A running registry on a free port, with its own database.
pub struct Registry {
    /// `http://127.0.0.1:PORT/`, as charter shows it.
    pub url: String,
    /// Its directory (the database).
    pub dir: tempfile::TempDir,
    /// Stops the server; `None` once stopped.
    stop: Option<oneshot::Sender<()>>,
    /// The thread running the server's runtime.
    thread: Option<JoinHandle<()>>,
}

impl Registry {
    /// Starts one on port 0, with the settings `charter-registry` has by
    /// default. The socket is bound before this returns, so no port is
    /// guessed and none can collide.
    pub fn start() -> Registry {
        Registry::start_on(None, temp_dir(), None)
    }

    /// Starts one on the PostgreSQL database at `url`.
    pub fn start_postgres(url: &str) -> Registry {
        Registry::start_on(Some(url.to_string()), temp_dir(), None)
    }

    /// Like [`Registry::start`], over HTTPS with a server certificate for
    /// `127.0.0.1` that `authority` signed, asking clients for a
    /// certificate `authority` signed (mutual TLS), with the auth file
    /// `auth` (TOML). The URL is `https://127.0.0.1:PORT/`.
    pub fn start_tls(authority: &Authority, auth: &str) -> Registry {
        let dir = temp_dir();
        let issued = authority.server();
        let write = |name: &str, text: &str| {
            let path = dir.path().join(name);
            std::fs::write(&path, text).expect("a PEM file");
            path
        };
        let files = TlsFiles {
            cert: write("server.pem", &issued.cert),
            key: write("server-key.pem", &issued.key),
            client_ca: Some(write("ca.pem", &authority.pem)),
        };
        let config = tls::server_config(&files).expect("a TLS configuration");
        let auth = write("auth.toml", auth);
        Registry::start_on(None, dir, Some((config, auth)))
    }

    fn start_on(
        postgres: Option<String>,
        dir: tempfile::TempDir,
        tls: Option<(Arc<rustls::ServerConfig>, PathBuf)>,
    ) -> Registry {
        let database = postgres
            .unwrap_or_else(|| format!("sqlite://{}", dir.path().join("charter.db").display()));
        let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
        listener
            .set_nonblocking(true)
            .expect("a non-blocking socket");
        let scheme = if tls.is_some() { "https" } else { "http" };
        let url = format!("{scheme}://{}/", listener.local_addr().expect("an address"));
        let (stop, stopped) = oneshot::channel::<()>();
        let (ready, started) = mpsc::channel::<Result<(), String>>();
        let thread = std::thread::spawn(move || {
            let runtime = match tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
            {
                Ok(runtime) => runtime,
                Err(e) => {
                    let _ = ready.send(Err(format!("no runtime: {e}")));
                    return;
                }
            };
            runtime.block_on(async move {
                let opened: Result<Arc<dyn Store>, _> = if database.starts_with("sqlite:") {
                    SqliteStore::open(&database).await.map(|s| Arc::new(s) as _)
                } else {
                    PostgresStore::open(&database, PostgresOptions::default())
                        .await
                        .map(|s| Arc::new(s) as _)
                };
                let store = match opened {
                    Ok(store) => store,
                    Err(e) => {
                        let _ = ready.send(Err(format!("cannot open {database}: {e}")));
                        return;
                    }
                };
                let listener = match tokio::net::TcpListener::from_std(listener) {
                    Ok(listener) => listener,
                    Err(e) => {
                        let _ = ready.send(Err(format!("cannot listen: {e}")));
                        return;
                    }
                };
                let auth = match &tls {
                    None => Authenticator::open(),
                    Some((_, file)) => match Authenticator::load(file).await {
                        Ok(auth) => auth,
                        Err(e) => {
                            let _ = ready.send(Err(format!("bad auth file: {e}")));
                            return;
                        }
                    },
                };
                let options = StateOptions::default();
                let state = AppState::with_auth(store.clone(), options, Arc::new(auth));
                let _ = ready.send(Ok(()));
                let shutdown = async {
                    let _ = stopped.await;
                };
                match tls {
                    Some((config, _)) => tls::serve_tls(listener, state, config, shutdown).await,
                    None => ::registry::run(listener, state, shutdown).await,
                }
                .expect("the registry serves until stopped");
                store.close().await;
            });
        });
        match started.recv() {
            Ok(Ok(())) => {}
            Ok(Err(reason)) => panic!("the registry did not start: {reason}"),
            Err(_) => panic!("the registry's thread ended before it started"),
        }
        Registry {
            url,
            dir,
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    /// Stops serving (in-flight requests finish) and closes the database;
    /// the port is then closed, as for a registry that is down.
    pub fn stop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            thread.join().expect("the registry stops cleanly");
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
        self.stop();
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

fn temp_dir() -> tempfile::TempDir {
    tempfile::tempdir().expect("temporary directory")
}
