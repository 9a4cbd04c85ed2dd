//! Reading schema files: format from the extension, references from files.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use schemas::{Resolver, Schema, SchemaType};

use crate::args::InputArgs;

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
    /// A resolver for a schema in `dir` with the given named references.
    pub fn new(dir: PathBuf, references: &[String]) -> Result<FileResolver> {
        let mut named = HashMap::new();
        for reference in references {
            let (name, file) = reference
                .split_once('=')
                .with_context(|| format!("--reference `{reference}`: expected NAME=FILE"))?;
            let path = PathBuf::from(file);
            if !path.is_file() {
                bail!("--reference `{reference}`: {file}: no such file");
            }
            named.insert(name.to_string(), path);
        }
        Ok(FileResolver {
            named,
            dir,
            search: Vec::new(),
        })
    }

    /// Also looks relative names up in `dirs`, in order, after the schema's
    /// own directory (`--proto-path`).
    pub fn search_in(mut self, dirs: &[PathBuf]) -> Result<FileResolver> {
        for dir in dirs {
            if !dir.is_dir() {
                bail!("--proto-path {}: no such directory", dir.display());
            }
        }
        self.search = dirs.to_vec();
        Ok(self)
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

/// Reads and parses one schema file; errors name the file.
pub fn load(path: &Path, input: &InputArgs) -> Result<Schema> {
    let display = path.display();
    let schema_type = schema_type(path, input.schema_type).with_context(|| display.to_string())?;
    let text = std::fs::read_to_string(path).with_context(|| format!("{display}: cannot read"))?;
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let resolver = FileResolver::new(dir, &input.references)?.search_in(&input.proto_paths)?;
    Schema::parse(schema_type, &text, &resolver).with_context(|| display.to_string())
}
