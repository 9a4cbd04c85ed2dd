//! Apache Avro: parsing, the two canonical forms, fingerprints, reader/writer
//! compatibility, counterexamples, and the JSON and binary encodings of data.
//!
//! Charter parses Avro itself (over `serde_json`) rather than through the
//! `apache-avro` crate, so that every error says where it is, recursive
//! types without a finite value are refused, and the judgement follows the
//! specification's resolution rules in both directions with its own
//! explanation.
//!
//! - **Parsing** ([`AvroSchema::parse`]): records (and `error`), enums,
//!   fixed, arrays, maps, unions, the eight primitives, logical types (an
//!   invalid one is ignored, as the specification says), aliases,
//!   namespaces and full names, named types used before or inside their own
//!   definition, and named types of other schemas: every reference the
//!   [`Resolver`] lists is parsed first (as the Confluent registry does with
//!   a schema's `references`), and a type still unknown is asked for by its
//!   full name. Defaults are checked against their types (a union default may
//!   match any branch, as since Avro 1.12), and a record that always contains
//!   itself, with no union, array or map to end the chain, is refused.
//! - **Canonical forms** (see [`canonical`]): the normalized form that the
//!   registry uses for identity keeps defaults, aliases, logical types and
//!   docs; the specification's Parsing Canonical Form drops them and is
//!   exposed with its SHA-256 and CRC-64-AVRO fingerprints.
//! - **Compatibility** (`diff/`, `resolution.rs`): see
//!   [`crate::check`]; changes use the Apache Avro names
//!   (`READER_FIELD_MISSING_DEFAULT_VALUE`, `TYPE_MISMATCH`, `NAME_MISMATCH`,
//!   `FIXED_SIZE_MISMATCH`, `MISSING_ENUM_SYMBOLS`, `MISSING_UNION_BRANCH`)
//!   where they exist and `AVRO_*` names for the rest. Paths are described
//!   in `diff/mod.rs`: JSON-pointer shaped but by name (`#/fields/customer/type`),
//!   so one path names the same place in both versions.
//! - **Data**: [`AvroSchema::validate_json`] checks a datum in the Avro JSON
//!   encoding, [`AvroSchema::decode_binary`] and [`AvroSchema::encode_binary`]
//!   convert the binary encoding, [`AvroSchema::resolve_json`] says whether a
//!   reader reads one datum a writer wrote.

mod binary;
pub mod canonical;
mod confluent;
mod diff;
mod error;
pub(crate) mod example;
mod finite;
mod hash;
mod model;
mod parse;
pub(crate) mod payload;
mod report;
mod resolution;
mod rules;
pub(crate) mod tags;
mod value;

use serde_json::Value;

pub use binary::DecodeError;
pub use canonical::rabin_fingerprint;
pub use error::{AvroError, UnionProblem};
pub use resolution::ResolveError;
pub use value::{AvroValueError, MAX_VALUE_DEPTH};

pub(crate) use diff::changes;
use model::{Node, NodeId};

use crate::fingerprint::Fingerprint;
use crate::issue::DecodeLimits;
use crate::limits::SchemaLimits;
use crate::resolver::Resolver;

/// A parsed Avro schema with the named types of the schemas it references.
#[derive(Debug)]
pub struct AvroSchema {
    pub(crate) nodes: Vec<Node>,
    pub(crate) root: NodeId,
    /// Structural hash per node (see `hash.rs`).
    pub(crate) hashes: Vec<Option<u64>>,
    references: Vec<String>,
    canonical: String,
    pcf: String,
}

impl AvroSchema {
    /// Parses a schema, resolving named types of other schemas through
    /// `resolver` (see the module documentation).
    pub fn parse(text: &str, resolver: &dyn Resolver) -> Result<AvroSchema, AvroError> {
        AvroSchema::parse_within(text, resolver, &SchemaLimits::default())
    }

    /// [`AvroSchema::parse`] within `limits` (nesting, enum symbols, record
    /// fields).
    pub fn parse_within(
        text: &str,
        resolver: &dyn Resolver,
        limits: &SchemaLimits,
    ) -> Result<AvroSchema, AvroError> {
        let parsed = parse::parse(text, resolver, limits)?;
        let canonical = canonical::normalized(&parsed.nodes, parsed.root, false);
        let pcf = canonical::parsing_canonical_form(&parsed.nodes, parsed.root);
        Ok(AvroSchema {
            hashes: hash::structural_hashes(&parsed.nodes),
            nodes: parsed.nodes,
            root: parsed.root,
            references: parsed.references.into_iter().skip(1).collect(),
            canonical,
            pcf,
        })
    }

    /// The normalized form used for identity: whitespace, key order, number
    /// spelling and names normalized; defaults, aliases, logical types, docs
    /// and properties kept. See [`canonical`].
    pub fn canonical(&self) -> &str {
        &self.canonical
    }

    /// The normalized form with the named types of referenced schemas
    /// written in full at their first use: one self-contained schema (the
    /// Confluent `format=resolved`). Equal to [`AvroSchema::canonical`] when
    /// the schema uses no referenced type.
    pub fn resolved(&self) -> String {
        canonical::normalized(&self.nodes, self.root, true)
    }

    /// The text the Confluent Schema Registry stores and serves for this
    /// schema registered with `normalize=true`: Avro Java's printing of
    /// the peer's normalized schema (see `confluent.rs`). Unlike
    /// [`AvroSchema::canonical`], names are written short with their
    /// `namespace`, in Avro Java's key order.
    pub fn normalized_text(&self) -> String {
        confluent::peer_text(&self.nodes, self.root, confluent::Printing::Normalized)
    }

    /// The Confluent Schema Registry's `canonicalString()` of this schema:
    /// Avro Java's `Schema.toString` of it as parsed (see `confluent.rs`),
    /// whatever spelling it was submitted in (key order, `{"type":"string"}`
    /// or `"string"`, a namespace in the name or beside it). The peer stores
    /// it and tells schemas apart by it: two spellings printed alike are
    /// one schema there.
    pub fn canonical_string(&self) -> String {
        confluent::peer_text(&self.nodes, self.root, confluent::Printing::Parsed)
    }

    /// The specification's Parsing Canonical Form.
    pub fn parsing_canonical_form(&self) -> &str {
        &self.pcf
    }

    /// The SHA-256 of the Parsing Canonical Form (the specification's
    /// recommended 256-bit fingerprint).
    pub fn fingerprint(&self) -> Fingerprint {
        Fingerprint::of(&self.pcf)
    }

    /// The CRC-64-AVRO (Rabin) fingerprint of the Parsing Canonical Form, as
    /// single-object encoding and schema stores use it.
    pub fn rabin_fingerprint(&self) -> u64 {
        rabin_fingerprint(&self.pcf)
    }

    /// The full name of the top-level type, when it is a named type.
    pub fn name(&self) -> Option<&str> {
        self.nodes[self.root]
            .kind
            .named()
            .map(|named| named.name.as_str())
    }

    /// Whether the top-level type is a record with a field named `name`.
    pub fn has_field(&self, name: &str) -> bool {
        match &self.nodes[self.root].kind {
            model::Kind::Record(record) => record.fields.iter().any(|f| f.name == name),
            _ => false,
        }
    }

    /// The names of the referenced schemas that were parsed, in order.
    pub fn references(&self) -> &[String] {
        &self.references
    }

    /// Checks a datum in the Avro JSON encoding (a non-null union value is
    /// `{"<branch type name>": value}`; bytes are strings of code points
    /// U+0000–U+00FF), reporting every error with its place in the datum.
    pub fn validate_json(&self, value: &Value) -> Result<(), Vec<AvroValueError>> {
        value::validate_json(&self.nodes, self.root, value)
    }

    /// Decodes one datum of the binary encoding (the whole input, nothing
    /// after it) into the Avro JSON encoding.
    pub fn decode_binary(&self, bytes: &[u8]) -> Result<Value, DecodeError> {
        binary::decode(self, bytes, DecodeLimits::default())
    }

    /// [`decode_binary`](Self::decode_binary) within `limits`: a datum
    /// that would take more memory decoded is refused with
    /// [`DecodeError::TooLarge`].
    pub fn decode_binary_within(
        &self,
        bytes: &[u8],
        limits: DecodeLimits,
    ) -> Result<Value, DecodeError> {
        binary::decode(self, bytes, limits)
    }

    /// Encodes a datum given in the Avro JSON encoding in the binary
    /// encoding; the datum is validated first.
    pub fn encode_binary(&self, value: &Value) -> Result<Vec<u8>, Vec<AvroValueError>> {
        self.validate_json(value)?;
        Ok(binary::encode(self, value))
    }

    /// Whether a reader holding `reader` reads `value`, a datum written with
    /// this schema in the Avro JSON encoding, by the specification's
    /// resolution rules; the error says where it fails.
    pub fn resolve_json(&self, reader: &AvroSchema, value: &Value) -> Result<(), ResolveError> {
        resolution::resolve_value(self, reader, value)
    }
}

#[cfg(test)]
mod tests;
