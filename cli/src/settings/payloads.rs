//! The settings of the commands that read payloads: `validate` (every
//! payload's layout told, every file there) and `triage` (every message
//! input listed).

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use schemas::triage::decode_base64;
use schemas::wire;

use super::{Error, Report, input, jobs, registry};
use crate::args::{TriageArgs, ValidateArgs};
use crate::client::ClientSettings;
use crate::input::InputSettings;
use crate::triage;
use crate::validate::{self, Layout, Origin, Payload};
use crate::values::{DataFormat, PayloadFormat, VersionRef};

/// `charter validate PAYLOAD... (--schema FILE | --subject S [--version N])`.
#[derive(Debug)]
pub struct ValidateSettings {
    /// Where the schema comes from.
    pub schema: SchemaSource,
    /// The Protobuf message records are, when `--message` names one.
    pub message: Option<String>,
    /// With `--schema-id-header`: the header that frames every binary
    /// record, its schema and the bytes after it (Protobuf message indexes).
    pub header: Option<(wire::HeaderSchema, Vec<u8>)>,
    /// The payload inputs, in order.
    pub payloads: Vec<Payload>,
    /// How to run.
    pub options: validate::Options,
    /// How the run is reported (`quiet`: only the invalid records).
    pub report: Report,
}

/// Where `validate` takes its schema from.
#[derive(Debug)]
pub enum SchemaSource {
    /// A file.
    File {
        /// The file.
        path: PathBuf,
        /// How it is read.
        input: InputSettings,
    },
    /// A registered version.
    Registered {
        /// The subject.
        subject: String,
        /// The version.
        version: VersionRef,
        /// The registry.
        client: ClientSettings,
    },
}

impl ValidateSettings {
    /// Resolves `args`: each payload's layout, and that each file exists,
    /// before anything is read.
    pub(super) fn resolve(args: ValidateArgs) -> Result<ValidateSettings> {
        let stdin_count = args.payloads.iter().filter(|p| is_stdin(p)).count();
        if stdin_count > 1 {
            return Err(Error::StdinTwice.into());
        }
        let mut payloads = Vec::new();
        for path in &args.payloads {
            if args.binary {
                binary_payloads(path, &mut payloads)?;
            } else {
                payloads.push(payload(path, args.format, args.array)?);
            }
        }
        let schema = match (args.schema, args.registered.subject.subject) {
            (Some(path), _) => SchemaSource::File {
                path,
                input: input(args.input)?,
            },
            (None, Some(subject)) => SchemaSource::Registered {
                subject,
                version: args.registered.version,
                client: registry::client(args.registry)?,
            },
            (None, None) => bail!("give the schema with --schema FILE or --subject S"),
        };
        let header = args
            .schema_id_header
            .as_deref()
            .map(schema_id_header)
            .transpose()?;
        Ok(ValidateSettings {
            schema,
            message: args.message,
            header,
            payloads,
            options: validate::Options {
                jobs: jobs(args.jobs),
                max_invalid: args.max_errors,
                decode: args.decode.limits(),
            },
            report: args.report.into(),
        })
    }
}

/// Reads `--schema-id-header`: base64, then the header's schema and what
/// follows it.
fn schema_id_header(encoded: &str) -> Result<(wire::HeaderSchema, Vec<u8>)> {
    let bytes = decode_base64(encoded).with_context(|| {
        format!("--schema-id-header {encoded:?}: not base64 (give the header's value as Kafka tools print it, e.g. AAAAAAc= for schema id 7)")
    })?;
    let (schema, rest) = wire::HeaderSchema::parse(&bytes).map_err(|e| {
        anyhow::anyhow!(
            "--schema-id-header {encoded:?}: not a schema-id header ({e}); it is magic byte 0 and a 4-byte schema id, or magic byte 1 and a 16-byte schema GUID"
        )
    })?;
    Ok((schema, rest.to_vec()))
}

fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// A payload input: where from, and how its records are laid out.
fn payload(path: &Path, format: Option<PayloadFormat>, array: bool) -> Result<Payload> {
    let json_layout = if array {
        Layout::Array
    } else {
        Layout::Document
    };
    if is_stdin(path) {
        let layout = match format {
            Some(PayloadFormat::Json) => json_layout,
            Some(PayloadFormat::Ndjson) | None => Layout::Lines,
        };
        return Ok(Payload {
            origin: Origin::Stdin,
            layout,
        });
    }
    let display = path.display();
    let metadata = std::fs::metadata(path).with_context(|| format!("{display}: cannot read"))?;
    if metadata.is_dir() {
        bail!("{display}: is a directory, not a payload file");
    }
    let layout = match format {
        Some(PayloadFormat::Json) => json_layout,
        Some(PayloadFormat::Ndjson) => Layout::Lines,
        None => match extension(path).as_deref() {
            Some("json") => json_layout,
            Some("ndjson" | "jsonl") => Layout::Lines,
            _ => bail!(
                "{display}: cannot tell the payload format from the file name; pass --format ndjson or --format json"
            ),
        },
    };
    Ok(Payload {
        origin: Origin::File(PathBuf::from(path)),
        layout,
    })
}

/// `--binary` inputs: a file (or stdin) is one record; a directory is every
/// regular file in it, sorted by name.
fn binary_payloads(path: &Path, out: &mut Vec<Payload>) -> Result<()> {
    let binary = |origin| Payload {
        origin,
        layout: Layout::Binary,
    };
    if is_stdin(path) {
        out.push(binary(Origin::Stdin));
        return Ok(());
    }
    let display = path.display();
    let metadata = std::fs::metadata(path).with_context(|| format!("{display}: cannot read"))?;
    if !metadata.is_dir() {
        out.push(binary(Origin::File(PathBuf::from(path))));
        return Ok(());
    }
    let mut files = Vec::new();
    for entry in std::fs::read_dir(path).with_context(|| format!("{display}: cannot read"))? {
        let entry = entry.with_context(|| format!("{display}: cannot read"))?;
        let file = entry.path();
        if std::fs::metadata(&file).is_ok_and(|m| m.is_file()) {
            files.push(file);
        }
    }
    if files.is_empty() {
        bail!("{display}: no files in this directory");
    }
    files.sort();
    out.extend(files.into_iter().map(|file| binary(Origin::File(file))));
    Ok(())
}

fn extension(path: &Path) -> Option<String> {
    path.extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
}

/// `charter triage MESSAGE... [--subject S] [--reader FILE | --reader-version N]`.
#[derive(Debug)]
pub struct TriageSettings {
    /// The message inputs, in order (directories listed).
    pub inputs: Vec<triage::Input>,
    /// The consumer's subject.
    pub subject: Option<String>,
    /// Unframed messages are matched against every subject.
    pub all_subjects: bool,
    /// The consumer's reader, when given.
    pub reader: Option<ReaderSettings>,
    /// How to run.
    pub options: triage::Options,
    /// Output format.
    pub output: DataFormat,
    /// The registry writer schemas are fetched from.
    pub client: ClientSettings,
}

/// The schema the consumer reads with.
#[derive(Debug)]
pub struct ReaderSettings {
    /// Where it comes from.
    pub source: ReaderSource,
    /// The Protobuf message it reads, when `--message` names one.
    pub message: Option<String>,
}

/// Where the reader comes from.
#[derive(Debug)]
pub enum ReaderSource {
    /// A file (`--reader`).
    File {
        /// The file.
        path: PathBuf,
        /// How it is read.
        input: InputSettings,
    },
    /// A registered version of the subject (`--reader-version`).
    Registered {
        /// The subject.
        subject: String,
        /// The version.
        version: VersionRef,
    },
}

impl TriageSettings {
    pub(super) fn resolve(args: TriageArgs) -> Result<TriageSettings> {
        let inputs = triage::inputs(&args.messages)?;
        let subject = args.subject.subject;
        let source = match (args.reader, args.reader_version, &subject) {
            (Some(path), _, _) => Some(ReaderSource::File {
                path,
                input: input(args.input)?,
            }),
            (None, Some(version), Some(subject)) => Some(ReaderSource::Registered {
                subject: subject.clone(),
                version,
            }),
            _ => None,
        };
        let reader = match (source, args.message) {
            (Some(source), message) => Some(ReaderSettings { source, message }),
            (None, Some(_)) => return Err(Error::MessageWithoutReader.into()),
            (None, None) => None,
        };
        Ok(TriageSettings {
            client: registry::client(args.registry)?,
            inputs,
            subject,
            all_subjects: args.all_subjects,
            reader,
            options: triage::Options {
                jobs: jobs(args.jobs),
                decode: args.decode.limits(),
            },
            output: args.output.output,
        })
    }
}
