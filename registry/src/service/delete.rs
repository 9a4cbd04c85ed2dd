//! Soft and permanent deletion of versions and subjects, with the peer's
//! rules: a permanent delete needs a prior soft delete, nothing another
//! schema references may go, an associated subject is not deleted, and its
//! last live version stays.

use super::subjects::find_version;
use super::{Error, Registry, live};
use crate::audit::{Action, Actor, AuditEvent};
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
        actor: &Actor,
    ) -> Result<Version, Error> {
        self.ensure_writable(Some(subject)).await?;
        let _writer = self.lock(subject).await;
        retrying!(self.try_delete_version(subject, selector, permanent, actor))
    }

    async fn try_delete_version(
        &self,
        subject: &Subject,
        selector: VersionSelector,
        permanent: bool,
        actor: &Actor,
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
        // An associated subject keeps a live version (the peer's rule).
        if !permanent
            && live(&history).all(|v| v.version == version)
            && !self.associations_of(subject, None).await?.is_empty()
        {
            return Err(Error::NoActiveSubjectVersion {
                subject: subject.to_string(),
            });
        }
        self.ensure_unreferenced(subject, &[record], Deleting::Version)
            .await?;
        let targets = std::slice::from_ref(record);
        let deleting = (Deleting::Version, permanent);
        self.apply_delete(subject, &history, targets, deleting, actor)
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
        actor: &Actor,
    ) -> Result<Vec<Version>, Error> {
        self.ensure_writable(Some(subject)).await?;
        let _writer = self.lock(subject).await;
        retrying!(self.try_delete_subject(subject, permanent, actor))
    }

    async fn try_delete_subject(
        &self,
        subject: &Subject,
        permanent: bool,
        actor: &Actor,
    ) -> Result<Vec<Version>, Error> {
        let history = self.history(subject).await?;
        if history.versions.is_empty() {
            return Err(Error::SubjectNotFound {
                subject: subject.to_string(),
            });
        }
        // An associated subject stays: its associations go first (a
        // cascading delete of a STRONG one takes the subject after them).
        if !self.associations_of(subject, None).await?.is_empty() {
            return Err(Error::SubjectAssociated {
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
        let deleting = (Deleting::Subject, permanent);
        self.apply_delete(subject, &history, &targets, deleting, actor)
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
                    referrers: self.shown_ids(subject.context(), blocking).await?,
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
        (deleting, permanent): (Deleting, bool),
        actor: &Actor,
    ) -> Result<(), Error> {
        let versions: Vec<Version> = targets.iter().map(|r| r.version).collect();
        let action = match (deleting, permanent) {
            (Deleting::Version, false) => Action::SoftDeleteVersion,
            (Deleting::Version, true) => Action::DeleteVersion,
            (Deleting::Subject, false) => Action::SoftDeleteSubject,
            (Deleting::Subject, true) => Action::DeleteSubject,
        };
        let mut audit = AuditEvent::new(actor, action, Some(subject.as_str()));
        match (deleting, targets) {
            (Deleting::Version, [one]) => {
                audit.version = Some(one.version);
                audit.id = Some(one.id);
            }
            _ => {
                let numbers: Vec<i32> = versions.iter().map(|v| v.0).collect();
                audit = audit.with("versions", numbers.into());
            }
        }
        if permanent {
            self.store
                .hard_delete(subject.as_str(), &versions, history.generation, &audit)
                .await?;
            for target in targets {
                self.cache.evict(target.schema_id);
            }
        } else {
            self.store
                .soft_delete(subject.as_str(), &versions, history.generation, &audit)
                .await?;
        }
        tracing::info!(subject = %subject, versions = ?versions, permanent, "deleted");
        audit.log();
        Ok(())
    }
}
