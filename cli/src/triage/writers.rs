//! The writer schemas framed messages name, fetched once per schema id and
//! shared by every worker; and the schema ids of the GUIDs header-framed
//! records name, asked once per GUID.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex, OnceLock};

use anyhow::anyhow;
use schemas::triage::Writer;

use crate::exit::RegistryFailure;

/// Fetches the writer schema of one id: `Ok(None)` when the registry has
/// no such id, `Err` when it could not answer (the message becomes the
/// run's one error line, exit code 3).
pub type Fetch = dyn Fn(u32) -> anyhow::Result<Option<Writer>> + Send + Sync;

/// Finds the schema id of a schema GUID (`GET /schemas/guids/{guid}/ids`):
/// `Ok(None)` when the registry has no schema with that GUID.
pub type FindGuid = dyn Fn(&[u8; 16]) -> anyhow::Result<Option<u32>> + Send + Sync;

/// Answers by key, each asked at most once, even when several workers meet
/// a new key at the same moment (the others wait for the first's answer).
/// A failed answer is not asked again either: every later ask gets the same
/// error.
struct Memo<K, V> {
    cells: Mutex<HashMap<K, Arc<Answer<V>>>>,
}

/// One key's answer once asked: the value, or why it could not be had.
type Answer<V> = OnceLock<Result<V, String>>;

impl<K: Eq + Hash, V: Clone> Memo<K, V> {
    fn new() -> Memo<K, V> {
        Memo {
            cells: Mutex::new(HashMap::new()),
        }
    }

    fn get(&self, key: K, ask: impl FnOnce() -> anyhow::Result<V>) -> anyhow::Result<V> {
        let cell = self
            .cells
            .lock()
            .expect("no panic while holding the lock")
            .entry(key)
            .or_default()
            .clone();
        // The map's lock is released: other keys are asked meanwhile.
        cell.get_or_init(|| ask().map_err(|e| format!("{e:#}")))
            .clone()
            .map_err(|message| anyhow!(RegistryFailure(message)))
    }
}

/// Writer schemas by id, and schema ids by GUID, each asked of the
/// registry at most once.
pub struct Writers {
    fetch: Box<Fetch>,
    find_guid: Box<FindGuid>,
    writers: Memo<u32, Option<Arc<Writer>>>,
    guids: Memo<[u8; 16], Option<u32>>,
}

impl std::fmt::Debug for Writers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Writers").finish_non_exhaustive()
    }
}

impl Writers {
    /// A cache in front of `fetch` and `find_guid`.
    pub fn new(fetch: Box<Fetch>, find_guid: Box<FindGuid>) -> Writers {
        Writers {
            fetch,
            find_guid,
            writers: Memo::new(),
            guids: Memo::new(),
        }
    }

    /// The writer schema with id `id`, `None` when the registry has none.
    pub fn get(&self, id: u32) -> anyhow::Result<Option<Arc<Writer>>> {
        self.writers
            .get(id, || (self.fetch)(id).map(|writer| writer.map(Arc::new)))
    }

    /// The schema id of GUID `guid`, `None` when the registry has none.
    pub fn id_of_guid(&self, guid: &[u8; 16]) -> anyhow::Result<Option<u32>> {
        self.guids.get(*guid, || (self.find_guid)(guid))
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    use schemas::payload::PayloadValidator;
    use schemas::{NoReferences, Schema, SchemaType};

    use super::*;
    use crate::exit::Exit;

    fn writer(id: u32) -> Writer {
        let schema = Schema::parse(SchemaType::Json, "{}", &NoReferences).unwrap();
        Writer {
            schema_id: id,
            validator: Arc::new(PayloadValidator::new(Arc::new(schema), None).unwrap()),
            subject_versions: Vec::new(),
        }
    }

    /// A cache whose fetch counts its calls and answers slowly: id 404 is
    /// unknown, id 500 fails.
    fn counting() -> (Arc<Writers>, Arc<AtomicUsize>) {
        let calls = Arc::new(AtomicUsize::new(0));
        let counted = calls.clone();
        let writers = Writers::new(
            Box::new(move |id| {
                counted.fetch_add(1, Ordering::SeqCst);
                std::thread::sleep(Duration::from_millis(50));
                match id {
                    404 => Ok(None),
                    500 => Err(anyhow!("registry answered 500")),
                    _ => Ok(Some(writer(id))),
                }
            }),
            Box::new(|guid| Ok(Some(u32::from(guid[0])))),
        );
        (Arc::new(writers), calls)
    }

    #[test]
    fn each_id_is_fetched_once_by_many_threads_at_once() {
        let (writers, calls) = counting();
        let threads: Vec<_> = (0..8)
            .map(|n| {
                let writers = writers.clone();
                std::thread::spawn(move || {
                    let id = if n % 2 == 0 { 7 } else { 404 };
                    writers.get(id).unwrap().map(|w| w.schema_id)
                })
            })
            .collect();
        let found: Vec<_> = threads.into_iter().map(|t| t.join().unwrap()).collect();
        assert_eq!(
            found,
            [Some(7), None, Some(7), None, Some(7), None, Some(7), None]
        );
        assert_eq!(calls.load(Ordering::SeqCst), 2);
        writers.get(7).unwrap();
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }

    #[test]
    fn a_failed_fetch_is_a_registry_error_and_not_repeated() {
        let (writers, calls) = counting();
        for _ in 0..3 {
            let error = writers.get(500).unwrap_err();
            assert_eq!(error.to_string(), "registry answered 500");
            assert_eq!(Exit::for_error(&error), Exit::Registry);
        }
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }
}
