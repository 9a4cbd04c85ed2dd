//! Soft and permanent deletion of versions and subjects, with the peer's
//! rules: a permanent delete needs a prior soft delete, and nothing another
//! schema references may go.

use super::subjects::find_version;
use super::{Error, Registry, live};
use crate::model::{Subject, Version, VersionRecord, VersionSelector};
use crate::store::History;

/// What a deletion removes, which decides whose references hold it back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Deleting {
    /// One version: any referrer holds it back.
    Version,
    /// A whole subject: only referrers outside the subject hold it back.
    Subject,
}

impl Registry {
    /// Deletes one version: soft, or (after a soft delete) permanently.
    /// Returns its number.
    #[tracing::instrument(skip(self), fields(subject = %subject))]
    pub async fn delete_version(
        &self,
        subject: &Subject,
        selector: VersionSelector,
        permanent: bool,
    ) -> Result<Version, Error> {
        self.ensure_writable(Some(subject)).await?;
        let _writer = self.lock(subject).await;
        retrying!(self.try_delete_version(subject, selector, permanent))
    }

    async fn try_delete_version(
        &self,
        subject: &Subject,
        selector: VersionSelector,
        permanent: bool,
    ) -> Result<Version, Error> {
        let history = self.history(subject).await?;
        if history.versions.is_empty() {
            return Err(Error::SubjectNotFound {
                subject: subject.to_string(),
            });
        }
        // Deletion sees soft-deleted versions: that is how the permanent
        // step finds them.
        let record =
            find_version(&history, selector, true).ok_or_else(|| Error::VersionNotFound {
                subject: subject.to_string(),
                version: match selector {
                    VersionSelector::Latest => "latest".into(),
                    VersionSelector::Number(n) => n.to_string(),
                },
            })?;
        let version = record.version;
        match (permanent, record.deleted) {
            (false, true) => {
                return Err(Error::VersionSoftDeleted {
                    subject: subject.to_string(),
                    version,
                });
            }
            (true, false) => {
                return Err(Error::VersionNotSoftDeleted {
                    subject: subject.to_string(),
                    version,
                });
            }
            _ => {}
        }
        self.ensure_unreferenced(subject, &[record], Deleting::Version)
            .await?;
        self.apply_delete(subject, &history, std::slice::from_ref(record), permanent)
            .await?;
        Ok(version)
    }

    /// Deletes a whole subject: soft (its live versions), or permanently
    /// (after a soft delete, every version). Returns the versions deleted.
    #[tracing::instrument(skip(self), fields(subject = %subject))]
    pub async fn delete_subject(
        &self,
        subject: &Subject,
        permanent: bool,
    ) -> Result<Vec<Version>, Error> {
        self.ensure_writable(Some(subject)).await?;
        let _writer = self.lock(subject).await;
        retrying!(self.try_delete_subject(subject, permanent))
    }

    async fn try_delete_subject(
        &self,
        subject: &Subject,
        permanent: bool,
    ) -> Result<Vec<Version>, Error> {
        let history = self.history(subject).await?;
        if history.versions.is_empty() {
            return Err(Error::SubjectNotFound {
                subject: subject.to_string(),
            });
        }
        let live_versions: Vec<&VersionRecord> = live(&history).collect();
        let targets: Vec<&VersionRecord> = match (permanent, live_versions.is_empty()) {
            (false, true) => {
                return Err(Error::SubjectSoftDeleted {
                    subject: subject.to_string(),
                });
            }
            (false, false) => live_versions,
            (true, false) => {
                return Err(Error::SubjectNotSoftDeleted {
                    subject: subject.to_string(),
                });
            }
            (true, true) => history.versions.iter().collect(),
        };
        self.ensure_unreferenced(subject, &targets, Deleting::Subject)
            .await?;
        let targets: Vec<VersionRecord> = targets.into_iter().cloned().collect();
        self.apply_delete(subject, &history, &targets, permanent)
            .await?;
        Ok(targets.iter().map(|r| r.version).collect())
    }

    /// 42206 when a schema references one of `targets`. Deleting a whole
    /// subject ignores references from the subject's own versions.
    async fn ensure_unreferenced(
        &self,
        subject: &Subject,
        targets: &[&VersionRecord],
        deleting: Deleting,
    ) -> Result<(), Error> {
        for target in targets {
            let mut blocking = Vec::new();
            for referrer in self
                .store
                .referrers(subject.as_str(), target.version)
                .await?
            {
                let blocks = match deleting {
                    Deleting::Version => true,
                    Deleting::Subject => self
                        .store
                        .usages(referrer.id)
                        .await?
                        .iter()
                        .any(|u| u.subject != subject.as_str()),
                };
                if blocks {
                    blocking.push(referrer.id);
                }
            }
            if !blocking.is_empty() {
                return Err(Error::ReferenceExists {
                    subject: subject.to_string(),
                    version: target.version,
                    referrers: blocking,
                });
            }
        }
        Ok(())
    }

    async fn apply_delete(
        &self,
        subject: &Subject,
        history: &History,
        targets: &[VersionRecord],
        permanent: bool,
    ) -> Result<(), Error> {
        let versions: Vec<Version> = targets.iter().map(|r| r.version).collect();
        if permanent {
            self.store
                .hard_delete(subject.as_str(), &versions, history.generation)
                .await?;
            for target in targets {
                self.cache.evict(target.schema_id);
            }
        } else {
            self.store
                .soft_delete(subject.as_str(), &versions, history.generation)
                .await?;
        }
        tracing::info!(subject = %subject, versions = ?versions, permanent, "deleted");
        Ok(())
    }
}
