//! Several `charter-registry` processes on one PostgreSQL database, none
//! special: registrations racing through two instances keep each subject's
//! compatibility and each schema's one id; what is written through one is
//! read through the other at once; a SIGKILLed instance loses nothing it
//! acknowledged. Needs the server `ci/postgres.sh` starts (see
//! `common::postgres`).

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::postgres::TestDatabase;
use common::storm::{Storm, assert_all_stored};
use common::{Answer, Server, closed};
use serde_json::{Value, json};
use tokio::sync::Barrier;

/// Two instances on a fresh database of their own.
struct Pair {
    a: Arc<Server>,
    b: Arc<Server>,
    db: TestDatabase,
}

impl Pair {
    async fn start(test: &str) -> Option<Pair> {
        let db = TestDatabase::create(test).await?;
        let a = Arc::new(Server::start_at(&db.url, &[]));
        let b = Arc::new(Server::start_at(&db.url, &[]));
        Some(Pair { a, b, db })
    }

    /// Instance A for even `i`, B for odd.
    fn by_parity(&self, i: usize) -> Arc<Server> {
        if i % 2 == 0 {
            self.a.clone()
        } else {
            self.b.clone()
        }
    }
}

/// Posts every `(server, path, body)` at the same moment (released together
/// by a barrier) and returns the answers in order.
async fn all_at_once(requests: Vec<(Arc<Server>, String, Value)>) -> Vec<Answer> {
    let barrier = Arc::new(Barrier::new(requests.len()));
    let tasks: Vec<_> = requests
        .into_iter()
        .map(|(server, path, body)| {
            let barrier = barrier.clone();
            tokio::spawn(async move {
                barrier.wait().await;
                server.post(&path, &body).await
            })
        })
        .collect();
    let mut answers = Vec::new();
    for task in tasks {
        answers.push(task.await.expect("task"));
    }
    answers
}

fn json_schema(schema: &Value) -> Value {
    json!({"schemaType": "JSON", "schema": schema.to_string()})
}

/// Schema `i`: the base plus one optional property of its own. Each is
/// BACKWARD compatible with the base, and any two are incompatible with each
/// other (the later one, closed, cannot read the earlier one's property).
fn candidate(i: usize) -> Value {
    closed(json!({"id": {"type": "string"}, format!("extra{i}"): {"type": "string"}}))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_incompatible_registrations_through_two_instances_admit_one() {
    let Some(pair) = Pair::start("fifty_incompatible").await else {
        return;
    };
    let base = closed(json!({"id": {"type": "string"}}));
    assert_eq!(pair.a.register("contended", &base).await.status, 200);

    let requests = (0..50)
        .map(|i| {
            let body = json_schema(&candidate(i));
            (
                pair.by_parity(i),
                "/subjects/contended/versions".to_string(),
                body,
            )
        })
        .collect();
    let answers = all_at_once(requests).await;
    let statuses: BTreeMap<u16, usize> = answers.iter().fold(BTreeMap::new(), |mut m, a| {
        *m.entry(a.status).or_default() += 1;
        m
    });
    assert_eq!(
        statuses,
        BTreeMap::from([(200, 1), (409, 49)]),
        "exactly one may win, the others answer 409: {:?}",
        answers
            .iter()
            .filter(|a| a.status != 409)
            .map(|a| (a.status, a.text.clone()))
            .collect::<Vec<_>>()
    );
    let winner = answers.iter().position(|a| a.status == 200).unwrap();
    assert_eq!(answers[winner].body["version"], 2);
    for server in [&pair.a, &pair.b] {
        let versions = server.get("/subjects/contended/versions").await;
        assert_eq!(versions.body, json!([1, 2]));
        let latest = server.get("/subjects/contended/versions/latest").await;
        assert_eq!(latest.body["id"], answers[winner].body["id"]);
    }
    // The stored history is compatible under the mode.
    let check = pair
        .b
        .post(
            "/compatibility/subjects/contended/versions/1",
            &json_schema(&candidate(winner)),
        )
        .await;
    assert_eq!(check.body["is_compatible"], true, "{}", check.text);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_schema_through_two_instances_at_once_gets_one_id() {
    let Some(pair) = Pair::start("one_schema_one_id").await else {
        return;
    };
    let shared = closed(json!({"shared": {"type": "number"}}));
    // Twenty subjects, each sent the same schema through both instances at
    // once (forty requests in all), with twenty distinct schemas besides.
    let mut requests: Vec<(Arc<Server>, String, Value)> = (0..40)
        .map(|i| {
            (
                pair.by_parity(i),
                format!("/subjects/same-{}/versions", i / 2),
                json_schema(&shared),
            )
        })
        .collect();
    requests.extend((0..20).map(|i| {
        (
            pair.by_parity(i),
            format!("/subjects/distinct-{i}/versions"),
            json_schema(&candidate(i)),
        )
    }));
    let answers = all_at_once(requests).await;
    for answer in &answers {
        assert_eq!(answer.status, 200, "{}", answer.text);
    }
    let shared_ids: BTreeSet<i64> = answers[..40]
        .iter()
        .map(|a| a.body["id"].as_i64().unwrap())
        .collect();
    assert_eq!(
        shared_ids.len(),
        1,
        "one schema, several ids: {shared_ids:?}"
    );
    for answer in &answers[..40] {
        assert_eq!(answer.body["version"], 1, "{}", answer.text);
    }
    let distinct_ids: BTreeSet<i64> = answers[40..]
        .iter()
        .map(|a| a.body["id"].as_i64().unwrap())
        .collect();
    assert_eq!(distinct_ids.len(), 20);
    assert!(!distinct_ids.contains(shared_ids.iter().next().unwrap()));
    for i in 0..20 {
        let versions = pair.b.get(&format!("/subjects/same-{i}/versions")).await;
        assert_eq!(versions.body, json!([1]), "same-{i}");
    }
    let ids = pair
        .db
        .query("SELECT id::text FROM schemas ORDER BY id")
        .await;
    assert_eq!(ids.len(), 21, "schema rows: {ids:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn what_one_instance_writes_the_other_reads_at_once() {
    let Some(pair) = Pair::start("read_your_writes").await else {
        return;
    };
    let (a, b) = (&pair.a, &pair.b);
    let v1 = closed(json!({"id": {"type": "string"}}));
    let v2 = closed(json!({"id": {"type": "string"}, "note": {"type": "string"}}));

    // Registered through A: by id, as latest, and by lookup through B.
    let first = a.register("orders", &v1).await;
    assert_eq!(first.status, 200, "{}", first.text);
    let id1 = first.body["id"].as_i64().unwrap();
    let by_id = b.get(&format!("/schemas/ids/{id1}")).await;
    assert_eq!(by_id.status, 200, "{}", by_id.text);
    assert_eq!(
        serde_json::from_str::<Value>(by_id.body["schema"].as_str().unwrap()).unwrap(),
        v1
    );
    assert_eq!(
        b.get("/subjects/orders/versions/latest").await.body["version"],
        1
    );
    let found = b.post("/subjects/orders", &json_schema(&v1)).await;
    assert_eq!((found.status, &found.body["id"]), (200, &json!(id1)));

    // B has read `latest`; a version through A is B's latest at once.
    let second = a.register("orders", &v2).await;
    assert_eq!(second.status, 200, "{}", second.text);
    let latest = b.get("/subjects/orders/versions/latest").await;
    assert_eq!(
        (latest.body["version"].clone(), latest.body["id"].clone()),
        (json!(2), second.body["id"].clone())
    );
    assert_eq!(
        b.post("/subjects/orders", &json_schema(&v2)).await.body["version"],
        2
    );

    // Compatibility set through A governs the next registration through B.
    // Each `note_as(t)` is incompatible with any other under BACKWARD.
    let note_as = |t: &str| closed(json!({"id": {"type": "string"}, "note": {"type": t}}));
    assert_eq!(b.register("orders", &note_as("integer")).await.status, 409);
    let none = a
        .put("/config/orders", &json!({"compatibility": "NONE"}))
        .await;
    assert_eq!(none.status, 200, "{}", none.text);
    let accepted = b.register("orders", &note_as("integer")).await;
    assert_eq!(
        accepted.status, 200,
        "NONE set through A: {}",
        accepted.text
    );
    assert_eq!(accepted.body["version"], 3);
    let backward = a
        .put("/config/orders", &json!({"compatibility": "BACKWARD"}))
        .await;
    assert_eq!(backward.status, 200);
    let refused = b.register("orders", &note_as("boolean")).await;
    assert_eq!(
        refused.status, 409,
        "BACKWARD set through A: {}",
        refused.text
    );
    // ... and so does the global level.
    assert_eq!(a.delete("/config/orders").await.status, 200);
    assert_eq!(
        a.put("/config", &json!({"compatibility": "NONE"}))
            .await
            .status,
        200
    );
    let accepted = b.register("orders", &note_as("boolean")).await;
    assert_eq!(
        accepted.body["version"], 4,
        "global NONE set through A: {}",
        accepted.text
    );
    assert_eq!(
        a.put("/config", &json!({"compatibility": "BACKWARD"}))
            .await
            .status,
        200
    );
    assert_eq!(b.register("orders", &note_as("null")).await.status, 409);

    // A mode set through A governs B.
    assert_eq!(
        a.put("/mode/orders", &json!({"mode": "READONLY"}))
            .await
            .status,
        200
    );
    let compatible =
        closed(json!({"id": {"type": "string"}, "note": {"type": "boolean"}, "x": {}}));
    let refused = b.register("orders", &compatible).await;
    assert_eq!(
        (refused.status, refused.code()),
        (422, 42205),
        "{}",
        refused.text
    );
    assert_eq!(a.delete("/mode/orders").await.status, 200);
    assert_eq!(b.register("orders", &compatible).await.body["version"], 5);

    // A soft delete through A hides the version from B at once.
    assert_eq!(a.delete("/subjects/orders/versions/5").await.status, 200);
    assert_eq!(
        b.get("/subjects/orders/versions/latest").await.body["version"],
        4
    );
    let lookup = b.post("/subjects/orders", &json_schema(&compatible)).await;
    assert_eq!(
        (lookup.status, lookup.code()),
        (404, 40403),
        "{}",
        lookup.text
    );
    assert_eq!(
        b.get("/subjects/orders/versions").await.body,
        json!([1, 2, 3, 4])
    );

    // A permanent delete through A: B, which has the schema cached, stops
    // serving its id once A's notification arrives (immediately after the
    // commit; bounded here at 5 s).
    let gone = closed(json!({"only_here": {"type": "boolean"}}));
    let registered = a.register("short-lived", &gone).await;
    let gone_id = registered.body["id"].as_i64().unwrap();
    assert_eq!(b.get(&format!("/schemas/ids/{gone_id}")).await.status, 200);
    assert_eq!(a.delete("/subjects/short-lived").await.status, 200);
    assert_eq!(
        a.delete("/subjects/short-lived?permanent=true")
            .await
            .status,
        200
    );
    let deleted = Instant::now();
    loop {
        let answer = b.get(&format!("/schemas/ids/{gone_id}")).await;
        if answer.status == 404 {
            assert_eq!(answer.code(), 40403);
            break;
        }
        assert!(
            deleted.elapsed() < Duration::from_secs(5),
            "B still serves schema {gone_id} {:?} after its permanent delete through A",
            deleted.elapsed()
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert_eq!(b.get("/subjects/short-lived/versions").await.status, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn instances_starting_together_migrate_once() {
    let Some(db) = TestDatabase::create("start_together").await else {
        return;
    };
    // Four instances on an empty database at once: each runs the migrator,
    // which takes PostgreSQL's advisory lock, so one migrates and the
    // others find the work done.
    let url = Arc::new(db.url.clone());
    let starts: Vec<_> = (0..4)
        .map(|_| {
            let url = url.clone();
            std::thread::spawn(move || Server::start_at(&url, &[]))
        })
        .collect();
    let servers: Vec<Server> = starts
        .into_iter()
        .map(|s| s.join().expect("starts"))
        .collect();
    for (i, server) in servers.iter().enumerate() {
        let answer = server
            .register(&format!("s{i}"), &closed(json!({"n": {"type": "integer"}})))
            .await;
        assert_eq!(answer.status, 200, "{}", answer.text);
        assert_eq!(answer.body["id"], 1, "one schema, one id");
    }
    let applied = db
        .query("SELECT version::text || ':' || success::text FROM _sqlx_migrations")
        .await;
    // Each migration (registry, consumers, audit, schema text, schema GUIDs,
    // config data contracts, contexts, associations, schema identity)
    // applied once.
    assert_eq!(
        applied,
        [
            "1:true", "2:true", "3:true", "4:true", "5:true", "6:true", "7:true", "8:true",
            "9:true"
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sigkill_of_one_instance_mid_storm_loses_nothing_acknowledged() {
    let Some(pair) = Pair::start("sigkill_one").await else {
        return;
    };
    assert_eq!(
        pair.a
            .put("/config", &json!({"compatibility": "NONE"}))
            .await
            .status,
        200
    );
    // Six workers, three through each instance; each subject is written
    // through both.
    let subjects: Vec<String> = (0..3).map(|i| format!("storm-{i}")).collect();
    let targets = (0..6)
        .map(|w| (pair.by_parity(w).base.clone(), subjects[w / 2].clone()))
        .collect();
    let storm = Storm::start(targets);
    storm
        .wait_for_acks(150, Duration::from_secs(120), "before the kill")
        .await;
    let killed_at = Instant::now();
    pair.a.signal("KILL");
    let at_kill = storm.acked().await;
    // B goes on serving its workers.
    storm
        .wait_for_acks(at_kill + 100, Duration::from_secs(120), "after the kill")
        .await;
    let (acks, outcomes) = storm.finish().await;

    // Through B: answers 200 only; through A, 200 until the kill and no
    // answer from then on.
    for o in &outcomes {
        if o.worker % 2 == 1 {
            assert_eq!(o.status, 200, "through B: {:?}", o);
        } else {
            assert!(
                o.status == 200 || (o.status == 0 && o.sent + o.elapsed >= killed_at),
                "{o:?}"
            );
        }
    }
    assert_all_stored(&pair.b, &acks, &subjects).await;
    // A restarted on the same database serves the same.
    let restarted = Server::start_at(&pair.db.url, &[]);
    assert_all_stored(&restarted, &acks, &subjects).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_permanent_delete_racing_a_registration_is_one_or_the_other() {
    let Some(pair) = Pair::start("delete_racing_register").await else {
        return;
    };
    // Each round: a subject whose three versions are soft-deleted; then at
    // once, A registers a new schema and B deletes the subject for good.
    // Either the delete came first (the registration is version 1) or the
    // registration did (the delete is refused: a live version appeared).
    // A lone version 4 would mean a version appended to a history that was
    // deleted under it.
    let none = json!({"compatibility": "NONE"});
    assert_eq!(pair.a.put("/config", &none).await.status, 200);
    let mut orders = BTreeMap::new();
    for round in 0..20 {
        let subject = format!("churn-{round}");
        for v in 0..3 {
            let schema = closed(json!({ format!("r{round}_v{v}"): {"type": "string"} }));
            assert_eq!(pair.a.register(&subject, &schema).await.status, 200);
        }
        assert_eq!(
            pair.a.delete(&format!("/subjects/{subject}")).await.status,
            200
        );
        let barrier = Arc::new(Barrier::new(2));
        let register = {
            let (server, barrier, subject) = (pair.a.clone(), barrier.clone(), subject.clone());
            let schema = closed(json!({ format!("r{round}_new"): {"type": "string"} }));
            tokio::spawn(async move {
                barrier.wait().await;
                server.register(&subject, &schema).await
            })
        };
        let delete = {
            let (server, barrier, subject) = (pair.b.clone(), barrier.clone(), subject.clone());
            tokio::spawn(async move {
                barrier.wait().await;
                server
                    .delete(&format!("/subjects/{subject}?permanent=true"))
                    .await
            })
        };
        let (registered, deleted) = (register.await.unwrap(), delete.await.unwrap());
        assert_eq!(registered.status, 200, "{}", registered.text);
        let versions = pair
            .a
            .get(&format!("/subjects/{subject}/versions?deleted=true"))
            .await;
        let order = match (deleted.status, registered.body["version"].as_i64()) {
            (200, Some(1)) => {
                assert_eq!(versions.body, json!([1]), "{subject}");
                "delete first"
            }
            (404, Some(4)) => {
                assert_eq!(deleted.code(), 40405, "{}", deleted.text);
                assert_eq!(versions.body, json!([1, 2, 3, 4]), "{subject}");
                "registration first"
            }
            other => panic!(
                "{subject}: delete {} {}, registration {}: versions now {}",
                other.0, deleted.text, registered.text, versions.text
            ),
        };
        *orders.entry(order).or_insert(0) += 1;
    }
    assert_eq!(orders.values().sum::<i32>(), 20, "{orders:?}");
}

/// A STRONG association created through one instance while WEAK ones of
/// other resources name its subject through both: the subject ends with
/// its STRONG association alone, or with WEAK ones only, and every refused
/// request is the peer's refusal (40904 or 40905), never a server error (a
/// conflict the store finds is read again and answered by the rules). The
/// store's own race test (`association_rules_hold_across_stores`) is the
/// one that loses the rule without the store's guard; through HTTP the
/// window between read and write is rarely hit.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn associations_racing_for_one_subject_keep_the_peers_rules() {
    let Some(pair) = Pair::start("associations_racing").await else {
        return;
    };
    let schema = json_schema(&closed(json!({"id": {"type": "string"}})));
    for round in 0..3 {
        let topic = format!("orders{round}");
        let subject = format!(":.lkc:{topic}-value");
        // The STRONG one's schema is there first, so the WEAK ones may name
        // the subject and the STRONG one may still freeze it.
        let answer = pair
            .a
            .post(&format!("/subjects/{subject}/versions"), &schema)
            .await;
        assert_eq!(answer.status, 200, "{}", answer.text);
        let mut requests = vec![(
            pair.a.clone(),
            "/associations".to_string(),
            json!({"resourceName": topic, "resourceNamespace": "lkc",
                   "resourceId": format!("{topic}-id"), "associations": [{"schema": schema}]}),
        )];
        for i in 0..9 {
            requests.push((
                pair.by_parity(i + 1),
                "/associations".to_string(),
                json!({"resourceName": format!("reader{i}"), "resourceNamespace": "lkc",
                       "resourceId": format!("reader{round}-{i}"),
                       "associations": [{"subject": subject}]}),
            ));
        }
        let answers = all_at_once(requests).await;
        for answer in &answers {
            assert!(
                answer.status == 200 || [40904, 40905].contains(&answer.code()),
                "{}: {}",
                answer.status,
                answer.text
            );
        }
        let held = pair
            .b
            .get(&format!("/associations/subjects/{subject}"))
            .await;
        let held = held.body.as_array().unwrap().clone();
        let strong = held.iter().filter(|a| a["lifecycle"] == "STRONG").count();
        assert!(
            !held.is_empty() && (strong == 0 || held.len() == 1),
            "{subject}: {held:?}"
        );
        let admitted = answers.iter().filter(|a| a.status == 200).count();
        assert_eq!(admitted, held.len(), "one association per 200");
    }
}
