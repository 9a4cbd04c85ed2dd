//! The `Store` contract, continued (see `store.rs`): the reads a
//! registration makes in one statement each.

use registry::model::{ConfigRecord, Mode, Scope, Subject, Version};
use schemas::CompatibilityMode;

use super::{Db, audit, version};

/// The reads a registration makes in one statement each: a history with its
/// generation (kept when no version is left), the configs and modes of
/// several scopes in their order, both keys of a posted schema; and a write
/// that was told its content was absent when it was not still finds its id.
pub(crate) async fn several_things_in_one_read(db: Db) {
    let store = db.open().await;
    let none = store.history("never-written").await.unwrap();
    assert_eq!((none.generation, none.versions.len()), (0, 0));
    let x = store
        .insert_version(version("s", 1, 0, "x"), &audit())
        .await
        .unwrap();
    // Another text whose canonical key is x's: a formatting variant.
    let mut variant = version("s", 2, 1, "y");
    variant.schema.canonical_key = "canonical-key-of-x".to_string();
    let y = store.insert_version(variant, &audit()).await.unwrap();
    let history = store.history("s").await.unwrap();
    assert_eq!(history.generation, 2);
    assert_eq!(
        history
            .versions
            .iter()
            .map(|v| (v.version, v.schema_id))
            .collect::<Vec<_>>(),
        [(Version(1), x), (Version(2), y)]
    );
    let found = store
        .schemas_by_keys("key-of-x", "no-identity", "canonical-key-of-x")
        .await
        .unwrap();
    assert_eq!(found.content, [x]);
    assert_eq!(
        found.variants.iter().map(|v| v.id).collect::<Vec<_>>(),
        [x, y]
    );
    let found = store
        .schemas_by_keys("key-of-y", "no-identity", "canonical-key-of-nothing")
        .await
        .unwrap();
    assert_eq!((found.content, found.variants.len()), (vec![y], 0));
    // The identity key finds a schema too.
    let found = store
        .schemas_by_keys("no-key", "key-of-y", "no-key")
        .await
        .unwrap();
    assert_eq!(found.content, [y]);
    assert_eq!(
        store
            .schemas_by_keys("no-key", "no-key", "no-key")
            .await
            .unwrap(),
        Default::default()
    );

    // Content stored a moment ago by another writer, though this one saw
    // it absent: the same id, no new schema.
    let mut late = version("t", 1, 0, "x");
    late.schema.seen_absent = true;
    assert_eq!(store.insert_version(late, &audit()).await.unwrap(), x);
    assert_eq!(store.count_schemas_in_use().await.unwrap(), 2);

    let (a, b) = (
        Scope::Subject(Subject::parse("s").unwrap()),
        Scope::Subject(Subject::parse("t").unwrap()),
    );
    let config = ConfigRecord {
        compatibility: Some(CompatibilityMode::Forward),
        ..ConfigRecord::default()
    };
    store.set_config(&a, &config, &audit()).await.unwrap();
    store
        .set_mode(&Scope::Global, Mode::ReadOnly, &audit())
        .await
        .unwrap();
    assert_eq!(
        store
            .configs(&[Scope::Global, a.clone(), b.clone(), a.clone()])
            .await
            .unwrap(),
        [None, Some(config.clone()), None, Some(config)]
    );
    assert_eq!(
        store.modes(&[b.clone(), Scope::Global]).await.unwrap(),
        [None, Some(Mode::ReadOnly)]
    );
    assert!(store.configs(&[]).await.unwrap().is_empty());
    assert!(store.modes(&[]).await.unwrap().is_empty());

    // Every version gone for good: the generation stays.
    store
        .hard_delete("s", &[Version(1), Version(2)], 2, &audit())
        .await
        .unwrap();
    let emptied = store.history("s").await.unwrap();
    assert_eq!((emptied.generation, emptied.versions.len()), (3, 0));
}
