//! `charter copy` apart from its command line: a registry read whole into a
//! [`Snapshot`] (`read.rs`), the [`Plan`] that compares the source's with
//! the target's and lists conflicts before anything is written (`plan.rs`,
//! with what "the same schema" means in `content.rs`), the plan carried out
//! in IMPORT mode with the target's modes put back on any failure
//! (`write.rs`), and both registries read again and compared (`verify.rs`).
//! `summary.rs` writes what a person reads.
//!
//! Requests run `jobs` at a time ([`parallel`]); registrations go in levels,
//! so a version is registered only after the versions it references and
//! the earlier versions of its subject.
//!
//! *Invariant:* nothing is written to the target before the plan was made
//! from a complete read of both registries and found no conflict.

mod content;
mod plan;
mod progress;
mod read;
mod summary;
mod verify;
mod write;

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

pub use plan::{Conflict, Plan};
pub use progress::Progress;
pub use read::{Selection, read};
pub use summary::Summary;
pub use verify::{Difference, Verification, verify};
pub use write::{Written, execute};

use crate::client::{ExportedVersion, ScopeConfig};

/// One version as a registry holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct Held {
    /// The version with its schema.
    pub version: ExportedVersion,
    /// Soft-deleted.
    pub deleted: bool,
}

/// A subject as read from a registry.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SubjectState {
    /// Its versions, soft-deleted ones included, by number.
    pub versions: BTreeMap<i32, Held>,
    /// Its own config, if any.
    pub config: Option<ScopeConfig>,
    /// Its own mode, if any.
    pub mode: Option<String>,
}

/// What one registry holds, as far as a copy is concerned.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Snapshot {
    /// The global config, when read.
    pub config: Option<ScopeConfig>,
    /// The global mode, when read.
    pub mode: Option<String>,
    /// Subjects by name.
    pub subjects: BTreeMap<String, SubjectState>,
    /// Subjects read because a selected subject references them, though
    /// `--subjects` does not select them.
    pub referenced: Vec<String>,
}

impl Snapshot {
    /// A version by subject and number.
    pub fn version(&self, subject: &str, version: i32) -> Option<&Held> {
        self.subjects.get(subject)?.versions.get(&version)
    }

    /// Every version, in subject then version order.
    pub fn held(&self) -> impl Iterator<Item = &Held> {
        self.subjects.values().flat_map(|s| s.versions.values())
    }

    /// One version holding each id, by id.
    pub fn ids(&self) -> BTreeMap<i64, &Held> {
        let mut ids = BTreeMap::new();
        for held in self.held() {
            ids.entry(held.version.id).or_insert(held);
        }
        ids
    }
}

/// Runs `work` on every item, `jobs` at a time, and answers the results in
/// the items' order; the first error stops the rest (work already begun
/// finishes) and is answered. Each item done advances `progress`.
pub fn parallel<T, R, E, F>(
    jobs: usize,
    items: &[T],
    progress: &Progress,
    work: F,
) -> Result<Vec<R>, E>
where
    T: Sync,
    R: Send,
    E: Send,
    F: Fn(&T) -> Result<R, E> + Sync,
{
    let next = AtomicUsize::new(0);
    let failed = AtomicBool::new(false);
    let first_error: Mutex<Option<(usize, E)>> = Mutex::new(None);
    let mut done: Vec<(usize, R)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..jobs.clamp(1, items.len().max(1)))
            .map(|_| {
                scope.spawn(|| {
                    let mut mine = Vec::new();
                    while !failed.load(Ordering::Relaxed) {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(item) = items.get(i) else { break };
                        match work(item) {
                            Ok(result) => mine.push((i, result)),
                            Err(e) => {
                                failed.store(true, Ordering::Relaxed);
                                let mut slot =
                                    first_error.lock().unwrap_or_else(|p| p.into_inner());
                                if slot.as_ref().is_none_or(|(at, _)| i < *at) {
                                    *slot = Some((i, e));
                                }
                                break;
                            }
                        }
                        progress.advance(1);
                    }
                    mine
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    });
    if let Some((_, e)) = first_error.into_inner().unwrap_or_else(|p| p.into_inner()) {
        return Err(e);
    }
    done.sort_unstable_by_key(|(i, _)| *i);
    Ok(done.into_iter().map(|(_, r)| r).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parallel_work_answers_in_order_or_the_first_error() {
        let items: Vec<u32> = (0..200).collect();
        let quiet = Progress::hidden();
        let doubled = parallel(7, &items, &quiet, |n| Ok::<_, String>(n * 2)).unwrap();
        assert_eq!(doubled, items.iter().map(|n| n * 2).collect::<Vec<_>>());
        let failed = parallel(3, &items, &quiet, |n| {
            if *n == 50 {
                Err(format!("item {n}"))
            } else {
                Ok(*n)
            }
        });
        assert_eq!(failed, Err("item 50".to_string()));
        let none: Vec<u32> = Vec::new();
        assert_eq!(parallel(4, &none, &quiet, |n| Ok::<_, ()>(*n)), Ok(vec![]));
    }
}
