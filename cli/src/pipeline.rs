//! The threads of a streaming run, shared by `charter validate` and
//! `charter triage`: one reader, a pool of workers, and the caller's thread
//! taking the results back in input order.
//!
//! ```text
//! reader thread ──batches──▶ workers (one per job) ──results──▶ caller's thread ──▶ Report
//!      ▲                                                              │
//!      └──────────────── empty batch buffers (a fixed pool) ◀─────────┘
//! ```
//!
//! What a batch holds, what a worker computes from it and how results are
//! reported belong to each command: [`run`] is generic over the batch
//! ([`Buffer`]), the work (a closure per worker thread) and the report
//! ([`Report`]). The reader may also put notes between batches (the start and
//! end of an input), which are reported in their place.
//!
//! *Architecture invariant:* memory does not grow with the input. The pool
//! holds [`POOL_PER_WORKER`] buffers per worker and is filled only here; the
//! reader cannot read ahead of it, and a buffer goes back to it only once
//! its result was reported, in input order. Every batch and note is numbered
//! as the reader sends it and reported in that order, so the report is the
//! same with one worker or many. The first error (reading, working, or
//! reporting) ends the run once everything before it was reported; a report
//! may also stop the run early ([`Flow::Stop`]).

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};
use std::thread;

use anyhow::Result;

/// Batches in flight per worker thread (queued, being worked on, or waiting
/// to be reported in order).
pub const POOL_PER_WORKER: usize = 4;

/// A reusable batch buffer.
pub(crate) trait Buffer: Default + Send + 'static {
    /// Empties the buffer once its result was reported, for the reader to
    /// fill again.
    fn recycle(&mut self);
}

/// Whether the run goes on after a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flow {
    Continue,
    /// Read and report nothing more.
    Stop,
}

/// The caller's side of a run: batches' results and the reader's notes, in
/// input order.
pub(crate) trait Report<B, R, N> {
    /// The result of `batch`. Unless this stops the run, `batch` then goes
    /// back to the pool.
    fn batch(&mut self, batch: &B, result: R) -> Result<Flow>;
    /// A note the reader sent between batches.
    fn note(&mut self, note: N) -> Result<Flow>;
    /// Everything that came back in order so far was reported; called each
    /// time a result arrives (to redraw a progress line).
    fn caught_up(&mut self) -> Result<()> {
        Ok(())
    }
}

/// What the reader and the workers send the caller's thread, numbered.
enum Unit<B, R, N> {
    Done(B, R),
    Note(N),
    Failed(anyhow::Error),
}

type Numbered<T> = (u64, T);

/// Runs `read` on a reader thread and `jobs` workers made by `worker`, and
/// reports every result to `report` in input order. Returns when the input is
/// read and reported, or when `report` stops the run; the first error ends
/// the run.
///
/// `read` fills batches taken from the [`Feed`] and sends them on; an error
/// it returns is reported after everything it sent before. After a stop or
/// an error the reader may still be blocked reading (a pipe on stdin): it is
/// left behind rather than waited for, and gets no more buffers.
pub(crate) fn run<B, R, N, W>(
    jobs: usize,
    read: impl FnOnce(&mut Feed<B, R, N>) -> Result<()> + Send + 'static,
    worker: impl Fn() -> W,
    report: &mut impl Report<B, R, N>,
) -> Result<()>
where
    B: Buffer,
    R: Send + 'static,
    N: Send + 'static,
    W: FnMut(&B) -> Result<R> + Send + 'static,
{
    let jobs = jobs.max(1);
    let (pool_tx, pool_rx) = channel();
    for _ in 0..jobs * POOL_PER_WORKER {
        let _ = pool_tx.send(B::default());
    }
    let (work_tx, work_rx) = channel::<Numbered<B>>();
    let (results_tx, results_rx) = channel::<Numbered<Unit<B, R, N>>>();
    let stop = Arc::new(AtomicBool::new(false));

    let work_rx = Arc::new(Mutex::new(work_rx));
    for _ in 0..jobs {
        let (work, results) = (work_rx.clone(), results_tx.clone());
        let mut work_on = worker();
        thread::spawn(move || work_batches(&mut work_on, &work, &results));
    }
    {
        let mut feed = Feed {
            pool: pool_rx,
            work: work_tx,
            results: results_tx,
            stop: stop.clone(),
            seq: 0,
        };
        thread::spawn(move || {
            if let Err(error) = read(&mut feed) {
                feed.unit(Unit::Failed(error));
            }
        });
    }

    let mut pending = BTreeMap::new();
    let mut next = 0;
    while let Ok((seq, unit)) = results_rx.recv() {
        pending.insert(seq, unit);
        while let Some(unit) = pending.remove(&next) {
            next += 1;
            let flow = match unit {
                Unit::Done(mut batch, result) => {
                    let flow = report.batch(&batch, result)?;
                    if flow == Flow::Continue {
                        batch.recycle();
                        let _ = pool_tx.send(batch);
                    }
                    flow
                }
                Unit::Note(note) => report.note(note)?,
                Unit::Failed(error) => return Err(error),
            };
            if flow == Flow::Stop {
                stop.store(true, Ordering::Relaxed);
                return Ok(());
            }
        }
        report.caught_up()?;
    }
    Ok(())
}

/// A worker: works on batches until there are none.
fn work_batches<B, R, N>(
    work_on: &mut impl FnMut(&B) -> Result<R>,
    work: &Mutex<Receiver<Numbered<B>>>,
    results: &Sender<Numbered<Unit<B, R, N>>>,
) {
    loop {
        let job = match work.lock() {
            Ok(work) => work.recv(),
            Err(_) => return,
        };
        let Ok((seq, batch)) = job else {
            return;
        };
        let unit = match work_on(&batch) {
            Ok(result) => Unit::Done(batch, result),
            Err(error) => Unit::Failed(error),
        };
        if results.send((seq, unit)).is_err() {
            return;
        }
    }
}

/// The reader's ends of the channels: empty buffers from the pool, filled
/// batches to the workers, notes to the caller's thread.
pub(crate) struct Feed<B, R, N> {
    pool: Receiver<B>,
    work: Sender<Numbered<B>>,
    results: Sender<Numbered<Unit<B, R, N>>>,
    stop: Arc<AtomicBool>,
    seq: u64,
}

impl<B, R, N> Feed<B, R, N> {
    /// An empty buffer to fill (waiting for one to come back to the pool),
    /// or `None` when the run is over.
    pub(crate) fn take(&mut self) -> Option<B> {
        if self.stop.load(Ordering::Relaxed) {
            return None;
        }
        self.pool.recv().ok()
    }

    /// Hands a filled batch to the workers; false when the run is over.
    pub(crate) fn send(&mut self, batch: B) -> bool {
        let seq = self.next_seq();
        self.work.send((seq, batch)).is_ok()
    }

    /// Reports `note` after the batches sent so far; false when the run is
    /// over.
    pub(crate) fn note(&mut self, note: N) -> bool {
        self.unit(Unit::Note(note))
    }

    fn unit(&mut self, unit: Unit<B, R, N>) -> bool {
        let seq = self.next_seq();
        self.results.send((seq, unit)).is_ok()
    }

    fn next_seq(&mut self) -> u64 {
        self.seq += 1;
        self.seq - 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A batch of numbers.
    #[derive(Default)]
    struct Numbers(Vec<u64>);

    impl Buffer for Numbers {
        fn recycle(&mut self) {
            self.0.clear();
        }
    }

    /// Reports sums and notes as lines, stopping after `stop_after` batches.
    struct Lines {
        lines: Vec<String>,
        stop_after: Option<usize>,
        batches: usize,
    }

    impl Report<Numbers, u64, &'static str> for Lines {
        fn batch(&mut self, batch: &Numbers, sum: u64) -> Result<Flow> {
            self.lines
                .push(format!("{} numbers, sum {sum}", batch.0.len()));
            self.batches += 1;
            Ok(match self.stop_after {
                Some(n) if self.batches >= n => Flow::Stop,
                _ => Flow::Continue,
            })
        }

        fn note(&mut self, note: &'static str) -> Result<Flow> {
            self.lines.push(note.to_string());
            Ok(Flow::Continue)
        }
    }

    /// Runs 200 batches of 1..=k numbers (k = 1..=200) with `jobs` workers
    /// that sleep longer on early batches, a note before and after; `fail_at`
    /// makes the reader fail after that many batches.
    fn check(
        jobs: usize,
        stop_after: Option<usize>,
        fail_at: Option<u64>,
    ) -> (Vec<String>, Result<()>) {
        let read = move |feed: &mut Feed<Numbers, u64, &'static str>| {
            feed.note("begin");
            for k in 1..=200 {
                if fail_at == Some(k - 1) {
                    anyhow::bail!("cannot read batch {k}");
                }
                let Some(mut batch) = feed.take() else {
                    return Ok(());
                };
                assert!(batch.0.is_empty(), "a recycled buffer is empty");
                batch.0.extend(1..=k);
                if !feed.send(batch) {
                    return Ok(());
                }
            }
            feed.note("end");
            Ok(())
        };
        let worker = || {
            |batch: &Numbers| {
                let n = batch.0.len() as u64;
                std::thread::sleep(std::time::Duration::from_micros((200 - n) * 5));
                Ok(batch.0.iter().sum())
            }
        };
        let mut lines = Lines {
            lines: Vec::new(),
            stop_after,
            batches: 0,
        };
        let outcome = run(jobs, read, worker, &mut lines);
        (lines.lines, outcome)
    }

    fn expected(batches: u64, end: bool) -> Vec<String> {
        let mut lines = vec!["begin".to_string()];
        lines.extend((1..=batches).map(|k| format!("{k} numbers, sum {}", k * (k + 1) / 2)));
        if end {
            lines.push("end".to_string());
        }
        lines
    }

    #[test]
    fn results_come_back_in_input_order_whatever_the_workers() {
        for jobs in [1, 4] {
            let (lines, outcome) = check(jobs, None, None);
            outcome.unwrap();
            assert_eq!(lines, expected(200, true));
        }
    }

    #[test]
    fn a_report_stops_the_run() {
        let (lines, outcome) = check(4, Some(3), None);
        outcome.unwrap();
        assert_eq!(lines, expected(3, false));
    }

    #[test]
    fn a_reading_error_ends_the_run_after_what_came_before() {
        let (lines, outcome) = check(4, None, Some(50));
        assert_eq!(outcome.unwrap_err().to_string(), "cannot read batch 51");
        assert_eq!(lines, expected(50, false));
    }
}
