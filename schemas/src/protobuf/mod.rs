//! Protocol Buffers schemas: compile, print, diff, and read payloads.
//!
//! A schema arrives as `.proto` text (proto2 or proto3) or as base64 of a
//! serialized `FileDescriptorProto` (what Confluent's Python serializer
//! sends). Its imports are other registered schemas, fetched by import path
//! through the caller's [`Resolver`](crate::Resolver) (each may itself be
//! text or a serialized descriptor); the well-known `google/protobuf/*.proto`
//! files, and Confluent's `confluent/meta.proto` and
//! `confluent/type/decimal.proto`, are built in and take precedence. Parsing is protox's parser,
//! linking is prost-reflect's descriptor pool: no `protoc`, no I/O.
//!
//! The canonical form is `.proto` text printed from the linked descriptor
//! (see [`print`] for what it normalises). Compatibility follows the
//! Confluent Schema Registry's Protobuf diff (see [`diff`]), judged in both
//! reading directions, plus one Charter warning: a removed field whose number
//! the new message does not reserve.

mod compile;
mod confluent;
pub(crate) mod diff;
mod error;
pub(crate) mod example;
#[cfg(test)]
mod normalized_tests;
mod option_text;
pub(crate) mod payload;
mod print;
mod rules;
pub(crate) mod tags;
#[cfg(test)]
mod tests;

use std::collections::{HashMap, HashSet};

use base64::Engine;
use prost_reflect::{EnumDescriptor, FileDescriptor, MessageDescriptor};

pub use error::{Location, ParseError, PayloadError};
pub use payload::MessageSelector;

use crate::limits::SchemaLimits;
use crate::resolver::Resolver;

/// A compiled Protobuf schema: its file with every import linked.
#[derive(Debug, Clone)]
pub struct ProtobufSchema {
    file: FileDescriptor,
    canonical: String,
    /// Whether the schema arrived as `.proto` source (not a serialized
    /// descriptor).
    is_source: bool,
    /// For `.proto` source, the paths of the fields that set `json_name`
    /// (see `compile::Compiled`).
    json_names: Option<HashSet<Vec<i32>>>,
    /// Digests of the file's messages and enums, by full name.
    digests: HashMap<String, u64>,
    /// The top-level messages and enums (prost-reflect looks each up by
    /// name on every call).
    top_messages: Vec<MessageDescriptor>,
    top_enums: Vec<EnumDescriptor>,
}

impl ProtobufSchema {
    /// Compiles `text` (`.proto` source, or base64 of a serialized
    /// `FileDescriptorProto`), fetching imports through `resolver` by their
    /// import path.
    pub fn parse(text: &str, resolver: &dyn Resolver) -> Result<ProtobufSchema, ParseError> {
        ProtobufSchema::parse_within(text, resolver, &SchemaLimits::default())
    }

    /// [`ProtobufSchema::parse`] within `limits` (nested messages, fields
    /// per message, values per enum).
    pub fn parse_within(
        text: &str,
        resolver: &dyn Resolver,
        limits: &SchemaLimits,
    ) -> Result<ProtobufSchema, ParseError> {
        let compile::Compiled { file, json_names } = compile::compile(text, resolver, limits)?;
        let is_source = json_names.is_some();
        let (canonical, digests) = print::canonical_with_digests(&file);
        Ok(ProtobufSchema {
            top_messages: file.messages().collect(),
            top_enums: file.enums().collect(),
            file,
            canonical,
            is_source,
            json_names,
            digests,
        })
    }

    /// The canonical text: `.proto` source with fully qualified type names,
    /// sorted options and imports, fields ordered by number, no comments.
    /// Equal for schemas that differ only in those respects.
    pub fn canonical(&self) -> &str {
        &self.canonical
    }

    /// The text the Confluent Schema Registry stores and serves for this
    /// schema registered with `normalize=true` (its `ProtobufSchemaUtils.
    /// toNormalizedString`; see `confluent.rs`).
    pub fn normalized_text(&self) -> String {
        confluent::normalized_text(&self.file, self.json_names.as_ref())
    }

    /// The schema as `.proto` text, fields in declaration order (what a
    /// registry answers when no `format` is asked for, also for a schema that
    /// arrived as a serialized descriptor).
    pub fn to_proto_text(&self) -> String {
        print::print(&self.file, print::Style::Declared)
    }

    /// Whether the schema arrived as `.proto` source rather than as a
    /// serialized descriptor.
    pub fn is_source(&self) -> bool {
        self.is_source
    }

    /// Base64 of the serialized `FileDescriptorProto` (Confluent's
    /// `format=serialized`), under the file's own name: the descriptor's name
    /// when it arrived serialized, `schema.proto` when it arrived as text.
    pub fn file_descriptor_base64(&self) -> String {
        self.file_descriptor_base64_named(self.file.name())
    }

    /// [`file_descriptor_base64`](Self::file_descriptor_base64) under another
    /// file name, e.g. the import path other schemas reference it by.
    pub fn file_descriptor_base64_named(&self, name: &str) -> String {
        base64::engine::general_purpose::STANDARD.encode(print::encode_file(&self.file, name))
    }

    /// The file name: `schema.proto` for text, the descriptor's own name for a
    /// serialized descriptor.
    pub fn file_name(&self) -> &str {
        self.file.name()
    }

    /// The `package`, empty when there is none.
    pub fn package(&self) -> &str {
        self.file.package_name()
    }

    /// The import paths, in declaration order.
    pub fn imports(&self) -> Vec<String> {
        self.file.file_descriptor_proto().dependency.clone()
    }

    /// The full names of the top-level messages, in declaration order (the
    /// first is the one Confluent serializers use by default).
    pub fn message_names(&self) -> Vec<String> {
        self.file
            .messages()
            .map(|m| m.full_name().to_string())
            .collect()
    }

    pub(crate) fn file(&self) -> &FileDescriptor {
        &self.file
    }

    pub(crate) fn top_messages(&self) -> &[MessageDescriptor] {
        &self.top_messages
    }

    pub(crate) fn top_enums(&self) -> &[EnumDescriptor] {
        &self.top_enums
    }

    /// The digest of message or enum `full_name` of this file.
    pub(crate) fn digest(&self, full_name: &str) -> Option<u64> {
        self.digests.get(full_name).copied()
    }
}
