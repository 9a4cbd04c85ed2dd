//! `charter triage` apart from the registry calls: reading messages from
//! files, directories and stdin, judging them with the pure
//! [`schemas::triage`] core on every core, and handing the reports, in input
//! order, to a [`Sink`].
//!
//! ```text
//! reader thread ──batches of records──▶ workers (one per core) ──reports──▶ caller's thread ──▶ Sink
//!      ▲                                   │ schema id                                │
//!      │                                   ▼                                          │
//!      │                        Writers (one fetch per id)                            │
//!      └──────────────── empty batch buffers (a fixed pool) ◀─────────────────────────┘
//! ```
//!
//! Records are split into batches by the same readers `charter validate`
//! uses (NDJSON lines, array elements, one document, one binary message), and
//! the threads, the pool and the ordering are the same `crate::pipeline`.
//!
//! *Architecture invariant:* memory does not grow with the number of
//! messages. The reader fills batches from a fixed pool and cannot read
//! ahead of it; a batch and its reports are dropped once reported; the
//! [`Summary`] keeps counts and at most [`schemas::triage::MAX_CAUSES`]
//! causes. Writer schemas are fetched once per schema id, whatever the
//! number of messages or workers.
//!
//! Nothing here prints: reports go to a [`Sink`] the caller chooses.

mod input;
mod pipeline;
mod writers;

use std::io;

use schemas::triage::{MessageReport, Summary};

pub use input::{Input, inputs};
pub use pipeline::run;
pub use writers::{Fetch, Writers};

pub use crate::pipeline::POOL_PER_WORKER;

/// How to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// Worker threads (at least one).
    pub jobs: usize,
    /// Bounds on decoding one message.
    pub decode: schemas::payload::DecodeLimits,
}

/// Where the reports of a run go, in input order.
pub trait Sink {
    /// One message's report.
    fn report(&mut self, report: &MessageReport) -> io::Result<()>;
    /// The end of the run, with every message counted.
    fn finish(&mut self, summary: &Summary) -> io::Result<()>;
}
