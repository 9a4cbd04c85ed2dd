//! The schema formats Charter knows, named as the Confluent API names them.

use std::fmt;
use std::str::FromStr;

/// The format of a schema (`schemaType` in the Confluent API).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum SchemaType {
    /// Apache Avro (the Confluent default when `schemaType` is absent).
    #[default]
    Avro,
    /// JSON Schema, drafts 04 to 2020-12.
    Json,
    /// Protocol Buffers, proto2 and proto3.
    Protobuf,
}

impl SchemaType {
    /// The name used on the wire: `AVRO`, `JSON` or `PROTOBUF`.
    pub fn as_str(self) -> &'static str {
        match self {
            SchemaType::Avro => "AVRO",
            SchemaType::Json => "JSON",
            SchemaType::Protobuf => "PROTOBUF",
        }
    }

    /// Every format, in the order the registry lists them.
    pub const ALL: [SchemaType; 3] = [SchemaType::Avro, SchemaType::Json, SchemaType::Protobuf];
}

impl fmt::Display for SchemaType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The error for a `schemaType` that is none of `AVRO`, `JSON`, `PROTOBUF`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown schema type `{0}`: expected AVRO, JSON or PROTOBUF")]
pub struct UnknownSchemaType(pub String);

impl FromStr for SchemaType {
    type Err = UnknownSchemaType;

    /// Accepts the names in any case.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_uppercase().as_str() {
            "AVRO" => Ok(SchemaType::Avro),
            "JSON" => Ok(SchemaType::Json),
            "PROTOBUF" => Ok(SchemaType::Protobuf),
            _ => Err(UnknownSchemaType(s.to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_in_any_case() {
        for t in SchemaType::ALL {
            assert_eq!(t.as_str().parse::<SchemaType>().unwrap(), t);
            assert_eq!(t.as_str().to_lowercase().parse::<SchemaType>().unwrap(), t);
        }
        assert!("XML".parse::<SchemaType>().is_err());
    }
}
