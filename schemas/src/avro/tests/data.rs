//! Data: the JSON encoding checked, the binary encoding decoded and encoded,
//! one datum resolved from a writer's schema to a reader's.

use serde_json::{Value, json};

use crate::NoReferences;
use crate::avro::AvroSchema;

fn parse(text: &str) -> AvroSchema {
    AvroSchema::parse(text, &NoReferences).unwrap_or_else(|e| panic!("{e}: {text}"))
}

const ORDER: &str = r#"{"type":"record","name":"Order","namespace":"com.acme","fields":[
    {"name":"id","type":"long"},
    {"name":"sku","type":"string"},
    {"name":"status","type":{"type":"enum","name":"Status","symbols":["NEW","PAID"]}},
    {"name":"hash","type":{"type":"fixed","name":"Hash","size":2}},
    {"name":"note","type":["null","string"]},
    {"name":"pay","type":["null",{"type":"record","name":"Card","fields":[{"name":"last4","type":"string"}]}]},
    {"name":"lines","type":{"type":"array","items":"int"}},
    {"name":"tags","type":{"type":"map","values":"double"}},
    {"name":"raw","type":"bytes"},
    {"name":"ok","type":"boolean"},
    {"name":"ratio","type":"float"}]}"#;

fn order() -> Value {
    json!({"id": 7, "sku": "A-1", "status": "PAID", "hash": "\u{00ff}\u{0001}",
           "note": {"string": "hi"}, "pay": {"com.acme.Card": {"last4": "4242"}},
           "lines": [1, 2, 3], "tags": {"w": 1.5}, "raw": "\u{0000}a", "ok": true, "ratio": 0.5})
}

/// The errors `validate_json` reports, as `path: message`.
fn check(schema: &AvroSchema, value: &Value) -> Vec<String> {
    match schema.validate_json(value) {
        Ok(()) => Vec::new(),
        Err(errors) => errors
            .iter()
            .map(|e| format!("{}: {}", e.path, e.message))
            .collect(),
    }
}

#[test]
fn json_encoding_is_validated_with_every_error_and_where() {
    let schema = parse(ORDER);
    assert!(check(&schema, &order()).is_empty());
    let mut bad = order();
    bad["id"] = json!("7");
    bad["status"] = json!("LOST");
    bad["hash"] = json!("abc");
    bad["note"] = json!("hi");
    bad["pay"] = json!({"Card": {"last4": "1"}});
    bad["lines"] = json!([1, 2147483648u64]);
    bad["extra"] = json!(1);
    bad.as_object_mut().unwrap().remove("ok");
    assert_eq!(
        check(&schema, &bad),
        [
            r#"/id: expected a long (a 64-bit integer), found "7""#,
            "/status: `LOST` is not a symbol of `com.acme.Status` (NEW, PAID)",
            "/hash: `com.acme.Hash` is 2 bytes, found 3 bytes",
            r#"/note: a union value is null or {"<branch>": value} with a branch of [null, string], found "hi""#,
            "/pay: `Card` is not a branch of [null, com.acme.Card]",
            "/lines/1: expected an int (a 32-bit integer), found 2147483648",
            "/ok: missing field `ok` of `com.acme.Order`",
            "/extra: `com.acme.Order` has no field `extra`",
        ]
    );
    assert_eq!(
        check(&parse(r#"["null","int"]"#), &json!(null)),
        Vec::<String>::new()
    );
    assert_eq!(
        check(&parse(r#""double""#), &json!("Infinity")),
        Vec::<String>::new()
    );
}

/// `bytes` decode with `schema` to `value` and `value` encodes back to them.
fn round_trip(schema: &str, bytes: &[u8], value: Value) {
    let schema = parse(schema);
    assert_eq!(schema.decode_binary(bytes).unwrap(), value);
    assert_eq!(schema.encode_binary(&value).unwrap(), bytes);
}

/// The specification's examples of the binary encoding.
#[test]
fn binary_encoding_follows_the_specification() {
    for (n, bytes) in [
        (0i64, vec![0x00]),
        (-1, vec![0x01]),
        (1, vec![0x02]),
        (-2, vec![0x03]),
        (2, vec![0x04]),
        (-64, vec![0x7f]),
        (64, vec![0x80, 0x01]),
    ] {
        round_trip(r#""long""#, &bytes, json!(n));
    }
    round_trip(
        r#""long""#,
        &[0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01],
        json!(i64::MAX),
    );
    round_trip(r#""string""#, &[0x06, 0x66, 0x6f, 0x6f], json!("foo"));
    round_trip(
        r#"{"type":"record","name":"test","fields":[{"name":"a","type":"long"},{"name":"b","type":"string"}]}"#,
        &[0x36, 0x06, 0x66, 0x6f, 0x6f],
        json!({"a": 27, "b": "foo"}),
    );
    round_trip(
        r#"{"type":"array","items":"long"}"#,
        &[0x04, 0x06, 0x36, 0x00],
        json!([3, 27]),
    );
    round_trip(r#"["null","string"]"#, &[0x00], json!(null));
    round_trip(
        r#"["null","string"]"#,
        &[0x02, 0x02, 0x61],
        json!({"string": "a"}),
    );
    round_trip(r#""float""#, &1.5f32.to_le_bytes(), json!(1.5));
    round_trip(r#""boolean""#, &[0x01], json!(true));
    // A block with a negative count carries its size in bytes.
    let schema = parse(r#"{"type":"array","items":"long"}"#);
    assert_eq!(
        schema
            .decode_binary(&[0x03, 0x04, 0x06, 0x36, 0x00])
            .unwrap(),
        json!([3, 27])
    );
}

#[test]
fn every_kind_of_datum_round_trips() {
    let schema = parse(ORDER);
    let bytes = schema.encode_binary(&order()).unwrap();
    assert_eq!(schema.decode_binary(&bytes).unwrap(), order());
    let nan = parse(r#""double""#);
    assert_eq!(
        nan.decode_binary(&f64::NAN.to_le_bytes()).unwrap(),
        json!("NaN")
    );
}

/// The message of decoding `bytes` with `schema`.
fn decode_error(schema: &str, bytes: &[u8]) -> String {
    parse(schema).decode_binary(bytes).unwrap_err().to_string()
}

#[test]
fn bad_binary_input_says_where() {
    let record = r#"{"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"u","type":["null","string"]},{"name":"e","type":{"type":"enum","name":"E","symbols":["X"]}}]}"#;
    assert_eq!(
        decode_error(record, &[0x02]),
        "binary Avro at byte 1 (/u): the data ends inside a value"
    );
    assert_eq!(
        decode_error(record, &[0x02, 0x06]),
        "binary Avro at byte 1 (/u): union branch 3 does not exist (the union has 2)"
    );
    assert_eq!(
        decode_error(record, &[0x02, 0x00, 0x02]),
        "binary Avro at byte 2 (/e): enum index 1 does not exist (the enum has 1 symbols)"
    );
    assert_eq!(
        decode_error(record, &[0x02, 0x00, 0x00, 0x00]),
        "binary Avro: 1 bytes left after the datum, from byte 3"
    );
    assert_eq!(
        decode_error(record, &[0x80, 0x80, 0x80, 0x80, 0x20]),
        "binary Avro at byte 0 (/a): 4294967296 does not fit an int"
    );
    assert_eq!(
        decode_error(r#""long""#, &[0xff; 11]),
        "binary Avro at byte 0 (the root): invalid variable-length integer"
    );
    assert_eq!(
        decode_error(r#""string""#, &[0x08, 0x61]),
        "binary Avro at byte 0 (the root): invalid length 4"
    );
    assert_eq!(
        decode_error(r#""string""#, &[0x01]),
        "binary Avro at byte 0 (the root): invalid length -1"
    );
    assert_eq!(
        decode_error(r#""string""#, &[0x02, 0xff]),
        "binary Avro at byte 1 (the root): a string is not valid UTF-8"
    );
    assert_eq!(
        decode_error(r#""boolean""#, &[0x02]),
        "binary Avro at byte 0 (the root): 2 is not a boolean (0 or 1)"
    );
    // A claim of countless items that take no bytes is refused, not obeyed.
    assert_eq!(
        decode_error(
            r#"{"type":"array","items":"null"}"#,
            &[0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]
        ),
        "binary Avro at byte 0 (the root): the decoded datum would take more than 67108864 bytes of memory (the decoding limit)"
    );
    // 11 bytes declaring ten million nulls: refused before anything is built.
    let nulls = [0x80, 0xda, 0xc4, 0x09, 0x00];
    assert_eq!(
        decode_error(r#"{"type":"array","items":"null"}"#, &nulls),
        "binary Avro at byte 0 (the root): the decoded datum would take more than 67108864 bytes of memory (the decoding limit)"
    );
    // Items of at least a byte are counted against the bytes left.
    assert_eq!(
        decode_error(r#"{"type":"array","items":"double"}"#, &[0x14, 0, 0, 0]),
        "binary Avro at byte 0 (the root): a block of 10 items of at least 8 bytes each, but the rest of the input is 3 bytes"
    );
    assert_eq!(
        decode_error(
            r#"{"type":"map","values":"int"}"#,
            &[0x80, 0xda, 0xc4, 0x09, 0x00]
        ),
        "binary Avro at byte 0 (the root): a block of 10000000 items of at least 2 bytes each, but the rest of the input is 1 bytes"
    );
}

#[test]
fn decoding_stays_within_its_limit() {
    // Records of nothing but nulls take no bytes but build a map each.
    let wide = r#"{"type":"array","items":{"type":"record","name":"W","fields":[
        {"name":"a","type":"null"},{"name":"b","type":"null"},{"name":"c","type":"null"}]}}"#;
    let schema = parse(wide);
    let limits = crate::payload::DecodeLimits {
        max_decoded_bytes: 100_000,
    };
    let many = [0x80, 0x7d, 0x00]; // 8,000 items
    let error = schema.decode_binary_within(&many, limits).unwrap_err();
    assert!(
        matches!(
            error,
            crate::avro::DecodeError::TooLarge { limit: 100_000, .. }
        ),
        "{error}"
    );
    let few = [0x14, 0x00]; // 10 items
    let value = schema.decode_binary_within(&few, limits).unwrap();
    assert_eq!(value.as_array().map(Vec::len), Some(10));
    // A long string counts its text.
    let text = parse(r#""string""#);
    let mut bytes = vec![0xc0, 0x9a, 0x0c]; // 100,000 bytes
    bytes.resize(3 + 100_000, b'x');
    assert!(text.decode_binary_within(&bytes, limits).is_err());
    assert!(text.decode_binary(&bytes).is_ok());
}

#[test]
fn deep_data_is_refused_not_a_stack_overflow() {
    // With half the stack a test thread has, in a debug build.
    let run = std::thread::Builder::new().stack_size(1 << 20).spawn(|| {
        let text = r#"{"type":"record","name":"L","fields":[{"name":"next","type":["null","L"]}]}"#;
        let list = parse(text);
        let deep = vec![0x02; 10_000];
        assert!(matches!(
            list.decode_binary(&deep),
            Err(crate::avro::DecodeError::TooDeep { .. })
        ));
        let mut value = json!({"next": null});
        for _ in 0..1000 {
            // Built by hand: `json!` would copy the value recursively.
            let mut branch = serde_json::Map::new();
            branch.insert("L".into(), value);
            let mut record = serde_json::Map::new();
            record.insert("next".into(), Value::Object(branch));
            value = Value::Object(record);
        }
        let errors = list.validate_json(&value).unwrap_err();
        assert!(
            errors[0].message.contains("nested deeper than"),
            "{errors:?}"
        );
        let error = list.resolve_json(&list, &value).unwrap_err();
        assert!(error.message.contains("nested too deeply"), "{error:?}");
        // Dropping a deep serde_json value recurses too: leak it instead.
        std::mem::forget(value);
    });
    run.unwrap().join().unwrap();
}

/// Whether `reader` reads `value`, written with `writer`; the error otherwise.
fn resolve(writer: &str, reader: &str, value: Value) -> Result<(), String> {
    let (writer, reader) = (parse(writer), parse(reader));
    writer
        .validate_json(&value)
        .expect("a valid datum of the writer");
    writer
        .resolve_json(&reader, &value)
        .map_err(|e| format!("{} {}: {}", e.path, e.schema_path, e.message))
}

#[test]
fn one_datum_resolves_by_the_specification_rules() {
    // Promotions.
    resolve(r#""int""#, r#""double""#, json!(3)).unwrap();
    resolve(r#""string""#, r#""bytes""#, json!("x")).unwrap();
    assert_eq!(
        resolve(r#""long""#, r#""int""#, json!(3)).unwrap_err(),
        " #: a long cannot be read as int"
    );
    // Writer union to reader non-union: per value.
    resolve(r#"["null","int"]"#, r#""int""#, json!({"int": 1})).unwrap();
    assert_eq!(
        resolve(r#"["null","int"]"#, r#""int""#, json!(null)).unwrap_err(),
        " #: a null cannot be read as int"
    );
    // Non-union to union: the first branch that matches.
    resolve(r#""int""#, r#"["null","long"]"#, json!(1)).unwrap();
    assert_eq!(
        resolve(r#""string""#, r#"["null","long"]"#, json!("x")).unwrap_err(),
        " #: the reader's union has no branch for the writer's string"
    );
    // Records: missing reader fields need a default; aliases find renamed ones.
    let writer = r#"{"type":"record","name":"R","fields":[{"name":"a","type":"int"}]}"#;
    let renamed = r#"{"type":"record","name":"R","fields":[{"name":"b","type":"int","aliases":["a"]},{"name":"c","type":"int","default":0}]}"#;
    resolve(writer, renamed, json!({"a": 1})).unwrap();
    let needs = r#"{"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"d","type":"int"}]}"#;
    assert_eq!(
        resolve(writer, needs, json!({"a": 1})).unwrap_err(),
        " #/fields/d: the reader's field `d` is not in the writer's `R` and has no default"
    );
    // Enums: an unknown symbol needs the reader's default.
    let abc = r#"{"type":"enum","name":"E","symbols":["A","B","C"]}"#;
    let ab = r#"{"type":"enum","name":"E","symbols":["A","B"]}"#;
    let ab_default = r#"{"type":"enum","name":"E","symbols":["A","B"],"default":"A"}"#;
    resolve(abc, ab, json!("A")).unwrap();
    resolve(abc, ab_default, json!("C")).unwrap();
    assert_eq!(
        resolve(abc, ab, json!("C")).unwrap_err(),
        " #/symbols: `C` is not a symbol of the reader's `E`, which has no default"
    );
    // Names: unqualified names match; a reader alias names the writer's type.
    resolve(
        r#"{"type":"fixed","name":"a.F","size":1}"#,
        r#"{"type":"fixed","name":"b.F","size":1}"#,
        json!("x"),
    )
    .unwrap();
    resolve(
        r#"{"type":"fixed","name":"a.F","size":1}"#,
        r#"{"type":"fixed","name":"G","aliases":["a.F"],"size":1}"#,
        json!("x"),
    )
    .unwrap();
    assert_eq!(
        resolve(
            r#"{"type":"fixed","name":"F","size":1}"#,
            r#"{"type":"fixed","name":"F","size":2}"#,
            json!("x")
        )
        .unwrap_err(),
        " #/size: the reader's `F` is 2 bytes, the writer's 1"
    );
    // Paths go into the datum and the reader's schema.
    let list = r#"{"type":"array","items":["null",{"type":"record","name":"R","fields":[{"name":"a","type":"string"}]}]}"#;
    let list_int = r#"{"type":"array","items":["null",{"type":"record","name":"R","fields":[{"name":"a","type":"int"}]}]}"#;
    assert_eq!(
        resolve(list, list_int, json!([null, {"R": {"a": "x"}}])).unwrap_err(),
        "/1/R/a #/items/R/fields/a/type: a string cannot be read as int"
    );
}
