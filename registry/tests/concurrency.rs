//! Dozens of registrations at once: versions never violate the mode, and an
//! id never names two schemas.

mod common;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use common::{Server, closed};
use serde_json::{Value, json};

/// Schema `i`: the base plus one optional property of its own. Each is
/// BACKWARD compatible with the base, and any two are incompatible with each
/// other (the later one, closed, cannot read the earlier one's property).
fn candidate(i: usize) -> Value {
    closed(json!({"id": {"type": "string"}, format!("extra{i}"): {"type": "string"}}))
}

async fn register_all(
    server: &Arc<Server>,
    jobs: Vec<(String, Value)>,
) -> Vec<(String, Value, common::Answer)> {
    let tasks: Vec<_> = jobs
        .into_iter()
        .map(|(subject, schema)| {
            let server = server.clone();
            tokio::spawn(async move {
                let answer = server.register(&subject, &schema).await;
                (subject, schema, answer)
            })
        })
        .collect();
    let mut out = Vec::new();
    for t in tasks {
        out.push(t.await.expect("task"));
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn mutually_incompatible_registrations_admit_one() {
    let server = Arc::new(Server::start());
    let base = closed(json!({"id": {"type": "string"}}));
    assert_eq!(server.register("contended", &base).await.status, 200);

    let jobs = (0..40)
        .map(|i| ("contended".to_string(), candidate(i)))
        .collect();
    let results = register_all(&server, jobs).await;
    let accepted: Vec<_> = results.iter().filter(|(_, _, a)| a.status == 200).collect();
    let refused = results.iter().filter(|(_, _, a)| a.status == 409).count();
    assert_eq!(
        accepted.len(),
        1,
        "exactly one may win: {:?}",
        results
            .iter()
            .map(|r| (r.2.status, r.2.text.clone()))
            .collect::<Vec<_>>()
    );
    assert_eq!(refused, 39);
    assert_eq!(accepted[0].2.body["version"], 2);

    let versions = server.get("/subjects/contended/versions").await;
    assert_eq!(versions.body, json!([1, 2]));
    // The stored history is compatible under the mode, pair by pair.
    let check = server
        .post(
            "/compatibility/subjects/contended/versions/1",
            &json!({"schemaType": "JSON", "schema": accepted[0].1.to_string()}),
        )
        .await;
    assert_eq!(check.body["is_compatible"], true, "{}", check.text);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_registrations_never_share_or_split_ids() {
    let server = Arc::new(Server::start());
    // Forty distinct schemas into forty subjects, and one schema into twenty
    // subjects, all at once.
    let mut jobs: Vec<(String, Value)> = (0..40)
        .map(|i| (format!("distinct-{i}"), candidate(i)))
        .collect();
    let shared = closed(json!({"shared": {"type": "number"}}));
    jobs.extend((0..20).map(|i| (format!("same-{i}"), shared.clone())));
    let results = register_all(&server, jobs).await;

    let mut id_of_schema: HashMap<String, i64> = HashMap::new();
    let mut schema_of_id: HashMap<i64, String> = HashMap::new();
    for (subject, schema, answer) in &results {
        assert_eq!(answer.status, 200, "{subject}: {}", answer.text);
        let id = answer.body["id"].as_i64().unwrap();
        let text = schema.to_string();
        assert_eq!(
            *id_of_schema.entry(text.clone()).or_insert(id),
            id,
            "one schema, two ids"
        );
        assert_eq!(
            *schema_of_id.entry(id).or_insert(text.clone()),
            text,
            "one id, two schemas"
        );
    }
    assert_eq!(schema_of_id.len(), 41);
    // What the store says agrees with what was answered.
    let mut seen = HashSet::new();
    for (id, text) in &schema_of_id {
        let got = server.get(&format!("/schemas/ids/{id}")).await;
        let stored: Value = serde_json::from_str(got.body["schema"].as_str().unwrap()).unwrap();
        assert_eq!(stored, serde_json::from_str::<Value>(text).unwrap());
        assert!(seen.insert(stored.to_string()));
    }
}
