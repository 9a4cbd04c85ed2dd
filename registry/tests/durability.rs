//! What a crash and a shutdown leave behind: every acknowledged registration,
//! and nothing half-written.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::{Server, closed, temp_dir};
use serde_json::{Value, json};
use tokio::sync::Mutex;

/// One acknowledged registration.
#[derive(Debug, Clone)]
struct Ack {
    subject: String,
    version: i64,
    id: i64,
    schema: Value,
}

/// A schema no other worker or step registers.
fn unique_schema(worker: usize, step: usize) -> Value {
    closed(json!({ format!("w{worker}_s{step}"): {"type": "string"} }))
}

#[tokio::test]
async fn sigkill_mid_stream_loses_no_acknowledged_registration() {
    let dir = temp_dir();
    let server = Server::start_in(dir.path(), &[]);
    // Every subject accepts any new version, so each request writes one.
    assert_eq!(
        server
            .put("/config", &json!({"compatibility": "NONE"}))
            .await
            .status,
        200
    );
    let server = Arc::new(server);
    let acks: Arc<Mutex<Vec<Ack>>> = Arc::default();

    let mut workers = Vec::new();
    for worker in 0..4 {
        let server = server.clone();
        let acks = acks.clone();
        workers.push(tokio::spawn(async move {
            let subject = format!("stream-{}", worker % 2);
            for step in 0..10_000 {
                let schema = unique_schema(worker, step);
                let body = json!({"schemaType": "JSON", "schema": schema.to_string()});
                let url = format!("{}/subjects/{subject}/versions", server.base);
                // A raw client: requests in flight when the process dies fail.
                let Ok(response) = reqwest::Client::new().post(url).json(&body).send().await else {
                    return;
                };
                let Ok(answer) = response.json::<Value>().await else {
                    return;
                };
                acks.lock().await.push(Ack {
                    subject: subject.clone(),
                    version: answer["version"].as_i64().expect("version"),
                    id: answer["id"].as_i64().expect("id"),
                    schema,
                });
            }
        }));
    }
    // Let the stream run, then kill the process without warning.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(120);
    while acks.lock().await.len() < 150 {
        assert!(
            tokio::time::Instant::now() < deadline && !workers.iter().all(|w| w.is_finished()),
            "the stream stopped before 150 acknowledgements:\n{}",
            server.stderr()
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    server.signal("KILL");
    for w in workers {
        let _ = w.await;
    }
    drop(server);
    let acks = acks.lock().await.clone();
    assert!(acks.len() >= 150);

    let restarted = Server::start_in(dir.path(), &[]);
    for ack in &acks {
        let got = restarted
            .get(&format!(
                "/subjects/{}/versions/{}",
                ack.subject, ack.version
            ))
            .await;
        assert_eq!(
            got.status, 200,
            "acknowledged {ack:?} is missing: {}",
            got.text
        );
        assert_eq!(got.body["id"], ack.id, "{ack:?}");
        let stored: Value = serde_json::from_str(got.body["schema"].as_str().unwrap()).unwrap();
        assert_eq!(stored, ack.schema, "{ack:?}");
    }
    // Nothing half-written: versions are 1..=n without holes, and every one
    // of them resolves with its schema.
    for subject in ["stream-0", "stream-1"] {
        let versions = restarted
            .get(&format!("/subjects/{subject}/versions"))
            .await;
        let versions: Vec<i64> = serde_json::from_value(versions.body).unwrap();
        assert_eq!(versions, (1..=versions.len() as i64).collect::<Vec<_>>());
        for v in versions {
            let got = restarted
                .get(&format!("/subjects/{subject}/versions/{v}"))
                .await;
            assert_eq!(got.status, 200, "{}", got.text);
            let id = got.body["id"].as_i64().unwrap();
            assert_eq!(
                restarted.get(&format!("/schemas/ids/{id}")).await.status,
                200
            );
        }
    }
}

#[tokio::test]
async fn sigterm_finishes_cleanly_and_keeps_everything() {
    let dir = temp_dir();
    let mut server = Server::start_in(dir.path(), &[]);
    let schema = closed(json!({"id": {"type": "string"}}));
    assert_eq!(server.register("kept", &schema).await.status, 200);
    assert!(
        server.terminate(),
        "exit status after SIGTERM:\n{}",
        server.stderr()
    );
    let log = server.stderr();
    assert!(
        log.contains("SIGTERM received") && log.contains("stopped"),
        "{log}"
    );

    let restarted = Server::start_in(dir.path(), &[]);
    let got = restarted.get("/subjects/kept/versions/1").await;
    assert_eq!(got.status, 200, "{}", got.text);
    assert_eq!(got.body["id"], 1);
}
