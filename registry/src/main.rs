//! `charter-registry`: serves the registry until SIGTERM or SIGINT; SIGHUP
//! re-reads the auth file. `charter-registry hash-secret` hashes a secret
//! from standard input instead.
//!
//! Exit status: 0 after a clean shutdown, 1 when the configuration is
//! unusable or the server cannot start (the reason is on stderr).
//! Stdout carries one line, `listening on ADDRESS`, once the socket is bound;
//! logs go to stderr.

use std::io::{Read, Write};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use clap::Parser;
use registry::audit::{Action, Actor, AuditEvent};
use registry::auth::Authenticator;
use registry::config::{Command, Config, Database, Settings};
use registry::http::tls;
use registry::store::{PostgresStore, SqliteStore, Store};
use registry::{AppState, StateOptions};

fn main() -> anyhow::Result<()> {
    let config = Config::parse();
    if let Some(Command::HashSecret) = config.command {
        return hash_secret();
    }
    let settings = config.validate()?;
    registry::telemetry::init(&settings)
        .map_err(|e| anyhow::anyhow!("cannot set up logging: {e}"))?;
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?
        .block_on(serve(settings))
}

async fn serve(settings: Settings) -> anyhow::Result<()> {
    let opened: Result<Arc<dyn Store>, _> = match &settings.database {
        Database::Sqlite(url) => SqliteStore::open(url).await.map(|s| Arc::new(s) as _),
        Database::Postgres { url, options } => PostgresStore::open(url, *options)
            .await
            .map(|s| Arc::new(s) as _),
    };
    let store =
        opened.with_context(|| format!("cannot open the database {}", settings.database))?;
    let auth = Arc::new(match &settings.auth_file {
        Some(path) => {
            let auth = Authenticator::load(path).await?;
            if let Some(policy) = auth.policy() {
                tracing::info!(file = %path.display(), "authentication on: {}", policy.summary());
            }
            auth
        }
        None => {
            tracing::warn!(
                "the registry is OPEN: no --auth-file is set, so anyone who can reach it may read, register, delete and reconfigure everything"
            );
            Authenticator::open()
        }
    });
    let state = AppState::with_auth(
        store.clone(),
        StateOptions {
            schema_cache_size: settings.schema_cache_size,
            schema_cache_bytes: settings.schema_cache_bytes,
            max_body_bytes: settings.max_body_bytes,
            max_triage_messages: settings.max_triage_messages,
            ui_base_path: settings.ui_base_path.clone(),
            work: settings.work,
            decode: settings.decode,
            schema_limits: settings.schema_limits,
            http: settings.http,
        },
        auth.clone(),
    );
    // Schemas stored before migration 0009 (or by an older instance) get
    // their identity key before the first request is answered.
    let keyed = state
        .registry()
        .key_identities()
        .await
        .context("cannot key the identities of the stored schemas")?;
    if keyed > 0 {
        tracing::info!(schemas = keyed, "keyed the identities of stored schemas");
    }
    let tls = settings.tls.as_ref().map(tls::server_config).transpose()?;
    let listener = tokio::net::TcpListener::bind(&settings.listen)
        .await
        .with_context(|| format!("cannot listen on {}", settings.listen))?;
    let address = listener.local_addr().context("the socket has no address")?;
    announce(address);
    tracing::info!(
        %address,
        database = %settings.database,
        tls = tls.is_some(),
        client_certificates = settings.tls.as_ref().is_some_and(|t| t.client_ca.is_some()),
        "charter-registry ready"
    );

    tokio::spawn(reload_on_hangup(auth.clone(), state.clone()));
    tokio::spawn(refresh_keys(auth));
    match tls {
        Some(config) => tls::serve_tls(listener, state, config, shutdown_signal()).await,
        None => registry::run(listener, state, shutdown_signal()).await,
    }
    .context("the server failed")?;
    // In-flight requests are done: close the connections (PostgreSQL sees
    // its sessions end; SQLite checkpoints its write-ahead log).
    store.close().await;
    tracing::info!("stopped");
    Ok(())
}

/// The one line on stdout: where to connect (tests and scripts read it).
#[allow(clippy::print_stdout)]
fn announce(address: std::net::SocketAddr) {
    println!("listening on {address}");
    let _ = std::io::stdout().flush();
}

/// `hash-secret`: the argon2id PHC string of the secret on stdin (one
/// trailing newline stripped), and nothing else, on stdout.
#[allow(clippy::print_stdout)]
fn hash_secret() -> anyhow::Result<()> {
    let mut secret = Vec::new();
    std::io::stdin()
        .read_to_end(&mut secret)
        .context("cannot read the secret from standard input")?;
    if secret.ends_with(b"\n") {
        secret.pop();
        if secret.ends_with(b"\r") {
            secret.pop();
        }
    }
    anyhow::ensure!(
        !secret.is_empty(),
        "no secret on standard input: pipe one in, e.g. `printf %s \"$SECRET\" | charter-registry hash-secret`"
    );
    println!("{}", registry::auth::secret::hash_secret(&secret));
    std::io::stdout()
        .flush()
        .context("cannot write the hash to standard output")
}

/// Re-reads the auth file on every SIGHUP; an invalid file is logged and
/// the one in use stays.
async fn reload_on_hangup(auth: Arc<Authenticator>, state: AppState) {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut hangups = match signal(SignalKind::hangup()) {
            Ok(hangups) => hangups,
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGHUP: the auth file will not be reloaded");
                return;
            }
        };
        while hangups.recv().await.is_some() {
            match auth.reload().await {
                Ok(summary) => {
                    tracing::info!("SIGHUP: auth file reloaded: {summary}");
                    record_reload(&auth, &state, summary).await;
                }
                Err(e) => {
                    tracing::error!("SIGHUP: auth file NOT reloaded, the one in use stays: {e}")
                }
            }
        }
    }
    #[cfg(not(unix))]
    let _ = (auth, state);
}

/// Records a reload in the audit trail: the grants now in force.
async fn record_reload(auth: &Authenticator, state: &AppState, summary: String) {
    let file = auth.source().map(|p| p.display().to_string());
    let grants = auth.policy().map(|p| p.grants()).unwrap_or_default();
    let event = AuditEvent::new(&Actor::default(), Action::ReloadAuthFile, None)
        .with("file", file.into())
        .with("summary", summary.into())
        .with("grants", grants.into());
    if let Err(e) = state.registry().record_event(&event).await {
        tracing::error!(error = %e, "the auth file reload could not be recorded in the audit trail");
    }
}

/// Fetches the JWKS URL again every `refresh_seconds` of the file in use.
async fn refresh_keys(auth: Arc<Authenticator>) {
    loop {
        match auth.key_refresh_interval() {
            Some(every) => {
                tokio::time::sleep(every).await;
                auth.refresh_keys().await;
            }
            // None configured now; a reload may configure one.
            None => tokio::time::sleep(Duration::from_secs(10)).await,
        }
    }
}

/// Completes on SIGINT or SIGTERM.
async fn shutdown_signal() {
    let interrupt = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "cannot listen for SIGINT");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = interrupt => tracing::info!("SIGINT received"),
        _ = terminate => tracing::info!("SIGTERM received"),
    }
}
