//! The Confluent-compatible REST API: routes, the request middleware, and
//! the wire format.
//!
//! Architecture invariant: this is the only module that knows the wire
//! format. Request bodies and the peer's sentinels are decoded here into
//! typed service inputs, and errors about the request itself are this
//! module's ([`error`]). Handlers are thin: extract, call
//! [`crate::service`], map.

mod alias;
mod association_batch;
mod associations;
mod audit;
pub mod auth;
mod body;
mod compatibility;
mod config;
mod consumers;
mod context_prefix;
mod deploy;
pub mod error;
mod extract;
mod health;
mod metrics;
mod mode;
mod observe;
mod openapi;
mod permissions;
mod references;
mod schemas;
mod serve;
mod server;
mod subjects;
mod tags;
pub mod tls;
mod triage;
mod ui;
mod wire;

pub use ui::UiBasePath;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use ::schemas::SchemaLimits;
use ::schemas::payload::DecodeLimits;
use axum::Router;
use axum::extract::Request;
use axum::http::header::CONTENT_TYPE;
use axum::http::uri::PathAndQuery;
use axum::http::{HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use serde::Serialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::Authenticator;
use crate::metrics::Metrics;
use crate::service::{Registry, RegistryOptions, WorkLimits};
use crate::store::Store;
use error::ApiError;
pub use serve::{HttpLimits, run};

/// The registry's preferred media type.
pub const SCHEMA_REGISTRY_V1: &str = "application/vnd.schemaregistry.v1+json";

/// What a running API shares between requests.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

struct Shared {
    registry: Registry,
    store: Arc<dyn Store>,
    metrics: Arc<Metrics>,
    auth: Arc<Authenticator>,
    max_body_bytes: usize,
    max_triage_messages: usize,
    ui_base_path: UiBasePath,
    http: HttpLimits,
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
#[derive(Debug, Clone)]
pub struct StateOptions {
    /// The most schemas kept in memory.
    pub schema_cache_size: usize,
    /// The most the schemas kept in memory may weigh, estimated.
    pub schema_cache_bytes: usize,
    /// The largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// The most messages one `POST /triage` may carry.
    pub max_triage_messages: usize,
    /// Where the web page finds the API behind a proxy.
    pub ui_base_path: UiBasePath,
    /// The pool schema work runs on.
    pub work: WorkLimits,
    /// Bounds on decoding one triage message.
    pub decode: DecodeLimits,
    /// Bounds on a posted schema and on one compatibility check.
    pub schema_limits: SchemaLimits,
    /// The HTTP server's connection and timeout bounds.
    pub http: HttpLimits,
}

impl Default for StateOptions {
    fn default() -> Self {
        StateOptions {
            schema_cache_size: 20_000,
            schema_cache_bytes: 2 << 30,
            max_body_bytes: 16 * 1024 * 1024,
            max_triage_messages: 10_000,
            ui_base_path: UiBasePath::default(),
            work: WorkLimits::default(),
            decode: DecodeLimits::default(),
            schema_limits: SchemaLimits::default(),
            http: HttpLimits::default(),
        }
    }
}

impl AppState {
    /// The state of an open API (no auth file) over `store`.
    pub fn new(store: Arc<dyn Store>, options: StateOptions) -> AppState {
        AppState::with_auth(store, options, Arc::new(Authenticator::open()))
    }

    /// The state of an API over `store` whose requests `auth` checks.
    pub fn with_auth(
        store: Arc<dyn Store>,
        options: StateOptions,
        auth: Arc<Authenticator>,
    ) -> AppState {
        let metrics = Arc::new(Metrics::default());
        AppState(Arc::new(Shared {
            registry: Registry::new(
                store.clone(),
                RegistryOptions {
                    schema_cache_size: options.schema_cache_size,
                    schema_cache_bytes: options.schema_cache_bytes,
                    work: options.work,
                    decode: options.decode,
                    schema_limits: options.schema_limits,
                },
                metrics.clone(),
            ),
            store,
            metrics,
            auth,
            max_body_bytes: options.max_body_bytes,
            max_triage_messages: options.max_triage_messages,
            ui_base_path: options.ui_base_path,
            http: options.http,
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

    /// Who requests are from, and what they may do.
    pub fn auth(&self) -> &Arc<Authenticator> {
        &self.0.auth
    }

    fn max_body_bytes(&self) -> usize {
        self.0.max_body_bytes
    }

    fn max_triage_messages(&self) -> usize {
        self.0.max_triage_messages
    }

    fn http_limits(&self) -> HttpLimits {
        self.0.http
    }

    /// Marks the server as shutting down: readiness fails from now on.
    pub fn begin_shutdown(&self) {
        self.0.shutting_down.store(true, Ordering::SeqCst);
    }

    fn is_shutting_down(&self) -> bool {
        self.0.shutting_down.load(Ordering::SeqCst)
    }
}

/// The API's router. A path with one trailing slash is routed as the same
/// path without it (`PUT /config/`, `GET /subjects/`), as the peer's
/// JAX-RS resources match; see [`without_trailing_slash`]. Then the
/// `/contexts/{context}/...` prefix qualifies the names under it (see
/// [`context_prefix`]), and a subject with an alias stands for the aliased
/// one (see [`alias`]).
pub fn app(state: AppState) -> Router {
    let aliases = axum::middleware::from_fn_with_state(state.clone(), alias::resolve);
    Router::new()
        .fallback_service(routes(state))
        .layer(aliases)
        .layer(tower::util::MapRequestLayer::new(context_prefix::rewrite))
        .layer(tower::util::MapRequestLayer::new(without_trailing_slash))
}

/// Drops one trailing slash from a request's path before it is routed,
/// except for `/` itself and the web page's paths (`/ui/` is its index).
fn without_trailing_slash(mut request: Request) -> Request {
    let uri = request.uri();
    let path = uri.path();
    let Some(trimmed) = path.strip_suffix('/') else {
        return request;
    };
    if trimmed.is_empty() || ui::is_page_path(path) {
        return request;
    }
    let rewritten = match uri.query() {
        Some(query) => format!("{trimmed}?{query}"),
        None => trimmed.to_string(),
    };
    let mut parts = uri.clone().into_parts();
    match PathAndQuery::try_from(rewritten) {
        Ok(path_and_query) => parts.path_and_query = Some(path_and_query),
        // A prefix of a valid path is valid; keep the request as it came.
        Err(_) => return request,
    }
    if let Ok(uri) = Uri::from_parts(parts) {
        *request.uri_mut() = uri;
    }
    request
}

fn routes(state: AppState) -> Router {
    let (router, _) = documented(&state.0.ui_base_path).split_for_parts();
    router
        .fallback(unknown_route)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(auth::AuthLayer::new(state.clone()))
        .layer(observe::ObserveLayer::new(state.clone()))
        .with_state(state)
}

/// Every route with its documentation: `routes!` routes a handler and adds
/// its `#[utoipa::path]` to the document in one step.
fn documented(ui_base_path: &UiBasePath) -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(openapi::base())
        .routes(routes!(server::root))
        .routes(routes!(server::metadata_id))
        .routes(routes!(server::metadata_version))
        .routes(routes!(server::metadata_deployment))
        .routes(routes!(server::contexts))
        .routes(routes!(server::delete_context))
        .merge(schemas::routes())
        .merge(subjects::routes())
        .merge(tags::routes())
        .merge(compatibility::routes())
        .merge(config::routes())
        .merge(mode::routes())
        .merge(triage::routes())
        .merge(consumers::routes())
        .merge(deploy::routes())
        .merge(audit::routes())
        .merge(permissions::routes())
        .merge(associations::routes())
        .merge(association_batch::routes())
        .routes(routes!(health::live))
        .routes(routes!(health::ready))
        .routes(routes!(metrics::render))
        .routes(routes!(openapi::document))
        .merge(ui::routes(ui_base_path))
}

/// The API's OpenAPI 3.1 document, as `GET /openapi.json` serves it.
pub fn openapi() -> utoipa::openapi::OpenApi {
    openapi::finish(documented(&UiBasePath::default()).into_openapi())
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
