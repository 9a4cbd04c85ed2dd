//! The association rules, one request at a time against stored
//! associations and subject facts.

use super::*;
use crate::service::Contract;
use schemas::SchemaType;

fn schema() -> PostedSchema {
    PostedSchema {
        schema_type: SchemaType::Avro,
        text: "\"string\"".into(),
        references: vec![],
        contract: Box::new(Contract::default()),
    }
}

fn request(associations: Vec<AssociationInput>) -> AssociationRequest {
    AssociationRequest {
        resource_name: Some("orders".into()),
        resource_namespace: Some("lkc-1".into()),
        resource_id: Some("id-1".into()),
        resource_type: None,
        associations,
    }
}

fn weak(subject: &str) -> AssociationInput {
    AssociationInput {
        subject: Some(subject.into()),
        ..AssociationInput::default()
    }
}

fn strong_with_schema() -> AssociationInput {
    AssociationInput {
        schema: Some(schema()),
        ..AssociationInput::default()
    }
}

fn stored(kind: AssociationType, subject: &str, lifecycle: Lifecycle) -> Association {
    Association {
        subject: subject.into(),
        guid: "g".into(),
        resource_name: "orders".into(),
        resource_namespace: "lkc-1".into(),
        resource_id: "id-1".into(),
        resource_type: "topic".into(),
        association_type: kind,
        lifecycle,
        frozen: lifecycle == Lifecycle::Strong,
        created_at_ms: 1,
        updated_at_ms: 1,
    }
}

fn live_subject() -> SubjectFacts {
    SubjectFacts {
        latest: Some(1),
        ..SubjectFacts::default()
    }
}

/// Runs the rules; `facts` by subject (a subject not listed has no
/// version, no association, no reference).
fn check(
    request: AssociationRequest,
    upsert: Upsert,
    existing: &[Association],
    facts: &[(&str, SubjectFacts)],
) -> Result<Plan, String> {
    let facts: HashMap<String, SubjectFacts> = facts
        .iter()
        .map(|(s, f)| (s.to_string(), f.clone()))
        .collect();
    validate(request, upsert, false)
        .and_then(|(plan, inputs)| settle(plan, inputs, upsert, existing, &facts))
        .map_err(|e| e.to_string())
}

fn refused(result: Result<Plan, String>) -> String {
    result.expect_err("refused")
}

#[test]
fn a_weak_association_names_a_live_subject() {
    let plan = check(
        request(vec![weak("orders-contract")]),
        Upsert::CreateOnly,
        &[],
        &[("orders-contract", live_subject())],
    )
    .unwrap();
    let settled = &plan.associations[0];
    assert_eq!(settled.subject, "orders-contract");
    assert_eq!(settled.association_type, AssociationType::Value);
    assert_eq!(settled.lifecycle, Some(Lifecycle::Weak));
    assert_eq!(settled.frozen, Some(false));
    assert!(!settled.unchanged);
    assert_eq!(
        refused(check(
            request(vec![weak("orders-contract")]),
            Upsert::CreateOnly,
            &[],
            &[]
        )),
        "No active (non-deleted) version exists for subject 'orders-contract'"
    );
}

#[test]
fn a_schema_makes_a_strong_frozen_association_on_the_default_subject() {
    let plan = check(
        request(vec![strong_with_schema()]),
        Upsert::CreateOnly,
        &[],
        &[],
    )
    .unwrap();
    let settled = &plan.associations[0];
    assert_eq!(settled.subject, ":.lkc-1:orders-value");
    assert_eq!(settled.lifecycle, Some(Lifecycle::Strong));
    assert_eq!(settled.frozen, Some(true));
    let mut elsewhere = strong_with_schema();
    elsewhere.subject = Some("mine".into());
    assert_eq!(
        refused(check(
            request(vec![elsewhere]),
            Upsert::CreateOnly,
            &[],
            &[]
        )),
        "The association specified an invalid value for property: 'subject', detail: frozen \
         associations must use subject ':.lkc-1:orders-value'"
    );
    let strong_without_schema = AssociationInput {
        lifecycle: Some(Lifecycle::Strong),
        ..AssociationInput::default()
    };
    assert!(
        refused(check(
            request(vec![strong_without_schema]),
            Upsert::CreateOnly,
            &[],
            &[]
        ))
        .contains("'schema', detail: schema must be provided when creating a frozen association")
    );
}

#[test]
fn the_request_itself_is_checked_first() {
    let cases: Vec<(AssociationRequest, &str)> = vec![
        (
            AssociationRequest {
                resource_name: Some("or ders".into()),
                ..request(vec![weak("s")])
            },
            "'resourceName', detail: illegal character ' '",
        ),
        (
            AssociationRequest {
                resource_namespace: None,
                ..request(vec![weak("s")])
            },
            "'resourceNamespace', detail: cannot be null or empty",
        ),
        (
            AssociationRequest {
                resource_id: None,
                ..request(vec![weak("s")])
            },
            "'resourceId', detail: cannot be null or empty",
        ),
        (
            AssociationRequest {
                resource_type: Some("table".into()),
                ..request(vec![weak("s")])
            },
            "'resourceType', detail: must be 'topic'",
        ),
        (
            request(vec![]),
            "'associations', detail: cannot be null or empty",
        ),
        (
            request(vec![AssociationInput {
                association_type: Some("header".into()),
                ..weak("s")
            }]),
            "'associationType', detail: must be either 'key' or 'value'",
        ),
        (
            request(vec![weak("a"), weak("b")]),
            "'associationType', detail: may only appear once per request, but 'value' appears \
             more than once",
        ),
        (
            request(vec![AssociationInput::default()]),
            "'subject', detail: must be provided for WEAK associations",
        ),
        (
            request(vec![weak(":.lkc-1:orders-value")]),
            "'subject', detail: WEAK associations cannot use subject ':.lkc-1:orders-value'",
        ),
        (
            request(vec![AssociationInput {
                lifecycle: Some(Lifecycle::Weak),
                ..strong_with_schema()
            }]),
            "'lifecycle', detail: cannot be WEAK when schema is provided",
        ),
        (
            request(vec![AssociationInput {
                frozen: Some(true),
                ..weak("s")
            }]),
            "'frozen', detail: association with lifecycle of WEAK cannot be frozen=true",
        ),
    ];
    for (request, expected) in cases {
        let message = refused(check(request, Upsert::CreateOnly, &[], &[]));
        assert!(message.ends_with(expected), "{message} / {expected}");
    }
}

#[test]
fn an_equivalent_create_is_a_retry_and_another_is_refused() {
    let existing = [stored(
        AssociationType::Value,
        "orders-contract",
        Lifecycle::Weak,
    )];
    let facts = [("orders-contract", live_subject())];
    let plan = check(
        request(vec![weak("orders-contract")]),
        Upsert::CreateOnly,
        &existing,
        &facts,
    )
    .unwrap();
    assert!(plan.associations[0].unchanged);
    assert_eq!(
        refused(check(
            request(vec![weak("other")]),
            Upsert::CreateOnly,
            &existing,
            &[("other", live_subject())]
        )),
        "An association of type 'value' already exists for resource 'orders'"
    );
    // A STRONG retry must send the schema the subject already holds.
    let strong = [stored(
        AssociationType::Value,
        ":.lkc-1:orders-value",
        Lifecycle::Strong,
    )];
    let holding = SubjectFacts {
        holds_posted: true,
        ..live_subject()
    };
    let retry = check(
        request(vec![strong_with_schema()]),
        Upsert::CreateOnly,
        &strong,
        &[(":.lkc-1:orders-value", holding)],
    )
    .unwrap();
    assert!(retry.associations[0].unchanged);
    assert!(
        refused(check(
            request(vec![strong_with_schema()]),
            Upsert::CreateOnly,
            &strong,
            &[(":.lkc-1:orders-value", live_subject())]
        ))
        .starts_with("An association of type 'value' already exists")
    );
}

#[test]
fn updates_keep_subject_and_frozenness() {
    let weak_stored = [stored(
        AssociationType::Value,
        "orders-contract",
        Lifecycle::Weak,
    )];
    let facts = [
        ("orders-contract", live_subject()),
        ("other", live_subject()),
    ];
    let renamed = AssociationInput {
        lifecycle: Some(Lifecycle::Weak),
        ..weak("other")
    };
    assert!(
        refused(check(
            request(vec![weak("other")]),
            Upsert::CreateOrUpdate,
            &weak_stored,
            &facts
        ))
        .ends_with("'lifecycle', detail: at least lifecycle or schema must be provided for update")
    );
    assert!(
        refused(check(
            request(vec![renamed]),
            Upsert::CreateOrUpdate,
            &weak_stored,
            &facts
        ))
        .ends_with(
            "'subject', detail: subject of association cannot be changed from 'orders-contract' \
             to 'other'"
        )
    );
    let strong_stored = [stored(
        AssociationType::Value,
        ":.lkc-1:orders-value",
        Lifecycle::Strong,
    )];
    let to_weak = AssociationInput {
        lifecycle: Some(Lifecycle::Weak),
        ..AssociationInput::default()
    };
    assert!(
        refused(check(
            request(vec![to_weak]),
            Upsert::CreateOrUpdate,
            &strong_stored,
            &[(":.lkc-1:orders-value", live_subject())]
        ))
        .contains("'subject', detail: WEAK associations cannot use subject")
    );
    // STRONG only with the topic, never by an upsert.
    let strong = AssociationInput {
        lifecycle: Some(Lifecycle::Strong),
        ..AssociationInput::default()
    };
    assert!(
        refused(check(
            request(vec![strong]),
            Upsert::CreateOrUpdate,
            &[],
            &[(":.lkc-1:orders-value", live_subject())]
        ))
        .contains("'lifecycle', detail: cannot be STRONG when creating an association")
    );
    // A schema only with a create.
    assert!(
        refused(check(
            request(vec![strong_with_schema()]),
            Upsert::CreateOrUpdate,
            &[],
            &[]
        ))
        .contains("'schema', detail: cannot be provided when adding an association")
    );
}

#[test]
fn a_strong_association_owns_its_subject() {
    let elsewhere = Association {
        resource_id: "id-2".into(),
        resource_name: "payments".into(),
        ..stored(
            AssociationType::Value,
            ":.lkc-1:orders-value",
            Lifecycle::Weak,
        )
    };
    let shared = SubjectFacts {
        associations: vec![elsewhere],
        ..SubjectFacts::default()
    };
    assert_eq!(
        refused(check(
            request(vec![strong_with_schema()]),
            Upsert::CreateOnly,
            &[],
            &[(":.lkc-1:orders-value", shared)]
        )),
        "An association already exists for subject ':.lkc-1:orders-value'"
    );
    let referenced = SubjectFacts {
        referenced: true,
        ..SubjectFacts::default()
    };
    assert!(
        refused(check(
            request(vec![strong_with_schema()]),
            Upsert::CreateOnly,
            &[],
            &[(":.lkc-1:orders-value", referenced)]
        ))
        .starts_with("One or more references exist to subject ':.lkc-1:orders-value'")
    );
    let owned = Association {
        resource_id: "id-2".into(),
        ..stored(AssociationType::Value, "shared", Lifecycle::Strong)
    };
    let owned_facts = SubjectFacts {
        associations: vec![owned],
        ..live_subject()
    };
    assert_eq!(
        refused(check(
            request(vec![weak("shared")]),
            Upsert::CreateOnly,
            &[],
            &[("shared", owned_facts)]
        )),
        "A strong association already exists for subject 'shared'"
    );
}

#[test]
fn a_resource_has_one_lifecycle_and_frozen_ones_stay() {
    let existing = [stored(
        AssociationType::Key,
        ":.lkc-1:orders-key",
        Lifecycle::Strong,
    )];
    assert!(
        refused(check(
            request(vec![weak("orders-contract")]),
            Upsert::CreateOnly,
            &existing,
            &[("orders-contract", live_subject())]
        ))
        .ends_with(
            "'lifecycle', detail: all associations for a resource must have the same \
             lifecycle, but got key=STRONG, value=WEAK"
        )
    );
    let frozen = [stored(
        AssociationType::Value,
        ":.lkc-1:orders-value",
        Lifecycle::Strong,
    )];
    let update = AssociationInput {
        lifecycle: Some(Lifecycle::Strong),
        frozen: Some(true),
        subject: Some(":.lkc-1:orders-value".into()),
        ..AssociationInput::default()
    };
    // The same association asked again: nothing to do.
    assert!(
        check(
            request(vec![update]),
            Upsert::CreateOrUpdate,
            &frozen,
            &[(":.lkc-1:orders-value", live_subject())]
        )
        .unwrap()
        .associations[0]
            .unchanged
    );
    let thaw = AssociationInput {
        frozen: Some(false),
        lifecycle: Some(Lifecycle::Strong),
        ..AssociationInput::default()
    };
    assert!(
        refused(check(
            request(vec![thaw]),
            Upsert::CreateOrUpdate,
            &frozen,
            &[(":.lkc-1:orders-value", live_subject())]
        ))
        .contains("'frozen'")
    );
}

#[test]
fn a_weak_association_can_be_updated() {
    let existing = [stored(
        AssociationType::Value,
        "orders-contract",
        Lifecycle::Weak,
    )];
    let same = AssociationInput {
        lifecycle: Some(Lifecycle::Weak),
        ..AssociationInput::default()
    };
    let plan = check(
        request(vec![same]),
        Upsert::CreateOrUpdate,
        &existing,
        &[("orders-contract", live_subject())],
    )
    .unwrap();
    assert!(plan.associations[0].unchanged);
    // Nothing sent but the kind: the stored association, unchanged.
    let plan = check(
        request(vec![AssociationInput::default()]),
        Upsert::CreateOrUpdate,
        &existing,
        &[("orders-contract", live_subject())],
    )
    .unwrap();
    assert!(plan.associations[0].unchanged);
}
