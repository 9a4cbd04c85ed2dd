//! Registration load for the benchmark: `COUNT` new schemas through
//! `POST /subjects/{subject}/versions`, from `WORKERS` concurrent clients.
//!
//! Registration `i` goes to subject `bench-{i % SUBJECTS}` and is that
//! subject's next version: a closed object with one more optional property
//! than the last, so every registration stores a new schema and passes a
//! real BACKWARD check against the previous version. Each subject is written
//! by one worker, in order.
//! Prints `registrations=N seconds=S per_second=R p50_ms=.. p99_ms=..`.
//!
//! Usage: `register_load BASE_URL COUNT WORKERS SUBJECTS [OFFSET]`; OFFSET
//! names the first subject (to add subjects to an already seeded registry).

use std::time::{Duration, Instant};

use serde_json::{Map, Value, json};

/// Version `step + 1` of `subject`: its title keeps every subject's schemas
/// distinct, so each registration stores a new schema with a new id.
fn schema(subject: &str, step: usize) -> String {
    let mut properties = Map::new();
    for p in 0..=step {
        properties.insert(format!("p{p}"), json!({"type": "string"}));
    }
    json!({"title": subject, "type": "object", "properties": properties, "additionalProperties": false})
        .to_string()
}

fn arg(n: usize, name: &str) -> usize {
    std::env::args()
        .nth(n)
        .and_then(|a| a.parse().ok())
        .unwrap_or_else(|| panic!("argument {n} ({name}) must be a number"))
}

#[tokio::main]
#[allow(clippy::print_stdout)] // the figures are this program's output
async fn main() {
    let base = std::env::args().nth(1).expect("BASE_URL");
    let (count, workers, subjects) = (arg(2, "COUNT"), arg(3, "WORKERS"), arg(4, "SUBJECTS"));
    let offset = std::env::args().nth(5).map_or(0, |_| arg(5, "OFFSET"));
    let client = reqwest::Client::new();
    let started = Instant::now();
    let tasks: Vec<_> = (0..workers)
        .map(|w| {
            let (client, base) = (client.clone(), base.clone());
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                // This worker's registrations: every i with subject % workers == w.
                for i in (0..count).filter(|i| (i % subjects) % workers == w) {
                    let subject = format!("bench-{}", offset + i % subjects);
                    let body =
                        json!({"schemaType": "JSON", "schema": schema(&subject, i / subjects)});
                    let sent = Instant::now();
                    let response = client
                        .post(format!("{base}/subjects/{subject}/versions"))
                        .json(&body)
                        .send()
                        .await
                        .expect("registry answers");
                    let status = response.status();
                    let answer: Value = response.json().await.expect("JSON answer");
                    assert!(status.is_success(), "{subject}: {status} {answer}");
                    latencies.push(sent.elapsed());
                }
                latencies
            })
        })
        .collect();
    let mut latencies: Vec<Duration> = Vec::with_capacity(count);
    for t in tasks {
        latencies.extend(t.await.expect("worker"));
    }
    let seconds = started.elapsed().as_secs_f64();
    latencies.sort();
    let pct = |p: f64| latencies[((latencies.len() as f64 * p) as usize).min(latencies.len() - 1)];
    println!(
        "registrations={} seconds={seconds:.2} per_second={:.0} p50_ms={:.2} p99_ms={:.2}",
        latencies.len(),
        latencies.len() as f64 / seconds,
        pct(0.50).as_secs_f64() * 1e3,
        pct(0.99).as_secs_f64() * 1e3,
    );
}
