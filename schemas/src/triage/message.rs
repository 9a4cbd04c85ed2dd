//! A message to triage, as it arrives: serialized bytes, or a JSON value a
//! dead-letter tool exported.

use base64::Engine;
use base64::alphabet::{STANDARD, URL_SAFE};
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use serde_json::Value;

use crate::wire;

/// The keys of a dead-letter export record (`{"key": ..., "value": ...,
/// "headers": ...}` and what Kafka tools add around it, `kcat -J`'s
/// `payload`, `ts`, `tstype` and `broker` among them).
pub const ENVELOPE_KEYS: &[&str] = &[
    "key",
    "value",
    "payload",
    "headers",
    "topic",
    "partition",
    "offset",
    "timestamp",
    "timestampType",
    "timestamp_type",
    "ts",
    "tstype",
    "broker",
    "key_error",
    "payload_error",
    "key_schema_id",
    "value_schema_id",
];

/// One message.
#[derive(Debug, Clone, PartialEq)]
pub enum Message {
    /// Serialized bytes: framed by a Confluent serializer, or not.
    Bytes(Vec<u8>),
    /// A JSON value as a tool exported it (never framed).
    Json(Value),
}

impl Message {
    /// The message a dead-letter record's `value` holds: a string is the
    /// base64 of the bytes (standard or URL-safe alphabet, padding
    /// optional), or when it is not base64, the text itself as UTF-8 bytes;
    /// `null` (a tombstone) is no bytes; any other JSON is the message.
    pub fn from_value(value: Value) -> Message {
        match value {
            Value::String(text) => match decode_base64(&text) {
                Some(bytes) => Message::Bytes(bytes),
                None => Message::Bytes(text.into_bytes()),
            },
            Value::Null => Message::Bytes(Vec::new()),
            other => Message::Json(other),
        }
    }

    /// The message of one exported record, as [`Record::read`] finds it,
    /// with a schema GUID in its header left unresolved (the payload is
    /// judged as unframed). Callers that can ask a registry resolve it:
    /// [`Record::read`], then [`GuidFramed::with_id`].
    pub fn from_record(record: Value) -> Message {
        match Record::read(record) {
            Record::Ready(message) => message,
            Record::Guid(framed) => framed.with_id(None),
        }
    }

    /// The message's bytes, if it arrived as bytes.
    pub fn bytes(&self) -> Option<&[u8]> {
        match self {
            Message::Bytes(bytes) => Some(bytes),
            Message::Json(_) => None,
        }
    }
}

/// One exported record, read.
#[derive(Debug, Clone, PartialEq)]
pub enum Record {
    /// Its message, ready to judge.
    Ready(Message),
    /// A record framed by a schema GUID in its header: the caller finds the
    /// GUID's schema id, then [`GuidFramed::with_id`] gives the message.
    Guid(GuidFramed),
}

impl Record {
    /// The message of one exported record: the `value` (or `payload`) of a
    /// dead-letter envelope (see [`is_envelope`]), or else the value itself,
    /// a JSON message.
    ///
    /// A record framed in its headers (Confluent's header framing: the
    /// value's schema id or GUID in the `__value_schema_id` header, the
    /// payload unframed) becomes the prefix-framed message the same
    /// serializer would have written without it: the header's value (magic
    /// byte 0, the id, for Protobuf the message indexes) before the payload.
    /// A header naming a schema GUID (magic byte 1) is [`Record::Guid`].
    /// Headers are read as an object (`{"__value_schema_id": "AAAAAAE="}`),
    /// a list of `{"key", "value"}` objects, or `kcat -J`'s flat list of
    /// keys and values; a header value is base64 (or a list of byte values).
    pub fn read(record: Value) -> Record {
        if !is_envelope(&record) {
            return Record::Ready(Message::Json(record));
        }
        let Value::Object(mut fields) = record else {
            unreachable!("an envelope is an object")
        };
        let value = fields
            .remove("value")
            .or_else(|| fields.remove("payload"))
            .unwrap_or(Value::Null);
        let header = fields
            .get("headers")
            .and_then(|h| header_value(h, wire::VALUE_SCHEMA_ID_HEADER));
        let (message, header) = match (Message::from_value(value), header) {
            (Message::Bytes(payload), Some(header)) => (payload, header),
            (message, _) => return Record::Ready(message),
        };
        match wire::HeaderSchema::parse(&header) {
            Ok((wire::HeaderSchema::Id(_), _)) => {
                Record::Ready(Message::Bytes([header, message].concat()))
            }
            Ok((wire::HeaderSchema::Guid(guid), rest)) => Record::Guid(GuidFramed {
                guid,
                indexes: rest.to_vec(),
                payload: message,
            }),
            Err(_) => Record::Ready(Message::Bytes(message)),
        }
    }
}

/// A record whose header names its schema by GUID.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GuidFramed {
    /// The schema's GUID.
    pub guid: [u8; 16],
    /// What followed the GUID in the header (Protobuf message indexes).
    indexes: Vec<u8>,
    /// The unframed payload.
    payload: Vec<u8>,
}

impl GuidFramed {
    /// The GUID as the registry writes it (`GET /schemas/guids/{guid}`).
    pub fn guid_text(&self) -> String {
        wire::guid_text(&self.guid)
    }

    /// The message, framed with `id`, the schema id the GUID stands for;
    /// with `None` (no schema has that GUID) the payload as it is,
    /// unframed.
    pub fn with_id(self, id: Option<u32>) -> Message {
        match id {
            Some(id) => {
                let mut framed = wire::Header { schema_id: id }.to_bytes().to_vec();
                framed.extend_from_slice(&self.indexes);
                framed.extend_from_slice(&self.payload);
                Message::Bytes(framed)
            }
            None => Message::Bytes(self.payload),
        }
    }
}

/// The bytes of header `name` in a dead-letter record's `headers`: an
/// object, a list of `{"key", "value"}` objects, or a flat list of keys and
/// values; `None` when it is absent or its value is not base64 or bytes.
fn header_value(headers: &Value, name: &str) -> Option<Vec<u8>> {
    let found = match headers {
        Value::Object(map) => map.get(name),
        Value::Array(items) if items.iter().all(Value::is_object) => items
            .iter()
            .find(|h| h.get("key").and_then(Value::as_str) == Some(name))
            .and_then(|h| h.get("value")),
        Value::Array(items) => items
            .chunks(2)
            .find(|pair| pair[0].as_str() == Some(name))
            .and_then(|pair| pair.get(1)),
        _ => None,
    }?;
    match found {
        Value::String(text) => decode_base64(text),
        Value::Array(bytes) => bytes
            .iter()
            .map(|b| b.as_u64().and_then(|b| u8::try_from(b).ok()))
            .collect(),
        _ => None,
    }
}

/// True for an object with a `value` (or `payload`) key and only the keys a
/// dead-letter export writes ([`ENVELOPE_KEYS`]).
pub fn is_envelope(record: &Value) -> bool {
    let Value::Object(fields) = record else {
        return false;
    };
    (fields.contains_key("value") || fields.contains_key("payload"))
        && fields.keys().all(|k| ENVELOPE_KEYS.contains(&k.as_str()))
}

/// Base64 in the standard or URL-safe alphabet, padded or not, with line
/// breaks and spaces ignored (some tools wrap it); `None` when it is not.
pub fn decode_base64(encoded: &str) -> Option<Vec<u8>> {
    let compact: String = encoded
        .chars()
        .filter(|c| !c.is_ascii_whitespace())
        .collect();
    let config =
        GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent);
    [STANDARD, URL_SAFE]
        .iter()
        .find_map(|alphabet| GeneralPurpose::new(alphabet, config).decode(&compact).ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn envelope_values_are_base64_bytes_text_or_json() {
        assert_eq!(
            Message::from_record(json!({"key": "k", "value": "AAAAAAF7fQ==", "headers": []})),
            Message::Bytes(vec![0, 0, 0, 0, 1, b'{', b'}'])
        );
        assert_eq!(
            Message::from_record(json!({"value": {"id": 1}, "offset": 7})),
            Message::Json(json!({"id": 1}))
        );
        assert_eq!(
            Message::from_record(json!({"value": "{\"id\": 1}"})),
            Message::Bytes(b"{\"id\": 1}".to_vec())
        );
        assert_eq!(
            Message::from_record(json!({"payload": null})),
            Message::Bytes(Vec::new())
        );
    }

    #[test]
    fn base64_takes_both_alphabets_with_or_without_padding() {
        assert_eq!(decode_base64("+/8="), Some(vec![0xfb, 0xff]));
        assert_eq!(decode_base64("-_8"), Some(vec![0xfb, 0xff]));
        assert_eq!(decode_base64("AAAA\nAAAA"), Some(vec![0; 6]));
        assert_eq!(decode_base64("not base64!"), None);
        assert_eq!(decode_base64(""), Some(Vec::new()));
    }

    #[test]
    fn kcat_json_records_are_envelopes() {
        let record = json!({"topic": "orders", "partition": 0, "offset": 41, "tstype": "create",
            "ts": 1700000000000_u64, "broker": 1, "headers": ["h", "v"], "key": null,
            "payload": "AAAAAAF7fQ=="});
        assert_eq!(
            Message::from_record(record),
            Message::Bytes(vec![0, 0, 0, 0, 1, b'{', b'}'])
        );
    }

    /// Confluent's header framing (issue 13): the id header and the
    /// unframed payload make the prefix-framed message, in every shape
    /// exports write headers in; a GUID header leaves the payload unframed.
    #[test]
    fn r13_a_schema_id_header_frames_the_payload() {
        let framed = Message::Bytes(vec![0, 0, 0, 0, 7, b'{', b'}']);
        let id = "AAAAAAc="; // magic 0, schema id 7
        for headers in [
            json!({"__value_schema_id": id}),
            json!([{"key": "trace", "value": "eA=="}, {"key": "__value_schema_id", "value": id}]),
            json!(["trace", "x", "__value_schema_id", id]),
            json!({"__value_schema_id": [0, 0, 0, 0, 7]}),
        ] {
            let record = json!({"value": "e30=", "headers": headers});
            assert_eq!(Message::from_record(record), framed, "{headers}");
        }
        let key_only = json!({"value": "e30=", "headers": {"__key_schema_id": id}});
        assert_eq!(
            Message::from_record(key_only),
            Message::Bytes(b"{}".to_vec())
        );
        let mut guid = vec![1u8];
        guid.extend([7u8; 16]);
        let encoded = base64::engine::general_purpose::STANDARD.encode(&guid);
        let by_guid = json!({"value": "e30=", "headers": {"__value_schema_id": encoded}});
        assert_eq!(
            Message::from_record(by_guid.clone()),
            Message::Bytes(b"{}".to_vec())
        );
        let Record::Guid(framed) = Record::read(by_guid) else {
            panic!("a GUID header is left to the caller")
        };
        assert_eq!(framed.guid_text(), "07070707-0707-0707-0707-070707070707");
        assert_eq!(
            framed.with_id(Some(9)),
            Message::Bytes(vec![0, 0, 0, 0, 9, b'{', b'}'])
        );
        // Protobuf: the message indexes after the GUID go after the id.
        let mut header = vec![1u8];
        header.extend([0xab; 16]);
        header.push(0);
        let record = json!({"value": "e30=", "headers": {"__value_schema_id": base64::engine::general_purpose::STANDARD.encode(&header)}});
        let Record::Guid(framed) = Record::read(record) else {
            panic!("a GUID header")
        };
        assert_eq!(framed.guid_text(), "abababab-abab-abab-abab-abababababab");
        assert_eq!(
            framed.with_id(Some(300)),
            Message::Bytes(vec![0, 0, 0, 1, 44, 0, b'{', b'}'])
        );
    }

    #[test]
    fn a_message_with_other_keys_is_not_an_envelope() {
        let order = json!({"value": 12, "currency": "EUR"});
        assert_eq!(Message::from_record(order.clone()), Message::Json(order));
        assert!(!is_envelope(&json!([1])));
    }
}
