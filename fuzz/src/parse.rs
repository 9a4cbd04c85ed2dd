//! Schema text in, a parsed schema (or a clear error) out, for every format.

use std::sync::Arc;

use base64::Engine;
use schemas::payload::PayloadValidator;
use schemas::{Form, NoReferences, Policy, Schema, SchemaType};

/// JSON Schema text: parsed, checked against its draft's meta-schema and
/// compiled, then prepared as a payload validator that reads its own text.
pub fn json_schema(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Some(schema) = registered(SchemaType::Json, text) else {
        return;
    };
    let Ok(validator) = PayloadValidator::new(Arc::new(schema), None) else {
        return;
    };
    // A schema is a JSON document too: reading it as a payload runs every
    // keyword the schema compiled (patterns, formats, `$ref`s).
    if let Ok(decoded) = validator.decode(data, None) {
        let valid = validator.is_valid(&decoded.value);
        let issues = validator.check_decoded(&decoded);
        assert_eq!(valid, issues.is_empty(), "is_valid and check disagree");
    }
}

/// Avro schema text (`.avsc`).
pub fn avro_schema(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Some(schema) = registered(SchemaType::Avro, text) {
        let _ = schema.single_object_fingerprint();
        let _ = PayloadValidator::new(Arc::new(schema), None);
    }
}

/// `.proto` text.
pub fn protobuf_text(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Some(schema) = registered(SchemaType::Protobuf, text) {
        protobuf_prepared(schema);
    }
}

/// The bytes of an encoded `FileDescriptorProto`, given to the parser as
/// the base64 text a registry receives when a schema is registered in its
/// serialized form.
pub fn protobuf_descriptor(data: &[u8]) {
    let text = base64::engine::general_purpose::STANDARD.encode(data);
    if let Some(schema) = registered(SchemaType::Protobuf, &text) {
        protobuf_prepared(schema);
    }
}

fn protobuf_prepared(schema: Schema) {
    let count = schema.message_names().len();
    let Ok(validator) = PayloadValidator::new(Arc::new(schema), None) else {
        return;
    };
    for index in 0..count {
        assert!(
            validator.message_at(&[index]).is_some(),
            "top-level message {index} of {count} has no name"
        );
    }
}

/// What the registry does with a submitted schema: parse it, keep its
/// canonical form and its text as submitted, serve its other forms, and
/// judge it against itself. The canonical text must parse again to the
/// same canonical text: the registry stores it and parses it back.
fn registered(schema_type: SchemaType, text: &str) -> Option<Schema> {
    let schema = Schema::parse(schema_type, text, &NoReferences).ok()?;
    let _ = schema.as_submitted(text);
    for form in [Form::Resolved, Form::Serialized] {
        assert_eq!(
            schema.form(form).is_some(),
            form.applies_to(schema_type),
            "{form:?} of a {schema_type} schema"
        );
    }
    let again = Schema::parse(schema_type, schema.canonical(), &NoReferences).unwrap_or_else(|e| {
        panic!(
            "the canonical form does not parse: {e}\n{}",
            schema.canonical()
        )
    });
    assert_eq!(
        again.canonical(),
        schema.canonical(),
        "the canonical form is not stable"
    );
    let _ = schemas::diff(&schema, &again, Policy::Strict);
    Some(schema)
}
