//! How the value types of [`crate::values`] meet clap: the possible values
//! of each format (with the help `--help` shows for them) and the parsers of
//! the core's names (modes, policies, schema types).

use clap::ValueEnum;
use clap::builder::PossibleValue;
use schemas::{CompatibilityMode, Policy, SchemaType};

use crate::values::{DataFormat, OutputFormat, PayloadFormat};

impl ValueEnum for OutputFormat {
    fn value_variants<'a>() -> &'a [Self] {
        &[
            OutputFormat::Text,
            OutputFormat::Json,
            OutputFormat::Github,
            OutputFormat::Junit,
        ]
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(match self {
            OutputFormat::Text => PossibleValue::new("text")
                .help("For people: one line per change or invalid record, then a summary"),
            OutputFormat::Json => PossibleValue::new("json").help("One JSON object"),
            OutputFormat::Github => PossibleValue::new("github")
                .help("GitHub Actions annotations (`::error file=...,line=...::...`)"),
            OutputFormat::Junit => PossibleValue::new("junit")
                .help("A JUnit XML report, for CI servers to display as tests"),
        })
    }
}

impl ValueEnum for DataFormat {
    fn value_variants<'a>() -> &'a [Self] {
        &[DataFormat::Text, DataFormat::Json]
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(match self {
            DataFormat::Text => PossibleValue::new("text")
                .help("For people (and for redirecting a schema to a file)"),
            DataFormat::Json => PossibleValue::new("json").help("One JSON value"),
        })
    }
}

impl ValueEnum for PayloadFormat {
    fn value_variants<'a>() -> &'a [Self] {
        &[PayloadFormat::Ndjson, PayloadFormat::Json]
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(match self {
            PayloadFormat::Ndjson => {
                PossibleValue::new("ndjson").help("One JSON document per line")
            }
            PayloadFormat::Json => PossibleValue::new("json")
                .help("One JSON document per file (with `--array`, an array of records)"),
        })
    }
}

/// `--mode`: a compatibility level, in any case.
pub(super) fn parse_mode(s: &str) -> Result<CompatibilityMode, String> {
    s.parse::<CompatibilityMode>().map_err(|e| e.to_string())
}

/// `--policy`: `strict`, `lenient` or `confluent`.
pub(super) fn parse_policy(s: &str) -> Result<Policy, String> {
    s.parse::<Policy>().map_err(|e| e.to_string())
}

/// `--type`: JSON, AVRO or PROTOBUF, in any case.
pub(super) fn parse_type(s: &str) -> Result<SchemaType, String> {
    s.parse::<SchemaType>().map_err(|e| e.to_string())
}
