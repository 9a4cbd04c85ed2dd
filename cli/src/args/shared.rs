//! Flag groups several commands share, declared once and flattened into each
//! (`#[command(flatten)]`). Where a command words a shared flag's help its
//! own way, it says so with `mut_arg` on its own struct; the flag, its type
//! and its parsing stay the ones declared here.

use std::path::PathBuf;

use clap::Args;
use schemas::{CompatibilityMode, Policy, SchemaLimits, SchemaType};

use super::values::{parse_mode, parse_policy, parse_type};
use crate::values::{DataFormat, FileReference, OutputFormat, Property, VersionRef};

/// `--subject`, where a command may take one (its help is the command's).
#[derive(Debug, Args, Clone, Default)]
pub struct SubjectArgs {
    /// The subject.
    #[arg(long, value_name = "SUBJECT")]
    pub subject: Option<String>,
}

/// `--subject S [--version N|latest]`: one registered version.
#[derive(Debug, Args, Clone)]
pub struct RegisteredArgs {
    /// The subject.
    #[command(flatten)]
    pub subject: SubjectArgs,
    /// Which registered version of `--subject`: a number or `latest`.
    #[arg(
        long,
        default_value = "latest",
        requires = "subject",
        value_name = "N|latest"
    )]
    pub version: VersionRef,
}

/// `--environment` of the consumer and deployment commands.
#[derive(Debug, Args, Clone)]
pub struct EnvironmentArgs {
    /// The environment (`prod`, `staging`, ...: A-Z, a-z, 0-9, `.`, `_`, `-`).
    #[arg(long, value_name = "NAME", default_value = "default")]
    pub environment: String,
}

/// `--output` and `--quiet` of the commands that print a report.
#[derive(Debug, Args, Clone, Copy)]
pub struct ReportArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub output: OutputFormat,
    /// Print only the breaking changes: no compatible changes, no summary.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

/// `--output` of the commands that read or write the registry.
#[derive(Debug, Args, Clone, Copy)]
pub struct DataOutputArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = DataFormat::Text)]
    pub output: DataFormat,
}

/// `--jobs` of the commands that run on every core.
#[derive(Debug, Args, Clone, Copy)]
pub struct JobsArgs {
    /// Worker threads; one per core by default.
    #[arg(long, short = 'j', value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,
}

/// `--max-decoded-bytes` of the commands that decode serialized payloads.
#[derive(Debug, Args, Clone, Copy)]
pub struct DecodeArgs {
    /// The most memory one serialized record may take once decoded, in
    /// bytes; a record over it is invalid, with the reason (Avro binary
    /// claiming millions of items that take no bytes, for one).
    #[arg(
        long,
        env = "CHARTER_MAX_DECODED_BYTES",
        default_value_t = 64 * 1024 * 1024,
        value_name = "BYTES",
        value_parser = clap::value_parser!(u64).range(1..)
    )]
    pub max_decoded_bytes: u64,
}

impl DecodeArgs {
    /// The limits the core decodes within.
    pub fn limits(self) -> schemas::payload::DecodeLimits {
        schemas::payload::DecodeLimits {
            max_decoded_bytes: usize::try_from(self.max_decoded_bytes).unwrap_or(usize::MAX),
        }
    }
}

/// `--policy` where the registry may supply the default.
#[derive(Debug, Args, Clone, Copy)]
pub struct PolicyArgs {
    /// Strictness policy: `strict`, `lenient` or `confluent` (the Confluent
    /// Schema Registry's verdicts). Default: the subject's policy in the
    /// registry with `--subject`, else strict.
    #[arg(long, value_parser = parse_policy)]
    pub policy: Option<Policy>,
}

/// How `diff` judges (no registry: the defaults are fixed).
#[derive(Debug, Args, Clone, Copy)]
pub struct JudgeArgs {
    /// Compatibility mode, in any case: BACKWARD, BACKWARD_TRANSITIVE, FORWARD,
    /// FORWARD_TRANSITIVE, FULL, FULL_TRANSITIVE or NONE.
    #[arg(long, default_value = "BACKWARD", value_parser = parse_mode)]
    pub mode: CompatibilityMode,
    /// Strictness policy: `strict` (only what the schemas guarantee),
    /// `lenient` (producers never sent undeclared properties) or `confluent`
    /// (the Confluent Schema Registry's verdicts).
    #[arg(long, default_value = "strict", value_parser = parse_policy)]
    pub policy: Policy,
}

/// How `check` judges when a registry may have a say.
#[derive(Debug, Args, Clone, Copy)]
pub struct RegistryJudgeArgs {
    /// Compatibility mode, in any case: BACKWARD, BACKWARD_TRANSITIVE, FORWARD,
    /// FORWARD_TRANSITIVE, FULL, FULL_TRANSITIVE or NONE. Default: the
    /// subject's level in the registry with `--subject`, else BACKWARD.
    #[arg(long, value_parser = parse_mode)]
    pub mode: Option<CompatibilityMode>,
    /// The policy.
    #[command(flatten)]
    pub policy: PolicyArgs,
}

/// `--type`: the format of a schema file.
#[derive(Debug, Args, Clone, Copy, Default)]
pub struct TypeArgs {
    /// Schema format; by default from the extension (.json, .avsc, .proto).
    #[arg(long = "type", value_parser = parse_type, value_name = "JSON|AVRO|PROTOBUF")]
    pub schema_type: Option<SchemaType>,
}

/// How to read schema files.
#[derive(Debug, Args, Clone, Default)]
pub struct InputArgs {
    /// The format.
    #[command(flatten)]
    pub schema_type: TypeArgs,
    /// A schema other schemas reference, as NAME=FILE (NAME as used in `$ref`).
    /// References to relative file names resolve next to the referencing file.
    #[arg(long = "reference", value_name = "NAME=FILE")]
    pub references: Vec<FileReference>,
    /// A directory `.proto` imports are looked up in, after the schema's own
    /// directory (repeatable, in order).
    #[arg(long = "proto-path", value_name = "DIR")]
    pub proto_paths: Vec<PathBuf>,
    /// The bounds schema files are parsed and checked within.
    #[command(flatten)]
    pub limits: SchemaLimitArgs,
}

/// The schema limits, as `charter-registry` has them (same flags, same
/// environment variables, same defaults): a schema file over one, or a
/// check over its work budget, is an input error (exit 2).
#[derive(Debug, Args, Clone, Copy)]
#[command(next_help_heading = "Schema limits")]
pub struct SchemaLimitArgs {
    /// Longest schema file, in bytes.
    #[arg(long, env = "CHARTER_MAX_SCHEMA_BYTES", value_name = "BYTES",
        default_value_t = SchemaLimits::default().max_schema_bytes,
        value_parser = clap::value_parser!(u64).range(1..))]
    pub max_schema_bytes: u64,
    /// Deepest nesting (JSON arrays and objects; Protobuf messages in
    /// messages), at most 128.
    #[arg(long, env = "CHARTER_MAX_SCHEMA_DEPTH", value_name = "LEVELS",
        default_value_t = SchemaLimits::default().max_depth,
        value_parser = clap::value_parser!(u64).range(1..=SchemaLimits::DEPTH_CEILING))]
    pub max_schema_depth: u64,
    /// Most symbols of one enum.
    #[arg(long, env = "CHARTER_MAX_ENUM_SYMBOLS", value_name = "N",
        default_value_t = SchemaLimits::default().max_enum_symbols,
        value_parser = clap::value_parser!(u64).range(1..))]
    pub max_enum_symbols: u64,
    /// Most fields of one record, message or `properties`.
    #[arg(long, env = "CHARTER_MAX_FIELDS", value_name = "N",
        default_value_t = SchemaLimits::default().max_fields,
        value_parser = clap::value_parser!(u64).range(1..))]
    pub max_fields: u64,
    /// Most schemas one schema references.
    #[arg(long, env = "CHARTER_MAX_REFERENCES", value_name = "N",
        default_value_t = SchemaLimits::default().max_references)]
    pub max_references: u64,
    /// Most `$ref`s resolved compiling one JSON Schema.
    #[arg(long, env = "CHARTER_MAX_REF_EXPANSIONS", value_name = "N",
        default_value_t = SchemaLimits::default().max_ref_expansions)]
    pub max_ref_expansions: u64,
    /// Work budget of one compatibility check, in type pairs compared.
    #[arg(long, env = "CHARTER_MAX_COMPAT_WORK", value_name = "STEPS",
        default_value_t = SchemaLimits::default().max_compat_work,
        value_parser = clap::value_parser!(u64).range(1..))]
    pub max_compat_work: u64,
}

impl Default for SchemaLimitArgs {
    fn default() -> Self {
        SchemaLimitArgs::from(SchemaLimits::default())
    }
}

impl From<SchemaLimits> for SchemaLimitArgs {
    fn from(limits: SchemaLimits) -> Self {
        SchemaLimitArgs {
            max_schema_bytes: limits.max_schema_bytes,
            max_schema_depth: limits.max_depth,
            max_enum_symbols: limits.max_enum_symbols,
            max_fields: limits.max_fields,
            max_references: limits.max_references,
            max_ref_expansions: limits.max_ref_expansions,
            max_compat_work: limits.max_compat_work,
        }
    }
}

impl SchemaLimitArgs {
    /// The limits the core parses and checks within.
    pub fn limits(self) -> SchemaLimits {
        SchemaLimits {
            max_schema_bytes: self.max_schema_bytes,
            max_depth: self.max_schema_depth,
            max_enum_symbols: self.max_enum_symbols,
            max_fields: self.max_fields,
            max_references: self.max_references,
            max_ref_expansions: self.max_ref_expansions,
            max_compat_work: self.max_compat_work,
        }
    }
}

/// Where the registry is and how to talk to it (environment variables
/// included); the settings step resolves it into the client's settings.
#[derive(Debug, Args, Clone)]
pub struct RegistryArgs {
    /// The registry's base URL (any Confluent-compatible registry).
    #[arg(
        long = "registry",
        env = "CHARTER_REGISTRY_URL",
        value_name = "URL",
        help_heading = "Registry"
    )]
    pub url: Option<String>,
    /// Credentials: `user:password` for basic auth (an API key and secret),
    /// `Bearer TOKEN` or a bare token for bearer auth. Prefer the environment
    /// variable: a flag shows in process listings.
    #[arg(
        long = "registry-auth",
        env = "CHARTER_REGISTRY_AUTH",
        hide_env_values = true,
        value_name = "CREDENTIALS",
        help_heading = "Registry"
    )]
    pub auth: Option<String>,
    /// Seconds to wait for each answer.
    #[arg(
        long = "registry-timeout",
        env = "CHARTER_REGISTRY_TIMEOUT",
        default_value_t = 30,
        value_name = "SECONDS",
        help_heading = "Registry"
    )]
    pub timeout: u64,
    /// Retries after a connection error, a timeout, or an answer 408, 429,
    /// 500, 502, 503 or 504 (250 ms, then doubling, between tries).
    #[arg(
        long = "registry-retries",
        env = "CHARTER_REGISTRY_RETRIES",
        default_value_t = 2,
        value_name = "N",
        help_heading = "Registry"
    )]
    pub retries: u32,
    /// The largest answer read from the registry, in bytes; a larger one
    /// is an error (exit 3) instead of filling memory.
    #[arg(
        long = "registry-max-answer-bytes",
        env = "CHARTER_REGISTRY_MAX_ANSWER_BYTES",
        default_value_t = DEFAULT_MAX_ANSWER_BYTES,
        value_name = "BYTES",
        help_heading = "Registry"
    )]
    pub max_answer_bytes: u64,
    /// Trust the registry's certificate if this CA (PEM) signed it, besides
    /// the system's roots.
    #[arg(
        long = "ca-cert",
        env = "CHARTER_CA_CERT",
        value_name = "PEM",
        help_heading = "Registry"
    )]
    pub ca_cert: Option<PathBuf>,
    /// Present this client certificate (PEM) to a registry that asks for one
    /// (mutual TLS); needs --client-key.
    #[arg(
        long = "client-cert",
        env = "CHARTER_CLIENT_CERT",
        value_name = "PEM",
        requires = "client_key",
        help_heading = "Registry"
    )]
    pub client_cert: Option<PathBuf>,
    /// The private key (PEM) of --client-cert.
    #[arg(
        long = "client-key",
        env = "CHARTER_CLIENT_KEY",
        value_name = "PEM",
        requires = "client_cert",
        help_heading = "Registry"
    )]
    pub client_key: Option<PathBuf>,
}

/// The largest registry answer read by default: 64 MiB.
const DEFAULT_MAX_ANSWER_BYTES: u64 = 64 * 1024 * 1024;

impl Default for RegistryArgs {
    /// The flags' defaults (commands that build their connection from
    /// flags of their own, such as `copy`, keep these for the rest).
    fn default() -> Self {
        RegistryArgs {
            url: None,
            auth: None,
            timeout: 30,
            retries: 2,
            max_answer_bytes: DEFAULT_MAX_ANSWER_BYTES,
            ca_cert: None,
            client_cert: None,
            client_key: None,
        }
    }
}

/// A schema's data contract (Confluent's `metadata` and `ruleSet`), sent
/// with it and part of its identity in the registry.
#[derive(Debug, Args)]
pub struct ContractArgs {
    /// The schema's metadata: a JSON file with `properties`, `tags` and
    /// `sensitive`.
    #[arg(long, value_name = "FILE")]
    pub metadata: Option<PathBuf>,
    /// A metadata property, as KEY=VALUE (repeatable; replaces the
    /// `--metadata` file's property of that key), e.g.
    /// `--property major_version=2`.
    #[arg(long = "property", value_name = "KEY=VALUE")]
    pub properties: Vec<Property>,
    /// The schema's rule set: a JSON file with `domainRules`,
    /// `migrationRules` and `encodingRules`.
    #[arg(long, value_name = "FILE")]
    pub rule_set: Option<PathBuf>,
}

impl From<ContractArgs> for crate::contract::ContractFlags {
    fn from(args: ContractArgs) -> Self {
        crate::contract::ContractFlags {
            metadata: args.metadata,
            properties: args.properties,
            rule_set: args.rule_set,
        }
    }
}
