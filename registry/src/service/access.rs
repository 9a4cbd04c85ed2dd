//! What the rules need from authorization: whether a caller may read a
//! schema id, which is so when it may read some subject the id is
//! registered under (soft-deleted versions included, as reads by id serve
//! them).
//!
//! The subjects holding an id are remembered in its schema-cache entry, so
//! that an authorized read by id stays one cache hit (the handler's lookup
//! then finds the entry this check just touched). An answer is only ever
//! *allowed* from that memory; a refusal always asks the store again, so a
//! version registered a moment ago (here or by another process) is readable
//! at once. A permanent delete here evicts the entry, and with it what it
//! remembered; one made by another process sharing the database is seen
//! within [`HOLDERS_TTL`] (the schema cache keeps serving such an id's
//! content until eviction anyway).

use std::sync::Arc;
use std::time::Duration;

use super::{CachedSchema, Error, Registry};
use crate::auth::Caller;
use crate::model::{SchemaId, context_of};

/// How long the subjects holding an id are remembered.
pub const HOLDERS_TTL: Duration = Duration::from_secs(60);

impl Registry {
    /// Whether `caller` may read schema `id`: it may read a subject some
    /// version holding the id belongs to. An unknown id is not readable.
    pub async fn schema_readable(&self, id: SchemaId, caller: &Caller) -> Result<bool, Error> {
        if caller.reads_everything() {
            return Ok(true);
        }
        Ok(self.readable_schema(id, caller).await?.is_some())
    }

    /// Schema `id` when `caller` may read it (as [`Registry::schema_readable`]
    /// decides, though it looks the id up even for a caller who reads
    /// everything): the entry the decision read, so that serving the id
    /// needs no second lookup.
    pub async fn readable_schema(
        &self,
        id: SchemaId,
        caller: &Caller,
    ) -> Result<Option<Arc<CachedSchema>>, Error> {
        let entry = match self.schema_by_id(id).await {
            Ok(entry) => entry,
            Err(Error::SchemaNotFound { .. }) => return Ok(None),
            Err(e) => return Err(e),
        };
        if caller.reads_everything() || entry.some_holder(HOLDERS_TTL, |s| caller.may_read(s)) {
            return Ok(Some(entry));
        }
        let mut subjects: Vec<String> = self
            .store
            .usages(id)
            .await?
            .into_iter()
            .map(|v| v.subject)
            .filter(|s| context_of(s).is_none())
            .collect();
        subjects.dedup();
        let readable = subjects.iter().any(|s| caller.may_read(s));
        entry.remember_holders(subjects.into());
        Ok(readable.then_some(entry))
    }

    /// Whether `caller` may read schema id `id` as a read naming `subject`
    /// finds it (see [`Registry::schema_for_subject`]): it may read a
    /// subject of the context the id was found in holding it. An unknown
    /// id is not readable.
    pub async fn schema_readable_for(
        &self,
        id: SchemaId,
        subject: &str,
        caller: &Caller,
    ) -> Result<bool, Error> {
        let found = match self.schema_for_subject(id, subject).await {
            Ok(found) => found,
            Err(Error::SchemaNotFound { .. }) => return Ok(false),
            Err(e) => return Err(e),
        };
        if caller.reads_everything() {
            return Ok(true);
        }
        let context = found.usage.as_ref().and_then(|u| context_of(&u.subject));
        let row = found.entry.record.id;
        Ok(self
            .store
            .usages(row)
            .await?
            .iter()
            .any(|v| context_of(&v.subject) == context && caller.may_read(&v.subject)))
    }

    /// Whether `caller` may read some subject, in any context, holding the
    /// schema stored as row `row` (a read by GUID, which names content).
    pub async fn content_readable(&self, row: SchemaId, caller: &Caller) -> Result<bool, Error> {
        if caller.reads_everything() {
            return Ok(true);
        }
        Ok(self
            .store
            .usages(row)
            .await?
            .iter()
            .any(|v| caller.may_read(&v.subject)))
    }
}
