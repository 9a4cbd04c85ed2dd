//! Schemas kept in memory by id: the stored record at once, the parsed form
//! when a compatibility check first needs it.
//!
//! A schema id names immutable content, so an entry never goes stale; the
//! only thing that changes is whether some version still holds the id, and
//! the service evicts an id when it permanently deletes versions. Nothing is
//! loaded at start-up: entries arrive on first use, and the cache stays under
//! its capacity by dropping a slice of entries when full.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use schemas::Schema;
use tokio::sync::OnceCell;

use crate::model::{SchemaId, StoredSchema};

/// One cached schema.
#[derive(Debug)]
pub struct CachedSchema {
    /// The stored record.
    pub record: StoredSchema,
    parsed: OnceCell<Arc<Schema>>,
}

impl CachedSchema {
    /// An entry for a stored record, not parsed yet.
    pub fn new(record: StoredSchema) -> CachedSchema {
        CachedSchema {
            record,
            parsed: OnceCell::new(),
        }
    }

    /// An entry whose parsed form is already known.
    pub fn with_parsed(record: StoredSchema, parsed: Arc<Schema>) -> CachedSchema {
        CachedSchema {
            record,
            parsed: OnceCell::new_with(Some(parsed)),
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

/// A bounded map from id to [`CachedSchema`].
#[derive(Debug)]
pub struct SchemaCache {
    entries: RwLock<HashMap<SchemaId, Arc<CachedSchema>>>,
    capacity: usize,
}

impl SchemaCache {
    /// An empty cache holding at most `capacity` schemas (at least 16).
    pub fn new(capacity: usize) -> SchemaCache {
        SchemaCache {
            entries: RwLock::new(HashMap::new()),
            capacity: capacity.max(16),
        }
    }

    /// The entry for `id`, if cached.
    pub fn get(&self, id: SchemaId) -> Option<Arc<CachedSchema>> {
        self.read().get(&id).cloned()
    }

    /// Caches `entry`, keeping an entry already there (which another task may
    /// have parsed meanwhile). Returns the entry now cached.
    pub fn insert(&self, entry: CachedSchema) -> Arc<CachedSchema> {
        let mut entries = self.write();
        if let Some(existing) = entries.get(&entry.record.id) {
            return existing.clone();
        }
        if entries.len() >= self.capacity {
            // Drop an eighth: cheap, and no bookkeeping on the read path.
            let victims: Vec<SchemaId> = entries
                .keys()
                .take(self.capacity / 8 + 1)
                .copied()
                .collect();
            for id in victims {
                entries.remove(&id);
            }
        }
        let entry = Arc::new(entry);
        entries.insert(entry.record.id, entry.clone());
        entry
    }

    /// Forgets `id`.
    pub fn evict(&self, id: SchemaId) {
        self.write().remove(&id);
    }

    /// How many schemas are cached.
    pub fn len(&self) -> usize {
        self.read().len()
    }

    /// Whether nothing is cached.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, HashMap<SchemaId, Arc<CachedSchema>>> {
        // A panic while holding the lock cannot leave the map half-updated
        // (every mutation is one call), so a poisoned lock is still usable.
        self.entries.read().unwrap_or_else(|e| e.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, HashMap<SchemaId, Arc<CachedSchema>>> {
        self.entries.write().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use schemas::SchemaType;

    fn record(id: i64) -> StoredSchema {
        StoredSchema {
            id: SchemaId(id),
            schema_type: SchemaType::Json,
            text: "true".into(),
            references: vec![],
        }
    }

    #[test]
    fn stays_under_capacity() {
        let cache = SchemaCache::new(16);
        for id in 0..100 {
            cache.insert(CachedSchema::new(record(id)));
            assert!(cache.len() <= 16);
        }
        assert!(cache.get(SchemaId(99)).is_some());
    }

    #[test]
    fn keeps_the_first_entry_for_an_id() {
        let cache = SchemaCache::new(16);
        let first = cache.insert(CachedSchema::new(record(1)));
        let second = cache.insert(CachedSchema::new(record(1)));
        assert!(Arc::ptr_eq(&first, &second));
        cache.evict(SchemaId(1));
        assert!(cache.get(SchemaId(1)).is_none());
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
