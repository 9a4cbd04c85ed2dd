//! Databases of earlier releases opened by this binary.
//!
//! A database written by the release before Charter kept submitted schema
//! text (main at 9ea9e15: migrations 0001 to 0003, every schema row holding
//! Charter's canonical text under a key over that text) opened by this
//! binary: every id, version and served text stays, and the texts those
//! schemas were first submitted as still find them (issue #13).
//!
//! The old database is made as that release made it: its migrations, then
//! the rows its registrations wrote (canonical text, its content key). Runs
//! on SQLite, and on PostgreSQL when the test server is there.
//!
//! A database of the release before migration 0006 (the config
//! data-contract fields): its configs, and a schema with metadata and a rule
//! set, are served as before, and the new fields apply to them.
//!
//! A database of the release before migration 0008 (associations): its
//! subjects take associations, which are served and kept.
//!
//! A database of the release before migration 0009 (identity follows
//! Confluent): its Avro schemas keep their ids, texts and GUIDs, and every
//! spelling Avro Java prints alike finds them, the lowest id where two
//! stored schemas are one; instances starting together key them once.

mod common;

use std::borrow::Cow;
use std::path::Path;

use common::Server;
use common::postgres::TestDatabase;
use schemas::{Fingerprint, MapResolver, NoReferences, Schema, SchemaType};
use serde_json::{Value, json};

/// A reference: (name, subject, version).
type OldReference = (&'static str, &'static str, i32);

/// One version the old release stored: (subject, version, deleted, type,
/// text as its client submitted it, references).
type OldVersion = (
    &'static str,
    i32,
    bool,
    SchemaType,
    &'static str,
    &'static [OldReference],
);

/// The schemas the old release stored, in id order.
const OLD: [OldVersion; 6] = [
    (
        "orders-value",
        1,
        false,
        SchemaType::Json,
        r#"{"type": "object", "properties": {"id": {"type": "string"}}, "additionalProperties": false}"#,
        &[],
    ),
    (
        "users-value",
        1,
        false,
        SchemaType::Avro,
        r#"{"type": "record", "name": "User", "namespace": "a.b", "fields": [{"name": "id", "type": "long"}]}"#,
        &[],
    ),
    (
        "p",
        1,
        false,
        SchemaType::Protobuf,
        "syntax = \"proto3\";\n// kept?\nmessage P { string b = 2; int64 a = 1; }\n",
        &[],
    ),
    (
        "refs",
        1,
        false,
        SchemaType::Json,
        r#"{"$ref": "orders.json"}"#,
        &[("orders.json", "orders-value", 1)],
    ),
    (
        "orders-value",
        2,
        true,
        SchemaType::Json,
        r#"{"type": "object", "properties": {"id": {"type": "string"}, "at": {"type": "string"}}, "additionalProperties": false}"#,
        &[],
    ),
    (
        // References posted out of the order normalizing sorts them in.
        "pair",
        1,
        false,
        SchemaType::Json,
        r#"{"allOf": [{"$ref": "refs.json"}, {"$ref": "orders.json"}]}"#,
        &[("refs.json", "refs", 1), ("orders.json", "orders-value", 1)],
    ),
];

/// The old release's content key: SHA-256 over type, canonical text and
/// references.
fn old_key(schema_type: SchemaType, canonical: &str, refs: &[OldReference]) -> String {
    let mut material = format!("{}\n{}\n", schema_type.as_str(), canonical.len());
    material.push_str(canonical);
    for (name, subject, version) in refs {
        material.push_str(&format!(
            "\n{}:{}\n{}:{}\n{}",
            name.len(),
            name,
            subject.len(),
            subject,
            version
        ));
    }
    Fingerprint::of(&material).to_hex()
}

/// The canonical texts of [`OLD`], in order.
fn canonical_texts() -> Vec<String> {
    let orders = Schema::parse(SchemaType::Json, OLD[0].4, &NoReferences).unwrap();
    let mut resolver = MapResolver::new();
    resolver.insert("orders.json".to_string(), orders.canonical().to_string());
    let refs = Schema::parse(SchemaType::Json, OLD[3].4, &resolver).unwrap();
    resolver.insert("refs.json".to_string(), refs.canonical().to_string());
    OLD.iter()
        .map(|(_, _, _, schema_type, text, refs)| {
            let resolver: &dyn schemas::Resolver = if refs.is_empty() {
                &NoReferences
            } else {
                &resolver
            };
            Schema::parse(*schema_type, text, resolver)
                .unwrap()
                .canonical()
                .to_string()
        })
        .collect()
}

fn quoted(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// The rows the old release's registrations wrote, as one SQL script.
fn old_rows(canonical: &[String]) -> String {
    let mut sql = String::new();
    for (index, (subject, version, deleted, schema_type, _, refs)) in OLD.iter().enumerate() {
        let id = index + 1;
        sql.push_str(&format!(
            "INSERT INTO schemas (content_key, schema_type, schema) VALUES ({}, {}, {});\n",
            quoted(&old_key(*schema_type, &canonical[index], refs)),
            quoted(schema_type.as_str()),
            quoted(&canonical[index]),
        ));
        for (position, (name, target, target_version)) in refs.iter().enumerate() {
            sql.push_str(&format!(
                "INSERT INTO schema_references (schema_id, position, name, subject, version) \
                 VALUES ({id}, {position}, {}, {}, {target_version});\n",
                quoted(name),
                quoted(target)
            ));
        }
        sql.push_str(&format!(
            "INSERT INTO subjects (name, generation) VALUES ({s}, 1) \
             ON CONFLICT (name) DO UPDATE SET generation = subjects.generation + 1;\n\
             INSERT INTO versions (subject, version, schema_id, deleted, registered_at) \
             VALUES ({s}, {version}, {id}, {deleted}, 1700000000000);\n",
            s = quoted(subject),
            deleted = if *deleted { "TRUE" } else { "FALSE" },
        ));
    }
    sql.push_str("INSERT INTO configs (scope, compatibility) VALUES ('__GLOBAL', 'FULL');\n");
    sql
}

/// The old release's migrations (0001 to 0003) from `directory`.
async fn old_migrator(directory: &str) -> sqlx::migrate::Migrator {
    migrator_through(directory, 3).await
}

/// The migrations of `directory` up to and including `last`.
async fn migrator_through(directory: &str, last: i64) -> sqlx::migrate::Migrator {
    let mut migrator = sqlx::migrate::Migrator::new(Path::new(directory))
        .await
        .expect("the migrations read");
    let old: Vec<_> = migrator
        .migrations
        .iter()
        .filter(|m| m.version <= last)
        .cloned()
        .collect();
    assert_eq!(
        old.len() as i64,
        last,
        "one migration per number up to {last}"
    );
    migrator.migrations = Cow::Owned(old);
    migrator
}

/// Makes the old release's database on `pool` (its migrations from
/// `directory`, then its rows) and closes the pool.
macro_rules! write_old_release {
    ($pool:expr, $directory:expr, $canonical:expr) => {{
        let pool = $pool;
        old_migrator($directory).await.run(&pool).await.unwrap();
        sqlx::raw_sql(&old_rows($canonical))
            .execute(&pool)
            .await
            .unwrap();
        pool.close().await;
    }};
}

/// A new SQLite database in `dir`: its URL and a pool on it.
async fn new_sqlite(dir: &tempfile::TempDir) -> (String, sqlx::SqlitePool) {
    use sqlx::sqlite::{SqliteConnectOptions, SqlitePool};
    use std::str::FromStr;
    let url = format!("sqlite://{}", dir.path().join("charter.db").display());
    let options = SqliteConnectOptions::from_str(&url)
        .unwrap()
        .create_if_missing(true);
    let pool = SqlitePool::connect_with(options).await.unwrap();
    (url, pool)
}

async fn json_of(server: &Server, path: &str) -> Value {
    let answer = server.get(path).await;
    assert_eq!(answer.status, 200, "GET {path}: {}", answer.text);
    answer.body
}

/// What the new binary must serve from the old rows.
async fn check_upgraded(server: &Server, canonical: &[String]) {
    for (index, (subject, version, deleted, schema_type, submitted, refs)) in OLD.iter().enumerate()
    {
        let id = index as i64 + 1;
        let by_id = json_of(server, &format!("/schemas/ids/{id}")).await;
        assert_eq!(by_id["schema"], canonical[index].as_str(), "schema {id}");
        let path = format!("/subjects/{subject}/versions/{version}?deleted=true");
        let found = json_of(server, &path).await;
        assert_eq!(
            (
                &found["id"],
                &found["schema"],
                &found["deleted"],
                &found["schemaType"]
            ),
            (
                &json!(id),
                &json!(canonical[index]),
                &json!(deleted),
                &json!(schema_type.as_str())
            ),
            "{subject} version {version}"
        );
        if *deleted {
            continue;
        }
        // The text the schema was first submitted as still finds it, by
        // lookup and by registering it again.
        let references: Vec<Value> = refs
            .iter()
            .map(|(name, subject, version)| json!({"name": name, "subject": subject, "version": version}))
            .collect();
        let body = json!({"schemaType": schema_type.as_str(), "schema": submitted, "references": references});
        let lookup = server.post(&format!("/subjects/{subject}"), &body).await;
        assert_eq!(
            (lookup.status, &lookup.body["id"]),
            (200, &json!(id)),
            "lookup in {subject}: {}",
            lookup.text
        );
        let again = server
            .post(&format!("/subjects/{subject}/versions"), &body)
            .await;
        assert_eq!(
            (&again.body["id"], &again.body["version"]),
            (&json!(id), &json!(version)),
            "registering again in {subject}: {}",
            again.text
        );
        // Normalized too, though normalizing now sorts the references
        // (the old row keeps them as posted).
        let again = server
            .post(
                &format!("/subjects/{subject}/versions?normalize=true"),
                &body,
            )
            .await;
        assert_eq!(
            (&again.body["id"], &again.body["version"]),
            (&json!(id), &json!(version)),
            "registering again normalized in {subject}: {}",
            again.text
        );
    }
    assert_eq!(
        json_of(server, "/subjects/orders-value/versions?deleted=true").await,
        json!([1, 2])
    );
    assert_eq!(
        json_of(server, "/config").await["compatibilityLevel"],
        "FULL"
    );
    // New schemas get new ids, above the old ones.
    let new = server
        .post(
            "/subjects/new/versions",
            &json!({"schemaType": "JSON", "schema": "{\"type\": \"string\"}"}),
        )
        .await;
    assert_eq!(new.body["id"], 7, "{}", new.text);
    assert_eq!(
        json_of(server, "/schemas/ids/7").await["schema"],
        r#"{"type":"string"}"#
    );
}

#[tokio::test]
async fn an_sqlite_database_of_the_old_release_keeps_ids_versions_and_texts() {
    let canonical = canonical_texts();
    let dir = common::temp_dir();
    let (url, pool) = new_sqlite(&dir).await;
    write_old_release!(pool, "migrations/sqlite", &canonical);
    let server = Server::start_on(&url, dir.path(), &[]);
    check_upgraded(&server, &canonical).await;
}

#[tokio::test]
async fn a_postgres_database_of_the_old_release_keeps_ids_versions_and_texts() {
    let Some(database) = TestDatabase::create("migration_0004").await else {
        return;
    };
    let canonical = canonical_texts();
    {
        let pool = sqlx::PgPool::connect(&database.url).await.unwrap();
        write_old_release!(pool, "migrations/postgres", &canonical);
    }
    let server = Server::start_at(&database.url, &[]);
    check_upgraded(&server, &canonical).await;
}

/// A schema with a data contract as the release before migration 0006
/// (config data-contract fields) stored it: its text as submitted, its
/// metadata and rule set as JSON.
const CONTRACT_SCHEMA: &str =
    r#"{"type":"record","name":"Order","fields":[{"name":"id","type":"string"}]}"#;
const CONTRACT_METADATA: &str = r#"{"properties":{"major_version":"1"}}"#;
const CONTRACT_RULES: &str = r#"{"domainRules":[{"name":"idSet","kind":"CONDITION","mode":"WRITE","type":"CEL","expr":"message.id != ''","disabled":false}]}"#;

/// The content key that release computed: over type, text, metadata and
/// rule set.
fn contract_key(text: &str) -> String {
    let mut material = format!("AVRO\n{}\n{text}", text.len());
    for (label, part) in [("metadata", CONTRACT_METADATA), ("ruleSet", CONTRACT_RULES)] {
        material.push_str(&format!("\n{label}:{}:{part}", part.len()));
    }
    Fingerprint::of(&material).to_hex()
}

/// The rows that release wrote: the schema above as version 1 of
/// `orders-value`, a global config with every field it had, and a subject
/// config.
fn release_0005_rows() -> String {
    let canonical = Schema::parse(SchemaType::Avro, CONTRACT_SCHEMA, &NoReferences)
        .unwrap()
        .canonical()
        .to_string();
    format!(
        "INSERT INTO schemas (content_key, canonical_key, normalized, schema_type, schema, \
         metadata, rule_set) VALUES ({}, {}, FALSE, 'AVRO', {}, {}, {});\n\
         INSERT INTO subjects (name, generation) VALUES ('orders-value', 1);\n\
         INSERT INTO versions (subject, version, schema_id, deleted, registered_at) \
         VALUES ('orders-value', 1, 1, FALSE, 1700000000000);\n\
         INSERT INTO configs (scope, compatibility, policy, normalize, consumer_compatibility) \
         VALUES ('__GLOBAL', 'FULL', 'LENIENT', TRUE, 'WARN');\n\
         INSERT INTO configs (scope, compatibility) VALUES ('orders-value', 'BACKWARD');\n",
        quoted(&contract_key(CONTRACT_SCHEMA)),
        quoted(&contract_key(&canonical)),
        quoted(CONTRACT_SCHEMA),
        quoted(CONTRACT_METADATA),
        quoted(CONTRACT_RULES),
    )
}

/// Makes the database of the release whose last migration is `$last`
/// (with the 0005 release's rows, which later ones read as they are) on
/// `pool` and closes the pool.
macro_rules! write_release {
    ($pool:expr, $directory:expr, $last:expr) => {{
        let pool = $pool;
        migrator_through($directory, $last)
            .await
            .run(&pool)
            .await
            .unwrap();
        sqlx::raw_sql(&release_0005_rows())
            .execute(&pool)
            .await
            .unwrap();
        pool.close().await;
    }};
}

/// What the new binary must serve from the 0005 release's rows, and that
/// the new config fields apply to them.
async fn check_upgraded_0005(server: &Server) {
    assert_eq!(
        server.get("/config").await.text,
        r#"{"normalize":true,"compatibilityLevel":"FULL","compatibilityPolicy":"LENIENT","consumerCompatibility":"WARN"}"#
    );
    assert_eq!(
        server.get("/config/orders-value").await.text,
        r#"{"compatibilityLevel":"BACKWARD"}"#
    );
    let v1 = json_of(server, "/subjects/orders-value/versions/1").await;
    assert_eq!(
        (&v1["id"], &v1["schema"]),
        (&json!(1), &json!(CONTRACT_SCHEMA))
    );
    assert_eq!(v1["metadata"].to_string(), CONTRACT_METADATA);
    assert_eq!(v1["ruleSet"].to_string(), CONTRACT_RULES);
    // Registering it again (its contract carried from version 1) is version 1.
    let again = server
        .post(
            "/subjects/orders-value/versions",
            &json!({"schema": CONTRACT_SCHEMA}),
        )
        .await;
    assert_eq!(
        (&again.body["id"], &again.body["version"]),
        (&json!(1), &json!(1)),
        "{}",
        again.text
    );
    // The new fields go onto the old row and keep what it held.
    let set = server
        .put(
            "/config/orders-value",
            &json!({"compatibilityGroup": "major_version",
                    "defaultMetadata": {"properties": {"owner": "payments"}}}),
        )
        .await;
    assert_eq!(
        set.text,
        r#"{"compatibility":"BACKWARD","compatibilityGroup":"major_version","defaultMetadata":{"properties":{"owner":"payments"}}}"#
    );
    // An incompatible line 2 is now accepted beside line 1.
    let line2 = server
        .post(
            "/subjects/orders-value/versions",
            &json!({"schema": CONTRACT_SCHEMA.replace("string", "boolean"),
                    "metadata": {"properties": {"major_version": "2"}}}),
        )
        .await;
    assert_eq!(
        (&line2.body["id"], &line2.body["version"]),
        (&json!(2), &json!(2)),
        "{}",
        line2.text
    );
    let stored = json_of(server, "/subjects/orders-value/versions/2").await;
    assert_eq!(
        stored["metadata"],
        json!({"properties": {"major_version": "2", "owner": "payments"}})
    );
}

#[tokio::test]
async fn an_sqlite_database_of_release_0005_keeps_configs_and_contracts() {
    let dir = common::temp_dir();
    let (url, pool) = new_sqlite(&dir).await;
    write_release!(pool, "migrations/sqlite", 5);
    let server = Server::start_on(&url, dir.path(), &[]);
    check_upgraded_0005(&server).await;
}

#[tokio::test]
async fn a_postgres_database_of_release_0005_keeps_configs_and_contracts() {
    let Some(database) = TestDatabase::create("migration_0006").await else {
        return;
    };
    {
        let pool = sqlx::PgPool::connect(&database.url).await.unwrap();
        write_release!(pool, "migrations/postgres", 5);
    }
    let server = Server::start_at(&database.url, &[]);
    check_upgraded_0005(&server).await;
}

/// What the new binary must do on the 0007 release's rows: associate its
/// subject, serve the association, and keep the versions as they were.
async fn check_upgraded_0007(server: &Server) {
    let body = json!({"resourceName": "orders", "resourceNamespace": "lkc-1",
                      "resourceId": "t-1", "associations": [{"subject": "orders-value"}]});
    let created = server.post("/associations", &body).await;
    assert_eq!(created.status, 200, "{}", created.text);
    let listed = json_of(server, "/associations/resources/-/orders").await;
    assert_eq!(listed[0]["subject"], json!("orders-value"), "{listed}");
    assert_eq!(
        json_of(server, "/subjects/orders-value/versions").await,
        json!([1])
    );
}

#[tokio::test]
async fn an_sqlite_database_of_release_0007_takes_associations() {
    let dir = common::temp_dir();
    let (url, pool) = new_sqlite(&dir).await;
    write_release!(pool, "migrations/sqlite", 7);
    let server = Server::start_on(&url, dir.path(), &[]);
    check_upgraded_0007(&server).await;
}

#[tokio::test]
async fn a_postgres_database_of_release_0007_takes_associations() {
    let Some(database) = TestDatabase::create("migration_0008").await else {
        return;
    };
    {
        let pool = sqlx::PgPool::connect(&database.url).await.unwrap();
        write_release!(pool, "migrations/postgres", 7);
    }
    let server = Server::start_at(&database.url, &[]);
    check_upgraded_0007(&server).await;
}

/// Avro schemas as the release before migration 0009 stored them (text as
/// submitted minus whitespace, keyed by it): (subject, version, schema id,
/// text). Schemas 1 and 2 are one schema to Confluent (Avro Java prints
/// both alike), registered apart because that release keyed the text;
/// subject `both` holds the two.
const SPELLINGS: [(&str, i32, i64, &str); 5] = [
    (
        "a",
        1,
        1,
        r#"{"type":"record","name":"A","namespace":"n","fields":[{"name":"x","type":"int"}]}"#,
    ),
    (
        "b",
        1,
        2,
        r#"{"name":"A","namespace":"n","type":"record","fields":[{"type":"int","name":"x"}]}"#,
    ),
    ("s", 1, 3, r#"{"type":"string"}"#),
    ("both", 1, 2, ""),
    ("both", 2, 1, ""),
];

/// A JSON Schema row of that release: its identity is its text, as before.
const JSON_ROW: &str = r#"{"type":"object"}"#;

/// The rows that release wrote for [`SPELLINGS`] and [`JSON_ROW`] (id 4).
fn release_0008_rows() -> Vec<String> {
    let mut rows = Vec::new();
    let schemas = SPELLINGS
        .iter()
        .filter(|s| !s.3.is_empty())
        .map(|s| (SchemaType::Avro, s.3))
        .chain([(SchemaType::Json, JSON_ROW)]);
    for (schema_type, text) in schemas {
        let canonical = Schema::parse(schema_type, text, &NoReferences).unwrap();
        rows.push(format!(
            "INSERT INTO schemas (content_key, canonical_key, normalized, schema_type, schema) \
             VALUES ({}, {}, FALSE, {}, {})",
            quoted(&old_key(schema_type, text, &[])),
            quoted(&old_key(schema_type, canonical.canonical(), &[])),
            quoted(schema_type.as_str()),
            quoted(text),
        ));
    }
    let versions = SPELLINGS
        .iter()
        .map(|(subject, version, id, _)| (*subject, *version, *id))
        .chain([("j", 1, 4)]);
    for (subject, version, id) in versions {
        rows.push(format!(
            "INSERT INTO subjects (name, generation) VALUES ({s}, 1) \
             ON CONFLICT (name) DO UPDATE SET generation = subjects.generation + 1",
            s = quoted(subject)
        ));
        rows.push(format!(
            "INSERT INTO versions (subject, version, schema_id, deleted, registered_at) \
             VALUES ({}, {version}, {id}, FALSE, 1700000000000)",
            quoted(subject)
        ));
    }
    rows
}

/// What the new binary must do with the rows of [`release_0008_rows`]:
/// every id, text and GUID stays; every spelling of schemas 1 and 2 is
/// found by Confluent's identity, in a subject as the version holding it
/// (the lowest id of the two the subject holds) and elsewhere as the
/// lowest id, which a peer would hold.
async fn check_upgraded_0008(server: &Server) {
    let avro = |text: &str| json!({"schema": text});
    for (subject, version, id, text) in SPELLINGS.iter().filter(|s| !s.3.is_empty()) {
        let by_id = json_of(server, &format!("/schemas/ids/{id}")).await;
        let guid = registry::model::guid_of(&old_key(SchemaType::Avro, text, &[]));
        assert_eq!(
            (&by_id["schema"], &by_id["guid"]),
            (&json!(text), &json!(guid))
        );
        let found = json_of(server, &format!("/subjects/{subject}/versions/{version}")).await;
        assert_eq!(found["id"], json!(id));
    }
    let third = r#"{"fields":[{"name":"x","type":{"type":"int"}}],"type":"record","name":"n.A"}"#;
    // Subject `c` is new the first time round.
    let mut c_registered = server.get("/subjects/c/versions").await.status == 200;
    for spelling in [SPELLINGS[0].3, SPELLINGS[1].3, third] {
        for (subject, id, version) in [("a", 1, 1), ("b", 2, 1), ("both", 1, 2), ("c", 1, 1)] {
            let lookup = server
                .post(&format!("/subjects/{subject}"), &avro(spelling))
                .await;
            let held = subject != "c" || std::mem::replace(&mut c_registered, true);
            let expected = held.then_some((json!(id), json!(version)));
            let found = (lookup.status == 200)
                .then(|| (lookup.body["id"].clone(), lookup.body["version"].clone()));
            assert_eq!(found, expected, "lookup in {subject}: {}", lookup.text);
            let again = server
                .post(&format!("/subjects/{subject}/versions"), &avro(spelling))
                .await;
            assert_eq!(
                (&again.body["id"], &again.body["version"]),
                (&json!(id), &json!(version)),
                "{subject}: {}",
                again.text
            );
        }
    }
    // The new subject holds schema 1 as first submitted.
    let c = json_of(server, "/subjects/c/versions/1").await;
    assert_eq!(c["schema"], json!(SPELLINGS[0].3));
    // `"string"` is schema 3, the JSON Schema row is found by its text.
    let again = server
        .post("/subjects/s/versions", &avro(r#""string""#))
        .await;
    assert_eq!(
        (&again.body["id"], &again.body["version"]),
        (&json!(3), &json!(1))
    );
    let json_again = json!({"schemaType": "JSON", "schema": "{\"type\": \"object\"}"});
    let again = server.post("/subjects/k/versions", &json_again).await;
    assert_eq!(again.body["id"], json!(4), "{}", again.text);
    // A new schema continues above.
    let new = server
        .post("/subjects/d/versions", &avro(r#""long""#))
        .await;
    assert_eq!(new.body["id"], json!(5), "{}", new.text);
}

/// A spelling of schema 1 registered in `subject` (new) by an instance
/// that has read nothing yet answers schema 1 as stored: its text, its GUID.
async fn first_answer_is_the_stored_schema(server: &Server, subject: &str) {
    let spelling = r#"{"type":"record","name":"n.A","fields":[{"type":"int","name":"x"}]}"#;
    let answer = server
        .post(
            &format!("/subjects/{subject}/versions"),
            &json!({"schema": spelling}),
        )
        .await;
    let guid = registry::model::guid_of(&old_key(SchemaType::Avro, SPELLINGS[0].3, &[]));
    assert_eq!(
        (
            &answer.body["id"],
            &answer.body["schema"],
            &answer.body["guid"]
        ),
        (&json!(1), &json!(SPELLINGS[0].3), &json!(guid)),
        "{}",
        answer.text
    );
}

#[tokio::test]
async fn an_sqlite_database_of_release_0008_finds_avro_schemas_by_confluents_identity() {
    let dir = common::temp_dir();
    let url = format!("sqlite://{}", dir.path().join("charter.db").display());
    let rows = release_0008_rows();
    let rows: Vec<&str> = rows.iter().map(String::as_str).collect();
    common::database_before(&url, 9, &rows).await;
    let server = Server::start_on(&url, dir.path(), &[]);
    first_answer_is_the_stored_schema(&server, "e").await;
    check_upgraded_0008(&server).await;
    // Started again (nothing left to key), it answers the same.
    drop(server);
    let server = Server::start_on(&url, dir.path(), &[]);
    first_answer_is_the_stored_schema(&server, "f").await;
    check_upgraded_0008(&server).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_postgres_database_of_release_0008_keyed_by_instances_starting_together() {
    let Some(database) = TestDatabase::create("migration_0009").await else {
        return;
    };
    let rows = release_0008_rows();
    let rows: Vec<&str> = rows.iter().map(String::as_str).collect();
    common::database_before(&database.url, 9, &rows).await;
    // Two instances key the old rows at once.
    let starts: Vec<_> = (0..2)
        .map(|_| {
            let url = database.url.clone();
            std::thread::spawn(move || Server::start_at(&url, &[]))
        })
        .collect();
    let servers: Vec<Server> = starts.into_iter().map(|s| s.join().unwrap()).collect();
    first_answer_is_the_stored_schema(&servers[0], "e").await;
    first_answer_is_the_stored_schema(&servers[1], "f").await;
    check_upgraded_0008(&servers[0]).await;
    check_upgraded_0008(&servers[1]).await;
}
