//! The authentication and authorization layer every routed request passes
//! (inside [`super::observe`], so refusals are logged and counted).
//!
//! [`required`] is the one table from route to what a request needs: an
//! exhaustive `match` over [`Route`], so a new route cannot be served
//! without a decision. The layer authenticates the request
//! ([`Authenticator`]), checks the requirement, and hands the [`Caller`]
//! (principal and client address) to the handler as a request extension.
//! Three checks depend on the body or on the answer and are made by their
//! handlers through the same [`Caller`]: references a posted schema names
//! must be readable, IMPORT mode needs `admin`, and lists show only what
//! may be read.
//!
//! Refusals: 401 with `WWW-Authenticate` and 40101 when credentials are
//! missing or not accepted (and for anonymous requests that need more than
//! reading); 403 with 40301 when an authenticated principal lacks the
//! permission. A permission is checked on the subject *name* before
//! anything is read, so a refusal says nothing about whether the subject
//! exists; a schema id that may not be read answers exactly like an
//! unknown id (40403).

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::extract::{ConnectInfo, FromRequestParts, MatchedPath, RawPathParams, Request};
use axum::http::header::{AUTHORIZATION, WWW_AUTHENTICATE};
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method};
use axum::response::{IntoResponse, Response};
use tower::{Layer, Service};

use super::AppState;
use super::error::ApiError;
use super::extract::Params;
use crate::audit::{Action, AuditEvent, Outcome};
use crate::auth::{Authenticator, Caller, CertifiedName, Failure, Permission, Presented};
use crate::model::{SchemaId, Version};
use crate::service::{CachedSchema, Error};

/// Every route the API serves, by its pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// `/`
    Root,
    /// `/v1/metadata/id`
    MetadataId,
    /// `/v1/metadata/version`
    MetadataVersion,
    /// `/v1/metadata/deployment`
    MetadataDeployment,
    /// `/contexts`, `/contexts/{context}`
    Contexts,
    /// `/schemas`
    Schemas,
    /// `/schemas/types`
    SchemaTypes,
    /// `/schemas/ids/{id}`
    SchemaById,
    /// `/schemas/ids/{id}/schema`
    SchemaText,
    /// `/schemas/ids/{id}/subjects`
    SchemaSubjects,
    /// `/schemas/ids/{id}/versions`
    SchemaVersions,
    /// `/schemas/guids/{guid}` and `/schemas/guids/{guid}/ids` (their
    /// handlers check that the schema may be read, as for an id)
    SchemaByGuid,
    /// `/subjects`
    Subjects,
    /// `/subjects/{subject}`
    Subject,
    /// `/subjects/{subject}/versions`
    SubjectVersions,
    /// `/subjects/{subject}/versions/{version}`
    SubjectVersion,
    /// `/subjects/{subject}/versions/{version}/schema`
    SubjectVersionSchema,
    /// `/subjects/{subject}/versions/{version}/referencedby`
    ReferencedBy,
    /// `/subjects/{subject}/versions/{version}/tags`
    SubjectVersionTags,
    /// `/subjects/{subject}/metadata`
    SubjectMetadata,
    /// `/compatibility/subjects/{subject}/versions`
    CompatibilityAll,
    /// `/compatibility/subjects/{subject}/versions/{version}`
    CompatibilityVersion,
    /// `/config`
    GlobalConfig,
    /// `/config/{subject}`
    SubjectConfig,
    /// `/mode`
    GlobalMode,
    /// `/mode/{subject}`
    SubjectMode,
    /// `/triage`
    Triage,
    /// `/associations` and below, but a subject's: reads show only
    /// associations of readable subjects; writes need `write` on each
    /// subject they name, which their handlers check (the subjects come from
    /// the body or the store)
    Associations,
    /// `/associations/subjects/{subject}`
    SubjectAssociations,
    /// `/associations:batchGet`: reads, showing only associations of
    /// readable subjects (`/associations:batchMutate` is among
    /// [`Route::Associations`]: writes its handler checks)
    AssociationQueries,
    /// `/health/live`, `/health/ready`
    Health,
    /// `/metrics`
    Metrics,
    /// `/openapi.json` (the API's description, no data)
    OpenApi,
    /// `/ui`, `/ui/` and the web page's files (static: what the page shows
    /// comes from the API, which checks every call)
    Ui,
    /// `/audit`
    Audit,
    /// `/permissions`
    Permissions,
    /// `/grants`
    Grants,
    /// `/consumers`, `/consumers/{consumer}`, `/deployments/{environment}`:
    /// listings across subjects
    ConsumerListings,
    /// `/consumers/{consumer}/subjects/{subject}`
    ConsumerReader,
    /// `/subjects/{subject}/consumers`
    SubjectConsumers,
    /// `/deployments/{environment}/subjects/{subject}`
    Deployment,
    /// `/deployments/{environment}/subjects/{subject}/retention`
    Retention,
    /// `/can-i-deploy`
    CanIDeploy,
}

impl Route {
    /// Every route with its pattern (the router's, checked by a test).
    pub const ALL: [(&'static str, Route); 54] = [
        ("/", Route::Root),
        ("/v1/metadata/id", Route::MetadataId),
        ("/v1/metadata/version", Route::MetadataVersion),
        ("/v1/metadata/deployment", Route::MetadataDeployment),
        ("/contexts", Route::Contexts),
        ("/contexts/{context}", Route::Contexts),
        ("/schemas", Route::Schemas),
        ("/schemas/types", Route::SchemaTypes),
        ("/schemas/ids/{id}", Route::SchemaById),
        ("/schemas/ids/{id}/schema", Route::SchemaText),
        ("/schemas/ids/{id}/subjects", Route::SchemaSubjects),
        ("/schemas/ids/{id}/versions", Route::SchemaVersions),
        ("/schemas/guids/{guid}", Route::SchemaByGuid),
        ("/schemas/guids/{guid}/ids", Route::SchemaByGuid),
        ("/subjects", Route::Subjects),
        ("/subjects/{subject}", Route::Subject),
        ("/subjects/{subject}/versions", Route::SubjectVersions),
        (
            "/subjects/{subject}/versions/{version}",
            Route::SubjectVersion,
        ),
        (
            "/subjects/{subject}/versions/{version}/schema",
            Route::SubjectVersionSchema,
        ),
        (
            "/subjects/{subject}/versions/{version}/referencedby",
            Route::ReferencedBy,
        ),
        (
            "/subjects/{subject}/versions/{version}/tags",
            Route::SubjectVersionTags,
        ),
        ("/subjects/{subject}/metadata", Route::SubjectMetadata),
        (
            "/compatibility/subjects/{subject}/versions",
            Route::CompatibilityAll,
        ),
        (
            "/compatibility/subjects/{subject}/versions/{version}",
            Route::CompatibilityVersion,
        ),
        ("/config", Route::GlobalConfig),
        ("/config/{subject}", Route::SubjectConfig),
        ("/mode", Route::GlobalMode),
        ("/mode/{subject}", Route::SubjectMode),
        ("/triage", Route::Triage),
        ("/associations", Route::Associations),
        ("/associations:batchGet", Route::AssociationQueries),
        ("/associations:batchMutate", Route::Associations),
        ("/associations/{*rest}", Route::Associations),
        (
            "/associations/subjects/{subject}",
            Route::SubjectAssociations,
        ),
        ("/associations/resources/{resource_id}", Route::Associations),
        (
            "/associations/resources/{namespace}/{name}",
            Route::Associations,
        ),
        ("/health/live", Route::Health),
        ("/health/ready", Route::Health),
        ("/metrics", Route::Metrics),
        ("/openapi.json", Route::OpenApi),
        ("/ui", Route::Ui),
        ("/ui/", Route::Ui),
        ("/ui/{*path}", Route::Ui),
        ("/audit", Route::Audit),
        ("/permissions", Route::Permissions),
        ("/grants", Route::Grants),
        ("/consumers", Route::ConsumerListings),
        ("/consumers/{consumer}", Route::ConsumerListings),
        ("/deployments/{environment}", Route::ConsumerListings),
        (
            "/consumers/{consumer}/subjects/{subject}",
            Route::ConsumerReader,
        ),
        ("/subjects/{subject}/consumers", Route::SubjectConsumers),
        (
            "/deployments/{environment}/subjects/{subject}",
            Route::Deployment,
        ),
        (
            "/deployments/{environment}/subjects/{subject}/retention",
            Route::Retention,
        ),
        ("/can-i-deploy", Route::CanIDeploy),
    ];

    /// The route of a matched pattern.
    pub fn of(pattern: &str) -> Option<Route> {
        Route::ALL
            .iter()
            .find(|(p, _)| *p == pattern)
            .map(|(_, route)| *route)
    }
}

/// What a request needs before its handler runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Required {
    /// Nothing: served to anyone, credentials or not.
    Nothing,
    /// `/metrics`: nothing when the file says `metrics = "open"`, else an
    /// authenticated principal.
    Metrics,
    /// Any principal, anonymous included where the file admits anonymous
    /// requests (the handler may narrow what it shows).
    Caller,
    /// A permission on a subject.
    Subject(Permission, String),
    /// Reading a schema id: reading some subject it is registered under,
    /// in the context the request's `subject` names (the default one
    /// without).
    Schema(SchemaId, Option<String>),
    /// The global `admin` permission.
    Admin,
    /// `GET /audit`: `admin`, or `read` on the subject the query names
    /// (that subject's own history).
    Audit(Option<String>),
}

/// The one table: what `method` on `route` needs. `subject` and `id` are
/// the path's segments, `query` its query string.
pub fn required(
    route: Route,
    method: &Method,
    subject: Option<&str>,
    id: Option<&str>,
    query: Option<&str>,
) -> Required {
    use Permission::*;
    let on = |permission: Permission| match subject {
        Some(s) => Required::Subject(permission, s.to_string()),
        // A subject route always has the segment; without one, refuse all
        // but administrators rather than guess.
        None => Required::Admin,
    };
    let params = || Params::parse(query.unwrap_or_default());
    let permanent = || params().flag("permanent").unwrap_or(false);
    let changes = !matches!(*method, Method::GET | Method::HEAD);
    match route {
        Route::Health | Route::Ui | Route::OpenApi => Required::Nothing,
        Route::Metrics => Required::Metrics,
        Route::Root
        | Route::MetadataId
        | Route::MetadataVersion
        | Route::MetadataDeployment
        | Route::SchemaTypes
        | Route::SchemaByGuid
        | Route::Associations
        | Route::AssociationQueries
        | Route::Schemas
        | Route::Subjects
        | Route::Permissions
        | Route::Triage => Required::Caller,
        Route::Contexts | Route::Grants => Required::Admin,
        // Listings across subjects show only what the caller may read;
        // can-i-deploy needs `read` on the subject its body names, which
        // its handler checks.
        Route::ConsumerListings | Route::CanIDeploy => Required::Caller,
        Route::SubjectConsumers | Route::SubjectAssociations => on(Read),
        Route::ConsumerReader | Route::Deployment | Route::Retention if changes => on(Write),
        Route::ConsumerReader | Route::Deployment | Route::Retention => on(Read),
        Route::Audit => Required::Audit(params().text("subject").map(str::to_string)),
        Route::SchemaById | Route::SchemaText | Route::SchemaSubjects | Route::SchemaVersions => {
            match id.and_then(|i| i.parse::<i64>().ok()).filter(|i| *i > 0) {
                Some(id) => {
                    Required::Schema(SchemaId(id), params().text("subject").map(str::to_string))
                }
                // Not an id: the handler answers 40403 as for an unknown one.
                None => Required::Caller,
            }
        }
        Route::Subject => match *method {
            Method::DELETE => on(Delete),
            _ => on(Read),
        },
        Route::SubjectVersions => match *method {
            Method::POST => on(Write),
            _ => on(Read),
        },
        // A new version, as a registration.
        Route::SubjectVersionTags => on(Write),
        Route::SubjectVersion => match *method {
            Method::DELETE if permanent() => on(Delete),
            Method::DELETE => on(Write),
            _ => on(Read),
        },
        Route::SubjectVersionSchema
        | Route::ReferencedBy
        | Route::SubjectMetadata
        | Route::CompatibilityAll
        | Route::CompatibilityVersion => on(Read),
        Route::GlobalConfig | Route::GlobalMode if changes => Required::Admin,
        Route::GlobalConfig | Route::GlobalMode => Required::Caller,
        Route::SubjectConfig | Route::SubjectMode if changes => on(Configure),
        Route::SubjectConfig | Route::SubjectMode => on(Read),
    }
}

/// Wraps each route in [`Authorize`].
#[derive(Clone, Debug)]
pub struct AuthLayer {
    state: AppState,
}

impl AuthLayer {
    /// A layer checking requests against `state`'s authenticator.
    pub fn new(state: AppState) -> AuthLayer {
        AuthLayer { state }
    }
}

impl<S> Layer<S> for AuthLayer {
    type Service = Authorize<S>;

    fn layer(&self, inner: S) -> Authorize<S> {
        Authorize {
            inner,
            state: self.state.clone(),
        }
    }
}

/// A route whose requests are authenticated and authorized first.
#[derive(Clone, Debug)]
pub struct Authorize<S> {
    inner: S,
    state: AppState,
}

impl<S> Service<Request> for Authorize<S>
where
    S: Service<Request, Response = Response, Error = Infallible> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: Request) -> Self::Future {
        // The clone that was polled ready serves this request.
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let address = request
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0);
        if self.state.auth().is_open() {
            request.extensions_mut().insert(Caller::open(address));
            return Box::pin(inner.call(request));
        }
        let state = self.state.clone();
        Box::pin(async move {
            let (mut parts, body) = request.into_parts();
            match check(&state, &mut parts, address).await {
                Ok(Some(caller)) => {
                    parts.extensions.insert(caller);
                }
                Ok(None) => {}
                Err(refusal) => return Ok(refusal),
            }
            inner.call(Request::from_parts(parts, body)).await
        })
    }
}

/// Authenticates and authorizes a request: its caller (`None` where no
/// principal is needed), or the refusal to answer.
async fn check(
    state: &AppState,
    parts: &mut Parts,
    address: Option<SocketAddr>,
) -> Result<Option<Caller>, Response> {
    let auth = state.auth();
    let route = parts
        .extensions
        .get::<MatchedPath>()
        .map(|p| Route::of(p.as_str()));
    let segments = RawPathParams::from_request_parts(parts, &()).await.ok();
    let segment = |name: &str| {
        segments
            .as_ref()
            .and_then(|s| s.iter().find(|(k, _)| *k == name).map(|(_, v)| v))
    };
    let query = parts.uri.query();
    let needed = match route {
        Some(Some(route)) => required(
            route,
            &parts.method,
            segment("subject"),
            segment("id"),
            query,
        ),
        // A pattern missing from the table: only administrators, until it
        // is added (a test keeps the table complete).
        Some(None) => Required::Admin,
        // No route matched: the answer is a 404 or 405 for any principal.
        None => Required::Caller,
    };
    match needed {
        Required::Nothing => return Ok(None),
        Required::Metrics if auth.metrics_open() => return Ok(None),
        _ => {}
    }
    let presented = Presented {
        authorization: parts.headers.get(AUTHORIZATION),
        certificate: parts.extensions.get::<CertifiedName>(),
        address: address.map(|a| a.ip()),
    };
    let principal = auth
        .authenticate(presented)
        .await
        .map_err(unauthenticated)?;
    let caller = Caller::new(principal, address);
    if let Some(name) = caller.name() {
        tracing::Span::current().record("principal", name);
    }
    let allowed = match &needed {
        Required::Nothing | Required::Caller => true,
        Required::Metrics => !caller.is_anonymous(),
        Required::Subject(permission, subject) => caller.may(*permission, subject),
        Required::Admin => caller.may(Permission::Admin, ""),
        Required::Audit(subject) => {
            caller.may(Permission::Admin, "")
                || subject.as_deref().is_some_and(|s| caller.may_read(s))
        }
        Required::Schema(..) if caller.reads_everything() => true,
        Required::Schema(id, Some(subject)) => {
            let readable = state
                .registry()
                .schema_readable_for(*id, subject, &caller)
                .await
                .map_err(|e| ApiError::from(e).into_response())?;
            if !readable {
                return Err(ApiError::from(Error::SchemaNotFound { id: *id }).into_response());
            }
            true
        }
        Required::Schema(id, None) => {
            let readable = state
                .registry()
                .readable_schema(*id, &caller)
                .await
                .map_err(|e| ApiError::from(e).into_response())?;
            let Some(entry) = readable else {
                return Err(ApiError::from(Error::SchemaNotFound { id: *id }).into_response());
            };
            // The decision read the schema: its handler serves that entry
            // instead of looking the id up again.
            parts.extensions.insert(Preread(entry));
            true
        }
    };
    if !allowed {
        // A refused change by a known principal goes into the audit trail
        // (anonymous refusals are only counted: anyone could fill it).
        let attempt = route
            .flatten()
            .and_then(|r| attempted(r, &parts.method, query));
        if let (Some(action), false) = (attempt, caller.is_anonymous()) {
            let mut event = refusal(&caller, action, segment("subject"));
            event.version = segment("version")
                .and_then(|v| v.parse().ok())
                .filter(|v| *v > 0)
                .map(Version);
            state
                .registry()
                .record_event(&event)
                .await
                .map_err(|e| ApiError::from(e).into_response())?;
        }
        return Err(refuse(auth, &caller, &needed));
    }
    Ok(Some(caller))
}

/// The change a request on `route` attempts, if it is one.
pub fn attempted(route: Route, method: &Method, query: Option<&str>) -> Option<Action> {
    let permanent = || {
        Params::parse(query.unwrap_or_default())
            .flag("permanent")
            .unwrap_or(false)
    };
    match (route, method.clone()) {
        (Route::SubjectVersions | Route::SubjectVersionTags, Method::POST) => {
            Some(Action::Register)
        }
        (Route::Subject, Method::DELETE) if permanent() => Some(Action::DeleteSubject),
        (Route::Subject, Method::DELETE) => Some(Action::SoftDeleteSubject),
        (Route::SubjectVersion, Method::DELETE) if permanent() => Some(Action::DeleteVersion),
        (Route::SubjectVersion, Method::DELETE) => Some(Action::SoftDeleteVersion),
        (Route::GlobalConfig | Route::SubjectConfig, Method::PUT) => Some(Action::SetConfig),
        (Route::GlobalConfig | Route::SubjectConfig, Method::DELETE) => Some(Action::DeleteConfig),
        (Route::GlobalMode | Route::SubjectMode, Method::PUT) => Some(Action::SetMode),
        (Route::GlobalMode | Route::SubjectMode, Method::DELETE) => Some(Action::DeleteMode),
        (Route::ConsumerReader, Method::PUT) => Some(Action::RecordConsumer),
        (Route::ConsumerReader, Method::DELETE) => Some(Action::ForgetConsumer),
        (Route::Deployment, Method::PUT) => Some(Action::RecordDeployment),
        (Route::Retention, Method::PUT) => Some(Action::SetRetention),
        (Route::Contexts, Method::DELETE) => Some(Action::DeleteContext),
        (Route::Associations, Method::POST | Method::PUT) => Some(Action::SetAssociations),
        (Route::Associations, Method::DELETE) => Some(Action::DeleteAssociations),
        _ => None,
    }
}

/// The audit event of `caller`'s attempt at `action` on `subject`, refused
/// for want of a permission.
pub fn refusal(caller: &Caller, action: Action, subject: Option<&str>) -> AuditEvent {
    let mut event = AuditEvent::new(&caller.actor(), action, subject);
    event.outcome = Outcome::Forbidden;
    event
}

/// The refusal of a caller that lacks what `needed` asks: 401 for an
/// anonymous request (credentials would help), 403 otherwise.
fn refuse(auth: &Authenticator, caller: &Caller, needed: &Required) -> Response {
    if caller.is_anonymous() {
        auth.record_missing();
        return unauthenticated(Failure::Missing);
    }
    auth.record_denied();
    let what = match needed {
        Required::Subject(permission, subject) => {
            format!("`{permission}` on subject `{subject}`")
        }
        Required::Metrics => "a principal to read the metrics".to_string(),
        Required::Audit(Some(subject)) => {
            format!("`admin` or `read` on subject `{subject}` to read its audit trail")
        }
        Required::Audit(None) => {
            "`admin` to read the whole audit trail (or name a subject it may read)".to_string()
        }
        _ => "`admin`".to_string(),
    };
    forbidden(caller, &what).into_response()
}

/// 403 for a caller lacking `what`.
pub fn forbidden(caller: &Caller, what: &str) -> ApiError {
    ApiError::Forbidden(format!("{} lacks {what}", caller.describe()))
}

/// 401 with the schemes the registry takes.
fn unauthenticated(failure: Failure) -> Response {
    let message = match failure {
        Failure::Missing => {
            "authentication required: send HTTP Basic credentials, a Bearer token or a client certificate"
                .to_string()
        }
        Failure::Malformed | Failure::Oversized => {
            "the Authorization header is not a well-formed Basic or Bearer credential".to_string()
        }
        Failure::UnknownPrincipal | Failure::WrongPassword | Failure::UnknownToken => {
            "the credentials were not accepted".to_string()
        }
        // What is wrong with a token is no secret, and tells its holder
        // what to fix (a token expired, another audience).
        Failure::Jwt(_) => format!("the token was not accepted ({})", failure.reason()),
    };
    let mut response = ApiError::Unauthenticated(message).into_response();
    let headers = response.headers_mut();
    headers.append(
        WWW_AUTHENTICATE,
        HeaderValue::from_static("Basic realm=\"charter-registry\", charset=\"UTF-8\""),
    );
    headers.append(
        WWW_AUTHENTICATE,
        HeaderValue::from_static("Bearer realm=\"charter-registry\""),
    );
    response
}

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Caller>()
            .cloned()
            .ok_or(ApiError::NoCaller)
    }
}

/// The schema the layer read to decide that a read by id is allowed.
#[derive(Clone)]
struct Preread(Arc<CachedSchema>);

/// What a handler serving a schema by id gets from the layer: the entry the
/// permission check read, when it read one (a caller reading everything,
/// or an open registry, has no check that reads it).
pub struct PrereadSchema(Option<Arc<CachedSchema>>);

impl PrereadSchema {
    /// The entry, if the check read schema `id`.
    pub fn of(self, id: SchemaId) -> Option<Arc<CachedSchema>> {
        self.0.filter(|entry| entry.record.id == id)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for PrereadSchema {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(PrereadSchema(
            parts.extensions.remove::<Preread>().map(|p| p.0),
        ))
    }
}

/// Refuses with 403 unless `caller` may read every subject in `subjects`
/// (the references of a posted or stored schema).
pub fn require_read<'a>(
    caller: &Caller,
    subjects: impl IntoIterator<Item = &'a str>,
) -> Result<(), ApiError> {
    if caller.reads_everything() {
        return Ok(());
    }
    match subjects.into_iter().find(|s| !caller.may_read(s)) {
        Some(subject) => Err(forbidden(caller, &format!("`read` on subject `{subject}`"))),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests;
