//! The threads of a run: one reader, a pool of workers judging messages,
//! and the caller's thread reporting them in input order.

use std::collections::{BTreeMap, HashMap};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};
use std::thread;

use anyhow::{Context, Result};
use schemas::payload::{PayloadIssue, parse_json};
use schemas::triage::{
    Framing, FramingKind, Message, MessageReport, Summary, Triage, Verdict, Writer, schema_id,
};

use super::input::{self, Input, Layout};
use super::{Options, POOL_PER_WORKER, Sink, Writers};
use crate::validate::source::{self, Batch, Batches, CHUNK};

type Numbered<T> = (u64, T);

/// A filled batch and how its records are laid out.
struct Job {
    batch: Batch,
    layout: Layout,
}

/// What the reader and the workers report, numbered in input order.
enum Unit {
    /// A batch was judged: one report per record.
    Judged(Batch, Vec<MessageReport>),
    /// Reading or fetching a writer schema failed; the run ends with it.
    Failed(anyhow::Error),
}

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
    let jobs = options.jobs.max(1);
    let (pool_tx, pool_rx) = channel();
    for _ in 0..jobs * POOL_PER_WORKER {
        let _ = pool_tx.send(Batch::default());
    }
    let (work_tx, work_rx) = channel::<Numbered<Job>>();
    let (results_tx, results_rx) = channel::<Numbered<Unit>>();
    let names: Arc<Vec<String>> = Arc::new(inputs.iter().map(Input::name).collect());

    let work_rx = Arc::new(Mutex::new(work_rx));
    for _ in 0..jobs {
        let worker = Worker {
            triage: triage.clone(),
            writers: writers.clone(),
            names: names.clone(),
            known: HashMap::new(),
        };
        let (work_rx, results_tx) = (work_rx.clone(), results_tx.clone());
        thread::spawn(move || worker.run(&work_rx, &results_tx));
    }
    {
        let inputs = inputs.to_vec();
        thread::spawn(move || read_inputs(&inputs, pool_rx, work_tx, results_tx));
    }

    let mut summary = Summary::new();
    let mut pending = BTreeMap::new();
    let mut next = 0;
    while let Ok((seq, unit)) = results_rx.recv() {
        pending.insert(seq, unit);
        while let Some(unit) = pending.remove(&next) {
            next += 1;
            let (batch, reports) = match unit {
                Unit::Judged(batch, reports) => (batch, reports),
                Unit::Failed(error) => return Err(error),
            };
            for report in &reports {
                summary.add(report);
                sink.report(report)?;
            }
            let _ = pool_tx.send(recycled(batch));
        }
    }
    let summary = summary.finish();
    sink.finish(&summary)?;
    Ok(summary)
}

/// A reported batch, emptied for the pool; buffers a long record made large
/// are dropped.
fn recycled(mut batch: Batch) -> Batch {
    if batch.buf.capacity() > 4 * CHUNK {
        batch.buf = Vec::new();
    }
    if batch.spans.capacity() > CHUNK / 8 {
        batch.spans = Vec::new();
    }
    batch.buf.clear();
    batch.spans.clear();
    batch
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
    /// Judges batches until there are none.
    fn run(mut self, work: &Mutex<Receiver<Numbered<Job>>>, results: &Sender<Numbered<Unit>>) {
        loop {
            let job = match work.lock() {
                Ok(work) => work.recv(),
                Err(_) => return,
            };
            let Ok((seq, job)) = job else {
                return;
            };
            let unit = match self.judge(&job) {
                Ok(reports) => Unit::Judged(job.batch, reports),
                Err(error) => Unit::Failed(error),
            };
            if results.send((seq, unit)).is_err() {
                return;
            }
        }
    }

    fn judge(&mut self, job: &Job) -> Result<Vec<MessageReport>> {
        let names = self.names.clone();
        let name = &names[job.batch.payload];
        let mut reports = Vec::with_capacity(job.batch.spans.len());
        for span in &job.batch.spans {
            let bytes = &job.batch.buf[span.start..span.end];
            let label = match job.layout {
                Layout::Lines | Layout::Array => format!("{name}:{}", span.line),
                Layout::Document | Layout::Binary => name.clone(),
            };
            let message = match (job.layout, span.broken) {
                (Layout::Binary, _) => Ok(Message::Bytes(bytes.to_vec())),
                (_, Some(broken)) => Err(PayloadIssue {
                    instance_path: String::new(),
                    keyword: schemas::payload::JSON_KEYWORD.to_string(),
                    schema_path: String::new(),
                    message: broken.to_string(),
                }),
                (_, None) => parse_json(bytes).map(Message::from_record),
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
fn read_inputs(
    inputs: &[Input],
    pool: Receiver<Batch>,
    work: Sender<Numbered<Job>>,
    results: Sender<Numbered<Unit>>,
) {
    let mut feed = Feed {
        pool,
        work,
        seq: 0,
        payload: 0,
        layout: Layout::Lines,
    };
    for (index, input) in inputs.iter().enumerate() {
        feed.payload = index;
        if let Err(error) = read_input(input, &mut feed) {
            let _ = results.send((feed.seq, Unit::Failed(error)));
            return;
        }
    }
}

fn read_input(input: &Input, feed: &mut Feed) -> Result<()> {
    let (mut reader, layout) = input::open(input)?;
    feed.layout = layout;
    let read = match layout {
        Layout::Lines => source::read_lines,
        Layout::Document => source::read_document,
        Layout::Array => source::read_array,
        Layout::Binary => source::read_binary,
    };
    read(&mut reader, feed).with_context(|| input.name())
}

/// The reader's ends of the channels.
struct Feed {
    pool: Receiver<Batch>,
    work: Sender<Numbered<Job>>,
    seq: u64,
    payload: usize,
    layout: Layout,
}

impl Batches for Feed {
    fn take(&mut self) -> Option<Batch> {
        let mut batch = self.pool.recv().ok()?;
        batch.payload = self.payload;
        Some(batch)
    }

    fn send(&mut self, batch: Batch) -> bool {
        self.seq += 1;
        let job = Job {
            batch,
            layout: self.layout,
        };
        self.work.send((self.seq - 1, job)).is_ok()
    }
}
