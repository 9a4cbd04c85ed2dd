//! Associations (Confluent 8.2+): reading them, creating and updating them
//! (after registering the schema a STRONG one comes with), and deleting
//! them, with the subject of a STRONG one when the deletion cascades. The
//! rules are pure, in `association_rules`; this file reads what they need
//! and writes what they decide, each write in one transaction with its
//! audit record.

use std::collections::HashMap;

use serde_json::{Value, json};

use super::association_rules::{
    self, AssociationRequest, Plan, Settled, SubjectFacts, Upsert, subjects_named,
};
use super::consumers::now_ms;
use super::{Error, Registration, Registry, SchemaInput, SubjectVersion, live};
use crate::audit::{Action, Actor, AuditEvent};
use crate::model::{Association, AssociationFilter, AssociationType, Lifecycle, Subject};
use crate::store::AssociationChanges;

/// What a create or update did: the resource, and each association
/// written with the version registered for it (the peer answers only what
/// it wrote: nothing for an idempotent retry or a dry run).
#[derive(Debug, Clone)]
pub struct AssociationOutcome {
    /// The resource's name, as sent.
    pub resource_name: String,
    /// Its namespace, as sent.
    pub resource_namespace: String,
    /// Its id (none in a dry run without one).
    pub resource_id: Option<String>,
    /// Its type.
    pub resource_type: String,
    /// The associations written, with the version registered for each.
    pub associations: Vec<(Association, Option<SubjectVersion>)>,
}

/// What a deletion asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssociationDeletion {
    /// The resource's id.
    pub resource_id: String,
    /// Its type.
    pub resource_type: String,
    /// Only these kinds (empty: every kind).
    pub association_types: Vec<AssociationType>,
    /// Whether frozen ones go too, and the subjects of STRONG ones with
    /// them (soft, then permanently).
    pub cascade: bool,
    /// Whether to check only.
    pub dry_run: bool,
}

impl AssociationDeletion {
    /// The associations it is about.
    pub fn filter(&self) -> AssociationFilter {
        AssociationFilter {
            resource_id: Some(self.resource_id.clone()),
            resource_type: Some(self.resource_type.clone()),
            association_types: self.association_types.clone(),
            ..AssociationFilter::default()
        }
    }
}

impl Registry {
    /// The associations `filter` selects, in the peer's order.
    pub async fn associations(
        &self,
        filter: &AssociationFilter,
    ) -> Result<Vec<Association>, Error> {
        Ok(self.store.associations(filter).await?)
    }

    /// The associations naming `subject` (of `lifecycle`, when given).
    pub(super) async fn associations_of(
        &self,
        subject: &Subject,
        lifecycle: Option<Lifecycle>,
    ) -> Result<Vec<Association>, Error> {
        let filter = AssociationFilter {
            subject: Some(subject.to_string()),
            lifecycle,
            ..AssociationFilter::default()
        };
        Ok(self.store.associations(&filter).await?)
    }

    /// `request` with each subject that has an alias (its config's
    /// `alias`) replaced by the subject the alias names, as the peer's
    /// `createOrUpdateAssociation` replaces it before its rules.
    pub async fn aliased(
        &self,
        mut request: AssociationRequest,
    ) -> Result<AssociationRequest, Error> {
        for input in &mut request.associations {
            if let Some(subject) = &input.subject {
                if let Some(alias) = self.alias_of(subject).await? {
                    input.subject = Some(alias);
                }
            }
        }
        Ok(request)
    }

    /// The subjects a create or update request will name, where they are
    /// known before its rules run (sent, defaulted, or stored): what a
    /// caller must be allowed to write.
    pub async fn association_subjects(
        &self,
        request: &AssociationRequest,
        upsert: Upsert,
        dry_run: bool,
    ) -> Result<Vec<String>, Error> {
        let (plan, inputs) = association_rules::validate(request.clone(), upsert, dry_run)?;
        let existing = self.resource_associations(&plan).await?;
        Ok(subjects_named(&plan, &inputs, &existing))
    }

    /// Creates (or, with [`Upsert::CreateOrUpdate`], creates or updates)
    /// the associations of one resource: the peer's rules, the schema of a
    /// STRONG one registered in its subject first, then every association
    /// written in one transaction with its audit record. `dry_run` checks
    /// and writes nothing.
    #[tracing::instrument(skip(self, request, actor))]
    pub async fn set_associations(
        &self,
        request: AssociationRequest,
        upsert: Upsert,
        dry_run: bool,
        actor: &Actor,
    ) -> Result<AssociationOutcome, Error> {
        retrying!(self.try_set_associations(request.clone(), upsert, dry_run, actor))
    }

    async fn try_set_associations(
        &self,
        request: AssociationRequest,
        upsert: Upsert,
        dry_run: bool,
        actor: &Actor,
    ) -> Result<AssociationOutcome, Error> {
        let (plan, inputs) = association_rules::validate(request, upsert, dry_run)?;
        for subject in inputs.iter().filter_map(|i| i.subject.as_deref()) {
            self.ensure_writable(Some(&Subject::parse(subject)?))
                .await?;
        }
        let existing = self.resource_associations(&plan).await?;
        let mut facts = HashMap::new();
        for subject in subjects_named(&plan, &inputs, &existing) {
            let posted = inputs
                .iter()
                .find(|i| i.subject.as_deref() == Some(subject.as_str()))
                .and_then(|i| i.schema.clone().map(|s| (s, i.normalize)));
            let found = self.subject_facts(&subject, posted).await?;
            facts.insert(subject, found);
        }
        let plan = association_rules::settle(plan, inputs, upsert, &existing, &facts)?;
        let mut outcome = AssociationOutcome {
            resource_name: plan.resource_name.clone(),
            resource_namespace: plan.resource_namespace.clone(),
            resource_id: plan.resource_id.clone(),
            resource_type: plan.resource_type.clone(),
            associations: Vec::new(),
        };
        if dry_run {
            return Ok(outcome);
        }
        let mut registered = HashMap::new();
        for settled in &plan.associations {
            let Some(schema) = &settled.schema else {
                continue;
            };
            if facts.get(&settled.subject).is_some_and(|f| f.importing) {
                continue;
            }
            let registration = Registration {
                schema: SchemaInput::Posted(schema.clone()),
                normalize: settled.normalize,
                version: super::WantedVersion::Next,
                id: None,
                // The schema tags of an association's schema are not read
                // (its body's `schemaTagsToAdd` is ignored).
                tags: schemas::tags::TagEdit::default(),
                propagate_tags: false,
            };
            let subject = Subject::parse(&settled.subject)?;
            let done = self.register(&subject, &registration, actor).await?;
            registered.insert(settled.association_type, done.version);
        }
        let changes = changes(&plan, now_ms());
        if changes.insert.is_empty() && changes.update.is_empty() {
            return Ok(outcome);
        }
        let written: Vec<&Association> = changes.insert.iter().chain(&changes.update).collect();
        let audit = AuditEvent::new(
            actor,
            Action::SetAssociations,
            written.first().map(|a| a.subject.as_str()),
        )
        .with("resourceId", plan.resource_id.clone().into())
        .with("resourceName", plan.resource_name.as_str().into())
        .with("resourceNamespace", plan.resource_namespace.as_str().into())
        .with("associations", described(&written));
        self.store.change_associations(&changes, &audit).await?;
        audit.log();
        tracing::info!(resource = %plan.resource_name, "associations written");
        outcome.associations = written
            .into_iter()
            .map(|a| (a.clone(), registered.remove(&a.association_type)))
            .collect();
        Ok(outcome)
    }

    /// The stored associations of the request's resource: by id, or (a
    /// dry run without one) by name and namespace, of the resource updated
    /// last among those sharing them.
    async fn resource_associations(&self, plan: &Plan) -> Result<Vec<Association>, Error> {
        let mut filter = AssociationFilter {
            resource_type: Some(plan.resource_type.clone()),
            ..AssociationFilter::default()
        };
        match &plan.resource_id {
            Some(id) => filter.resource_id = Some(id.clone()),
            None => {
                filter.resource_name = Some(plan.resource_name.clone());
                filter.resource_namespace = Some(plan.resource_namespace.clone());
            }
        }
        let mut found = self.store.associations(&filter).await?;
        if plan.resource_id.is_none() {
            let latest = found
                .iter()
                .max_by(|a, b| {
                    (a.updated_at_ms, a.created_at_ms, &a.resource_id).cmp(&(
                        b.updated_at_ms,
                        b.created_at_ms,
                        &b.resource_id,
                    ))
                })
                .map(|a| a.resource_id.clone());
            found.retain(|a| Some(&a.resource_id) == latest.as_ref());
        }
        Ok(found)
    }

    /// What the rules need to know of a subject: its mode, latest live
    /// version, whether the schema sent along for it is one of its live
    /// versions, its associations, and whether anything references it.
    async fn subject_facts(
        &self,
        subject: &str,
        posted: Option<(super::PostedSchema, bool)>,
    ) -> Result<SubjectFacts, Error> {
        let parsed = Subject::parse(subject)?;
        let importing = self.effective_mode(Some(&parsed)).await?.imports();
        let history = self.history(&parsed).await?;
        let latest = live(&history).last().map(|v| v.version.0);
        let holds_posted = match posted {
            Some((schema, normalize)) if latest.is_some() => {
                match self
                    .lookup(&parsed, &SchemaInput::Posted(schema), false, normalize)
                    .await
                {
                    Ok(_) => true,
                    Err(Error::Store(e)) => return Err(e.into()),
                    Err(_) => false,
                }
            }
            _ => false,
        };
        let associations = self
            .store
            .associations(&AssociationFilter {
                subject: Some(subject.to_string()),
                ..AssociationFilter::default()
            })
            .await?;
        let mut referenced = false;
        for version in &history.versions {
            let referrers = self.store.referrers(subject, version.version).await?;
            if referrers.iter().any(|r| r.live) {
                referenced = true;
                break;
            }
        }
        Ok(SubjectFacts {
            importing,
            latest,
            holds_posted,
            associations,
            referenced,
        })
    }

    /// Deletes a resource's associations (of the kinds asked for, or all):
    /// 40410 when it has none of them; a frozen one only with `cascade`,
    /// which also deletes a STRONG one's subject, soft then permanently
    /// (unless the subject imports). Returns what was (or, in a dry run,
    /// would be) deleted.
    #[tracing::instrument(skip(self, deletion, actor), fields(resource = %deletion.resource_id))]
    pub async fn delete_associations(
        &self,
        deletion: &AssociationDeletion,
        actor: &Actor,
    ) -> Result<Vec<Association>, Error> {
        let found = retrying!(self.try_delete_associations(deletion, actor))?;
        if deletion.dry_run || !deletion.cascade {
            return Ok(found);
        }
        for association in found.iter().filter(|a| a.lifecycle == Lifecycle::Strong) {
            let subject = Subject::parse(&association.subject)?;
            if self.effective_mode(Some(&subject)).await?.imports() {
                continue;
            }
            match self.delete_subject(&subject, false, actor).await {
                Ok(_) | Err(Error::SubjectNotFound { .. } | Error::SubjectSoftDeleted { .. }) => {}
                Err(e) => return Err(e),
            }
            match self.delete_subject(&subject, true, actor).await {
                Ok(_) | Err(Error::SubjectNotFound { .. }) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(found)
    }

    async fn try_delete_associations(
        &self,
        deletion: &AssociationDeletion,
        actor: &Actor,
    ) -> Result<Vec<Association>, Error> {
        let found = self.store.associations(&deletion.filter()).await?;
        if found.is_empty() {
            return Err(Error::AssociationNotFound {
                resource: deletion.resource_id.clone(),
            });
        }
        for association in &found {
            self.ensure_writable(Some(&Subject::parse(&association.subject)?))
                .await?;
            if !deletion.cascade && association.frozen {
                return Err(Error::AssociationFrozen {
                    association_type: association.association_type,
                    subject: association.subject.clone(),
                });
            }
        }
        if deletion.dry_run {
            return Ok(found);
        }
        let gone: Vec<&Association> = found.iter().collect();
        let audit = AuditEvent::new(
            actor,
            Action::DeleteAssociations,
            found.first().map(|a| a.subject.as_str()),
        )
        .with("resourceId", deletion.resource_id.as_str().into())
        .with("cascadeLifecycle", deletion.cascade.into())
        .with("associations", described(&gone));
        let changes = AssociationChanges {
            delete: found.clone(),
            ..AssociationChanges::default()
        };
        self.store.change_associations(&changes, &audit).await?;
        audit.log();
        Ok(found)
    }
}

/// The rows a settled plan writes at `now`: new associations with a fresh
/// GUID, changed ones keeping theirs (and their resource and subject).
fn changes(plan: &Plan, now: i64) -> AssociationChanges {
    let mut changes = AssociationChanges::default();
    for settled in plan.associations.iter().filter(|s| !s.unchanged) {
        match &settled.existing {
            None => changes.insert.push(created(plan, settled, now)),
            Some(old) => changes.update.push(Association {
                lifecycle: settled.lifecycle.unwrap_or(old.lifecycle),
                frozen: settled.frozen.unwrap_or(old.frozen),
                updated_at_ms: now,
                ..old.clone()
            }),
        }
    }
    changes
}

fn created(plan: &Plan, settled: &Settled, now: i64) -> Association {
    Association {
        subject: settled.subject.clone(),
        guid: uuid::Uuid::new_v4().to_string(),
        resource_name: plan.resource_name.clone(),
        resource_namespace: plan.resource_namespace.clone(),
        resource_id: plan.resource_id.clone().unwrap_or_default(),
        resource_type: plan.resource_type.clone(),
        association_type: settled.association_type,
        lifecycle: settled.lifecycle.unwrap_or(Lifecycle::Weak),
        frozen: settled.frozen == Some(true),
        created_at_ms: now,
        updated_at_ms: now,
    }
}

/// Associations as the audit trail records them.
fn described(associations: &[&Association]) -> Value {
    associations
        .iter()
        .map(|a| {
            json!({
                "associationType": a.association_type.as_str(),
                "subject": a.subject,
                "lifecycle": a.lifecycle.as_str(),
                "guid": a.guid,
            })
        })
        .collect()
}
