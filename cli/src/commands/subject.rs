//! What the registry commands share: a local schema read with references
//! that may live in the registry, and a subject's versions fetched and parsed.

use std::fmt::Display;
use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};
use schemas::{MapResolver, Resolver, Schema, SchemaType};
use serde::Serialize;

use crate::client::{Client, RegisteredSchema};
use crate::input::{self, FileResolver, InputSettings};
use crate::values::{DataFormat, VersionRef};

/// A schema file read for sending to a registry.
pub(crate) struct Local {
    /// The parsed schema.
    pub schema: Schema,
    /// The text as written (what is sent).
    pub text: String,
    /// Its format.
    pub schema_type: SchemaType,
}

/// Resolves from files first (`--reference NAME=FILE`, files next to the
/// schema), then from schemas fetched from the registry.
struct FilesThenRegistry<'a> {
    files: FileResolver,
    registry: &'a MapResolver,
}

impl Resolver for FilesThenRegistry<'_> {
    fn resolve(&self, name: &str) -> Option<String> {
        self.files
            .resolve(name)
            .or_else(|| self.registry.resolve(name))
    }
}

/// Reads and parses `path` as `input` says, resolving references from files
/// (`--reference`, next to `path`, in `--proto-path` directories) and then
/// from `registry`.
pub(crate) fn load(path: &Path, input: &InputSettings, registry: &MapResolver) -> Result<Local> {
    let (schema_type, text) = input::read(path, input.schema_type)?;
    let resolver = FilesThenRegistry {
        files: FileResolver::beside(path, input),
        registry,
    };
    let schema =
        Schema::parse(schema_type, &text, &resolver).with_context(|| path.display().to_string())?;
    Ok(Local {
        schema,
        text,
        schema_type,
    })
}

/// A registered version, parsed.
pub(crate) struct Fetched {
    /// The record as the registry answered it.
    pub record: RegisteredSchema,
    /// The parsed schema.
    pub schema: Schema,
}

impl Fetched {
    /// How reports name it: `orders-value version 3`.
    pub fn label(&self) -> String {
        label(&self.record.subject, self.record.version)
    }
}

/// How reports name a registered version.
pub(crate) fn label(subject: &str, version: i32) -> String {
    format!("{subject} version {version}")
}

/// Fetches and parses `versions` of `subject` (with what they reference),
/// in the order given.
pub(crate) fn fetch(
    client: &Client,
    subject: &str,
    versions: &[VersionRef],
) -> Result<Vec<Fetched>> {
    versions
        .iter()
        .map(|version| {
            let record = client.version(subject, *version)?;
            let resolver = client.resolver(&record.references)?;
            let schema = Schema::parse(record.schema_type, &record.schema, &resolver)
                .with_context(|| {
                    format!(
                        "{}: Charter cannot read the registered {}",
                        client.url(),
                        label(subject, record.version)
                    )
                })?;
            Ok(Fetched { record, schema })
        })
        .collect()
}

/// The versions a compatibility question needs: all of them for a
/// transitive level, else the latest.
pub(crate) fn needed(versions: &[i32], transitive: bool) -> Vec<VersionRef> {
    let chosen: &[i32] = if transitive {
        versions
    } else {
        &versions[versions.len().saturating_sub(1)..]
    };
    chosen.iter().map(|v| VersionRef::Number(*v)).collect()
}

/// One JSON value, pretty, and a newline.
pub(crate) fn json_line(out: &mut impl Write, value: serde_json::Value) -> Result<()> {
    // Serialized first, so a closed stdout is the io::Error the caller
    // recognises as a broken pipe.
    let text = serde_json::to_string_pretty(&value)?;
    writeln!(out, "{text}")?;
    Ok(())
}

/// A list on stdout: one item per line, or a JSON array.
pub(crate) fn print_list<T: Display + Serialize>(items: &[T], format: DataFormat) -> Result<()> {
    let mut stdout = anstream::stdout().lock();
    match format {
        DataFormat::Text => {
            for item in items {
                writeln!(stdout, "{item}")?;
            }
        }
        DataFormat::Json => json_line(&mut stdout, serde_json::to_value(items)?)?,
    }
    stdout.flush()?;
    Ok(())
}
