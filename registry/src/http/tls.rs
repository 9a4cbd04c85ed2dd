//! Serving over TLS (`--tls-cert`, `--tls-key`) with rustls, HTTP/1.1 and
//! HTTP/2 chosen by ALPN, and optionally verifying client certificates
//! against `--tls-client-ca` (mutual TLS).
//!
//! A client certificate is optional even with a client CA: a connection
//! without one may still authenticate with a password or token. One that
//! is presented must chain to the CA, and the name it carries (subject CN,
//! else first DNS SAN) is handed to every request of the connection as a
//! [`CertifiedName`].
//!
//! The accept loop is tokio-rustls + hyper-util (as axum's own rustls
//! example does), because the peer's certificate and address must reach
//! each request; plain TCP keeps `axum::serve` ([`super::run`]).
//!
//! hyper's header-read timeout is HTTP/1's only: an HTTP/2 connection that
//! never completes its preface or a request's headers would hold one of the
//! `--max-connections` slots for ever. So every TLS connection is also
//! closed when it has had no request in flight for `--header-read-timeout`
//! ([`Activity`]), the bound HTTP/1 keeps on idle keep-alive connections.

use std::future::Future;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use axum::extract::ConnectInfo;
use http_body_util::BodyExt;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::WebPkiClientVerifier;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio_rustls::TlsAcceptor;
use tower::ServiceExt;

use super::{AppState, app};
use crate::auth::CertifiedName;
use crate::auth::certificate::principal_name;

/// How long a client may take to complete the TLS handshake.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// The PEM files TLS is served with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsFiles {
    /// The server's certificate chain.
    pub cert: PathBuf,
    /// The server's private key.
    pub key: PathBuf,
    /// CA certificates client certificates must chain to (mTLS).
    pub client_ca: Option<PathBuf>,
}

/// TLS settings that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    /// A PEM file that cannot be read or holds nothing usable.
    #[error("{what} {path}: {reason}")]
    File {
        /// Which file (`--tls-cert`, ...).
        what: &'static str,
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// The files do not make a TLS configuration (a key that does not fit
    /// the certificate, ...).
    #[error("the TLS configuration is unusable: {0}")]
    Config(String),
}

fn certificates(what: &'static str, path: &Path) -> Result<Vec<CertificateDer<'static>>, TlsError> {
    let fail = |reason: String| TlsError::File {
        what,
        path: path.to_path_buf(),
        reason,
    };
    let certificates = CertificateDer::pem_file_iter(path)
        .map_err(|e| fail(e.to_string()))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| fail(e.to_string()))?;
    if certificates.is_empty() {
        return Err(fail("no PEM certificate in the file".to_string()));
    }
    Ok(certificates)
}

/// The rustls configuration the files describe.
pub fn server_config(files: &TlsFiles) -> Result<Arc<rustls::ServerConfig>, TlsError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let chain = certificates("--tls-cert", &files.cert)?;
    let key = PrivateKeyDer::from_pem_file(&files.key).map_err(|e| TlsError::File {
        what: "--tls-key",
        path: files.key.clone(),
        reason: e.to_string(),
    })?;
    let builder = rustls::ServerConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| TlsError::Config(e.to_string()))?;
    let builder = match &files.client_ca {
        None => builder.with_no_client_auth(),
        Some(path) => {
            let mut roots = rustls::RootCertStore::empty();
            for certificate in certificates("--tls-client-ca", path)? {
                roots.add(certificate).map_err(|e| TlsError::File {
                    what: "--tls-client-ca",
                    path: path.clone(),
                    reason: e.to_string(),
                })?;
            }
            let verifier = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider)
                .allow_unauthenticated()
                .build()
                .map_err(|e| TlsError::Config(e.to_string()))?;
            builder.with_client_cert_verifier(verifier)
        }
    };
    let mut config = builder
        .with_single_cert(chain, key)
        .map_err(|e| TlsError::Config(e.to_string()))?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

/// Serves the API over TLS on `listener` until `shutdown` completes, then
/// lets in-flight requests finish.
pub async fn serve_tls(
    listener: TcpListener,
    state: AppState,
    config: Arc<rustls::ServerConfig>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let router = app(state.clone());
    let acceptor = TlsAcceptor::from(config);
    let limits = state.http_limits();
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout);
    // The same bound on open connections as plain HTTP (`super::serve`).
    let open = Arc::new(Semaphore::new(limits.max_connections));
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let slot = tokio::select! {
            slot = Arc::clone(&open).acquire_owned() => slot,
            () = &mut shutdown => break,
        };
        let Ok(slot) = slot else { break };
        let (tcp, address) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors and the like: wait, as axum does.
                    tracing::warn!(error = %e, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let acceptor = acceptor.clone();
        let router = router.clone();
        let builder = builder.clone();
        let watcher = graceful.watcher();
        tokio::spawn(async move {
            let _ = tcp.set_nodelay(true);
            let stream = match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(tcp)).await {
                Ok(Ok(stream)) => stream,
                Ok(Err(e)) => {
                    tracing::debug!(%address, error = %e, "TLS handshake failed");
                    return;
                }
                Err(_) => {
                    tracing::debug!(%address, "TLS handshake timed out");
                    return;
                }
            };
            let certified = stream
                .get_ref()
                .1
                .peer_certificates()
                .and_then(|chain| chain.first())
                .and_then(|der| principal_name(der))
                .map(|name| CertifiedName(name.into()));
            let activity = Arc::new(Activity::new());
            let requests = Arc::clone(&activity);
            let service = hyper::service::service_fn(
                move |mut request: hyper::Request<hyper::body::Incoming>| {
                    request
                        .extensions_mut()
                        .insert(ConnectInfo::<SocketAddr>(address));
                    if let Some(name) = &certified {
                        request.extensions_mut().insert(name.clone());
                    }
                    let in_flight = InFlight::begin(&requests);
                    let answer = router.clone().oneshot(request.map(axum::body::Body::new));
                    async move {
                        // In flight until its body is written (or dropped).
                        answer.await.map(|response| {
                            response.map(|body| {
                                axum::body::Body::new(body.map_frame(move |frame| {
                                    let _answering = &in_flight;
                                    frame
                                }))
                            })
                        })
                    }
                },
            );
            let connection = builder
                .serve_connection_with_upgrades(TokioIo::new(stream), service)
                .into_owned();
            tokio::select! {
                served = watcher.watch(connection) => {
                    if let Err(e) = served {
                        tracing::debug!(%address, error = %e, "connection ended with an error");
                    }
                }
                () = activity.idle_for(limits.header_read_timeout) => {
                    tracing::debug!(%address, "closing a connection idle for the header-read timeout");
                }
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

/// What one connection is doing: how many of its requests are being
/// answered, and since when it has had none.
#[derive(Debug)]
struct Activity {
    in_flight: AtomicUsize,
    idle_since: Mutex<Instant>,
}

impl Activity {
    fn new() -> Activity {
        Activity {
            in_flight: AtomicUsize::new(0),
            idle_since: Mutex::new(Instant::now()),
        }
    }

    /// Completes once the connection has had no request in flight for
    /// `limit` (counted from its start or its last answer).
    async fn idle_for(&self, limit: Duration) {
        loop {
            let wait = if self.in_flight.load(Ordering::Acquire) > 0 {
                limit
            } else {
                let since = *self
                    .idle_since
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner);
                match limit.checked_sub(since.elapsed()) {
                    Some(left) if !left.is_zero() => left,
                    _ => return,
                }
            };
            tokio::time::sleep(wait).await;
        }
    }
}

/// A request being answered, until its answer's body is written; the
/// connection is idle again from its drop.
struct InFlight(Arc<Activity>);

impl InFlight {
    fn begin(activity: &Arc<Activity>) -> InFlight {
        activity.in_flight.fetch_add(1, Ordering::AcqRel);
        InFlight(Arc::clone(activity))
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        // The time first, so that a check seeing no request in flight sees
        // the time the last one ended.
        *self
            .0
            .idle_since
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Instant::now();
        self.0.in_flight.fetch_sub(1, Ordering::AcqRel);
    }
}
