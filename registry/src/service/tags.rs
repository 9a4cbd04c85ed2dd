//! Schema tags: the peer's `schemaTagsToAdd`/`schemaTagsToRemove` and
//! `propagateSchemaTags` at registration, `POST .../versions/{v}/tags`
//! (a new version with tags changed), and the tagged entities a read with
//! `findTags` lists. The tags live in the schema's text (the core's
//! `schemas::edit_tags`), so a tagged schema is a new schema with its own
//! id, judged for compatibility like any other.

use schemas::tags::{EntityTags, TagEdit};

use super::candidate::Candidate;
use super::register::{Contract, PostedReference, PostedSchema};
use super::{Error, InvalidSchema, Registered, Registration, Registry, SchemaInput, WantedVersion};
use crate::audit::Actor;
use crate::model::{Metadata, Reference, RuleSet, StoredSchema, Subject, Version, VersionSelector};

/// `POST /subjects/{s}/versions/{v}/tags`, decoded (the peer's
/// `TagSchemaRequest`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TagRequest {
    /// The tags to add and remove.
    pub edit: TagEdit,
    /// The version the new one must be (the latest plus one); `None`: the
    /// next.
    pub new_version: Option<Version>,
    /// Metadata for the new version (`None`: the tagged version's) and its
    /// rule set (`None`: carried on from the latest, unless merged below).
    pub contract: Contract,
    /// Rules merged over the previous version's rule set.
    pub rules_to_merge: Option<RuleSet>,
    /// Names of rules taken out of the previous version's rule set.
    pub rules_to_remove: Vec<String>,
}

/// Pinned references sent again, each to the version it is pinned to.
fn as_posted(references: &[Reference]) -> Vec<PostedReference> {
    references
        .iter()
        .map(|r| PostedReference {
            name: r.name.clone(),
            subject: r.subject.clone(),
            version: VersionSelector::Number(r.version),
        })
        .collect()
}

impl Registry {
    /// `candidate` with `edit` applied to its text and, when `from` is
    /// given, `from`'s tags added (propagation), parsed again as submitted.
    pub(super) async fn tagged(
        &self,
        candidate: Candidate,
        edit: &TagEdit,
        from: Option<&StoredSchema>,
    ) -> Result<Candidate, Error> {
        let schema_type = candidate.schema.schema_type();
        let (text, edit) = (candidate.text.clone(), edit.clone());
        let from = from.map(|f| (f.schema_type, f.text.clone()));
        let text = self
            .work
            .run(move || {
                let mut text = text;
                if !edit.is_empty() {
                    text = schemas::edit_tags(schema_type, &text, &edit)?;
                }
                if let Some((from_type, from_text)) = from {
                    let carried = schemas::tagged_entities(from_type, &from_text)?;
                    if !carried.is_empty() {
                        let carried = TagEdit::new(carried, Vec::new());
                        text = schemas::edit_tags(schema_type, &text, &carried)?;
                    }
                }
                Ok::<_, schemas::tags::TagError>(text)
            })
            .await?
            .map_err(InvalidSchema::Tags)?;
        if text == candidate.text {
            return Ok(candidate);
        }
        let is_source = candidate.is_source;
        let posted = PostedSchema {
            schema_type,
            text,
            references: as_posted(&candidate.references),
            contract: Box::new(Contract {
                metadata: candidate.metadata,
                rule_set: candidate.rule_set,
            }),
        };
        let mut tagged = self.posted(&posted).await?;
        tagged.is_source = is_source;
        Ok(tagged)
    }

    /// Registers, as the next version of `subject`, the schema of version
    /// `selector` with `request`'s tags changed, its metadata and rule set
    /// as the request says: checked and audited like any registration.
    #[tracing::instrument(skip(self, request), fields(subject = %subject))]
    pub async fn tag_version(
        &self,
        subject: &Subject,
        selector: VersionSelector,
        request: &TagRequest,
        actor: &Actor,
    ) -> Result<Registered, Error> {
        let found = self.version(subject, selector, false).await?;
        let record = &found.schema.record;
        let rule_set = if request.rules_to_merge.is_some() || !request.rules_to_remove.is_empty() {
            // As the peer: the previous version's rules (the one before
            // `newVersion`, or the latest), merged, then some removed.
            let previous = match request.new_version {
                Some(v) if v.0 > 1 => VersionSelector::Number(Version(v.0 - 1)),
                _ => VersionSelector::Latest,
            };
            let base = match self.version(subject, previous, false).await {
                Ok(v) => v.schema.record.rule_set.clone(),
                Err(Error::VersionNotFound { .. }) => None,
                Err(e) => return Err(e),
            };
            RuleSet::merge(base, request.rules_to_merge.clone())
                .map(|rules| rules.without(&request.rules_to_remove))
        } else {
            request.contract.rule_set.clone()
        };
        let text = {
            let (schema_type, text, edit) = (
                record.schema_type,
                record.text.clone(),
                request.edit.clone(),
            );
            self.work
                .run(move || schemas::edit_tags(schema_type, &text, &edit))
                .await?
                .map_err(InvalidSchema::Tags)?
        };
        let registration = Registration {
            schema: SchemaInput::Posted(PostedSchema {
                schema_type: record.schema_type,
                text,
                references: as_posted(&record.references),
                contract: Box::new(Contract {
                    // `confluent:version` is the version asked for (0:
                    // the next), which registration sets to the new one.
                    metadata: Some(Metadata::with_confluent_version(
                        request
                            .contract
                            .metadata
                            .clone()
                            .or_else(|| record.metadata.clone()),
                        request.new_version.map_or(0, |v| v.0.into()),
                    )),
                    rule_set,
                }),
            }),
            normalize: false,
            version: request
                .new_version
                .map_or(WantedVersion::Next, WantedVersion::Exact),
            id: None,
            tags: TagEdit::default(),
            propagate_tags: false,
        };
        self.register(subject, &registration, actor).await
    }

    /// The tagged entities of `schema` whose tags include one of `wanted`
    /// (`*`: every tagged entity), as `findTags` lists them.
    pub async fn find_tags(
        &self,
        schema: &StoredSchema,
        wanted: &[String],
    ) -> Result<Vec<EntityTags>, Error> {
        let (schema_type, text) = (schema.schema_type, schema.text.clone());
        let all = self
            .work
            .run(move || schemas::tagged_entities(schema_type, &text))
            .await?
            .map_err(InvalidSchema::Tags)?;
        let every = wanted.iter().any(|w| w == "*");
        Ok(all
            .into_iter()
            .filter(|e| every || e.tags.iter().any(|t| wanted.contains(t)))
            .collect())
    }
}
