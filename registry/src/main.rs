//! `charter-registry`: serves the registry until SIGTERM or SIGINT.
//!
//! Exit status: 0 after a clean shutdown, 1 when the configuration is
//! unusable or the server cannot start (the reason is on stderr).
//! Stdout carries one line, `listening on ADDRESS`, once the socket is bound;
//! logs go to stderr.

use std::sync::Arc;

use anyhow::Context;
use clap::Parser;
use registry::config::{Config, Database, Settings};
use registry::store::{PostgresStore, SqliteStore, Store};
use registry::{AppState, StateOptions};

fn main() -> anyhow::Result<()> {
    let settings = Config::parse().validate()?;
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
    let listener = tokio::net::TcpListener::bind(&settings.listen)
        .await
        .with_context(|| format!("cannot listen on {}", settings.listen))?;
    let address = listener.local_addr().context("the socket has no address")?;
    announce(address);
    tracing::info!(%address, database = %settings.database, "charter-registry ready");

    let state = AppState::new(
        store.clone(),
        StateOptions {
            schema_cache_size: settings.schema_cache_size,
            max_body_bytes: settings.max_body_bytes,
            max_triage_messages: settings.max_triage_messages,
            ui_base_path: settings.ui_base_path.clone(),
            work: settings.work,
            decode: settings.decode,
            http: settings.http,
        },
    );
    registry::run(listener, state, shutdown_signal())
        .await
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
    use std::io::Write;
    println!("listening on {address}");
    let _ = std::io::stdout().flush();
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
