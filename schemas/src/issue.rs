//! What reading a payload reports, whatever the format: [`PayloadIssue`]s
//! and the [`Decoded`] payload. Every format's payload code and
//! [`crate::payload::PayloadValidator`] share these words, so they live in
//! a module that imports nothing of the crate (they are re-exported from
//! [`crate::payload`]).

use serde::Serialize;
use serde_json::Value;

/// The longest message of one issue, in bytes; longer ones (they quote the
/// offending value) are cut with `…`.
pub const MAX_MESSAGE: usize = 400;

/// The keyword of an issue with payload bytes that are not JSON text.
pub const JSON_KEYWORD: &str = "json";
/// The keyword of an issue with bytes that are not a binary datum.
pub const BINARY_KEYWORD: &str = "binary";

/// Bounds on what decoding one serialized payload may build, so that a few
/// bytes claiming millions of values cannot take the memory of the process.
/// Lengths and counts are also checked against the bytes that remain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DecodeLimits {
    /// The most memory a decoded payload may take, in bytes, as counted by
    /// the decoder (every value, map entry and text it builds).
    pub max_decoded_bytes: usize,
}

impl Default for DecodeLimits {
    /// 64 MiB per payload.
    fn default() -> Self {
        DecodeLimits {
            max_decoded_bytes: 64 * 1024 * 1024,
        }
    }
}

/// One reason a payload is not valid, or not readable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PayloadIssue {
    /// JSON pointer into the payload (`""` for the payload itself).
    pub instance_path: String,
    /// The rule that failed: a JSON Schema keyword, or for Avro and Protobuf
    /// `avro`, `protobuf`, `required`, `resolution`; `json` for text that is
    /// not JSON and `binary` for bytes that do not decode.
    pub keyword: String,
    /// Where the rule is in the schema (`#/properties/id/type`); empty when
    /// the format gives no place. A JSON Schema keyword of a referenced
    /// document is prefixed by that document's name.
    pub schema_path: String,
    /// What is wrong, for a person.
    pub message: String,
}

impl PayloadIssue {
    /// An issue with no place in the schema; the message is [`clip`]ped.
    pub(crate) fn new(
        keyword: &str,
        instance_path: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        PayloadIssue {
            instance_path: instance_path.into(),
            keyword: keyword.to_string(),
            schema_path: String::new(),
            message: clip(message.into()),
        }
    }
}

impl std::fmt::Display for PayloadIssue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let at = if self.instance_path.is_empty() {
            "the root"
        } else {
            &self.instance_path
        };
        write!(f, "at {at} ({}): {}", self.keyword, self.message)
    }
}

/// A payload decoded from bytes, as JSON: a JSON Schema instance, a datum
/// in the Avro JSON encoding, or a message in the Protobuf JSON mapping.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    /// The payload.
    pub value: Value,
    /// For Protobuf, the full name of the message it was decoded as.
    pub message: Option<String>,
}

/// Parses UTF-8 JSON text, saying where it is broken.
pub fn parse_json(bytes: &[u8]) -> Result<Value, PayloadIssue> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        PayloadIssue::new(
            JSON_KEYWORD,
            "",
            format!("invalid UTF-8 at byte {}", e.valid_up_to()),
        )
    })?;
    serde_json::from_str(text)
        .map_err(|e| PayloadIssue::new(JSON_KEYWORD, "", format!("not JSON: {e}")))
}

/// Cuts `message` to [`MAX_MESSAGE`] bytes on a character boundary.
pub fn clip(mut message: String) -> String {
    if message.len() > MAX_MESSAGE {
        let mut end = MAX_MESSAGE;
        while !message.is_char_boundary(end) {
            end -= 1;
        }
        message.truncate(end);
        message.push('…');
    }
    message
}
