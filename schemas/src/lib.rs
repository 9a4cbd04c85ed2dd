//! # schemas — Charter's pure core
//!
//! Everything Charter decides about message contracts lives here: parsing a
//! schema, its canonical form and fingerprint, the structural diff between two
//! versions, and the compatibility verdict over a history of versions.
//!
//! Which format a schema is in (JSON Schema, Avro, Protobuf) is the business
//! of one module, [`format`]: every question whose answer depends on it is
//! answered there, and callers ask through [`Schema`],
//! [`payload::PayloadValidator`] and [`check`]/[`diff`].
//!
//! Architecture invariant: this crate does no I/O. It reads no files, opens no
//! sockets, looks at no environment variable and keeps no global state.
//! Schemas that reference other schemas get them through a [`Resolver`] that
//! the caller implements (the registry resolves from its store, the CLI from
//! files). A remote URL is never fetched.
//!
//! ```
//! use schemas::{CompatibilityMode, Policy, Schema, SchemaType, NoReferences};
//!
//! let v1 = Schema::parse(SchemaType::Json, r#"{"type":"object","properties":{"id":{"type":"string"}}}"#, &NoReferences).unwrap();
//! let v2 = Schema::parse(SchemaType::Json, r#"{"type":"object","properties":{"id":{"type":"string"}},"required":["id"]}"#, &NoReferences).unwrap();
//! let report = schemas::check(&v2, &[&v1], CompatibilityMode::Backward, Policy::Strict).unwrap();
//! assert!(!report.compatible);
//! assert_eq!(report.changes[0].kind.name(), "REQUIRED_ATTRIBUTE_ADDED");
//! ```

pub mod avro;
pub mod change;
pub mod compact;
pub mod compat;
pub mod fingerprint;
pub mod format;
mod issue;
mod jackson;
pub mod json;
pub mod limits;
pub mod payload;
pub mod pointer;
pub mod protobuf;
pub mod record;
pub mod resolver;
pub mod rules;
pub mod schema;
pub mod schema_type;
pub mod tags;
pub mod triage;
pub mod vocabulary;
pub mod wire;

pub use change::{Breaks, Change, ChangeKind};
pub use compat::{
    CompatReport, Reading, attach_diff_examples, attach_examples, check, check_within, diff,
    diff_within, note_accepting_policies, note_accepting_policies_within, reads, reads_within,
};
pub use fingerprint::Fingerprint;
pub use format::{Capabilities, Form, SchemaError, Submitted, edit_tags, tagged_entities};
pub use limits::{Limit, LimitExceeded, SchemaLimits, Work};
pub use resolver::{MapResolver, NoReferences, Resolver};
pub use schema::Schema;
pub use schema_type::SchemaType;
pub use vocabulary::{CompatError, CompatibilityMode, Directions, Policy};
