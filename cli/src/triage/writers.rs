//! The writer schemas framed messages name, fetched once per schema id and
//! shared by every worker.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use anyhow::anyhow;
use schemas::triage::Writer;

use crate::exit::RegistryFailure;

/// Fetches the writer schema of one id: `Ok(None)` when the registry has
/// no such id, `Err` when it could not answer (the message becomes the
/// run's one error line, exit code 3).
pub type Fetch = dyn Fn(u32) -> anyhow::Result<Option<Writer>> + Send + Sync;

/// What one fetch found, kept for every later message naming the id.
type Found = Result<Option<Arc<Writer>>, String>;

/// Writer schemas by id, each fetched at most once, even when several
/// workers meet a new id at the same moment (the others wait for the
/// first's answer). A failed fetch is not repeated either: every message
/// naming that id gets the same error.
pub struct Writers {
    fetch: Box<Fetch>,
    cells: Mutex<HashMap<u32, Arc<OnceLock<Found>>>>,
}

impl std::fmt::Debug for Writers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Writers").finish_non_exhaustive()
    }
}

impl Writers {
    /// A cache in front of `fetch`.
    pub fn new(fetch: Box<Fetch>) -> Writers {
        Writers {
            fetch,
            cells: Mutex::new(HashMap::new()),
        }
    }

    /// The writer schema with id `id`, `None` when the registry has none.
    pub fn get(&self, id: u32) -> anyhow::Result<Option<Arc<Writer>>> {
        let cell = self
            .cells
            .lock()
            .expect("no panic while holding the lock")
            .entry(id)
            .or_default()
            .clone();
        // The map's lock is released: other ids are fetched meanwhile.
        let found = cell.get_or_init(|| {
            (self.fetch)(id)
                .map(|writer| writer.map(Arc::new))
                .map_err(|e| format!("{e:#}"))
        });
        found
            .clone()
            .map_err(|message| anyhow!(RegistryFailure(message)))
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
        let writers = Writers::new(Box::new(move |id| {
            counted.fetch_add(1, Ordering::SeqCst);
            std::thread::sleep(Duration::from_millis(50));
            match id {
                404 => Ok(None),
                500 => Err(anyhow!("registry answered 500")),
                _ => Ok(Some(writer(id))),
            }
        }));
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
