//! Command-line definitions (clap), and nothing else: what each command
//! accepts, as the user typed it (`*Args`). [`crate::settings`] resolves
//! them, with the environment, into the typed settings the commands run
//! with; the values flags take are typed in [`crate::values`].
//!
//! - `shared.rs`: flag groups several commands flatten (`--subject`,
//!   `--version`, `--output`, `--quiet`, `--policy`, `--jobs`, how schema
//!   files are read, where the registry is).
//! - `values.rs`: how the value types are listed and parsed.
//! - `help.rs`: the long help texts.

pub mod help;
mod shared;
mod values;

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
pub use shared::{
    ContractArgs, DataOutputArgs, DecodeArgs, EnvironmentArgs, InputArgs, JobsArgs, JudgeArgs,
    PolicyArgs, RegisteredArgs, RegistryArgs, RegistryJudgeArgs, ReportArgs, SubjectArgs, TypeArgs,
};

use crate::exit::EXIT_CODES_HELP;
use crate::values::{OutputFormat, PayloadFormat, SchemaReference, VersionRef, VersionSelection};

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
    #[command(after_help = EXIT_CODES_HELP, long_about = help::PUSH_ABOUT)]
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
    /// Show a Charter registry's audit trail (who changed what, when, from
    /// where, and refusals), newest first.
    #[command(after_help = EXIT_CODES_HELP)]
    Audit(AuditArgs),
    /// Triage messages a consumer could not read: which schema wrote each,
    /// whether it is valid, and why the consumer cannot read it.
    #[command(long_about = help::TRIAGE_ABOUT)]
    Triage(TriageArgs),
    /// Copy a registry into a Charter registry, ids and versions kept.
    #[command(long_about = help::COPY_ABOUT, after_help = EXIT_CODES_HELP)]
    Copy(CopyArgs),
    /// Record, list or forget the reader schema a consumer runs with (Charter's
    /// registry only).
    #[command(subcommand)]
    Consumer(ConsumerCommand),
    /// Record that a producer version runs in an environment (run by the
    /// producer's deploy pipeline after it ships; Charter's registry only).
    #[command(after_help = EXIT_CODES_HELP)]
    Deployed(DeployedArgs),
    /// Can I deploy? A producer's schema against every consumer recorded in
    /// an environment, or a consumer's reader against every version deployed
    /// there (Charter's registry only).
    #[command(after_help = EXIT_CODES_HELP, long_about = help::CAN_I_DEPLOY_ABOUT)]
    CanIDeploy(CanIDeployArgs),
}

/// `charter consumer record|list|forget`.
#[derive(Debug, Subcommand)]
pub enum ConsumerCommand {
    /// Record the reader schema a consumer runs with for a subject in an
    /// environment (replacing the one recorded before).
    #[command(after_help = EXIT_CODES_HELP)]
    Record(ConsumerRecordArgs),
    /// List recorded consumers and their readers.
    #[command(after_help = EXIT_CODES_HELP)]
    List(ConsumerListArgs),
    /// Forget a consumer's reader of a subject in an environment: it no
    /// longer constrains the producer.
    #[command(after_help = EXIT_CODES_HELP)]
    Forget(ConsumerForgetArgs),
}

/// `--reader FILE | --reader-version N`: the reader a consumer runs with.
#[derive(Debug, Args, Clone)]
pub struct ReaderArgs {
    /// The schema the consumer reads with (.json, .avsc or .proto; see --type).
    #[arg(
        long,
        value_name = "FILE",
        required_unless_present = "reader_version",
        conflicts_with = "reader_version"
    )]
    pub reader: Option<PathBuf>,
    /// Or: the consumer reads with this registered version of --subject.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(i32).range(1..))]
    pub reader_version: Option<i32>,
    /// The consumer's own application version (e.g. 1.4.2), recorded with
    /// its reader and shown in verdicts.
    #[arg(long, value_name = "VERSION")]
    pub consumer_version: Option<String>,
}

/// `charter consumer record --consumer C --subject S (--reader FILE | --reader-version N)`.
#[derive(Debug, Args)]
pub struct ConsumerRecordArgs {
    /// The consumer (an application name: A-Z, a-z, 0-9, `.`, `_`, `-`).
    #[arg(long, value_name = "NAME")]
    pub consumer: String,
    /// The subject it reads.
    #[arg(long, value_name = "SUBJECT")]
    pub subject: String,
    /// The reader.
    #[command(flatten)]
    pub reader: ReaderArgs,
    /// The environment.
    #[command(flatten)]
    pub environment: EnvironmentArgs,
    /// The reader file's format.
    #[command(flatten)]
    pub schema_type: TypeArgs,
    /// A registered schema the reader references, as NAME=SUBJECT:VERSION.
    #[arg(long = "reference", value_name = "NAME=SUBJECT:VERSION")]
    pub references: Vec<SchemaReference>,
    /// Output format.
    #[command(flatten)]
    pub output: DataOutputArgs,
    /// The registry.
    #[command(flatten)]
    pub registry: RegistryArgs,
}

/// `charter consumer list [--consumer C | --subject S]`.
#[derive(Debug, Args)]
pub struct ConsumerListArgs {
    /// Only this consumer's readers.
    #[arg(long, value_name = "NAME", conflicts_with = "subject")]
    pub consumer: Option<String>,
    /// Only the readers of this subject.
    #[arg(long, value_name = "SUBJECT")]
    pub subject: Option<String>,
    /// Only readers in this environment (with --subject).
    #[arg(long, value_name = "NAME", requires = "subject")]
    pub environment: Option<String>,
    /// Output format.
    #[command(flatten)]
    pub output: DataOutputArgs,
    /// The registry.
    #[command(flatten)]
    pub registry: RegistryArgs,
}

/// `charter consumer forget --consumer C --subject S [--environment E]`.
#[derive(Debug, Args)]
pub struct ConsumerForgetArgs {
    /// The consumer.
    #[arg(long, value_name = "NAME")]
    pub consumer: String,
    /// The subject it no longer reads.
    #[arg(long, value_name = "SUBJECT")]
    pub subject: String,
    /// The environment.
    #[command(flatten)]
    pub environment: EnvironmentArgs,
    /// The registry.
    #[command(flatten)]
    pub registry: RegistryArgs,
}

/// `charter deployed --subject S --version N [--environment E]`.
#[derive(Debug, Args)]
pub struct DeployedArgs {
    /// The subject the producer writes.
    #[arg(long, value_name = "SUBJECT")]
    pub subject: String,
    /// The version it now writes with.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(i32).range(1..))]
    pub version: i32,
    /// The environment.
    #[command(flatten)]
    pub environment: EnvironmentArgs,
    /// The registry.
    #[command(flatten)]
    pub registry: RegistryArgs,
}

/// `charter can-i-deploy --subject S (--schema FILE | --consumer C (--reader FILE | --reader-version N))`.
#[derive(Debug, Args)]
#[command(mut_arg("reader", |a| a.required_unless_present_any(["reader_version", "schema"])))]
pub struct CanIDeployArgs {
    /// The subject.
    #[arg(long, value_name = "SUBJECT")]
    pub subject: String,
    /// A producer's question: the schema it would write with.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["consumer", "reader", "reader_version"])]
    pub schema: Option<PathBuf>,
    /// A consumer's question: the consumer, with --reader or --reader-version.
    #[arg(long, value_name = "NAME", required_unless_present = "schema")]
    pub consumer: Option<String>,
    /// The consumer's reader.
    #[command(flatten)]
    pub reader: ReaderArgs,
    /// The environment.
    #[command(flatten)]
    pub environment: EnvironmentArgs,
    /// The schema file's format.
    #[command(flatten)]
    pub schema_type: TypeArgs,
    /// A registered schema the file references, as NAME=SUBJECT:VERSION.
    #[arg(long = "reference", value_name = "NAME=SUBJECT:VERSION")]
    pub references: Vec<SchemaReference>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub output: OutputFormat,
    /// The registry.
    #[command(flatten)]
    pub registry: RegistryArgs,
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
    /// How to report.
    #[command(flatten)]
    pub report: ReportArgs,
}

/// `charter check NEW (--subject S | --against OLD... | both)`.
#[derive(Debug, Args)]
#[command(mut_arg("subject", |a| a.help(
    "The subject the schema would be registered under: its versions are fetched from the \
     registry, which is also asked for its own verdict. A subject without versions accepts any \
     first schema"
)))]
pub struct CheckArgs {
    /// The candidate schema.
    pub schema: PathBuf,
    /// Earlier versions kept in files, oldest first. With `--subject` they
    /// count as newer than every registered version.
    #[arg(long, num_args = 1.., required_unless_present = "subject", value_name = "OLD")]
    pub against: Vec<PathBuf>,
    /// The subject.
    #[command(flatten)]
    pub subject: SubjectArgs,
    /// A registered schema the candidate references, as
    /// NAME=SUBJECT:VERSION (sent with the candidate, and fetched to read it).
    #[arg(
        long = "registry-reference",
        value_name = "NAME=SUBJECT:VERSION",
        requires = "subject"
    )]
    pub registry_references: Vec<SchemaReference>,
    /// The candidate's data contract (with `--subject`): sent with it, and
    /// its changes from the latest version listed (never a break).
    #[command(flatten)]
    pub contract: ContractArgs,
    /// How to judge.
    #[command(flatten)]
    pub judge: RegistryJudgeArgs,
    /// How to read the files.
    #[command(flatten)]
    pub input: InputArgs,
    /// How to report.
    #[command(flatten)]
    pub report: ReportArgs,
    /// The registry (with `--subject`).
    #[command(flatten)]
    pub registry: RegistryArgs,
}

/// `charter validate PAYLOAD... --schema FILE`.
#[derive(Debug, Args)]
#[command(
    mut_arg("subject", |a| a.help(
        "Validate against a subject's registered schema instead of a file"
    )),
    mut_arg("quiet", |a| a.help(
        "Print only the invalid records: no summary, no notes, no progress"
    )),
)]
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
    /// Or a registered version.
    #[command(flatten)]
    pub registered: RegisteredArgs,
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
    /// With `--binary`, for records written with Confluent's header framing:
    /// the value of their `__value_schema_id` (or `__key_schema_id`) Kafka
    /// header, base64 as Kafka tools print it. Each PAYLOAD file is then an
    /// unframed payload, read as the header says: magic byte 0 and a schema
    /// id, or magic byte 1 and a schema GUID, then for Protobuf the message
    /// indexes.
    #[arg(long, value_name = "BASE64", requires = "binary")]
    pub schema_id_header: Option<String>,
    /// The Protobuf message records are: a full name or one relative to the
    /// package. Default: the first top-level message (framed binary records
    /// name theirs).
    #[arg(long, value_name = "NAME")]
    pub message: Option<String>,
    /// Stop after this many invalid records (each is reported with all its
    /// errors).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub max_errors: Option<u64>,
    /// The decoding limit of binary records.
    #[command(flatten)]
    pub decode: DecodeArgs,
    /// Worker threads.
    #[command(flatten)]
    pub jobs: JobsArgs,
    /// How to report.
    #[command(flatten)]
    pub report: ReportArgs,
}

/// `charter triage MESSAGE... [--subject S] [--reader FILE | --reader-version N]`.
#[derive(Debug, Args)]
#[command(
    mut_arg("subject", |a| a.help(
        "The consumer's subject: where the writer should be registered, whose versions unframed \
         messages are matched against, and where --reader-version is taken from"
    )),
    mut_arg("output", |a| a.help(
        "Output format: `text` (a block per message that is not valid, then the summary) or \
         `json` (`{\"messages\": [...], \"summary\": {...}}`)"
    )),
)]
pub struct TriageArgs {
    /// Messages: a file of raw bytes (one message, framed or not), `.ndjson`
    /// or `.jsonl` (one dead-letter record or JSON message per line), `.json`
    /// (one record or message, or an array of them), a directory (every
    /// file below it), or `-` for NDJSON on stdin.
    #[arg(required = true, value_name = "MESSAGE")]
    pub messages: Vec<PathBuf>,
    /// The consumer's subject.
    #[command(flatten)]
    pub subject: SubjectArgs,
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
    /// The decoding limit of binary records.
    #[command(flatten)]
    pub decode: DecodeArgs,
    /// Worker threads.
    #[command(flatten)]
    pub jobs: JobsArgs,
    /// Output format.
    #[command(flatten)]
    pub output: DataOutputArgs,
    /// The registry the writer schemas are fetched from.
    #[command(flatten)]
    pub registry: RegistryArgs,
}

/// `charter expect --reader FILE (--subject S | --writer FILE...)`.
#[derive(Debug, Args)]
#[command(mut_arg("subject", |a| a
    .help("The subject the producer registers under")
    .required_unless_present("writer")
    .conflicts_with("writer")))]
pub struct ExpectArgs {
    /// The schema the consumer reads with (kept in the consumer's repository).
    #[arg(long, value_name = "FILE")]
    pub reader: PathBuf,
    /// The subject the producer registers under.
    #[command(flatten)]
    pub subject: SubjectArgs,
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
    /// The policy.
    #[command(flatten)]
    pub policy: PolicyArgs,
    /// How to read the files.
    #[command(flatten)]
    pub input: InputArgs,
    /// How to report.
    #[command(flatten)]
    pub report: ReportArgs,
    /// The registry (with `--subject`).
    #[command(flatten)]
    pub registry: RegistryArgs,
}

/// `charter register FILE --subject S`.
#[derive(Debug, Args)]
pub struct RegisterArgs {
    /// The schema to register.
    pub schema: PathBuf,
    /// The subject to register it under.
    #[arg(long, value_name = "SUBJECT")]
    pub subject: String,
    /// The schema's format.
    #[command(flatten)]
    pub schema_type: TypeArgs,
    /// A registered schema this one references, as NAME=SUBJECT:VERSION
    /// (NAME as the schema writes it, e.g. its `$ref`).
    #[arg(long = "reference", value_name = "NAME=SUBJECT:VERSION")]
    pub references: Vec<SchemaReference>,
    /// Its data contract.
    #[command(flatten)]
    pub contract: ContractArgs,
    /// Output format.
    #[command(flatten)]
    pub output: DataOutputArgs,
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
    #[command(flatten)]
    pub output: DataOutputArgs,
    /// The registry.
    #[command(flatten)]
    pub registry: RegistryArgs,
}

/// `charter get (--subject S [--version V] | --id ID)`.
#[derive(Debug, Args)]
#[command(
    mut_arg("subject", |a| a
        .help("The subject")
        .required_unless_present("id")
        .conflicts_with("id")),
    mut_arg("version", |a| a.help("The version: a number or `latest`")),
    mut_arg("output", |a| a.help(
        "`text`: the schema text alone; `json`: the registry's record with subject, version, id, \
         type and references"
    )),
)]
pub struct GetArgs {
    /// The subject and version.
    #[command(flatten)]
    pub registered: RegisteredArgs,
    /// A global schema id instead of a subject version.
    #[arg(long, value_name = "ID")]
    pub id: Option<i64>,
    /// Output format.
    #[command(flatten)]
    pub output: DataOutputArgs,
    /// The registry.
    #[command(flatten)]
    pub registry: RegistryArgs,
}

/// `charter subjects`.
#[derive(Debug, Args)]
#[command(mut_arg("output", |a| a.help(
    "Output format: one subject per line, or a JSON array"
)))]
pub struct SubjectsArgs {
    /// Only subjects starting with this.
    #[arg(long, value_name = "PREFIX")]
    pub prefix: Option<String>,
    /// Include soft-deleted subjects.
    #[arg(long)]
    pub deleted: bool,
    /// Output format.
    #[command(flatten)]
    pub output: DataOutputArgs,
    /// The registry.
    #[command(flatten)]
    pub registry: RegistryArgs,
}

/// `charter versions --subject S`.
#[derive(Debug, Args)]
#[command(mut_arg("output", |a| a.help(
    "Output format: one version per line, or a JSON array"
)))]
pub struct VersionsArgs {
    /// The subject.
    #[arg(long, value_name = "SUBJECT")]
    pub subject: String,
    /// Output format.
    #[command(flatten)]
    pub output: DataOutputArgs,
    /// The registry.
    #[command(flatten)]
    pub registry: RegistryArgs,
}

/// `charter copy --from URL --to URL [--subjects PREFIX] [--dry-run]`.
#[derive(Debug, Args)]
pub struct CopyArgs {
    /// The registry to copy from (any Confluent-compatible registry).
    #[arg(long, env = "CHARTER_COPY_FROM", value_name = "URL")]
    pub from: String,
    /// The Charter registry to copy into.
    #[arg(long, env = "CHARTER_COPY_TO", value_name = "URL")]
    pub to: String,
    /// Credentials for --from: `user:password` or `Bearer TOKEN` (or in
    /// the URL).
    #[arg(
        long,
        env = "CHARTER_COPY_FROM_AUTH",
        hide_env_values = true,
        value_name = "CREDENTIALS"
    )]
    pub from_auth: Option<String>,
    /// Credentials for --to.
    #[arg(
        long,
        env = "CHARTER_COPY_TO_AUTH",
        hide_env_values = true,
        value_name = "CREDENTIALS"
    )]
    pub to_auth: Option<String>,
    /// Only subjects starting with this (and the subjects their schemas
    /// reference). Without it, the global config and mode are copied too.
    #[arg(long, value_name = "PREFIX")]
    pub subjects: Option<String>,
    /// Print what would be copied; write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Requests in flight at once, on each registry.
    #[arg(long, short = 'j', default_value_t = 8, value_name = "N",
          value_parser = clap::value_parser!(u16).range(1..=64))]
    pub jobs: u16,
    /// Seconds to wait for each answer.
    #[arg(
        long = "registry-timeout",
        env = "CHARTER_REGISTRY_TIMEOUT",
        default_value_t = 30,
        value_name = "SECONDS"
    )]
    pub timeout: u64,
    /// Retries after a connection error, a timeout, or an answer 408, 429,
    /// 500, 502, 503 or 504.
    #[arg(
        long = "registry-retries",
        env = "CHARTER_REGISTRY_RETRIES",
        default_value_t = 2,
        value_name = "N"
    )]
    pub retries: u32,
}

/// `charter audit`.
#[derive(Debug, Args)]
#[command(mut_arg("output", |a| a.help(
    "Output format: one event per line, or the registry's JSON document"
)))]
pub struct AuditArgs {
    /// Only events about this subject.
    #[arg(long, value_name = "SUBJECT")]
    pub subject: Option<String>,
    /// Only events of this principal.
    #[arg(long, value_name = "NAME")]
    pub principal: Option<String>,
    /// Only events at or after this time (RFC 3339, e.g. 2026-12-07T08:00:00Z,
    /// or milliseconds since the Unix epoch).
    #[arg(long, value_name = "TIME")]
    pub since: Option<String>,
    /// Only events at or before this time.
    #[arg(long, value_name = "TIME")]
    pub until: Option<String>,
    /// At most this many events (1 to 1000).
    #[arg(long, value_name = "N", default_value_t = 100,
          value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub limit: u32,
    /// Output format.
    #[command(flatten)]
    pub output: DataOutputArgs,
    /// The registry.
    #[command(flatten)]
    pub registry: RegistryArgs,
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
