//! Command-line definitions (clap). Implementations live in [`crate::commands`].

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use schemas::{CompatibilityMode, Policy, SchemaType};

use crate::client::{SchemaReference, VersionRef};
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
    /// Would registering this schema be accepted? Judged against a subject's
    /// versions in the registry and/or earlier versions kept in files.
    #[command(after_help = EXIT_CODES_HELP)]
    Check(CheckArgs),
    /// Validate payloads (JSON, NDJSON, or binary with --binary) against a
    /// JSON Schema, Avro or Protobuf schema, every record.
    #[command(after_help = EXIT_CODES_HELP)]
    Validate(ValidateArgs),
    /// Consumer-driven contract check: can the schema a consumer reads with
    /// read every version a producer may send?
    #[command(after_help = EXIT_CODES_HELP)]
    Expect(ExpectArgs),
    /// Register a schema under a subject; prints its id and version.
    #[command(after_help = EXIT_CODES_HELP)]
    Register(RegisterArgs),
    /// Register every schema of a contracts manifest, or none if any would be
    /// refused.
    #[command(after_help = EXIT_CODES_HELP, long_about = crate::manifest::PUSH_ABOUT)]
    Push(PushArgs),
    /// Print a registered schema (the schema text only, for redirecting to a
    /// file).
    #[command(after_help = EXIT_CODES_HELP)]
    Get(GetArgs),
    /// List the registry's subjects.
    #[command(after_help = EXIT_CODES_HELP)]
    Subjects(SubjectsArgs),
    /// List a subject's versions.
    #[command(after_help = EXIT_CODES_HELP)]
    Versions(VersionsArgs),
    /// Triage messages a consumer could not read: which schema wrote each,
    /// whether it is valid, and why the consumer cannot read it.
    #[command(long_about = crate::commands::triage::TRIAGE_ABOUT)]
    Triage(TriageArgs),
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
    /// Print only the breaking changes: no compatible changes, no summary.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

/// `charter check NEW (--subject S | --against OLD... | both)`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The candidate schema.
    pub schema: PathBuf,
    /// Earlier versions kept in files, oldest first. With `--subject` they
    /// count as newer than every registered version.
    #[arg(long, num_args = 1.., required_unless_present = "subject", value_name = "OLD")]
    pub against: Vec<PathBuf>,
    /// The subject the schema would be registered under: its versions are
    /// fetched from the registry, which is also asked for its own verdict. A
    /// subject without versions accepts any first schema.
    #[arg(long, value_name = "SUBJECT")]
    pub subject: Option<String>,
    /// A registered schema the candidate references, as
    /// NAME=SUBJECT:VERSION (sent with the candidate, and fetched to read it).
    #[arg(
        long = "registry-reference",
        value_name = "NAME=SUBJECT:VERSION",
        requires = "subject"
    )]
    pub registry_references: Vec<SchemaReference>,
    /// How to judge.
    #[command(flatten)]
    pub judge: RegistryJudgeArgs,
    /// How to read the files.
    #[command(flatten)]
    pub input: InputArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub output: OutputFormat,
    /// The registry (with `--subject`).
    #[command(flatten)]
    pub registry: RegistryArgs,
    /// Print only the breaking changes: no compatible changes, no summary.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

/// `charter validate PAYLOAD... --schema FILE`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Payload files: `.json` (one document, or an array with `--array`),
    /// `.ndjson` or `.jsonl` (one record per line), or `-` for NDJSON on stdin.
    /// Records are JSON Schema instances, Avro datums in the Avro JSON
    /// encoding, or Protobuf messages in the Protobuf JSON mapping.
    #[arg(required = true, value_name = "PAYLOAD")]
    pub payloads: Vec<PathBuf>,
    /// The schema the payloads must follow (.json, .avsc or .proto; see --type).
    #[arg(
        long,
        value_name = "FILE",
        required_unless_present = "subject",
        conflicts_with = "subject"
    )]
    pub schema: Option<PathBuf>,
    /// Validate against a subject's registered schema instead of a file.
    #[arg(long, value_name = "SUBJECT")]
    pub subject: Option<String>,
    /// Which registered version of `--subject`: a number or `latest`.
    #[arg(
        long,
        default_value = "latest",
        requires = "subject",
        value_name = "N|latest"
    )]
    pub version: crate::client::VersionRef,
    /// How to read the schema file.
    #[command(flatten)]
    pub input: InputArgs,
    /// The registry (with `--subject`).
    #[command(flatten)]
    pub registry: RegistryArgs,
    /// Read every payload as this format instead of telling it from the
    /// file name.
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Option<PayloadFormat>,
    /// A `.json` payload is a top-level array whose elements are the records.
    #[arg(long)]
    pub array: bool,
    /// Each PAYLOAD file is one serialized record (a directory: each file in
    /// it): Avro or Protobuf binary, UTF-8 JSON text for JSON Schema. A
    /// Confluent header (magic byte 0, schema id; Protobuf message indexes)
    /// or Avro single-object header is detected and read.
    #[arg(long, conflicts_with_all = ["format", "array"])]
    pub binary: bool,
    /// The Protobuf message records are: a full name or one relative to the
    /// package. Default: the first top-level message (framed binary records
    /// name theirs).
    #[arg(long, value_name = "NAME")]
    pub message: Option<String>,
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

/// `charter triage MESSAGE... [--subject S] [--reader FILE | --reader-version N]`.
#[derive(Debug, Args)]
pub struct TriageArgs {
    /// Messages: a file of raw bytes (one message, framed or not), `.ndjson`
    /// or `.jsonl` (one dead-letter record or JSON message per line), `.json`
    /// (one record or message, or an array of them), a directory (every
    /// file below it), or `-` for NDJSON on stdin.
    #[arg(required = true, value_name = "MESSAGE")]
    pub messages: Vec<PathBuf>,
    /// The consumer's subject: where the writer should be registered, whose
    /// versions unframed messages are matched against, and where
    /// --reader-version is taken from.
    #[arg(long, value_name = "SUBJECT")]
    pub subject: Option<String>,
    /// Match unframed messages against every version of every subject.
    #[arg(long)]
    pub all_subjects: bool,
    /// The schema the consumer reads with (.json, .avsc or .proto; see --type).
    #[arg(long, value_name = "FILE", conflicts_with = "reader_version")]
    pub reader: Option<PathBuf>,
    /// The consumer reads with this registered version of --subject: a
    /// number or `latest`.
    #[arg(long, value_name = "N|latest", requires = "subject")]
    pub reader_version: Option<VersionRef>,
    /// The Protobuf message the reader reads: a full name or one relative to
    /// the package. Default: the first top-level message.
    #[arg(long, value_name = "NAME")]
    pub message: Option<String>,
    /// How to read the reader's schema file.
    #[command(flatten)]
    pub input: InputArgs,
    /// Worker threads; one per core by default.
    #[arg(long, short = 'j', value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,
    /// Output format: `text` (a block per message that is not valid, then
    /// the summary) or `json` (`{"messages": [...], "summary": {...}}`).
    #[arg(long, value_enum, default_value_t = DataFormat::Text)]
    pub output: DataFormat,
    /// The registry the writer schemas are fetched from.
    #[command(flatten)]
    pub registry: RegistryArgs,
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
    /// A directory `.proto` imports are looked up in, after the schema's own
    /// directory (repeatable, in order).
    #[arg(long = "proto-path", value_name = "DIR")]
    pub proto_paths: Vec<PathBuf>,
}

/// How `check` and `expect` judge when a registry may have a say.
#[derive(Debug, Args, Clone, Copy)]
pub struct RegistryJudgeArgs {
    /// Compatibility mode, in any case: BACKWARD, BACKWARD_TRANSITIVE, FORWARD,
    /// FORWARD_TRANSITIVE, FULL, FULL_TRANSITIVE or NONE. Default: the
    /// subject's level in the registry with `--subject`, else BACKWARD.
    #[arg(long, value_parser = parse_mode)]
    pub mode: Option<CompatibilityMode>,
    /// Strictness policy: `strict` or `lenient`. Default: the subject's
    /// policy in the registry with `--subject`, else strict.
    #[arg(long, value_parser = parse_policy)]
    pub policy: Option<Policy>,
}

/// Where the registry is and how to talk to it.
#[derive(Debug, Args, Clone, Default)]
#[command(next_help_heading = "Registry")]
pub struct RegistryArgs {
    /// The registry's base URL (any Confluent-compatible registry).
    #[arg(long = "registry", env = "CHARTER_REGISTRY_URL", value_name = "URL")]
    pub url: Option<String>,
    /// Credentials: `user:password` for basic auth (an API key and secret),
    /// `Bearer TOKEN` or a bare token for bearer auth. Prefer the environment
    /// variable: a flag shows in process listings.
    #[arg(
        long = "registry-auth",
        env = "CHARTER_REGISTRY_AUTH",
        hide_env_values = true,
        value_name = "CREDENTIALS"
    )]
    pub auth: Option<String>,
    /// Seconds to wait for each answer.
    #[arg(
        long = "registry-timeout",
        env = "CHARTER_REGISTRY_TIMEOUT",
        default_value_t = 30,
        value_name = "SECONDS"
    )]
    pub timeout: u64,
    /// Retries after a connection error, a timeout, or an answer 408, 429,
    /// 500, 502, 503 or 504 (250 ms, then doubling, between tries).
    #[arg(
        long = "registry-retries",
        env = "CHARTER_REGISTRY_RETRIES",
        default_value_t = 2,
        value_name = "N"
    )]
    pub retries: u32,
}

/// `charter expect --reader FILE (--subject S | --writer FILE...)`.
#[derive(Debug, Args)]
pub struct ExpectArgs {
    /// The schema the consumer reads with (kept in the consumer's repository).
    #[arg(long, value_name = "FILE")]
    pub reader: PathBuf,
    /// The subject the producer registers under.
    #[arg(
        long,
        value_name = "SUBJECT",
        required_unless_present = "writer",
        conflicts_with = "writer"
    )]
    pub subject: Option<String>,
    /// Which registered versions the consumer may receive: `latest`, `all`,
    /// or a list such as `1,3,5`.
    #[arg(
        long,
        default_value = "latest",
        value_name = "latest|all|N,N...",
        requires = "subject"
    )]
    pub versions: VersionSelection,
    /// Offline: the producer's schemas, in files, instead of `--subject`.
    #[arg(long, num_args = 1.., value_name = "FILE")]
    pub writer: Vec<PathBuf>,
    /// Strictness policy: `strict` or `lenient`. Default: the subject's
    /// policy in the registry with `--subject`, else strict.
    #[arg(long, value_parser = parse_policy)]
    pub policy: Option<Policy>,
    /// How to read the files.
    #[command(flatten)]
    pub input: InputArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub output: OutputFormat,
    /// The registry (with `--subject`).
    #[command(flatten)]
    pub registry: RegistryArgs,
    /// Print only the breaking changes: no compatible changes, no summary.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

/// Which versions of a subject `expect` reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VersionSelection {
    /// The latest live version.
    Latest,
    /// Every live version.
    All,
    /// These versions.
    List(Vec<i32>),
}

impl std::str::FromStr for VersionSelection {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "latest" => return Ok(VersionSelection::Latest),
            "all" => return Ok(VersionSelection::All),
            _ => {}
        }
        let list = s
            .split(',')
            .map(|v| v.trim().parse::<i32>().ok().filter(|v| *v > 0))
            .collect::<Option<Vec<i32>>>()
            .ok_or_else(|| {
                format!("`{s}`: expected latest, all, or version numbers such as 1,3,5")
            })?;
        Ok(VersionSelection::List(list))
    }
}

/// `charter register FILE --subject S`.
#[derive(Debug, Args)]
pub struct RegisterArgs {
    /// The schema to register.
    pub schema: PathBuf,
    /// The subject to register it under.
    #[arg(long, value_name = "SUBJECT")]
    pub subject: String,
    /// Schema format; by default from the extension (.json, .avsc, .proto).
    #[arg(long = "type", value_parser = parse_type, value_name = "JSON|AVRO|PROTOBUF")]
    pub schema_type: Option<SchemaType>,
    /// A registered schema this one references, as NAME=SUBJECT:VERSION
    /// (NAME as the schema writes it, e.g. its `$ref`).
    #[arg(long = "reference", value_name = "NAME=SUBJECT:VERSION")]
    pub references: Vec<SchemaReference>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DataFormat::Text)]
    pub output: DataFormat,
    /// The registry.
    #[command(flatten)]
    pub registry: RegistryArgs,
}

/// `charter push contracts.toml`.
#[derive(Debug, Args)]
pub struct PushArgs {
    /// The manifest mapping schema files to subjects.
    #[arg(value_name = "MANIFEST")]
    pub manifest: PathBuf,
    /// Check and report what would be done; change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DataFormat::Text)]
    pub output: DataFormat,
    /// The registry.
    #[command(flatten)]
    pub registry: RegistryArgs,
}

/// `charter get (--subject S [--version V] | --id ID)`.
#[derive(Debug, Args)]
pub struct GetArgs {
    /// The subject.
    #[arg(
        long,
        value_name = "SUBJECT",
        required_unless_present = "id",
        conflicts_with = "id"
    )]
    pub subject: Option<String>,
    /// The version: a number or `latest`.
    #[arg(
        long,
        default_value = "latest",
        value_name = "N|latest",
        requires = "subject"
    )]
    pub version: VersionRef,
    /// A global schema id instead of a subject version.
    #[arg(long, value_name = "ID")]
    pub id: Option<i64>,
    /// `text`: the schema text alone; `json`: the registry's record with
    /// subject, version, id, type and references.
    #[arg(long, value_enum, default_value_t = DataFormat::Text)]
    pub output: DataFormat,
    /// The registry.
    #[command(flatten)]
    pub registry: RegistryArgs,
}

/// `charter subjects`.
#[derive(Debug, Args)]
pub struct SubjectsArgs {
    /// Only subjects starting with this.
    #[arg(long, value_name = "PREFIX")]
    pub prefix: Option<String>,
    /// Include soft-deleted subjects.
    #[arg(long)]
    pub deleted: bool,
    /// Output format: one subject per line, or a JSON array.
    #[arg(long, value_enum, default_value_t = DataFormat::Text)]
    pub output: DataFormat,
    /// The registry.
    #[command(flatten)]
    pub registry: RegistryArgs,
}

/// `charter versions --subject S`.
#[derive(Debug, Args)]
pub struct VersionsArgs {
    /// The subject.
    #[arg(long, value_name = "SUBJECT")]
    pub subject: String,
    /// Output format: one version per line, or a JSON array.
    #[arg(long, value_enum, default_value_t = DataFormat::Text)]
    pub output: DataFormat,
    /// The registry.
    #[command(flatten)]
    pub registry: RegistryArgs,
}

/// Output formats of the commands that read or write the registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DataFormat {
    /// For people (and for redirecting a schema to a file).
    Text,
    /// One JSON value.
    Json,
}

/// Report formats of the checking commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// For people: one line per change or invalid record, then a summary.
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
        .map_err(|e: schemas::vocabulary::UnknownMode| e.to_string())
}

fn parse_policy(s: &str) -> Result<Policy, String> {
    s.parse()
        .map_err(|e: schemas::vocabulary::UnknownPolicy| e.to_string())
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
