//! A database written by the release before Charter kept submitted schema
//! text (main at 9ea9e15: migrations 0001 to 0003, every schema row holding
//! Charter's canonical text under a key over that text) opened by this
//! binary: every id, version and served text stays, and the texts those
//! schemas were first submitted as still find them (issue #13).
//!
//! The old database is made as that release made it: its migrations, then
//! the rows its registrations wrote (canonical text, its content key). Runs
//! on SQLite, and on PostgreSQL when the test server is there.

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
const OLD: [OldVersion; 5] = [
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
    let mut migrator = sqlx::migrate::Migrator::new(Path::new(directory))
        .await
        .expect("the migrations read");
    let old: Vec<_> = migrator
        .migrations
        .iter()
        .filter(|m| m.version <= 3)
        .cloned()
        .collect();
    assert_eq!(old.len(), 3, "the old release had three migrations");
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

async fn json_of(server: &Server, path: &str) -> Value {
    let answer = server.get(path).await;
    assert_eq!(answer.status, 200, "GET {path}: {}", answer.text);
    answer.body
}

/// What the new binary must serve from the old rows.
async fn check_upgraded(server: &Server, canonical: &[String]) {
    for (index, (subject, version, deleted, schema_type, submitted, _)) in OLD.iter().enumerate() {
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
        let mut body = json!({"schemaType": schema_type.as_str(), "schema": submitted});
        if index == 3 {
            body["references"] =
                json!([{"name": "orders.json", "subject": "orders-value", "version": 1}]);
        }
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
    assert_eq!(new.body["id"], 6, "{}", new.text);
    assert_eq!(
        json_of(server, "/schemas/ids/6").await["schema"],
        r#"{"type":"string"}"#
    );
}

#[tokio::test]
async fn an_sqlite_database_of_the_old_release_keeps_ids_versions_and_texts() {
    let canonical = canonical_texts();
    let dir = common::temp_dir();
    let url = format!("sqlite://{}", dir.path().join("charter.db").display());
    {
        use sqlx::sqlite::{SqliteConnectOptions, SqlitePool};
        use std::str::FromStr;
        let options = SqliteConnectOptions::from_str(&url)
            .unwrap()
            .create_if_missing(true);
        let pool = SqlitePool::connect_with(options).await.unwrap();
        write_old_release!(pool, "migrations/sqlite", &canonical);
    }
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
