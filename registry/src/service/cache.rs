//! Schemas kept in memory by id: the stored record at once, the parsed form
//! when a compatibility check first needs it.
//!
//! A schema id names immutable content, so an entry never goes stale; the
//! only thing that changes is whether some version still holds the id (an
//! entry means "held when cached"). The service evicts an id when it
//! permanently deletes versions, and so does the store's notification of a
//! permanent delete in another instance. Every eviction advances an *epoch*:
//! a caller notes the epoch before it reads the store and caches what it read
//! only if no eviction happened meanwhile ([`SchemaCache::insert`]), so a
//! read that raced a delete cannot put the deleted id back.
//!
//! Nothing is loaded at start-up: entries arrive on first use, and the cache
//! stays under its capacity by dropping a slice of a shard when it is full.
//! It is also bounded by an estimate of the memory its entries take
//! ([`weight`]: proportional to the schema text, which is what a parsed schema
//! grows with): past it, entries are dropped from the inserting shard, then
//! from the others, and an entry heavier than the whole bound is served
//! without being kept.
//!
//! Reads by id are the registry's hottest path, so the map is split into
//! shards (readers on different ids rarely touch the same lock) and hashed
//! with a multiply-shift of the id rather than SipHash (ids are not
//! attacker-chosen keys of a long-lived table: they are allocated by us).

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock, RwLock};
use std::time::Duration;

use arc_swap::ArcSwapOption;

use bytes::Bytes;
use schemas::Schema;
use tokio::sync::OnceCell;

use crate::model::{SchemaId, StoredSchema};

/// How many independently locked parts the cache has.
const SHARDS: usize = 16;

/// One cached schema.
#[derive(Debug)]
pub struct CachedSchema {
    /// The stored record.
    pub record: StoredSchema,
    parsed: OnceCell<Arc<Schema>>,
    /// A rendering of the record that the API layer may keep here: the
    /// record never changes, so neither does its rendering. The service
    /// never reads it.
    pub rendered: OnceLock<Bytes>,
    /// The subjects holding the id as last read from the store, for
    /// permission checks (`service::access`); unlike the rest, this may
    /// change, so it is kept with the time it was read.
    holders: ArcSwapOption<Holders>,
    /// Whether a version of the default context was seen holding the
    /// schema: only then is it served by its row id as the default
    /// context's (a schema registered only in other contexts has a row id
    /// that the default context never handed out to a client). Once seen
    /// it stays so: only a permanent delete ends it, and that evicts the
    /// entry.
    in_default: AtomicBool,
}

/// The subjects holding an id, and when the store said so.
///
/// The time is read from the coarse monotonic clock (`coarsetime`, Linux's
/// `CLOCK_MONOTONIC_COARSE`: a few milliseconds' resolution, about 20 ns a
/// reading where a precise one took about 100 ns on this project's virtual
/// machines), because every authorized read by id asks how old this is, and
/// the answer only has to be right to within a fraction of
/// [`super::HOLDERS_TTL`].
#[derive(Debug)]
struct Holders {
    read: coarsetime::Instant,
    subjects: Box<[String]>,
}

impl CachedSchema {
    /// An entry for a stored record, not parsed yet.
    pub fn new(record: StoredSchema) -> CachedSchema {
        CachedSchema {
            record,
            parsed: OnceCell::new(),
            rendered: OnceLock::new(),
            holders: ArcSwapOption::empty(),
            in_default: AtomicBool::new(false),
        }
    }

    /// Whether some subject remembered (less than `fresh` ago) as holding
    /// this id satisfies `may_read`; `false` when none is remembered.
    pub fn some_holder(&self, fresh: Duration, may_read: impl Fn(&str) -> bool) -> bool {
        let held = self.holders.load();
        held.as_ref().is_some_and(|h| {
            coarsetime::Instant::now().duration_since(h.read) < coarsetime::Duration::from(fresh)
                && h.subjects.iter().any(|s| may_read(s))
        })
    }

    /// Remembers the subjects holding this id, as just read.
    pub fn remember_holders(&self, subjects: Box<[String]>) {
        self.holders.store(Some(Arc::new(Holders {
            read: coarsetime::Instant::now(),
            subjects,
        })));
    }

    /// Whether a version of the default context was seen holding it.
    pub fn in_default(&self) -> bool {
        self.in_default.load(Ordering::Relaxed)
    }

    /// Notes that a version of the default context holds it.
    pub fn mark_in_default(&self) {
        self.in_default.store(true, Ordering::Relaxed);
    }

    /// An entry whose parsed form is already known.
    pub fn with_parsed(record: StoredSchema, parsed: Arc<Schema>) -> CachedSchema {
        CachedSchema {
            record,
            parsed: OnceCell::new_with(Some(parsed)),
            rendered: OnceLock::new(),
            holders: ArcSwapOption::empty(),
            in_default: AtomicBool::new(false),
        }
    }

    /// The parsed form, computed once by `parse` (which is dropped unpolled
    /// when another caller already parsed it).
    pub async fn parsed<E>(
        &self,
        parse: impl Future<Output = Result<Arc<Schema>, E>>,
    ) -> Result<Arc<Schema>, E> {
        self.parsed.get_or_try_init(|| parse).await.cloned()
    }
}

/// Hashes an id with one multiplication (Fibonacci hashing), spreading
/// sequential ids over the whole hash range.
#[derive(Debug, Default, Clone, Copy)]
pub struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(*b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }

    fn write_i64(&mut self, n: i64) {
        self.0 = (n as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

type Shard = RwLock<HashMap<SchemaId, Arc<CachedSchema>, BuildHasherDefault<IdHasher>>>;

/// A bounded map from id to [`CachedSchema`].
#[derive(Debug)]
pub struct SchemaCache {
    shards: Vec<Shard>,
    shard_capacity: usize,
    /// The most the entries may weigh together (see [`weight`]).
    max_bytes: usize,
    /// What the entries weigh now.
    bytes: AtomicUsize,
    epoch: AtomicU64,
}

/// What one entry is estimated to take in memory, in bytes: its text once
/// as stored and about 48 times over once parsed (measured: a 3 MB schema's
/// parsed form held ~138 MB), plus a fixed part for the entry itself.
pub fn weight(record: &StoredSchema) -> usize {
    1024 + 48 * record.text.len()
}

/// How many evictions the cache had seen when a caller started reading the
/// store (see [`SchemaCache::epoch`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Epoch(u64);

impl SchemaCache {
    /// An empty cache holding at most about `capacity` schemas (at least 16
    /// per shard), with no bound on their weight.
    pub fn new(capacity: usize) -> SchemaCache {
        SchemaCache::bounded(capacity, usize::MAX)
    }

    /// An empty cache holding at most about `capacity` schemas (at least 16
    /// per shard) weighing at most `max_bytes` together (see [`weight`]).
    pub fn bounded(capacity: usize, max_bytes: usize) -> SchemaCache {
        SchemaCache {
            shards: (0..SHARDS).map(|_| Shard::default()).collect(),
            shard_capacity: (capacity / SHARDS).max(16),
            max_bytes,
            bytes: AtomicUsize::new(0),
            epoch: AtomicU64::new(0),
        }
    }

    /// What the cached entries weigh together (see [`weight`]).
    pub fn bytes(&self) -> usize {
        self.bytes.load(Ordering::SeqCst)
    }

    /// The current epoch: note it before reading the store, pass it to
    /// [`SchemaCache::insert`].
    pub fn epoch(&self) -> Epoch {
        Epoch(self.epoch.load(Ordering::SeqCst))
    }

    fn shard(&self, id: SchemaId) -> &Shard {
        &self.shards[id.0.rem_euclid(SHARDS as i64) as usize]
    }

    /// The entry for `id`, if cached.
    pub fn get(&self, id: SchemaId) -> Option<Arc<CachedSchema>> {
        read(self.shard(id)).get(&id).cloned()
    }

    /// Caches `entry`, read from the store after `read_at`, keeping an entry
    /// already there (which another task may have parsed meanwhile). Returns
    /// the entry now cached; when something was evicted since `read_at`,
    /// returns `entry` without caching it (it may be what was evicted).
    pub fn insert(&self, entry: CachedSchema, read_at: Epoch) -> Arc<CachedSchema> {
        let id = entry.record.id;
        let heavy = weight(&entry.record);
        if heavy > self.max_bytes {
            // Kept, it would push out everything else and still not fit.
            return Arc::new(entry);
        }
        let mut entries = write(self.shard(id));
        if let Some(existing) = entries.get(&id) {
            return existing.clone();
        }
        // Evictions take a shard's write lock after advancing the epoch, so
        // holding this shard's lock, an eviction of `id` either shows here
        // or happens after this insert (and removes it).
        if self.epoch() != read_at {
            return Arc::new(entry);
        }
        if entries.len() >= self.shard_capacity {
            // Drop an eighth: cheap, and no bookkeeping on the read path.
            let victims: Vec<SchemaId> = entries
                .keys()
                .take(self.shard_capacity / 8 + 1)
                .copied()
                .collect();
            for victim in victims {
                if let Some(gone) = entries.remove(&victim) {
                    self.bytes.fetch_sub(weight(&gone.record), Ordering::SeqCst);
                }
            }
        }
        let entry = Arc::new(entry);
        entries.insert(id, entry.clone());
        self.bytes.fetch_add(heavy, Ordering::SeqCst);
        drop(entries);
        if self.bytes() > self.max_bytes {
            self.shed(id);
        }
        entry
    }

    /// Drops entries other than `keep` until the weight is within bound:
    /// from `keep`'s shard first, then the others (one lock at a time).
    fn shed(&self, keep: SchemaId) {
        let first = keep.0.rem_euclid(SHARDS as i64) as usize;
        for shard in (0..SHARDS).map(|i| &self.shards[(first + i) % SHARDS]) {
            let mut entries = write(shard);
            let victims: Vec<SchemaId> = entries.keys().filter(|&&v| v != keep).copied().collect();
            for victim in victims {
                if self.bytes() <= self.max_bytes {
                    return;
                }
                if let Some(gone) = entries.remove(&victim) {
                    self.bytes.fetch_sub(weight(&gone.record), Ordering::SeqCst);
                }
            }
        }
    }

    /// Forgets `id`.
    pub fn evict(&self, id: SchemaId) {
        self.epoch.fetch_add(1, Ordering::SeqCst);
        if let Some(gone) = write(self.shard(id)).remove(&id) {
            self.bytes.fetch_sub(weight(&gone.record), Ordering::SeqCst);
        }
    }

    /// Forgets everything.
    pub fn clear(&self) {
        self.epoch.fetch_add(1, Ordering::SeqCst);
        for shard in &self.shards {
            let mut entries = write(shard);
            let freed: usize = entries.values().map(|e| weight(&e.record)).sum();
            entries.clear();
            self.bytes.fetch_sub(freed, Ordering::SeqCst);
        }
    }

    /// How many schemas are cached.
    pub fn len(&self) -> usize {
        self.shards.iter().map(|s| read(s).len()).sum()
    }

    /// Whether nothing is cached.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The most schemas the cache holds.
    pub fn capacity(&self) -> usize {
        self.shard_capacity * SHARDS
    }
}

// A panic while holding a shard lock cannot leave its map half-updated (every
// mutation is one call), so a poisoned lock is still usable.
fn read(
    shard: &Shard,
) -> std::sync::RwLockReadGuard<
    '_,
    HashMap<SchemaId, Arc<CachedSchema>, BuildHasherDefault<IdHasher>>,
> {
    shard.read().unwrap_or_else(|e| e.into_inner())
}

fn write(
    shard: &Shard,
) -> std::sync::RwLockWriteGuard<
    '_,
    HashMap<SchemaId, Arc<CachedSchema>, BuildHasherDefault<IdHasher>>,
> {
    shard.write().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use schemas::SchemaType;

    fn record(id: i64) -> StoredSchema {
        StoredSchema {
            guid: format!("guid-{id}"),
            id: SchemaId(id),
            schema_type: SchemaType::Json,
            text: "true".into(),
            references: vec![],
            metadata: None,
            rule_set: None,
        }
    }

    #[test]
    fn stays_under_capacity() {
        let cache = SchemaCache::new(0);
        assert_eq!(cache.capacity(), 16 * SHARDS);
        for id in 0..2000 {
            cache.insert(CachedSchema::new(record(id)), cache.epoch());
            assert!(cache.len() <= cache.capacity());
        }
        assert!(cache.get(SchemaId(1999)).is_some());
    }

    fn record_of(id: i64, text_len: usize) -> StoredSchema {
        StoredSchema {
            text: format!("\"{}\"", "x".repeat(text_len - 2)),
            ..record(id)
        }
    }

    /// Entries of 100 bytes of text weigh 5,824 each: 3 fit in 20,000.
    #[test]
    fn stays_under_its_weight() {
        let cache = SchemaCache::bounded(1000, 20_000);
        assert_eq!(weight(&record_of(1, 100)), 5_824);
        for id in 0..50 {
            cache.insert(CachedSchema::new(record_of(id, 100)), cache.epoch());
            assert!(cache.bytes() <= 20_000, "{} bytes", cache.bytes());
            assert!(cache.get(SchemaId(id)).is_some(), "the newest is kept");
        }
        assert_eq!(cache.len(), 3);
        assert_eq!(cache.bytes(), 3 * 5_824);
        // Heavier than the whole bound: served, not kept, nothing dropped.
        let served = cache.insert(CachedSchema::new(record_of(99, 1000)), cache.epoch());
        assert_eq!(served.record.id, SchemaId(99));
        assert!(cache.get(SchemaId(99)).is_none());
        assert_eq!(cache.len(), 3);
        cache.evict(SchemaId(49));
        assert_eq!(cache.bytes(), 2 * 5_824);
        cache.clear();
        assert_eq!(cache.bytes(), 0);
    }

    #[test]
    fn ids_hash_apart() {
        let hash = |id: i64| {
            let mut h = IdHasher::default();
            std::hash::Hash::hash(&SchemaId(id), &mut h);
            h.finish()
        };
        // Neighbouring ids differ in their top bits, where the table looks.
        let tops: std::collections::HashSet<u64> = (0..64).map(|id| hash(id) >> 57).collect();
        assert!(tops.len() > 32, "{tops:?}");
    }

    #[test]
    fn keeps_the_first_entry_for_an_id() {
        let cache = SchemaCache::new(16);
        let first = cache.insert(CachedSchema::new(record(1)), cache.epoch());
        let second = cache.insert(CachedSchema::new(record(1)), cache.epoch());
        assert!(Arc::ptr_eq(&first, &second));
        cache.evict(SchemaId(1));
        assert!(cache.get(SchemaId(1)).is_none());
    }

    #[test]
    fn a_read_that_raced_an_eviction_is_not_cached() {
        let cache = SchemaCache::new(16);
        let before = cache.epoch();
        // Another instance deletes id 1 while this one reads it.
        cache.evict(SchemaId(1));
        let served = cache.insert(CachedSchema::new(record(1)), before);
        assert_eq!(served.record.id, SchemaId(1));
        assert!(cache.get(SchemaId(1)).is_none());
        // A read begun after the eviction is cached.
        cache.insert(CachedSchema::new(record(1)), cache.epoch());
        assert!(cache.get(SchemaId(1)).is_some());
        cache.insert(CachedSchema::new(record(2)), cache.epoch());
        cache.clear();
        assert!(cache.is_empty());
    }

    #[test]
    fn remembers_holders_for_a_while() {
        let entry = CachedSchema::new(record(1));
        let fresh = std::time::Duration::from_secs(60);
        assert!(!entry.some_holder(fresh, |_| true));
        entry.remember_holders(vec!["orders-value".to_string()].into());
        assert!(entry.some_holder(fresh, |s| s == "orders-value"));
        assert!(!entry.some_holder(fresh, |s| s == "payments-value"));
        assert!(!entry.some_holder(std::time::Duration::ZERO, |_| true));
    }

    #[tokio::test]
    async fn parses_once() {
        let entry = CachedSchema::new(record(1));
        let count = std::sync::atomic::AtomicUsize::new(0);
        for _ in 0..3 {
            let r = &entry.record;
            let parsed: Result<_, schemas::SchemaError> = entry
                .parsed(async {
                    count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    Schema::parse(r.schema_type, &r.text, &schemas::NoReferences).map(Arc::new)
                })
                .await;
            assert!(parsed.is_ok());
        }
        assert_eq!(count.load(std::sync::atomic::Ordering::SeqCst), 1);
    }
}
