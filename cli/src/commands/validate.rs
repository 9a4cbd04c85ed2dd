//! `charter validate PAYLOAD... (--schema FILE | --subject S [--version N])`:
//! every record of every payload against one schema (JSON Schema, Avro or
//! Protobuf), from a file or from the registry; with `--binary`, one
//! serialized record per file.

use std::io::{BufWriter, IsTerminal, Write};
use std::sync::Arc;

use anyhow::{Context, Result};
use schemas::wire::{self, HeaderSchema};

use schemas::rules::DomainRules;

use crate::client::{Client, RegisteredSchema};
use crate::exit::Exit;
use crate::input;
use crate::render;
use crate::settings::{SchemaSource, ValidateSettings};
use crate::validate::{self, Progress, Sink, Validator};
use crate::values::OutputFormat;

/// Runs `charter validate`.
pub fn run(settings: ValidateSettings) -> Result<Exit> {
    let message = settings.message.as_deref();
    let limits = settings.options.decode;
    let (validator, client) = match &settings.schema {
        SchemaSource::File { path, input } => {
            let schema = input::load(path, input)?;
            let validator = Validator::new(Arc::new(schema), message)
                .with_context(|| path.display().to_string())?
                .within(limits);
            (validator, None)
        }
        SchemaSource::Registered {
            subject,
            version,
            client,
        } => {
            let client = Client::new(client.clone())?;
            let fetched = super::subject::fetch(&client, subject, &[*version])?
                .pop()
                .context("the registry answered no version")?;
            let label = fetched.label();
            let rules = domain_rules(&fetched.record, &label, settings.report.quiet)?;
            let validator = Validator::new(Arc::new(fetched.schema), message)
                .with_context(|| label.clone())?
                .within(limits)
                .with_rules(rules)
                .registered(fetched.record.id, label);
            (validator, Some(client))
        }
    };
    let validator = match &settings.header {
        Some((schema, rest)) => {
            let id = header_schema_id(schema, client.as_ref())?;
            validator.framed_by_header(*schema, id, rest)?
        }
        None => validator,
    };
    validate_with(Arc::new(validator), &settings)
}

/// The registry id of the schema a `--schema-id-header` names: its own id,
/// or for a GUID the id the registry gives it (none without a registry, or
/// when the registry knows no such GUID).
fn header_schema_id(schema: &HeaderSchema, client: Option<&Client>) -> Result<Option<u32>> {
    match (schema, client) {
        (HeaderSchema::Id(id), _) => Ok(Some(*id)),
        (HeaderSchema::Guid(_), None) => Ok(None),
        (HeaderSchema::Guid(guid), Some(client)) => {
            let guid = wire::guid_text(guid);
            let id = client.schema_id_of_guid(&guid).with_context(|| {
                format!("looking up the schema GUID {guid} of --schema-id-header")
            })?;
            Ok(id.and_then(|id| u32::try_from(id).ok()))
        }
    }
}

/// The domain rules of a registered version, compiled before any record is
/// read (a rule that cannot be is an input error); each rule left out is
/// said on stderr unless `quiet`.
fn domain_rules(record: &RegisteredSchema, label: &str, quiet: bool) -> Result<DomainRules> {
    let (rules, metadata) = record
        .domain_rules()
        .map_err(|e| anyhow::anyhow!("{label}: {e}"))?;
    let (rules, skipped) =
        DomainRules::prepare(&rules, &metadata).with_context(|| label.to_string())?;
    if !quiet {
        let mut stderr = std::io::stderr().lock();
        for skipped in skipped {
            writeln!(stderr, "note: {label}: {skipped}")?;
        }
    }
    Ok(rules)
}

/// Validates the payloads of `settings` with `validator`, whatever the
/// schema came from, and reports to stdout.
fn validate_with(validator: Arc<Validator>, settings: &ValidateSettings) -> Result<Exit> {
    let stdout = BufWriter::new(anstream::stdout().lock());
    let quiet = settings.report.quiet;
    let mut sink: Box<dyn Sink> = match settings.report.output {
        OutputFormat::Text => Box::new(render::text::Validation::new(stdout, quiet)),
        OutputFormat::Json => Box::new(render::json::Validation::new(stdout)),
        OutputFormat::Github => Box::new(render::github::Validation::new(stdout, quiet)),
        OutputFormat::Junit => Box::new(render::junit::Validation::new(stdout)),
    };
    let stderr = std::io::stderr();
    let shares_terminal = std::io::stdout().is_terminal();
    let mut progress = (!quiet && stderr.is_terminal())
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
