//! Registration and lookup of a posted schema.

use std::sync::Arc;

use schemas::tags::TagEdit;
use schemas::{Policy, Schema, SchemaType};

use super::candidate::Candidate;
use super::compatibility::{CheckTarget, Detail};
use super::deploy::{MatrixRow, describe};
use super::versioning::{WantedVersion, stamped};
use super::{
    CachedSchema, Error, InvalidSchema, NotPermitted, Registry, SubjectVersion, live, next_version,
    visible,
};
use crate::audit::{Action, Actor, AuditEvent, Outcome};
use crate::model::{
    ConsumerCompatibility, ContractDefaults, Lifecycle, Metadata, Reference, RuleSet, SchemaId,
    Subject, VersionRecord, VersionSelector, referenced_from,
};
use crate::store::{History, NewSchema, NewVersion, StoreError};

/// A schema a client sends, decoded: its format, its text, what it
/// references and its data contract.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostedSchema {
    /// The format.
    pub schema_type: SchemaType,
    /// The schema text (not empty).
    pub text: String,
    /// The references, in the order sent.
    pub references: Vec<PostedReference>,
    /// Its metadata and rule set (boxed: most schemas have none).
    pub contract: Box<Contract>,
}

/// A reference as a client sends it: to one version of a subject, or to its
/// latest, which registration pins.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostedReference {
    /// The name the schema uses (not empty).
    pub name: String,
    /// The referenced subject (not empty).
    pub subject: String,
    /// The referenced version.
    pub version: VersionSelector,
}

/// The schema a registration, lookup or compatibility check is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SchemaInput {
    /// The schema of the subject's latest live version (a request that
    /// sends no schema text), with the metadata or rule set sent along
    /// instead of that version's where given.
    Latest(Contract),
    /// A schema sent along.
    Posted(PostedSchema),
}

impl SchemaInput {
    /// The subjects the posted schema references (none for [`Latest`]).
    ///
    /// [`Latest`]: SchemaInput::Latest
    pub fn referenced_subjects(&self) -> impl Iterator<Item = &str> {
        let references = match self {
            SchemaInput::Latest(_) => &[][..],
            SchemaInput::Posted(posted) => &posted.references[..],
        };
        references.iter().map(|r| r.subject.as_str())
    }

    /// The input as posted to `subject`: in a context other than the
    /// default one, a reference naming an unqualified subject names that
    /// subject of the same context (`b` from `:.ctx:a` is `:.ctx:b`), as the
    /// peer's `qualifySubjectWithParent` resolves it. References are kept
    /// qualified (part of the schema's identity) and answered as posted
    /// (`http::references`).
    pub fn posted_to(mut self, subject: &Subject) -> SchemaInput {
        if let SchemaInput::Posted(posted) = &mut self {
            for reference in &mut posted.references {
                reference.subject = referenced_from(subject.as_str(), &reference.subject);
            }
        }
        self
    }
}

impl PostedSchema {
    /// The subjects its references name.
    pub fn referenced_subjects(&self) -> impl Iterator<Item = &str> {
        self.references.iter().map(|r| r.subject.as_str())
    }
}

/// A registration: the schema and, for copying another registry (IMPORT
/// mode), the id and version it must get.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registration {
    /// The schema.
    pub schema: SchemaInput,
    /// Whether to store the normalized form (the peer's), so that schemas
    /// differing only in formatting are one (the subject's `normalize`
    /// config also asks for it).
    pub normalize: bool,
    /// The version asked for.
    pub version: WantedVersion,
    /// The id the schema must have (IMPORT mode only); `None` is any.
    pub id: Option<SchemaId>,
    /// Tags to add to and remove from the schema's text before it is
    /// registered (the peer's `schemaTagsToAdd` and `schemaTagsToRemove`).
    pub tags: TagEdit,
    /// Whether the latest live version's tags are added too (the peer's
    /// `propagateSchemaTags`; not in IMPORT mode, as in the peer).
    pub propagate_tags: bool,
}

/// A registration's outcome: the version, and the recorded consumers that
/// cannot read it when the subject's `consumerCompatibility` is WARN.
#[derive(Debug, Clone)]
pub struct Registered {
    /// The version registered (or found).
    pub version: SubjectVersion,
    /// The consumers that cannot read data written with it (WARN only).
    pub consumer_warnings: Vec<MatrixRow>,
}

/// A schema's data contract: its metadata and rule set.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Contract {
    /// The metadata.
    pub metadata: Option<Metadata>,
    /// The rule set.
    pub rule_set: Option<RuleSet>,
}

impl Contract {
    /// This contract's parts where given, `fallback`'s elsewhere.
    pub fn or(self, fallback: &Contract) -> Contract {
        Contract {
            metadata: self.metadata.or_else(|| fallback.metadata.clone()),
            rule_set: self.rule_set.or_else(|| fallback.rule_set.clone()),
        }
    }

    /// This contract between a config's defaults and overrides
    /// (`default < this < override`), as a registration stores it.
    pub fn between(self, defaults: &ContractDefaults) -> Contract {
        Contract {
            metadata: defaults.metadata(self.metadata),
            rule_set: defaults.rule_set(self.rule_set),
        }
    }

    /// Whether neither part is given.
    pub fn is_empty(&self) -> bool {
        self.metadata.is_none() && self.rule_set.is_none()
    }
}

impl Registry {
    /// The schema `input` names, parsed against a subject's history: the
    /// latest live version's, or the posted one with its references pinned.
    pub(super) async fn candidate(
        &self,
        input: &SchemaInput,
        history: &History,
    ) -> Result<Candidate, Error> {
        let posted = match input {
            SchemaInput::Posted(posted) => posted,
            SchemaInput::Latest(given) => {
                let latest = live(history).next_back().ok_or(InvalidSchema::Empty)?;
                let entry = self.held(latest.schema_id).await?;
                let record = &entry.record;
                return Ok(Candidate::new(
                    self.parsed(latest.schema_id).await?,
                    record.references.clone(),
                    record.text.clone(),
                    given.clone().or(&Contract {
                        metadata: record.metadata.clone(),
                        rule_set: record.rule_set.clone(),
                    }),
                ));
            }
        };
        self.posted(posted).await
    }

    /// The contract of the subject's latest live version (none for a new
    /// subject): what a registration that sends no metadata or no rule set
    /// carries on, as the peer's does.
    async fn latest_contract(&self, history: &History) -> Result<Contract, Error> {
        Ok(match live(history).next_back() {
            None => Contract::default(),
            Some(latest) => {
                let record = &self.held(latest.schema_id).await?.record;
                Contract {
                    metadata: record.metadata.clone(),
                    rule_set: record.rule_set.clone(),
                }
            }
        })
    }

    /// Parses a posted schema, its references pinned to versions; the
    /// candidate keeps the text as submitted (see [`Schema::as_submitted`]).
    pub(super) async fn posted(&self, posted: &PostedSchema) -> Result<Candidate, Error> {
        let references = self.pin_references(&posted.references).await?;
        let resolver = self.resolver(&references).await?;
        let (schema_type, text) = (posted.schema_type, posted.text.clone());
        let limits = self.limits;
        let (schema, submitted) = self
            .work
            .run(move || {
                Schema::parse_within(schema_type, &text, &resolver, &limits).map(|schema| {
                    let submitted = schema.as_submitted(&text);
                    (schema, submitted)
                })
            })
            .await?
            .map_err(InvalidSchema::Parse)?;
        let mut candidate = Candidate::new(
            Arc::new(schema),
            references,
            submitted.text,
            (*posted.contract).clone(),
        );
        candidate.is_source = submitted.is_source;
        Ok(candidate)
    }

    /// Pins each reference to a version that exists (`latest` to the latest
    /// live one).
    async fn pin_references(&self, posted: &[PostedReference]) -> Result<Vec<Reference>, Error> {
        let mut pinned = Vec::with_capacity(posted.len());
        for r in posted {
            let history = self.store.history(&r.subject).await?;
            let found = match r.version {
                VersionSelector::Latest => live(&history).next_back(),
                VersionSelector::Number(v) => history.versions.iter().find(|h| h.version == v),
            };
            let found = found.ok_or_else(|| InvalidSchema::UnresolvedReference {
                name: r.name.clone(),
                subject: r.subject.clone(),
                version: r.version,
            })?;
            pinned.push(Reference {
                name: r.name.clone(),
                subject: r.subject.clone(),
                version: found.version,
            });
        }
        Ok(pinned)
    }

    /// Registers a schema under a subject: returns the existing version when
    /// the subject already holds it, otherwise checks compatibility under the
    /// subject's mode and appends a version once that is durably committed.
    #[tracing::instrument(skip(self, registration), fields(subject = %subject))]
    pub async fn register(
        &self,
        subject: &Subject,
        registration: &Registration,
        actor: &Actor,
    ) -> Result<Registered, Error> {
        let _writer = self.lock(subject).await;
        retrying!(self.try_register(subject, registration, actor))
    }

    async fn try_register(
        &self,
        subject: &Subject,
        registration: &Registration,
        actor: &Actor,
    ) -> Result<Registered, Error> {
        let history = self.history(subject).await?;
        let config = self.effective_config(Some(subject)).await?;
        let mode = self.effective_mode(Some(subject)).await?;
        let importing = mode.imports();
        // The peer registers a schema with tags at the version asked for,
        // or else as `-1` (`toSchemaWithTags`), so the version is recorded.
        let tagging = !registration.tags.is_empty();
        let wanted = match registration.version {
            WantedVersion::Next if tagging => WantedVersion::Latest,
            wanted => wanted,
        };
        let explicit_id = registration.id;
        let mut candidate = self.candidate(&registration.schema, &history).await?;
        // Tags are part of the text, so they come before the schema is
        // looked for or judged: the request's first, then the latest's.
        let propagate = registration.propagate_tags && !importing;
        if tagging || propagate {
            let from = match live(&history).next_back() {
                Some(latest) if propagate => Some(self.held(latest.schema_id).await?),
                _ => None,
            };
            let from = from.as_ref().map(|entry| &entry.record);
            candidate = self.tagged(candidate, &registration.tags, from).await?;
        }
        // A subject a STRONG association owns is its topic's alone: no
        // schema may reference it (the peer's rule, in every mode).
        for reference in &candidate.references {
            let target = Subject::parse(&reference.subject)?;
            let strong = self.associations_of(&target, Some(Lifecycle::Strong));
            if !strong.await?.is_empty() {
                return Err(NotPermitted::StronglyAssociatedReference(target.to_string()).into());
            }
        }
        if registration.normalize || config.normalize == Some(true) {
            candidate = self.normalize(candidate).await?;
        }
        let versions: Vec<&VersionRecord> = live(&history).collect();
        // As sent, the schema may already be a version (the peer's
        // `registerOrForward` looks before it applies tags, inheritance or
        // config defaults; with `-1` only at the latest).
        if !tagging && !registration.propagate_tags && config.contract_defaults.is_empty() {
            let looked_at = match wanted {
                WantedVersion::Latest => &versions[versions.len().saturating_sub(1)..],
                _ => &versions[..],
            };
            if let Some(found) = self.holding_any_version(&candidate, looked_at).await? {
                let answers = match wanted {
                    WantedVersion::Exact(v) => v == found.version && explicit_id == Some(found.id),
                    _ => explicit_id.is_none_or(|id| id == found.id),
                };
                if answers {
                    return self.already_registered(found).await;
                }
            }
        }
        // What is not sent carries on from the latest version, and the
        // config's defaults and overrides are merged around it, as in the
        // peer (which copies an imported schema as it is); outside IMPORT
        // mode the new version may record its number.
        let own = Contract {
            metadata: candidate.metadata.clone(),
            rule_set: candidate.rule_set.clone(),
        };
        let next = next_version(&history);
        let mut inherited = own.clone().or(&self.latest_contract(&history).await?);
        if !importing {
            inherited = stamped(inherited.between(&config.contract_defaults), wanted, next);
        }
        if inherited != own {
            candidate = candidate.with_contract(inherited);
        }
        let explicit_version = wanted.exact();

        // The same schema already a live version here: answer it, write
        // nothing (asked for `-1`, the peer registers it again).
        let held = self.holding(&candidate, &versions).await?;
        let existing = match (wanted, held.version) {
            (WantedVersion::Latest, _) => None,
            (WantedVersion::Exact(v), Some(found)) => {
                (v == found.version && explicit_id.is_none_or(|id| id == found.id)).then_some(found)
            }
            (WantedVersion::Next, Some(found)) => {
                explicit_id.is_none_or(|id| id == found.id).then_some(found)
            }
            (WantedVersion::Next, None) => self
                .differing_only_by_version(&candidate, &versions)
                .await?
                .filter(|found| explicit_id.is_none_or(|id| id == found.id)),
            (WantedVersion::Exact(_), None) => None,
        };
        if let Some(found) = existing {
            return self.already_registered(found).await;
        }

        if mode.is_read_only() {
            return Err(NotPermitted::ReadOnly {
                scope: format!("subject '{subject}'"),
                mode: mode.as_str(),
            }
            .into());
        }
        let version = match (importing, explicit_id, explicit_version) {
            (true, None, _) => return Err(NotPermitted::ImportNeedsId.into()),
            (true, Some(_), Some(v)) => {
                if history.versions.iter().any(|r| r.version == v) {
                    return Err(InvalidSchema::VersionExists(v).into());
                }
                v
            }
            (true, Some(_), None) => next,
            (_, Some(_), _) => return Err(NotPermitted::IdOutsideImport.into()),
            (_, None, Some(v)) if v != next => {
                return Err(InvalidSchema::NotNextVersion { given: v, next }.into());
            }
            (_, None, _) => next,
        };
        let action = if importing {
            Action::Import
        } else {
            Action::Register
        };
        let mut audit = AuditEvent::new(actor, action, Some(subject.as_str()));
        audit.version = Some(version);

        let mut consumer_warnings = Vec::new();
        if !importing {
            let outcome = self
                .judge(
                    (&candidate.schema, candidate.metadata.as_ref()),
                    &history,
                    CheckTarget::Registration,
                    &config,
                    Detail::Verdict,
                )
                .await?;
            if !outcome.compatible {
                self.metrics.record_compatibility_rejection();
                audit.outcome = Outcome::Incompatible;
                audit.version = None;
                let audit = audit.with("messages", outcome.messages.clone().into());
                self.record_event(&audit).await?;
                return Err(Error::Incompatible {
                    subject: subject.to_string(),
                    messages: outcome.messages,
                });
            }
            let setting = config.consumer_compatibility.unwrap_or_default();
            if setting != ConsumerCompatibility::None {
                let policy = config.policy.unwrap_or(Policy::Strict);
                let broken = self
                    .broken_consumers(subject, &candidate.schema, policy)
                    .await?;
                if setting == ConsumerCompatibility::Enforce && !broken.is_empty() {
                    self.metrics.record_compatibility_rejection();
                    return Err(Error::ConsumersCannotRead {
                        subject: subject.to_string(),
                        messages: broken.iter().map(describe).collect(),
                    });
                }
                consumer_warnings = broken;
            }
        }

        let registered_at_ms = audit.time_ms;
        let read_at = self.cache.epoch();
        let stored = self
            .store
            .append_version(
                NewVersion {
                    subject: subject.to_string(),
                    version,
                    expected_generation: history.generation,
                    schema: NewSchema {
                        id: explicit_id,
                        content_key: candidate.content_key.clone(),
                        identity_key: candidate.identity_key.clone(),
                        canonical_key: candidate.canonical_key.clone(),
                        normalized: candidate.normalized,
                        schema_type: candidate.schema.schema_type(),
                        text: candidate.text.clone(),
                        references: candidate.references.clone(),
                        metadata: candidate.metadata.clone(),
                        rule_set: candidate.rule_set.clone(),
                        seen_absent: !held.content_stored,
                    },
                    registered_at_ms,
                },
                &audit,
            )
            .await;
        let appended = match stored {
            Ok(appended) => appended,
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
        let row = appended.id;
        let id = self.shown_id(subject.context(), row).await?;
        self.metrics.record_registration();
        tracing::info!(subject = %subject, version = version.0, id = id.0, "registered");
        audit.id = Some(id);
        audit.log();
        // A schema stored before (another spelling of it, perhaps) is
        // served as stored.
        let schema = if appended.created {
            self.cache.insert(
                CachedSchema::with_parsed(candidate.record(row), candidate.schema.clone()),
                read_at,
            )
        } else {
            self.held(row).await?
        };
        if subject.context().is_none() {
            schema.mark_in_default();
        }
        Ok(Registered {
            version: SubjectVersion {
                record: crate::model::VersionRecord {
                    subject: subject.to_string(),
                    version,
                    schema_id: row,
                    id,
                    deleted: false,
                    registered_at_ms,
                },
                schema,
            },
            consumer_warnings,
        })
    }

    /// The answer for a registration that found its schema at `found`.
    async fn already_registered(&self, found: &VersionRecord) -> Result<Registered, Error> {
        Ok(Registered {
            version: SubjectVersion {
                record: found.clone(),
                schema: self.held(found.schema_id).await?,
            },
            consumer_warnings: Vec::new(),
        })
    }

    /// Finds the version of `subject` holding the posted schema; soft-deleted
    /// versions count only with `include_deleted`. With `normalize` (or the
    /// subject's `normalize` config) formatting-only differences do not count.
    #[tracing::instrument(skip(self, schema), fields(subject = %subject))]
    pub async fn lookup(
        &self,
        subject: &Subject,
        schema: &SchemaInput,
        include_deleted: bool,
        normalize: bool,
    ) -> Result<SubjectVersion, Error> {
        let history = self.history(subject).await?;
        let visible = visible(&history, subject, include_deleted)?;
        let mut candidate = self.candidate(schema, &history).await?;
        let config = self.effective_config(Some(subject)).await?;
        if normalize || config.normalize == Some(true) {
            candidate = self.normalize(candidate).await?;
        }
        let mut found = self.holding_any_version(&candidate, &visible).await?;
        // A schema sent without metadata or rule set is also the one a
        // registration of it would have found: with the latest's, between
        // the config's defaults and overrides.
        let own = Contract {
            metadata: candidate.metadata.clone(),
            rule_set: candidate.rule_set.clone(),
        };
        let inherited = own
            .clone()
            .or(&self.latest_contract(&history).await?)
            .between(&config.contract_defaults);
        if found.is_none() && inherited != own {
            candidate = candidate.with_contract(inherited);
            found = self.holding_any_version(&candidate, &visible).await?;
        }
        let record = found.ok_or_else(|| Error::SchemaNotInSubject {
            subject: subject.to_string(),
        })?;
        Ok(SubjectVersion {
            record: record.clone(),
            schema: self.held(record.schema_id).await?,
        })
    }
}
