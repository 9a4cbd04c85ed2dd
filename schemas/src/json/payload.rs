//! JSON Schema instances as payloads: the validator built once, and its
//! errors as [`PayloadIssue`]s with the schema path of the failing keyword.

use serde_json::Value;

use super::JsonSchema;
use crate::issue::{PayloadIssue, clip};

/// A JSON Schema prepared for many instances.
pub(crate) struct Prepared {
    validator: jsonschema::Validator,
    /// The schema document's base URI, to tell keywords of referenced
    /// documents apart in schema paths.
    base: String,
    /// The schema document, walked for `CEL_FIELD` rules.
    document: std::sync::Arc<Value>,
}

impl Prepared {
    /// Builds the validator of `schema` (see [`JsonSchema::validator`]).
    pub(crate) fn new(schema: &JsonSchema) -> Result<Prepared, String> {
        Ok(Prepared {
            validator: schema.validator()?,
            base: document_base(schema),
            document: std::sync::Arc::new(schema.documents[0].value.clone()),
        })
    }

    /// `value` as domain rules see it (see [`super::rules`]).
    pub(crate) fn view(&self, value: &Value, fields: bool) -> crate::record::RecordView {
        super::rules::view(&self.document, value, fields)
    }

    /// Whether `value` is valid: a walk that stops at the first error.
    pub(crate) fn is_valid(&self, value: &Value) -> bool {
        self.validator.is_valid(value)
    }

    /// Every error of `value`, with its place in the instance and the schema.
    pub(crate) fn check(&self, value: &Value) -> Vec<PayloadIssue> {
        self.validator
            .iter_errors(value)
            .map(|e| PayloadIssue {
                instance_path: e.instance_path().as_str().to_string(),
                keyword: e.kind().keyword().to_string(),
                schema_path: schema_path(&self.base, &e),
                message: clip(e.to_string()),
            })
            .collect()
    }
}

/// The URI keywords of the schema document itself are reported under: its
/// `$id` (the validator resolves against it) or else the default base.
fn document_base(json: &JsonSchema) -> String {
    match json.value().get("$id").and_then(Value::as_str) {
        Some(id) => id.split('#').next().unwrap_or(id).to_string(),
        None => json.base_uri().to_string(),
    }
}

/// `#/pointer` for a keyword of the schema document itself, and
/// `DOCUMENT#/pointer` for one found in a referenced document.
fn schema_path(base: &str, e: &jsonschema::ValidationError<'_>) -> String {
    let pointer = e.schema_path().as_str();
    let document = e
        .absolute_keyword_location()
        .map(|uri| uri.as_str().split('#').next().unwrap_or_default())
        .filter(|document| *document != base);
    match document {
        Some(document) => format!(
            "{}#{pointer}",
            document.strip_prefix("charter:///").unwrap_or(document)
        ),
        None => format!("#{pointer}"),
    }
}
