//! A registration storm: workers posting schemas nobody else posts, each
//! through one registry, recording every answer; and the check that every
//! acknowledged registration is stored, with nothing half-written.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tokio::sync::Mutex;

use super::{Server, closed};

/// One acknowledged registration.
#[derive(Debug, Clone)]
pub struct Ack {
    /// The subject.
    pub subject: String,
    /// The version answered.
    pub version: i64,
    /// The id answered.
    pub id: i64,
    /// The schema posted.
    pub schema: Value,
}

/// One answer of any kind.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The worker that sent it.
    pub worker: usize,
    /// HTTP status, or 0 when no answer came (connection refused or cut).
    pub status: u16,
    /// The body (`Null` when not JSON or none).
    pub body: Value,
    /// How long the answer took.
    pub elapsed: Duration,
    /// When the request was sent.
    pub sent: Instant,
}

/// Workers registering until stopped.
pub struct Storm {
    acks: Arc<Mutex<Vec<Ack>>>,
    outcomes: Arc<Mutex<Vec<Outcome>>>,
    stop: Arc<AtomicBool>,
    workers: Vec<tokio::task::JoinHandle<()>>,
}

/// A schema no other worker or step registers.
pub fn unique_schema(worker: usize, step: usize) -> Value {
    closed(json!({ format!("w{worker}_s{step}"): {"type": "string"} }))
}

impl Storm {
    /// Starts one worker per `(base URL, subject)`.
    pub fn start(targets: Vec<(String, String)>) -> Storm {
        let storm = Storm {
            acks: Arc::default(),
            outcomes: Arc::default(),
            stop: Arc::default(),
            workers: Vec::new(),
        };
        let workers = targets
            .into_iter()
            .enumerate()
            .map(|(worker, (base, subject))| {
                let (acks, outcomes, stop) = (
                    storm.acks.clone(),
                    storm.outcomes.clone(),
                    storm.stop.clone(),
                );
                tokio::spawn(async move {
                    let client = reqwest::Client::builder()
                        .timeout(Duration::from_secs(60))
                        .build()
                        .expect("client");
                    let url = format!("{base}/subjects/{subject}/versions");
                    let mut step = 0;
                    while !stop.load(Ordering::SeqCst) {
                        let schema = unique_schema(worker, step);
                        step += 1;
                        let body = json!({"schemaType": "JSON", "schema": schema.to_string()});
                        let sent = Instant::now();
                        let answer = client.post(&url).json(&body).send().await;
                        let (status, body) = match answer {
                            Ok(response) => {
                                let status = response.status().as_u16();
                                match response.text().await {
                                    Ok(text) => {
                                        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
                                    }
                                    Err(_) => (0, Value::Null),
                                }
                            }
                            Err(_) => (0, Value::Null),
                        };
                        let elapsed = sent.elapsed();
                        if status == 200 {
                            acks.lock().await.push(Ack {
                                subject: subject.clone(),
                                version: body["version"].as_i64().expect("version"),
                                id: body["id"].as_i64().expect("id"),
                                schema,
                            });
                        }
                        outcomes.lock().await.push(Outcome {
                            worker,
                            status,
                            body,
                            elapsed,
                            sent,
                        });
                        if status != 200 {
                            // Do not spin against a dead process.
                            tokio::time::sleep(Duration::from_millis(20)).await;
                        }
                    }
                })
            })
            .collect();
        Storm { workers, ..storm }
    }

    /// How many registrations were acknowledged so far.
    pub async fn acked(&self) -> usize {
        self.acks.lock().await.len()
    }

    /// The answers so far.
    pub async fn outcomes(&self) -> Vec<Outcome> {
        self.outcomes.lock().await.clone()
    }

    /// Waits until `count` registrations were acknowledged in all, at most
    /// `limit`; `what` names the wait in the failure message.
    pub async fn wait_for_acks(&self, count: usize, limit: Duration, what: &str) {
        let deadline = Instant::now() + limit;
        while self.acked().await < count {
            assert!(
                Instant::now() < deadline,
                "{what}: only {} of {count} registrations acknowledged after {limit:?}; \
                 statuses seen: {:?}",
                self.acked().await,
                self.statuses().await
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// Every distinct status seen, with counts.
    pub async fn statuses(&self) -> Vec<(u16, usize)> {
        let mut counts = std::collections::BTreeMap::new();
        for o in self.outcomes.lock().await.iter() {
            *counts.entry(o.status).or_insert(0) += 1;
        }
        counts.into_iter().collect()
    }

    /// Stops the workers (each finishes its request in flight) and returns
    /// the acknowledgements and every answer.
    pub async fn finish(self) -> (Vec<Ack>, Vec<Outcome>) {
        self.stop.store(true, Ordering::SeqCst);
        for worker in self.workers {
            worker.await.expect("worker");
        }
        (
            self.acks.lock().await.clone(),
            self.outcomes.lock().await.clone(),
        )
    }
}

/// Every acknowledged registration is served by `server` as answered, and
/// the `subjects` hold versions 1..=n without holes, each resolving.
pub async fn assert_all_stored(server: &Server, acks: &[Ack], subjects: &[String]) {
    for ack in acks {
        let got = server
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
    for subject in subjects {
        let versions = server.get(&format!("/subjects/{subject}/versions")).await;
        let versions: Vec<i64> = serde_json::from_value(versions.body).unwrap();
        assert_eq!(
            versions,
            (1..=versions.len() as i64).collect::<Vec<_>>(),
            "{subject}"
        );
        for v in versions {
            let got = server
                .get(&format!("/subjects/{subject}/versions/{v}"))
                .await;
            assert_eq!(got.status, 200, "{}", got.text);
            let id = got.body["id"].as_i64().unwrap();
            assert_eq!(server.get(&format!("/schemas/ids/{id}")).await.status, 200);
        }
    }
}
