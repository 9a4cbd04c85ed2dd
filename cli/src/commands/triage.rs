//! `charter triage MESSAGE... [--subject S] [--reader FILE | --reader-version
//! N]`: for each message a consumer could not read, which schema wrote it,
//! whether it is valid against that schema, whether the consumer's reader
//! can read it and why not; then the summary by verdict, schema id and
//! cause. The registry calls live here; reading and judging is
//! [`crate::triage`].

use std::io::BufWriter;
use std::sync::Arc;

use anyhow::{Context, Result, anyhow};
use schemas::Schema;
use schemas::payload::{DecodeLimits, PayloadValidator, PrepareError};
use schemas::triage::{self, Candidate, Reader, SubjectVersion, Triage, Writer};

use super::subject;
use crate::client::{Client, code};
use crate::exit::Exit;
use crate::input;
use crate::render;
use crate::settings::{ReaderSettings, ReaderSource, TriageSettings};
use crate::triage::{Sink, Writers};
use crate::values::{DataFormat, VersionRef};

/// Runs `charter triage`.
pub fn run(settings: TriageSettings) -> Result<Exit> {
    let decode = settings.options.decode;
    let client = Arc::new(Client::new(settings.client)?);
    let reader = settings
        .reader
        .map(|reader| read_with(&client, reader, decode))
        .transpose()?;
    let candidates = candidates(
        &client,
        settings.subject.as_deref(),
        settings.all_subjects,
        decode,
    )?;
    let triage = Arc::new(Triage::new(triage::Context {
        reader,
        subject: settings.subject,
        candidates,
    }));
    let fetching = client.clone();
    let finding = client.clone();
    let writers = Arc::new(Writers::new(
        Box::new(move |id| writer(&fetching, id, decode)),
        Box::new(move |guid| {
            let id = finding.schema_id_of_guid(&schemas::wire::guid_text(guid))?;
            // An id outside the wire format's 4 bytes cannot be a writer's.
            Ok(id.and_then(|id| u32::try_from(id).ok()))
        }),
    ));
    let stdout = BufWriter::new(anstream::stdout().lock());
    let mut sink: Box<dyn Sink> = match settings.output {
        DataFormat::Text => Box::new(render::triage::Text::new(stdout)),
        DataFormat::Json => Box::new(render::triage::Json::new(stdout)),
    };
    let summary = crate::triage::run(
        triage,
        writers,
        &settings.inputs,
        settings.options,
        sink.as_mut(),
    )?;
    Ok(Exit::from_ok(summary.all_good()))
}

/// Prepares a schema for payloads, saying which one could not be.
fn prepare(
    schema: Schema,
    message: Option<&str>,
    what: &str,
    decode: DecodeLimits,
) -> Result<Arc<PayloadValidator>> {
    let validator = PayloadValidator::new(Arc::new(schema), message)
        .map(|v| v.with_limits(decode))
        .map_err(|e| anyhow!(e))
        .with_context(|| what.to_string())?;
    Ok(Arc::new(validator))
}

/// The consumer's reader: a file, or a registered version of `--subject`.
fn read_with(client: &Client, reader: ReaderSettings, decode: DecodeLimits) -> Result<Reader> {
    let message = reader.message.as_deref();
    match reader.source {
        ReaderSource::File { path, input } => {
            let label = path.display().to_string();
            let schema = input::load(&path, &input)?;
            Ok(Reader {
                validator: prepare(schema, message, &label, decode)?,
                label,
                subject_version: None,
            })
        }
        ReaderSource::Registered { subject, version } => {
            let fetched = subject::fetch(client, &subject, &[version])?
                .pop()
                .context("the registry answered no version")?;
            let at = SubjectVersion {
                subject,
                version: fetched.record.version,
                deleted: false,
            };
            Ok(Reader {
                label: at.to_string(),
                validator: prepare(fetched.schema, message, &at.to_string(), decode)?,
                subject_version: Some(at),
            })
        }
    }
}

/// What unframed messages are matched against: every version of
/// `--subject`, or of every subject with `--all-subjects`, newest first.
fn candidates(
    client: &Client,
    subject: Option<&str>,
    all: bool,
    decode: DecodeLimits,
) -> Result<Vec<Candidate>> {
    let subjects = if all {
        client.subjects(None, false)?
    } else {
        subject.iter().map(|s| s.to_string()).collect()
    };
    let mut candidates = Vec::new();
    for name in subjects {
        let versions: Vec<VersionRef> = client
            .versions_or_none(&name)?
            .into_iter()
            .rev()
            .map(VersionRef::Number)
            .collect();
        for fetched in subject::fetch(client, &name, &versions)? {
            let label = fetched.label();
            let validator = match PayloadValidator::new(Arc::new(fetched.schema), None) {
                Ok(validator) => Arc::new(validator.with_limits(decode)),
                // A Protobuf file of enums only, imported by others: no payloads.
                Err(PrepareError::NoMessage) => continue,
                Err(e) => return Err(anyhow!(e).context(label)),
            };
            candidates.push(Candidate {
                subject: name.clone(),
                version: fetched.record.version,
                schema_id: schema_id(fetched.record.id, client)?,
                validator,
            });
        }
    }
    Ok(candidates)
}

fn schema_id(id: i64, client: &Client) -> Result<u32> {
    u32::try_from(id).map_err(|_| {
        anyhow!(crate::exit::RegistryFailure(format!(
            "registry {} answered schema id {id}, which does not fit the 4 bytes of the wire format",
            client.url()
        )))
    })
}

/// The writer schema with id `id` and where it is registered (deleted
/// versions marked); `None` when the registry has no such id.
fn writer(client: &Client, id: u32, decode: DecodeLimits) -> Result<Option<Writer>> {
    let found = match client.schema_by_id(i64::from(id)) {
        Err(e) if e.is_not_found(&[code::SCHEMA_NOT_FOUND]) => return Ok(None),
        other => other?,
    };
    let resolver = client.resolver(&found.references)?;
    let schema = Schema::parse(found.schema_type, &found.schema, &resolver).with_context(|| {
        format!(
            "registry {}: Charter cannot read schema id {id}",
            client.url()
        )
    })?;
    let validator = PayloadValidator::new(Arc::new(schema), None)
        .map(|v| v.with_limits(decode))
        .map_err(|e| anyhow!(e))
        .with_context(|| format!("registry {}: schema id {id}", client.url()))?;
    let live = match client.schema_versions(i64::from(id), false) {
        Err(e) if e.is_not_found(&[code::SCHEMA_NOT_FOUND]) => Vec::new(),
        other => other?,
    };
    let subject_versions = client
        .schema_versions(i64::from(id), true)?
        .into_iter()
        .map(|(subject, version)| SubjectVersion {
            deleted: !live.iter().any(|(s, v)| *s == subject && *v == version),
            subject,
            version,
        })
        .collect();
    Ok(Some(Writer {
        schema_id: id,
        validator: Arc::new(validator),
        subject_versions,
    }))
}
