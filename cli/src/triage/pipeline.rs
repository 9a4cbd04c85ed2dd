//! `charter triage` on the shared [`crate::pipeline`]: the reader splits
//! inputs into batches of messages with `validate`'s source readers, workers
//! judge them with the core's [`Triage::message`] (fetching writer schemas),
//! and the caller's thread reports them to the [`Sink`] in input order.

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::Arc;

use anyhow::{Context, Result};
use schemas::payload::{PayloadIssue, parse_json};
use schemas::triage::{
    Framing, FramingKind, Message, MessageReport, Record, Summary, Triage, Verdict, Writer,
    schema_id,
};

use super::input::{self, Input, Layout};
use super::{Options, Sink, Writers};
use crate::pipeline::{self, Feed, Flow, Report};
use crate::validate::source::{self, Batch};

type TriageFeed = Feed<Batch, Vec<MessageReport>, Infallible>;

/// Judges every message of `inputs` with `triage`, writer schemas from
/// `writers`, reporting to `sink` in input order; returns the summary.
///
/// Errors are input errors (a file that cannot be read), registry failures
/// while fetching a writer schema, and failures to write the report;
/// messages that are not valid are results, counted in the [`Summary`].
pub fn run(
    triage: Arc<Triage>,
    writers: Arc<Writers>,
    inputs: &[Input],
    options: Options,
    sink: &mut dyn Sink,
) -> Result<Summary> {
    let names: Arc<Vec<String>> = Arc::new(inputs.iter().map(Input::name).collect());
    let read = {
        let inputs = inputs.to_vec();
        move |feed: &mut TriageFeed| read_inputs(&inputs, feed)
    };
    let worker = || {
        let mut worker = Worker {
            triage: triage.clone(),
            writers: writers.clone(),
            names: names.clone(),
            known: HashMap::new(),
        };
        move |batch: &Batch| worker.judge(batch)
    };
    let mut reporter = Reporter {
        sink,
        summary: Summary::new(),
    };
    pipeline::run(options.jobs, read, worker, &mut reporter)?;
    let summary = reporter.summary.finish();
    reporter.sink.finish(&summary)?;
    Ok(summary)
}

/// The caller's side: reports in order, counted and to the sink.
struct Reporter<'a> {
    sink: &'a mut dyn Sink,
    summary: Summary,
}

impl Report<Batch, Vec<MessageReport>, Infallible> for Reporter<'_> {
    fn batch(&mut self, _batch: &Batch, reports: Vec<MessageReport>) -> Result<Flow> {
        for report in &reports {
            self.summary.add(report);
            self.sink.report(report)?;
        }
        Ok(Flow::Continue)
    }

    fn note(&mut self, note: Infallible) -> Result<Flow> {
        match note {}
    }
}

/// One worker thread's state.
struct Worker {
    triage: Arc<Triage>,
    writers: Arc<Writers>,
    names: Arc<Vec<String>>,
    /// Writers this worker already asked for, to spare the shared lock.
    known: HashMap<u32, Option<Arc<Writer>>>,
}

impl Worker {
    /// A report per message of `batch`; an error when a writer schema could
    /// not be fetched.
    fn judge(&mut self, batch: &Batch) -> Result<Vec<MessageReport>> {
        let names = self.names.clone();
        let name = &names[batch.payload];
        let mut reports = Vec::with_capacity(batch.spans.len());
        for span in &batch.spans {
            let bytes = &batch.buf[span.start..span.end];
            let label = match batch.layout {
                Layout::Lines | Layout::Array => format!("{name}:{}", span.line),
                Layout::Document | Layout::Binary => name.clone(),
            };
            let message = match (batch.layout, span.broken) {
                (Layout::Binary, _) => Ok(Message::Bytes(bytes.to_vec())),
                (_, Some(broken)) => Err(PayloadIssue {
                    instance_path: String::new(),
                    keyword: schemas::payload::JSON_KEYWORD.to_string(),
                    schema_path: String::new(),
                    message: broken.to_string(),
                }),
                (_, None) => match parse_json(bytes).map(Record::read) {
                    Ok(Record::Ready(message)) => Ok(message),
                    Ok(Record::Guid(framed)) => {
                        let id = self.writers.id_of_guid(&framed.guid).with_context(|| {
                            format!("the schema id of GUID {}", framed.guid_text())
                        })?;
                        Ok(framed.with_id(id))
                    }
                    Err(issue) => Err(issue),
                },
            };
            let report = match message {
                Ok(message) => {
                    let writer = match schema_id(&message) {
                        Some(id) => self.writer(id)?,
                        None => None,
                    };
                    self.triage.message(&label, &message, writer.as_deref())
                }
                Err(issue) => not_a_record(label, issue),
            };
            reports.push(report);
        }
        Ok(reports)
    }

    fn writer(&mut self, id: u32) -> Result<Option<Arc<Writer>>> {
        if let Some(known) = self.known.get(&id) {
            return Ok(known.clone());
        }
        let found = self
            .writers
            .get(id)
            .with_context(|| format!("the writer schema of id {id}"))?;
        self.known.insert(id, found.clone());
        Ok(found)
    }
}

/// The report on a record that is not JSON (a broken NDJSON line or array
/// element): corrupt, and the run goes on.
fn not_a_record(label: String, issue: PayloadIssue) -> MessageReport {
    MessageReport {
        summary: format!("not a message: the record is not JSON ({})", issue.message),
        message: label,
        verdict: Verdict::Corrupt,
        framing: Framing {
            kind: FramingKind::None,
            detail: "none: the record is not JSON".to_string(),
            message_indexes: None,
        },
        schema_id: None,
        subject_versions: Vec::new(),
        writer_errors: vec![issue],
        reader_errors: Vec::new(),
        changes: Arc::default(),
        matches: Vec::new(),
    }
}

/// The reader: every input in turn, split into batches.
fn read_inputs(inputs: &[Input], feed: &mut TriageFeed) -> Result<()> {
    for (index, input) in inputs.iter().enumerate() {
        let (mut reader, layout) = input::open(input)?;
        source::read(&mut reader, index, layout, feed).with_context(|| input.name())?;
    }
    Ok(())
}
