//! Reading subjects and their versions.

use super::{Error, Registry, SubjectVersion, live, visible};
use crate::model::{SchemaId, Subject, Version, VersionRecord, VersionSelector};
use crate::store::History;

/// Which items a listing shows, by soft-deletion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DeletedFilter {
    /// Live items only (the default).
    #[default]
    Exclude,
    /// Live and soft-deleted items (`deleted=true`).
    Include,
    /// Soft-deleted items only (`deletedOnly=true`, which wins over `deleted`).
    Only,
}

impl DeletedFilter {
    /// The filter for the `deleted` and `deletedOnly` flags.
    pub fn from_flags(deleted: bool, deleted_only: bool) -> DeletedFilter {
        match (deleted, deleted_only) {
            (_, true) => DeletedFilter::Only,
            (true, false) => DeletedFilter::Include,
            (false, false) => DeletedFilter::Exclude,
        }
    }

    fn admits(self, deleted: bool) -> bool {
        match self {
            DeletedFilter::Exclude => !deleted,
            DeletedFilter::Include => true,
            DeletedFilter::Only => deleted,
        }
    }
}

/// Finds a version in a history: `latest` is the highest visible one.
pub(super) fn find_version(
    history: &History,
    selector: VersionSelector,
    include_deleted: bool,
) -> Option<&VersionRecord> {
    let mut visible = history
        .versions
        .iter()
        .filter(move |v| include_deleted || !v.deleted);
    match selector {
        VersionSelector::Latest => visible.next_back(),
        VersionSelector::Number(n) => visible.find(|v| v.version == n),
    }
}

impl Registry {
    /// Subject names, sorted, that start with `prefix`. A subject is deleted
    /// when all its versions are.
    pub async fn subjects(
        &self,
        prefix: &str,
        filter: DeletedFilter,
    ) -> Result<Vec<String>, Error> {
        Ok(self
            .store
            .subjects()
            .await?
            .into_iter()
            .filter(|s| s.name.starts_with(prefix) && filter.admits(s.live == 0))
            .map(|s| s.name)
            .collect())
    }

    /// A subject's versions under `filter`, ascending, each with whether it
    /// is soft-deleted. 40401 when the subject has no version the filter
    /// looks among (live ones, or any once deleted ones are asked for), as
    /// the peer answers; a subject with none deleted answers `[]` to
    /// `deletedOnly`.
    pub async fn versions(
        &self,
        subject: &Subject,
        filter: DeletedFilter,
    ) -> Result<Vec<(Version, bool)>, Error> {
        let history = self.history(subject).await?;
        let searched = match filter {
            DeletedFilter::Exclude => DeletedFilter::Exclude,
            DeletedFilter::Include | DeletedFilter::Only => DeletedFilter::Include,
        };
        if !history.versions.iter().any(|v| searched.admits(v.deleted)) {
            return Err(Error::SubjectNotFound {
                subject: subject.to_string(),
            });
        }
        Ok(history
            .versions
            .into_iter()
            .filter(|v| filter.admits(v.deleted))
            .map(|v| (v.version, v.deleted))
            .collect())
    }

    /// One version of a subject with its schema. 40401 when the subject has
    /// no visible version, 40402 when it lacks this one.
    pub async fn version(
        &self,
        subject: &Subject,
        selector: VersionSelector,
        include_deleted: bool,
    ) -> Result<SubjectVersion, Error> {
        let history = self.history(subject).await?;
        let record = self.resolve_version(subject, &history, selector, include_deleted)?;
        Ok(SubjectVersion {
            schema: self.held(record.schema_id).await?,
            record: record.clone(),
        })
    }

    /// The latest version of a subject whose metadata has every one of
    /// `properties` (soft-deleted versions count with `include_deleted`):
    /// what serializers configured with `use.latest.with.metadata` ask for.
    /// 40401 when the subject has no visible version, 40403 when none
    /// matches.
    pub async fn latest_with_metadata(
        &self,
        subject: &Subject,
        properties: &[(String, String)],
        include_deleted: bool,
    ) -> Result<SubjectVersion, Error> {
        let history = self.history(subject).await?;
        let visible = visible(&history, subject, include_deleted)?;
        for record in visible.into_iter().rev() {
            let schema = self.held(record.schema_id).await?;
            let own = schema.record.metadata.as_ref().map(|m| &m.properties);
            let matches = properties
                .iter()
                .all(|(key, value)| own.and_then(|p| p.get(key)) == Some(value));
            if matches {
                return Ok(SubjectVersion {
                    record: record.clone(),
                    schema,
                });
            }
        }
        Err(Error::NoVersionWithMetadata {
            subject: subject.to_string(),
            properties: properties
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join(", "),
        })
    }

    /// The ids of the schemas that reference a version (live referrers, or
    /// all with `include_deleted`).
    pub async fn referenced_by(
        &self,
        subject: &Subject,
        selector: VersionSelector,
        include_deleted: bool,
    ) -> Result<Vec<SchemaId>, Error> {
        let history = self.history(subject).await?;
        let record = self.resolve_version(subject, &history, selector, include_deleted)?;
        let referrers = self
            .store
            .referrers(subject.as_str(), record.version)
            .await?
            .into_iter()
            .filter(|r| include_deleted || r.live)
            .map(|r| r.id)
            .collect();
        self.shown_ids(subject.context(), referrers).await
    }

    /// Schema rows as the ids clients see in `context` (the referrers of a
    /// subject in a context are that context's schemas; one without an id
    /// there keeps its row's).
    pub(super) async fn shown_ids(
        &self,
        context: Option<&str>,
        rows: Vec<SchemaId>,
    ) -> Result<Vec<SchemaId>, Error> {
        let Some(context) = context else {
            return Ok(rows);
        };
        let mut ids = Vec::with_capacity(rows.len());
        for row in rows {
            ids.push(self.store.id_in_context(context, row).await?.unwrap_or(row));
        }
        Ok(ids)
    }

    /// Every version of subjects starting with `prefix`, optionally only the
    /// latest visible one per subject.
    pub async fn list_schemas(
        &self,
        prefix: &str,
        include_deleted: bool,
        latest_only: bool,
    ) -> Result<Vec<SubjectVersion>, Error> {
        let read_at = self.cache.epoch();
        let rows = self.store.versions_with_schemas(prefix).await?;
        let mut out: Vec<SubjectVersion> = Vec::new();
        for (record, schema) in rows {
            if record.deleted && !include_deleted {
                continue;
            }
            if latest_only
                && out
                    .last()
                    .is_some_and(|prev| prev.record.subject == record.subject)
            {
                out.pop();
            }
            let schema = match self.cache.get(schema.id) {
                Some(entry) => entry,
                None => self.cache.insert(super::CachedSchema::new(schema), read_at),
            };
            out.push(SubjectVersion { record, schema });
        }
        Ok(out)
    }

    pub(super) fn resolve_version<'h>(
        &self,
        subject: &Subject,
        history: &'h History,
        selector: VersionSelector,
        include_deleted: bool,
    ) -> Result<&'h VersionRecord, Error> {
        let any_visible = if include_deleted {
            !history.versions.is_empty()
        } else {
            live(history).next().is_some()
        };
        if !any_visible {
            return Err(Error::SubjectNotFound {
                subject: subject.to_string(),
            });
        }
        find_version(history, selector, include_deleted).ok_or_else(|| Error::VersionNotFound {
            subject: subject.to_string(),
            version: match selector {
                VersionSelector::Latest => "latest".to_string(),
                VersionSelector::Number(n) => n.to_string(),
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deleted_only_wins() {
        assert_eq!(DeletedFilter::from_flags(true, true), DeletedFilter::Only);
        assert_eq!(DeletedFilter::from_flags(false, true), DeletedFilter::Only);
        assert_eq!(
            DeletedFilter::from_flags(true, false),
            DeletedFilter::Include
        );
        assert_eq!(
            DeletedFilter::from_flags(false, false),
            DeletedFilter::Exclude
        );
        assert!(DeletedFilter::Only.admits(true) && !DeletedFilter::Only.admits(false));
        assert!(DeletedFilter::Include.admits(true) && DeletedFilter::Include.admits(false));
    }
}
