//! The router without a socket: `app(state)` driven with `oneshot`.

mod common;

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use registry::store::SqliteStore;
use registry::{AppState, StateOptions, app};
use serde_json::{Value, json};
use tower::ServiceExt;

async fn state(max_body_bytes: usize) -> (AppState, tempfile::TempDir) {
    let dir = common::temp_dir();
    let url = format!("sqlite://{}", dir.path().join("oneshot.db").display());
    let store = SqliteStore::open(&url).await.expect("store opens");
    let options = StateOptions {
        max_body_bytes,
        ..StateOptions::default()
    };
    (AppState::new(Arc::new(store), options), dir)
}

async fn send(
    state: &AppState,
    method: &str,
    path: &str,
    body: Option<&str>,
) -> (StatusCode, Value) {
    let mut request = Request::builder().method(method).uri(path);
    if body.is_some() {
        request = request.header("content-type", "application/vnd.schemaregistry.v1+json");
    }
    let request = request
        .body(body.map_or_else(Body::empty, |b| Body::from(b.to_string())))
        .unwrap();
    let response = app(state.clone()).oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

#[tokio::test]
async fn a_body_over_the_limit_is_413_and_stores_nothing() {
    let (state, _dir) = state(64).await;
    let schema = json!({"type": "object", "description": "x".repeat(100)}).to_string();
    let body = json!({"schemaType": "JSON", "schema": schema}).to_string();
    let (status, answer) = send(&state, "POST", "/subjects/s/versions", Some(&body)).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(answer["error_code"], 413);
    let (status, _) = send(&state, "GET", "/subjects/s/versions", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn every_success_has_a_json_body() {
    let (state, _dir) = state(1 << 20).await;
    let body = json!({"schemaType": "JSON", "schema": "{\"type\":\"string\"}"}).to_string();
    let calls: [(&str, &str, Option<&str>); 8] = [
        ("POST", "/subjects/s/versions", Some(&body)),
        ("PUT", "/config/s", Some(r#"{"compatibility":"NONE"}"#)),
        ("DELETE", "/config/s", None),
        ("PUT", "/mode/s", Some(r#"{"mode":"READWRITE"}"#)),
        ("DELETE", "/mode/s", None),
        ("DELETE", "/subjects/s/versions/1", None),
        ("DELETE", "/subjects/s/versions/1?permanent=true", None),
        ("GET", "/health/ready", None),
    ];
    for (method, path, body) in calls {
        let (status, answer) = send(&state, method, path, body).await;
        assert_eq!(status, StatusCode::OK, "{method} {path}: {answer}");
        assert_ne!(answer, Value::Null, "{method} {path} answered no JSON");
    }
}

#[tokio::test]
async fn readiness_fails_once_shutdown_begins() {
    let (state, _dir) = state(1 << 20).await;
    assert_eq!(
        send(&state, "GET", "/health/ready", None).await.0,
        StatusCode::OK
    );
    state.begin_shutdown();
    let (status, answer) = send(&state, "GET", "/health/ready", None).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(answer["error_code"], 503);
    assert_eq!(
        send(&state, "GET", "/health/live", None).await.0,
        StatusCode::OK
    );
}

#[tokio::test]
async fn triage_answers_reports_and_caps_the_messages_per_request() {
    let (state, _dir) = state(1 << 20).await;
    let state = AppState::new(
        state.store().clone(),
        StateOptions {
            max_triage_messages: 2,
            ..StateOptions::default()
        },
    );
    let body = json!({"messages": [{"json": {"id": 1}}, {"base64": "AAAAAAd7fQ=="}]}).to_string();
    let (status, answer) = send(&state, "POST", "/triage", Some(&body)).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["messages"][0]["verdict"], "unframed_no_match");
    assert_eq!(answer["messages"][1]["verdict"], "unknown_schema");
    assert_eq!(answer["summary"]["messages"], 2);
    let body = json!({"messages": [{"json": 1}, {"json": 2}, {"json": 3}]}).to_string();
    let (status, answer) = send(&state, "POST", "/triage", Some(&body)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(answer["error_code"], 422);
    assert!(
        answer["message"].as_str().unwrap().contains("limit of 2"),
        "{answer}"
    );
}
