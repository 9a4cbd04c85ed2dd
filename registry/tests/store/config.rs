//! The config data-contract fields in the `Store` contract (see the
//! crate root: `contract!` runs this on every backend).

use registry::model::{ConfigRecord, ContractDefaults, Metadata, RuleSet, Scope, Subject};
use schemas::CompatibilityMode;

use super::{Db, audit};

/// The data-contract config fields (issue #13) are kept per scope as set,
/// replaced whole by a later set, cleared one by one, and handed back by a
/// delete.
pub(crate) async fn data_contract_config_fields(db: Db) {
    let store = db.open().await;
    let metadata: Metadata = serde_json::from_value(serde_json::json!({
        "properties": {"owner": "payments", "major_version": "1"},
        "tags": {"Order.total": ["PII"]}, "sensitive": ["owner"]
    }))
    .unwrap();
    let rules: RuleSet = serde_json::from_value(serde_json::json!({
        "domainRules": [{"name": "positive", "kind": "CONDITION", "mode": "WRITE",
                         "type": "CEL", "expr": "message.total > 0.0"}]
    }))
    .unwrap();
    let full = ConfigRecord {
        compatibility: Some(CompatibilityMode::Backward),
        compatibility_group: Some("major_version".into()),
        validate_fields: Some(true),
        validate_rules: Some(false),
        alias: Some("orders-v2".into()),
        contract_defaults: ContractDefaults {
            default_metadata: Some(metadata.clone()),
            override_metadata: Some(Metadata::default()),
            default_rule_set: Some(rules.clone()),
            override_rule_set: Some(rules.clone()),
        },
        ..ConfigRecord::default()
    };
    let orders = Scope::Subject(Subject::parse("orders").unwrap());
    for scope in [&Scope::Global, &orders] {
        store.set_config(scope, &full, &audit()).await.unwrap();
        assert_eq!(store.config(scope).await.unwrap().as_ref(), Some(&full));
    }
    // Another store on the same database reads the same.
    let other = db.open().await;
    assert_eq!(other.config(&orders).await.unwrap().as_ref(), Some(&full));
    let fewer = ConfigRecord {
        alias: None,
        validate_rules: None,
        contract_defaults: ContractDefaults {
            default_metadata: Some(metadata),
            ..ContractDefaults::default()
        },
        ..full.clone()
    };
    store.set_config(&orders, &fewer, &audit()).await.unwrap();
    assert_eq!(store.config(&orders).await.unwrap().as_ref(), Some(&fewer));
    assert_eq!(
        store
            .delete_config(&orders, &audit())
            .await
            .unwrap()
            .as_ref(),
        Some(&fewer)
    );
    assert_eq!(store.config(&orders).await.unwrap(), None);
    assert_eq!(
        store.config(&Scope::Global).await.unwrap().as_ref(),
        Some(&full)
    );
}
