//! Binary payloads decoded against a schema, as triage and
//! `charter validate --binary` decode them.
//!
//! Input: the schema text, a NUL byte ([`crate::SCHEMA_END`]), then the
//! bytes. Corpus entries keep a schema of the fixtures in front of a real
//! datum, so the fuzzer mutates both.

use std::sync::Arc;

use schemas::payload::PayloadValidator;
use schemas::{NoReferences, Schema, SchemaType};

use crate::split_schema;

/// An Avro schema and one binary datum.
pub fn avro_decode(data: &[u8]) {
    let Some((text, bytes)) = split_schema(data) else {
        return;
    };
    let Some(validator) = prepared(SchemaType::Avro, text) else {
        return;
    };
    let Ok(decoded) = validator.decode(bytes, None) else {
        return;
    };
    // What decoded is a datum of the schema: it encodes again to bytes
    // that decode to the same datum, and the schema reads it.
    let encoded = validator
        .encode(&decoded.value)
        .unwrap_or_else(|e| panic!("a decoded datum does not encode: {e:?}"));
    let again = validator
        .decode(&encoded, None)
        .unwrap_or_else(|e| panic!("a datum's encoding does not decode: {e}"));
    assert_eq!(again, decoded, "decode(encode(datum)) is another datum");
    let issues = validator.read_as(&validator, &decoded, Some(bytes));
    assert!(
        issues.is_empty(),
        "a schema cannot read its own datum: {issues:?}"
    );
}

/// A `.proto` schema, then Confluent message indexes and the binary
/// encoding of the message they name, as they follow the 5-byte header.
pub fn protobuf_decode(data: &[u8]) {
    let Some((text, rest)) = split_schema(data) else {
        return;
    };
    let Some(validator) = prepared(SchemaType::Protobuf, text) else {
        return;
    };
    let Ok((indexes, bytes)) = schemas::wire::message_indexes(rest) else {
        return;
    };
    let Ok(decoded) = validator.decode(bytes, Some(&indexes)) else {
        return;
    };
    assert_eq!(
        decoded.message,
        validator.message_at(&indexes),
        "decoded as another message than the indexes name"
    );
    let issues = validator.read_as(&validator, &decoded, Some(bytes));
    assert!(
        issues.is_empty(),
        "a schema cannot read its own message: {issues:?}"
    );
    if decoded.message.as_deref() == validator.message() {
        // The JSON mapping of what decoded is a valid message of the
        // schema, and encodes again.
        let issues = validator.check(&decoded.value);
        assert!(
            issues.is_empty(),
            "a decoded message is invalid: {issues:?}"
        );
        let encoded = validator
            .encode(&decoded.value)
            .unwrap_or_else(|e| panic!("a decoded message does not encode: {e:?}"));
        let again = validator
            .decode(&encoded, Some(&indexes))
            .unwrap_or_else(|e| panic!("a message's encoding does not decode: {e}"));
        assert_eq!(again, decoded, "decode(encode(message)) is another message");
    }
}

fn prepared(schema_type: SchemaType, text: &str) -> Option<PayloadValidator> {
    let schema = Schema::parse(schema_type, text, &NoReferences).ok()?;
    PayloadValidator::new(Arc::new(schema), None).ok()
}
