//! The `Store` contract, continued (see `store.rs`): writers racing through
//! two stores on one database (two registry processes).

use std::sync::Arc;

use registry::model::{Association, AssociationFilter, AssociationType, Lifecycle, SchemaId};
use registry::store::{AssociationChanges, NewVersion, Store, StoreError};

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

/// Twenty writers at once, half through each of two stores on one
/// database, associate resources of their own with one subject, every
/// third STRONG: whatever the order, the subject ends with WEAK
/// associations only, or with one STRONG one alone (the peer's 40904 and
/// 40905, guarded by the store); every other writer is told of a conflict.
pub(crate) async fn association_rules_hold_across_stores(db: Db) {
    let (first, second) = (db.open().await, db.open().await);
    for round in 0..4 {
        let subject = format!("contested-{round}");
        let tasks: Vec<_> = (0..20)
            .map(|i| {
                let store = if i % 2 == 0 { &first } else { &second }.clone();
                let strong = (i + round) % 3 == 0;
                let association = Association {
                    subject: subject.clone(),
                    guid: format!("guid-{round}-{i}"),
                    resource_name: format!("topic-{i}"),
                    resource_namespace: "lkc".to_string(),
                    resource_id: format!("id-{round}-{i}"),
                    resource_type: "topic".to_string(),
                    association_type: AssociationType::Value,
                    lifecycle: if strong {
                        Lifecycle::Strong
                    } else {
                        Lifecycle::Weak
                    },
                    frozen: strong,
                    created_at_ms: 1,
                    updated_at_ms: 1,
                };
                let changes = AssociationChanges {
                    insert: vec![association],
                    ..AssociationChanges::default()
                };
                tokio::spawn(async move { store.change_associations(&changes, &audit()).await })
            })
            .collect();
        let mut written = 0;
        for task in tasks {
            match task.await.unwrap() {
                Ok(()) => written += 1,
                Err(StoreError::Conflict) => {}
                Err(e) => panic!("{e:?}"),
            }
        }
        let filter = AssociationFilter {
            subject: Some(subject.clone()),
            ..AssociationFilter::default()
        };
        let held = second.associations(&filter).await.unwrap();
        assert_eq!(held.len(), written, "{held:?}");
        let strong = held
            .iter()
            .filter(|a| a.lifecycle == Lifecycle::Strong)
            .count();
        assert!(
            !held.is_empty() && (strong == 0 || held.len() == 1),
            "{subject}: {strong} STRONG among {held:?}"
        );
    }
}
