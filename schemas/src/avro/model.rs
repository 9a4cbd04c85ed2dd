//! The parsed form of an Avro schema: an arena of type nodes in which every
//! reference to a named type is the index of its definition, so recursive
//! types are finite graphs.

use std::fmt;

use serde_json::Value;

/// Attributes of a type or field as written: in the document's order
/// (Avro Java prints its properties in that order); [`sorted`] gives them
/// by key.
pub(crate) type Attrs = serde_json::Map<String, Value>;

/// `attrs` sorted by key, for the forms that do not keep the document's order.
pub(crate) fn sorted(attrs: &Attrs) -> Vec<(&String, &Value)> {
    let mut sorted: Vec<(&String, &Value)> = attrs.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(b.0));
    sorted
}

/// The index of a node in [`AvroSchema::nodes`](super::AvroSchema).
pub(crate) type NodeId = usize;

/// One type: its shape, the attributes kept for the canonical form, and its
/// logical type when that is valid.
#[derive(Debug, Clone)]
pub(crate) struct Node {
    pub(crate) kind: Kind,
    /// Attributes not consumed by the shape: `logicalType` and its
    /// parameters, and custom properties, in the document's order.
    pub(crate) attrs: Attrs,
    /// The logical type, when `attrs` declare a valid one for this shape (the
    /// specification says invalid ones are ignored).
    pub(crate) logical: Option<Logical>,
}

/// The shape of a type.
#[derive(Debug, Clone)]
pub(crate) enum Kind {
    Null,
    Boolean,
    Int,
    Long,
    Float,
    Double,
    Bytes,
    String,
    Array(NodeId),
    Map(NodeId),
    Union(Vec<NodeId>),
    Record(Record),
    Enum(Enum),
    Fixed(Fixed),
}

/// What every named type has.
#[derive(Debug, Clone)]
pub(crate) struct Named {
    /// The full name (`com.acme.Order`, or `Order` in the null namespace).
    pub(crate) name: String,
    /// Full names.
    pub(crate) aliases: Vec<String>,
    pub(crate) doc: Option<String>,
    /// Where it is defined: 0 for the schema itself, `k` for the `k`-th
    /// referenced schema parsed.
    pub(crate) origin: usize,
    /// The JSON pointer of the definition in its document.
    pub(crate) pointer: String,
}

impl Named {
    /// The name without its namespace.
    pub(crate) fn short(&self) -> &str {
        short_name(&self.name)
    }
}

/// A record (or an `error`, which only protocols use and which reads the same).
#[derive(Debug, Clone)]
pub(crate) struct Record {
    pub(crate) named: Named,
    pub(crate) fields: Vec<Field>,
    pub(crate) is_error: bool,
    /// The index of each field by name, so that a reader finds its fields
    /// in a writer in time proportional to their number.
    pub(crate) by_name: std::collections::HashMap<String, usize>,
}

/// A record field.
#[derive(Debug, Clone)]
pub(crate) struct Field {
    pub(crate) name: String,
    pub(crate) aliases: Vec<String>,
    pub(crate) doc: Option<String>,
    pub(crate) ty: NodeId,
    pub(crate) default: Option<Value>,
    pub(crate) order: Order,
    /// Custom properties, in the document's order.
    pub(crate) attrs: Attrs,
}

/// An enum.
#[derive(Debug, Clone)]
pub(crate) struct Enum {
    pub(crate) named: Named,
    pub(crate) symbols: Vec<String>,
    /// The symbol a reader uses for a writer's symbol it does not know.
    pub(crate) default: Option<String>,
}

/// A fixed-size byte string.
#[derive(Debug, Clone)]
pub(crate) struct Fixed {
    pub(crate) named: Named,
    pub(crate) size: u64,
}

/// A field's sort order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Order {
    #[default]
    Ascending,
    Descending,
    Ignore,
}

impl Order {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Order::Ascending => "ascending",
            Order::Descending => "descending",
            Order::Ignore => "ignore",
        }
    }
}

/// A logical type the specification defines, on the shape it allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Logical {
    Decimal { precision: u64, scale: u64 },
    BigDecimal,
    Uuid,
    Date,
    TimeMillis,
    TimeMicros,
    TimestampMillis,
    TimestampMicros,
    TimestampNanos,
    LocalTimestampMillis,
    LocalTimestampMicros,
    LocalTimestampNanos,
    Duration,
}

impl fmt::Display for Logical {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Logical::Decimal { precision, scale } => write!(f, "decimal({precision},{scale})"),
            Logical::BigDecimal => f.write_str("big-decimal"),
            Logical::Uuid => f.write_str("uuid"),
            Logical::Date => f.write_str("date"),
            Logical::TimeMillis => f.write_str("time-millis"),
            Logical::TimeMicros => f.write_str("time-micros"),
            Logical::TimestampMillis => f.write_str("timestamp-millis"),
            Logical::TimestampMicros => f.write_str("timestamp-micros"),
            Logical::TimestampNanos => f.write_str("timestamp-nanos"),
            Logical::LocalTimestampMillis => f.write_str("local-timestamp-millis"),
            Logical::LocalTimestampMicros => f.write_str("local-timestamp-micros"),
            Logical::LocalTimestampNanos => f.write_str("local-timestamp-nanos"),
            Logical::Duration => f.write_str("duration"),
        }
    }
}

impl Kind {
    /// The named part of a record, enum or fixed.
    pub(crate) fn named(&self) -> Option<&Named> {
        match self {
            Kind::Record(r) => Some(&r.named),
            Kind::Enum(e) => Some(&e.named),
            Kind::Fixed(f) => Some(&f.named),
            _ => None,
        }
    }

    /// The primitive type name, for the eight primitives.
    pub(crate) fn primitive_name(&self) -> Option<&'static str> {
        Some(match self {
            Kind::Null => "null",
            Kind::Boolean => "boolean",
            Kind::Int => "int",
            Kind::Long => "long",
            Kind::Float => "float",
            Kind::Double => "double",
            Kind::Bytes => "bytes",
            Kind::String => "string",
            _ => return None,
        })
    }

    /// The word for this shape in messages: `record`, `int`, `array`...
    pub(crate) fn shape(&self) -> &'static str {
        match self {
            Kind::Array(_) => "array",
            Kind::Map(_) => "map",
            Kind::Union(_) => "union",
            Kind::Record(r) if r.is_error => "error",
            Kind::Record(_) => "record",
            Kind::Enum(_) => "enum",
            Kind::Fixed(_) => "fixed",
            primitive => primitive.primitive_name().unwrap_or("?"),
        }
    }

    /// The name of this type as a union branch in the JSON encoding and in
    /// change paths: the full name of a named type, the type name otherwise.
    pub(crate) fn label(&self) -> &str {
        match self.named() {
            Some(named) => &named.name,
            None => self.shape(),
        }
    }
}

/// A primitive type name and its shape.
pub(crate) fn primitive(name: &str) -> Option<Kind> {
    Some(match name {
        "null" => Kind::Null,
        "boolean" => Kind::Boolean,
        "int" => Kind::Int,
        "long" => Kind::Long,
        "float" => Kind::Float,
        "double" => Kind::Double,
        "bytes" => Kind::Bytes,
        "string" => Kind::String,
        _ => return None,
    })
}

/// The last dot-separated part of a full name.
pub(crate) fn short_name(full: &str) -> &str {
    full.rsplit_once('.').map_or(full, |(_, short)| short)
}

/// The namespace of a full name (empty for the null namespace).
pub(crate) fn namespace_of(full: &str) -> &str {
    full.rsplit_once('.').map_or("", |(ns, _)| ns)
}
