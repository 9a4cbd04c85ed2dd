//! The `Store` contract, written against `dyn Store` so that every backend
//! runs the same checks (SQLite today).

mod common;

use std::sync::Arc;

use registry::model::{ConfigRecord, Mode, Reference, SchemaId, Scope, Subject, Version};
use registry::store::{NewSchema, NewVersion, SqliteStore, Store, StoreError};
use schemas::{CompatibilityMode, SchemaType};

async fn sqlite() -> (Arc<dyn Store>, tempfile::TempDir) {
    let dir = common::temp_dir();
    let url = format!("sqlite://{}", dir.path().join("store.db").display());
    let store = SqliteStore::open(&url).await.expect("store opens");
    (Arc::new(store), dir)
}

fn version(subject: &str, number: i32, generation: i64, text: &str) -> NewVersion {
    NewVersion {
        subject: subject.to_string(),
        version: Version(number),
        expected_generation: generation,
        schema: NewSchema {
            id: None,
            content_key: format!("key-of-{text}"),
            schema_type: SchemaType::Json,
            text: text.to_string(),
            references: vec![],
        },
        registered_at_ms: 1,
    }
}

#[tokio::test]
async fn appends_only_to_the_history_it_read() {
    let (store, _dir) = sqlite().await;
    let first = store.insert_version(version("s", 1, 0, "a")).await.unwrap();
    let history = store.history("s").await.unwrap();
    assert_eq!(history.generation, 1);
    assert_eq!(history.versions.len(), 1);
    // A writer that read generation 0 lost the race.
    let stale = store.insert_version(version("s", 2, 0, "b")).await;
    assert!(matches!(stale, Err(StoreError::Conflict)), "{stale:?}");
    // A taken version number conflicts too.
    let taken = store.insert_version(version("s", 1, 1, "b")).await;
    assert!(matches!(taken, Err(StoreError::Conflict)), "{taken:?}");
    let second = store.insert_version(version("s", 2, 1, "b")).await.unwrap();
    assert_ne!(first, second);
    // Nothing of the refused writes was kept.
    assert_eq!(store.history("s").await.unwrap().versions.len(), 2);
    assert_eq!(store.max_schema_id().await.unwrap(), Some(second));
}

#[tokio::test]
async fn one_content_one_id_never_reused() {
    let (store, _dir) = sqlite().await;
    let a = store.insert_version(version("s", 1, 0, "a")).await.unwrap();
    let same = store.insert_version(version("t", 1, 0, "a")).await.unwrap();
    assert_eq!(a, same);
    let b = store.insert_version(version("s", 2, 1, "b")).await.unwrap();
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
    store.soft_delete("s", &[Version(2)], 2).await.unwrap();
    assert!(store.history("s").await.unwrap().versions[1].deleted);
    store.hard_delete("s", &[Version(2)], 3).await.unwrap();
    assert!(store.usages(b).await.unwrap().is_empty());
    assert!(store.held_schema(b).await.unwrap().is_none());
    assert_eq!(store.held_schema(a).await.unwrap().unwrap().text, "a");
    let c = store.insert_version(version("s", 2, 4, "c")).await.unwrap();
    assert!(c.0 > b.0, "id {c} reuses {b}");
    // The schema row of `b` stays, so the same content gets its old id back.
    assert_eq!(
        store.schema_id_by_content("key-of-b").await.unwrap(),
        Some(b)
    );
    assert_eq!(store.count_schemas_in_use().await.unwrap(), 2);
}

#[tokio::test]
async fn explicit_ids_are_checked() {
    let (store, _dir) = sqlite().await;
    let mut imported = version("s", 7, 0, "a");
    imported.schema.id = Some(SchemaId(50));
    assert_eq!(store.insert_version(imported).await.unwrap(), SchemaId(50));
    let mut clash = version("s", 8, 1, "b");
    clash.schema.id = Some(SchemaId(50));
    assert!(matches!(
        store.insert_version(clash).await,
        Err(StoreError::IdTaken { .. })
    ));
    let mut moved = version("s", 8, 1, "a");
    moved.schema.id = Some(SchemaId(51));
    assert!(matches!(
        store.insert_version(moved).await,
        Err(StoreError::ContentTaken {
            existing: SchemaId(50)
        })
    ));
    // Allocation continues above the imported id.
    assert_eq!(
        store.insert_version(version("s", 8, 1, "b")).await.unwrap(),
        SchemaId(51)
    );
}

#[tokio::test]
async fn references_and_settings() {
    let (store, _dir) = sqlite().await;
    store
        .insert_version(version("base", 1, 0, "base"))
        .await
        .unwrap();
    let mut referring = version("user", 1, 0, "user");
    referring.schema.references = vec![Reference {
        name: "base.json".into(),
        subject: "base".into(),
        version: Version(1),
    }];
    let user = store.insert_version(referring).await.unwrap();
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
        ..ConfigRecord::default()
    };
    store.set_config(&scope, config).await.unwrap();
    store.set_mode(&scope, Mode::ReadOnly).await.unwrap();
    store.set_mode(&Scope::Global, Mode::Import).await.unwrap();
    assert_eq!(store.config(&scope).await.unwrap(), Some(config));
    assert_eq!(store.mode(&scope).await.unwrap(), Some(Mode::ReadOnly));
    store.delete_subject_modes().await.unwrap();
    assert_eq!(store.mode(&scope).await.unwrap(), None);
    assert_eq!(
        store.mode(&Scope::Global).await.unwrap(),
        Some(Mode::Import)
    );
    assert_eq!(
        store.delete_mode(&Scope::Global).await.unwrap(),
        Some(Mode::Import)
    );

    // Deleting a subject's last version takes its settings along.
    store.set_mode(&scope, Mode::ReadOnly).await.unwrap();
    store.soft_delete("base", &[Version(1)], 1).await.unwrap();
    store.hard_delete("base", &[Version(1)], 2).await.unwrap();
    assert_eq!(store.config(&scope).await.unwrap(), None);
    assert_eq!(store.mode(&scope).await.unwrap(), None);
    assert_eq!(store.delete_config(&scope).await.unwrap(), None);
    store.ping().await.unwrap();
}
