//! The registry's rules: what a registration, lookup, deletion or check does,
//! independent of HTTP.
//!
//! Architecture invariants:
//! - No wire format: inputs and outputs are domain types; `http` maps them.
//! - No SQL: everything durable goes through [`Store`].
//! - Writes to one subject are serialized in-process (striped locks) and
//!   guarded in the store by the subject's generation, so a version is only
//!   ever appended to the history it was checked against, even with several
//!   processes on one database.
//! - Nothing that decides a verdict is cached: a subject's history, configs
//!   and modes are read from the store on every decision, so a change made
//!   through another instance governs the next request here. Only schemas by
//!   id are cached (immutable content; see `cache`).

/// Evaluates an attempt (an expression giving a future of `Result<_, Error>`)
/// until it does not hit a concurrent change of its subject, at most
/// [`MAX_ATTEMPTS`] times. (A macro, not a function taking an async closure:
/// the futures of such closures are not provably `Send` for axum.)
macro_rules! retrying {
    ($attempt:expr) => {{
        let mut outcome = Err($crate::service::Error::Busy);
        for _ in 0..$crate::service::MAX_ATTEMPTS {
            outcome = $attempt.await;
            if !matches!(
                outcome,
                Err($crate::service::Error::Store(
                    $crate::store::StoreError::Conflict
                ))
            ) {
                break;
            }
        }
        match outcome {
            Err($crate::service::Error::Store($crate::store::StoreError::Conflict)) => {
                Err($crate::service::Error::Busy)
            }
            other => other,
        }
    }};
}

mod access;
mod association_batch;
mod association_rules;
mod associations;
mod audit;
mod cache;
mod candidate;
mod compatibility;
mod config;
mod consumers;
mod contexts;
mod delete;
mod deploy;
mod error;
mod identity;
mod readings;
mod register;
mod schemas_by_id;
mod subjects;
mod tags;
mod triage;
mod versioning;
mod work;

use std::collections::{HashSet, VecDeque};
use std::hash::{BuildHasher, RandomState};
use std::sync::Arc;

use schemas::SchemaLimits;
use schemas::payload::DecodeLimits;
use schemas::{CompatibilityMode, MapResolver, Schema};
use tokio::sync::{Mutex, MutexGuard};

pub use access::HOLDERS_TTL;
pub use association_batch::{
    AssociationQuery, BatchOp, ResourceAnswer, ResourceOps, Run, runs as batch_runs,
};
pub use association_rules::{AssociationInput, AssociationRequest, Upsert, default_subject};
pub use associations::{AssociationDeletion, AssociationOutcome};
pub use cache::{CachedSchema, SchemaCache};
pub use compatibility::{CheckTarget, CompatibilityOutcome, JudgedChange};
pub use config::ConfigUpdate;
pub use consumers::{ReaderInput, ReaderRecording};
pub use deploy::{ConsumerStatus, DeployAnswer, DeployQuestion, MatrixRow, WriterRef};
pub use error::{Error, InvalidSchema, InvalidTriage, NotPermitted};
pub use register::{
    Contract, PostedReference, PostedSchema, Registered, Registration, SchemaInput,
};
pub use subjects::DeletedFilter;
pub use tags::TagRequest;
pub use triage::{ReaderRequest, ReaderSource, TriageMessage, TriageOutcome, TriageRequest};
pub use versioning::WantedVersion;
pub use work::{WorkLimits, WorkPool};

use crate::metrics::Metrics;
use crate::model::{
    ConfigRecord, GLOBAL_CONTEXT, Mode, Reference, SchemaId, Scope, Subject, Version,
    VersionRecord, VersionSelector, context_scope_name,
};
use crate::store::{History, Invalidation, Store, StoreError};

/// How often a write is retried when its subject changed underneath it.
/// Within one process writers of a subject take turns (striped locks), so
/// only writers in other processes (instances on one PostgreSQL database)
/// make an attempt fail; each failure means one of them committed, and a
/// writer competing with one other instance loses all 64 attempts with
/// probability 2^-64.
const MAX_ATTEMPTS: usize = 64;

/// How many lock stripes serialize writes per subject.
const LOCK_STRIPES: usize = 256;

/// The compatibility level when nothing is configured (the peer's default).
pub const DEFAULT_COMPATIBILITY: CompatibilityMode = CompatibilityMode::Backward;

/// A subject version with its schema.
#[derive(Debug, Clone)]
pub struct SubjectVersion {
    /// The version record.
    pub record: VersionRecord,
    /// Its schema.
    pub schema: Arc<CachedSchema>,
}

/// How a [`Registry`] is built: the bounds on what it holds and does.
#[derive(Debug, Clone, Copy)]
pub struct RegistryOptions {
    /// The most schemas kept in memory.
    pub schema_cache_size: usize,
    /// The most the schemas kept in memory may weigh (see [`cache::weight`]).
    pub schema_cache_bytes: usize,
    /// The pool schema work runs on.
    pub work: WorkLimits,
    /// Bounds on decoding one triage message.
    pub decode: DecodeLimits,
    /// Bounds on a posted schema and on one compatibility check.
    pub schema_limits: SchemaLimits,
}

/// The registry: a store, a cache of schemas, and the rules.
pub struct Registry {
    store: Arc<dyn Store>,
    cache: Arc<SchemaCache>,
    work: WorkPool,
    decode: DecodeLimits,
    limits: SchemaLimits,
    locks: Vec<Mutex<()>>,
    hasher: RandomState,
    metrics: Arc<Metrics>,
    readers: consumers::ReaderCache,
    readings: readings::ReadingCache,
}

impl std::fmt::Debug for Registry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Registry")
            .field("cached_schemas", &self.cache.len())
            .finish_non_exhaustive()
    }
}

impl Registry {
    /// A registry over `store`, bounded as `options` says. The cache hears
    /// from the store what other processes deleted for good.
    pub fn new(store: Arc<dyn Store>, options: RegistryOptions, metrics: Arc<Metrics>) -> Registry {
        let cache = Arc::new(SchemaCache::bounded(
            options.schema_cache_size,
            options.schema_cache_bytes,
        ));
        let weak = Arc::downgrade(&cache);
        store.on_invalidation(Arc::new(move |event| {
            let Some(cache) = weak.upgrade() else { return };
            match event {
                Invalidation::Gone(ids) => ids.into_iter().for_each(|id| cache.evict(id)),
                Invalidation::All => cache.clear(),
            }
        }));
        Registry {
            store,
            cache,
            work: WorkPool::new(options.work),
            decode: options.decode,
            limits: options.schema_limits,
            locks: (0..LOCK_STRIPES).map(|_| Mutex::new(())).collect(),
            hasher: RandomState::new(),
            metrics,
            readers: consumers::ReaderCache::default(),
            readings: readings::ReadingCache::default(),
        }
    }

    /// The pool schema work (and other CPU work of requests) runs on.
    pub fn work(&self) -> &WorkPool {
        &self.work
    }

    /// Whether the store answers.
    pub async fn ready(&self) -> Result<(), Error> {
        Ok(self.store.ping().await?)
    }

    /// How many distinct schemas versions hold.
    pub async fn schemas_stored(&self) -> Result<u64, Error> {
        Ok(self.store.count_schemas_in_use().await?)
    }

    /// Serializes writers of one subject within this process.
    async fn lock(&self, subject: &Subject) -> MutexGuard<'_, ()> {
        let stripe = self.hasher.hash_one(subject.as_str()) as usize % LOCK_STRIPES;
        self.locks[stripe].lock().await
    }

    /// The cached entry for `id`, loading it from the store if needed;
    /// `None` when no schema has that id.
    async fn cached(&self, id: SchemaId) -> Result<Option<Arc<CachedSchema>>, Error> {
        if let Some(entry) = self.cache.get(id) {
            return Ok(Some(entry));
        }
        let read_at = self.cache.epoch();
        Ok(self
            .store
            .schema(id)
            .await?
            .map(|record| self.cache.insert(CachedSchema::new(record), read_at)))
    }

    /// The cached entry for an id a version holds (so it must exist).
    async fn held(&self, id: SchemaId) -> Result<Arc<CachedSchema>, Error> {
        self.cached(id).await?.ok_or_else(|| {
            Error::Store(StoreError::Corrupt(format!(
                "version holds missing schema {id}"
            )))
        })
    }

    /// The parsed form of schema `id`.
    async fn parsed(&self, id: SchemaId) -> Result<Arc<Schema>, Error> {
        let entry = self.held(id).await?;
        let record = &entry.record;
        entry
            .parsed(async {
                let resolver = self.resolver(&record.references).await?;
                let (schema_type, text) = (record.schema_type, record.text.clone());
                let limits = self.limits.for_stored();
                self.work
                    .run(move || Schema::parse_within(schema_type, &text, &resolver, &limits))
                    .await?
                    .map(Arc::new)
                    .map_err(|error| Error::StoredSchemaUnreadable { id, error })
            })
            .await
    }

    /// A resolver holding the text of every schema `references` reach,
    /// directly or through their own references, under each name a
    /// reference gives it (the first reference of a name wins, as in the
    /// peer's `resolveReferences`; one version may have several names).
    async fn resolver(&self, references: &[Reference]) -> Result<MapResolver, Error> {
        let mut resolver = MapResolver::new();
        let (mut names, mut seen) = (HashSet::new(), HashSet::new());
        let mut queue: VecDeque<Reference> = references.iter().cloned().collect();
        while let Some(reference) = queue.pop_front() {
            if !names.insert(reference.name.clone()) {
                continue;
            }
            let history = self.store.history(&reference.subject).await?;
            let record = history
                .versions
                .iter()
                .find(|v| v.version == reference.version)
                .ok_or_else(|| InvalidSchema::UnresolvedReference {
                    name: reference.name.clone(),
                    subject: reference.subject.clone(),
                    version: VersionSelector::Number(reference.version),
                })?;
            let target = self.held(record.schema_id).await?;
            resolver.insert(reference.name.clone(), target.record.text.clone());
            if seen.insert((reference.subject.clone(), reference.version)) {
                queue.extend(target.record.references.iter().cloned());
            }
        }
        Ok(resolver)
    }

    /// The config that applies to a subject: its own fields over the global
    /// ones over the global context's ([`GLOBAL_CONTEXT`]) over the defaults;
    /// a subject config's alias and data-contract defaults are its own alone
    /// (see [`ConfigRecord::over_global`]).
    async fn effective_config(&self, subject: Option<&Subject>) -> Result<ConfigRecord, Error> {
        let global_context = Scope::Subject(Subject::parse(GLOBAL_CONTEXT)?);
        let mut scopes = vec![Scope::Global, global_context];
        let context = subject.and_then(context_scope).transpose()?;
        let has_context = context.is_some();
        scopes.extend(context);
        scopes.extend(subject.map(|s| Scope::Subject(s.clone())));
        // One read for every scope consulted.
        let mut configs = self.store.configs(&scopes).await?.into_iter();
        let global = configs.next().flatten().unwrap_or_default();
        let global_context = configs.next().flatten().unwrap_or_default();
        let mut global = global.over(global_context);
        if has_context {
            // The context's own config (`:.ctx:`) over the registry's.
            if let Some(context) = configs.next().flatten() {
                global = context.over(global);
            }
        }
        let own = configs.next().flatten();
        let applying = match own {
            Some(own) => own.over_global(global),
            None => global,
        };
        Ok(applying.over(ConfigRecord {
            compatibility: Some(DEFAULT_COMPATIBILITY),
            ..ConfigRecord::default()
        }))
    }

    /// The mode that applies to a subject (or to the registry for `None`):
    /// its own, else the registry's, else the global context's
    /// ([`GLOBAL_CONTEXT`]), else READWRITE.
    async fn effective_mode(&self, subject: Option<&Subject>) -> Result<Mode, Error> {
        let global_context = Scope::Subject(Subject::parse(GLOBAL_CONTEXT)?);
        let mut scopes: Vec<Scope> = subject
            .map(|s| Scope::Subject(s.clone()))
            .into_iter()
            .collect();
        scopes.extend(subject.and_then(context_scope).transpose()?);
        scopes.extend([Scope::Global, global_context]);
        // One read for every scope consulted; the first one set applies.
        Ok(self
            .store
            .modes(&scopes)
            .await?
            .into_iter()
            .flatten()
            .next()
            .unwrap_or_default())
    }

    /// Refuses with 42205 when the scope is read-only.
    async fn ensure_writable(&self, subject: Option<&Subject>) -> Result<(), Error> {
        let mode = self.effective_mode(subject).await?;
        if mode.is_read_only() {
            return Err(NotPermitted::ReadOnly {
                scope: match subject {
                    Some(s) => format!("subject '{s}'"),
                    None => "registry".to_string(),
                },
                mode: mode.as_str(),
            }
            .into());
        }
        Ok(())
    }

    /// The id clients see for schema row `schema_id` in `context` (`None`:
    /// the default context, where it is the row's).
    async fn shown_id(
        &self,
        context: Option<&str>,
        schema_id: SchemaId,
    ) -> Result<SchemaId, Error> {
        let Some(context) = context else {
            return Ok(schema_id);
        };
        self.store
            .id_in_context(context, schema_id)
            .await?
            .ok_or_else(|| {
                Error::Store(StoreError::Corrupt(format!(
                    "schema {schema_id} has no id in context {context}"
                )))
            })
    }

    async fn history(&self, subject: &Subject) -> Result<History, Error> {
        Ok(self.store.history(subject.as_str()).await?)
    }
}

/// The scope of the context `subject` lives in (`:.ctx:` for
/// `:.ctx:orders`), whose config and mode apply to the subjects of the
/// context that set none of their own; `None` in the default context, and
/// for the context-level name itself.
fn context_scope(subject: &Subject) -> Option<Result<Scope, Error>> {
    let context = subject.context()?;
    let name = context_scope_name(context);
    if name == subject.as_str() || name == GLOBAL_CONTEXT {
        return None;
    }
    Some(
        Subject::parse(&name)
            .map(Scope::Subject)
            .map_err(Error::from),
    )
}

/// The versions of a history a read may see (soft-deleted ones with
/// `include_deleted`), oldest first; 40401 when there is none.
fn visible<'h>(
    history: &'h History,
    subject: &Subject,
    include_deleted: bool,
) -> Result<Vec<&'h VersionRecord>, Error> {
    let visible: Vec<&VersionRecord> = history
        .versions
        .iter()
        .filter(|v| include_deleted || !v.deleted)
        .collect();
    if visible.is_empty() {
        return Err(Error::SubjectNotFound {
            subject: subject.to_string(),
        });
    }
    Ok(visible)
}

/// The live (not soft-deleted) versions of a history, oldest first.
fn live(history: &History) -> impl DoubleEndedIterator<Item = &VersionRecord> {
    history.versions.iter().filter(|v| !v.deleted)
}

/// The next version number: one past the highest, soft-deleted ones included.
fn next_version(history: &History) -> Version {
    Version(history.versions.last().map_or(0, |v| v.version.0) + 1)
}
