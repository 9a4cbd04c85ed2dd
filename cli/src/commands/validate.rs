//! `charter validate PAYLOAD... (--schema FILE | --subject S [--version N])`:
//! every record of every payload against one schema (JSON Schema, Avro or
//! Protobuf), from a file or from the registry; with `--binary`, one
//! serialized record per file.

use std::io::{BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result, bail};

use crate::args::{OutputFormat, PayloadFormat, ValidateArgs};
use crate::client::Client;
use crate::exit::Exit;
use crate::input;
use crate::render;
use crate::validate::{self, Layout, Options, Origin, Payload, Progress, Sink, Validator};

/// The settings of a run, resolved from the arguments and checked before
/// anything is read.
#[derive(Debug)]
pub struct ValidateSettings {
    /// The payload inputs, in order.
    pub payloads: Vec<Payload>,
    /// How to run.
    pub options: Options,
    /// Report format.
    pub output: OutputFormat,
    /// Only the invalid records.
    pub quiet: bool,
}

impl ValidateSettings {
    /// Resolves `args`: each payload's layout, and that each file exists.
    pub fn resolve(args: &ValidateArgs) -> Result<ValidateSettings> {
        let stdin_count = args.payloads.iter().filter(|p| is_stdin(p)).count();
        if stdin_count > 1 {
            bail!("`-` (stdin) can be given only once");
        }
        let mut payloads = Vec::new();
        for path in &args.payloads {
            if args.binary {
                binary_payloads(path, &mut payloads)?;
            } else {
                payloads.push(payload(path, args.format, args.array)?);
            }
        }
        let jobs = match args.jobs {
            Some(jobs) => usize::from(jobs),
            None => std::thread::available_parallelism().map_or(1, usize::from),
        };
        Ok(ValidateSettings {
            payloads,
            options: Options {
                jobs,
                max_invalid: args.max_errors,
            },
            output: args.output,
            quiet: args.quiet,
        })
    }
}

/// Runs `charter validate`.
pub fn run(args: ValidateArgs) -> Result<Exit> {
    let settings = ValidateSettings::resolve(&args)?;
    let message = args.message.as_deref();
    let validator = match (&args.schema, &args.subject) {
        (Some(path), _) => {
            let schema = input::load(path, &args.input)?;
            Validator::new(Arc::new(schema), message).with_context(|| path.display().to_string())?
        }
        (None, Some(subject)) => {
            let client = Client::from_args(&args.registry)?;
            let fetched = super::subject::fetch(&client, subject, &[args.version])?
                .pop()
                .context("the registry answered no version")?;
            let label = fetched.label();
            Validator::new(Arc::new(fetched.schema), message)
                .with_context(|| label.clone())?
                .registered(fetched.record.id, label)
        }
        (None, None) => bail!("give the schema with --schema FILE or --subject S"),
    };
    validate_with(Arc::new(validator), &settings)
}

/// Validates the payloads of `settings` with `validator`, whatever the
/// schema came from, and reports to stdout.
pub fn validate_with(validator: Arc<Validator>, settings: &ValidateSettings) -> Result<Exit> {
    let stdout = BufWriter::new(anstream::stdout().lock());
    let mut sink: Box<dyn Sink> = match settings.output {
        OutputFormat::Text => Box::new(render::text::Validation::new(stdout, settings.quiet)),
        OutputFormat::Json => Box::new(render::json::Validation::new(stdout)),
        OutputFormat::Github => Box::new(render::github::Validation::new(stdout, settings.quiet)),
        OutputFormat::Junit => Box::new(render::junit::Validation::new(stdout)),
    };
    let stderr = std::io::stderr();
    let shares_terminal = std::io::stdout().is_terminal();
    let mut progress = (!settings.quiet && stderr.is_terminal())
        .then(|| Progress::new(Box::new(stderr) as Box<dyn Write>, shares_terminal));
    let summary = validate::run(
        validator,
        &settings.payloads,
        settings.options,
        sink.as_mut(),
        progress.as_mut(),
    )?;
    Ok(Exit::from_ok(summary.tally.invalid == 0))
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
