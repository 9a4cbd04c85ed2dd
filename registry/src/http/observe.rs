//! The one layer every routed request passes: a tracing span (method, route,
//! subject, status, latency), a metrics sample, the response media type the
//! client accepts, and a JSON 500 instead of a dropped connection when a
//! handler panics.
//!
//! One hand-written layer rather than `TraceLayer` + `CatchPanicLayer` +
//! `from_fn`: axum clones every layer's service per request, so each layer
//! costs an allocation on the hottest path (`GET /schemas/ids/{id}`).

use std::convert::Infallible;
use std::future::{Future, poll_fn};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::{Pin, pin};
use std::task::{Context, Poll};
use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::http::HeaderValue;
use axum::http::header::{ACCEPT, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use tower::{Layer, Service};
use tracing::Instrument;

use super::error::ApiError;
use super::{AppState, SCHEMA_REGISTRY_V1};

/// Wraps each route in [`Observe`].
#[derive(Clone, Debug)]
pub struct ObserveLayer {
    state: AppState,
}

impl ObserveLayer {
    /// A layer recording into `state`'s metrics.
    pub fn new(state: AppState) -> ObserveLayer {
        ObserveLayer { state }
    }
}

impl<S> Layer<S> for ObserveLayer {
    type Service = Observe<S>;

    fn layer(&self, inner: S) -> Observe<S> {
        Observe {
            inner,
            state: self.state.clone(),
        }
    }
}

/// A route, observed.
#[derive(Clone, Debug)]
pub struct Observe<S> {
    inner: S,
    state: AppState,
}

/// The media type to answer with, from the request's `Accept`: the
/// registry's own unless the client only takes another JSON type.
pub(super) fn negotiate(accept: Option<&HeaderValue>) -> Option<&'static str> {
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

impl<S> Service<Request> for Observe<S>
where
    S: Service<Request, Response = Response, Error = Infallible> + Send + 'static,
    S::Future: Send + 'static,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        let started = Instant::now();
        let method = request.method().clone();
        let route = request.extensions().get::<MatchedPath>().cloned();
        let media_type = negotiate(request.headers().get(ACCEPT));
        let span = tracing::info_span!(
            "request",
            method = %method,
            route = route.as_ref().map_or("unmatched", |r| r.as_str()),
            subject = tracing::field::Empty,
            principal = tracing::field::Empty,
            status = tracing::field::Empty,
            latency_ms = tracing::field::Empty,
        );
        let handled = span.in_scope(|| self.inner.call(request));
        let state = self.state.clone();
        Box::pin(async move {
            let mut handled = pin!(handled);
            // A panicking handler becomes a 500 (the panic message is already
            // on stderr through the panic hook).
            let outcome =
                poll_fn(
                    |cx| match catch_unwind(AssertUnwindSafe(|| handled.as_mut().poll(cx))) {
                        Ok(Poll::Pending) => Poll::Pending,
                        Ok(Poll::Ready(Ok(response))) => Poll::Ready(response),
                        Ok(Poll::Ready(Err(never))) => match never {},
                        Err(_) => Poll::Ready(ApiError::Panic.into_response()),
                    },
                )
                .instrument(span.clone())
                .await;
            let mut response = outcome;
            let latency = started.elapsed();
            let status = response.status();
            span.record("status", status.as_u16());
            span.record("latency_ms", latency.as_secs_f64() * 1e3);
            if status.is_server_error() {
                tracing::warn!(parent: &span, "request failed");
            } else {
                tracing::debug!(parent: &span, "request finished");
            }
            let route = route.as_ref().map_or("unmatched", |r| r.as_str());
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
            Ok(response)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::StateOptions;
    use crate::store::SqliteStore;
    use axum::Router;
    use axum::routing::get;
    use tower::ServiceExt;

    #[tokio::test]
    async fn a_panicking_handler_answers_a_json_500_and_is_counted() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("t.db").display());
        let store = SqliteStore::open(&url).await.unwrap();
        let state = AppState::new(std::sync::Arc::new(store), StateOptions::default());
        async fn boom() -> &'static str {
            panic!("boom")
        }
        let app = Router::new()
            .route("/boom", get(boom))
            .layer(ObserveLayer::new(state.clone()));
        let request = Request::builder()
            .uri("/boom")
            .body(axum::body::Body::empty())
            .unwrap();
        let response = app.oneshot(request).await.unwrap();
        assert_eq!(
            response.status(),
            axum::http::StatusCode::INTERNAL_SERVER_ERROR
        );
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        let body: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(body["error_code"], 500);
        let metrics = state.metrics().render(0);
        assert!(
            metrics.contains(
                "charter_http_requests_total{route=\"/boom\",method=\"GET\",status=\"500\"} 1"
            ),
            "{metrics}"
        );
    }

    #[test]
    fn negotiation_prefers_the_registry_type() {
        let v = HeaderValue::from_static;
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
