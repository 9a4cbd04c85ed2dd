//! PostgreSQL stopped in the middle of a registration storm through two
//! instances, then started again: while it is down, requests that need it
//! answer 503 with a JSON error (no database detail) within 10 s and
//! readiness fails; once it is back, both instances serve again without a
//! restart, and every acknowledged registration is there. The test stops
//! and starts a cluster of its own (`ci/postgres.sh`), so other tests'
//! server is not disturbed.

mod common;

use std::time::{Duration, Instant};

use common::Server;
use common::postgres::{OwnCluster, TestDatabase};
use common::storm::{Outcome, Storm, assert_all_stored};
use serde_json::json;

/// Words that would tell a client about the database behind the registry.
const DATABASE_DETAIL: [&str; 8] = [
    "postgres",
    "sqlx",
    "pool",
    "connection",
    "refused",
    "socket",
    "127.0.0.1",
    "os error",
];

fn assert_generic_503(o: &Outcome) {
    assert_eq!(o.body["error_code"], 50301, "{o:?}");
    let message = o.body["message"].as_str().expect("a JSON error message");
    for word in DATABASE_DETAIL {
        assert!(
            !message.to_lowercase().contains(word),
            "`{word}` in {message:?}"
        );
    }
}

/// Polls `path` on `server` until it answers `status`, at most `limit`.
async fn wait_for_status(server: &Server, path: &str, status: u16, limit: Duration) -> Duration {
    let started = Instant::now();
    loop {
        let answer = server.get(path).await;
        if answer.status == status {
            return started.elapsed();
        }
        assert!(
            started.elapsed() < limit,
            "{path} still answers {} after {limit:?}: {}",
            answer.status,
            answer.text
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_stopped_and_started_mid_storm() {
    let Some(cluster) = OwnCluster::start("outage") else {
        return;
    };
    let db = TestDatabase::create_on(&cluster.url, "outage").await;
    let (a, b) = (
        Server::start_at(&db.url, &[]),
        Server::start_at(&db.url, &[]),
    );
    assert_eq!(
        a.put("/config", &json!({"compatibility": "NONE"}))
            .await
            .status,
        200
    );
    let subjects: Vec<String> = (0..2).map(|i| format!("storm-{i}")).collect();
    let targets = (0..4)
        .map(|w| {
            let server = if w % 2 == 0 { &a } else { &b };
            (server.base.clone(), subjects[w / 2].clone())
        })
        .collect();
    let storm = Storm::start(targets);
    storm
        .wait_for_acks(100, Duration::from_secs(120), "before the outage")
        .await;

    // Down.
    let stopped_at = Instant::now();
    cluster.stop();
    let stop_took = stopped_at.elapsed();
    let at_stop = storm.outcomes().await.len();
    // Every worker sees the outage: 503s from both instances.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let outcomes = storm.outcomes().await;
        let refused_workers = (0..4)
            .filter(|w| {
                outcomes[at_stop..]
                    .iter()
                    .filter(|o| o.worker == *w && o.status == 503)
                    .count()
                    >= 2
            })
            .count();
        if refused_workers == 4 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "not every worker saw two 503s: {:?}",
            storm.statuses().await
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    for server in [&a, &b] {
        let ready = server.get("/health/ready").await;
        assert_eq!(ready.status, 503, "ready while the database is down");
        assert_eq!(server.get("/health/live").await.status, 200);
    }
    let down_outcomes = storm.outcomes().await;

    // Up again, on the same port: the instances recover by themselves.
    cluster.restart();
    let restarted_at = Instant::now();
    let recovered = [
        wait_for_status(&a, "/health/ready", 200, Duration::from_secs(30)).await,
        wait_for_status(&b, "/health/ready", 200, Duration::from_secs(30)).await,
    ];
    let at_restart = storm.acked().await;
    storm
        .wait_for_acks(
            at_restart + 100,
            Duration::from_secs(60),
            "after the restart",
        )
        .await;
    let (acks, outcomes) = storm.finish().await;

    // While the server was down, every answer was a 503 with a generic
    // JSON body, within 10 s; nothing else but 200 ever.
    let during: Vec<&Outcome> = down_outcomes[at_stop..]
        .iter()
        .filter(|o| o.sent >= stopped_at + stop_took)
        .collect();
    assert!(!during.is_empty());
    for o in &during {
        assert_eq!(o.status, 503, "while down: {o:?}");
    }
    for o in &outcomes {
        assert!(o.status == 200 || o.status == 503, "{o:?}");
        if o.status == 503 {
            assert_generic_503(o);
            assert!(o.elapsed < Duration::from_secs(10), "{o:?}");
        }
    }
    // Every worker is served again after the restart.
    for worker in 0..4 {
        assert!(
            outcomes
                .iter()
                .any(|o| o.worker == worker && o.status == 200 && o.sent > restarted_at),
            "worker {worker} was not served after the restart"
        );
    }
    assert!(
        recovered.iter().all(|r| *r < Duration::from_secs(30)),
        "{recovered:?}"
    );
    assert_all_stored(&a, &acks, &subjects).await;
    assert_all_stored(&b, &acks, &subjects).await;
    report(&outcomes, during.len(), recovered, acks.len());
    let log = a.stderr();
    assert!(
        log.contains("database is unavailable"),
        "the cause is logged:\n{log}"
    );
}

/// One line of figures for the test log.
#[allow(clippy::print_stderr)]
fn report(outcomes: &[Outcome], while_down: usize, recovered: [Duration; 2], acks: usize) {
    let slowest = outcomes
        .iter()
        .filter(|o| o.status == 503)
        .map(|o| o.elapsed)
        .max()
        .unwrap_or_default();
    eprintln!(
        "outage: {while_down} requests while PostgreSQL was down, all 503 (slowest {slowest:?}); \
         ready again {recovered:?} after the restart; {acks} acknowledged registrations all stored"
    );
}
