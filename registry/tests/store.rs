//! The `Store` contract, written against `dyn Store` so that every backend
//! runs the same checks: each test below runs once on SQLite and once on
//! PostgreSQL (`contract!` at the bottom makes a `sqlite::` and a
//! `postgres::` test of each). The PostgreSQL ones need the server
//! `ci/postgres.sh` starts (see `common::postgres`).

#[path = "store/associations.rs"]
mod associations;
mod common;
#[path = "store/config.rs"]
mod config;
#[path = "store/contexts.rs"]
mod contexts;
#[path = "store/races.rs"]
mod races;
#[path = "store/reads.rs"]
mod reads;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use associations::associations_one_per_resource_and_kind;
use common::postgres::TestDatabase;
use config::data_contract_config_fields;
use contexts::{contexts_have_their_own_ids, stores_agree_on_context_ids};
use races::{association_rules_hold_across_stores, stores_on_one_database_agree, twenty_at_once};
use reads::several_things_in_one_read;
use registry::audit::{Action, Actor, AuditEvent, AuditQuery, Outcome};
use registry::model::{
    ConfigRecord, ConsumerCompatibility, Deployment, Mode, ReaderFilter, ReaderRecord, Reference,
    SchemaId, Scope, StoredReader, Subject, Version, guid_of,
};
use registry::store::{
    Invalidation, NewSchema, NewVersion, PostgresOptions, PostgresStore, SqliteStore, Store,
    StoreError,
};
use schemas::{CompatibilityMode, SchemaType};

/// One database of a backend under test; [`Db::open`] opens a store on it
/// (several stores on one database stand for several registry processes).
enum Db {
    Sqlite(tempfile::TempDir),
    Postgres(TestDatabase),
}

impl Db {
    fn sqlite() -> Db {
        Db::Sqlite(common::temp_dir())
    }

    async fn postgres(test: &str) -> Option<Db> {
        TestDatabase::create(test).await.map(Db::Postgres)
    }

    async fn open(&self) -> Arc<dyn Store> {
        match self {
            Db::Sqlite(dir) => {
                let url = format!("sqlite://{}", dir.path().join("store.db").display());
                Arc::new(SqliteStore::open(&url).await.expect("store opens"))
            }
            Db::Postgres(db) => Arc::new(
                PostgresStore::open(&db.url, PostgresOptions::default())
                    .await
                    .expect("store opens"),
            ),
        }
    }
}

/// The audit event the writes below record (what it says is checked in
/// `audits_changes_in_their_transaction`).
fn audit() -> AuditEvent {
    AuditEvent::new(&Actor::default(), Action::Register, None)
}

fn version(subject: &str, number: i32, generation: i64, text: &str) -> NewVersion {
    NewVersion {
        subject: subject.to_string(),
        version: Version(number),
        expected_generation: generation,
        schema: NewSchema {
            id: None,
            content_key: format!("key-of-{text}"),
            identity_key: format!("key-of-{text}"),
            canonical_key: format!("canonical-key-of-{text}"),
            normalized: false,
            schema_type: SchemaType::Json,
            text: text.to_string(),
            references: vec![],
            metadata: None,
            rule_set: None,
            seen_absent: false,
        },
        registered_at_ms: 1,
    }
}

async fn appends_only_to_the_history_it_read(db: Db) {
    let store = db.open().await;
    let first = store
        .insert_version(version("s", 1, 0, "a"), &audit())
        .await
        .unwrap();
    let history = store.history("s").await.unwrap();
    assert_eq!(history.generation, 1);
    assert_eq!(history.versions.len(), 1);
    // A writer that read generation 0 lost the race.
    let stale = store
        .insert_version(version("s", 2, 0, "b"), &audit())
        .await;
    assert!(matches!(stale, Err(StoreError::Conflict)), "{stale:?}");
    // A taken version number conflicts too.
    let taken = store
        .insert_version(version("s", 1, 1, "b"), &audit())
        .await;
    assert!(matches!(taken, Err(StoreError::Conflict)), "{taken:?}");
    let second = store
        .insert_version(version("s", 2, 1, "b"), &audit())
        .await
        .unwrap();
    assert_ne!(first, second);
    // Nothing of the refused writes was kept.
    assert_eq!(store.history("s").await.unwrap().versions.len(), 2);
    assert_eq!(store.max_schema_id().await.unwrap(), Some(second));
}

async fn one_content_one_id_never_reused(db: Db) {
    let store = db.open().await;
    let a = store
        .insert_version(version("s", 1, 0, "a"), &audit())
        .await
        .unwrap();
    let same = store
        .insert_version(version("t", 1, 0, "a"), &audit())
        .await
        .unwrap();
    assert_eq!(a, same);
    let b = store
        .insert_version(version("s", 2, 1, "b"), &audit())
        .await
        .unwrap();
    let mut usages = store.usages(a).await.unwrap();
    usages.sort_by(|x, y| x.subject.cmp(&y.subject));
    assert_eq!(
        usages
            .iter()
            .map(|u| u.subject.as_str())
            .collect::<Vec<_>>(),
        ["s", "t"]
    );

    // Remove everything holding `b`, the highest id: the next schema must
    // not get its number.
    store
        .soft_delete("s", &[Version(2)], 2, &audit())
        .await
        .unwrap();
    assert!(store.history("s").await.unwrap().versions[1].deleted);
    store
        .hard_delete("s", &[Version(2)], 3, &audit())
        .await
        .unwrap();
    assert!(store.usages(b).await.unwrap().is_empty());
    assert!(store.held_schema(b).await.unwrap().is_none());
    assert_eq!(store.held_schema(a).await.unwrap().unwrap().text, "a");
    let c = store
        .insert_version(version("s", 2, 4, "c"), &audit())
        .await
        .unwrap();
    assert!(c.0 > b.0, "id {c} reuses {b}");
    // The schema row of `b` stays, so the same content gets its old id back.
    assert_eq!(
        store.schema_id_by_content("key-of-b").await.unwrap(),
        Some(b)
    );
    assert_eq!(store.count_schemas_in_use().await.unwrap(), 2);
}

async fn explicit_ids_are_checked(db: Db) {
    let store = db.open().await;
    let mut imported = version("s", 7, 0, "a");
    imported.schema.id = Some(SchemaId(50));
    assert_eq!(
        store.insert_version(imported, &audit()).await.unwrap(),
        SchemaId(50)
    );
    let mut clash = version("s", 8, 1, "b");
    clash.schema.id = Some(SchemaId(50));
    assert!(matches!(
        store.insert_version(clash, &audit()).await,
        Err(StoreError::IdTaken { .. })
    ));
    let mut moved = version("s", 8, 1, "a");
    moved.schema.id = Some(SchemaId(51));
    assert!(matches!(
        store.insert_version(moved, &audit()).await,
        Err(StoreError::ContentTaken {
            existing: SchemaId(50)
        })
    ));
    // Allocation continues above the imported id.
    assert_eq!(
        store
            .insert_version(version("s", 8, 1, "b"), &audit())
            .await
            .unwrap(),
        SchemaId(51)
    );
}

async fn references_and_settings(db: Db) {
    let store = db.open().await;
    store
        .insert_version(version("base", 1, 0, "base"), &audit())
        .await
        .unwrap();
    let mut referring = version("user", 1, 0, "user");
    referring.schema.references = vec![Reference {
        name: "base.json".into(),
        subject: "base".into(),
        version: Version(1),
    }];
    let user = store.insert_version(referring, &audit()).await.unwrap();
    let referrers = store.referrers("base", Version(1)).await.unwrap();
    assert_eq!(referrers.len(), 1);
    assert_eq!((referrers[0].id, referrers[0].live), (user, true));
    assert_eq!(
        store.schema(user).await.unwrap().unwrap().references[0].name,
        "base.json"
    );
    let listed = store.versions_with_schemas("us").await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].1.references.len(), 1);

    let scope = Scope::Subject(Subject::parse("base").unwrap());
    let config = ConfigRecord {
        compatibility: Some(CompatibilityMode::Full),
        consumer_compatibility: Some(ConsumerCompatibility::Enforce),
        ..ConfigRecord::default()
    };
    store.set_config(&scope, &config, &audit()).await.unwrap();
    store
        .set_mode(&scope, Mode::ReadOnly, &audit())
        .await
        .unwrap();
    store
        .set_mode(&Scope::Global, Mode::Import, &audit())
        .await
        .unwrap();
    assert_eq!(store.config(&scope).await.unwrap(), Some(config.clone()));
    assert_eq!(store.mode(&scope).await.unwrap(), Some(Mode::ReadOnly));
    // Not recursive: the subject's mode stays.
    assert_eq!(
        store
            .delete_mode(&Scope::Global, false, &audit())
            .await
            .unwrap(),
        Some(Mode::Import)
    );
    assert_eq!(store.mode(&scope).await.unwrap(), Some(Mode::ReadOnly));
    store
        .set_mode(&Scope::Global, Mode::Import, &audit())
        .await
        .unwrap();
    // Recursive: every subject's mode goes with the global one.
    assert_eq!(
        store
            .delete_mode(&Scope::Global, true, &audit())
            .await
            .unwrap(),
        Some(Mode::Import)
    );
    assert_eq!(store.mode(&scope).await.unwrap(), None);
    assert_eq!(store.mode(&Scope::Global).await.unwrap(), None);

    // Deleting a subject's last version takes its settings along.
    store
        .set_mode(&scope, Mode::ReadOnly, &audit())
        .await
        .unwrap();
    store
        .soft_delete("base", &[Version(1)], 1, &audit())
        .await
        .unwrap();
    store
        .hard_delete("base", &[Version(1)], 2, &audit())
        .await
        .unwrap();
    assert_eq!(store.config(&scope).await.unwrap(), None);
    assert_eq!(store.mode(&scope).await.unwrap(), None);
    assert_eq!(store.delete_config(&scope, &audit()).await.unwrap(), None);
    store.ping().await.unwrap();
}

async fn listings_sort_names_bytewise(db: Db) {
    let store = db.open().await;
    for (subject, text) in [
        ("b", "1"),
        ("B", "2"),
        ("a", "3"),
        ("_x", "4"),
        ("a-b", "5"),
    ] {
        store
            .insert_version(version(subject, 1, 0, text), &audit())
            .await
            .unwrap();
    }
    let names: Vec<String> = store
        .subjects()
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.name)
        .collect();
    assert_eq!(names, ["B", "_x", "a", "a-b", "b"]);
    let listed: Vec<String> = store
        .versions_with_schemas("a")
        .await
        .unwrap()
        .into_iter()
        .map(|(v, _)| v.subject)
        .collect();
    assert_eq!(listed, ["a", "a-b"]);
}

async fn ids_continue_above_every_import(db: Db) {
    let store = db.open().await;
    let mut imported = version("s", 1, 0, "a");
    imported.schema.id = Some(SchemaId(100));
    store.insert_version(imported, &audit()).await.unwrap();
    let next = store
        .insert_version(version("s", 2, 1, "b"), &audit())
        .await
        .unwrap();
    assert_eq!(next, SchemaId(101));
    // An import below the highest id does not move allocation back.
    let mut low = version("s", 3, 2, "c");
    low.schema.id = Some(SchemaId(5));
    assert_eq!(
        store.insert_version(low, &audit()).await.unwrap(),
        SchemaId(5)
    );
    assert_eq!(
        store
            .insert_version(version("s", 4, 3, "d"), &audit())
            .await
            .unwrap(),
        SchemaId(102)
    );
    assert_eq!(store.max_schema_id().await.unwrap(), Some(SchemaId(102)));
}

async fn audits_changes_in_their_transaction(db: Db) {
    let store = db.open().await;
    let ci = Actor {
        principal: Some("ci".into()),
        address: Some("127.0.0.1".into()),
    };
    let at = |time_ms: i64, action: Action, subject: Option<&str>| {
        let mut event = AuditEvent::new(&ci, action, subject);
        event.time_ms = time_ms;
        event
    };
    let id = store
        .insert_version(
            version("s", 1, 0, "a"),
            &at(1000, Action::Register, Some("s")),
        )
        .await
        .unwrap();
    // Writes that do not happen leave no record.
    let stale = store
        .insert_version(
            version("s", 2, 0, "b"),
            &at(1500, Action::Register, Some("s")),
        )
        .await;
    assert!(matches!(stale, Err(StoreError::Conflict)), "{stale:?}");
    let stale = store
        .soft_delete(
            "s",
            &[Version(1)],
            0,
            &at(1500, Action::SoftDeleteVersion, Some("s")),
        )
        .await;
    assert!(matches!(stale, Err(StoreError::Conflict)), "{stale:?}");
    let nothing = Scope::Subject(Subject::parse("t").unwrap());
    let none_set = store
        .delete_config(&nothing, &at(1500, Action::DeleteConfig, Some("t")))
        .await;
    assert_eq!(none_set.unwrap(), None);
    // A refusal is recorded on its own.
    let mut refused = at(2000, Action::Register, Some("t")).with("messages", "x".into());
    refused.outcome = Outcome::Incompatible;
    store.record_audit(&refused).await.unwrap();
    let open = AuditEvent {
        time_ms: 3000,
        ..AuditEvent::new(&Actor::default(), Action::SetConfig, None)
    };
    store
        .set_config(&Scope::Global, &ConfigRecord::default(), &open)
        .await
        .unwrap();

    let read = |query: AuditQuery| {
        let store = store.clone();
        async move { store.audit_events(&query).await.unwrap() }
    };
    let all = read(AuditQuery::default()).await;
    assert_eq!(all.len(), 3, "{all:?}");
    assert_eq!(all[0], open);
    assert_eq!(all[1], refused);
    let registered = &all[2];
    assert_eq!(registered.id, Some(id), "the store fills in the id it drew");
    assert_eq!(registered.principal.as_deref(), Some("ci"));
    assert_eq!(registered.address.as_deref(), Some("127.0.0.1"));
    assert_eq!(registered.outcome, Outcome::Done);

    let subject = |s: &str| AuditQuery {
        subject: Some(s.into()),
        ..AuditQuery::default()
    };
    assert_eq!(read(subject("s")).await.len(), 1);
    assert_eq!(read(subject("t")).await, [refused.clone()]);
    let by_ci = AuditQuery {
        principal: Some("ci".into()),
        ..AuditQuery::default()
    };
    assert_eq!(read(by_ci).await.len(), 2);
    let window = AuditQuery {
        since_ms: Some(1000),
        until_ms: Some(2000),
        limit: 1,
        ..AuditQuery::default()
    };
    assert_eq!(read(window).await, [refused]);
}

/// Every schema's GUID is its content key as a UUID, computed by the
/// database for every row (migration 0005) exactly as `guid_of` computes it,
/// and finds the schema.
async fn guids_follow_the_content_key(db: Db) {
    let store = db.open().await;
    let key = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    let mut new = version("s", 1, 0, "a");
    new.schema.content_key = key.to_string();
    let id = store.insert_version(new, &audit()).await.unwrap();
    let stored = store.schema(id).await.unwrap().unwrap();
    assert_eq!(stored.guid, "9f86d081-884c-8d65-9a2f-eaa0c55ad015");
    assert_eq!(stored.guid, guid_of(key));
    assert_eq!(
        store.schema_id_by_guid(&stored.guid).await.unwrap(),
        Some(id)
    );
    let other = store
        .insert_version(version("s", 2, 1, "b"), &audit())
        .await
        .unwrap();
    let other = store.schema(other).await.unwrap().unwrap();
    assert_eq!(other.guid, guid_of("key-of-b"));
    let listed = store.versions_with_schemas("s").await.unwrap();
    let guids: Vec<&str> = listed.iter().map(|(_, s)| s.guid.as_str()).collect();
    assert_eq!(guids, [stored.guid.as_str(), other.guid.as_str()]);
    assert_eq!(
        store
            .schema_id_by_guid("9f86d081-0000-8000-8000-000000000000")
            .await
            .unwrap(),
        None
    );
}

/// Each test above, once per backend.
macro_rules! contract {
    ($($test:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $test() {
                    super::$test(super::Db::sqlite()).await
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $test() {
                    let Some(db) = super::Db::postgres(stringify!($test)).await else {
                        return;
                    };
                    super::$test(db).await
                }
            )*
        }
    };
}

fn reader(consumer: &str, subject: &str, environment: &str, reader: StoredReader) -> ReaderRecord {
    ReaderRecord {
        consumer: consumer.to_string(),
        subject: subject.to_string(),
        environment: environment.to_string(),
        reader,
        consumer_version: Some("1.4.2".to_string()),
        recorded_at_ms: 7,
    }
}

async fn consumers_deployments_and_retention(db: Db) {
    let store = db.open().await;
    let own = StoredReader::Schema {
        schema_type: SchemaType::Json,
        text: "{}".to_string(),
        references: vec![Reference {
            name: "money.json".to_string(),
            subject: "money".to_string(),
            version: Version(2),
        }],
    };
    let pinned = StoredReader::Version {
        version: Version(3),
        schema_id: SchemaId(9),
    };
    let event = |action| AuditEvent::new(&Actor::default(), action, Some("inventory"));
    let fulfillment = reader("fulfillment", "inventory", "prod", own.clone());
    store
        .record_reader(&fulfillment, &event(Action::RecordConsumer))
        .await
        .unwrap();
    store
        .record_reader(
            &reader("billing", "inventory", "prod", pinned.clone()),
            &event(Action::RecordConsumer),
        )
        .await
        .unwrap();
    store
        .record_reader(
            &reader("fulfillment", "inventory", "staging", pinned.clone()),
            &event(Action::RecordConsumer),
        )
        .await
        .unwrap();
    // Recording again replaces the reader; the history keeps both.
    let replaced = ReaderRecord {
        reader: pinned.clone(),
        consumer_version: None,
        ..fulfillment.clone()
    };
    store
        .record_reader(&replaced, &event(Action::RecordConsumer))
        .await
        .unwrap();
    let all = store.readers(&ReaderFilter::default()).await.unwrap();
    let keys: Vec<(&str, &str)> = all
        .iter()
        .map(|r| (r.consumer.as_str(), r.environment.as_str()))
        .collect();
    assert_eq!(
        keys,
        [
            ("billing", "prod"),
            ("fulfillment", "prod"),
            ("fulfillment", "staging")
        ]
    );
    assert_eq!(all[1], replaced);
    let prod = store
        .readers(&ReaderFilter {
            subject: Some("inventory".to_string()),
            environment: Some("prod".to_string()),
            ..ReaderFilter::default()
        })
        .await
        .unwrap();
    assert_eq!(prod.len(), 2);
    let nowhere = ReaderFilter {
        environment: Some("qa".to_string()),
        ..ReaderFilter::default()
    };
    assert!(store.readers(&nowhere).await.unwrap().is_empty());

    assert!(
        store
            .forget_reader(
                "fulfillment",
                "inventory",
                "prod",
                8,
                &event(Action::ForgetConsumer)
            )
            .await
            .unwrap()
    );
    assert!(
        !store
            .forget_reader(
                "fulfillment",
                "inventory",
                "prod",
                9,
                &event(Action::ForgetConsumer)
            )
            .await
            .unwrap()
    );
    let history = store.reader_history("fulfillment").await.unwrap();
    let events: Vec<(bool, &str, Option<&StoredReader>)> = history
        .iter()
        .map(|e| (e.forgotten, e.environment.as_str(), e.reader.as_ref()))
        .collect();
    assert_eq!(
        events,
        [
            (false, "prod", Some(&own)),
            (false, "staging", Some(&pinned)),
            (false, "prod", Some(&pinned)),
            (true, "prod", None),
        ]
    );

    for (version, at) in [(1, 10), (3, 11), (2, 12), (3, 13)] {
        store
            .record_deployment(
                &Deployment {
                    subject: "inventory".to_string(),
                    environment: "prod".to_string(),
                    version: Version(version),
                    deployed_at_ms: at,
                },
                &event(Action::RecordDeployment),
            )
            .await
            .unwrap();
    }
    let running = store.deployments("prod").await.unwrap();
    assert_eq!(running.len(), 1);
    assert_eq!(
        (running[0].version, running[0].deployed_at_ms),
        (Version(3), 13)
    );
    assert!(store.deployments("qa").await.unwrap().is_empty());
    assert_eq!(
        store.deployed_versions("inventory", "prod").await.unwrap(),
        [Version(1), Version(2), Version(3)]
    );
    assert_eq!(store.retention("inventory", "prod").await.unwrap(), None);
    store
        .set_retention(
            "inventory",
            "prod",
            Version(2),
            &event(Action::SetRetention),
        )
        .await
        .unwrap();
    store
        .set_retention(
            "inventory",
            "prod",
            Version(3),
            &event(Action::SetRetention),
        )
        .await
        .unwrap();
    assert_eq!(
        store.retention("inventory", "prod").await.unwrap(),
        Some(Version(3))
    );
    // Every change wrote its event with it; forgetting nothing wrote none.
    let actions: Vec<Action> = store
        .audit_events(&AuditQuery::default())
        .await
        .unwrap()
        .into_iter()
        .rev()
        .map(|e| e.action)
        .collect();
    let expected = [
        [Action::RecordConsumer; 4].as_slice(),
        &[Action::ForgetConsumer],
        &[Action::RecordDeployment; 4],
        &[Action::SetRetention; 2],
    ]
    .concat();
    assert_eq!(actions, expected);
    store.close().await;
}

contract!(
    appends_only_to_the_history_it_read,
    one_content_one_id_never_reused,
    explicit_ids_are_checked,
    references_and_settings,
    listings_sort_names_bytewise,
    stores_on_one_database_agree,
    ids_continue_above_every_import,
    consumers_deployments_and_retention,
    audits_changes_in_their_transaction,
    guids_follow_the_content_key,
    data_contract_config_fields,
    several_things_in_one_read,
    contexts_have_their_own_ids,
    stores_agree_on_context_ids,
    associations_one_per_resource_and_kind,
    association_rules_hold_across_stores,
);

/// PostgreSQL only (an SQLite file has no notifications; its store is for
/// one process): a permanent delete through one store reaches the cache of
/// every other store on the database, and nothing else does.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_permanent_deletes_reach_other_stores() {
    let Some(db) = Db::postgres("permanent_deletes_reach").await else {
        return;
    };
    let (writer, other) = (db.open().await, db.open().await);
    let heard: Arc<Mutex<Vec<Invalidation>>> = Arc::default();
    let sink = heard.clone();
    other.on_invalidation(Arc::new(move |event| sink.lock().unwrap().push(event)));
    let wait_for = |expected: usize| {
        let heard = heard.clone();
        async move {
            for _ in 0..500 {
                if heard.lock().unwrap().len() >= expected {
                    return heard.lock().unwrap().clone();
                }
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            panic!("heard only {:?}", heard.lock().unwrap());
        }
    };
    // Once listening, everything cached before may be stale: forget it all.
    assert_eq!(wait_for(1).await, [Invalidation::All]);

    let kept = writer
        .insert_version(version("s", 1, 0, "kept"), &audit())
        .await
        .unwrap();
    let gone = writer
        .insert_version(version("s", 2, 1, "gone"), &audit())
        .await
        .unwrap();
    writer
        .insert_version(version("t", 1, 0, "kept"), &audit())
        .await
        .unwrap();
    writer
        .soft_delete("s", &[Version(1), Version(2)], 2, &audit())
        .await
        .unwrap();
    writer
        .hard_delete("s", &[Version(1), Version(2)], 3, &audit())
        .await
        .unwrap();
    // `kept` is still held by subject t: only `gone` is announced.
    assert_eq!(
        wait_for(2).await,
        [Invalidation::All, Invalidation::Gone(vec![gone])]
    );
    assert!(other.held_schema(kept).await.unwrap().is_some());
    other.close().await;
    writer.close().await;
}
