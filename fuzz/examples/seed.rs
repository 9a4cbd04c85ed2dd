//! Writes the seed corpora under `fuzz/corpus/<target>/` from the
//! repository's fixtures: schemas of every format, real payloads encoded
//! with them, framed messages and dead-letter records. Run from the
//! repository root after changing the fixtures:
//!
//! ```sh
//! cargo run --manifest-path fuzz/Cargo.toml --example seed
//! ```
//!
//! Each file is named after where it came from; the corpora are rewritten
//! from scratch (libFuzzer's own finds are not kept: `ci/fuzz.sh` works in
//! a copy).

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use base64::Engine;
use schemas::payload::PayloadValidator;
use schemas::{Form, NoReferences, Schema, SchemaType};
use serde_json::Value;

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

fn main() -> Result<()> {
    let fixtures = Path::new("fixtures");
    let corpus = Path::new("fuzz/corpus");
    let mut seeds = Seeds::default();

    for path in files(fixtures, &["json", "avsc", "proto"])? {
        let text = fs::read_to_string(&path)?;
        let name = seed_name(&path);
        match extension(&path) {
            "json" if is_schema(&text) => seeds.add("json_schema", &name, text.as_bytes()),
            "json" => {}
            "avsc" => {
                seeds.add("avro_schema", &name, text.as_bytes());
                seeds.add("avro_decode", &name, &with_schema(&text, &[]));
            }
            _ => {
                seeds.add("protobuf_text", &name, text.as_bytes());
                seeds.add("protobuf_decode", &name, &with_schema(&text, &[0]));
                if let Ok(schema) = Schema::parse(SchemaType::Protobuf, &text, &NoReferences) {
                    let encoded = schema
                        .form(Form::Serialized)
                        .expect("Protobuf is serialized");
                    let bytes = base64::engine::general_purpose::STANDARD.decode(encoded)?;
                    seeds.add("protobuf_descriptor", &name, &bytes);
                }
            }
        }
    }

    // Real payloads: the contracts' examples, encoded with the first
    // version of their schema that takes them.
    let contracts = fixtures.join("contracts/orders");
    for (schema_type, schema, payloads) in [
        (
            SchemaType::Avro,
            "order-placed.v{}.avsc",
            "order-placed.avro.ndjson",
        ),
        (
            SchemaType::Protobuf,
            "order_placed.v{}.proto",
            "order-placed.proto.ndjson",
        ),
    ] {
        let (target, indexes): (&str, &[u8]) = match schema.ends_with(".avsc") {
            true => ("avro_decode", &[]),
            false => ("protobuf_decode", &[0]),
        };
        let mut versions = Vec::new();
        for version in 1..=3 {
            let text =
                fs::read_to_string(contracts.join(schema.replace("{}", &version.to_string())))?;
            let parsed = Schema::parse(schema_type, &text, &NoReferences)?;
            versions.push((text, PayloadValidator::new(Arc::new(parsed), None)?));
        }
        let lines = fs::read_to_string(fixtures.join("payloads").join(payloads))?;
        for (n, line) in lines.lines().enumerate().take(6) {
            let datum: Value = serde_json::from_str(line)?;
            let encoded = versions
                .iter()
                .find_map(|(text, v)| v.encode(&datum).ok().map(|bytes| (text, bytes)));
            if let Some((text, bytes)) = encoded {
                let payload = [indexes, &bytes].concat();
                seeds.add(
                    target,
                    &format!("{payloads}-{n}"),
                    &with_schema(text, &payload),
                );
            }
        }
    }

    // Framed messages of the triage fixtures, with their writer schemas.
    let triage = fixtures.join("triage");
    for (folder, schema) in [("avro", "payment.v1.avsc"), ("protobuf", "shipment.proto")] {
        let text = fs::read_to_string(triage.join("schemas").join(schema))?;
        for path in files(&triage.join("messages").join(folder), &["bin"])? {
            let message = fs::read(&path)?;
            let name = seed_name(&path);
            let target = if folder == "avro" {
                "avro_decode"
            } else {
                "protobuf_decode"
            };
            let after_header = message.get(schemas::wire::HEADER_LEN..).unwrap_or_default();
            seeds.add(target, &name, &with_schema(&text, after_header));
        }
    }
    for path in files(&triage.join("messages"), &["bin", "json"])? {
        let message = fs::read(&path)?;
        let name = seed_name(&path);
        seeds.add("framing", &name, &message);
        seeds.add("triage", &name, &message);
    }
    let dead_letters = fs::read_to_string(triage.join("messages/dlq/orders.ndjson"))?;
    for (n, line) in dead_letters.lines().enumerate() {
        seeds.add("triage", &format!("dlq-orders-{n}"), line.as_bytes());
    }
    // Header framing: an id and a GUID in `__value_schema_id`, with and
    // without Protobuf message indexes.
    let base64 = |b: &[u8]| base64::engine::general_purpose::STANDARD.encode(b);
    let mut guid = vec![schemas::wire::MAGIC_GUID];
    guid.extend(1..=16u8);
    for (name, header) in [
        ("header-id", vec![0, 0, 0, 0, 1]),
        ("header-id-indexes", vec![0, 0, 0, 0, 6, 2, 2]),
        ("header-guid", guid.clone()),
        ("header-guid-indexes", [guid.as_slice(), &[0]].concat()),
    ] {
        seeds.add("framing", name, &header);
        let record = serde_json::json!({
            "key": "k",
            "value": base64(br#"{"id":"o-1","qty":2}"#),
            "headers": [{"key": "__value_schema_id", "value": base64(&header)}],
        });
        seeds.add("triage", name, record.to_string().as_bytes());
    }

    seeds.write(corpus)
}

/// Corpus files by target, written at the end.
#[derive(Default)]
struct Seeds(Vec<(&'static str, String, Vec<u8>)>);

impl Seeds {
    fn add(&mut self, target: &'static str, name: &str, bytes: &[u8]) {
        self.0.push((target, name.to_string(), bytes.to_vec()));
    }

    fn write(self, corpus: &Path) -> Result<()> {
        let mut targets: Vec<&str> = self.0.iter().map(|(t, _, _)| *t).collect();
        targets.sort_unstable();
        targets.dedup();
        for target in targets {
            let dir = corpus.join(target);
            if dir.exists() {
                fs::remove_dir_all(&dir)?;
            }
            fs::create_dir_all(&dir)?;
        }
        for (target, name, bytes) in self.0 {
            fs::write(corpus.join(target).join(name), bytes)?;
        }
        Ok(())
    }
}

/// A decode target's input: the schema, NUL, the payload.
fn with_schema(text: &str, payload: &[u8]) -> Vec<u8> {
    [text.as_bytes(), &[charter_fuzz::SCHEMA_END], payload].concat()
}

/// JSON files that are schemas (not metadata, rules or consumer settings).
fn is_schema(text: &str) -> bool {
    serde_json::from_str::<Value>(text).is_ok_and(|v| {
        v.get("$schema").is_some() || v.get("type").is_some() || v.get("$ref").is_some()
    })
}

/// `compat-avro-made-nullable-old.avsc` for `fixtures/compat/avro/made-nullable/old.avsc`.
fn seed_name(path: &Path) -> String {
    let relative = path.strip_prefix("fixtures").unwrap_or(path);
    relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("-")
}

fn extension(path: &Path) -> &str {
    path.extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default()
}

/// Files under `dir` with one of `extensions`, sorted.
fn files(dir: &Path, extensions: &[&str]) -> Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in fs::read_dir(&dir)? {
            let path = entry?.path();
            if path.is_dir() {
                pending.push(path);
            } else if extensions.contains(&extension(&path)) {
                found.push(path);
            }
        }
    }
    found.sort();
    Ok(found)
}
