//! Serving the router on a listener with bounds a hostile client cannot get
//! around: how many connections are open at once, how long a client may take
//! to send a request's headers (which also closes idle keep-alive
//! connections), and how long to send its body (enforced where bodies are
//! read, [`super::extract`]).
//!
//! HTTP/1.1 only, on hyper's connection builder: its header-read timeout
//! starts as soon as a connection is accepted, where HTTP/2 detection would
//! first wait for bytes without a bound. Confluent's clients speak HTTP/1.1.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::ConnectInfo;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::sync::Semaphore;
use tower::ServiceExt;

use super::{AppState, app};

/// The HTTP server's bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HttpLimits {
    /// Connections open at once; the next waits in the kernel's accept
    /// queue until one closes.
    pub max_connections: usize,
    /// Time to send a request's headers, from the connection's start or
    /// the end of its previous request (so also the keep-alive idle time).
    pub header_read_timeout: Duration,
    /// Time to send a request's whole body, once its headers arrived.
    pub body_read_timeout: Duration,
}

impl Default for HttpLimits {
    fn default() -> Self {
        HttpLimits {
            max_connections: 1024,
            header_read_timeout: Duration::from_secs(10),
            body_read_timeout: Duration::from_secs(30),
        }
    }
}

/// Serves the API on `listener` until `shutdown` completes, then lets
/// in-flight requests finish (idle connections are closed at once).
pub async fn run(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let limits = state.http_limits();
    let router = app(state.clone());
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        .keep_alive(true);
    let open = Arc::new(Semaphore::new(limits.max_connections));
    let graceful = GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        // A connection slot first, so that at the limit nothing more is
        // accepted (clients wait in the backlog rather than being dropped).
        let slot = tokio::select! {
            slot = Arc::clone(&open).acquire_owned() => slot,
            () = &mut shutdown => break,
        };
        let Ok(slot) = slot else { break };
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = &mut shutdown => break,
        };
        let (socket, peer) = match accepted {
            Ok(accepted) => accepted,
            Err(e) => {
                // Out of file descriptors and the like: wait, do not spin.
                tracing::warn!(error = %e, "cannot accept a connection");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        tracing::trace!(%peer, "connection accepted");
        let _ = socket.set_nodelay(true);
        // The peer's address goes with each request (the auth layer's
        // back-off and the audit trail read it).
        let service = TowerToHyperService::new(router.clone().map_request(
            move |mut request: hyper::Request<hyper::body::Incoming>| {
                request.extensions_mut().insert(ConnectInfo(peer));
                request
            },
        ));
        let connection = builder.serve_connection(TokioIo::new(socket), service);
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            match connection.await {
                Ok(()) => tracing::trace!(%peer, "connection closed"),
                Err(e) => tracing::debug!(%peer, error = %e, "connection ended with an error"),
            }
            drop(slot);
        });
    }
    drop(listener);
    state.begin_shutdown();
    tracing::info!("shutting down: finishing in-flight requests");
    graceful.shutdown().await;
    Ok(())
}
