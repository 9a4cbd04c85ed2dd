//! The Confluent-compatible REST API: routes, the request middleware, and
//! the wire format.
//!
//! Architecture invariant: this is the only module that knows the wire
//! format. Handlers are thin: extract, call [`crate::service`], map.

mod associations;
mod compatibility;
mod config;
pub mod error;
mod extract;
mod health;
mod metrics;
mod mode;
mod schemas;
mod server;
mod subjects;
mod wire;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::http::header::{ACCEPT, CONTENT_TYPE};
use axum::http::{HeaderValue, Method, StatusCode, Uri};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use bytes::Bytes;
use serde::Serialize;
use tower_http::catch_panic::CatchPanicLayer;
use tracing::Instrument;

use crate::metrics::Metrics;
use crate::service::Registry;
use crate::store::Store;
use error::ApiError;

/// The registry's preferred media type.
pub const SCHEMA_REGISTRY_V1: &str = "application/vnd.schemaregistry.v1+json";

/// What a running API shares between requests.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

struct Shared {
    registry: Registry,
    store: Arc<dyn Store>,
    metrics: Arc<Metrics>,
    max_body_bytes: usize,
    shutting_down: AtomicBool,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("registry", &self.0.registry)
            .field("max_body_bytes", &self.0.max_body_bytes)
            .finish_non_exhaustive()
    }
}

/// How the API state is built.
#[derive(Debug, Clone, Copy)]
pub struct StateOptions {
    /// The most schemas kept in memory.
    pub schema_cache_size: usize,
    /// The largest request body accepted, in bytes.
    pub max_body_bytes: usize,
}

impl Default for StateOptions {
    fn default() -> Self {
        StateOptions {
            schema_cache_size: 20_000,
            max_body_bytes: 16 * 1024 * 1024,
        }
    }
}

impl AppState {
    /// The state of an API over `store`.
    pub fn new(store: Arc<dyn Store>, options: StateOptions) -> AppState {
        let metrics = Arc::new(Metrics::default());
        AppState(Arc::new(Shared {
            registry: Registry::new(store.clone(), options.schema_cache_size, metrics.clone()),
            store,
            metrics,
            max_body_bytes: options.max_body_bytes,
            shutting_down: AtomicBool::new(false),
        }))
    }

    /// The registry's rules.
    pub fn registry(&self) -> &Registry {
        &self.0.registry
    }

    /// The store.
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.0.store
    }

    fn metrics(&self) -> &Metrics {
        &self.0.metrics
    }

    fn max_body_bytes(&self) -> usize {
        self.0.max_body_bytes
    }

    /// Marks the server as shutting down: readiness fails from now on.
    pub fn begin_shutdown(&self) {
        self.0.shutting_down.store(true, Ordering::SeqCst);
    }

    fn is_shutting_down(&self) -> bool {
        self.0.shutting_down.load(Ordering::SeqCst)
    }
}

/// The API's router.
pub fn app(state: AppState) -> Router {
    Router::new()
        .route("/", get(server::root).post(server::root))
        .route("/v1/metadata/id", get(server::metadata_id))
        .route("/v1/metadata/version", get(server::metadata_version))
        .route("/contexts", get(server::contexts))
        .merge(schemas::routes())
        .merge(subjects::routes())
        .merge(compatibility::routes())
        .merge(config::routes())
        .merge(mode::routes())
        .route("/associations", any(associations::none))
        .route("/associations/{*rest}", any(associations::none))
        .route("/health/live", get(health::live))
        .route("/health/ready", get(health::ready))
        .route("/metrics", get(metrics::render))
        .fallback(unknown_route)
        .method_not_allowed_fallback(method_not_allowed)
        // Innermost first: a panic becomes a 500 that `observe` still counts.
        .layer(CatchPanicLayer::custom(|_| ApiError::Panic.into_response()))
        .layer(DefaultBodyLimit::max(state.max_body_bytes()))
        .layer(middleware::from_fn_with_state(state.clone(), observe))
        .with_state(state)
}

/// Serves the API on `listener` until `shutdown` completes, then lets
/// in-flight requests finish.
pub async fn run(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let router = app(state.clone());
    axum::serve(listener, router)
        .with_graceful_shutdown(async move {
            shutdown.await;
            state.begin_shutdown();
            tracing::info!("shutting down: finishing in-flight requests");
        })
        .await
}

/// A JSON response in the registry's media type.
pub fn json<T: Serialize + ?Sized>(status: StatusCode, body: &T) -> Response {
    json_bytes(status, rendered(body))
}

/// A JSON text, or an error body if the value does not serialize (which
/// the wire types never fail to do).
pub fn rendered<T: Serialize + ?Sized>(body: &T) -> Bytes {
    serde_json::to_vec(body)
        .map(Bytes::from)
        .unwrap_or_else(|e| {
            tracing::error!(error = %e, "response did not serialize");
            Bytes::from_static(br#"{"error_code":500,"message":"the response did not serialize"}"#)
        })
}

/// A response with an already rendered JSON body.
pub fn json_bytes(status: StatusCode, body: Bytes) -> Response {
    (
        status,
        [(CONTENT_TYPE, HeaderValue::from_static(SCHEMA_REGISTRY_V1))],
        body,
    )
        .into_response()
}

/// A 200 JSON response.
pub fn ok<T: Serialize + ?Sized>(body: &T) -> Response {
    json(StatusCode::OK, body)
}

/// The result of a handler.
pub type ApiResult = Result<Response, ApiError>;

async fn unknown_route(method: Method, uri: Uri) -> ApiError {
    ApiError::UnknownRoute {
        method: method.to_string(),
        path: uri.path().to_string(),
    }
}

async fn method_not_allowed(method: Method, uri: Uri) -> ApiError {
    ApiError::MethodNotAllowed {
        method: method.to_string(),
        path: uri.path().to_string(),
    }
}

/// The media type to answer with, from the request's `Accept`: the
/// registry's own unless the client only takes another JSON type.
fn negotiate(accept: Option<&HeaderValue>) -> Option<&'static str> {
    let accept = accept?.to_str().ok()?;
    if accept.contains(SCHEMA_REGISTRY_V1) || accept.contains("*/*") {
        return None;
    }
    if accept.contains("application/vnd.schemaregistry+json") {
        Some("application/vnd.schemaregistry+json")
    } else if accept.contains("application/json") {
        Some("application/json")
    } else {
        None
    }
}

/// One span, one metrics sample and one log event per request.
async fn observe(
    State(state): State<AppState>,
    matched: Option<MatchedPath>,
    request: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let route = matched.as_ref().map_or("unmatched", |m| m.as_str());
    let media_type = negotiate(request.headers().get(ACCEPT));
    let span = tracing::info_span!(
        "request",
        method = %method,
        route,
        subject = tracing::field::Empty,
        status = tracing::field::Empty,
        latency_ms = tracing::field::Empty,
    );
    let mut response = next.run(request).instrument(span.clone()).await;
    let latency = started.elapsed();
    let status = response.status();
    span.record("status", status.as_u16());
    span.record("latency_ms", latency.as_secs_f64() * 1e3);
    if status.is_server_error() {
        tracing::warn!(parent: &span, "request failed");
    } else {
        tracing::debug!(parent: &span, "request finished");
    }
    state
        .metrics()
        .record_request(route, method.as_str(), status.as_u16(), latency);
    if let Some(media_type) = media_type {
        let headers = response.headers_mut();
        if headers
            .get(CONTENT_TYPE)
            .is_some_and(|t| t == SCHEMA_REGISTRY_V1)
        {
            headers.insert(CONTENT_TYPE, HeaderValue::from_static(media_type));
        }
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiation_prefers_the_registry_type() {
        let v = |s: &'static str| HeaderValue::from_static(s);
        assert_eq!(negotiate(None), None);
        assert_eq!(negotiate(Some(&v("*/*"))), None);
        assert_eq!(
            negotiate(Some(&v(
                "application/vnd.schemaregistry.v1+json, application/json"
            ))),
            None
        );
        assert_eq!(
            negotiate(Some(&v("application/json"))),
            Some("application/json")
        );
    }
}
