//! Reading schemas by their global id.

use std::borrow::Cow;
use std::sync::Arc;

use schemas::{Form, SchemaType};

use super::{CachedSchema, Error, Registry};
use crate::model::{SchemaId, VersionRecord, context_of, context_scope_name};

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

/// What a read by id naming a subject finds (the peer's
/// `getSchemaKeyUsingContexts`).
#[derive(Debug)]
pub struct FoundById {
    /// The schema.
    pub entry: Arc<CachedSchema>,
    /// The version to show beside it, when one was found.
    pub usage: Option<VersionRecord>,
}

/// The part of a subject name after its context (`orders` of
/// `:.ctx:orders`; empty for the context-level name `:.ctx:`).
fn unqualified(subject: &str) -> &str {
    match context_of(subject) {
        Some(context) => subject[context.len() + 1..]
            .strip_prefix(':')
            .unwrap_or_default(),
        None => subject,
    }
}

/// The version of `subject` to show beside a schema among `holders`: its
/// latest live one, else its latest.
fn version_of<'h>(holders: &'h [VersionRecord], subject: &str) -> Option<&'h VersionRecord> {
    let mine = || holders.iter().rev().filter(|v| v.subject == subject);
    mine().find(|v| !v.deleted).or_else(|| mine().next())
}

impl Registry {
    /// The schema with id `id`, while some version (live or soft-deleted)
    /// of the default context holds it. This is the hot read path: one
    /// cache hit, no I/O.
    pub async fn schema_by_id(&self, id: SchemaId) -> Result<Arc<CachedSchema>, Error> {
        if let Some(entry) = self.cache.get(id) {
            if entry.in_default() {
                return Ok(entry);
            }
        }
        Ok(self.in_context(None, id).await?.0)
    }

    /// Schema `id` of `context` (`None`: the default context) with the
    /// versions of that context holding it, ordered by subject and version;
    /// 40403 when none does (a schema whose versions were all permanently
    /// deleted is gone for clients, though its id stays taken).
    pub async fn in_context(
        &self,
        context: Option<&str>,
        id: SchemaId,
    ) -> Result<(Arc<CachedSchema>, Vec<VersionRecord>), Error> {
        let not_found = || Error::SchemaNotFound { id };
        let row = match context {
            None => id,
            Some(context) => self
                .store
                .context_schema(context, id)
                .await?
                .ok_or_else(not_found)?,
        };
        let read_at = self.cache.epoch();
        let holders: Vec<VersionRecord> = self
            .store
            .usages(row)
            .await?
            .into_iter()
            .filter(|v| context_of(&v.subject) == context)
            .collect();
        if holders.is_empty() {
            return Err(not_found());
        }
        let entry = match self.cache.get(row) {
            Some(entry) => entry,
            None => {
                let record = self.store.schema(row).await?.ok_or_else(not_found)?;
                self.cache.insert(CachedSchema::new(record), read_at)
            }
        };
        if context.is_none() {
            entry.mark_in_default();
        }
        Ok((entry, holders))
    }

    /// Schema `id` as a read naming `subject` finds it, as the peer's
    /// `getSchemaKeyUsingContexts` does: a subject in a context other than
    /// the default one (`:.ctx:orders`) reads that context's id `id`, and
    /// only that subject's (any subject's of the context for `:.ctx:`),
    /// 40403 otherwise; an unqualified subject reads the default context's,
    /// and when that subject does not hold it there, the id of the context
    /// where `:.ctx:subject` holds it, else the default context's schema
    /// with its first holder.
    pub async fn schema_for_subject(
        &self,
        id: SchemaId,
        subject: &str,
    ) -> Result<FoundById, Error> {
        let subject = subject.strip_prefix(":.:").unwrap_or(subject);
        if let Some(context) = context_of(subject) {
            let (entry, holders) = self.in_context(Some(context), id).await?;
            let usage = if unqualified(subject).is_empty() {
                holders.first()
            } else {
                version_of(&holders, subject)
            };
            let usage = usage.cloned().ok_or(Error::SchemaNotFound { id })?;
            return Ok(FoundById {
                entry,
                usage: Some(usage),
            });
        }
        let default = match self.in_context(None, id).await {
            Ok(found) => Some(found),
            Err(Error::SchemaNotFound { .. }) => None,
            Err(e) => return Err(e),
        };
        if let Some((entry, holders)) = &default {
            if let Some(usage) = version_of(holders, subject) {
                return Ok(FoundById {
                    entry: entry.clone(),
                    usage: Some(usage.clone()),
                });
            }
        }
        if !subject.is_empty() {
            for context in self.store.contexts().await? {
                let qualified = format!("{}{subject}", context_scope_name(&context.name));
                match self.in_context(Some(&context.name), id).await {
                    Ok((entry, holders)) => {
                        if let Some(usage) = version_of(&holders, &qualified) {
                            return Ok(FoundById {
                                entry,
                                usage: Some(usage.clone()),
                            });
                        }
                    }
                    Err(Error::SchemaNotFound { .. }) => {}
                    Err(e) => return Err(e),
                }
            }
        }
        let (entry, holders) = default.ok_or(Error::SchemaNotFound { id })?;
        Ok(FoundById {
            entry,
            usage: holders.first().cloned(),
        })
    }

    /// The schema with this GUID (any case), on the same terms as
    /// [`Registry::schema_by_id`] (the default context's; else the first
    /// context, by name, holding it).
    pub async fn schema_by_guid(&self, guid: &str) -> Result<Arc<CachedSchema>, Error> {
        let not_found = || Error::GuidNotFound {
            guid: guid.to_string(),
        };
        let row = self
            .store
            .schema_id_by_guid(&guid.to_ascii_lowercase())
            .await?
            .ok_or_else(not_found)?;
        let holders = self.store.usages(row).await?;
        if holders.is_empty() {
            return Err(not_found());
        }
        if holders.iter().any(|v| context_of(&v.subject).is_none()) {
            return self.schema_by_id(row).await;
        }
        self.held(row).await
    }

    /// The ids the schema with this GUID has, one per context holding it:
    /// `(context, id)` with the default context as `.`, ordered by context.
    /// 40403 naming the GUID when none holds it.
    pub async fn ids_by_guid(&self, guid: &str) -> Result<Vec<(String, SchemaId)>, Error> {
        let not_found = || Error::GuidNotFound {
            guid: guid.to_string(),
        };
        let row = self
            .store
            .schema_id_by_guid(&guid.to_ascii_lowercase())
            .await?
            .ok_or_else(not_found)?;
        let mut ids: Vec<(String, SchemaId)> = self
            .store
            .usages(row)
            .await?
            .into_iter()
            .map(|v| (context_of(&v.subject).unwrap_or(".").to_string(), v.id))
            .collect();
        if ids.is_empty() {
            return Err(not_found());
        }
        ids.sort();
        ids.dedup();
        Ok(ids)
    }

    /// The versions holding schema `id` (soft-deleted ones with
    /// `include_deleted`), ordered by subject and version, restricted to
    /// `subject` when given. The context is `subject`'s (`:.ctx:` names
    /// every subject of `.ctx`), else the default one. 40403 when no version
    /// of that context holds the id.
    pub async fn usages(
        &self,
        id: SchemaId,
        subject: Option<&str>,
        include_deleted: bool,
    ) -> Result<Vec<VersionRecord>, Error> {
        let subject = subject.map(|s| s.strip_prefix(":.:").unwrap_or(s));
        let context = subject.and_then(context_of);
        let (_, holders) = self.in_context(context, id).await?;
        let only = subject.filter(|s| !unqualified(s).is_empty());
        Ok(holders
            .into_iter()
            .filter(|v| include_deleted || !v.deleted)
            .filter(|v| only.is_none_or(|s| v.subject == s))
            .collect())
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

    /// The highest id ever allocated in `context` (`None`: the default
    /// context).
    pub async fn max_schema_id(&self, context: Option<&str>) -> Result<Option<SchemaId>, Error> {
        match context {
            None => Ok(self.store.max_schema_id().await?),
            Some(context) => Ok(self
                .store
                .contexts()
                .await?
                .into_iter()
                .find(|c| c.name == context)
                .and_then(|c| c.max_id)),
        }
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
