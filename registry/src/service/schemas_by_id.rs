//! Reading schemas by their global id.

use std::borrow::Cow;
use std::sync::Arc;

use schemas::{Form, SchemaType};

use super::{CachedSchema, Error, Registry};
use crate::model::{SchemaId, VersionRecord};

/// The form a client's `format` names for a schema type: `serialized` and
/// `resolved` in any case, when that type has the form (see
/// [`Form::applies_to`]). Other values, and forms of other types, ask for
/// the stored canonical text, as the peer ignores them.
fn form(requested: Option<&str>, schema_type: SchemaType) -> Option<Form> {
    let form = match requested?.to_ascii_lowercase().as_str() {
        "serialized" => Form::Serialized,
        "resolved" => Form::Resolved,
        _ => return None,
    };
    form.applies_to(schema_type).then_some(form)
}

impl Registry {
    /// The schema with id `id`, while some version (live or soft-deleted)
    /// holds it. This is the hot read path: one cache hit, no I/O.
    pub async fn schema_by_id(&self, id: SchemaId) -> Result<Arc<CachedSchema>, Error> {
        if let Some(entry) = self.cache.get(id) {
            return Ok(entry);
        }
        let read_at = self.cache.epoch();
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
        Ok(self.cache.insert(CachedSchema::new(record), read_at))
    }

    /// The schema with this GUID (any case), on the same terms as
    /// [`Registry::schema_by_id`]. 40403 naming the GUID when none has it.
    pub async fn schema_by_guid(&self, guid: &str) -> Result<Arc<CachedSchema>, Error> {
        let not_found = || Error::GuidNotFound {
            guid: guid.to_string(),
        };
        let id = self
            .store
            .schema_id_by_guid(&guid.to_ascii_lowercase())
            .await?
            .ok_or_else(not_found)?;
        match self.schema_by_id(id).await {
            Err(Error::SchemaNotFound { .. }) => Err(not_found()),
            found => found,
        }
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
        let Some(form) = form(format, record.schema_type) else {
            return Ok(Cow::Borrowed(&record.text));
        };
        if form == Form::Resolved && record.references.is_empty() {
            return Ok(Cow::Borrowed(&record.text));
        }
        let parsed = self.parsed(record.id).await?;
        let text = parsed.form(form).ok_or_else(|| {
            Error::Store(crate::store::StoreError::Corrupt(format!(
                "schema {} is stored as {} but did not parse as one",
                record.id, record.schema_type
            )))
        })?;
        Ok(Cow::Owned(text))
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
            form(Some("serialized"), SchemaType::Protobuf),
            Some(Form::Serialized)
        );
        assert_eq!(
            form(Some("SERIALIZED"), SchemaType::Protobuf),
            Some(Form::Serialized)
        );
        assert_eq!(form(Some("serialized"), SchemaType::Json), None);
        assert_eq!(
            form(Some("resolved"), SchemaType::Avro),
            Some(Form::Resolved)
        );
        assert_eq!(form(Some("ignore_extensions"), SchemaType::Protobuf), None);
        assert_eq!(form(None, SchemaType::Avro), None);
    }
}
