//! The Confluent wire framing: the 5-byte prefix (magic byte, schema id),
//! Protobuf message indexes after it, and the schema-id header values of
//! header framing (`__value_schema_id`, `__key_schema_id`: an id or a GUID).

use schemas::wire::{self, FramingError, Header, HeaderSchema};

/// Any bytes, read as a prefix-framed message, as Protobuf message indexes
/// and as a schema-id header value. What reads must write back the same.
pub fn framing(data: &[u8]) {
    match Header::parse(data) {
        Ok((header, rest)) => {
            assert_eq!(header.to_bytes()[..], data[..wire::HEADER_LEN]);
            assert_eq!(rest, &data[wire::HEADER_LEN..]);
            message_indexes(rest);
        }
        Err(FramingError::WrongMagic { found }) => assert_eq!(Some(&found), data.first()),
        Err(FramingError::TooShort { len }) => assert!(len < wire::HEADER_LEN),
        Err(e) => assert!(data.is_empty(), "{e} for {} bytes", data.len()),
    }
    message_indexes(data);
    if let Ok((schema, rest)) = HeaderSchema::parse(data) {
        let header_len = data.len() - rest.len();
        match schema {
            HeaderSchema::Id(id) => {
                assert_eq!(data[0], wire::MAGIC);
                assert_eq!(header_len, wire::HEADER_LEN);
                assert_eq!(Header { schema_id: id }.to_bytes()[..], data[..header_len]);
            }
            HeaderSchema::Guid(guid) => {
                assert_eq!(data[0], wire::MAGIC_GUID);
                assert_eq!(guid[..], data[1..header_len]);
                let text = wire::guid_text(&guid);
                assert_eq!(text.len(), 36, "{text}");
            }
        }
    }
}

/// Message indexes read from `rest` encode again to the bytes they were
/// read as (no longer than the bytes they were read from), and frame back.
fn message_indexes(rest: &[u8]) {
    let Ok((indexes, payload)) = wire::message_indexes(rest) else {
        return;
    };
    assert!(!indexes.is_empty() && indexes.len() <= wire::MAX_MESSAGE_INDEXES);
    let read = &rest[..rest.len() - payload.len()];
    let encoded = wire::encode_message_indexes(&indexes);
    let (again, tail) = wire::message_indexes(&encoded).expect("encoded indexes read");
    assert_eq!(again, indexes);
    assert!(tail.is_empty());
    // Varints may be written longer than needed, never shorter.
    assert!(encoded.len() <= read.len(), "{indexes:?} from {read:?}");
    let framed = wire::frame(7, Some(&indexes), payload);
    let (header, after) = Header::parse(&framed).expect("a framed message reads");
    assert_eq!(header.schema_id, 7);
    assert_eq!(
        wire::message_indexes(after).map(|(i, p)| (i, p.len())),
        Ok((indexes, payload.len()))
    );
}
