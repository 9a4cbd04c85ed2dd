//! The web page at `/ui/` in a real headless Chromium (Debian's `chromium`,
//! driven by `playwright-core` from `ci/ui/package-lock.json`; both installed
//! by `ci/setup-tools.sh`, which `ci/test.sh` runs). The registry is the real
//! binary on a free port; this test registers the fixtures through the API,
//! writes what the page must show to a scenario file, and runs
//! `ci/ui/browser.js`, which checks each view and writes screenshots under
//! `target/ui-screenshots/`.
//!
//! Without node, Chromium or playwright-core the test says so and passes
//! without running, except in CI (`CI=true`), where that fails.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::Server;
use serde_json::{Value, json};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()
        .expect("the repository")
}

/// `target/`, from where Cargo put the registry binary.
fn target_dir() -> PathBuf {
    Path::new(env!("CARGO_BIN_EXE_charter-registry"))
        .ancestors()
        .nth(2)
        .expect("target directory")
        .to_path_buf()
}

/// What the browser test runs with.
struct Tools {
    node: PathBuf,
    chromium: PathBuf,
    node_modules: PathBuf,
}

fn on_path(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(name))
            .find(|candidate| candidate.is_file())
    })
}

/// The tools, or what is missing.
fn tools() -> Result<Tools, String> {
    let node = on_path("node").ok_or("node is not installed")?;
    let chromium = std::env::var_os("CHARTER_CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    if !chromium.is_file() {
        return Err(format!("{} is not installed", chromium.display()));
    }
    let node_modules = std::env::var_os("CHARTER_NODE_MODULES")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("target/ci-node/node_modules"));
    if !node_modules.join("playwright-core/package.json").is_file() {
        return Err(format!(
            "playwright-core is not installed in {}",
            node_modules.display()
        ));
    }
    Ok(Tools {
        node,
        chromium,
        node_modules,
    })
}

fn fixture(path: &str) -> String {
    std::fs::read_to_string(repo().join("fixtures").join(path))
        .unwrap_or_else(|e| panic!("fixtures/{path}: {e}"))
}

async fn register(server: &Server, subject: &str, body: Value) -> Value {
    let answer = server
        .post(&format!("/subjects/{subject}/versions"), &body)
        .await;
    assert_eq!(answer.status, 200, "{subject}: {}", answer.text);
    answer.body
}

async fn put(server: &Server, path: &str, body: Value) {
    let answer = server.put(path, &body).await;
    assert_eq!(answer.status, 200, "{path}: {}", answer.text);
}

/// The schemas of `fixtures/triage/`, registered in the order its messages
/// were framed with (ids 1 to 6), as its README says.
async fn register_triage_fixtures(server: &Server) {
    let schema = |file: &str, kind: &str| json!({"schema": fixture(&format!("triage/schemas/{file}")), "schemaType": kind});
    register(server, "orders-value", schema("orders.v1.json", "JSON")).await;
    register(server, "orders-value", schema("orders.v2.json", "JSON")).await;
    put(
        server,
        "/config/orders-value",
        json!({"compatibility": "NONE"}),
    )
    .await;
    register(server, "orders-value", schema("orders.v3.json", "JSON")).await;
    register(server, "payments-value", schema("payment.v1.avsc", "AVRO")).await;
    register(server, "payments-value", schema("payment.v2.avsc", "AVRO")).await;
    assert_eq!(
        server
            .delete("/subjects/payments-value/versions/2")
            .await
            .status,
        200
    );
    let id = register(
        server,
        "shipments-value",
        schema("shipment.proto", "PROTOBUF"),
    )
    .await["id"]
        .clone();
    assert_eq!(
        id,
        json!(6),
        "the triage messages are framed with ids 1 to 6"
    );
}

/// A JSON Schema of about `bytes` bytes: an object with many described
/// properties.
fn huge_schema(bytes: usize) -> String {
    let mut properties = serde_json::Map::new();
    let mut i = 0;
    let mut size = 0;
    while size < bytes {
        let property = json!({
            "type": "string",
            "maxLength": 100 + i % 50,
            "description": format!("Field {i} of a very large contract, described at length so that the text of the schema reaches a megabyte."),
        });
        size += property.to_string().len() + 16;
        properties.insert(format!("field{i:05}"), property);
        i += 1;
    }
    json!({"type": "object", "properties": properties}).to_string()
}

const SUBJECT: &str = "orders.order-placed-value";

/// The breaking changes from version 1 to version 3 of the fixture contract
/// under BACKWARD, in the order the registry lists them.
const BREAKING: [(&str, &str); 5] = [
    ("TYPE_CHANGED", "#/properties/eventVersion"),
    (
        "ENUM_ARRAY_CHANGED",
        "#/properties/payload/properties/currency/enum",
    ),
    (
        "MAXIMUM_DECREASED",
        "#/properties/payload/properties/lines/items/properties/quantity/maximum",
    ),
    (
        "PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL",
        "#/properties/payload/properties/couponCode",
    ),
    (
        "REQUIRED_ATTRIBUTE_ADDED",
        "#/properties/payload/required/channel",
    ),
];

#[tokio::test(flavor = "multi_thread")]
#[allow(clippy::print_stderr)] // the skip notice and the figures are for the person running the tests
async fn the_page_in_a_real_browser() {
    let tools = match tools() {
        Ok(tools) => tools,
        Err(missing) if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("the browser test cannot run in CI: {missing} (ci/setup-tools.sh installs it)")
        }
        Err(missing) => {
            eprintln!(
                "SKIPPED the_page_in_a_real_browser: {missing}; run ci/setup-tools.sh (ci/test.sh does)"
            );
            return;
        }
    };
    let server = Server::start();
    register_triage_fixtures(&server).await;

    // Three versions of the fixture contract: registered under NONE (3
    // breaks 2), then the subject is set to BACKWARD.
    put(
        &server,
        &format!("/config/{SUBJECT}"),
        json!({"compatibility": "NONE"}),
    )
    .await;
    let mut registered_ms = Vec::new();
    let mut ids = Vec::new();
    let mut guids = Vec::new();
    let mut texts = Vec::new();
    for v in 1..=3 {
        let text = fixture(&format!("contracts/orders/order-placed.v{v}.json"));
        let answer = register(
            &server,
            SUBJECT,
            json!({"schemaType": "JSON", "schema": text}),
        )
        .await;
        assert_eq!(answer["version"], json!(v));
        ids.push(answer["id"].clone());
        guids.push(answer["guid"].clone());
        let stored = server
            .get(&format!("/subjects/{SUBJECT}/versions/{v}"))
            .await;
        registered_ms.push(stored.body["ts"].clone());
        texts.push(stored.body["schema"].clone());
    }
    put(
        &server,
        &format!("/config/{SUBJECT}"),
        json!({"compatibility": "BACKWARD"}),
    )
    .await;

    // What the registry says about 1 → 3 is what the page must show.
    let verdict = server
        .post(
            &format!("/compatibility/subjects/{SUBJECT}/versions/1?verbose=true"),
            &json!({"schemaType": "JSON", "schema": texts[2]}),
        )
        .await
        .body;
    assert_eq!(verdict["is_compatible"], json!(false));
    let breaking = verdict["changes"].as_array().expect("changes").clone();
    let found: Vec<(&str, &str)> = breaking
        .iter()
        .map(|c| (c["kind"].as_str().unwrap(), c["path"].as_str().unwrap()))
        .collect();
    assert_eq!(found, BREAKING);
    assert!(
        breaking.iter().all(|c| c["example"].is_object()),
        "every breaking change comes with an example: {breaking:?}"
    );
    let others: Vec<Value> = verdict["other_changes"]
        .as_array()
        .expect("other_changes")
        .iter()
        .map(|c| c["kind"].clone())
        .collect();
    assert_eq!(others.len(), 3, "{others:?}");

    // A schema that references another subject's.
    register(
        &server,
        "shared.money",
        json!({"schemaType": "JSON", "schema": fixture("contracts/shared/money.json")}),
    )
    .await;
    // It carries a data contract: metadata and a rule of each set.
    let money = "https://contracts.acme.example/shared/money.json";
    let metadata = json!({
        "properties": {"owner": "payments-team", "major_version": "1"},
        "tags": {"$.card": ["PII"]},
        "sensitive": ["cardNumber"],
    });
    let rule_set = json!({
        "domainRules": [{"name": "positiveAmount", "kind": "CONDITION", "mode": "WRITE", "type": "CEL",
                         "expr": "message.amount.units >= 0", "onFailure": "DLQ"}],
        "migrationRules": [{"name": "renameCard", "kind": "TRANSFORM", "mode": "UPGRADE", "type": "JSONATA",
                            "expr": "$merge([$sift($, function($v, $k) {$k != 'card'}), {'payment': $.card}])",
                            "disabled": true}],
        "encodingRules": [{"name": "encryptCard", "kind": "TRANSFORM", "mode": "WRITEREAD", "type": "ENCRYPT",
                           "tags": ["PII"], "params": {"encrypt.kek.name": "payments-kek"}}],
    });
    register(
        &server,
        "payments.payment-captured-value",
        json!({"schemaType": "JSON", "schema": fixture("contracts/payments/payment-captured.json"),
               "references": [{"name": money, "subject": "shared.money", "version": 1}],
               "metadata": metadata, "ruleSet": rule_set}),
    )
    .await;

    // A 1 MB schema.
    let huge = huge_schema(1024 * 1024);
    register(
        &server,
        "huge-value",
        json!({"schemaType": "JSON", "schema": huge}),
    )
    .await;

    // Consumers of the subject: version 1 deployed to prod; `billing` reads
    // with version 3, `fulfillment` with a reader of its own that needs a
    // field no version of the contract has, so it reads neither.
    put(
        &server,
        &format!("/deployments/prod/subjects/{SUBJECT}"),
        json!({"version": 1}),
    )
    .await;
    put(
        &server,
        &format!("/consumers/billing/subjects/{SUBJECT}"),
        json!({"environment": "prod", "version": 3, "consumerVersion": "2.0.0"}),
    )
    .await;
    let needs_legacy = json!({
        "type": "object", "required": ["legacyCode"],
        "properties": {"legacyCode": {"type": "string"}},
    });
    put(
        &server,
        &format!("/consumers/fulfillment/subjects/{SUBJECT}"),
        json!({"environment": "prod", "schemaType": "JSON", "schema": needs_legacy.to_string()}),
    )
    .await;
    let consumers = server
        .get(&format!("/subjects/{SUBJECT}/consumers"))
        .await
        .body;
    let statuses = consumers.as_array().expect("consumers");
    assert_eq!(statuses.len(), 2, "{consumers}");
    assert!(
        statuses.iter().any(|s| s["readsLatest"] == json!(false)),
        "a consumer that cannot read the latest version: {consumers}"
    );

    // A registry with an auth file: `viewer` may only read, `author` may write.
    let auth = common::auth::start_with_auth(
        &format!(
            "[[principals]]\nname = \"viewer\"\npassword_hash = \"{}\"\n\n\
             [[principals]]\nname = \"author\"\npassword_hash = \"{}\"\n\n\
             [[grants]]\nprincipal = \"viewer\"\nsubjects = [\"*\"]\npermissions = [\"read\"]\n\n\
             [[grants]]\nprincipal = \"author\"\nsubjects = [\"*\"]\npermissions = [\"read\", \"write\"]\n",
            common::auth::hash("viewer-pw"),
            common::auth::hash("author-pw"),
        ),
        &[],
        &[],
    );
    let author = common::auth::basic("author", "author-pw");
    let first = auth
        .call_as(
            Some(&author),
            "POST",
            &format!("/subjects/{SUBJECT}/versions"),
            Some(&json!({"schemaType": "JSON", "schema": texts[0]})),
        )
        .await;
    assert_eq!(first.status, 200, "{}", first.text);

    // A second registry, as a proxy exposes it under /registry.
    let proxied = Server::start_with(&["--ui-base-path", "/registry"]);
    register(
        &proxied,
        "behind-the-proxy",
        json!({"schemaType": "JSON", "schema": "{\"type\": \"string\"}"}),
    )
    .await;

    let shots = target_dir().join("ui-screenshots");
    let scenario = json!({
        "base": server.base,
        "proxied": proxied.base,
        "shots": shots,
        "chromium": tools.chromium,
        "subject": SUBJECT,
        "ids": ids,
        "guids": guids,
        "texts": texts,
        "registered_ms": registered_ms,
        "breaking": breaking,
        "others": others,
        "referenced": {"subject": "shared.money"},
        "referencing": {"subject": "payments.payment-captured-value", "name": money},
        "contract": {"subject": "payments.payment-captured-value", "metadata": metadata, "ruleSet": rule_set},
        "consumers": consumers,
        "auth": {
            "base": auth.base,
            "subject": SUBJECT,
            "reader": common::auth::basic("viewer", "viewer-pw"),
            "writer": author,
        },
        "huge": {"subject": "huge-value", "bytes": huge.len(), "longest_task_limit_ms": 1000},
        "triage": {
            "subject": "orders-value",
            "reader": 1,
            "file": repo().join("fixtures/triage/messages/dlq/orders.ndjson"),
            "causes": [
                {"verdict": "producer_invalid", "reason": "minimum at /qty", "messages": 3},
                {"verdict": "consumer_behind", "reason": "additionalProperties at /", "messages": 2},
                {"verdict": "contract_broken", "reason": "type at /id", "messages": 1},
                {"verdict": "unknown_schema", "reason": "", "messages": 1},
                {"verdict": "corrupt", "reason": "shorter than the 5-byte header", "messages": 1},
                {"verdict": "corrupt", "reason": "not the magic byte 0", "messages": 1},
                {"verdict": "unframed_match", "reason": "", "messages": 1},
                {"verdict": "valid", "reason": "", "messages": 2},
            ],
        },
    });
    let dir = common::temp_dir();
    let scenario_file = dir.path().join("scenario.json");
    std::fs::write(&scenario_file, scenario.to_string()).expect("scenario written");

    let output = tokio::task::spawn_blocking(move || {
        Command::new(&tools.node)
            .arg(repo().join("ci/ui/browser.js"))
            .arg(&scenario_file)
            .env("NODE_PATH", &tools.node_modules)
            .output()
            .expect("node runs")
    })
    .await
    .expect("the browser run");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    for figure in stdout.lines().filter(|l| l.starts_with("figure ")) {
        eprintln!("{figure}");
    }
    eprintln!("screenshots in {}", shots.display());
    assert!(
        output.status.success(),
        "the page failed in the browser\n--- stdout\n{stdout}\n--- stderr\n{stderr}\n--- registry log\n{}",
        server.stderr()
    );
    assert_eq!(
        stdout.lines().last(),
        Some("18 passed, 0 failed"),
        "{stdout}"
    );
}
