//! The binary encoding of the specification: zig-zag varints for `int` and
//! `long`, little-endian IEEE floats, length-prefixed `bytes` and `string`,
//! arrays and maps in counted blocks (a negative count is followed by the
//! block's size in bytes), a union's branch index before its value, an
//! enum's symbol index, and record fields in order with nothing between.
//!
//! Decoding produces the Avro JSON encoding (see `value.rs`), so a decoded
//! datum passes [`AvroSchema::validate_json`](super::AvroSchema::validate_json)
//! and encodes back to the same bytes when its arrays and maps were written
//! in one block each.

use std::collections::HashMap;

use serde_json::{Map, Number, Value};

use super::AvroSchema;
use super::model::{Kind, NodeId};
use super::value::{MAX_VALUE_DEPTH, bytes_to_json, latin1_bytes, special_float};
use crate::issue::DecodeLimits;
use crate::pointer;

/// What one decoded value is counted as in memory, besides its text: a
/// `serde_json::Value`.
const VALUE_COST: usize = std::mem::size_of::<Value>();

/// What one map entry or record field adds, besides its key's text and its
/// value: the entry of an ordered map (hash, key, value, index).
const ENTRY_COST: usize = 48;

/// Why bytes are not a datum of the schema. Offsets count from the first
/// byte; paths are JSON pointers into the datum being decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// The input ends inside a value.
    #[error("binary Avro at byte {offset} ({}): the data ends inside a value", at(.path))]
    UnexpectedEnd {
        /// Where the missing bytes were expected.
        offset: usize,
        /// Where in the datum.
        path: String,
    },
    /// A varint longer than a `long` can be.
    #[error("binary Avro at byte {offset} ({}): invalid variable-length integer", at(.path))]
    InvalidVarint {
        /// Where it starts.
        offset: usize,
        /// Where in the datum.
        path: String,
    },
    /// An `int` outside 32 bits.
    #[error("binary Avro at byte {offset} ({}): {value} does not fit an int", at(.path))]
    IntOutOfRange {
        /// Where it starts.
        offset: usize,
        /// Where in the datum.
        path: String,
        /// The value read.
        value: i64,
    },
    /// A boolean byte other than 0 or 1.
    #[error("binary Avro at byte {offset} ({}): {byte} is not a boolean (0 or 1)", at(.path))]
    InvalidBoolean {
        /// Where.
        offset: usize,
        /// Where in the datum.
        path: String,
        /// The byte read.
        byte: u8,
    },
    /// A negative length, or one longer than the rest of the input.
    #[error("binary Avro at byte {offset} ({}): invalid length {length}", at(.path))]
    InvalidLength {
        /// Where the length starts.
        offset: usize,
        /// Where in the datum.
        path: String,
        /// The length read.
        length: i64,
    },
    /// A string that is not UTF-8.
    #[error("binary Avro at byte {offset} ({}): a string is not valid UTF-8", at(.path))]
    InvalidUtf8 {
        /// Where its bytes start.
        offset: usize,
        /// Where in the datum.
        path: String,
    },
    /// A union branch index outside the union.
    #[error("binary Avro at byte {offset} ({}): union branch {index} does not exist (the union has {branches})", at(.path))]
    InvalidUnionIndex {
        /// Where the index starts.
        offset: usize,
        /// Where in the datum.
        path: String,
        /// The index read.
        index: i64,
        /// How many branches there are.
        branches: usize,
    },
    /// An enum symbol index outside the enum.
    #[error("binary Avro at byte {offset} ({}): enum index {index} does not exist (the enum has {symbols} symbols)", at(.path))]
    InvalidEnumIndex {
        /// Where the index starts.
        offset: usize,
        /// Where in the datum.
        path: String,
        /// The index read.
        index: i64,
        /// How many symbols there are.
        symbols: usize,
    },
    /// A block declaring more items than the bytes left can hold.
    #[error("binary Avro at byte {offset} ({}): a block of {count} items of at least {size} bytes each, but the rest of the input is {remaining} bytes", at(.path))]
    BlockTooLong {
        /// Where the block count starts.
        offset: usize,
        /// Where in the datum.
        path: String,
        /// The items the block declares.
        count: u64,
        /// The fewest bytes one item takes.
        size: usize,
        /// The bytes left after the count.
        remaining: usize,
    },
    /// A datum that would take more memory than the decoding limit once
    /// decoded (items that take no bytes, such as `null`, are counted here).
    #[error("binary Avro at byte {offset} ({}): the decoded datum would take more than {limit} bytes of memory (the decoding limit)", at(.path))]
    TooLarge {
        /// Where decoding stopped.
        offset: usize,
        /// Where in the datum.
        path: String,
        /// The limit, in bytes.
        limit: usize,
    },
    /// A datum nested deeper than [`MAX_VALUE_DEPTH`].
    #[error("binary Avro at byte {offset} ({}): nested deeper than {MAX_VALUE_DEPTH} levels", at(.path))]
    TooDeep {
        /// Where.
        offset: usize,
        /// Where in the datum.
        path: String,
    },
    /// Bytes left after the datum.
    #[error("binary Avro: {remaining} bytes left after the datum, from byte {offset}")]
    TrailingBytes {
        /// Where the datum ended.
        offset: usize,
        /// How many bytes follow.
        remaining: usize,
    },
}

impl DecodeError {
    /// Where in the datum decoding stopped (a JSON pointer; empty for the
    /// datum itself, and after it for trailing bytes).
    pub fn path(&self) -> &str {
        match self {
            DecodeError::UnexpectedEnd { path, .. }
            | DecodeError::InvalidVarint { path, .. }
            | DecodeError::IntOutOfRange { path, .. }
            | DecodeError::InvalidBoolean { path, .. }
            | DecodeError::InvalidLength { path, .. }
            | DecodeError::InvalidUtf8 { path, .. }
            | DecodeError::InvalidUnionIndex { path, .. }
            | DecodeError::InvalidEnumIndex { path, .. }
            | DecodeError::BlockTooLong { path, .. }
            | DecodeError::TooLarge { path, .. }
            | DecodeError::TooDeep { path, .. } => path,
            DecodeError::TrailingBytes { .. } => "",
        }
    }
}

fn at(path: &str) -> String {
    if path.is_empty() {
        "the root".to_string()
    } else {
        path.to_string()
    }
}

/// Decodes one datum, its decoded size bounded by `limits`.
pub(crate) fn decode(
    schema: &AvroSchema,
    bytes: &[u8],
    limits: DecodeLimits,
) -> Result<Value, DecodeError> {
    let mut decoder = Decoder {
        schema,
        bytes,
        offset: 0,
        path: String::new(),
        limit: limits.max_decoded_bytes,
        budget: limits.max_decoded_bytes,
        sizes: HashMap::new(),
    };
    let value = decoder.value(schema.root, 0)?;
    if decoder.offset < bytes.len() {
        return Err(DecodeError::TrailingBytes {
            offset: decoder.offset,
            remaining: bytes.len() - decoder.offset,
        });
    }
    Ok(value)
}

struct Decoder<'a> {
    schema: &'a AvroSchema,
    bytes: &'a [u8],
    offset: usize,
    path: String,
    /// The decoding limit, in bytes.
    limit: usize,
    /// What is left of it.
    budget: usize,
    /// The fewest bytes a value of an array's or map's item type takes.
    sizes: HashMap<NodeId, usize>,
}

/// The fewest bytes a value of type `id` takes in the binary encoding
/// (`null`, an empty record and `fixed` of size 0 take none). Types met
/// again inside themselves count 0, so the answer is a lower bound.
fn min_size(schema: &AvroSchema, id: NodeId, visiting: &mut Vec<NodeId>) -> usize {
    match &schema.nodes[id].kind {
        Kind::Null => 0,
        Kind::Boolean
        | Kind::Int
        | Kind::Long
        | Kind::Bytes
        | Kind::String
        | Kind::Array(_)
        | Kind::Map(_)
        | Kind::Union(_)
        | Kind::Enum(_) => 1,
        Kind::Float => 4,
        Kind::Double => 8,
        Kind::Fixed(f) => usize::try_from(f.size).unwrap_or(usize::MAX),
        Kind::Record(r) => {
            if visiting.contains(&id) {
                return 0;
            }
            visiting.push(id);
            let size = r.fields.iter().fold(0usize, |sum, field| {
                sum.saturating_add(min_size(schema, field.ty, visiting))
            });
            visiting.pop();
            size
        }
    }
}

impl Decoder<'_> {
    fn end(&self) -> DecodeError {
        DecodeError::UnexpectedEnd {
            offset: self.offset,
            path: self.path.clone(),
        }
    }

    fn take(&mut self, n: usize) -> Result<&[u8], DecodeError> {
        if self.bytes.len() - self.offset < n {
            return Err(self.end());
        }
        let slice = &self.bytes[self.offset..self.offset + n];
        self.offset += n;
        Ok(slice)
    }

    fn long(&mut self) -> Result<i64, DecodeError> {
        let start = self.offset;
        let mut raw: u64 = 0;
        for shift in (0..70).step_by(7) {
            let Some(&byte) = self.bytes.get(self.offset) else {
                return Err(self.end());
            };
            self.offset += 1;
            if shift == 63 && byte > 1 {
                break;
            }
            raw |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Ok((raw >> 1) as i64 ^ -((raw & 1) as i64));
            }
        }
        Err(DecodeError::InvalidVarint {
            offset: start,
            path: self.path.clone(),
        })
    }

    fn length(&mut self) -> Result<usize, DecodeError> {
        let start = self.offset;
        let length = self.long()?;
        match usize::try_from(length) {
            Ok(n) if n <= self.bytes.len() - self.offset => Ok(n),
            _ => Err(DecodeError::InvalidLength {
                offset: start,
                path: self.path.clone(),
                length,
            }),
        }
    }

    /// Takes `cost` bytes from the decoding budget.
    fn charge(&mut self, cost: usize) -> Result<(), DecodeError> {
        match self.budget.checked_sub(cost) {
            Some(left) => {
                self.budget = left;
                Ok(())
            }
            None => Err(DecodeError::TooLarge {
                offset: self.offset,
                path: self.path.clone(),
                limit: self.limit,
            }),
        }
    }

    /// The item count of the next block (0 at the end) of items of type
    /// `item` (after a key of at least `key` bytes, in maps), skipping the
    /// byte size that follows a negative count. The
    /// count must fit the bytes left (items of at least one byte) and the
    /// decoding budget (every item is at least one value).
    fn block(&mut self, item: NodeId, key: usize) -> Result<u64, DecodeError> {
        let start = self.offset;
        let count = self.long()?;
        if count < 0 {
            self.long()?;
        }
        let count = count.unsigned_abs();
        let schema = self.schema;
        let size = *self
            .sizes
            .entry(item)
            .or_insert_with(|| min_size(schema, item, &mut Vec::new()))
            + key;
        let remaining = self.bytes.len() - self.offset;
        if size > 0 && count > (remaining / size) as u64 {
            return Err(DecodeError::BlockTooLong {
                offset: start,
                path: self.path.clone(),
                count,
                size,
                remaining,
            });
        }
        let least = usize::try_from(count)
            .ok()
            .and_then(|n| n.checked_mul(VALUE_COST))
            .unwrap_or(usize::MAX);
        if least > self.budget {
            return Err(DecodeError::TooLarge {
                offset: start,
                path: self.path.clone(),
                limit: self.limit,
            });
        }
        Ok(count)
    }

    fn float(value: f64) -> Value {
        match Number::from_f64(value) {
            Some(n) => Value::Number(n),
            None if value.is_nan() => Value::from("NaN"),
            None if value > 0.0 => Value::from("Infinity"),
            None => Value::from("-Infinity"),
        }
    }

    fn nested(&mut self, segment: &str, id: NodeId, depth: usize) -> Result<Value, DecodeError> {
        let len = self.path.len();
        pointer::push(&mut self.path, segment);
        let value = self.value(id, depth + 1);
        self.path.truncate(len);
        value
    }

    // Each kind of value that holds others decodes in its own small frame,
    // so that deep data uses little stack per level.
    fn value(&mut self, id: NodeId, depth: usize) -> Result<Value, DecodeError> {
        if depth > MAX_VALUE_DEPTH {
            return Err(DecodeError::TooDeep {
                offset: self.offset,
                path: self.path.clone(),
            });
        }
        self.charge(VALUE_COST)?;
        match &self.schema.nodes[id].kind {
            Kind::Union(branches) => self.union(branches, depth),
            Kind::Array(items) => self.array(*items, depth),
            Kind::Map(values) => self.map(*values, depth),
            Kind::Record(r) => self.record(r, depth),
            _ => self.scalar(id),
        }
    }

    #[inline(never)]
    fn union(&mut self, branches: &[NodeId], depth: usize) -> Result<Value, DecodeError> {
        let schema = self.schema;
        Ok({
            let offset = self.offset;
            let index = self.long()?;
            let Some(&branch) = usize::try_from(index).ok().and_then(|i| branches.get(i)) else {
                return Err(DecodeError::InvalidUnionIndex {
                    offset,
                    path: self.path.clone(),
                    index,
                    branches: branches.len(),
                });
            };
            let kind = &schema.nodes[branch].kind;
            if matches!(kind, Kind::Null) {
                Value::Null
            } else {
                let label = kind.label().to_string();
                self.charge(ENTRY_COST + label.len())?;
                let inner = self.nested(&label, branch, depth)?;
                let mut map = Map::new();
                map.insert(label, inner);
                Value::Object(map)
            }
        })
    }

    #[inline(never)]
    fn array(&mut self, items: NodeId, depth: usize) -> Result<Value, DecodeError> {
        let items = &items;
        Ok({
            let mut list = Vec::new();
            loop {
                let count = self.block(*items, 0)?;
                if count == 0 {
                    break;
                }
                for _ in 0..count {
                    let segment = list.len().to_string();
                    list.push(self.nested(&segment, *items, depth)?);
                }
            }
            Value::Array(list)
        })
    }

    #[inline(never)]
    fn map(&mut self, values: NodeId, depth: usize) -> Result<Value, DecodeError> {
        let values = &values;
        Ok({
            let mut map = Map::new();
            loop {
                let count = self.block(*values, 1)?;
                if count == 0 {
                    break;
                }
                for _ in 0..count {
                    let n = self.length()?;
                    self.charge(ENTRY_COST + n)?;
                    let offset = self.offset;
                    let key = std::str::from_utf8(self.take(n)?).map(str::to_string);
                    let key = key.map_err(|_| DecodeError::InvalidUtf8 {
                        offset,
                        path: self.path.clone(),
                    })?;
                    let value = self.nested(&key, *values, depth)?;
                    map.insert(key, value);
                }
            }
            Value::Object(map)
        })
    }

    #[inline(never)]
    fn record(&mut self, r: &super::model::Record, depth: usize) -> Result<Value, DecodeError> {
        Ok({
            let mut map = Map::new();
            for field in &r.fields {
                self.charge(ENTRY_COST + field.name.len())?;
                let value = self.nested(&field.name, field.ty, depth)?;
                map.insert(field.name.clone(), value);
            }
            Value::Object(map)
        })
    }

    /// A value of a type that holds no other value.
    #[inline(never)]
    fn scalar(&mut self, id: NodeId) -> Result<Value, DecodeError> {
        let schema = self.schema;
        Ok(match &schema.nodes[id].kind {
            Kind::Null => Value::Null,
            Kind::Boolean => {
                let offset = self.offset;
                match self.take(1)?[0] {
                    0 => Value::Bool(false),
                    1 => Value::Bool(true),
                    byte => {
                        return Err(DecodeError::InvalidBoolean {
                            offset,
                            path: self.path.clone(),
                            byte,
                        });
                    }
                }
            }
            Kind::Int => {
                let offset = self.offset;
                let value = self.long()?;
                if i32::try_from(value).is_err() {
                    return Err(DecodeError::IntOutOfRange {
                        offset,
                        path: self.path.clone(),
                        value,
                    });
                }
                Value::from(value)
            }
            Kind::Long => Value::from(self.long()?),
            Kind::Float => {
                let raw: [u8; 4] = self.take(4)?.try_into().map_err(|_| self.end())?;
                Self::float(f64::from(f32::from_le_bytes(raw)))
            }
            Kind::Double => {
                let raw: [u8; 8] = self.take(8)?.try_into().map_err(|_| self.end())?;
                Self::float(f64::from_le_bytes(raw))
            }
            Kind::Bytes => {
                let n = self.length()?;
                // Code points above 127 take two bytes of UTF-8.
                self.charge(n.saturating_mul(2))?;
                bytes_to_json(self.take(n)?)
            }
            Kind::String => {
                let n = self.length()?;
                self.charge(n)?;
                let offset = self.offset;
                let raw = self.take(n)?;
                match std::str::from_utf8(raw) {
                    Ok(s) => Value::from(s),
                    Err(_) => {
                        return Err(DecodeError::InvalidUtf8 {
                            offset,
                            path: self.path.clone(),
                        });
                    }
                }
            }
            Kind::Fixed(f) => {
                let n = usize::try_from(f.size).unwrap_or(usize::MAX);
                let bytes = self.take(n)?;
                let text = bytes_to_json(bytes);
                self.charge(n.saturating_mul(2))?;
                text
            }
            Kind::Enum(e) => {
                let offset = self.offset;
                let index = self.long()?;
                match usize::try_from(index).ok().and_then(|i| e.symbols.get(i)) {
                    Some(symbol) => Value::from(symbol.as_str()),
                    None => {
                        return Err(DecodeError::InvalidEnumIndex {
                            offset,
                            path: self.path.clone(),
                            index,
                            symbols: e.symbols.len(),
                        });
                    }
                }
            }
            Kind::Union(_) | Kind::Array(_) | Kind::Map(_) | Kind::Record(_) => Value::Null,
        })
    }
}

/// Encodes a datum already validated against `schema`.
pub(crate) fn encode(schema: &AvroSchema, value: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    write(schema, schema.root, value, &mut out);
    out
}

fn long(value: i64, out: &mut Vec<u8>) {
    let mut raw = ((value << 1) ^ (value >> 63)) as u64;
    loop {
        if raw < 0x80 {
            out.push(raw as u8);
            return;
        }
        out.push((raw as u8 & 0x7f) | 0x80);
        raw >>= 7;
    }
}

fn number(value: &Value) -> f64 {
    match value {
        Value::String(s) => special_float(s).unwrap_or(0.0),
        v => v.as_f64().unwrap_or(0.0),
    }
}

fn write(schema: &AvroSchema, id: NodeId, value: &Value, out: &mut Vec<u8>) {
    match (&schema.nodes[id].kind, value) {
        (Kind::Null, _) => {}
        (Kind::Boolean, v) => out.push(u8::from(v.as_bool().unwrap_or(false))),
        (Kind::Int | Kind::Long, v) => long(v.as_i64().unwrap_or(0), out),
        (Kind::Float, v) => out.extend_from_slice(&(number(v) as f32).to_le_bytes()),
        (Kind::Double, v) => out.extend_from_slice(&number(v).to_le_bytes()),
        (Kind::Bytes, Value::String(s)) => {
            let bytes = latin1_bytes(s).unwrap_or_default();
            long(bytes.len() as i64, out);
            out.extend_from_slice(&bytes);
        }
        (Kind::String, Value::String(s)) => {
            long(s.len() as i64, out);
            out.extend_from_slice(s.as_bytes());
        }
        (Kind::Fixed(_), Value::String(s)) => {
            out.extend_from_slice(&latin1_bytes(s).unwrap_or_default())
        }
        (Kind::Enum(e), Value::String(s)) => long(
            e.symbols.iter().position(|x| x == s).unwrap_or(0) as i64,
            out,
        ),
        (Kind::Union(branches), v) => {
            let (index, inner) = match v.as_object().and_then(|m| m.iter().next()) {
                Some((label, inner)) => {
                    let index = branches
                        .iter()
                        .position(|&b| schema.nodes[b].kind.label() == label)
                        .unwrap_or(0);
                    (index, inner)
                }
                None => (
                    branches
                        .iter()
                        .position(|&b| matches!(schema.nodes[b].kind, Kind::Null))
                        .unwrap_or(0),
                    &Value::Null,
                ),
            };
            long(index as i64, out);
            write(schema, branches[index], inner, out);
        }
        (Kind::Array(items), Value::Array(list)) => {
            if !list.is_empty() {
                long(list.len() as i64, out);
                for item in list {
                    write(schema, *items, item, out);
                }
            }
            out.push(0);
        }
        (Kind::Map(values), Value::Object(map)) => {
            if !map.is_empty() {
                long(map.len() as i64, out);
                for (key, item) in map {
                    long(key.len() as i64, out);
                    out.extend_from_slice(key.as_bytes());
                    write(schema, *values, item, out);
                }
            }
            out.push(0);
        }
        (Kind::Record(r), Value::Object(map)) => {
            for field in &r.fields {
                write(
                    schema,
                    field.ty,
                    map.get(&field.name).unwrap_or(&Value::Null),
                    out,
                );
            }
        }
        // Unreachable for validated data.
        _ => {}
    }
}
