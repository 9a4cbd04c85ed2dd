//! The `Store` contract, continued (see `store.rs`): writers racing through
//! two stores on one database (two registry processes).

use std::sync::Arc;

use registry::model::SchemaId;
use registry::store::{NewVersion, Store, StoreError};

use super::{Db, audit, version};

/// Twenty writes at once, `make(i)` the i-th, half through each of two
/// stores on one database; their outcomes in order.
pub(crate) async fn twenty_at_once(
    first: &Arc<dyn Store>,
    second: &Arc<dyn Store>,
    make: impl Fn(usize) -> NewVersion,
) -> Vec<Result<SchemaId, StoreError>> {
    let tasks: Vec<_> = (0..20)
        .map(|i| {
            let store = if i % 2 == 0 { first } else { second }.clone();
            let new = make(i);
            tokio::spawn(async move { store.insert_version(new, &audit()).await })
        })
        .collect();
    let mut outcomes = Vec::new();
    for task in tasks {
        outcomes.push(task.await.unwrap());
    }
    outcomes
}

pub(crate) async fn stores_on_one_database_agree(db: Db) {
    let (first, second) = (db.open().await, db.open().await);
    // Twenty writers, half through each store, append version 1 of one
    // subject at once: exactly one wins.
    let mut won = 0;
    for outcome in
        twenty_at_once(&first, &second, |i| version("race", 1, 0, &format!("r{i}"))).await
    {
        match outcome {
            Ok(_) => won += 1,
            Err(StoreError::Conflict) => {}
            Err(e) => panic!("{e:?}"),
        }
    }
    assert_eq!(won, 1);
    assert_eq!(second.history("race").await.unwrap().versions.len(), 1);

    // One content stored at once through both, in twenty subjects: one id.
    let same = |i| version(&format!("same-{i}"), 1, 0, "shared");
    let mut ids: Vec<SchemaId> = twenty_at_once(&first, &second, same)
        .await
        .into_iter()
        .map(Result::unwrap)
        .collect();
    ids.dedup();
    assert_eq!(ids.len(), 1, "{ids:?}");
    assert_eq!(first.usages(ids[0]).await.unwrap().len(), 20);
}
