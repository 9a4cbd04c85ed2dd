//! `charter copy`: a Charter registry on SQLite copied into one on
//! PostgreSQL through the real binary, and read back field by field
//! (metadata and rule sets included); then
//! Confluent's Python client reads and serializes through the copy with the
//! old ids. A second run copies nothing, a dry run writes nothing, and a
//! target holding other schemas under the source's ids is not written to.

use std::process::Command;

use serde_json::{Value, json};

use crate::common::{Run, charter, python, root};
use crate::postgres::TestDatabase;
use crate::server::{Registry, closed_port, http};

fn call(registry: &Registry, method: &str, path: &str, body: Option<Value>) -> Value {
    let (status, answer) = http(method, &format!("{}{path}", registry.url), body);
    assert_eq!(status, 200, "{method} {path}: {answer}");
    answer
}

fn register(registry: &Registry, subject: &str, body: Value) -> i64 {
    let answer = call(
        registry,
        "POST",
        &format!("subjects/{subject}/versions"),
        Some(body),
    );
    answer["id"].as_i64().expect("an id")
}

fn json_schema(schema: Value) -> Value {
    json!({"schemaType": "JSON", "schema": schema.to_string()})
}

const ADDRESS: &str = r#"{"type": "record", "name": "Address", "namespace": "com.example.common",
  "fields": [{"name": "street", "type": "string"}, {"name": "city", "type": "string"}]}"#;
const CUSTOMER: &str = r#"{"type": "record", "name": "Customer", "namespace": "com.example.customers",
  "fields": [{"name": "name", "type": "string"}, {"name": "home", "type": "com.example.common.Address"}]}"#;
const MONEY_PROTO: &str = "syntax = \"proto3\";\npackage acme.common;\nmessage Money {\n  string currency = 1;\n  int64 units = 2;\n}\n";
const PAYMENT_PROTO: &str = "syntax = \"proto3\";\npackage acme.payments;\nimport \"common.proto\";\nmessage Payment {\n  string id = 1;\n  acme.common.Money amount = 2;\n}\n";

/// What the Python checks expect of the copy.
struct Filled {
    customers_id: i64,
    events_id: i64,
}

/// JSON Schema, Avro and Protobuf subjects with references, soft-deleted
/// versions and a soft-deleted subject, one schema under two subjects,
/// per-subject configs, a READONLY subject, a global config, and ids that
/// do not start at 1 (three were permanently deleted first).
fn fill(source: &Registry) -> Filled {
    for n in 0..3 {
        register(
            source,
            "burned",
            json_schema(json!({"type": "object", "title": format!("burned {n}")})),
        );
    }
    call(source, "DELETE", "subjects/burned", None);
    call(source, "DELETE", "subjects/burned?permanent=true", None);
    call(
        source,
        "PUT",
        "config",
        Some(json!({"compatibility": "BACKWARD_TRANSITIVE"})),
    );

    let money = json!({"type": "object", "properties": {"amount": {"type": "number"},
        "currency": {"type": "string"}}, "required": ["amount"]});
    register(source, "shared-money", json_schema(money.clone()));
    register(source, "money-copy", json_schema(money));
    call(
        source,
        "PUT",
        "config/orders-value",
        Some(json!({"compatibility": "NONE"})),
    );
    let money_ref = json!([{"name": "money.json", "subject": "shared-money", "version": 1}]);
    for extra in ["id", "note"] {
        register(
            source,
            "orders-value",
            json!({"schemaType": "JSON", "references": money_ref, "schema": json!({"type": "object",
                "properties": {"total": {"$ref": "money.json"}, extra: {"type": "string"}}}).to_string()}),
        );
    }
    call(source, "DELETE", "subjects/orders-value/versions/1", None);
    // A data contract (metadata and a rule set), which the copy carries.
    let mut events = json_schema(
        json!({"type": "object", "properties": {"id": {"type": "string"},
        "kind": {"type": "string"}}, "required": ["id"]}),
    );
    events["metadata"] = json!({"properties": {"owner": "events-team", "major_version": "1"}});
    events["ruleSet"] = json!({"domainRules": [{"name": "idNotEmpty", "kind": "CONDITION",
        "mode": "WRITE", "type": "CEL", "expr": "size(message.id) > 0"}]});
    let events_id = register(source, "events-value", events);

    register(source, "avro-address", json!({"schema": ADDRESS}));
    call(
        source,
        "PUT",
        "config/customers-value",
        Some(json!({"compatibility": "FORWARD"})),
    );
    let customers_id = register(
        source,
        "customers-value",
        json!({"schema": CUSTOMER, "references": [{"name": "com.example.common.Address",
            "subject": "avro-address", "version": 1}]}),
    );

    register(
        source,
        "proto-common",
        json!({"schemaType": "PROTOBUF", "schema": MONEY_PROTO}),
    );
    register(
        source,
        "payments-value",
        json!({"schemaType": "PROTOBUF", "schema": PAYMENT_PROTO, "references": [
            {"name": "common.proto", "subject": "proto-common", "version": 1}]}),
    );
    call(
        source,
        "PUT",
        "mode/payments-value",
        Some(json!({"mode": "READONLY"})),
    );

    register(
        source,
        "retired-value",
        json_schema(json!({"type": "string"})),
    );
    call(source, "DELETE", "subjects/retired-value", None);
    Filled {
        customers_id,
        events_id,
    }
}

/// Everything a client can read of a registry: every subject (soft-deleted
/// ones too), its versions with and without the soft-deleted ones, each
/// version (all but its registration time), its config and mode (status and
/// body), the global config and mode, and every schema by id.
fn dump(registry: &Registry) -> Value {
    let get = |path: String| {
        let (status, body) = http("GET", &format!("{}{path}", registry.url), None);
        json!({"status": status, "body": body})
    };
    let (_, subjects) = http(
        "GET",
        &format!("{}subjects?deleted=true", registry.url),
        None,
    );
    let mut subjects: Vec<String> = serde_json::from_value(subjects).unwrap();
    subjects.sort();
    let mut ids = std::collections::BTreeSet::new();
    let mut out = serde_json::Map::new();
    for subject in &subjects {
        let all = get(format!("subjects/{subject}/versions?deleted=true"));
        let mut versions = Vec::new();
        for v in all["body"].as_array().unwrap() {
            let mut version = get(format!("subjects/{subject}/versions/{v}?deleted=true"));
            version["body"].as_object_mut().unwrap().remove("ts");
            ids.insert(version["body"]["id"].as_i64().unwrap());
            versions.push(version);
        }
        out.insert(
            subject.clone(),
            json!({"all": all, "live": get(format!("subjects/{subject}/versions")),
                   "versions": versions, "config": get(format!("config/{subject}")),
                   "mode": get(format!("mode/{subject}"))}),
        );
    }
    let by_id: serde_json::Map<String, Value> = ids
        .iter()
        .map(|id| (id.to_string(), get(format!("schemas/ids/{id}"))))
        .collect();
    json!({"subjects": out, "ids": by_id, "config": get("config".into()), "mode": get("mode".into())})
}

fn copy(source: &Registry, target: &Registry, extra: &[&str]) -> Run {
    let mut args = vec!["copy", "--from", &source.url, "--to", &target.url];
    args.extend(extra);
    charter(&args)
}

fn transcript(run: &Run, source: &Registry, target: &Registry) -> String {
    run.transcript()
        .replace(&source.url, "[SOURCE]/")
        .replace(&target.url, "[TARGET]/")
}

/// Confluent's client against the copy (`ci/interop/copied_registry.py`).
#[allow(clippy::print_stderr)] // the skip notice is for the person running the tests
fn confluent_reads(target: &Registry, source_dump: &Value, filled: &Filled) {
    let Some(python) = python() else {
        eprintln!("SKIPPED the Confluent client part: set CHARTER_PY (ci/test.sh does)");
        return;
    };
    let ids: serde_json::Map<String, Value> = source_dump["ids"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(id, answer)| (id.clone(), answer["body"]["schema"].clone()))
        .collect();
    let expected = json!({
        "ids": ids,
        "avro": {"subject": "customers-value", "id": filled.customers_id},
        "json": {"subject": "events-value", "id": filled.events_id},
        "readonly": "payments-value",
    });
    let file = target.dir.path().join("expected.json");
    std::fs::write(&file, expected.to_string()).unwrap();
    let output = Command::new(&python)
        .args(["-B", "-W", "ignore"])
        .arg(root().join("ci/interop/copied_registry.py"))
        .arg(&target.url)
        .arg(&file)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", python.display()));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success() && stdout.lines().last() == Some("4 passed, 0 failed"),
        "Confluent's client against the copy:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn a_registry_is_copied_into_postgres_with_its_ids_and_a_second_run_copies_nothing() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let Some(database) = runtime.block_on(TestDatabase::create("cli_copy")) else {
        return;
    };
    let source = Registry::start();
    let target = Registry::start_postgres(&database.url);
    let filled = fill(&source);
    let before = dump(&target);

    let dry = copy(&source, &target, &["--dry-run"]);
    assert_eq!(dry.code, 0, "{}", dry.transcript());
    insta::assert_snapshot!("copy_dry_run", transcript(&dry, &source, &target));
    assert_eq!(dump(&target), before, "a dry run writes nothing");

    let run = copy(&source, &target, &[]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    insta::assert_snapshot!("copy_into_postgres", transcript(&run, &source, &target));
    let copied = dump(&source);
    assert_eq!(dump(&target), copied, "the target reads as the source does");
    assert_eq!(copied["ids"].as_object().unwrap().len(), 9);
    assert!(
        filled.customers_id > 3,
        "ids start above the three burned ones"
    );

    confluent_reads(&target, &copied, &filled);

    let again = copy(&source, &target, &[]);
    assert_eq!(again.code, 0, "{}", again.transcript());
    insta::assert_snapshot!("copy_second_run", transcript(&again, &source, &target));
}

#[test]
fn a_target_holding_other_schemas_under_the_sources_ids_is_not_written_to() {
    let source = Registry::start();
    let target = Registry::start();
    register(&source, "a-value", json_schema(json!({"type": "string"})));
    register(&source, "b-value", json_schema(json!({"type": "integer"})));
    register(
        &target,
        "other-value",
        json_schema(json!({"type": "boolean"})),
    );
    let before = dump(&target);

    let run = copy(&source, &target, &[]);
    assert_eq!(run.code, 1, "{}", run.transcript());
    insta::assert_snapshot!(transcript(&run, &source, &target));
    assert_eq!(
        dump(&target),
        before,
        "nothing was written, no mode left in IMPORT"
    );

    let down = charter(&[
        "copy",
        "--from",
        &source.url,
        "--to",
        &format!("http://127.0.0.1:{}", closed_port()),
        "--registry-retries",
        "0",
    ]);
    assert_eq!(down.code, 3, "{}", down.transcript());
    assert!(
        down.stderr.contains("reading the target registry"),
        "{}",
        down.stderr
    );
}

/// A registration the target refuses mid-way (an id it permanently deleted
/// holds other content, which no read shows beforehand): the copy stops with
/// the registry's error, and the subjects it put in IMPORT mode have their
/// modes back.
#[test]
fn a_copy_that_fails_midway_leaves_no_subject_in_import_mode() {
    let source = Registry::start();
    let target = Registry::start();
    register(
        &target,
        "gone-value",
        json_schema(json!({"type": "boolean"})),
    );
    call(&target, "DELETE", "subjects/gone-value", None);
    call(
        &target,
        "DELETE",
        "subjects/gone-value?permanent=true",
        None,
    );
    call(
        &target,
        "PUT",
        "mode/a-value",
        Some(json!({"mode": "READONLY"})),
    );
    register(&source, "a-value", json_schema(json!({"type": "string"})));
    register(&source, "b-value", json_schema(json!({"type": "integer"})));

    let run = copy(&source, &target, &["--jobs", "1"]);
    assert_eq!(run.code, 3, "{}", run.transcript());
    assert!(
        run.stderr
            .contains("cannot register subject 'a-value' version 1 (id 1)")
            && run
                .stderr
                .contains("subjects put back in the mode they had"),
        "{}",
        run.stderr
    );
    let mode = |subject: &str| http("GET", &format!("{}mode/{subject}", target.url), None);
    assert_eq!(mode("a-value").1, json!({"mode": "READONLY"}));
    assert_eq!(
        mode("b-value").0,
        404,
        "b-value has no mode of its own again"
    );
}
