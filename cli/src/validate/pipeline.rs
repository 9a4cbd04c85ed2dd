//! `charter validate` on the shared [`crate::pipeline`]: the reader splits
//! payloads into batches of records, workers check them
//! ([`worker::check`]), and the caller's thread reports the results to the
//! [`Sink`] in input order, stopping at `--max-errors`.

use std::fs::File;
use std::io::{self, Read};
use std::sync::Arc;

use anyhow::{Context, Result};

use super::progress::Progress;
use super::source::{self, Batch};
use super::worker::{self, Checked};
use super::{Options, Origin, Payload, Sink, Summary, Tally, Validator};
use crate::pipeline::{self, Feed, Flow, Report};

/// What the reader says between batches, in input order.
enum Note {
    /// Reading payload `.0` starts.
    Begin(usize),
    /// Payload `.0` was read to its end.
    End(usize),
}

type ValidateFeed = Feed<Batch, Checked, Note>;

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
    progress: Option<&mut Progress>,
) -> Result<Summary> {
    let read = {
        let payloads = payloads.to_vec();
        move |feed: &mut ValidateFeed| read_payloads(&payloads, feed)
    };
    let worker = || {
        let validator = validator.clone();
        move |batch: &Batch| Ok(worker::check(&validator, batch))
    };
    let mut collector = Collector {
        payloads,
        sink,
        progress,
        options,
        summary: Summary::default(),
        current: Tally::default(),
    };
    pipeline::run(options.jobs, read, worker, &mut collector)?;
    collector.finish()
}

/// The caller's side: results in order, to the sink.
struct Collector<'a> {
    payloads: &'a [Payload],
    sink: &'a mut dyn Sink,
    progress: Option<&'a mut Progress>,
    options: Options,
    summary: Summary,
    /// The payload being read.
    current: Tally,
}

impl Report<Batch, Checked, Note> for Collector<'_> {
    fn batch(&mut self, batch: &Batch, checked: Checked) -> Result<Flow> {
        let payload = &self.payloads[batch.payload];
        let mut valid = checked.valid;
        let mut flow = Flow::Continue;
        for (k, record) in checked.reported.iter().enumerate() {
            if let Some(progress) = self.progress.as_deref_mut() {
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
        }
        Ok(flow)
    }

    fn note(&mut self, note: Note) -> Result<Flow> {
        match note {
            Note::Begin(index) => {
                self.current = Tally::default();
                self.sink.begin(&self.payloads[index])?;
            }
            Note::End(index) => self.end(index)?,
        }
        Ok(Flow::Continue)
    }

    fn caught_up(&mut self) -> Result<()> {
        if let Some(progress) = self.progress.as_deref_mut() {
            let mut so_far = self.summary.tally;
            so_far.add(self.current);
            progress.update(so_far, &mut *self.sink)?;
        }
        Ok(())
    }
}

impl Collector<'_> {
    fn end(&mut self, index: usize) -> Result<()> {
        if let Some(payload) = self.payloads.get(index) {
            self.sink.end(payload, self.current)?;
        }
        self.summary.tally.add(std::mem::take(&mut self.current));
        self.summary.inputs += 1;
        Ok(())
    }

    fn finish(self) -> Result<Summary> {
        if let Some(progress) = self.progress {
            progress.clear()?;
        }
        self.sink.finish(&self.summary)?;
        self.sink.flush()?;
        Ok(self.summary)
    }
}

/// The reader: every payload in turn, split into batches.
fn read_payloads(payloads: &[Payload], feed: &mut ValidateFeed) -> Result<()> {
    for (index, payload) in payloads.iter().enumerate() {
        if !feed.note(Note::Begin(index)) {
            return Ok(());
        }
        read_payload(index, payload, feed)?;
        if !feed.note(Note::End(index)) {
            return Ok(());
        }
    }
    Ok(())
}

fn read_payload(index: usize, payload: &Payload, feed: &mut ValidateFeed) -> Result<()> {
    let name = payload.name();
    let mut input: Box<dyn Read> = match &payload.origin {
        Origin::Stdin => Box::new(io::stdin().lock()),
        Origin::File(path) => {
            Box::new(File::open(path).with_context(|| format!("{name}: cannot read"))?)
        }
    };
    source::read(&mut input, index, payload.layout, feed).with_context(|| name)
}
