//! The `Store` contract, continued (see `store.rs`): schema contexts. A
//! subject named `:.ctx:name` gets ids of its context's own, never handed
//! out twice in it (not after a permanent delete, not by two stores at
//! once); a context with versions cannot be deleted.

use registry::audit::{Action, Actor, AuditEvent};
use registry::model::{SchemaId, Version};
use std::sync::Arc;

use registry::store::{Store, StoreError};

use super::{Db, audit, twenty_at_once, version};

/// Appends a version (see `version`), returning its schema's row.
async fn insert(
    store: &Arc<dyn Store>,
    subject: &str,
    number: i32,
    generation: i64,
    text: &str,
) -> SchemaId {
    let new = version(subject, number, generation, text);
    store.insert_version(new, &audit()).await.unwrap()
}

fn delete_context() -> AuditEvent {
    AuditEvent::new(&Actor::default(), Action::DeleteContext, None)
}

pub(crate) async fn contexts_have_their_own_ids(db: Db) {
    let store = db.open().await;
    let a = insert(&store, "plain", 1, 0, "a").await;
    let b = insert(&store, "other", 1, 0, "b").await;
    // `b` in `.ctx1`: the same row, the context's first id.
    let row = insert(&store, ":.ctx1:orders", 1, 0, "b").await;
    assert_eq!(row, b);
    assert_eq!(
        store.id_in_context(".ctx1", b).await.unwrap(),
        Some(SchemaId(1))
    );
    assert_eq!(
        store.context_schema(".ctx1", SchemaId(1)).await.unwrap(),
        Some(b)
    );
    assert_eq!(store.id_in_context(".ctx1", a).await.unwrap(), None);
    let history = store.history(":.ctx1:orders").await.unwrap();
    assert_eq!(
        history
            .versions
            .iter()
            .map(|v| (v.schema_id, v.id))
            .collect::<Vec<_>>(),
        vec![(b, SchemaId(1))]
    );
    // The default context's versions show their rows.
    let plain = store.history("plain").await.unwrap();
    assert_eq!(plain.versions[0].id, a);

    // New content in the context: its second id.
    let c = insert(&store, ":.ctx1:orders", 2, 1, "c").await;
    assert_eq!(
        store.id_in_context(".ctx1", c).await.unwrap(),
        Some(SchemaId(2))
    );
    let contexts = store.contexts().await.unwrap();
    assert_eq!(contexts.len(), 1);
    assert_eq!(
        (
            contexts[0].name.as_str(),
            contexts[0].max_id,
            contexts[0].listed
        ),
        (".ctx1", Some(SchemaId(2)), true)
    );

    // Not empty: nothing changes.
    assert!(
        !store
            .delete_context(".ctx1", &delete_context())
            .await
            .unwrap()
    );
    assert!(store.contexts().await.unwrap()[0].listed);
    store
        .hard_delete(":.ctx1:orders", &[Version(1), Version(2)], 2, &audit())
        .await
        .unwrap();
    assert!(
        store
            .delete_context(".ctx1", &delete_context())
            .await
            .unwrap()
    );
    assert!(!store.contexts().await.unwrap()[0].listed);
    // Registering again lists it again, and ids continue: `c` keeps its 2,
    // new content gets 3, never a number handed out before.
    insert(&store, ":.ctx1:orders", 1, 3, "d").await;
    let d = store.history(":.ctx1:orders").await.unwrap().versions[0].id;
    assert_eq!(d, SchemaId(3));
    assert!(store.contexts().await.unwrap()[0].listed);
    assert_eq!(
        store.id_in_context(".ctx1", c).await.unwrap(),
        Some(SchemaId(2))
    );

    // An imported id is the context's; the counter moves past it.
    let mut imported = version(":.ctx1:imported", 1, 0, "e");
    imported.schema.id = Some(SchemaId(10));
    let e = store.insert_version(imported, &audit()).await.unwrap();
    assert_eq!(
        store.id_in_context(".ctx1", e).await.unwrap(),
        Some(SchemaId(10))
    );
    let mut taken = version(":.ctx1:taken", 1, 0, "f");
    taken.schema.id = Some(SchemaId(10));
    assert!(matches!(
        store.insert_version(taken, &audit()).await,
        Err(StoreError::IdTaken { id: SchemaId(10) })
    ));
    insert(&store, ":.ctx1:next", 1, 0, "g").await;
    assert_eq!(
        store.history(":.ctx1:next").await.unwrap().versions[0].id,
        SchemaId(11)
    );
    store.close().await;
}

/// Two stores on one database (two registry instances) placing one schema
/// in one context at once, in twenty subjects: one id.
pub(crate) async fn stores_agree_on_context_ids(db: Db) {
    let (first, second) = (db.open().await, db.open().await);
    let same = |i| version(&format!(":.race:same-{i}"), 1, 0, "shared");
    let mut rows: Vec<SchemaId> = twenty_at_once(&first, &second, same)
        .await
        .into_iter()
        .map(Result::unwrap)
        .collect();
    rows.dedup();
    assert_eq!(rows.len(), 1, "{rows:?}");
    let mut ids = Vec::new();
    for i in 0..20 {
        let history = first.history(&format!(":.race:same-{i}")).await.unwrap();
        ids.push(history.versions[0].id);
    }
    ids.dedup();
    assert_eq!(ids, vec![SchemaId(1)]);
}
