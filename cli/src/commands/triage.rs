//! `charter triage MESSAGE... [--subject S] [--reader FILE | --reader-version
//! N]`: for each message a consumer could not read, which schema wrote it,
//! whether it is valid against that schema, whether the consumer's reader
//! can read it and why not; then the summary by verdict, schema id and
//! cause. The registry calls live here; reading and judging is
//! [`crate::triage`].

use std::io::BufWriter;
use std::sync::Arc;

use anyhow::{Context, Result, anyhow, bail};
use schemas::Schema;
use schemas::payload::{PayloadValidator, PrepareError};
use schemas::triage::{self, Candidate, Reader, SubjectVersion, Triage, Writer};

use super::subject;
use crate::args::{DataFormat, TriageArgs};
use crate::client::{Client, VersionRef, code};
use crate::exit::Exit;
use crate::input;
use crate::render;
use crate::triage::{Options, Sink, Writers};

/// `charter triage --help`: what triage does, the inputs and the verdicts.
pub const TRIAGE_ABOUT: &str = "\
Triage messages a consumer could not read (a dead-letter queue): which schema
wrote each one, whether it is valid against that schema, whether the
consumer's reader schema can read it, and why not.

Each framed message (magic byte 0, a 4-byte schema id; for Protobuf the
message indexes) is judged against the schema its id names, fetched from the
registry once per id, with the subjects and versions it is registered under
(soft-deleted ones marked). A message without framing is matched against the
registered versions of --subject (or of every subject with --all-subjects),
newest first.

Inputs: a file starting with byte 0 is one framed message; `.ndjson` and
`.jsonl` hold one message per line, as dead-letter records
({\"key\":...,\"value\":...,\"headers\":...} with base64, text or JSON values)
or bare JSON messages; a `.json` file is one record or message (an array:
one per element); any other file is one message of raw bytes; a directory is
every file below it, sorted; `-` is NDJSON on stdin. A line that is not JSON
is reported (corrupt) and the run goes on.

Verdicts: valid, producer_invalid (the producer wrote data its own schema
rejects), consumer_behind (the writer is a later compatible version: upgrade
the consumer), contract_broken (the reader cannot read the writer and it is
no compatible evolution of it: registered under mode NONE or another
subject), corrupt (too short, bad framing, does not decode), unknown_schema
(the registry has no such id), unframed_match, unframed_no_match.

Text output shows a block per message that is not valid (valid ones are
counted), then counts by verdict and by writer schema id and the top
causes. JSON output is {\"messages\": [...], \"summary\": {...}}.

Exit codes for triage: 0 every message valid (or unframed and matching a
registered version), 1 otherwise, 2 usage or input error, 3 the registry
could not be reached or answered an error.";

/// Runs `charter triage`.
pub fn run(args: TriageArgs) -> Result<Exit> {
    let inputs = crate::triage::inputs(&args.messages)?;
    if args.message.is_some() && args.reader.is_none() && args.reader_version.is_none() {
        bail!("--message names the reader's Protobuf message: give --reader or --reader-version");
    }
    let client = Arc::new(Client::from_args(&args.registry)?);
    let reader = reader(&client, &args)?;
    let candidates = candidates(&client, &args)?;
    let triage = Arc::new(Triage::new(triage::Context {
        reader,
        subject: args.subject.clone(),
        candidates,
    }));
    let fetching = client.clone();
    let writers = Arc::new(Writers::new(Box::new(move |id| writer(&fetching, id))));
    let jobs = match args.jobs {
        Some(jobs) => usize::from(jobs),
        None => std::thread::available_parallelism().map_or(1, usize::from),
    };
    let stdout = BufWriter::new(anstream::stdout().lock());
    let mut sink: Box<dyn Sink> = match args.output {
        DataFormat::Text => Box::new(render::triage::Text::new(stdout)),
        DataFormat::Json => Box::new(render::triage::Json::new(stdout)),
    };
    let summary = crate::triage::run(triage, writers, &inputs, Options { jobs }, sink.as_mut())?;
    Ok(Exit::from_ok(summary.all_good()))
}

/// Prepares a schema for payloads, saying which one could not be.
fn prepare(schema: Schema, message: Option<&str>, what: &str) -> Result<Arc<PayloadValidator>> {
    let validator = PayloadValidator::new(Arc::new(schema), message)
        .map_err(|e| anyhow!(e))
        .with_context(|| what.to_string())?;
    Ok(Arc::new(validator))
}

/// The consumer's reader: a file, or a registered version of `--subject`.
fn reader(client: &Client, args: &TriageArgs) -> Result<Option<Reader>> {
    let message = args.message.as_deref();
    if let Some(path) = &args.reader {
        let label = path.display().to_string();
        let schema = input::load(path, &args.input)?;
        return Ok(Some(Reader {
            validator: prepare(schema, message, &label)?,
            label,
            subject_version: None,
        }));
    }
    let (Some(version), Some(name)) = (args.reader_version, &args.subject) else {
        return Ok(None);
    };
    let fetched = subject::fetch(client, name, &[version])?
        .pop()
        .context("the registry answered no version")?;
    let at = SubjectVersion {
        subject: name.clone(),
        version: fetched.record.version,
        deleted: false,
    };
    Ok(Some(Reader {
        label: at.to_string(),
        validator: prepare(fetched.schema, message, &at.to_string())?,
        subject_version: Some(at),
    }))
}

/// What unframed messages are matched against: every version of
/// `--subject`, or of every subject with `--all-subjects`, newest first.
fn candidates(client: &Client, args: &TriageArgs) -> Result<Vec<Candidate>> {
    let subjects = if args.all_subjects {
        client.subjects(None, false)?
    } else {
        args.subject.iter().cloned().collect()
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
                Ok(validator) => Arc::new(validator),
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
fn writer(client: &Client, id: u32) -> Result<Option<Writer>> {
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
