//! Verdicts on whether a recorded reader reads a stored schema's data,
//! kept so that a subject's consumer listing, a consumer's can-i-deploy and
//! the next listing judge each (writer, reader, policy) pair once.
//!
//! A verdict is a function of the two schemas and the policy, and both
//! sides are named by what never changes: a stored writer by its schema id,
//! a reader by its schema id or by the key of its content. Only a permanent
//! delete can make such a name mean something else later (a referenced
//! version deleted and registered again), and every permanent delete, here
//! or heard from the store, advances the schema cache's epoch: a verdict
//! is served only while the epoch it was judged in is still current.
//!
//! Verdicts with their examples are most of the cost of a listing (finding
//! an example document takes a few hundred validations per breaking
//! change), so the cache is bounded by an estimate of their size, not by
//! their number.

use std::sync::Arc;

use quick_cache::Weighter;
use schemas::{Policy, Reading};

use super::cache::Epoch;
use crate::model::SchemaId;

/// The estimated bytes of verdicts kept.
const CAPACITY_BYTES: u64 = 64 << 20;
/// The estimated size of a verdict with no change.
const ENTRY_BYTES: u64 = 160;
/// The estimated size of one change besides its message and path (the
/// example document, the old and new values).
const CHANGE_BYTES: u64 = 256;

/// A schema a verdict is about, by what never changes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) enum SchemaName {
    /// A stored schema.
    Stored(SchemaId),
    /// A reader recorded with a schema of its own, by its content key.
    Content(String),
}

/// Which verdict: the writer's data, the reader, the policy.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) struct ReadingKey {
    pub writer: SchemaId,
    pub reader: SchemaName,
    pub policy: Policy,
}

#[derive(Clone)]
struct Entry {
    epoch: Epoch,
    reading: Arc<Reading>,
}

#[derive(Clone)]
struct Size;

impl Weighter<ReadingKey, Entry> for Size {
    fn weight(&self, _key: &ReadingKey, entry: &Entry) -> u64 {
        entry
            .reading
            .changes
            .iter()
            .map(|c| CHANGE_BYTES + (c.message.len() + c.path.len()) as u64)
            .sum::<u64>()
            + ENTRY_BYTES
    }
}

/// The verdicts kept.
pub(super) struct ReadingCache(quick_cache::sync::Cache<ReadingKey, Entry, Size>);

impl Default for ReadingCache {
    fn default() -> Self {
        let items = (CAPACITY_BYTES / (ENTRY_BYTES + CHANGE_BYTES)) as usize;
        ReadingCache(quick_cache::sync::Cache::with_weighter(
            items,
            CAPACITY_BYTES,
            Size,
        ))
    }
}

impl std::fmt::Debug for ReadingCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReadingCache")
            .field("verdicts", &self.0.len())
            .finish()
    }
}

impl ReadingCache {
    /// The verdict on `key`, if it was judged in the current `epoch`.
    pub(super) fn get(&self, key: &ReadingKey, epoch: Epoch) -> Option<Arc<Reading>> {
        self.0
            .get(key)
            .filter(|entry| entry.epoch == epoch)
            .map(|entry| entry.reading)
    }

    /// Keeps the verdict on `key`, judged from what was known at `epoch`
    /// (noted before the schemas were read).
    pub(super) fn insert(&self, key: ReadingKey, reading: Arc<Reading>, epoch: Epoch) {
        self.0.insert(key, Entry { epoch, reading });
    }
}
