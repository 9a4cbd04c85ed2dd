//! Command-line definitions (clap). Implementations live in [`crate::commands`].

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use schemas::{CompatibilityMode, Policy, SchemaType};

use crate::exit::EXIT_CODES_HELP;

/// Charter: check message contracts before they break consumers.
#[derive(Debug, Parser)]
#[command(name = "charter", version, about, after_help = EXIT_CODES_HELP)]
pub struct Cli {
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// Every `charter` command.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Explain the difference between two schema files, and judge it.
    #[command(after_help = EXIT_CODES_HELP)]
    Diff(DiffArgs),
    /// Judge a new schema against earlier versions kept in files (oldest first).
    #[command(after_help = EXIT_CODES_HELP)]
    Check(CheckArgs),
    /// Validate payloads (JSON, NDJSON) against a schema, every record.
    #[command(after_help = EXIT_CODES_HELP)]
    Validate(ValidateArgs),
}

/// `charter diff OLD NEW`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The earlier schema (the one data was written with).
    pub old: PathBuf,
    /// The new schema.
    pub new: PathBuf,
    /// How to judge.
    #[command(flatten)]
    pub judge: JudgeArgs,
    /// How to read the files.
    #[command(flatten)]
    pub input: InputArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub output: OutputFormat,
}

/// `charter check NEW --against OLD...`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The candidate schema.
    pub schema: PathBuf,
    /// Earlier versions, oldest first.
    #[arg(long, num_args = 1.., required = true, value_name = "OLD")]
    pub against: Vec<PathBuf>,
    /// How to judge.
    #[command(flatten)]
    pub judge: JudgeArgs,
    /// How to read the files.
    #[command(flatten)]
    pub input: InputArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub output: OutputFormat,
}

/// `charter validate PAYLOAD... --schema FILE`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Payload files: `.json` (one document, or an array with `--array`),
    /// `.ndjson` or `.jsonl` (one record per line), or `-` for NDJSON on stdin.
    #[arg(required = true, value_name = "PAYLOAD")]
    pub payloads: Vec<PathBuf>,
    /// The schema the payloads must follow (JSON Schema).
    #[arg(long, value_name = "FILE")]
    pub schema: PathBuf,
    /// How to read the schema file.
    #[command(flatten)]
    pub input: InputArgs,
    /// Read every payload as this format instead of telling it from the
    /// file name.
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Option<PayloadFormat>,
    /// A `.json` payload is a top-level array whose elements are the records.
    #[arg(long)]
    pub array: bool,
    /// Stop after this many invalid records (each is reported with all its
    /// errors).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub max_errors: Option<u64>,
    /// Worker threads; one per core by default.
    #[arg(long, short = 'j', value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,
    /// Print only the invalid records: no summary, no notes, no progress.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub output: OutputFormat,
}

/// How payload records are laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PayloadFormat {
    /// One JSON document per line.
    Ndjson,
    /// One JSON document per file (with `--array`, an array of records).
    Json,
}

/// How to judge.
#[derive(Debug, Args, Clone, Copy)]
pub struct JudgeArgs {
    /// Compatibility mode, in any case: BACKWARD, BACKWARD_TRANSITIVE, FORWARD,
    /// FORWARD_TRANSITIVE, FULL, FULL_TRANSITIVE or NONE.
    #[arg(long, default_value = "BACKWARD", value_parser = parse_mode)]
    pub mode: CompatibilityMode,
    /// Strictness policy: `strict` (only what the schemas guarantee) or
    /// `lenient` (producers never sent undeclared properties).
    #[arg(long, default_value = "strict", value_parser = parse_policy)]
    pub policy: Policy,
}

/// How to read schema files.
#[derive(Debug, Args, Clone, Default)]
pub struct InputArgs {
    /// Schema format; by default from the extension (.json, .avsc, .proto).
    #[arg(long = "type", value_parser = parse_type, value_name = "JSON|AVRO|PROTOBUF")]
    pub schema_type: Option<SchemaType>,
    /// A schema other schemas reference, as NAME=FILE (NAME as used in `$ref`).
    /// References to relative file names resolve next to the referencing file.
    #[arg(long = "reference", value_name = "NAME=FILE")]
    pub references: Vec<String>,
}

/// Report formats of the checking commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// For people: one line per change, then a summary.
    Text,
    /// One JSON object.
    Json,
    /// GitHub Actions annotations (`::error file=...,line=...::...`).
    Github,
    /// A JUnit XML report, for CI servers to display as tests.
    Junit,
}

fn parse_mode(s: &str) -> Result<CompatibilityMode, String> {
    s.parse()
        .map_err(|e: schemas::compat::UnknownMode| e.to_string())
}

fn parse_policy(s: &str) -> Result<Policy, String> {
    s.parse()
        .map_err(|e: schemas::compat::UnknownPolicy| e.to_string())
}

fn parse_type(s: &str) -> Result<SchemaType, String> {
    s.parse()
        .map_err(|e: schemas::schema_type::UnknownSchemaType| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn definitions_are_consistent() {
        Cli::command().debug_assert();
    }
}
