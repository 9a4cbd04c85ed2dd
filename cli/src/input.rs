//! Reading schema files: format from the extension, references from files.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use schemas::{Resolver, Schema, SchemaLimits, SchemaType};

use crate::values::FileReference;

/// How schema files are read (`--type`, `--reference NAME=FILE`,
/// `--proto-path DIR`), as the settings step resolved them: every
/// referenced file and every directory was there when it looked.
#[derive(Debug, Clone, Default)]
pub struct InputSettings {
    /// The format of every file, instead of its extension.
    pub schema_type: Option<SchemaType>,
    /// Named references to files.
    pub references: Vec<FileReference>,
    /// Where `.proto` imports are looked up, in order, after the schema's
    /// own directory.
    pub proto_paths: Vec<PathBuf>,
    /// The bounds schema files are parsed and checked within.
    pub limits: SchemaLimits,
}

/// The format of a schema file: `--type` if given, else its extension.
pub fn schema_type(path: &Path, explicit: Option<SchemaType>) -> Result<SchemaType> {
    if let Some(t) = explicit {
        return Ok(t);
    }
    match path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("json") => Ok(SchemaType::Json),
        Some("avsc") => Ok(SchemaType::Avro),
        Some("proto") => Ok(SchemaType::Protobuf),
        _ => bail!(
            "cannot tell the schema format from the file name; pass --type JSON, AVRO or PROTOBUF"
        ),
    }
}

/// Resolves references from `--reference NAME=FILE`, from files next to the
/// referencing schema, and then from `--proto-path` directories.
#[derive(Debug, Clone)]
pub struct FileResolver {
    named: HashMap<String, PathBuf>,
    dir: PathBuf,
    search: Vec<PathBuf>,
}

impl FileResolver {
    /// A resolver for a schema in `dir`, with the references and search
    /// directories of `input`.
    pub fn new(dir: PathBuf, input: &InputSettings) -> FileResolver {
        FileResolver {
            named: input
                .references
                .iter()
                .map(|r| (r.name.clone(), r.file.clone()))
                .collect(),
            dir,
            search: input.proto_paths.clone(),
        }
    }

    /// A resolver for the schema file `path`.
    pub fn beside(path: &Path, input: &InputSettings) -> FileResolver {
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        FileResolver::new(dir, input)
    }
}

impl Resolver for FileResolver {
    fn resolve(&self, name: &str) -> Option<String> {
        // Schemas without an `$id` have the base `charter:///root.json`, so a
        // relative `$ref` arrives as `charter:///NAME`.
        let relative = name.strip_prefix("charter:///").unwrap_or(name);
        if let Some(path) = self.named.get(name).or_else(|| self.named.get(relative)) {
            return std::fs::read_to_string(path).ok();
        }
        // A relative file name next to the referencing schema (never a URL).
        if relative.contains("://") || relative.starts_with('/') {
            return None;
        }
        std::iter::once(&self.dir)
            .chain(&self.search)
            .find_map(|dir| std::fs::read_to_string(dir.join(relative)).ok())
    }
}

/// A schema file read: its format and its text.
pub fn read(path: &Path, schema_type: Option<SchemaType>) -> Result<(SchemaType, String)> {
    let display = path.display();
    let schema_type = self::schema_type(path, schema_type).with_context(|| display.to_string())?;
    let text = std::fs::read_to_string(path).with_context(|| format!("{display}: cannot read"))?;
    Ok((schema_type, text))
}

/// Reads and parses one schema file; errors name the file.
pub fn load(path: &Path, input: &InputSettings) -> Result<Schema> {
    let (schema_type, text) = read(path, input.schema_type)?;
    let resolver = FileResolver::beside(path, input);
    Schema::parse_within(schema_type, &text, &resolver, &input.limits)
        .with_context(|| path.display().to_string())
}
