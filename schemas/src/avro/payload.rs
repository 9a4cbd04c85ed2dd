//! Avro data as payloads: a datum in the JSON encoding checked, one in the
//! binary encoding decoded, a writer's datum resolved against a reader's
//! schema, each problem as a [`PayloadIssue`].

use std::sync::Arc;

use serde_json::Value;

use super::{AvroSchema, AvroValueError};
use crate::issue::{BINARY_KEYWORD, DecodeLimits, Decoded, PayloadIssue, clip};

/// An Avro schema prepared for many datums (nothing to build: the schema
/// itself checks and decodes).
pub(crate) struct Prepared(Arc<AvroSchema>);

impl Prepared {
    pub(crate) fn new(schema: Arc<AvroSchema>) -> Prepared {
        Prepared(schema)
    }

    /// A datum as domain rules see it (see [`super::rules`]).
    pub(crate) fn view(&self, value: &Value, fields: bool) -> crate::record::RecordView {
        super::rules::view(&self.0.nodes, self.0.root, value, fields)
    }

    /// Every error of a datum in the Avro JSON encoding.
    pub(crate) fn check(&self, value: &Value) -> Vec<PayloadIssue> {
        self.0
            .validate_json(value)
            .err()
            .map_or_else(Vec::new, value_issues)
    }

    /// One datum of the binary encoding, in the JSON encoding.
    pub(crate) fn decode(
        &self,
        bytes: &[u8],
        limits: DecodeLimits,
    ) -> Result<Decoded, PayloadIssue> {
        match self.0.decode_binary_within(bytes, limits) {
            Ok(value) => Ok(Decoded {
                value,
                message: None,
            }),
            Err(e) => Err(PayloadIssue::new(BINARY_KEYWORD, e.path(), e.to_string())),
        }
    }

    /// Why a consumer holding `reader` cannot read `value`, a datum this
    /// schema wrote; empty when it reads it.
    pub(crate) fn read_as(&self, reader: &Prepared, value: &Value) -> Vec<PayloadIssue> {
        match self.0.resolve_json(&reader.0, value) {
            Ok(()) => Vec::new(),
            Err(e) => vec![PayloadIssue {
                instance_path: e.path,
                keyword: "resolution".to_string(),
                schema_path: e.schema_path,
                message: clip(e.message),
            }],
        }
    }

    /// A datum in the JSON encoding in the binary encoding (checked first).
    pub(crate) fn encode(&self, value: &Value) -> Result<Vec<u8>, Vec<PayloadIssue>> {
        self.0.encode_binary(value).map_err(value_issues)
    }
}

fn value_issues(errors: Vec<AvroValueError>) -> Vec<PayloadIssue> {
    errors
        .into_iter()
        .map(|e| PayloadIssue::new("avro", e.path, e.message))
        .collect()
}
