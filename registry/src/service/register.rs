//! Registration and lookup of a posted schema.

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use schemas::{Fingerprint, Schema, SchemaType};

use super::compatibility::CheckTarget;
use super::{
    CachedSchema, Error, InvalidSchema, NotPermitted, Registry, SubjectVersion, live, next_version,
};
use crate::model::{Mode, Reference, SchemaId, StoredSchema, Subject, Version};
use crate::store::{History, NewSchema, NewVersion, StoreError};

/// A schema as a client posts it (register, lookup, compatibility).
#[derive(Debug, Clone, Default)]
pub struct SchemaRequest {
    /// The schema text; empty means "the latest version's".
    pub schema: String,
    /// `schemaType` as sent; `None` means AVRO.
    pub schema_type: Option<String>,
    /// The references.
    pub references: Vec<ReferenceRequest>,
    /// An explicit version (`None`, 0 or -1 mean "next").
    pub version: Option<i64>,
    /// An explicit id (IMPORT mode only; `None` or -1 mean "any").
    pub id: Option<i64>,
}

/// One reference as posted; each field is checked.
#[derive(Debug, Clone, Default)]
pub struct ReferenceRequest {
    /// The name the schema uses.
    pub name: Option<String>,
    /// The referenced subject.
    pub subject: Option<String>,
    /// The referenced version (`-1` for the latest).
    pub version: Option<i64>,
}

/// A posted schema, parsed, with its references pinned to versions.
pub(super) struct Candidate {
    pub schema: Arc<Schema>,
    pub references: Vec<Reference>,
    pub content_key: String,
}

impl Candidate {
    fn record(&self, id: SchemaId) -> StoredSchema {
        StoredSchema {
            id,
            schema_type: self.schema.schema_type(),
            text: self.schema.canonical().to_string(),
            references: self.references.clone(),
        }
    }
}

/// The identity of a schema's content: its format, canonical text and
/// references. Equal keys share one id.
fn content_key(schema_type: SchemaType, canonical: &str, references: &[Reference]) -> String {
    let mut material = format!("{}\n{}\n", schema_type.as_str(), canonical.len());
    material.push_str(canonical);
    for r in references {
        material.push_str(&format!(
            "\n{}:{}\n{}:{}\n{}",
            r.name.len(),
            r.name,
            r.subject.len(),
            r.subject,
            r.version
        ));
    }
    Fingerprint::of(&material).to_hex()
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

impl Registry {
    /// Parses a posted schema against a subject's history: an empty text
    /// takes the latest live version's schema, references are pinned.
    pub(super) async fn candidate(
        &self,
        request: &SchemaRequest,
        history: &History,
    ) -> Result<Candidate, Error> {
        if request.schema.trim().is_empty() {
            let latest = live(history).next_back().ok_or(InvalidSchema::Empty)?;
            let entry = self.held(latest.schema_id).await?;
            return Ok(Candidate {
                schema: self.parsed(latest.schema_id).await?,
                references: entry.record.references.clone(),
                content_key: content_key(
                    entry.record.schema_type,
                    &entry.record.text,
                    &entry.record.references,
                ),
            });
        }
        let schema_type = match &request.schema_type {
            None => SchemaType::Avro,
            Some(t) => t
                .parse::<SchemaType>()
                .map_err(|_| InvalidSchema::UnknownType(t.clone()))?,
        };
        let references = self.pin_references(&request.references).await?;
        let resolver = self.resolver(&references).await?;
        let schema =
            Schema::parse(schema_type, &request.schema, &resolver).map_err(InvalidSchema::Parse)?;
        Ok(Candidate {
            content_key: content_key(schema_type, schema.canonical(), &references),
            schema: Arc::new(schema),
            references,
        })
    }

    /// Checks every reference is complete and pins `-1` to the latest version.
    async fn pin_references(
        &self,
        requested: &[ReferenceRequest],
    ) -> Result<Vec<Reference>, Error> {
        let mut pinned = Vec::with_capacity(requested.len());
        for (index, r) in requested.iter().enumerate() {
            let missing = |field| InvalidSchema::IncompleteReference { index, field };
            let name = r
                .name
                .clone()
                .filter(|n| !n.is_empty())
                .ok_or(missing("name"))?;
            let subject = r
                .subject
                .clone()
                .filter(|s| !s.is_empty())
                .ok_or(missing("subject"))?;
            let version = r.version.ok_or(missing("version"))?;
            let unresolved = || InvalidSchema::UnresolvedReference {
                name: name.clone(),
                subject: subject.clone(),
                version,
            };
            let history = self.store.history(&subject).await?;
            let found = if version == -1 {
                live(&history).next_back()
            } else {
                history
                    .versions
                    .iter()
                    .find(|v| i64::from(v.version.0) == version)
            };
            let found = found.ok_or_else(unresolved)?;
            pinned.push(Reference {
                name,
                subject,
                version: found.version,
            });
        }
        Ok(pinned)
    }

    /// Registers a schema under a subject: returns the existing version when
    /// the subject already holds it, otherwise checks compatibility under the
    /// subject's mode and appends a version once that is durably committed.
    #[tracing::instrument(skip(self, request), fields(subject = %subject))]
    pub async fn register(
        &self,
        subject: &Subject,
        request: &SchemaRequest,
    ) -> Result<SubjectVersion, Error> {
        let _writer = self.lock(subject).await;
        retrying!(self.try_register(subject, request))
    }

    async fn try_register(
        &self,
        subject: &Subject,
        request: &SchemaRequest,
    ) -> Result<SubjectVersion, Error> {
        let history = self.history(subject).await?;
        let candidate = self.candidate(request, &history).await?;
        let explicit_id = match request.id {
            None | Some(-1) => None,
            Some(id) if (1..=i64::from(i32::MAX)).contains(&id) => Some(SchemaId(id)),
            Some(id) => return Err(NotPermitted::BadId(id).into()),
        };
        let explicit_version = match request.version {
            None | Some(0) | Some(-1) => None,
            Some(v) if (1..=i64::from(i32::MAX)).contains(&v) => Some(v),
            Some(v) => return Err(InvalidSchema::BadVersion(v).into()),
        };

        // The same content already a live version here: answer it, write nothing.
        if let Some(id) = self
            .store
            .schema_id_by_content(&candidate.content_key)
            .await?
        {
            let existing = live(&history).rev().find(|v| v.schema_id == id);
            if let Some(existing) = existing {
                let same_version =
                    explicit_version.is_none_or(|v| v == i64::from(existing.version.0));
                if same_version && explicit_id.is_none_or(|wanted| wanted == id) {
                    return Ok(SubjectVersion {
                        record: existing.clone(),
                        schema: self.held(id).await?,
                    });
                }
            }
        }

        let mode = self.effective_mode(Some(subject)).await?;
        if mode.is_read_only() {
            return Err(NotPermitted::ReadOnly {
                scope: format!("subject '{subject}'"),
                mode: mode.as_str(),
            }
            .into());
        }
        let next = next_version(&history);
        let version = match (mode, explicit_id, explicit_version) {
            (Mode::Import, None, _) => return Err(NotPermitted::ImportNeedsId.into()),
            (Mode::Import, Some(_), Some(v)) => {
                let v = Version(v as i32);
                if history.versions.iter().any(|r| r.version == v) {
                    return Err(InvalidSchema::VersionExists(v).into());
                }
                v
            }
            (Mode::Import, Some(_), None) => next,
            (_, Some(_), _) => return Err(NotPermitted::IdOutsideImport.into()),
            (_, None, Some(v)) if v != i64::from(next.0) => {
                return Err(InvalidSchema::NotNextVersion { given: v, next }.into());
            }
            (_, None, _) => next,
        };

        if mode != Mode::Import {
            let config = self.effective_config(Some(subject)).await?;
            let outcome = self
                .judge(
                    &candidate.schema,
                    &history,
                    CheckTarget::Registration,
                    config,
                )
                .await?;
            if !outcome.compatible {
                self.metrics.record_compatibility_rejection();
                return Err(Error::Incompatible {
                    subject: subject.to_string(),
                    messages: outcome.messages,
                });
            }
        }

        let registered_at_ms = now_ms();
        let stored = self
            .store
            .insert_version(NewVersion {
                subject: subject.to_string(),
                version,
                expected_generation: history.generation,
                schema: NewSchema {
                    id: explicit_id,
                    content_key: candidate.content_key.clone(),
                    schema_type: candidate.schema.schema_type(),
                    text: candidate.schema.canonical().to_string(),
                    references: candidate.references.clone(),
                },
                registered_at_ms,
            })
            .await;
        let id = match stored {
            Ok(id) => id,
            Err(StoreError::IdTaken { id }) => return Err(NotPermitted::IdTaken(id).into()),
            Err(StoreError::ContentTaken { existing }) => {
                return Err(NotPermitted::ContentTaken {
                    existing,
                    given: explicit_id.unwrap_or(existing),
                }
                .into());
            }
            Err(e) => return Err(e.into()),
        };
        self.metrics.record_registration();
        tracing::info!(subject = %subject, version = version.0, id = id.0, "registered");
        let schema = self.cache.insert(CachedSchema::with_parsed(
            candidate.record(id),
            candidate.schema.clone(),
        ));
        Ok(SubjectVersion {
            record: crate::model::VersionRecord {
                subject: subject.to_string(),
                version,
                schema_id: id,
                deleted: false,
                registered_at_ms,
            },
            schema,
        })
    }

    /// Finds the version of `subject` holding the posted schema; soft-deleted
    /// versions count only with `include_deleted`.
    #[tracing::instrument(skip(self, request), fields(subject = %subject))]
    pub async fn lookup(
        &self,
        subject: &Subject,
        request: &SchemaRequest,
        include_deleted: bool,
    ) -> Result<SubjectVersion, Error> {
        let history = self.history(subject).await?;
        let visible: Vec<_> = history
            .versions
            .iter()
            .filter(|v| include_deleted || !v.deleted)
            .collect();
        if visible.is_empty() {
            return Err(Error::SubjectNotFound {
                subject: subject.to_string(),
            });
        }
        let candidate = self.candidate(request, &history).await?;
        let not_found = || Error::SchemaNotInSubject {
            subject: subject.to_string(),
        };
        let id = self
            .store
            .schema_id_by_content(&candidate.content_key)
            .await?
            .ok_or_else(not_found)?;
        let record = visible
            .into_iter()
            .rev()
            .find(|v| v.schema_id == id)
            .ok_or_else(not_found)?;
        Ok(SubjectVersion {
            record: record.clone(),
            schema: self.held(id).await?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(text: &str, refs: &[(&str, &str, i32)]) -> String {
        let refs: Vec<Reference> = refs
            .iter()
            .map(|(n, s, v)| Reference {
                name: n.to_string(),
                subject: s.to_string(),
                version: Version(*v),
            })
            .collect();
        content_key(SchemaType::Json, text, &refs)
    }

    #[test]
    fn content_key_covers_type_text_and_references() {
        let plain = key("{}", &[]);
        assert_eq!(plain, key("{}", &[]));
        assert_ne!(plain, content_key(SchemaType::Avro, "{}", &[]));
        assert_ne!(plain, key("{\"type\":\"string\"}", &[]));
        assert_ne!(
            key("{}", &[("a.json", "a", 1)]),
            key("{}", &[("a.json", "a", 2)])
        );
        assert_ne!(key("{}", &[("a.json", "a", 1)]), plain);
        // Length prefixes keep field boundaries unambiguous.
        assert_ne!(key("{}", &[("a:b", "c", 1)]), key("{}", &[("a", "b:c", 1)]));
    }
}
