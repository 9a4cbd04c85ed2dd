//! The rules of creating and changing associations (Confluent 8.2's
//! `AssociationCreateOrUpdateRequest.validate` and
//! `AbstractSchemaRegistry.createOrUpdateAssociation`), as pure functions
//! over the request, the resource's stored associations and what the store
//! says of each subject involved. Every refusal is the peer's, with its
//! property and detail; the order of the checks is the peer's, so the same
//! bad request gets the same answer.

use std::collections::{BTreeMap, HashMap};

use super::{Error, PostedSchema};
use crate::model::{Association, AssociationType, Lifecycle, TOPIC_RESOURCE, referenced_from};

/// How long a resource name or namespace may be.
const NAME_MAX_LENGTH: usize = 256;

/// Whether a request creates only (`POST /associations`) or creates or
/// updates (`PUT /associations/resources/{id}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Upsert {
    /// Create: an existing association of a kind is refused unless the
    /// request is equivalent to it (an idempotent retry).
    CreateOnly,
    /// Create what is missing, update what exists.
    CreateOrUpdate,
}

/// A request about the associations of one resource, as decoded (nothing
/// defaulted or checked yet): `T` is what it asks for each association.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceRequest<T> {
    /// The resource's name (a topic's).
    pub resource_name: Option<String>,
    /// Its namespace (a Kafka cluster's id).
    pub resource_namespace: Option<String>,
    /// Its id (required unless the request is a dry run).
    pub resource_id: Option<String>,
    /// Its type (only `topic`; none: `topic`).
    pub resource_type: Option<String>,
    /// One entry per association type.
    pub associations: Vec<T>,
}

impl<T> Default for ResourceRequest<T> {
    fn default() -> Self {
        ResourceRequest {
            resource_name: None,
            resource_namespace: None,
            resource_id: None,
            resource_type: None,
            associations: Vec::new(),
        }
    }
}

/// A request to create or update the associations of one resource.
pub type AssociationRequest = ResourceRequest<AssociationInput>;

/// One association of a request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AssociationInput {
    /// The subject (none: the stored one, or the default of a STRONG one).
    pub subject: Option<String>,
    /// `key` or `value` as sent (none: `value`).
    pub association_type: Option<String>,
    /// As sent.
    pub lifecycle: Option<Lifecycle>,
    /// As sent.
    pub frozen: Option<bool>,
    /// A schema to register in the subject first (makes it STRONG).
    pub schema: Option<PostedSchema>,
    /// Whether that registration normalizes.
    pub normalize: bool,
}

/// What the store says of a subject an association names.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SubjectFacts {
    /// Whether its mode imports (IMPORT or FORWARD).
    pub importing: bool,
    /// Its latest live version's number.
    pub latest: Option<i32>,
    /// Whether the schema sent along is one of its live versions.
    pub holds_posted: bool,
    /// Every association naming it.
    pub associations: Vec<Association>,
    /// Whether some schema references one of its versions.
    pub referenced: bool,
}

/// One association of an accepted request, settled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settled {
    /// Keys or values.
    pub association_type: AssociationType,
    /// Its subject.
    pub subject: String,
    /// As sent or defaulted (none on an update that keeps the stored one).
    pub lifecycle: Option<Lifecycle>,
    /// As sent or defaulted.
    pub frozen: Option<bool>,
    /// The schema to register first.
    pub schema: Option<PostedSchema>,
    /// Whether that registration normalizes.
    pub normalize: bool,
    /// The stored association of this kind.
    pub existing: Option<Association>,
    /// Whether the stored one already is what is asked (nothing to write).
    pub unchanged: bool,
}

/// An accepted request: the resource and its settled associations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// The resource's name.
    pub resource_name: String,
    /// Its namespace.
    pub resource_namespace: String,
    /// Its id (none only in a dry run).
    pub resource_id: Option<String>,
    /// Its type.
    pub resource_type: String,
    /// In the request's order.
    pub associations: Vec<Settled>,
}

/// 42212: the peer's `IllegalPropertyException`.
pub(super) fn invalid(property: &'static str, detail: impl Into<String>) -> Error {
    Error::InvalidAssociation {
        property,
        detail: detail.into(),
    }
}

/// The peer's `RestValidation.checkName`.
fn check_name(name: Option<&str>, property: &'static str) -> Result<String, Error> {
    let name = name
        .filter(|n| !n.is_empty())
        .ok_or_else(|| invalid(property, "cannot be null or empty"))?;
    if name.chars().count() > NAME_MAX_LENGTH {
        return Err(invalid(
            property,
            format!("exceeds max length of {NAME_MAX_LENGTH}"),
        ));
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_alphanumeric() || *c == '_' || *c == '-'))
    {
        return Err(invalid(property, format!("illegal character '{c}'")));
    }
    Ok(name.to_string())
}

/// The subject a STRONG association of this kind uses: `:.{namespace}:{name}-{type}`.
pub fn default_subject(namespace: &str, name: &str, kind: AssociationType) -> String {
    format!(":.{namespace}:{name}-{kind}")
}

/// The request's resource and associations checked and defaulted as the
/// peer's `validate` does, before anything is read: names, id (unless
/// `dry_run`), type, at least one association, each with a known type,
/// at most once; on create, a schema makes it STRONG and frozen, no schema
/// WEAK, a STRONG one without subject gets the default subject, which a
/// WEAK one may not use and a frozen one must.
pub fn validate(
    request: AssociationRequest,
    upsert: Upsert,
    dry_run: bool,
) -> Result<(Plan, Vec<AssociationInput>), Error> {
    let plan = check_resource(
        request.resource_name.as_deref(),
        request.resource_namespace.as_deref(),
        request.resource_id,
        request.resource_type,
        dry_run,
    )?;
    if request.associations.is_empty() {
        return Err(invalid("associations", "cannot be null or empty"));
    }
    let mut inputs = Vec::with_capacity(request.associations.len());
    for info in request.associations {
        inputs.push(check_input(info, upsert, &plan)?);
    }
    let mut seen = Vec::new();
    for info in &inputs {
        once_per_request(
            &mut seen,
            association_type(info.association_type.as_deref())?,
        )?;
    }
    Ok((plan, inputs))
}

/// The resource of a request checked and defaulted (the peer's
/// `checkName` on name and namespace, an id unless `dry_run`, the type
/// `topic`), as a plan with no association settled yet.
pub fn check_resource(
    name: Option<&str>,
    namespace: Option<&str>,
    id: Option<String>,
    resource_type: Option<String>,
    dry_run: bool,
) -> Result<Plan, Error> {
    let resource_name = check_name(name, "resourceName")?;
    let resource_namespace = check_name(namespace, "resourceNamespace")?;
    let resource_id = id.filter(|id| !id.is_empty());
    if !dry_run && resource_id.is_none() {
        return Err(invalid("resourceId", "cannot be null or empty"));
    }
    let resource_type = match resource_type.filter(|t| !t.is_empty()) {
        None => TOPIC_RESOURCE.to_string(),
        Some(t) if t == TOPIC_RESOURCE => t,
        Some(_) => return Err(invalid("resourceType", "must be 'topic'")),
    };
    Ok(Plan {
        resource_name,
        resource_namespace,
        resource_id,
        resource_type,
        associations: Vec::new(),
    })
}

/// One association of a request checked and defaulted for `plan`'s
/// resource (its type settled; on create, its lifecycle, frozen and
/// subject too).
pub fn check_input(
    mut info: AssociationInput,
    upsert: Upsert,
    plan: &Plan,
) -> Result<AssociationInput, Error> {
    let create = upsert == Upsert::CreateOnly;
    if info
        .subject
        .as_deref()
        .is_some_and(|s| s.is_empty() || s.chars().any(char::is_control))
    {
        return Err(invalid("subject", "must not be empty"));
    }
    if create {
        apply_defaults(&mut info, true)?;
    }
    let kind = association_type(info.association_type.as_deref())?;
    info.association_type = Some(kind.as_str().to_string());
    if info.lifecycle == Some(Lifecycle::Weak) {
        if info.schema.is_some() {
            return Err(invalid(
                "lifecycle",
                "cannot be WEAK when schema is provided",
            ));
        }
        if info.frozen == Some(true) {
            return Err(invalid(
                "frozen",
                "association with lifecycle of WEAK cannot be frozen",
            ));
        }
        if create && info.subject.is_none() {
            return Err(invalid("subject", "must be provided for WEAK associations"));
        }
    }
    if create {
        let default = default_subject(&plan.resource_namespace, &plan.resource_name, kind);
        let subject = info.subject.get_or_insert_with(|| default.clone());
        if info.frozen == Some(true) && *subject != default {
            return Err(invalid(
                "subject",
                format!("frozen associations must use subject '{default}'"),
            ));
        }
        if info.lifecycle == Some(Lifecycle::Weak) && *subject == default {
            return Err(invalid(
                "subject",
                format!("WEAK associations cannot use subject '{default}'"),
            ));
        }
    }
    Ok(info)
}

/// Notes `kind` as seen in a request, refusing it the second time.
pub fn once_per_request(
    seen: &mut Vec<AssociationType>,
    kind: AssociationType,
) -> Result<(), Error> {
    if seen.contains(&kind) {
        return Err(invalid(
            "associationType",
            format!("may only appear once per request, but '{kind}' appears more than once"),
        ));
    }
    seen.push(kind);
    Ok(())
}

/// `key` or `value`; none is `value`.
pub fn association_type(sent: Option<&str>) -> Result<AssociationType, Error> {
    match sent.filter(|t| !t.is_empty()) {
        None => Ok(AssociationType::Value),
        Some(t) => t
            .parse()
            .map_err(|()| invalid("associationType", "must be either 'key' or 'value'")),
    }
}

/// The peer's `applyDefaults`: a schema makes the association STRONG (and
/// may come only with a create), none makes it WEAK; frozen follows.
fn apply_defaults(info: &mut AssociationInput, create: bool) -> Result<(), Error> {
    if !create && info.schema.is_some() {
        return Err(invalid(
            "schema",
            "cannot be provided when adding an association to an existing topic; an \
             association with a schema must be created with the topic",
        ));
    }
    if info.schema.is_some() {
        if info.lifecycle == Some(Lifecycle::Weak) {
            return Err(invalid(
                "lifecycle",
                "cannot be WEAK when schema is provided",
            ));
        }
        if info.frozen == Some(false) {
            return Err(invalid(
                "frozen",
                "cannot be false when a schema is provided",
            ));
        }
        info.lifecycle = Some(Lifecycle::Strong);
    } else if info.lifecycle.is_none() {
        info.lifecycle = Some(Lifecycle::Weak);
    }
    let lifecycle = info.lifecycle.unwrap_or(Lifecycle::Weak);
    let frozen = lifecycle == Lifecycle::Strong;
    if let Some(sent) = info.frozen.filter(|f| *f != frozen) {
        return Err(invalid(
            "frozen",
            format!("association with lifecycle of {lifecycle} cannot be frozen={sent}"),
        ));
    }
    info.frozen = Some(frozen);
    Ok(())
}

/// The subject each input will name, where it is known before the rules
/// run (sent, defaulted, or the stored association's): what must be read
/// about, and what a caller needs `write` on.
pub fn subjects_named(
    plan: &Plan,
    inputs: &[AssociationInput],
    existing: &[Association],
) -> Vec<String> {
    inputs
        .iter()
        .filter_map(|info| {
            let kind = association_type(info.association_type.as_deref()).ok()?;
            info.subject
                .clone()
                .or_else(|| {
                    existing
                        .iter()
                        .find(|a| a.association_type == kind)
                        .map(|a| a.subject.clone())
                })
                .or_else(|| {
                    (info.lifecycle != Some(Lifecycle::Weak)).then(|| {
                        default_subject(&plan.resource_namespace, &plan.resource_name, kind)
                    })
                })
        })
        .collect()
}

/// The rules of `createOrUpdateAssociation` once the resource's stored
/// associations (`existing`, of this resource) and the facts of every
/// subject named are known: what to write, or the peer's refusal.
pub fn settle(
    mut plan: Plan,
    inputs: Vec<AssociationInput>,
    upsert: Upsert,
    existing: &[Association],
    facts: &HashMap<String, SubjectFacts>,
) -> Result<Plan, Error> {
    let create = upsert == Upsert::CreateOnly;
    let none = SubjectFacts::default();
    let facts_of = |subject: &str| facts.get(subject).unwrap_or(&none);
    for mut info in inputs {
        let kind = association_type(info.association_type.as_deref())?;
        let stored = existing
            .iter()
            .find(|a| a.association_type == kind)
            .cloned();
        if stored.is_none() && !create {
            apply_defaults(&mut info, false)?;
        }
        let default = default_subject(&plan.resource_namespace, &plan.resource_name, kind);
        let subject = match (&info.subject, &stored) {
            (Some(subject), _) => subject.clone(),
            (None, Some(stored)) => stored.subject.clone(),
            (None, None) if info.lifecycle == Some(Lifecycle::Strong) => default.clone(),
            (None, None) => {
                return Err(invalid("subject", "must be provided for WEAK associations"));
            }
        };
        info.subject = Some(subject.clone());
        let lifecycle = info
            .lifecycle
            .or(stored.as_ref().map(|a| a.lifecycle))
            .ok_or_else(|| invalid("lifecycle", "lifecycle must be set"))?;
        if lifecycle == Lifecycle::Weak {
            if info.schema.is_some() {
                return Err(invalid(
                    "lifecycle",
                    "cannot be WEAK when schema is provided",
                ));
            }
            if subject == default {
                return Err(invalid(
                    "subject",
                    format!("WEAK associations cannot use subject '{default}'"),
                ));
            }
        }
        let is_frozen = stored
            .as_ref()
            .map_or(info.frozen == Some(true), |a| a.frozen);
        let requested_frozen = info.frozen.unwrap_or(is_frozen);
        if requested_frozen != (lifecycle == Lifecycle::Strong) {
            return Err(invalid(
                "frozen",
                format!(
                    "association with lifecycle of {lifecycle} cannot be frozen={requested_frozen}"
                ),
            ));
        }
        if is_frozen && subject != default {
            return Err(invalid(
                "subject",
                format!("frozen associations must use subject '{default}'"),
            ));
        }
        let facts = facts_of(&subject);
        let mut unchanged = false;
        match &stored {
            None => {
                if !create && lifecycle == Lifecycle::Strong && !facts.importing {
                    return Err(invalid(
                        "lifecycle",
                        "cannot be STRONG when creating an association; STRONG associations \
                         must be created with the topic",
                    ));
                }
                if info.frozen == Some(true) && !facts.importing {
                    if create && info.schema.is_none() {
                        return Err(invalid(
                            "schema",
                            "schema must be provided when creating a frozen association",
                        ));
                    }
                    if facts.latest.is_some()
                        && (info.schema.is_none() || facts.latest != Some(1) || !facts.holds_posted)
                    {
                        return Err(invalid(
                            "frozen",
                            "cannot create a frozen association when schemas already exist in \
                             the subject",
                        ));
                    }
                }
            }
            Some(stored) if equivalent(stored, &info, &subject) => {
                if create && info.schema.is_some() && !facts.holds_posted {
                    return Err(Error::AssociationExists {
                        association_type: kind,
                        resource: stored.resource_name.clone(),
                    });
                }
                unchanged = true;
            }
            Some(stored) => {
                if create {
                    return Err(Error::AssociationExists {
                        association_type: kind,
                        resource: stored.resource_name.clone(),
                    });
                }
                if info.lifecycle.is_none() && info.schema.is_none() {
                    return Err(invalid(
                        "lifecycle",
                        "at least lifecycle or schema must be provided for update",
                    ));
                }
                if stored.subject != subject {
                    return Err(invalid(
                        "subject",
                        format!(
                            "subject of association cannot be changed from '{}' to '{subject}'",
                            stored.subject
                        ),
                    ));
                }
                if stored.lifecycle == Lifecycle::Strong
                    && info.lifecycle == Some(Lifecycle::Weak)
                    && stored.subject == default
                {
                    return Err(invalid(
                        "lifecycle",
                        format!(
                            "cannot change to WEAK when subject matches default format '{default}'"
                        ),
                    ));
                }
                if info.frozen.is_some_and(|f| f != stored.frozen) {
                    return Err(invalid(
                        "frozen",
                        "frozen attribute of association cannot be changed",
                    ));
                }
                if stored.frozen {
                    return Err(Error::AssociationFrozen {
                        association_type: kind,
                        subject: stored.subject.clone(),
                    });
                }
            }
        }
        plan.associations.push(Settled {
            association_type: kind,
            subject,
            lifecycle: info.lifecycle,
            frozen: info.frozen,
            schema: info.schema,
            normalize: info.normalize,
            existing: stored,
            unchanged,
        });
    }
    uniform_lifecycle(&plan, existing)?;
    for settled in &plan.associations {
        subject_rules(settled, &plan, facts_of(&settled.subject))?;
    }
    Ok(plan)
}

/// The peer's `isEquivalent`: same subject and type, and the lifecycle and
/// frozen sent (if any) are the stored ones.
fn equivalent(stored: &Association, info: &AssociationInput, subject: &str) -> bool {
    stored.subject == subject
        && info.lifecycle.is_none_or(|l| l == stored.lifecycle)
        && info.frozen.is_none_or(|f| f == stored.frozen)
}

/// A resource's associations share one lifecycle: the stored ones', with
/// the request's over them.
fn uniform_lifecycle(plan: &Plan, existing: &[Association]) -> Result<(), Error> {
    let mut by_type: BTreeMap<AssociationType, Lifecycle> = existing
        .iter()
        .map(|a| (a.association_type, a.lifecycle))
        .collect();
    for settled in &plan.associations {
        if let Some(lifecycle) = settled.lifecycle {
            by_type.insert(settled.association_type, lifecycle);
        }
    }
    let mut lifecycles: Vec<Lifecycle> = by_type.values().copied().collect();
    lifecycles.dedup();
    if lifecycles.len() > 1 {
        let detail = by_type
            .iter()
            .map(|(kind, lifecycle)| format!("{kind}={lifecycle}"))
            .collect::<Vec<_>>()
            .join(", ");
        return Err(invalid(
            "lifecycle",
            format!(
                "all associations for a resource must have the same lifecycle, but got {detail}"
            ),
        ));
    }
    Ok(())
}

/// What the subject's state and its other associations allow: a schema may
/// not come along in IMPORT mode; without one the subject needs a live
/// version; a STRONG association owns its subject alone (no other
/// association, no reference to it), and a WEAK one may not share a
/// subject a STRONG one owns.
fn subject_rules(settled: &Settled, plan: &Plan, facts: &SubjectFacts) -> Result<(), Error> {
    let subject = &settled.subject;
    if settled.schema.is_some() && facts.importing {
        return Err(invalid(
            "schema",
            format!("cannot be provided while subject '{subject}' is in IMPORT mode"),
        ));
    }
    if settled.schema.is_none() && facts.latest.is_none() {
        return Err(Error::NoActiveSubjectVersion {
            subject: subject.clone(),
        });
    }
    let others = facts.associations.iter().filter(|a| {
        settled.existing.as_ref().is_none_or(|own| {
            !(a.resource_id == own.resource_id
                && a.resource_type == own.resource_type
                && a.association_type == own.association_type)
        })
    });
    let lifecycle = settled
        .lifecycle
        .or(settled.existing.as_ref().map(|a| a.lifecycle))
        .unwrap_or(Lifecycle::Weak);
    match lifecycle {
        Lifecycle::Strong => {
            if others.count() > 0 {
                return Err(Error::SubjectAssociated {
                    subject: subject.clone(),
                });
            }
            // A schema of the same request referencing the subject, read
            // from the subject it is registered under.
            let referenced_here = plan.associations.iter().any(|other| {
                other.schema.as_ref().is_some_and(|schema| {
                    schema
                        .references
                        .iter()
                        .any(|r| referenced_from(&other.subject, &r.subject) == *subject)
                })
            });
            if facts.referenced || referenced_here {
                return Err(Error::AssociatedSubjectReferenced {
                    subject: subject.clone(),
                });
            }
        }
        Lifecycle::Weak => {
            if settled.frozen == Some(true) {
                return Err(invalid(
                    "frozen",
                    "association with lifecycle of WEAK cannot be frozen",
                ));
            }
            if others.into_iter().any(|a| a.lifecycle == Lifecycle::Strong) {
                return Err(Error::SubjectStronglyAssociated {
                    subject: subject.clone(),
                });
            }
        }
    }
    Ok(())
}

#[cfg(test)]
#[path = "association_rules_tests.rs"]
mod tests;
