//! The bodies of Charter's fuzz targets, one function per target.
//!
//! Each `fuzz_targets/<name>.rs` is one line that hands libFuzzer's input to
//! the function of the same name here, so the bodies are ordinary code:
//! they call the pure core (`schemas`) the way the registry and the CLI do,
//! and check what must hold whatever the input (no panic, no hang, bounded
//! memory; for the differential target, a sound verdict).
//!
//! | target | what it feeds |
//! | --- | --- |
//! | [`json_schema`] | JSON Schema text to `Schema::parse` + a payload validator |
//! | [`avro_schema`] | Avro schema text to `Schema::parse` |
//! | [`avro_decode`] | an Avro schema and a binary datum to `PayloadValidator::decode` |
//! | [`protobuf_text`] | `.proto` text to `Schema::parse` |
//! | [`protobuf_descriptor`] | the bytes of an encoded `FileDescriptorProto` (as base64, the form registries exchange) |
//! | [`protobuf_decode`] | a `.proto` schema, Confluent message indexes and a binary message |
//! | [`framing`] | the Confluent 5-byte prefix, message indexes and schema-id header values |
//! | [`triage`] | a dead-letter record or raw message judged by `Triage::message` |
//! | [`differential`] | a generated JSON Schema pair and documents: a compatible verdict has no counterexample |

mod decode;
mod differential;
mod framing;
mod generate;
mod parse;
mod triage;

pub use decode::{avro_decode, protobuf_decode};
pub use differential::{Pair, differential};
pub use framing::framing;
pub use parse::{avro_schema, json_schema, protobuf_descriptor, protobuf_text};
pub use triage::triage;

/// The byte that ends the schema text in the inputs of the decode targets:
/// JSON and `.proto` text never hold a raw NUL, so the split is unambiguous.
pub const SCHEMA_END: u8 = 0;

/// Splits a decode target's input into the schema text and the bytes after
/// [`SCHEMA_END`]; `None` when there is no separator or the text is not
/// UTF-8.
pub fn split_schema(data: &[u8]) -> Option<(&str, &[u8])> {
    let end = data.iter().position(|&b| b == SCHEMA_END)?;
    let text = std::str::from_utf8(&data[..end]).ok()?;
    Some((text, &data[end + 1..]))
}
