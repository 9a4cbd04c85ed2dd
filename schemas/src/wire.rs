//! The Confluent wire format: how Kafka serializers frame a payload.
//!
//! ```text
//! ┌──────┬──────────────────────┬───────────────────────────┬─────────┐
//! │ 0x00 │ schema id (4 bytes,  │ Protobuf only: message    │ payload │
//! │magic │ big-endian)          │ indexes (zig-zag varints) │         │
//! └──────┴──────────────────────┴───────────────────────────┴─────────┘
//! ```
//!
//! Protobuf message indexes are a count followed by that many indexes, each
//! a zig-zag varint; the common case, the first message of the file (`[0]`),
//! is written as the single byte `0x00`.
//!
//! Confluent's serializers may instead put the schema in a Kafka record
//! header (`__value_schema_id`, `__key_schema_id`), leaving the payload
//! unframed: the header's value is the same prefix (magic `0x00`, the id,
//! the indexes) or magic `0x01` and the schema's 16-byte GUID
//! ([`HeaderSchema`]).
//!
//! Nothing here knows which format a schema id stands for: [`Header::parse`]
//! reads the part every format shares, and for Protobuf the caller, once it
//! knows the schema, reads the indexes with [`message_indexes`].

/// The byte every framed message starts with.
pub const MAGIC: u8 = 0;

/// Bytes of the header every format shares: magic byte and schema id.
pub const HEADER_LEN: usize = 5;

/// Most message indexes accepted (deeper nesting is taken as corruption).
pub const MAX_MESSAGE_INDEXES: usize = 64;

/// Why bytes are not a framed message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FramingError {
    /// No bytes at all.
    #[error("the message is empty")]
    Empty,
    /// The first byte is not the magic byte `0x00`.
    #[error("the first byte is 0x{found:02x}, not the magic byte 0x00")]
    WrongMagic {
        /// The byte found.
        found: u8,
    },
    /// Fewer bytes than the header needs.
    #[error("the message is {len} bytes long, shorter than the {HEADER_LEN}-byte header")]
    TooShort {
        /// The message's length.
        len: usize,
    },
    /// The Protobuf message-index list is cut short or malformed.
    #[error("the Protobuf message indexes at byte {offset} are {reason}")]
    BadMessageIndexes {
        /// Where the fault is, counting from the first byte of the message.
        offset: usize,
        /// What is wrong.
        reason: &'static str,
    },
}

/// The shared header of a framed message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    /// The registry's id of the writer schema.
    pub schema_id: u32,
}

impl Header {
    /// Reads the header of `message`: the header and the rest (the payload,
    /// or for Protobuf the message indexes and then the payload).
    pub fn parse(message: &[u8]) -> Result<(Header, &[u8]), FramingError> {
        match message {
            [] => Err(FramingError::Empty),
            [first, ..] if *first != MAGIC => Err(FramingError::WrongMagic { found: *first }),
            _ if message.len() < HEADER_LEN => Err(FramingError::TooShort { len: message.len() }),
            _ => {
                let id = [message[1], message[2], message[3], message[4]];
                Ok((
                    Header {
                        schema_id: u32::from_be_bytes(id),
                    },
                    &message[HEADER_LEN..],
                ))
            }
        }
    }

    /// The header's five bytes.
    pub fn to_bytes(self) -> [u8; HEADER_LEN] {
        let id = self.schema_id.to_be_bytes();
        [MAGIC, id[0], id[1], id[2], id[3]]
    }
}

/// The Kafka record header in which Confluent's serializers configured for
/// header framing (`header_schema_id_serializer`) put the value's schema
/// instead of the 5-byte prefix.
pub const VALUE_SCHEMA_ID_HEADER: &str = "__value_schema_id";

/// The same header for record keys.
pub const KEY_SCHEMA_ID_HEADER: &str = "__key_schema_id";

/// The first byte of a schema-id header (or prefix) that holds a 16-byte
/// schema GUID instead of a 4-byte id.
pub const MAGIC_GUID: u8 = 1;

/// The schema a header-framed record names: the header's value is the
/// magic byte `0x00` and the 4-byte id (then, for Protobuf, the message
/// indexes), exactly the prefix framing, or the magic byte `0x01` and the
/// schema's 16-byte GUID (then the indexes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeaderSchema {
    /// A schema id: the header is the Confluent prefix, to be put before the
    /// unframed payload.
    Id(u32),
    /// A schema GUID, which the registry resolves
    /// (`GET /schemas/guids/{guid}`).
    Guid([u8; 16]),
}

impl HeaderSchema {
    /// Reads a schema-id header's value: which schema it names, and the
    /// bytes after the id or GUID (Protobuf message indexes, or nothing).
    pub fn parse(value: &[u8]) -> Result<(HeaderSchema, &[u8]), FramingError> {
        match value {
            [MAGIC_GUID, rest @ ..] => {
                let guid: [u8; 16] = rest
                    .get(..16)
                    .and_then(|g| g.try_into().ok())
                    .ok_or(FramingError::TooShort { len: value.len() })?;
                Ok((HeaderSchema::Guid(guid), &rest[16..]))
            }
            _ => Header::parse(value).map(|(h, rest)| (HeaderSchema::Id(h.schema_id), rest)),
        }
    }
}

/// A GUID as text, as registries write it: 32 lowercase hex digits in
/// groups of 8-4-4-4-12.
pub fn guid_text(guid: &[u8; 16]) -> String {
    let hex: String = guid.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

/// Reads Protobuf message indexes from the start of `rest` (what follows the
/// header): the indexes and the payload after them. An empty list (the
/// single byte `0x00`) means `[0]`, the first message.
pub fn message_indexes(rest: &[u8]) -> Result<(Vec<usize>, &[u8]), FramingError> {
    let mut at = 0;
    let count = zigzag(rest, &mut at)?;
    if count < 0 {
        return Err(bad(at, "a negative count"));
    }
    if count as usize > MAX_MESSAGE_INDEXES {
        return Err(bad(at, "a count larger than any nesting"));
    }
    if count == 0 {
        return Ok((vec![0], &rest[at..]));
    }
    let mut indexes = Vec::with_capacity(count as usize);
    for _ in 0..count {
        let index = zigzag(rest, &mut at)?;
        if index < 0 {
            return Err(bad(at, "a negative index"));
        }
        indexes.push(index as usize);
    }
    Ok((indexes, &rest[at..]))
}

/// The encoding of `indexes` as the Protobuf serializer writes it (`[0]` as
/// the single byte `0x00`).
pub fn encode_message_indexes(indexes: &[usize]) -> Vec<u8> {
    if indexes == [0] || indexes.is_empty() {
        return vec![0];
    }
    let mut out = Vec::new();
    put_zigzag(&mut out, indexes.len() as i64);
    for &index in indexes {
        put_zigzag(&mut out, index as i64);
    }
    out
}

/// Frames `payload` written with schema `schema_id`; `indexes` are given for
/// Protobuf only.
pub fn frame(schema_id: u32, indexes: Option<&[usize]>, payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(HEADER_LEN + payload.len() + 2);
    out.extend_from_slice(&Header { schema_id }.to_bytes());
    if let Some(indexes) = indexes {
        out.extend_from_slice(&encode_message_indexes(indexes));
    }
    out.extend_from_slice(payload);
    out
}

fn bad(offset: usize, reason: &'static str) -> FramingError {
    FramingError::BadMessageIndexes {
        offset: HEADER_LEN + offset,
        reason,
    }
}

/// A zig-zag varint at `*at` (at most 32 bits, as the serializers write).
fn zigzag(bytes: &[u8], at: &mut usize) -> Result<i64, FramingError> {
    let start = *at;
    let mut value: u64 = 0;
    for shift in (0..35).step_by(7) {
        let Some(&byte) = bytes.get(*at) else {
            return Err(bad(start, "cut short"));
        };
        *at += 1;
        value |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Ok(((value >> 1) as i64) ^ -((value & 1) as i64));
        }
    }
    Err(bad(start, "a varint longer than 32 bits"))
}

fn put_zigzag(out: &mut Vec<u8>, value: i64) {
    let mut n = ((value << 1) ^ (value >> 63)) as u64;
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_header_and_leaves_the_payload() {
        let message = frame(258, None, b"{}");
        assert_eq!(message, [0, 0, 0, 1, 2, b'{', b'}']);
        let (header, rest) = Header::parse(&message).unwrap();
        assert_eq!(header.schema_id, 258);
        assert_eq!(rest, b"{}");
    }

    #[test]
    fn says_what_is_wrong_with_unframed_bytes() {
        assert_eq!(Header::parse(b""), Err(FramingError::Empty));
        assert_eq!(
            Header::parse(b"{\"a\":1}"),
            Err(FramingError::WrongMagic { found: b'{' })
        );
        assert_eq!(
            Header::parse(&[0, 0, 1]),
            Err(FramingError::TooShort { len: 3 })
        );
        assert_eq!(
            FramingError::TooShort { len: 3 }.to_string(),
            "the message is 3 bytes long, shorter than the 5-byte header"
        );
    }

    #[test]
    fn message_indexes_round_trip_with_the_short_form_for_the_first_message() {
        for indexes in [vec![0], vec![1], vec![2, 0], vec![0, 3, 1], vec![300]] {
            let encoded = encode_message_indexes(&indexes);
            let mut with_payload = encoded.clone();
            with_payload.extend_from_slice(b"\x08\x01");
            let (read, payload) = message_indexes(&with_payload).unwrap();
            assert_eq!(read, indexes);
            assert_eq!(payload, b"\x08\x01");
        }
        assert_eq!(encode_message_indexes(&[0]), [0]);
        // As the Java and Python serializers write `[1]`: count 1, index 1.
        assert_eq!(encode_message_indexes(&[1]), [2, 2]);
    }

    #[test]
    fn malformed_message_indexes_are_refused_with_the_offset() {
        assert_eq!(
            message_indexes(&[]),
            Err(FramingError::BadMessageIndexes {
                offset: 5,
                reason: "cut short"
            })
        );
        // Count 2, one index, then nothing.
        assert!(matches!(
            message_indexes(&[4, 2]),
            Err(FramingError::BadMessageIndexes {
                reason: "cut short",
                ..
            })
        ));
        assert!(matches!(
            message_indexes(&[1]),
            Err(FramingError::BadMessageIndexes {
                reason: "a negative count",
                ..
            })
        ));
        assert!(message_indexes(&[0xff, 0xff, 0xff, 0xff, 0xff, 0x01]).is_err());
    }

    #[test]
    fn header_values_name_an_id_or_a_guid() {
        assert_eq!(
            HeaderSchema::parse(&[0, 0, 0, 1, 2, 0]),
            Ok((HeaderSchema::Id(258), &[0u8][..]))
        );
        let mut guid = vec![1];
        guid.extend(0x10..0x20u8);
        let (schema, rest) = HeaderSchema::parse(&guid).unwrap();
        assert_eq!(rest, b"");
        let expected: Vec<u8> = (0x10..0x20u8).collect();
        assert_eq!(schema, HeaderSchema::Guid(expected.try_into().unwrap()));
        assert_eq!(
            HeaderSchema::parse(&[1, 2, 3]),
            Err(FramingError::TooShort { len: 3 })
        );
        assert_eq!(
            HeaderSchema::parse(&[7]),
            Err(FramingError::WrongMagic { found: 7 })
        );
    }
}
