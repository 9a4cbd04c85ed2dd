//! Reading schemas by their global id.

use std::sync::Arc;

use super::{CachedSchema, Error, Registry};
use crate::model::{SchemaId, VersionRecord};

impl Registry {
    /// The schema with id `id`, while some version (live or soft-deleted)
    /// holds it. This is the hot read path: one cache hit, no I/O.
    pub async fn schema_by_id(&self, id: SchemaId) -> Result<Arc<CachedSchema>, Error> {
        if let Some(entry) = self.cache.get(id) {
            return Ok(entry);
        }
        let record = self
            .store
            .schema(id)
            .await?
            .ok_or(Error::SchemaNotFound { id })?;
        // A schema whose versions were all permanently deleted is gone for
        // clients, though its id stays taken.
        if self.store.usages(id).await?.is_empty() {
            return Err(Error::SchemaNotFound { id });
        }
        Ok(self.cache.insert(CachedSchema::new(record)))
    }

    /// The versions holding schema `id` (soft-deleted ones with
    /// `include_deleted`), ordered by subject and version, restricted to
    /// `subject` when given. 40403 when the id is unknown.
    pub async fn usages(
        &self,
        id: SchemaId,
        subject: Option<&str>,
        include_deleted: bool,
    ) -> Result<Vec<VersionRecord>, Error> {
        let all = self.store.usages(id).await?;
        if all.is_empty() {
            return Err(Error::SchemaNotFound { id });
        }
        Ok(all
            .into_iter()
            .filter(|v| include_deleted || !v.deleted)
            .filter(|v| subject.is_none_or(|s| v.subject == s))
            .collect())
    }

    /// The version to show beside schema `id` when a client names a subject:
    /// that subject's latest version holding it, else the first holder.
    pub async fn usage_for(
        &self,
        id: SchemaId,
        subject: &str,
    ) -> Result<Option<VersionRecord>, Error> {
        let all = self.store.usages(id).await?;
        let in_subject = all
            .iter()
            .rev()
            .find(|v| v.subject == subject && !v.deleted);
        Ok(in_subject.or_else(|| all.first()).cloned())
    }

    /// The highest id ever allocated.
    pub async fn max_schema_id(&self) -> Result<Option<SchemaId>, Error> {
        Ok(self.store.max_schema_id().await?)
    }
}
