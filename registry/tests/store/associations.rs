//! Associations in the `Store` contract (see the crate root: `contract!`
//! runs this on every backend).

use registry::audit::AuditQuery;
use registry::model::{Association, AssociationFilter, AssociationType, Lifecycle};
use registry::store::{AssociationChanges, StoreError};

use super::{Db, audit};

fn association(
    id: &str,
    name: &str,
    namespace: &str,
    kind: AssociationType,
    subject: &str,
) -> Association {
    Association {
        subject: subject.to_string(),
        guid: format!("guid-{id}-{kind}"),
        resource_name: name.to_string(),
        resource_namespace: namespace.to_string(),
        resource_id: id.to_string(),
        resource_type: "topic".to_string(),
        association_type: kind,
        lifecycle: Lifecycle::Weak,
        frozen: false,
        created_at_ms: 1_000,
        updated_at_ms: 1_000,
    }
}

fn inserting(associations: Vec<Association>) -> AssociationChanges {
    AssociationChanges {
        insert: associations,
        ..AssociationChanges::default()
    }
}

/// Associations are kept as written, read back by subject, resource id and
/// name in the peer's order, one per resource and kind (a second insert is
/// a conflict, whichever store writes it), updated and deleted only as
/// read, each write with its audit record.
pub(crate) async fn associations_one_per_resource_and_kind(db: Db) {
    let store = db.open().await;
    let orders_value = association(
        "id-orders",
        "orders",
        "lkc-1",
        AssociationType::Value,
        "orders-contract",
    );
    let orders_key = association(
        "id-orders",
        "orders",
        "lkc-1",
        AssociationType::Key,
        "orders-key",
    );
    store
        .change_associations(
            &inserting(vec![orders_value.clone(), orders_key.clone()]),
            &audit(),
        )
        .await
        .unwrap();
    let mut payments = association(
        "id-pay",
        "payments",
        "lkc-2",
        AssociationType::Value,
        "payments-contract",
    );
    payments.lifecycle = Lifecycle::Strong;
    payments.frozen = true;
    store
        .change_associations(&inserting(vec![payments.clone()]), &audit())
        .await
        .unwrap();

    let all = store
        .associations(&AssociationFilter::default())
        .await
        .unwrap();
    assert_eq!(
        all,
        [orders_key.clone(), orders_value.clone(), payments.clone()],
        "by name, namespace, type, kind"
    );
    let by_subject = AssociationFilter {
        subject: Some("orders-contract".into()),
        ..AssociationFilter::default()
    };
    assert_eq!(
        store.associations(&by_subject).await.unwrap(),
        std::slice::from_ref(&orders_value)
    );
    let strong = AssociationFilter {
        lifecycle: Some(Lifecycle::Strong),
        ..AssociationFilter::default()
    };
    assert_eq!(
        store.associations(&strong).await.unwrap(),
        [payments.clone()]
    );
    let values_of_orders = AssociationFilter {
        resource_id: Some("id-orders".into()),
        association_types: vec![AssociationType::Value],
        ..AssociationFilter::default()
    };
    assert_eq!(
        store.associations(&values_of_orders).await.unwrap(),
        std::slice::from_ref(&orders_value)
    );
    let by_name = AssociationFilter {
        resource_name: Some("orders".into()),
        resource_namespace: Some("lkc-2".into()),
        ..AssociationFilter::default()
    };
    assert!(store.associations(&by_name).await.unwrap().is_empty());

    // A second association of one kind on a resource: refused, nothing
    // written (not even the first of the batch, nor the audit record).
    let other = db.open().await;
    let mut again = orders_value.clone();
    again.guid = "another".into();
    again.subject = "other".into();
    let fresh = association(
        "id-new",
        "new",
        "lkc-1",
        AssociationType::Value,
        "new-value",
    );
    let before = other
        .audit_events(&AuditQuery::default())
        .await
        .unwrap()
        .len();
    let refused = other
        .change_associations(&inserting(vec![fresh.clone(), again]), &audit())
        .await;
    assert!(matches!(refused, Err(StoreError::Conflict)), "{refused:?}");
    assert_eq!(
        store
            .associations(&AssociationFilter::default())
            .await
            .unwrap()
            .len(),
        3
    );
    assert_eq!(
        other
            .audit_events(&AuditQuery::default())
            .await
            .unwrap()
            .len(),
        before
    );

    // A STRONG association is its subject's only one: neither a WEAK one
    // beside it nor a STRONG one beside a WEAK one is written.
    let beside_strong = association(
        "id-w",
        "w",
        "lkc-1",
        AssociationType::Value,
        "payments-contract",
    );
    let mut beside_weak = association(
        "id-s",
        "s",
        "lkc-1",
        AssociationType::Value,
        "orders-contract",
    );
    beside_weak.lifecycle = Lifecycle::Strong;
    beside_weak.frozen = true;
    for refused in [beside_strong, beside_weak] {
        let answer = other
            .change_associations(&inserting(vec![refused]), &audit())
            .await;
        assert!(matches!(answer, Err(StoreError::Conflict)), "{answer:?}");
    }

    // Updates and deletes name what they read.
    let mut weaker = payments.clone();
    weaker.subject = "payments-value".into();
    weaker.updated_at_ms = 2_000;
    let update = AssociationChanges {
        update: vec![weaker.clone()],
        ..AssociationChanges::default()
    };
    other.change_associations(&update, &audit()).await.unwrap();
    let stale = AssociationChanges {
        delete: vec![Association {
            guid: "stale".into(),
            ..weaker.clone()
        }],
        ..AssociationChanges::default()
    };
    assert!(matches!(
        store.change_associations(&stale, &audit()).await,
        Err(StoreError::Conflict)
    ));
    let pay = AssociationFilter {
        resource_id: Some("id-pay".into()),
        ..AssociationFilter::default()
    };
    assert_eq!(store.associations(&pay).await.unwrap(), [weaker.clone()]);
    let delete = AssociationChanges {
        delete: vec![weaker],
        ..AssociationChanges::default()
    };
    store.change_associations(&delete, &audit()).await.unwrap();
    assert!(store.associations(&pay).await.unwrap().is_empty());
    assert_eq!(
        store
            .audit_events(&AuditQuery::default())
            .await
            .unwrap()
            .len(),
        before + 2,
        "one record for the update, one for the delete, none for the refusals"
    );
}
