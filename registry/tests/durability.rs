//! What a crash and a shutdown leave behind: every acknowledged registration,
//! and nothing half-written.

mod common;

use std::time::Duration;

use common::storm::{Storm, assert_all_stored};
use common::{Server, closed, temp_dir};
use serde_json::json;

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
    let subjects: Vec<String> = (0..2).map(|i| format!("stream-{i}")).collect();
    let storm = Storm::start(
        (0..4)
            .map(|w| (server.base.clone(), subjects[w % 2].clone()))
            .collect(),
    );
    // Let the stream run, then kill the process without warning.
    storm
        .wait_for_acks(150, Duration::from_secs(120), "before the kill")
        .await;
    server.signal("KILL");
    let (acks, _) = storm.finish().await;
    drop(server);
    assert!(acks.len() >= 150);

    // Every acknowledged registration is there, and nothing half-written:
    // versions are 1..=n without holes, and every one resolves.
    let restarted = Server::start_in(dir.path(), &[]);
    assert_all_stored(&restarted, &acks, &subjects).await;
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
