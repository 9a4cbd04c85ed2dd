//! JSON Schema: parsing (drafts 04 to 2020-12), canonical form, diff and
//! validation support.

pub mod canonical;
mod compile;
pub(crate) mod confluent;
pub mod diff;
mod draft;
mod error;
pub mod example;
mod hash;
pub(crate) mod node;
pub(crate) mod payload;
mod rules;
pub(crate) mod tag_order;
pub(crate) mod tags;

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::Value;

pub use draft::{Draft, LATER_DRAFT_FORMATS};
pub use error::{ParseError, TextError};

use crate::limits::{Limit, LimitExceeded, SchemaLimits};
use crate::resolver::Resolver;
use node::{Node, NodeId};

/// The deepest nesting of arrays and objects accepted in JSON text
/// (serde_json's own limit).
pub const MAX_TEXT_DEPTH: usize = 128;

/// How many times one match of a `pattern` that needs backtracking (a
/// look-around or a back-reference) may backtrack before the value is
/// called invalid for it: about a millisecond of work, where the engine's
/// own default (a million) let one message cost 25 ms.
pub const MAX_REGEX_BACKTRACKS: usize = 10_000;

/// One JSON document of a schema: the schema itself or one it references.
#[derive(Debug, Clone)]
pub(crate) struct Document {
    /// Its base URI (a `charter:` URI when it names none).
    pub(crate) uri: String,
    pub(crate) value: Value,
    pub(crate) draft: Draft,
}

/// A parsed, validated and compiled JSON Schema.
#[derive(Debug)]
pub struct JsonSchema {
    pub(crate) nodes: Vec<Node>,
    pub(crate) root: NodeId,
    pub(crate) documents: Vec<Document>,
    /// Structural hash per node (see `hash.rs`).
    pub(crate) hashes: Vec<Option<u64>>,
    canonical: String,
}

impl JsonSchema {
    /// Parses a schema from text. See [`JsonSchema::from_value`].
    pub fn parse(text: &str, resolver: &dyn Resolver) -> Result<JsonSchema, ParseError> {
        JsonSchema::parse_within(text, resolver, &SchemaLimits::default())
    }

    /// [`JsonSchema::parse`] within `limits` (nesting, `enum` values,
    /// `properties`, `$ref` expansions).
    pub fn parse_within(
        text: &str,
        resolver: &dyn Resolver,
        limits: &SchemaLimits,
    ) -> Result<JsonSchema, ParseError> {
        JsonSchema::from_value_within(parse_text(text, limits.max_depth)?, resolver, limits)
    }

    /// Checks `value` against the meta-schema of its draft (from `$schema`,
    /// draft-07 when absent), then compiles it with every `$ref` resolved:
    /// local pointers, `$id` and `$anchor` targets, and other documents through
    /// `resolver`. A remote URL is never fetched.
    pub fn from_value(value: Value, resolver: &dyn Resolver) -> Result<JsonSchema, ParseError> {
        JsonSchema::from_value_within(value, resolver, &SchemaLimits::default())
    }

    /// [`JsonSchema::from_value`] within `limits`.
    pub fn from_value_within(
        value: Value,
        resolver: &dyn Resolver,
        limits: &SchemaLimits,
    ) -> Result<JsonSchema, ParseError> {
        let draft = detect_draft(&value)?;
        check_meta(&value, draft)?;
        let canonical = canonical::to_canonical_string(&value);
        let compiled = compile::compile(value, draft, resolver, limits)?;
        Ok(JsonSchema {
            hashes: hash::structural_hashes(&compiled.nodes),
            nodes: compiled.nodes,
            root: compiled.root,
            documents: compiled.documents,
            canonical,
        })
    }

    /// The draft the schema is written in.
    pub fn draft(&self) -> Draft {
        self.documents[0].draft
    }

    /// The schema document as parsed.
    pub fn value(&self) -> &Value {
        &self.documents[0].value
    }

    /// The base URI of the schema document (its `$id`, or Charter's name for
    /// a document without one).
    pub fn base_uri(&self) -> &str {
        &self.documents[0].uri
    }

    /// The canonical text of the schema document.
    pub fn canonical(&self) -> &str {
        &self.canonical
    }

    /// A validator for instances of this schema, with formats asserted and
    /// referenced documents served from memory (nothing is fetched).
    /// `pattern` and `patternProperties` run in linear time where the
    /// expression allows it (no look-around, no back-reference: the `regex`
    /// engine); otherwise a match may backtrack [`MAX_REGEX_BACKTRACKS`]
    /// times, and a value that needs more is invalid with that reason.
    pub fn validator(&self) -> Result<jsonschema::Validator, String> {
        let documents: HashMap<String, Value> = self.documents[1..]
            .iter()
            .map(|d| (d.uri.clone(), d.value.clone()))
            .collect();
        let draft = self.draft();
        let mut options = jsonschema::options();
        for (name, check) in later_draft_formats() {
            if !draft.validator_asserts_format(name) {
                options = options.with_format(*name, |s: &str| {
                    check.is_valid(&Value::String(s.to_string()))
                });
            }
        }
        options
            .with_draft(draft.validator_draft())
            .should_validate_formats(true)
            .with_pattern_options(
                jsonschema::PatternOptions::fancy_regex().backtrack_limit(MAX_REGEX_BACKTRACKS),
            )
            .with_base_uri(self.documents[0].uri.clone())
            .with_retriever(MemoryRetriever(Arc::new(documents)))
            .build(self.value())
            .map_err(|e| e.to_string())
    }
}

/// The validator's own check of each of [`LATER_DRAFT_FORMATS`], taken from
/// a 2020-12 validator of `{"format": name}` (built once), so that an older
/// draft asserts them exactly as the draft that defined them does.
fn later_draft_formats() -> &'static [(&'static str, jsonschema::Validator)] {
    static CHECKS: std::sync::LazyLock<Vec<(&'static str, jsonschema::Validator)>> =
        std::sync::LazyLock::new(|| {
            LATER_DRAFT_FORMATS
                .iter()
                .map(|name| {
                    let check = jsonschema::draft202012::options()
                        .should_validate_formats(true)
                        .build(&serde_json::json!({ "format": name }))
                        .expect("a schema of one known format compiles");
                    (*name, check)
                })
                .collect()
        });
    &CHECKS
}

struct MemoryRetriever(Arc<HashMap<String, Value>>);

impl jsonschema::Retrieve for MemoryRetriever {
    fn retrieve(
        &self,
        uri: &jsonschema::Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        self.0
            .get(uri.as_str())
            .cloned()
            .ok_or_else(|| format!("`{}` is not a referenced schema", uri.as_str()).into())
    }
}

/// Parses JSON text, refusing nesting deeper than `max_depth` (at most
/// [`MAX_TEXT_DEPTH`]) with a clear error (instead of a stack overflow or a
/// cryptic one).
pub fn parse_text(text: &str, max_depth: u64) -> Result<Value, TextError> {
    check_depth(text, max_depth.min(MAX_TEXT_DEPTH as u64))?;
    serde_json::from_str(text).map_err(|e| TextError::Syntax {
        line: e.line(),
        column: e.column(),
        message: e
            .to_string()
            .split(" at line ")
            .next()
            .unwrap_or_default()
            .to_string(),
    })
}

fn check_depth(text: &str, max_depth: u64) -> Result<(), TextError> {
    let (mut depth, mut line, mut column) = (0usize, 1usize, 0usize);
    let (mut in_string, mut escaped) = (false, false);
    for c in text.chars() {
        column += 1;
        if in_string {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '[' | '{' => {
                depth += 1;
                if depth as u64 > max_depth {
                    return Err(TextError::Limit(LimitExceeded {
                        limit: Limit::Depth,
                        max: max_depth,
                        seen: None,
                        path: format!("line {line}, column {column}"),
                    }));
                }
            }
            ']' | '}' => depth = depth.saturating_sub(1),
            '\n' => {
                line += 1;
                column = 0;
            }
            _ => {}
        }
    }
    Ok(())
}

pub(crate) fn detect_draft(value: &Value) -> Result<Draft, ParseError> {
    match value.get("$schema") {
        None => Ok(Draft::Draft7),
        Some(Value::String(uri)) => {
            Draft::from_uri(uri).ok_or_else(|| ParseError::UnknownDraft { uri: uri.clone() })
        }
        Some(_) => Err(ParseError::NotASchema {
            pointer: "#/$schema".to_string(),
            message: "`$schema` must be a string".to_string(),
        }),
    }
}

pub(crate) fn check_meta(value: &Value, draft: Draft) -> Result<(), ParseError> {
    if !matches!(value, Value::Object(_) | Value::Bool(_)) {
        return Err(ParseError::NotASchema {
            pointer: "#".to_string(),
            message: format!(
                "a schema must be an object or a boolean, found {}",
                kind_of(value)
            ),
        });
    }
    let result = match draft {
        Draft::Draft4 => jsonschema::draft4::meta::validate(value),
        Draft::Draft6 => jsonschema::draft6::meta::validate(value),
        Draft::Draft7 => jsonschema::draft7::meta::validate(value),
        Draft::Draft201909 => jsonschema::draft201909::meta::validate(value),
        Draft::Draft202012 => jsonschema::draft202012::meta::validate(value),
    };
    result.map_err(|e| ParseError::NotASchema {
        pointer: format!("#{}", e.instance_path().as_str()),
        message: e.to_string(),
    })
}

/// The JSON kind of a value with its article, for messages: `a string`,
/// `an object`, `null`.
pub fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests;
