//! Triage of one message, as `POST /triage` and `charter triage` judge it:
//! a dead-letter record (JSON: an envelope with a base64 `value` and
//! headers that may frame it by schema id or GUID) or raw message bytes,
//! judged against the schemas of `fixtures/triage/` registered as the
//! triage fixtures are (ids 1 to 6), with a reader of each format.

use std::sync::{Arc, OnceLock};

use schemas::payload::{PayloadValidator, parse_json};
use schemas::triage::{
    self, Candidate, Context, Message, Reader, Record, SubjectVersion, Summary, Triage, Writer,
    decode_base64,
};
use schemas::{NoReferences, Schema, SchemaType};

/// The registered schemas: id, subject, version, format, text.
const REGISTERED: [(u32, &str, i32, SchemaType, &str); 6] = [
    (
        1,
        "orders-value",
        1,
        SchemaType::Json,
        include_str!("../../fixtures/triage/schemas/orders.v1.json"),
    ),
    (
        2,
        "orders-value",
        2,
        SchemaType::Json,
        include_str!("../../fixtures/triage/schemas/orders.v2.json"),
    ),
    (
        3,
        "orders-value",
        3,
        SchemaType::Json,
        include_str!("../../fixtures/triage/schemas/orders.v3.json"),
    ),
    (
        4,
        "payments-value",
        1,
        SchemaType::Avro,
        include_str!("../../fixtures/triage/schemas/payment.v1.avsc"),
    ),
    (
        5,
        "payments-value",
        2,
        SchemaType::Avro,
        include_str!("../../fixtures/triage/schemas/payment.v2.avsc"),
    ),
    (
        6,
        "shipments-value",
        1,
        SchemaType::Protobuf,
        include_str!("../../fixtures/triage/schemas/shipment.proto"),
    ),
];

/// The fixtures, prepared once.
struct Fixtures {
    writers: Vec<Writer>,
    /// One triage per reader: orders v1 (JSON Schema), payments v1 (Avro),
    /// shipments v1 (Protobuf); each tries the candidates of its subject.
    triages: Vec<Triage>,
}

fn fixtures() -> &'static Fixtures {
    static FIXTURES: OnceLock<Fixtures> = OnceLock::new();
    FIXTURES.get_or_init(|| {
        let writers: Vec<Writer> = REGISTERED
            .iter()
            .map(|&(id, subject, version, schema_type, text)| {
                let schema = Schema::parse(schema_type, text, &NoReferences)
                    .unwrap_or_else(|e| panic!("fixture {subject} v{version}: {e}"));
                let validator = PayloadValidator::new(Arc::new(schema), None)
                    .unwrap_or_else(|e| panic!("fixture {subject} v{version}: {e}"));
                Writer {
                    schema_id: id,
                    validator: Arc::new(validator),
                    subject_versions: vec![SubjectVersion {
                        subject: subject.to_string(),
                        version,
                        deleted: id == 5,
                    }],
                }
            })
            .collect();
        let triages = [0, 3, 5]
            .iter()
            .map(|&reader| {
                let own = &writers[reader].subject_versions[0];
                let candidates = writers
                    .iter()
                    .filter(|w| w.subject_versions[0].subject == own.subject)
                    .rev()
                    .map(|w| Candidate {
                        subject: own.subject.clone(),
                        version: w.subject_versions[0].version,
                        schema_id: w.schema_id,
                        validator: w.validator.clone(),
                    })
                    .collect();
                Triage::new(Context {
                    reader: Some(Reader {
                        label: own.to_string(),
                        validator: writers[reader].validator.clone(),
                        subject_version: Some(own.clone()),
                    }),
                    subject: Some(own.subject.clone()),
                    candidates,
                })
            })
            .collect();
        Fixtures { writers, triages }
    })
}

/// One message: JSON is read as an exported record (a GUID in its header
/// stands for schema id 1 when its first byte is even, for no schema
/// otherwise), anything else as the message's bytes; a string's base64 is
/// decoded as the registry decodes `{"base64": ...}`.
pub fn triage(data: &[u8]) {
    let fixtures = fixtures();
    let message = match parse_json(data) {
        Ok(record) => match Record::read(record) {
            Record::Ready(message) => message,
            Record::Guid(framed) => {
                let id = (framed.guid[0] % 2 == 0).then_some(1);
                framed.with_id(id)
            }
        },
        Err(_) => Message::Bytes(data.to_vec()),
    };
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = decode_base64(text);
    }
    let writer = triage::schema_id(&message)
        .and_then(|id| fixtures.writers.iter().find(|w| w.schema_id == id));
    let mut summary = Summary::new();
    for triage in &fixtures.triages {
        let report = triage.message("fuzz", &message, writer);
        assert_eq!(
            report.schema_id.is_some(),
            triage::schema_id(&message).is_some(),
            "a framed message's id is reported: {report:?}"
        );
        let _ = report.cause();
        summary.add(&report);
    }
    let summary = summary.finish();
    assert_eq!(summary.messages, fixtures.triages.len() as u64);
}
