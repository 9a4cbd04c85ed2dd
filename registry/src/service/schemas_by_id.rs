//! Reading schemas by their global id.

use std::borrow::Cow;
use std::sync::Arc;

use schemas::SchemaType;

use super::{CachedSchema, Error, Registry};
use crate::model::{SchemaId, VersionRecord};

/// How a client asks for a schema's text (`format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    /// The stored canonical text.
    Default,
    /// Protobuf: base64 of the serialized `FileDescriptorProto`.
    Serialized,
    /// Avro: every referenced named type inlined.
    Resolved,
}

impl Format {
    /// The format a `format` value names for a schema type. Values a type
    /// does not know are ignored, as the peer ignores them.
    fn of(requested: Option<&str>, schema_type: SchemaType) -> Format {
        match (
            requested.map(str::to_ascii_lowercase).as_deref(),
            schema_type,
        ) {
            (Some("serialized"), SchemaType::Protobuf) => Format::Serialized,
            (Some("resolved"), SchemaType::Avro) => Format::Resolved,
            _ => Format::Default,
        }
    }
}

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

    /// A schema's text in the `format` a client asked for: the stored
    /// canonical text by default, base64 of the descriptor for Protobuf's
    /// `serialized`, and for Avro's `resolved` one self-contained schema with
    /// the named types of its references written in full at their first use.
    pub async fn schema_text<'a>(
        &self,
        entry: &'a CachedSchema,
        format: Option<&str>,
    ) -> Result<Cow<'a, str>, Error> {
        let record = &entry.record;
        let format = Format::of(format, record.schema_type);
        if format == Format::Default || (format == Format::Resolved && record.references.is_empty())
        {
            return Ok(Cow::Borrowed(&record.text));
        }
        let parsed = self.parsed(record.id).await?;
        let corrupt = || {
            Error::Store(crate::store::StoreError::Corrupt(format!(
                "schema {} is stored as {} but did not parse as one",
                record.id, record.schema_type
            )))
        };
        Ok(Cow::Owned(match format {
            Format::Serialized => parsed
                .as_protobuf()
                .ok_or_else(corrupt)?
                .file_descriptor_base64(),
            _ => parsed.as_avro().ok_or_else(corrupt)?.resolved(),
        }))
    }

    /// The highest id ever allocated.
    pub async fn max_schema_id(&self) -> Result<Option<SchemaId>, Error> {
        Ok(self.store.max_schema_id().await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_apply_to_their_own_schema_type() {
        assert_eq!(
            Format::of(Some("serialized"), SchemaType::Protobuf),
            Format::Serialized
        );
        assert_eq!(
            Format::of(Some("SERIALIZED"), SchemaType::Protobuf),
            Format::Serialized
        );
        assert_eq!(
            Format::of(Some("serialized"), SchemaType::Json),
            Format::Default
        );
        assert_eq!(
            Format::of(Some("resolved"), SchemaType::Avro),
            Format::Resolved
        );
        assert_eq!(
            Format::of(Some("ignore_extensions"), SchemaType::Protobuf),
            Format::Default
        );
        assert_eq!(Format::of(None, SchemaType::Avro), Format::Default);
    }
}
