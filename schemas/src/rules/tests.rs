use std::sync::Arc;

use serde_json::{Value, json};

use super::*;
use crate::payload::PayloadValidator;
use crate::{NoReferences, Schema, SchemaType};

fn rule(name: &str, rule_type: &str, expr: &str) -> Rule {
    Rule {
        name: name.to_string(),
        kind: RuleKind::Condition,
        mode: RuleMode::Write,
        rule_type: rule_type.to_string(),
        tags: BTreeSet::new(),
        params: BTreeMap::new(),
        expr: Some(expr.to_string()),
        on_failure: None,
        disabled: false,
    }
}

/// (keyword, instance path, message) of every rule failure of each record.
fn check(
    schema_type: SchemaType,
    schema: &str,
    rules: &[Rule],
    metadata: &Metadata,
    records: &[Value],
) -> Vec<Vec<(String, String, String)>> {
    let schema = Schema::parse(schema_type, schema, &NoReferences).unwrap();
    let (rules, _) = DomainRules::prepare(rules, metadata).unwrap();
    let validator = PayloadValidator::new(Arc::new(schema), None)
        .unwrap()
        .with_rules(rules);
    records
        .iter()
        .map(|record| {
            assert_eq!(validator.check(record), [], "{record} is valid");
            validator
                .check_rules(record, None)
                .into_iter()
                .map(|i| (i.keyword, i.instance_path, i.message))
                .collect()
        })
        .collect()
}

fn failed(keyword: &str, path: &str, rule: &str, expr: &str) -> (String, String, String) {
    (
        keyword.to_string(),
        path.to_string(),
        format!("rule {rule:?} failed: {expr}"),
    )
}

const JSON_ORDER: &str = r#"{"type":"object","properties":{
    "id":{"type":"string"},
    "email":{"type":"string","confluent:tags":["PII"]},
    "total":{"type":"number"},
    "lines":{"type":"array","items":{"type":"object","properties":{"sku":{"type":"string"},"qty":{"type":"integer"}}}}
}}"#;

#[test]
fn a_cel_rule_sees_the_json_record_as_message() {
    let rules = [rule("positive", CEL, "message.total > 0.0")];
    let out = check(
        SchemaType::Json,
        JSON_ORDER,
        &rules,
        &Metadata::default(),
        &[json!({"total": 3.5}), json!({"total": -1.0})],
    );
    assert_eq!(out[0], []);
    assert_eq!(
        out[1],
        [failed("CEL", "", "positive", "message.total > 0.0")]
    );
}

#[test]
fn a_cel_field_rule_visits_primitive_fields_with_their_paths() {
    let rules = [rule(
        "no-empty-strings",
        CEL_FIELD,
        "typeName == 'STRING' ; value != ''",
    )];
    let out = check(
        SchemaType::Json,
        JSON_ORDER,
        &rules,
        &Metadata::default(),
        &[
            json!({"id": "o-1", "lines": [{"sku": "a", "qty": 0}]}),
            json!({"id": "", "lines": [{"sku": "a"}, {"sku": ""}]}),
        ],
    );
    assert_eq!(out[0], []);
    let expr = "typeName == 'STRING' ; value != ''";
    assert_eq!(
        out[1],
        [
            failed("CEL_FIELD", "/id", "no-empty-strings", expr),
            failed("CEL_FIELD", "/lines/1/sku", "no-empty-strings", expr),
        ]
    );
}

#[test]
fn field_rules_with_tags_visit_only_fields_carrying_them() {
    let mut pii = rule("pii-is-email", CEL_FIELD, "value.isEmail()");
    pii.tags = BTreeSet::from(["PII".to_string()]);
    let records = [
        json!({"id": "not an address", "email": "a@example.com"}),
        json!({"email": "nope"}),
    ];
    let out = check(
        SchemaType::Json,
        JSON_ORDER,
        &[pii.clone()],
        &Metadata::default(),
        &records,
    );
    assert_eq!(out[0], []);
    assert_eq!(
        out[1],
        [failed(
            "CEL_FIELD",
            "/email",
            "pii-is-email",
            "value.isEmail()"
        )]
    );
    // Tags from metadata, by wildcard path, count too.
    let metadata = Metadata {
        tags: BTreeMap::from([("$.id".to_string(), BTreeSet::from(["PII".to_string()]))]),
        ..Metadata::default()
    };
    let out = check(SchemaType::Json, JSON_ORDER, &[pii], &metadata, &records);
    assert_eq!(
        out[0],
        [failed(
            "CEL_FIELD",
            "/id",
            "pii-is-email",
            "value.isEmail()"
        )]
    );
}

#[test]
fn avro_records_are_seen_as_confluents_generic_records() {
    let schema = r#"{"type":"record","name":"Order","namespace":"acme","fields":[
        {"name":"id","type":"string"},
        {"name":"note","type":["null","string"],"default":null},
        {"name":"qty","type":"int"},
        {"name":"tags","type":{"type":"array","items":"string"}}
    ]}"#;
    let rules = [
        rule("qty", CEL, "message.qty > 0 && message.note != 'x'"),
        rule(
            "names",
            CEL_FIELD,
            "fullName == 'acme.Order.' + name && (typeName != 'STRING' || size(value) < 4)",
        ),
    ];
    let out = check(
        SchemaType::Avro,
        schema,
        &rules,
        &Metadata::default(),
        &[
            json!({"id": "o1", "note": {"string": "ok"}, "qty": 2, "tags": ["a"]}),
            json!({"id": "o1", "note": {"string": "x"}, "qty": 2, "tags": ["a", "long"]}),
        ],
    );
    assert_eq!(out[0], []);
    let names = "fullName == 'acme.Order.' + name && (typeName != 'STRING' || size(value) < 4)";
    assert_eq!(
        out[1],
        [
            failed("CEL", "", "qty", "message.qty > 0 && message.note != 'x'"),
            failed("CEL_FIELD", "/tags/1", "names", names),
        ]
    );
}

#[test]
fn protobuf_messages_are_seen_by_their_proto_field_names() {
    let schema = r#"syntax = "proto3"; package acme;
        message Order { string order_id = 1; int64 total_cents = 2; repeated string skus = 3; Customer customer = 4; }
        message Customer { string email = 1; }"#;
    let rules = [
        rule("total", CEL, "message.total_cents >= 0"),
        rule(
            "email",
            CEL_FIELD,
            "name == 'email' ; typeName == 'STRING' && value.isEmail() && fullName == 'acme.Customer.email'",
        ),
    ];
    let out = check(
        SchemaType::Protobuf,
        schema,
        &rules,
        &Metadata::default(),
        &[
            json!({"orderId": "o1", "totalCents": "5", "customer": {"email": "a@b.example"}}),
            json!({"orderId": "o1", "totalCents": "-5", "customer": {"email": "nope"}}),
        ],
    );
    assert_eq!(out[0], []);
    let email = "name == 'email' ; typeName == 'STRING' && value.isEmail() && fullName == 'acme.Customer.email'";
    assert_eq!(
        out[1],
        [
            failed("CEL", "", "total", "message.total_cents >= 0"),
            failed("CEL_FIELD", "/customer/email", "email", email),
        ]
    );
}

#[test]
fn rules_a_producer_does_not_run_are_skipped_with_the_reason() {
    let mut disabled = rule("off", CEL, "false");
    disabled.disabled = true;
    let mut read = rule("read", CEL, "false");
    read.mode = RuleMode::Read;
    let mut transform = rule("rewrite", CEL, "message");
    transform.kind = RuleKind::Transform;
    let mut quiet = rule("quiet", CEL, "false");
    quiet.on_failure = Some("NONE".to_string());
    let mut both = rule("both", CEL, "false");
    both.mode = RuleMode::WriteRead;
    both.on_failure = Some("ERROR,NONE".to_string());
    let encrypt = rule("encrypt", "ENCRYPT", "");
    let rules = [disabled, read, transform, quiet, both, encrypt];
    let (prepared, skipped) = DomainRules::prepare(&rules, &Metadata::default()).unwrap();
    let names: Vec<&str> = skipped.iter().map(|s| s.rule.as_str()).collect();
    assert_eq!(names, ["off", "read", "rewrite", "quiet", "encrypt"]);
    assert_eq!(
        prepared.rules.len(),
        1,
        "WRITEREAD with ERROR for writing runs"
    );
    assert_eq!(
        skipped[0].to_string(),
        "rule \"off\" is not evaluated: disabled"
    );
}

#[test]
fn an_unsupported_function_is_refused_when_compiled() {
    let rules = [rule("ts", CEL, "timestamp(message.at) > now")];
    let error = DomainRules::prepare(&rules, &Metadata::default()).unwrap_err();
    assert_eq!(
        error,
        RuleError::UnsupportedFunction {
            rule: "ts".into(),
            function: "timestamp".into(),
            expr: "timestamp(message.at) > now".into(),
        }
    );
    let rules = [rule("bad", CEL, "message.a >")];
    assert!(matches!(
        DomainRules::prepare(&rules, &Metadata::default()),
        Err(RuleError::Parse { .. })
    ));
    let rules = [rule("now", CEL, "message.at < now")];
    let error = DomainRules::prepare(&rules, &Metadata::default()).unwrap_err();
    assert_eq!(
        error.to_string(),
        "rule \"now\": the CEL expression \"message.at < now\" names \"now\", which is not bound (a rule of this type sees message)"
    );
    // Comprehension variables and type names are bound.
    let rules = [rule(
        "ok",
        CEL,
        "message.lines.all(l, l.qty > 0) && type(message) == map && [1].exists(x, x == 1)",
    )];
    assert!(DomainRules::prepare(&rules, &Metadata::default()).is_ok());
    let rules = [rule("ns", CEL, "math.nope(1) == 1")];
    let error = DomainRules::prepare(&rules, &Metadata::default()).unwrap_err();
    assert!(error.to_string().contains("\"math.nope\""), "{error}");
}

#[test]
fn every_listed_function_is_known_to_the_environment() {
    let env = cel::environment();
    let context = ::cel::Context::with_env(Arc::clone(&env));
    for name in SUPPORTED_FUNCTIONS {
        // Called with no argument, a function that exists is refused for its
        // arguments, one that does not as an undeclared reference.
        let known = [format!("{name}()"), format!("'x'.{name}()")]
            .iter()
            .any(|source| {
                // `math.greatest` and `math.least` are macros: refused while
                // compiled for want of arguments.
                let Ok(program) = env.compile(source) else {
                    return source.starts_with("math.");
                };
                !matches!(
                    program.execute(&context),
                    Err(::cel::ExecutionError::UndeclaredReference(_))
                )
            });
        assert!(known, "{name} is listed as supported but unknown");
    }
    // And the check itself tells an unknown one.
    let program = env.compile("nope()").unwrap();
    assert!(matches!(
        program.execute(&context),
        Err(::cel::ExecutionError::UndeclaredReference(_))
    ));
}

#[test]
fn a_guard_that_does_not_hold_skips_the_rule() {
    let rules = [rule("guarded", CEL, "has(message.id) ; message.id != ''")];
    let out = check(
        SchemaType::Json,
        JSON_ORDER,
        &rules,
        &Metadata::default(),
        &[json!({}), json!({"id": ""})],
    );
    assert_eq!(out[0], []);
    assert_eq!(out[1].len(), 1);
    // Without the guard separator, `;` is not special (and so not CEL).
    let mut ignore = rule("whole", CEL, "message.id != ';'");
    ignore
        .params
        .insert("cel.ignore.guard.separator".into(), "true".into());
    let out = check(
        SchemaType::Json,
        JSON_ORDER,
        &[ignore],
        &Metadata::default(),
        &[json!({"id": ";"})],
    );
    assert_eq!(out[0], [failed("CEL", "", "whole", "message.id != ';'")]);
}

#[test]
fn an_evaluation_error_and_a_result_that_is_no_bool_fail_the_record() {
    let rules = [
        rule("missing", CEL, "message.nope == 1"),
        rule("text", CEL, "'yes'"),
    ];
    let out = check(
        SchemaType::Json,
        JSON_ORDER,
        &rules,
        &Metadata::default(),
        &[json!({})],
    );
    assert_eq!(out[0].len(), 2);
    assert!(
        out[0][0]
            .2
            .starts_with("rule \"missing\" could not be evaluated: "),
        "{:?}",
        out[0]
    );
    assert_eq!(
        out[0][1].2,
        "rule \"text\" evaluated to String(\"yes\"), not a bool: 'yes'"
    );
}
