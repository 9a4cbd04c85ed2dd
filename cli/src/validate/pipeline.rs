//! The threads of a run: one reader, a pool of workers, and the caller's
//! thread putting results back in input order.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, Read};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};
use std::thread;

use anyhow::{Context, Result};

use super::progress::Progress;
use super::source::{self, Batch, Batches, CHUNK};
use super::worker::{self, Checked};
use super::{Layout, Options, Origin, POOL_PER_WORKER, Payload, Sink, Summary, Tally, Validator};

/// What the reader and the workers report, numbered in input order.
enum Unit {
    /// Reading payload `.0` starts.
    Begin(usize),
    /// A batch was checked.
    Checked(Batch, Checked),
    /// Payload `.0` was read to its end.
    End(usize),
    /// Reading failed; the run ends with this error.
    Failed(anyhow::Error),
}

type Numbered<T> = (u64, T);

/// Validates every record of `payloads`, in order, reporting to `sink`.
///
/// Errors are input errors (a file that cannot be read, `--array` on
/// something else) and failures to write the report; invalid records are
/// results, counted in the [`Summary`].
///
/// After a stop (`max_invalid`) the reader may still be blocked reading (a
/// pipe on stdin); it is left behind rather than waited for.
pub fn run(
    validator: Arc<Validator>,
    payloads: &[Payload],
    options: Options,
    sink: &mut dyn Sink,
    mut progress: Option<&mut Progress>,
) -> Result<Summary> {
    let jobs = options.jobs.max(1);
    let (pool_tx, pool_rx) = channel();
    for _ in 0..jobs * POOL_PER_WORKER {
        let _ = pool_tx.send(Batch::default());
    }
    let (work_tx, work_rx) = channel::<Numbered<Batch>>();
    let (results_tx, results_rx) = channel::<Numbered<Unit>>();
    let stop = Arc::new(AtomicBool::new(false));

    let work_rx = Arc::new(Mutex::new(work_rx));
    for _ in 0..jobs {
        let (validator, work_rx, results_tx) =
            (validator.clone(), work_rx.clone(), results_tx.clone());
        thread::spawn(move || check_batches(&validator, &work_rx, &results_tx));
    }
    {
        let payloads = payloads.to_vec();
        let stop = stop.clone();
        thread::spawn(move || read_payloads(&payloads, pool_rx, work_tx, results_tx, &stop));
    }

    let mut collector = Collector {
        payloads,
        sink,
        pool: pool_tx,
        options,
        summary: Summary::default(),
        current: Tally::default(),
    };
    let mut pending = BTreeMap::new();
    let mut next = 0;
    while let Ok((seq, unit)) = results_rx.recv() {
        pending.insert(seq, unit);
        while let Some(unit) = pending.remove(&next) {
            next += 1;
            if collector.take(unit, progress.as_deref_mut())? == Flow::Stop {
                stop.store(true, Ordering::Relaxed);
                return collector.finish(progress);
            }
        }
        if let Some(progress) = progress.as_deref_mut() {
            let mut so_far = collector.summary.tally;
            so_far.add(collector.current);
            progress.update(so_far, &mut *collector.sink)?;
        }
    }
    collector.finish(progress)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Flow {
    Continue,
    Stop,
}

/// The caller's side: results in order, to the sink.
struct Collector<'a> {
    payloads: &'a [Payload],
    sink: &'a mut dyn Sink,
    /// Where checked batches go back to be filled again.
    pool: Sender<Batch>,
    options: Options,
    summary: Summary,
    /// The payload being read.
    current: Tally,
}

impl Collector<'_> {
    fn take(&mut self, unit: Unit, mut progress: Option<&mut Progress>) -> Result<Flow> {
        match unit {
            Unit::Begin(index) => {
                self.current = Tally::default();
                self.sink.begin(&self.payloads[index])?;
            }
            Unit::Checked(batch, checked) => {
                let payload = &self.payloads[batch.payload];
                let mut valid = checked.valid;
                let mut flow = Flow::Continue;
                for (k, record) in checked.reported.iter().enumerate() {
                    if let Some(progress) = progress.as_deref_mut() {
                        progress.before_report()?;
                    }
                    self.sink.record(payload, record)?;
                    if !record.is_invalid() {
                        continue;
                    }
                    self.current.invalid += 1;
                    let invalid = self.summary.tally.invalid + self.current.invalid;
                    if self.options.max_invalid == Some(invalid) {
                        valid = checked.valid_before[k];
                        flow = Flow::Stop;
                        break;
                    }
                }
                self.current.valid += valid;
                if flow == Flow::Stop {
                    self.summary.stopped_at = self.options.max_invalid;
                    self.end(batch.payload)?;
                    return Ok(Flow::Stop);
                }
                self.recycle(batch);
            }
            Unit::End(index) => self.end(index)?,
            Unit::Failed(error) => return Err(error),
        }
        Ok(Flow::Continue)
    }

    fn end(&mut self, index: usize) -> Result<()> {
        if let Some(payload) = self.payloads.get(index) {
            self.sink.end(payload, self.current)?;
        }
        self.summary.tally.add(std::mem::take(&mut self.current));
        self.summary.inputs += 1;
        Ok(())
    }

    /// Puts a batch's buffers back in the pool, dropping ones a long record
    /// made large.
    fn recycle(&mut self, mut batch: Batch) {
        if batch.buf.capacity() > 4 * CHUNK {
            batch.buf = Vec::new();
        }
        if batch.spans.capacity() > CHUNK / 8 {
            batch.spans = Vec::new();
        }
        batch.buf.clear();
        batch.spans.clear();
        let _ = self.pool.send(batch);
    }

    fn finish(self, progress: Option<&mut Progress>) -> Result<Summary> {
        if let Some(progress) = progress {
            progress.clear()?;
        }
        self.sink.finish(&self.summary)?;
        self.sink.flush()?;
        Ok(self.summary)
    }
}

/// A worker: checks batches until there are none.
fn check_batches(
    validator: &Validator,
    work: &Mutex<Receiver<Numbered<Batch>>>,
    results: &Sender<Numbered<Unit>>,
) {
    loop {
        let job = match work.lock() {
            Ok(work) => work.recv(),
            Err(_) => return,
        };
        let Ok((seq, batch)) = job else {
            return;
        };
        let checked = worker::check(validator, &batch);
        if results.send((seq, Unit::Checked(batch, checked))).is_err() {
            return;
        }
    }
}

/// The reader: every payload in turn, split into batches.
fn read_payloads(
    payloads: &[Payload],
    pool: Receiver<Batch>,
    work: Sender<Numbered<Batch>>,
    results: Sender<Numbered<Unit>>,
    stop: &AtomicBool,
) {
    let mut feed = Feed {
        pool,
        work,
        results,
        stop,
        seq: 0,
        payload: 0,
        binary: false,
    };
    for (index, payload) in payloads.iter().enumerate() {
        feed.payload = index;
        feed.binary = payload.layout == Layout::Binary;
        if !feed.unit(Unit::Begin(index)) {
            return;
        }
        match read_payload(payload, &mut feed) {
            Ok(()) => {
                if !feed.unit(Unit::End(index)) {
                    return;
                }
            }
            Err(error) => {
                feed.unit(Unit::Failed(error));
                return;
            }
        }
    }
}

fn read_payload(payload: &Payload, feed: &mut Feed<'_>) -> Result<()> {
    let name = payload.name();
    let mut input: Box<dyn Read> = match &payload.origin {
        Origin::Stdin => Box::new(io::stdin().lock()),
        Origin::File(path) => {
            Box::new(File::open(path).with_context(|| format!("{name}: cannot read"))?)
        }
    };
    let read = match payload.layout {
        Layout::Lines => source::read_lines,
        Layout::Document => source::read_document,
        Layout::Array => source::read_array,
        Layout::Binary => source::read_binary,
    };
    read(&mut input, feed).with_context(|| name)
}

/// The reader's ends of the channels.
struct Feed<'a> {
    pool: Receiver<Batch>,
    work: Sender<Numbered<Batch>>,
    results: Sender<Numbered<Unit>>,
    stop: &'a AtomicBool,
    seq: u64,
    payload: usize,
    binary: bool,
}

impl Feed<'_> {
    fn next_seq(&mut self) -> u64 {
        self.seq += 1;
        self.seq - 1
    }

    /// Sends a unit that needs no checking; false when the run is over.
    fn unit(&mut self, unit: Unit) -> bool {
        let seq = self.next_seq();
        self.results.send((seq, unit)).is_ok()
    }
}

impl Batches for Feed<'_> {
    fn take(&mut self) -> Option<Batch> {
        if self.stop.load(Ordering::Relaxed) {
            return None;
        }
        let mut batch = self.pool.recv().ok()?;
        batch.payload = self.payload;
        batch.binary = self.binary;
        Some(batch)
    }

    fn send(&mut self, batch: Batch) -> bool {
        let seq = self.next_seq();
        self.work.send((seq, batch)).is_ok()
    }
}
